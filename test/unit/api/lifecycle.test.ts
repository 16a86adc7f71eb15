import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import type { CallName, RequestOf, ResultOf, StudyRequest } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { createHandlers } from '../../../electron/backend/handlers'
import { adherenceReport } from '../../../electron/backend/services/adherence'
import { auditTexts } from '../../../db/audit'
import { fullCheck } from '../../../db/integrity'
import { localNoon, patientInput, tempDir, TREATMENT_UNDATED } from '../../helpers/db'

// The issue-8 behaviours through the contract, on a real SQLite file, clock at 2026-11-24.

let backend: Backend
let cleanup: () => void
beforeEach(() => {
  const t = tempDir()
  cleanup = t.cleanup
  backend = openBackend({
    dataFile: path.join(t.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    now: () => localNoon('2026-11-24', 10),
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
const fails = (name: CallName, req: unknown) => dispatch(backend.handlers, name, req, () => undefined)

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast' as const
const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh' as const
const study = (
  date: string,
  result: StudyRequest['result'],
  procedure: StudyRequest['procedure'] = MRI,
): StudyRequest => ({
  date,
  procedure,
  result,
  lesions: [],
  dose: {
    effectiveMsv: null,
    ctdiVolMgy: null,
    dlpMgyCm: null,
    region: null,
    activityMbq: null,
    agent: null,
  },
  note: null,
})

describe('recording a study', () => {
  it('needs an explicit result: null or a missing result is refused; not-read-yet is a value', async () => {
    const p = await ok('patients.create', patientInput())
    const { result: _omit, ...noResult } = study('2026-11-20', 'stable')
    void _omit
    const missing = await fails('studies.record', { patientId: p.id, study: noResult })
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', fields: { 'study.result': expect.any(String) as unknown } },
    })
    const asNull = await fails('studies.record', { patientId: p.id, study: { ...noResult, result: null } })
    expect(asNull).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    const unread = await ok('studies.record', { patientId: p.id, study: study('2026-11-20', 'not-read-yet') })
    expect(unread.study.result).toBeNull()
    expect(unread.nextItem).toMatchObject({ kind: 'enter-result', studyId: unread.study.id })
  })

  it('an unread 1971 study is history; a DOTATATE PET/CT does not close the result step of another study', async () => {
    const p = await ok('patients.create', patientInput(TREATMENT_UNDATED))
    const old = await ok('studies.record', { patientId: p.id, study: study('1971-01-01', 'not-read-yet') })
    expect(old.closedItem).toBeNull()
    expect(old.lifecycle).toMatchObject({
      guard: 'history-does-not-replace-step',
      fulfilment: { guard: 'before-window-margin' },
    })
    expect(old.nextItem).toMatchObject({ kind: 'imaging-now' })
    const recent = await ok('studies.record', { patientId: p.id, study: study('2026-11-20', 'not-read-yet') })
    expect(recent.nextItem).toMatchObject({ kind: 'enter-result', studyId: recent.study.id })
    const pet = await ok('studies.record', {
      patientId: p.id,
      study: study('2026-11-22', 'stable', DOTATATE),
    })
    expect(pet.closedItem).toBeNull()
    expect(pet.nextItem).toMatchObject({
      id: recent.nextItem!.id,
      kind: 'enter-result',
      studyId: recent.study.id,
    })
    expect(pet.lifecycle.guard).toBe('result-awaited')
  })
})

describe('corrections', () => {
  it('edits a study, and undo puts back the state before; another actor cannot undo it', async () => {
    const p = await ok('patients.create', patientInput())
    const r = await ok('studies.record', { patientId: p.id, study: study('2026-11-20', 'stable') })
    const edited = await ok('studies.update', {
      studyId: r.study.id,
      version: r.study.version,
      study: study('2026-11-20', 'progression'),
    })
    expect(edited.nextItem).toMatchObject({ kind: 'tumor-board' })
    const other = createHandlers({
      db: backend.db,
      logFile: '',
      actor: { user: 'dr.other', now: () => localNoon('2026-11-24', 11) },
      transport: 'web',
      dataFile: '',
      version: 'test',
      backupDir: '',
      backupError: () => null,
      logStatus: () => ({
        mode: 'writable',
        problems: [],
        since: '',
        checking: false,
        checkedAt: null,
        restored: null,
      }),
    })
    const refused = await dispatch(other, 'patients.undo', { patientId: p.id }, () => undefined)
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringContaining('dr.test') as unknown },
    })
    const undone = await ok('patients.undo', { patientId: p.id })
    expect(undone.undone.command).toBe('study.update')
    const d = await ok('patients.detail', { id: p.id })
    expect(d.studies[0]!.result).toBe('stable')
    expect(d.items.find((i) => i.status === 'scheduled')).toMatchObject({ kind: 'imaging' })
  })

  it('a treatment and a patient entered in error are hidden and restorable', async () => {
    const p = await ok('patients.create', patientInput())
    const t = (await ok('patients.detail', { id: p.id })).treatments[0]!
    await ok('treatments.markError', { treatmentId: t.id, version: t.version, reason: 'wrong date' })
    let d = await ok('patients.detail', { id: p.id })
    expect(d.patient.treatments).toEqual([])
    expect(d.treatments[0]!.enteredInError).toMatchObject({ reason: 'wrong date', by: 'dr.test' })
    await ok('treatments.restore', { treatmentId: t.id, version: d.treatments[0]!.version })
    d = await ok('patients.detail', { id: p.id })
    expect(d.patient.treatments).toHaveLength(1)
    const marked = await ok('patients.markError', {
      id: p.id,
      version: d.patient.version,
      reason: 'duplicate',
    })
    expect((await ok('patients.list', { limit: 10, offset: 0 })).total).toBe(0)
    expect((await ok('worklist.summary', { bucket: 'all' })).counts).toMatchObject({
      scheduled: 0,
      patients: 0,
    })
    await ok('patients.restore', { id: p.id, version: marked.version })
    expect((await ok('worklist.summary', { bucket: 'all' })).counts).toMatchObject({
      scheduled: 1,
      patients: 1,
    })
  })
})

