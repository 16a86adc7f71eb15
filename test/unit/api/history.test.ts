import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../db/audit'
import { getRecommendation } from '../../../db/queries/recommendations'
import { listStudies } from '../../../db/queries/studies'
import { keptState, keptStateText, lastUndo, snapshotPatient } from '../../../db/queries/undo'
import { allRows } from '../../../db/stmt'
import type { ReadableDb } from '../../../db/tx'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import type { CallName, RequestOf, ResultOf, StudyRequest } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { localNoon, patientInput, tempDir } from '../../helpers/db'

// A patient's history (issue 10): recording a study, setting its result and opening the patient
// do not redo work over the whole history (test/bench/scale-log.ts prints what they cost at 2, 20
// and 70 studies). What they skip must not change a thing: the recommendation a call answers with
// is the one the log reads back, rows read the fast way are the rows as stored, and undo still
// puts the state back.

let backend: Backend
let cleanup: () => void
let file: string

beforeEach(() => {
  const t = tempDir()
  cleanup = t.cleanup
  file = path.join(t.dir, 'log.sqlite')
  let now = localNoon('2026-11-24').getTime()
  backend = openBackend({
    dataFile: file,
    transport: 'web',
    version: 'test',
    now: () => new Date((now += 1)),
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

const study = (n: number): StudyRequest => ({
  date: `${2019 + Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}-1${n % 10}`,
  procedure:
    n % 3 === 0 ? 'mri-abdomen-pelvis-without-and-with-iv-contrast' : 'ct-abdomen-pelvis-with-iv-contrast',
  result: 'not-read-yet',
  lesions: [
    { id: 'T1', organ: 'liver', nodal: false, role: 'target', diameterMm: 30 - (n % 4), status: null },
    { id: 'T2', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 12 + (n % 3), status: null },
  ],
  dose:
    n % 3 === 0
      ? { effectiveMsv: null, ctdiVolMgy: null, dlpMgyCm: null, region: null, activityMbq: null, agent: null }
      : {
          effectiveMsv: null,
          ctdiVolMgy: 8.5 + (n % 5) / 10,
          dlpMgyCm: 400 + n,
          region: 'abdomen-pelvis',
          activityMbq: null,
          agent: null,
        },
  note: n % 5 === 0 ? `Study ${n}: “as before”` : null,
})

describe("a patient's history", () => {
  it('answers each study and result with the recommendation the log reads back, and undo still puts the state back', async () => {
    const p = await ok(
      'patients.create',
      patientInput({
        diagnosis: { date: '2018-11-01', confirmed: true, grade: 'G2', functional: false, primarySizeMm: 25 },
      }),
    )
    // A second connection on the file: nothing it reads was kept by the first.
    const reader = new Database(file, { readonly: true }) as unknown as ReadableDb
    try {
      for (let n = 0; n < 24; n++) {
        const recorded = await ok('studies.record', { patientId: p.id, study: study(n) })
        expect(recorded.recommendation).toStrictEqual(getRecommendation(reader, recorded.recommendation.id))
        const read = await ok('studies.setResult', {
          studyId: recorded.study.id,
          version: recorded.study.version,
          result: n % 7 === 6 ? 'progression' : 'stable',
        })
        expect(read.recommendation).toStrictEqual(getRecommendation(reader, read.recommendation.id))
        expect(JSON.stringify(read.recommendation)).toBe(
          JSON.stringify(getRecommendation(reader, read.recommendation.id)),
        )
      }
      const detail = await ok('patients.detail', { id: p.id })
      expect(detail.studies).toEqual(listStudies(reader, p.id))
      // The page's current recommendation is the stored one but for its case (every study again).
      const { inputs: _case, ...shown } = getRecommendation(reader, detail.current!.id)!
      expect(detail.current).toStrictEqual(shown)
      expect(detail.current).not.toHaveProperty('inputs')
      const before = snapshotPatient(reader, p.id)
      await ok('studies.record', { patientId: p.id, study: study(30) })
      await ok('patients.undo', { patientId: p.id } as never)
      const after = snapshotPatient(reader, p.id)
      // The same rows; only the record versions of the patient move on (an undo is a change too).
      expect(after.tables.study.map((s) => s['id'])).toEqual(before.tables.study.map((s) => s['id']))
      expect(after.tables.lesion).toEqual(before.tables.lesion)
      expect(verifyAuditChain(backend.db)).toBeNull()
    } finally {
      ;(reader as unknown as Database.Database).close()
    }
  })

  it("keeps the state an undo writes back with each table's column names once, and reads entries kept the first way too", async () => {
    const p = await ok('patients.create', patientInput())
    for (let n = 0; n < 24; n++)
      await ok('studies.record', { patientId: p.id, study: { ...study(n), result: 'stable' } })
    const state = snapshotPatient(backend.db, p.id)
    const text = keptStateText(backend.db, p.id)
    // The same rows, values and column order as the rows read whole, in under half the text.
    expect(keptState(text)).toStrictEqual(state)
    expect(JSON.stringify(keptState(text))).toBe(JSON.stringify(state))
    expect(text.length).toBeLessThan(JSON.stringify(state).length / 2)
    // An entry kept before (each table's rows whole) reads back as it did.
    expect(keptState(JSON.stringify(state))).toStrictEqual(state)
    // A state kept before schema 80 has no dose events: still none to write back.
    const { dose_event: _none, ...before80 } = state.tables
    expect(keptState(JSON.stringify({ ...state, tables: before80 })).tables.dose_event).toBeUndefined()
    // The entry kept before the last study is that state as it was, and undo writes it back.
    const kept = lastUndo(backend.db, p.id)!
    await ok('patients.undo', { patientId: p.id } as never)
    expect(snapshotPatient(backend.db, p.id).tables.study).toEqual(
      kept.snapshot.tables.study.map((s) => ({ ...s, version: expect.any(Number) as unknown })),
    )
    expect(verifyAuditChain(backend.db)).toBeNull()
  })

  it('reads rows the fast way exactly as better-sqlite3 gives them: the same keys, order and values', async () => {
    const p = await ok('patients.create', patientInput())
    for (let n = 0; n < 6; n++)
      await ok('studies.record', { patientId: p.id, study: { ...study(n), result: 'stable' } })
    const db = backend.db as unknown as Database.Database
    for (const sql of [
      'SELECT * FROM study WHERE patient_id = ? ORDER BY id',
      'SELECT l.* FROM lesion l JOIN study s ON s.id = l.study_id WHERE s.patient_id = ? ORDER BY l.id',
      'SELECT * FROM followup_item WHERE patient_id = ? ORDER BY id',
      'SELECT * FROM patient WHERE id = ?',
    ]) {
      const slow = db.prepare(sql).all(p.id)
      const fast = allRows(backend.db, sql, p.id)
      expect(fast.length).toBeGreaterThan(0)
      expect(JSON.stringify(fast)).toBe(JSON.stringify(slow))
      expect(fast).toEqual(slow)
    }
  })
})
