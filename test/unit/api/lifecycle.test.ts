import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import type { CallName, RequestOf, ResultOf, StudyRequest } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { createHandlers } from '../../../electron/backend/handlers'
import { patientInput, tempDir, TREATMENT_UNDATED } from '../../helpers/db'

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
    now: () => new Date('2026-11-24T10:00:00Z'),
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
      study: study('2026-11-20', 'progression'),
    })
    expect(edited.nextItem).toMatchObject({ kind: 'tumor-board' })
    const other = createHandlers({
      db: backend.db,
      logFile: '',
      actor: { user: 'dr.other', now: () => new Date('2026-11-24T11:00:00Z') },
      transport: 'web',
      dataFile: '',
      version: 'test',
      backupDir: '',
      backupError: null,
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
    await ok('treatments.markError', { treatmentId: t.id, reason: 'wrong date' })
    let d = await ok('patients.detail', { id: p.id })
    expect(d.patient.treatments).toEqual([])
    expect(d.treatments[0]!.enteredInError).toMatchObject({ reason: 'wrong date', by: 'dr.test' })
    await ok('treatments.restore', { treatmentId: t.id })
    d = await ok('patients.detail', { id: p.id })
    expect(d.patient.treatments).toHaveLength(1)
    await ok('patients.markError', { id: p.id, reason: 'duplicate' })
    expect((await ok('patients.list', { limit: 10, offset: 0 })).total).toBe(0)
    expect((await ok('worklist.summary', { bucket: 'all' })).counts).toMatchObject({
      scheduled: 0,
      patients: 0,
    })
    await ok('patients.restore', { id: p.id })
    expect((await ok('worklist.summary', { bucket: 'all' })).counts).toMatchObject({
      scheduled: 1,
      patients: 1,
    })
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
})