describe('editing a treatment', () => {
  const resection = (date: string) => ({ kind: 'resection' as const, date, completeResection: true })
  // The texts as written (db/audit.ts stores a text as a difference from an earlier row's).
  const auditRows = (action: string) =>
    (
      backend.db
        .prepare('SELECT entity, entity_id, before_json, after_json FROM audit_log WHERE action = ?')
        .all(action) as Array<{ entity: string; entity_id: number; before_json: string; after_json: string }>
    ).map((r) => {
      const t = auditTexts(backend.db, r)
      return { ...r, before_json: t.before!, after_json: t.after! }
    })

  it('moves the plan with the new date, is audited with before and after, and undo puts it back', async () => {
    const p = await ok('patients.create', patientInput({ treatments: [resection('2025-01-15')] }))
    const before = await ok('patients.detail', { id: p.id })
    const t = before.treatments[0]!
    expect(before.items.find((i) => i.status === 'scheduled')?.due).toEqual({
      from: '2025-04-15',
      to: '2026-01-15',
    })

    const r = await ok('treatments.update', {
      treatmentId: t.id,
      version: t.version,
      treatment: resection('2026-10-01'),
    })
    expect(r.lifecycle).toMatchObject({ type: 'retarget', guard: 'suggestion-changed' })
    expect(r.lifecycle.reason).toBe('The suggestion moved to 2027-01-01 – 2027-10-01.')
    expect(r.next).toMatchObject({
      id: r.next!.id,
      kind: 'imaging',
      due: { from: '2027-01-01', to: '2027-10-01' },
    })

    const after = await ok('patients.detail', { id: p.id })
    expect(after.patient.treatments).toEqual([resection('2026-10-01')])
    expect(after.treatments[0]).toMatchObject({ id: t.id, date: '2026-10-01' })
    // The engine ran again on the corrected facts: a new current recommendation from the edit.
    const current = after.recommendations.find((x) => x.supersededBy === null)!
    expect(current.trigger).toBe('facts-changed')
    expect(current.due).toEqual({ from: '2027-01-01', to: '2027-10-01' })
    // One row for the treatment and one for its patient's record, which lists the treatment.
    const audit = auditRows('treatment.update')
    expect(audit.map((a) => a.entity).sort()).toEqual(['patient', 'treatment'])
    const patientRow = audit.find((a) => a.entity === 'patient')!
    expect(JSON.parse(patientRow.after_json)).toMatchObject({ treatments: [{ date: '2026-10-01' }] })
    audit.splice(audit.indexOf(patientRow), 1)
    expect(audit[0]).toMatchObject({ entity: 'treatment', entity_id: t.id })
    expect(JSON.parse(audit[0]!.before_json)).toMatchObject({ date: '2025-01-15' })
    expect(JSON.parse(audit[0]!.after_json)).toMatchObject({ date: '2026-10-01' })
    expect(after.undo).toMatchObject({ command: 'treatment.update', mine: true })

    const undone = await ok('patients.undo', { patientId: p.id })
    expect(undone.undone.command).toBe('treatment.update')
    const back = await ok('patients.detail', { id: p.id })
    expect(back.patient.treatments).toEqual([resection('2025-01-15')])
    expect(back.items.find((i) => i.status === 'scheduled')?.due).toEqual({
      from: '2025-04-15',
      to: '2026-01-15',
    })
  })

  it('a changed kind re-runs the engine: a new treatment after progression answers the tumour board', async () => {
    const p = await ok('patients.create', patientInput())
    await ok('studies.record', { patientId: p.id, study: study('2026-06-01', 'progression') })
    const t = (await ok('patients.detail', { id: p.id })).treatments[0]!
    expect(
      (await ok('patients.detail', { id: p.id })).items.find((i) => i.status === 'scheduled'),
    ).toMatchObject({ kind: 'tumor-board' })
    const r = await ok('treatments.update', {
      treatmentId: t.id,
      version: t.version,
      treatment: { kind: 'somatostatin-analog', date: '2026-07-01', completeResection: null },
    })
    expect(r.lifecycle).toMatchObject({ type: 'close-and-open', guard: 'step-superseded' })
    expect(r.closed).toMatchObject({ kind: 'tumor-board', status: 'cancelled' })
    expect(r.next).toMatchObject({
      kind: 'treatment-response',
      due: { from: '2027-01-01', to: '2027-07-01' },
    })
  })

  it('refuses a date in the future or before birth, and a treatment entered in error, changing nothing', async () => {
    const p = await ok('patients.create', patientInput())
    const t = (await ok('patients.detail', { id: p.id })).treatments[0]!
    const future = await fails('treatments.update', {
      treatmentId: t.id,
      version: t.version,
      treatment: { kind: 'prrt', date: '2026-12-01', completeResection: null },
    })
    expect(future).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        fields: { 'treatment.date': 'The treatment date is in the future.' },
      },
    })
    const beforeBirth = await fails('treatments.update', {
      treatmentId: t.id,
      version: t.version,
      treatment: { kind: 'prrt', date: '1950-01-01', completeResection: null },
    })
    expect(beforeBirth).toMatchObject({
      ok: false,
      error: { fields: { 'treatment.date': 'The treatment date is before the birth date.' } },
    })
    const badDate = await fails('treatments.update', {
      treatmentId: t.id,
      version: t.version,
      treatment: { kind: 'prrt', date: '2025-02-30', completeResection: null },
    })
    expect(badDate).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    expect(auditRows('treatment.update')).toHaveLength(0)
    await ok('treatments.markError', { treatmentId: t.id, version: t.version, reason: 'wrong patient' })
    const marked = (await ok('patients.detail', { id: p.id })).treatments[0]!
    const withdrawn = await fails('treatments.update', {
      treatmentId: t.id,
      version: marked.version,
      treatment: { kind: 'prrt', date: '2025-02-01', completeResection: null },
    })
    expect(withdrawn).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    const d = await ok('patients.detail', { id: p.id })
    expect(d.treatments[0]).toMatchObject({ kind: 'prrt', date: '2025-01-15' })
    expect(auditRows('treatment.update')).toHaveLength(0)
  })
})

