import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditFor, type AuditEntity } from '../../../db/audit'
import type { StudyInput } from '../../../db/types'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import type { CallName, RequestOf, ResultOf, StudyRequest } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { FOLLOW_UP_ITEM_KINDS } from '../../../engine/codes'
import { patientInput, tempDir } from '../../helpers/db'

// What a follow-up item is (its `kind`) and how every change to it is audited, through the same
// dispatch path the UI uses, on a real SQLite file, with the clock at 2026-11-24 10:00 UTC.

let backend: Backend
let cleanup: () => void
let now = new Date('2026-11-24T10:00:00Z')

beforeEach(() => {
  const t = tempDir()
  cleanup = t.cleanup
  now = new Date('2026-11-24T10:00:00Z')
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
const study = (date: string, result: StudyInput['result']): StudyRequest => ({
  date,
  procedure: MRI,
  result: result ?? 'not-read-yet',
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
const openItemOf = async (patientId: number) =>
  (await ok('patients.detail', { id: patientId })).items.find((i) => i.status === 'scheduled') ?? null
const count = (sql: string, ...params: unknown[]): number =>
  backend.db
    .prepare(sql)
    .pluck()
    .get(...params) as number

describe('follow-up item kind', () => {
  it('gives every item the kind of what it asks for', async () => {
    const seen = new Set<string>()
    const p = await ok('patients.create', patientInput())
    const baseline = await openItemOf(p.id)
    expect(baseline).toMatchObject({ kind: 'imaging-now', reason: 'Study due now' })
    seen.add(baseline!.kind)

    const unread = await ok('studies.record', { patientId: p.id, study: study('2026-11-20', null) })
    expect(unread.nextItem).toMatchObject({ kind: 'enter-result', procedure: null })
    seen.add(unread.nextItem!.kind)

    const read = await ok('studies.setResult', {
      studyId: unread.study.id,
      version: unread.study.version,
      result: 'stable',
    })
    expect(read.nextItem).toMatchObject({ kind: 'imaging', reason: 'Next study in 6–12 months' })
    seen.add(read.nextItem!.kind)

    const q = await ok('patients.create', patientInput({ mrn: 'MRN-2' }))
    const progression = await ok('studies.record', {
      patientId: q.id,
      study: study('2026-11-01', 'progression'),
    })
    expect(progression.nextItem).toMatchObject({ kind: 'tumor-board', reason: 'Tumour board review' })
    seen.add(progression.nextItem!.kind)
    const row = (
      await ok('worklist.page', {
        bucket: 'all',
        search: 'MRN-2',
        sort: 'due',
        descending: false,
        limit: 5,
        offset: 0,
      })
    )[0]
    expect(row?.item).toMatchObject({ kind: 'tumor-board' })

    await ok('patients.update', {
      id: q.id,
      version: await versionOf(q.id),
      patient: patientInput({
        mrn: 'MRN-2',
        treatments: [
          { kind: 'prrt', date: '2025-01-15', completeResection: null },
          { kind: 'targeted-therapy', date: '2026-11-20', completeResection: null },
        ],
      }),
    })
    const response = await openItemOf(q.id)
    expect(response).toMatchObject({
      kind: 'treatment-response',
      due: { from: '2027-05-20', to: '2027-11-20' },
    })
    seen.add(response!.kind)

    // Initial staging, once the staging study is read, goes to the radiologist.
    const r = await ok(
      'patients.create',
      patientInput({ mrn: 'MRN-3', stagingComplete: false, treatments: [] }),
    )
    await ok('studies.record', { patientId: r.id, study: study('2026-11-10', 'stable') })
    const review = await openItemOf(r.id)
    expect(review).toMatchObject({ kind: 'clinician-review', reason: 'Radiologist review needed' })
    seen.add(review!.kind)

    expect([...seen].sort()).toEqual([...FOLLOW_UP_ITEM_KINDS].sort())
  })

  it('keeps a due-now item’s first window by its kind, whatever its display text says', async () => {
    const p = await ok('patients.create', patientInput())
    const first = (await openItemOf(p.id))!
    expect(first.kind).toBe('imaging-now')
    // A later version words the item differently: its behaviour must not change.
    backend.db
      .prepare("UPDATE followup_item SET reason = 'Baseline imaging, please book' WHERE id = ?")
      .run(first.id)
    const retargets = () => count("SELECT count(*) FROM audit_log WHERE action = 'followup.retarget'")
    const before = retargets()
    now = new Date('2027-01-10T10:00:00Z')
    await ok('patients.update', {
      id: p.id,
      version: await versionOf(p.id),
      patient: patientInput({ weightKg: 80 }),
    })
    expect(await openItemOf(p.id)).toMatchObject({ id: first.id, kind: 'imaging-now', due: first.due })
    expect(retargets()).toBe(before)
    expect((await ok('worklist.summary', { bucket: 'all' })).counts.overdue).toBe(1)
  })

  it('does not ask again for a tumour board that decided, by its kind, whatever its display text says', async () => {
    const p = await ok('patients.create', patientInput())
    const r = await ok('studies.record', { patientId: p.id, study: study('2026-11-01', 'progression') })
    const d = await ok('followup.recordDecision', {
      itemId: r.nextItem!.id,
      version: r.nextItem!.version,
      date: '2026-11-23',
      decision: {
        type: 'further-imaging',
        procedure: 'dotatate-pet-ct-skull-base-to-mid-thigh',
        due: { from: '2026-11-24', to: '2026-12-24' },
      },
    })
    backend.db.prepare("UPDATE followup_item SET reason = 'MDT' WHERE id = ?").run(r.nextItem!.id)
    await ok('patients.update', {
      id: p.id,
      version: await versionOf(p.id),
      patient: patientInput({ weightKg: 81 }),
    })
    expect(await openItemOf(p.id)).toMatchObject({
      id: d.next!.id,
      kind: 'imaging-now',
      procedure: 'dotatate-pet-ct-skull-base-to-mid-thigh',
    })
  })

  it('a deferred item keeps the kind of the item it replaces', async () => {
    const p = await ok('patients.create', patientInput())
    await ok('studies.record', { patientId: p.id, study: study('2026-09-01', 'stable') })
    const item = (await openItemOf(p.id))!
    const r = await ok('followup.setStatus', {
      itemId: item.id,
      version: item.version,
      status: 'deferred',
      reasonCode: 'scheduling',
      reasonText: null,
      newDue: { from: '2027-06-01', to: '2027-07-01' },
    })
    expect(r.next).toMatchObject({
      kind: 'imaging',
      reason: item.reason,
      override: { due: { from: '2027-06-01' } },
    })
  })
})

describe('no behaviour reads display text', () => {
  it('nothing outside the migrations compares an item’s reason text', () => {
    const root = path.resolve(__dirname, '..', '..', '..')
    const files = (dir: string): string[] =>
      fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.posix.join(dir, e.name)
        if (e.isDirectory()) return e.name === 'migrations' ? [] : files(rel)
        return /\.(ts|tsx)$/.test(e.name) ? [rel] : []
      })
    const compares = /\breason\s*[!=]==|[!=]==\s*[\w.?!]*\breason\b/
    const offenders = ['electron', 'db', 'renderer', 'engine']
      .flatMap(files)
      .filter((f) => compares.test(fs.readFileSync(path.join(root, f), 'utf8')))
    expect(offenders).toEqual([])
    // The check itself finds what it must.
    expect(compares.test('open.reason === wanted.reason')).toBe(true)
    expect(compares.test('a.kind !== last?.reason')).toBe(true)
    expect(compares.test("reasonCode === 'other'")).toBe(false)
  })
})

describe('every change is audited with the record before and after (services/audited.ts)', () => {
  it('chains each record’s audit rows: created from nothing, each before is the previous after, the last after is the record now', async () => {
    const p = await ok('patients.create', patientInput())
    const s1 = await ok('studies.record', { patientId: p.id, study: study('2026-09-01', 'stable') })
    const open = (await openItemOf(p.id))!
    const overridden = await ok('followup.override', {
      itemId: open.id,
      version: open.version,
      procedure: 'ct-abdomen-pelvis-with-iv-contrast',
      due: null,
      reasonCode: 'contraindication',
      text: null,
    })
    await ok('followup.setStatus', {
      itemId: open.id,
      version: overridden.version,
      status: 'deferred',
      reasonCode: 'patient-request',
      reasonText: null,
      newDue: { from: '2027-05-01', to: '2027-06-01' },
    })
    await ok('patients.update', {
      id: p.id,
      version: await versionOf(p.id),
      patient: patientInput({ weightKg: 90 }),
    })
    const s2 = await ok('studies.record', { patientId: p.id, study: study('2026-11-20', null) })
    await ok('studies.setResult', { studyId: s2.study.id, version: s2.study.version, result: 'progression' })
    const board = (await openItemOf(p.id))!
    await ok('followup.setStatus', {
      itemId: board.id,
      version: board.version,
      status: 'cancelled',
      reasonCode: 'other',
      reasonText: 'seen elsewhere',
      newDue: null,
    })

    const detail = await ok('patients.detail', { id: p.id })
    const records: Array<[AuditEntity, number, unknown]> = [
      ['patient', p.id, detail.patient],
      ...detail.studies.map((s): [AuditEntity, number, unknown] => ['study', s.id, s]),
      ...detail.items.map((i): [AuditEntity, number, unknown] => ['followup_item', i.id, i]),
    ]
    expect(detail.studies.map((s) => s.id)).toEqual([s1.study.id, s2.study.id])
    expect(detail.items.length).toBeGreaterThanOrEqual(4)
    for (const [entity, id, current] of records) {
      const rows = auditFor(backend.db, entity, id)
      expect(rows.length, `${entity} ${id}`).toBeGreaterThan(0)
      expect(rows[0]!.before, `${entity} ${id} is created from nothing`).toBeNull()
      expect(rows[0]!.action).toMatch(/\.(create|record)$/)
      for (let k = 1; k < rows.length; k++)
        expect(rows[k]!.before, `${entity} ${id} row ${k}`).toEqual(rows[k - 1]!.after)
      expect(rows.at(-1)!.after, `${entity} ${id} ends as stored`).toEqual(current)
    }
    const actions = (entity: AuditEntity, id: number) => auditFor(backend.db, entity, id).map((r) => r.action)
    // The 2026-09-01 study is older than the baseline step's window (minus the margin): history,
    // so the step was retargeted to the next study counted from it, not closed.
    expect(actions('followup_item', open.id)).toEqual([
      'followup.create',
      'followup.retarget',
      'followup.override',
      'followup.deferred',
    ])
    expect(actions('study', s2.study.id)).toEqual(['study.record', 'study.result'])
    expect(actions('patient', p.id)).toEqual(['patient.create', 'patient.update'])
    expect(actions('followup_item', board.id).at(-1)).toBe('followup.cancelled')
  })
})
