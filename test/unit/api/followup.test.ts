import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditValues, verifyAuditChain } from '../../../db/audit'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import type { RequestOf, ResultOf, CallName, StudyRequest } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import type { StudyInput } from '../../../db/types'
import { localNoon, patientInput, tempDir, TREATMENT_UNDATED } from '../../helpers/db'

// The follow-up workflow through the same dispatch path the UI uses, on a real SQLite file,
// with the clock fixed at noon local time on 2026-11-24.

let backend: Backend
let cleanup: () => void
let now = localNoon('2026-11-24')

beforeEach(() => {
  const t = tempDir()
  cleanup = t.cleanup
  now = localNoon('2026-11-24')
  backend = openBackend({
    dataFile: path.join(t.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    now: () => now,
    user: 'dr.test',
  })
})
afterEach(() => {
  backend.close()
  cleanup()
})

async function ok<K extends CallName>(name: K, req: RequestOf<K>): Promise<ResultOf<K>> {
  const r = await dispatch(backend.handlers, name, req, () => undefined)
  if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`)
  return r.value as ResultOf<K>
}

/** The patient's stored version: what a form that just opened the patient sends back. */
const versionOf = async (id: number): Promise<number> => (await ok('patients.get', { id })).version

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast' as const
const CT = 'ct-abdomen-pelvis-with-iv-contrast' as const
const noDose: StudyInput['dose'] = {
  effectiveMsv: null,
  ctdiVolMgy: null,
  dlpMgyCm: null,
  region: null,
  activityMbq: null,
  agent: null,
}
const study = (
  date: string,
  result: StudyInput['result'],
  extra: Partial<StudyRequest> = {},
): StudyRequest => ({
  date,
  procedure: MRI,
  result: result ?? 'not-read-yet',
  lesions: [],
  dose: noDose,
  note: null,
  ...extra,
})
const count = (sql: string): number => backend.db.prepare(sql).pluck().get() as number

describe('recording a study', () => {
  it('stores the study, closes the item it fulfils, keeps the engine’s recommendation and schedules the next study', async () => {
    const p = await ok('patients.create', patientInput(TREATMENT_UNDATED))
    const before = await ok('patients.detail', { id: p.id })
    expect(before.items).toHaveLength(1)
    expect(before.items[0]).toMatchObject({
      status: 'scheduled',
      procedure: MRI,
      due: { from: '2026-11-24', to: '2026-12-24' },
    })

    const r = await ok('studies.record', { patientId: p.id, study: study('2026-11-20', 'stable') })
    expect(r.closedItem).toMatchObject({
      id: before.items[0]!.id,
      status: 'done',
      fulfilledByStudyId: r.study.id,
    })
    expect(r.recommendation).toMatchObject({
      variant: 'follow-up-non-liver-dominant',
      action: 'image',
      procedure: MRI,
      intervalMonths: { min: 6, max: 12 },
      due: { from: '2027-05-20', to: '2027-11-20' },
      trigger: 'study-recorded',
      packId: r.recommendation.output.guideline.id,
    })
    expect(r.recommendation.inputs).toMatchObject({ studies: [{ date: '2026-11-20', result: 'stable' }] })
    expect(r.nextItem).toMatchObject({
      status: 'scheduled',
      due: { from: '2027-05-20', to: '2027-11-20' },
      recommendationId: r.recommendation.id,
    })

    const d = await ok('patients.detail', { id: p.id })
    expect(d.recommendations.filter((x) => x.supersededBy === null)).toHaveLength(1)
    expect(d.recommendations.length).toBe(2)
    expect(verifyAuditChain(backend.db)).toBeNull()
  })

  it('does not count an older study entered as history as the study the open item asks for', async () => {
    const p = await ok('patients.create', patientInput())
    const first = await ok('studies.record', { patientId: p.id, study: study('2026-10-01', 'stable') })
    const history = await ok('studies.record', { patientId: p.id, study: study('2025-10-01', 'stable') })
    expect(history.closedItem).toBeNull()
    expect(history.nextItem).toMatchObject({
      id: first.nextItem!.id,
      status: 'scheduled',
      due: { from: '2027-04-01', to: '2027-10-01' },
    })
  })

  it('rolls everything back when any part fails, and refuses a study dated in the future', async () => {
    const p = await ok('patients.create', patientInput())
    const snapshot = () => [
      count('SELECT count(*) FROM study'),
      count('SELECT count(*) FROM recommendation'),
      count('SELECT count(*) FROM audit_log'),
    ]
    const before = snapshot()
    const r = await dispatch(
      backend.handlers,
      'studies.record',
      { patientId: p.id, study: study('2026-11-25', 'stable') },
      () => undefined,
    )
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', fields: { 'study.date': 'The study date is in the future.' } },
    })
    const dup = await dispatch(
      backend.handlers,
      'studies.record',
      {
        patientId: p.id,
        study: study('2026-11-20', null, {
          lesions: [
            { id: 'T1', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 20, status: null },
            { id: 'T1', organ: 'liver', nodal: false, role: 'target', diameterMm: 12, status: null },
          ],
        }),
      },
      () => undefined,
    )
    expect(dup).toMatchObject({
      ok: false,
      error: { fields: { 'study.lesions.1.id': 'Label T1 is used twice.' } },
    })
    expect(snapshot()).toEqual(before)
  })

  it('derives the result from RECIST measurements when the reader left it empty, and sends progression to the tumour board', async () => {
    const p = await ok('patients.create', patientInput())
    const lesions = (a: number, b: number): StudyInput['lesions'] => [
      { id: 'T1', organ: 'pancreas', nodal: false, role: 'target', diameterMm: a, status: null },
      { id: 'T2', organ: 'lymph node', nodal: true, role: 'target', diameterMm: b, status: null },
    ]
    await ok('studies.record', {
      patientId: p.id,
      study: study('2025-06-10', 'stable', { lesions: lesions(34, 18) }),
    })
    await ok('studies.record', {
      patientId: p.id,
      study: study('2025-12-10', 'response', { lesions: lesions(28, 14) }),
    })
    const r = await ok('studies.record', {
      patientId: p.id,
      study: study('2026-06-08', null, { lesions: lesions(34, 18) }),
    })
    expect(r.recommendation.output.response).toMatchObject({ category: 'PD', sumMm: 52, nadirSumMm: 42 })
    expect(r.recommendation.action).toBe('tumor-board')
    expect(r.nextItem).toMatchObject({
      reason: 'Tumour board review',
      due: { from: '2026-11-24', to: '2026-11-24' },
    })
    const row = (
      await ok('worklist.page', { bucket: 'due', sort: 'due', descending: false, limit: 10, offset: 0 })
    )[0]
    // The worklist says the progression was derived, not read (issue 8.8).
    expect(row).toMatchObject({
      lastResult: 'progression',
      lastResultDerived: true,
      item: { reason: 'Tumour board review' },
    })
    await ok('studies.setResult', { studyId: r.study.id, version: r.study.version, result: 'progression' })
    const read = (
      await ok('worklist.page', { bucket: 'all', sort: 'due', descending: false, limit: 10, offset: 0 })
    )[0]
    expect(read).toMatchObject({ lastResult: 'progression', lastResultDerived: false })
  })
})

describe('what the open item asks for', () => {
  it('asks for the result of a newest study recorded without one, due now, instead of an overdue plan', async () => {
    const p = await ok('patients.create', patientInput())
    await ok('studies.record', { patientId: p.id, study: study('2025-09-01', 'stable') })
    const r = await ok('studies.record', { patientId: p.id, study: study('2026-11-20', null) })
    expect(r.nextItem).toMatchObject({
      procedure: null,
      reason: 'Enter the result of the 2026-11-20 study',
      due: { from: '2026-11-24', to: '2026-11-24' },
    })
    expect(r.recommendation.output.alerts).toContain('unread-study')
  })

  it('keeps the first window of a due-now item when facts change, so it can become overdue', async () => {
    const p = await ok('patients.create', patientInput())
    const first = (await ok('patients.detail', { id: p.id })).items[0]!
    now = localNoon('2027-01-10')
    await ok('patients.update', {
      id: p.id,
      version: await versionOf(p.id),
      patient: patientInput({ weightKg: 80 }),
    })
    const later = (await ok('patients.detail', { id: p.id })).items.filter((i) => i.status === 'scheduled')
    expect(later).toHaveLength(1)
    expect(later[0]).toMatchObject({ id: first.id, due: first.due })
    expect((await ok('worklist.summary', { bucket: 'all' })).counts.overdue).toBe(1)
  })

  it('closes a tumour board only with its decision, keeps the step it chose, and a new treatment starts response follow-up', async () => {
    const p = await ok('patients.create', patientInput())
    const r = await ok('studies.record', { patientId: p.id, study: study('2026-11-01', 'progression') })
    expect(r.nextItem).toMatchObject({ kind: 'tumor-board', reason: 'Tumour board review' })
    // "Mark done" without saying what the board decided is refused; the board stays open.
    const done = await dispatch(
      backend.handlers,
      'followup.setStatus',
      {
        itemId: r.nextItem!.id,
        version: r.nextItem!.version,
        status: 'done',
        reasonCode: 'done-elsewhere',
        reasonText: null,
        newDue: null,
      },
      () => undefined,
    )
    expect(done).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    const decided = await ok('followup.recordDecision', {
      itemId: r.nextItem!.id,
      version: r.nextItem!.version,
      date: '2026-11-23',
      decision: {
        type: 'continue-surveillance',
        procedure: MRI,
        due: { from: '2027-02-01', to: '2027-03-01' },
      },
    })
    expect(decided.closed).toMatchObject({ status: 'done', statusReasonCode: 'decision-recorded' })
    expect(decided.closed!.decision).toMatchObject({
      date: '2026-11-23',
      decision: { type: 'continue-surveillance' },
    })
    expect(decided.next).toMatchObject({ kind: 'imaging', override: { due: { from: '2027-02-01' } } })
    // The engine still sees the progression; the board's decision already answers it.
    await ok('patients.update', {
      id: p.id,
      version: await versionOf(p.id),
      patient: patientInput({ weightKg: 81 }),
    })
    const kept = (await ok('patients.detail', { id: p.id })).items.filter((i) => i.status === 'scheduled')
    expect(kept).toHaveLength(1)
    expect(kept[0]).toMatchObject({ id: decided.next!.id, override: { due: { from: '2027-02-01' } } })
    const withTreatment = patientInput({
      treatments: [
        { kind: 'prrt', date: '2025-01-15', completeResection: null },
        { kind: 'targeted-therapy', date: '2026-11-20', completeResection: null },
      ],
    })
    await ok('patients.update', {
      id: p.id,
      version: await versionOf(p.id),
      patient: withTreatment,
    })
    const open = (await ok('patients.detail', { id: p.id })).items.find((i) => i.status === 'scheduled')
    expect(open).toMatchObject({
      kind: 'treatment-response',
      procedure: MRI,
      due: { from: '2027-05-20', to: '2027-11-20' },
    })
  })
})

describe('facts changing', () => {
  it('re-runs the engine, supersedes the older suggestion and moves the open item to CT when MRI becomes contraindicated', async () => {
    const p = await ok('patients.create', patientInput())
    await ok('studies.record', { patientId: p.id, study: study('2026-09-01', 'stable') })
    const input = patientInput({
      constraints: {
        mriContraindicated: true,
        mriReason: 'pacemaker',
        iodinatedContrastContraindicated: false,
        gadoliniumContraindicated: false,
        eGFR: 70,
      },
    })
    await ok('patients.update', {
      id: p.id,
      version: await versionOf(p.id),
      patient: input,
    })
    const d = await ok('patients.detail', { id: p.id })
    const [current, previous] = d.recommendations
    expect(current).toMatchObject({ procedure: CT, trigger: 'facts-changed', supersededBy: null })
    expect(d.current).toMatchObject({ id: current!.id })
    expect(d.current!.output.alerts).toContain('mri-contraindicated')
    expect(previous).toMatchObject({ procedure: MRI, supersededBy: current!.id })
    expect(d.items.find((i) => i.status === 'scheduled')).toMatchObject({
      procedure: CT,
      recommendationId: current!.id,
    })
  })

  it('keeps an override as the radiologist set it while the suggestion beside it follows the engine', async () => {
    const p = await ok('patients.create', patientInput())
    await ok('studies.record', { patientId: p.id, study: study('2026-09-01', 'stable') })
    const item = (await ok('patients.detail', { id: p.id })).items.find((i) => i.status === 'scheduled')!
    await ok('followup.override', {
      itemId: item.id,
      version: item.version,
      procedure: null,
      due: { from: '2027-01-01', to: '2027-02-01' },
      reasonCode: 'patient-preference',
      text: 'travelling',
    })
    await ok('patients.update', {
      id: p.id,
      version: await versionOf(p.id),
      patient: patientInput({ weightKg: 75 }),
    })
    const after = (await ok('patients.detail', { id: p.id })).items.find((i) => i.status === 'scheduled')!
    expect(after.override).toEqual({
      procedure: null,
      due: { from: '2027-01-01', to: '2027-02-01' },
      reasonCode: 'patient-preference',
      text: 'travelling',
    })
  })
})

describe('follow-up items', () => {
  it('keeps an override with its coded reason, audited with before and after', async () => {
    const p = await ok('patients.create', patientInput())
    const item = (await ok('patients.detail', { id: p.id })).items[0]!
    const bad = await dispatch(
      backend.handlers,
      'followup.override',
      { itemId: item.id, version: item.version, procedure: CT, due: null, reasonCode: 'other', text: null },
      () => undefined,
    )
    expect(bad).toMatchObject({ ok: false, error: { fields: { text: 'Say why, in a few words.' } } })
    const o = await ok('followup.override', {
      itemId: item.id,
      version: item.version,
      procedure: CT,
      due: null,
      reasonCode: 'contraindication',
      text: 'claustrophobia',
    })
    expect(o.override).toEqual({
      procedure: CT,
      due: null,
      reasonCode: 'contraindication',
      text: 'claustrophobia',
    })
    const audit = auditValues(
      backend.db,
      backend.db
        .prepare("SELECT before_json, after_json FROM audit_log WHERE action = 'followup.override'")
        .get() as { before_json: string; after_json: string },
    ) as { before: { override: null }; after: { override: { reasonCode: string } } }
    expect(audit.before.override).toBeNull()
    expect(audit.after.override.reasonCode).toBe('contraindication')
  })

  it('defers to a new window, cancels with a reason (the next step opens), and refuses to change a closed item', async () => {
    const p = await ok('patients.create', patientInput(TREATMENT_UNDATED))
    const item = (await ok('patients.detail', { id: p.id })).items[0]!
    const past = await dispatch(
      backend.handlers,
      'followup.setStatus',
      {
        itemId: item.id,
        version: item.version,
        status: 'deferred',
        reasonCode: 'scheduling',
        reasonText: null,
        newDue: { from: '2026-10-01', to: '2026-11-01' },
      },
      () => undefined,
    )
    expect(past).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: expect.stringContaining('before today (2026-11-24)') as unknown,
        fields: { 'newDue.to': expect.any(String) as unknown },
      },
    })
    const d = await ok('followup.setStatus', {
      itemId: item.id,
      version: item.version,
      status: 'deferred',
      reasonCode: 'patient-request',
      reasonText: null,
      newDue: { from: '2027-01-10', to: '2027-02-10' },
    })
    expect(d.closed.status).toBe('deferred')
    expect(d.next).toMatchObject({
      status: 'scheduled',
      due: item.due,
      procedure: item.procedure,
      override: {
        procedure: null,
        due: { from: '2027-01-10', to: '2027-02-10' },
        reasonCode: 'patient-preference',
        text: null,
      },
      deferralReason: 'patient-request',
    })
    // A later change of facts re-runs the engine but never moves the deferred window.
    await ok('patients.update', {
      id: p.id,
      version: await versionOf(p.id),
      patient: patientInput({ ...TREATMENT_UNDATED, weightKg: 80 }),
    })
    const open = (await ok('patients.detail', { id: p.id })).items.find((i) => i.status === 'scheduled')!
    expect(open.override?.due).toEqual({ from: '2027-01-10', to: '2027-02-10' })
    // The deferred step, as the page showed it before: changed since (STALE); as it is now: closed.
    const cancel = { status: 'cancelled', reasonCode: 'duplicate', reasonText: null, newDue: null } as const
    const stale = await dispatch(
      backend.handlers,
      'followup.setStatus',
      { itemId: item.id, version: item.version, ...cancel },
      () => undefined,
    )
    expect(stale).toMatchObject({ ok: false, error: { code: 'STALE' } })
    const closed = (await ok('patients.detail', { id: p.id })).items.find((i) => i.id === item.id)!
    const again = await dispatch(
      backend.handlers,
      'followup.setStatus',
      { itemId: item.id, version: closed.version, ...cancel },
      () => undefined,
    )
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    const c = await ok('followup.setStatus', {
      itemId: open.id,
      version: open.version,
      status: 'cancelled',
      reasonCode: 'other',
      reasonText: 'moved abroad',
      newDue: null,
    })
    expect(c.closed).toMatchObject({
      status: 'cancelled',
      statusReasonCode: 'other',
      statusReasonText: 'moved abroad',
    })
    // A cancelled step is replaced by the guideline's step at once: the patient stays on the list.
    expect(c.lifecycle.guard).toBe('cancel-reopens-guideline-step')
    expect(c.next).toMatchObject({ status: 'scheduled', kind: 'imaging-now' })
    expect((await ok('worklist.summary', { bucket: 'all' })).counts.scheduled).toBe(1)
    // Only leaving surveillance, with a reason, person and date, leaves no open step.
    const left = await ok('surveillance.leave', {
      patientId: p.id,
      exit: { reasonCode: 'discharged-elsewhere', text: 'Oslo', attempts: null, date: '2026-11-24' },
    })
    expect(left.next).toBeNull()
    expect(left.closed).toMatchObject({ status: 'cancelled', statusReasonCode: 'left-surveillance' })
    const counts = (await ok('worklist.summary', { bucket: 'all' })).counts
    expect(counts).toMatchObject({ scheduled: 0, left: 1 })
    const list = await ok('worklist.left', { limit: 10, offset: 0 })
    expect(list.items[0]).toMatchObject({
      patientId: p.id,
      exit: { reasonCode: 'discharged-elsewhere', text: 'Oslo', recordedBy: 'dr.test', date: '2026-11-24' },
    })
  })

  it('shows an item as overdue once today is past its window', async () => {
    const p = await ok('patients.create', patientInput())
    await ok('studies.record', { patientId: p.id, study: study('2026-01-01', 'stable') })
    expect((await ok('worklist.summary', { bucket: 'all' })).counts).toMatchObject({ overdue: 0, due: 1 })
    now = localNoon('2027-01-01')
    expect((await ok('worklist.summary', { bucket: 'all' })).counts).toMatchObject({ overdue: 0, due: 1 })
    now = localNoon('2027-01-02')
    expect((await ok('worklist.summary', { bucket: 'all' })).counts).toMatchObject({ overdue: 1, due: 0 })
    const [row] = await ok('worklist.page', {
      bucket: 'overdue',
      sort: 'due',
      descending: false,
      limit: 5,
      offset: 0,
    })
    expect(row).toMatchObject({ patientId: p.id, item: { due: { from: '2026-07-01', to: '2027-01-01' } } })
  })
})

describe('demo log and settings', () => {
  it('loads ten marked demo patients with work in every bucket, and removes only them', async () => {
    const real = await ok('patients.create', patientInput({ mrn: 'REAL-1' }))
    expect(await ok('demo.load', {})).toEqual({ patients: 10 })
    expect(await ok('demo.load', {})).toEqual({ patients: 0 })
    const { counts } = await ok('worklist.summary', { bucket: 'all' })
    expect(counts.overdue).toBeGreaterThan(0)
    expect(counts.due).toBeGreaterThan(0)
    expect(counts.upcoming90).toBeGreaterThan(0)
    expect(await ok('demo.remove', {})).toEqual({ removed: 10 })
    expect(backend.db.prepare('SELECT id FROM patient').pluck().all()).toEqual([real.id])
    expect(verifyAuditChain(backend.db)).toBeNull()
  })

  it('recomputes cumulative doses when the k-factor set changes, without touching recommendations', async () => {
    const p = await ok('patients.create', patientInput())
    await ok('studies.record', {
      patientId: p.id,
      study: study('2026-09-01', 'stable', {
        procedure: CT,
        dose: { ...noDose, dlpMgyCm: 1000, region: 'pelvis' },
      }),
    })
    const dose = () =>
      backend.db.prepare('SELECT cumulative_msv FROM patient WHERE id = ?').pluck().get(p.id) as number
    expect(dose()).toBeCloseTo(15, 6)
    const recs = count('SELECT count(*) FROM recommendation')
    await ok('settings.update', { kFactors: 'icrp103' })
    // The re-dose runs as a background job (test/unit/api/redose.test.ts).
    const job = backend.jobs.running('redose')
    if (job) expect((await backend.jobs.settled(job.id)).state).toBe('done')
    expect(dose()).toBeCloseTo(12.9, 6)
    expect(count('SELECT count(*) FROM recommendation')).toBe(recs)
    expect((await ok('patients.detail', { id: p.id })).dose.kFactors).toBe('icrp103')
  })
})

describe('entering a result later', () => {
  it('stores the result with an audit row, re-runs the engine and replaces the pending-read item with the plan', async () => {
    const p = await ok('patients.create', patientInput())
    const r = await ok('studies.record', { patientId: p.id, study: study('2026-11-20', null) })
    expect(r.nextItem?.reason).toBe('Enter the result of the 2026-11-20 study')
    const s = await ok('studies.setResult', {
      studyId: r.study.id,
      version: r.study.version,
      result: 'indeterminate',
    })
    expect(s.study.result).toBe('indeterminate')
    expect(s.recommendation).toMatchObject({ trigger: 'result-entered', intervalMonths: { min: 3, max: 4 } })
    // The result step closes as done (its result is in) and the plan opens as the next step.
    expect(s.closedItem).toMatchObject({
      id: r.nextItem!.id,
      status: 'done',
      statusReasonCode: 'result-entered',
    })
    expect(s.lifecycle.guard).toBe('result-entered')
    expect(s.nextItem).toMatchObject({ kind: 'imaging', due: { from: '2027-02-20', to: '2027-03-20' } })
    const audit = auditValues(
      backend.db,
      backend.db
        .prepare("SELECT before_json, after_json FROM audit_log WHERE action = 'study.result'")
        .get() as { before_json: string; after_json: string },
    ) as { before: { result: null }; after: { result: string } }
    expect([audit.before.result, audit.after.result]).toEqual([null, 'indeterminate'])
    const missing = await dispatch(
      backend.handlers,
      'studies.setResult',
      { studyId: 999, version: 1, result: 'stable' },
      () => undefined,
    )
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })
})

describe('one transaction per command', () => {
  it('stores nothing of a recorded study when a later step inside the transaction fails', async () => {
    const p = await ok('patients.create', patientInput())
    const snapshot = () =>
      ['study', 'lesion', 'recommendation', 'followup_item', 'audit_log'].map((t) =>
        count(`SELECT count(*) FROM ${t}`),
      )
    const itemsBefore = JSON.stringify((await ok('patients.detail', { id: p.id })).items)
    const before = snapshot()
    // Fault injection: the recommendation insert, after the study and its audit row, fails.
    backend.db.exec(
      "CREATE TRIGGER fail_recommendation BEFORE INSERT ON recommendation BEGIN SELECT RAISE(ABORT, 'injected'); END",
    )
    const lesions: StudyInput['lesions'] = [
      { id: 'T1', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 20, status: null },
    ]
    const r = await dispatch(
      backend.handlers,
      'studies.record',
      { patientId: p.id, study: study('2026-11-20', 'stable', { lesions }) },
      () => undefined,
    )
    expect(r.ok).toBe(false)
    expect(snapshot()).toEqual(before)
    expect(JSON.stringify((await ok('patients.detail', { id: p.id })).items)).toBe(itemsBefore)
    backend.db.exec('DROP TRIGGER fail_recommendation')
    expect(
      (await ok('studies.record', { patientId: p.id, study: study('2026-11-20', 'stable', { lesions }) }))
        .study.lesions,
    ).toHaveLength(1)
  })

  it('keeps the sources a recommendation cites with it', async () => {
    const p = await ok('patients.create', patientInput())
    const r = await ok('studies.record', { patientId: p.id, study: study('2026-11-20', 'stable') })
    const stored = (await ok('patients.detail', { id: p.id })).current!
    for (const step of r.recommendation.output.rationale)
      expect(stored.output.sources[step.source]?.title).toBeTruthy()
    expect(stored.output.sources['seed']?.kind).toBe('seed')
  })
})