describe('corrections and the log check', () => {
  it('an undo is one more change: the version goes on, a form opened before it is stale, the log check passes', async () => {
    const p = await ok('patients.create', patientInput())
    const edited = await ok('patients.update', {
      id: p.id,
      version: p.version,
      patient: patientInput({ weightKg: 90 }),
    })
    expect(edited.version).toBeGreaterThan(p.version)
    const t = (await ok('patients.detail', { id: p.id })).treatments[0]!
    await ok('treatments.markError', { treatmentId: t.id, version: t.version, reason: 'wrong kind' })
    await ok('patients.undo', { patientId: p.id })
    await ok('patients.undo', { patientId: p.id })
    const back = await ok('patients.get', { id: p.id })
    expect(back.weightKg).toBe(patientInput().weightKg)
    expect(back.treatments).toHaveLength(1)
    expect(back.version).toBeGreaterThan(edited.version)
    // The form still holding the version it opened with is refused, not saved over the undo.
    const stale = await fails('patients.update', {
      id: p.id,
      version: edited.version,
      patient: patientInput({ weightKg: 95 }),
    })
    expect(stale).toMatchObject({ ok: false, error: { code: 'STALE' } })
    // Every record the corrections and undos touched still equals its last audit row.
    expect(fullCheck(backend.db)).toEqual([])
  })
})

