import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fullCheck } from '../../../db/integrity'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import { createHandlers } from '../../../electron/backend/handlers'
import type {
  CallName,
  FollowUpItem,
  Handlers,
  PatientDetail,
  RequestOf,
  ResultOf,
  StudyRequest,
} from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { localNoon, patientInput, tempDir } from '../../helpers/db'
import { dumpContent } from '../../helpers/logfiles'

// Optimistic versions (issue 9.5): two people with the same record open. Both read it; one saves a
// change (accepted); the other then saves theirs, naming the version they read: refused with STALE,
// "changed by someone else since you opened it", and the log's content is exactly what it was
// before that refused call. One case per kind of editable record, on a real SQLite file.

let backend: Backend
let cleanup: () => void
/** Two people at two screens, on the same log. */
let anna: Handlers
let ben: Handlers

const context = (user: string) => ({
  db: backend.db,
  logFile: '',
  actor: { user, now: () => localNoon('2026-11-24', 10) },
  transport: 'web' as const,
  dataFile: '',
  version: 'test',
  backupDir: '',
  backupError: () => null,
  logStatus: () => ({
    mode: 'writable' as const,
    problems: [],
    since: '',
    checking: false,
    checkedAt: null,
    restored: null,
  }),
})

beforeEach(() => {
  const t = tempDir()
  cleanup = t.cleanup
  backend = openBackend({
    dataFile: path.join(t.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    now: () => localNoon('2026-11-24', 10),
    user: 'dr.anna',
  })
  anna = createHandlers(context('dr.anna'))
  ben = createHandlers(context('dr.ben'))
})
afterEach(() => {
  // Every accepted change, the refused ones around them and the undos left the log consistent.
  expect(fullCheck(backend.db)).toEqual([])
  backend.close()
  cleanup()
})

async function ok<K extends CallName>(who: Handlers, name: K, req: RequestOf<K>): Promise<ResultOf<K>> {
  const r = await dispatch(who, name, req, () => undefined)
  if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`)
  return r.value as ResultOf<K>
}

/** The call is refused as stale and leaves every table exactly as it was. Returns the message. */
async function refusedAsStale<K extends CallName>(
  who: Handlers,
  name: K,
  req: RequestOf<K>,
): Promise<string> {
  const before = dumpContent(backend.db)
  const r = await dispatch(who, name, req, () => undefined)
  expect(r).toMatchObject({ ok: false, error: { code: 'STALE' } })
  expect(dumpContent(backend.db), `${name} changed the log although refused`).toBe(before)
  return r.ok ? '' : r.error.message
}

const detail = (id: number): Promise<PatientDetail> => ok(anna, 'patients.detail', { id })
const openItem = async (id: number): Promise<FollowUpItem> =>
  (await detail(id)).items.find((i) => i.status === 'scheduled')!

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast' as const
const CT = 'ct-abdomen-pelvis-with-iv-contrast' as const
const study = (date: string, result: StudyRequest['result']): StudyRequest => ({
  date,
  procedure: MRI,
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

async function patientWithStudy() {
  const p = await ok(anna, 'patients.create', patientInput())
  const r = await ok(anna, 'studies.record', { patientId: p.id, study: study('2026-10-01', 'stable') })
  return { p: (await detail(p.id)).patient, s: r.study }
}

describe('the patient', () => {
  it('a facts edit over one saved since is refused; the record keeps the first save', async () => {
    const p = await ok(anna, 'patients.create', patientInput())
    await ok(ben, 'patients.update', {
      id: p.id,
      version: p.version,
      patient: patientInput({ weightKg: 95 }),
    })
    const message = await refusedAsStale(anna, 'patients.update', {
      id: p.id,
      version: p.version,
      patient: patientInput({ weightKg: 60 }),
    })
    expect(message).toBe(
      'Ada Example (MRN MRN-0001) was changed by someone else since you opened it. Nothing was saved: ' +
        'look at their change, then enter yours again if it is still needed.',
    )
    expect((await ok(anna, 'patients.get', { id: p.id })).weightKg).toBe(95)
  })

  it('marking it as entered in error, and restoring it, name the version seen', async () => {
    const p = await ok(anna, 'patients.create', patientInput())
    await ok(ben, 'patients.update', {
      id: p.id,
      version: p.version,
      patient: patientInput({ weightKg: 95 }),
    })
    await refusedAsStale(anna, 'patients.markError', { id: p.id, version: p.version, reason: 'duplicate' })
    const seen = await ok(anna, 'patients.get', { id: p.id })
    const marked = await ok(ben, 'patients.markError', {
      id: p.id,
      version: seen.version,
      reason: 'duplicate',
    })
    expect(marked.version).toBeGreaterThan(seen.version)
    await refusedAsStale(anna, 'patients.markError', { id: p.id, version: seen.version, reason: 'twice' })
    await ok(ben, 'patients.restore', { id: p.id, version: marked.version })
    await refusedAsStale(anna, 'patients.restore', { id: p.id, version: marked.version })
  })
})

describe('a study', () => {
  it('an edit, a result, entered in error and restore over a change saved since are refused', async () => {
    const { p, s } = await patientWithStudy()
    const edited = await ok(ben, 'studies.update', {
      studyId: s.id,
      version: s.version,
      study: study('2026-10-01', 'progression'),
    })
    expect(edited.study.version).toBeGreaterThan(s.version)
    const message = await refusedAsStale(anna, 'studies.update', {
      studyId: s.id,
      version: s.version,
      study: study('2026-10-02', 'stable'),
    })
    expect(message).toMatch(/^The study of 2026-10-01 was changed by someone else since you opened it\./)
    await refusedAsStale(anna, 'studies.setResult', { studyId: s.id, version: s.version, result: 'response' })
    await refusedAsStale(anna, 'studies.markError', { studyId: s.id, version: s.version, reason: 'typo' })
    const withdrawn = await ok(ben, 'studies.markError', {
      studyId: s.id,
      version: edited.study.version,
      reason: 'wrong patient',
    })
    expect(withdrawn.lifecycle).toBeTruthy()
    const marked = (await detail(p.id)).withdrawnStudies[0]!
    await refusedAsStale(anna, 'studies.restore', { studyId: s.id, version: edited.study.version })
    await ok(ben, 'studies.restore', { studyId: s.id, version: marked.version })
    expect((await detail(p.id)).studies.map((x) => x.result)).toEqual(['progression'])
  })

  it('a result entered on a study read since is refused', async () => {
    const p = await ok(anna, 'patients.create', patientInput())
    const r = await ok(anna, 'studies.record', {
      patientId: p.id,
      study: study('2026-11-20', 'not-read-yet'),
    })
    await ok(ben, 'studies.setResult', { studyId: r.study.id, version: r.study.version, result: 'stable' })
    await refusedAsStale(anna, 'studies.setResult', {
      studyId: r.study.id,
      version: r.study.version,
      result: 'progression',
    })
    expect((await detail(p.id)).studies[0]!.result).toBe('stable')
  })
})

describe('a treatment', () => {
  it('an edit, entered in error and restore over a change saved since are refused', async () => {
    const p = await ok(anna, 'patients.create', patientInput())
    const t = (await detail(p.id)).treatments[0]!
    await ok(ben, 'treatments.update', {
      treatmentId: t.id,
      version: t.version,
      treatment: { kind: 'prrt', date: '2025-02-01', completeResection: null },
    })
    const message = await refusedAsStale(anna, 'treatments.update', {
      treatmentId: t.id,
      version: t.version,
      treatment: { kind: 'prrt', date: '2025-03-01', completeResection: null },
    })
    expect(message).toMatch(/^The treatment \(prrt, started 2025-02-01\) was changed by someone else/)
    await refusedAsStale(anna, 'treatments.markError', { treatmentId: t.id, version: t.version, reason: 'x' })
    const now = (await detail(p.id)).treatments[0]!
    await ok(ben, 'treatments.markError', { treatmentId: t.id, version: now.version, reason: 'wrong kind' })
    await refusedAsStale(anna, 'treatments.restore', { treatmentId: t.id, version: now.version })
    expect((await detail(p.id)).treatments[0]).toMatchObject({
      date: '2025-02-01',
      enteredInError: { by: 'dr.ben' },
    })
  })

  it('is part of the patient record: a patient form opened before a treatment change is stale', async () => {
    const p = await ok(anna, 'patients.create', patientInput())
    const t = (await detail(p.id)).treatments[0]!
    await ok(ben, 'treatments.markError', { treatmentId: t.id, version: t.version, reason: 'never given' })
    // Anna's form still lists the treatment; saving it would bring it back.
    await refusedAsStale(anna, 'patients.update', { id: p.id, version: p.version, patient: patientInput() })
    expect((await ok(anna, 'patients.get', { id: p.id })).treatments).toEqual([])
  })

  it('a facts edit rewrites the treatments under a reused id: the old version is still stale', async () => {
    const p = await ok(anna, 'patients.create', patientInput())
    const t = (await detail(p.id)).treatments[0]!
    await ok(ben, 'patients.update', {
      id: p.id,
      version: p.version,
      patient: patientInput({
        treatments: [{ kind: 'somatostatin-analog', date: '2025-01-15', completeResection: null }],
      }),
    })
    const replaced = (await detail(p.id)).treatments[0]!
    // SQLite gave the new row the id of the one it replaced: only the version tells them apart.
    expect(replaced).toMatchObject({ id: t.id, kind: 'somatostatin-analog' })
    expect(replaced.version).not.toBe(t.version)
    await refusedAsStale(anna, 'treatments.update', {
      treatmentId: t.id,
      version: t.version,
      treatment: { kind: 'prrt', date: '2025-01-20', completeResection: null },
    })
  })
})

describe('a follow-up item', () => {
  it('cancel, defer, override, done elsewhere: each over a change saved since is refused', async () => {
    const { p } = await patientWithStudy()
    const seen = await openItem(p.id)
    const overridden = await ok(ben, 'followup.override', {
      itemId: seen.id,
      version: seen.version,
      procedure: CT,
      due: null,
      reasonCode: 'contraindication',
      text: 'claustrophobia',
    })
    expect(overridden.version).toBeGreaterThan(seen.version)
    const message = await refusedAsStale(anna, 'followup.setStatus', {
      itemId: seen.id,
      version: seen.version,
      status: 'cancelled',
      reasonCode: 'duplicate',
      reasonText: null,
      newDue: null,
    })
    expect(message).toMatch(
      /^The follow-up step due \S+ – \S+ was changed by someone else since you opened it\./,
    )
    await refusedAsStale(anna, 'followup.setStatus', {
      itemId: seen.id,
      version: seen.version,
      status: 'deferred',
      reasonCode: 'scheduling',
      reasonText: null,
      newDue: { from: '2027-06-01', to: '2027-07-01' },
    })
    await refusedAsStale(anna, 'followup.override', {
      itemId: seen.id,
      version: seen.version,
      procedure: MRI,
      due: null,
      reasonCode: 'clinician-decision',
      text: null,
    })
    await refusedAsStale(anna, 'followup.doneElsewhere', {
      itemId: seen.id,
      version: seen.version,
      study: study('2026-11-20', 'stable'),
    })
    expect((await openItem(p.id)).override).toMatchObject({ procedure: CT, text: 'claustrophobia' })
  })

  it('a step closed by someone else is stale for a page that still shows it open', async () => {
    const { p } = await patientWithStudy()
    const seen = await openItem(p.id)
    await ok(ben, 'followup.setStatus', {
      itemId: seen.id,
      version: seen.version,
      status: 'deferred',
      reasonCode: 'patient-request',
      reasonText: null,
      newDue: { from: '2027-06-01', to: '2027-07-01' },
    })
    await refusedAsStale(anna, 'followup.setStatus', {
      itemId: seen.id,
      version: seen.version,
      status: 'cancelled',
      reasonCode: 'duplicate',
      reasonText: null,
      newDue: null,
    })
  })

  it('a board decision over a step changed since is refused', async () => {
    const p = await ok(anna, 'patients.create', patientInput())
    const r = await ok(anna, 'studies.record', { patientId: p.id, study: study('2026-11-01', 'progression') })
    const board = r.nextItem!
    expect(board.kind).toBe('tumor-board')
    await ok(ben, 'followup.override', {
      itemId: board.id,
      version: board.version,
      procedure: null,
      due: { from: '2026-12-01', to: '2026-12-15' },
      reasonCode: 'clinician-decision',
      text: null,
    })
    await refusedAsStale(anna, 'followup.recordDecision', {
      itemId: board.id,
      version: board.version,
      date: '2026-11-23',
      decision: {
        type: 'continue-surveillance',
        procedure: MRI,
        due: { from: '2027-02-01', to: '2027-03-01' },
      },
    })
  })
})

describe('an exit from surveillance', () => {
  it('reopening an exit reopened since is refused', async () => {
    const p = await ok(anna, 'patients.create', patientInput())
    await ok(anna, 'surveillance.leave', {
      patientId: p.id,
      exit: { reasonCode: 'surveillance-completed', text: null, attempts: null, date: '2026-11-24' },
    })
    const exit = (await detail(p.id)).exit!
    await ok(ben, 'surveillance.reopen', {
      patientId: p.id,
      exitId: exit.id,
      version: exit.version,
      reason: null,
    })
    const message = await refusedAsStale(anna, 'surveillance.reopen', {
      patientId: p.id,
      exitId: exit.id,
      version: exit.version,
      reason: 'back',
    })
    expect(message).toMatch(/^The patient's exit from surveillance of 2026-11-24 was changed by someone else/)
  })
})

describe('a biomarker value', () => {
  it('removing a value someone else removed since is refused as stale, not as an unknown id', async () => {
    const p = await ok(anna, 'patients.create', patientInput())
    const b = await ok(anna, 'biomarkers.add', {
      patientId: p.id,
      biomarker: { date: '2026-10-01', marker: 'chromogranin-a', value: 120, unit: 'ng/mL' },
    })
    await ok(ben, 'biomarkers.remove', { id: b.id, version: b.version })
    const message = await refusedAsStale(anna, 'biomarkers.remove', { id: b.id, version: b.version })
    expect(message).toMatch(/^The biomarker value was removed by someone else since you opened it\./)
    const unknown = await dispatch(anna, 'biomarkers.remove', { id: b.id + 100, version: 1 }, () => undefined)
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })
})

describe('the note', () => {
  it('a note added, changed or removed since the page read it is not overwritten', async () => {
    const p = await ok(anna, 'patients.create', patientInput())
    // Both saw no note; Ben writes one first.
    const first = (await ok(ben, 'notes.set', { patientId: p.id, version: null, text: 'Open MRI only.' }))
      .note!
    expect(
      await refusedAsStale(anna, 'notes.set', { patientId: p.id, version: null, text: 'Mine.' }),
    ).toMatch(/^A note was added by someone else since you opened it\./)
    const second = (
      await ok(ben, 'notes.set', { patientId: p.id, version: first.version, text: 'Open MRI.' })
    ).note!
    await refusedAsStale(anna, 'notes.set', { patientId: p.id, version: first.version, text: 'Mine.' })
    await ok(ben, 'notes.set', { patientId: p.id, version: second.version, text: '' })
    expect(
      await refusedAsStale(anna, 'notes.set', { patientId: p.id, version: second.version, text: 'Mine.' }),
    ).toMatch(/^The note was removed by someone else/)
    // A new note under the same patient never takes a version seen before.
    const again = (await ok(ben, 'notes.set', { patientId: p.id, version: null, text: 'Back.' })).note!
    expect([first.version, second.version]).not.toContain(again.version)
  })
})

describe('undo', () => {
  it('gives a new version to what it puts back and keeps the version of what it leaves alone', async () => {
    const p = await ok(anna, 'patients.create', patientInput())
    const a = await ok(anna, 'studies.record', { patientId: p.id, study: study('2026-09-01', 'stable') })
    const b = await ok(anna, 'studies.record', { patientId: p.id, study: study('2026-10-01', 'stable') })
    const set = await ok(anna, 'studies.setResult', {
      studyId: b.study.id,
      version: b.study.version,
      result: 'response',
    })
    await ok(anna, 'patients.undo', { patientId: p.id })
    const d = await detail(p.id)
    const [sa, sb] = d.studies
    expect(sa).toMatchObject({ id: a.study.id, version: a.study.version })
    expect(sb).toMatchObject({ id: b.study.id, result: 'stable' })
    expect(sb!.version).toBeGreaterThan(set.study.version)
    // A page opened before the undo (or before the result) is stale for the study it changed.
    await refusedAsStale(ben, 'studies.setResult', {
      studyId: b.study.id,
      version: set.study.version,
      result: 'progression',
    })
    await refusedAsStale(ben, 'studies.setResult', {
      studyId: b.study.id,
      version: b.study.version,
      result: 'progression',
    })
    await ok(ben, 'studies.setResult', { studyId: a.study.id, version: a.study.version, result: 'stable' })
  })

  it('puts back a treatment whose id another patient has taken since (found by the contract fuzz)', async () => {
    const p = await ok(anna, 'patients.create', patientInput())
    const t = (await detail(p.id)).treatments[0]!
    // The facts edit drops the treatment; SQLite gives its id to the next patient's treatment.
    await ok(anna, 'patients.update', {
      id: p.id,
      version: p.version,
      patient: patientInput({ treatments: [] }),
    })
    const q = await ok(ben, 'patients.create', patientInput({ mrn: 'MRN-0002', name: 'Other Patient' }))
    expect((await detail(q.id)).treatments[0]!.id).toBe(t.id)
    const undone = await dispatch(anna, 'patients.undo', { patientId: p.id }, () => undefined)
    expect(undone).toMatchObject({ ok: true })
    const back = (await detail(p.id)).treatments
    expect(back).toMatchObject([{ kind: 'prrt', date: '2025-01-15' }])
    expect(back[0]!.id).not.toBe(t.id)
    expect((await detail(q.id)).treatments).toMatchObject([{ id: t.id, kind: 'prrt' }])
  })
})