describe('worklist', () => {
  it('finds a patient by any word of the name in either order, or by the MRN', async () => {
    await ok('patients.create', patientInput({ mrn: 'AB-1001', name: 'Lovelace, Ada' }))
    await ok('patients.create', patientInput({ mrn: 'CD-2002', name: 'Grace Hopper' }))
    const names = async (search: string) =>
      (
        await ok('worklist.page', {
          bucket: 'all',
          search,
          sort: 'name',
          descending: false,
          limit: 10,
          offset: 0,
        })
      ).map((r) => r.name)
    expect(await names('ada')).toEqual(['Lovelace, Ada'])
    expect(await names('ada love')).toEqual(['Lovelace, Ada'])
    expect(await names('Hopper Grace')).toEqual(['Grace Hopper'])
    expect(await names('hop')).toEqual(['Grace Hopper'])
    expect(await names('1001')).toEqual(['Lovelace, Ada'])
    expect(await names('cd-20')).toEqual(['Grace Hopper'])
    expect(await names('zed')).toEqual([])
  })

  it('counts and lists what needs attention: a result to enter, a board, new symptoms', async () => {
    const a = await ok('patients.create', patientInput({ mrn: 'A-1' }))
    await ok('studies.record', { patientId: a.id, study: study('2026-11-20', 'stable') })
    const b = await ok('patients.create', patientInput({ mrn: 'B-2' }))
    await ok('studies.record', { patientId: b.id, study: study('2026-11-20', 'not-read-yet') })
    const c = await ok('patients.create', patientInput({ mrn: 'C-3', symptoms: ['flushing'] }))
    await ok('studies.record', { patientId: c.id, study: study('2026-11-20', 'stable') })
    const summary = await ok('worklist.summary', { bucket: 'attention' })
    expect(summary.counts.attention).toBe(2)
    const rows = await ok('worklist.page', {
      bucket: 'attention',
      sort: 'mrn',
      descending: false,
      limit: 10,
      offset: 0,
    })
    expect(rows.map((r) => r.mrn)).toEqual(['B-2', 'C-3'])
  })
})

describe('adherence', () => {
  it('reports on time / early / late per closed imaging step and the share on time', async () => {
    const p = await ok('patients.create', patientInput(TREATMENT_UNDATED))
    // The baseline step (due 2026-11-24) fulfilled on 2026-11-20: within the margin, 4 days early.
    await ok('studies.record', { patientId: p.id, study: study('2026-11-20', 'stable') })
    const report = await ok('followup.adherence', { from: '2026-01-01', to: '2026-12-31' })
    expect(report.summary).toMatchObject({
      steps: 1,
      early: 1,
      onTime: 0,
      shareOnTime: 0,
      medianDelayDays: -4,
    })
    expect(report.items[0]).toMatchObject({ patientId: p.id, timing: { timeliness: 'early', days: -4 } })
  })

  it('counts nothing, honestly, in a period without closed imaging steps', async () => {
    const p = await ok('patients.create', patientInput())
    await ok('studies.record', { patientId: p.id, study: study('2026-11-20', 'stable') })
    const report = await ok('followup.adherence', { from: '2025-01-01', to: '2025-12-31' })
    expect(report.summary).toEqual({
      steps: 0,
      onTime: 0,
      early: 0,
      late: 0,
      shareOnTime: null,
      medianDelayDays: null,
      shareWithinHealthWindow: null,
    })
    expect(report.items).toEqual([])
  })

  it('counts the studies dated on the period’s first and last days, and none outside it', async () => {
    for (const [mrn, date] of [
      ['D-1', '2026-11-09'],
      ['D-2', '2026-11-10'],
      ['D-3', '2026-11-20'],
      ['D-4', '2026-11-21'],
    ] as const) {
      const p = await ok('patients.create', patientInput({ ...TREATMENT_UNDATED, mrn }))
      await ok('studies.record', { patientId: p.id, study: study(date, 'stable') })
    }
    const report = await ok('followup.adherence', { from: '2026-11-10', to: '2026-11-20' })
    expect(report.summary.steps).toBe(2)
    expect(report.items.map((i) => [i.mrn, i.studyDate])).toEqual([
      ['D-3', '2026-11-20'],
      ['D-2', '2026-11-10'],
    ])
  })

  it('sums every step of the period while listing only the newest ones', async () => {
    const dates = ['2026-11-01', '2026-11-05', '2026-11-20', '2026-11-21']
    for (const [i, date] of dates.entries()) {
      const p = await ok('patients.create', patientInput({ ...TREATMENT_UNDATED, mrn: `L-${i}` }))
      await ok('studies.record', { patientId: p.id, study: study(date, 'stable') })
    }
    const report = adherenceReport(backend.db, { from: '2026-01-01', to: '2026-12-31' }, 2)
    expect(report.summary.steps).toBe(4)
    expect(report.summary.early + report.summary.onTime + report.summary.late).toBe(4)
    expect(report.items.map((i) => i.studyDate)).toEqual(['2026-11-21', '2026-11-20'])
    // Through the call, the list holds up to ADHERENCE_ITEMS_LISTED.
    expect((await ok('followup.adherence', { from: '2026-01-01', to: '2026-12-31' })).items).toHaveLength(4)
  })

  it('the patient page times each of that patient’s steps, newest first, with the fulfilling study', async () => {
    const a = await ok('patients.create', patientInput({ ...TREATMENT_UNDATED, mrn: 'A-1' }))
    const b = await ok('patients.create', patientInput({ ...TREATMENT_UNDATED, mrn: 'B-2' }))
    // A: the first step (due now: the treatment date is not recorded) fulfilled on time (today); then the step after it is moved by the
    // radiologist into the past and fulfilled today, 30 days after its window closed.
    const first = await ok('studies.record', { patientId: a.id, study: study('2026-11-24', 'stable') })
    await ok('followup.override', {
      itemId: first.nextItem!.id,
      version: first.nextItem!.version,
      procedure: null,
      due: { from: '2026-09-25', to: '2026-10-25' },
      reasonCode: 'clinician-decision',
      text: null,
    })
    const second = await ok('studies.record', { patientId: a.id, study: study('2026-11-24', 'stable') })
    expect(second.closedItem).not.toBeNull()
    await ok('studies.record', { patientId: b.id, study: study('2026-11-20', 'stable') })

    const d = await ok('patients.detail', { id: a.id })
    expect(d.adherence.summary).toMatchObject({
      steps: 2,
      onTime: 1,
      late: 1,
      shareOnTime: 0.5,
      medianDelayDays: 15,
    })
    expect(d.adherence.items.map((i) => [i.studyId, i.timing])).toEqual([
      [second.study.id, { timeliness: 'late', days: 30 }],
      [first.study.id, { timeliness: 'on-time', days: 0 }],
    ])
    expect(d.adherence.items.every((i) => i.patientId === a.id)).toBe(true)
    const all = await ok('followup.adherence', { from: '2026-01-01', to: '2026-12-31' })
    expect(all.summary.steps).toBe(3)

    // A fulfilling study entered in error leaves its step out of the figures.
    await ok('studies.markError', {
      studyId: second.study.id,
      version: second.study.version,
      reason: 'wrong patient',
    })
    expect((await ok('patients.detail', { id: a.id })).adherence.summary).toMatchObject({
      steps: 1,
      onTime: 1,
      shareOnTime: 1,
    })
  })
})
