import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../db/audit'
import { fullCheck } from '../../../db/integrity'
import { LATEST_SCHEMA_VERSION } from '../../../db/migrations'
import { packValue, unpackJson } from '../../../db/packed'
import { writeTx } from '../../../db/tx'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import type { CallName, RequestOf, ResultOf, StudyRequest } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { localNoon, patientInput, tempDir } from '../../helpers/db'

// Storage that grows with what changed (issue 10, db/packed.ts, schema 90): recommendations and
// undo entries are stored as shared parts; the API answers as before, a log of schema 80 is
// converted in place with every recommendation shown identically, and a patient's page does not
// grow with the history of recommendations.

let dir: string
let cleanup: () => void
let now = localNoon('2026-11-24')
const backends: Backend[] = []

beforeEach(() => {
  const t = tempDir()
  dir = t.dir
  cleanup = t.cleanup
  now = localNoon('2026-11-24')
})
afterEach(() => {
  for (const b of backends.splice(0)) b.close()
  cleanup()
})

function open(file: string): Backend {
  const b = openBackend({
    dataFile: file,
    transport: 'web',
    version: 'test',
    now: () => (now = new Date(now.getTime() + 1000)),
    user: 'dr.test',
    backgroundCheck: false,
  })
  backends.push(b)
  return b
}

async function ok<K extends CallName>(b: Backend, name: K, req: RequestOf<K>): Promise<ResultOf<K>> {
  const r = await dispatch(b.handlers, name, req, () => undefined)
  if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`)
  return r.value as ResultOf<K>
}

const CT = 'ct-abdomen-pelvis-with-iv-contrast' as const
const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast' as const

function study(date: string, n: number): StudyRequest {
  const results = ['stable', 'stable', 'response', 'stable', 'progression', 'indeterminate'] as const
  const ct = n % 3 === 0
  return {
    date,
    procedure: ct ? CT : MRI,
    result: results[n % results.length]!,
    lesions: [
      { id: 'T1', organ: 'liver', nodal: false, role: 'target', diameterMm: 30 + (n % 5), status: null },
      { id: 'T2', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 20 - (n % 4), status: null },
    ],
    dose: ct
      ? {
          effectiveMsv: null,
          ctdiVolMgy: 10,
          dlpMgyCm: 600 + n,
          region: 'abdomen-pelvis',
          activityMbq: null,
          agent: null,
        }
      : {
          effectiveMsv: null,
          ctdiVolMgy: null,
          dlpMgyCm: null,
          region: null,
          activityMbq: null,
          agent: null,
        },
    note: null,
  }
}

function monthly(n: number): string {
  const d = new Date(Date.UTC(2019, 2 + n, 5))
  return d.toISOString().slice(0, 10)
}

/** Two patients with studies, a result read later, an override and a facts edit. */
async function buildLog(b: Backend): Promise<number[]> {
  const ids: number[] = []
  for (let k = 0; k < 2; k++) {
    const p = await ok(b, 'patients.create', { ...patientInput({ mrn: `P-${k}` }), treatments: [] })
    ids.push(p.id)
    for (let n = 0; n < 6; n++) {
      const s = study(monthly(n * 4 + k), n)
      const r = await ok(b, 'studies.record', {
        patientId: p.id,
        study: n === 2 ? { ...s, result: 'not-read-yet' } : s,
      })
      if (n === 2)
        await ok(b, 'studies.setResult', { studyId: r.study.id, version: r.study.version, result: 'stable' })
    }
    const item = (await ok(b, 'patients.detail', { id: p.id })).items.find((i) => i.status === 'scheduled')!
    await ok(b, 'followup.override', {
      itemId: item.id,
      version: item.version,
      procedure: null,
      due: { from: '2027-01-04', to: '2027-02-04' },
      reasonCode: 'patient-preference',
      text: null,
    })
    const cur = await ok(b, 'patients.get', { id: p.id })
    await ok(b, 'patients.update', {
      id: p.id,
      version: cur.version,
      patient: { ...patientInput({ mrn: `P-${k}` }), treatments: [], weightKg: 70 + k },
    })
  }
  return ids
}

/** What the API shows of each patient: the page, every page of summaries and every recommendation whole. */
async function shown(b: Backend, ids: number[]) {
  const out: unknown[] = []
  for (const id of ids) {
    const detail = await ok(b, 'patients.detail', { id })
    const page = await ok(b, 'recommendations.page', { patientId: id, beforeId: null, limit: 100 })
    const whole = []
    for (const r of page.recommendations) whole.push(await ok(b, 'recommendations.get', { id: r.id }))
    // The FHIR bundle names its resources with fresh UUIDs and the export's time: those aside, the same.
    const fhir = (await ok(b, 'exports.fhir', { patientId: id })).text
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'uuid')
      .replace(/"timestamp": "[^"]+"/, '"timestamp": "t"')
    out.push({ detail, page, whole, fhir })
  }
  return out
}

/**
 * Turns a schema-90 log back into what schema 80 stored (every document plain, no parts table),
 * the way a log written before this change looks.
 */
function downgradeTo80(file: string): void {
  const db = new Database(file)
  try {
    const r = db as unknown as Parameters<typeof unpackJson>[0]
    db.transaction(() => {
      for (const row of db
        .prepare('SELECT id, inputs_json, output_json FROM recommendation WHERE packed = 1')
        .all() as {
        id: number
        inputs_json: string
        output_json: string
      }[])
        db.prepare('UPDATE recommendation SET inputs_json = ?, output_json = ? WHERE id = ?').run(
          unpackJson(r, row.inputs_json),
          unpackJson(r, row.output_json),
          row.id,
        )
      for (const row of db.prepare('SELECT id, snapshot_json FROM undo_entry WHERE packed = 1').all() as {
        id: number
        snapshot_json: string
      }[])
        db.prepare('UPDATE undo_entry SET snapshot_json = ? WHERE id = ?').run(
          unpackJson(r, row.snapshot_json),
          row.id,
        )
      db.exec(`
        ALTER TABLE recommendation DROP COLUMN packed;
        ALTER TABLE undo_entry DROP COLUMN packed;
        DROP TRIGGER json_part_no_update;
        DROP TRIGGER json_part_no_delete;
        DROP TABLE json_part;
      `)
      // What later migrations added (accounts: 100; the audit trail's indexes: 105).
      db.exec(`
        DROP TABLE IF EXISTS app_user;
        DROP INDEX IF EXISTS audit_log_patient;
        DROP INDEX IF EXISTS audit_log_actor;
      `)
      db.pragma('user_version = 80')
    })()
  } finally {
    db.close()
  }
}

describe('packed storage (schema 90)', () => {
  it('converts a log of schema 80 in place: every recommendation, page and export reads the same, the audit chain and the full check still pass', async () => {
    const file = path.join(dir, 'log.sqlite')
    let b = open(file)
    const ids = await buildLog(b)
    const before = await shown(b, ids)
    b.close()
    backends.splice(0)
    downgradeTo80(file)
    const plain = new Database(file, { readonly: true })
    expect(plain.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'json_part'").pluck().get()).toBe(0)
    const plainBytes = plain
      .prepare('SELECT sum(length(inputs_json) + length(output_json)) FROM recommendation')
      .pluck()
      .get() as number
    plain.close()

    b = open(file)
    const db = b.db as unknown as Database.Database
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(db.prepare('SELECT count(*) FROM recommendation WHERE packed = 0').pluck().get()).toBe(0)
    expect(db.prepare('SELECT count(*) FROM undo_entry WHERE packed = 0').pluck().get()).toBe(0)
    const packedBytes = db
      .prepare(
        'SELECT (SELECT sum(length(inputs_json) + length(output_json)) FROM recommendation) + (SELECT sum(length(json)) FROM json_part)',
      )
      .pluck()
      .get() as number
    expect(packedBytes).toBeLessThan(plainBytes * 0.75)
    expect(verifyAuditChain(b.db)).toBeNull()
    expect(fullCheck(b.db)).toEqual([])
    const after = await shown(b, ids)
    expect(after).toEqual(before)
  })

  it('finds a changed part: the recommendation that holds it no longer matches its audit row', async () => {
    const file = path.join(dir, 'log.sqlite')
    const b = open(file)
    const [id] = await buildLog(b)
    const current = (await ok(b, 'patients.detail', { id: id! })).current!
    const db = b.db as unknown as Database.Database
    expect(fullCheck(b.db)).toEqual([])
    // The part holding the current recommendation's RECIST response (no other recommendation has it).
    const output = db
      .prepare('SELECT output_json FROM recommendation WHERE id = ?')
      .pluck()
      .get(current.id) as string
    const part = (JSON.parse(output) as { response: { $: string } }).response.$
    expect(part).toBeTruthy()
    db.exec('DROP TRIGGER json_part_no_update')
    db.prepare(`UPDATE json_part SET json = replace(json, '"sumMm":', '"sumMm":1') WHERE hash = ?`).run(part)
    const problems = fullCheck(b.db)
    expect(problems).toContainEqual(
      expect.objectContaining({
        code: 'RECORD_CHANGED',
        message: `Recommendation ${current.id} was changed outside the app.`,
      }),
    )
  })

  it('adds about as much per recommendation at the 70th study as at the 10th, and keeps the patient page small at 70 studies (summaries, the current one whole, older ones on request)', async () => {
    const file = path.join(dir, 'log.sqlite')
    const b = open(file)
    const p = await ok(b, 'patients.create', { ...patientInput({ mrn: 'LONG-1' }), treatments: [] })
    const db = b.db as unknown as Database.Database
    const bytesOfParts = () =>
      db.prepare('SELECT coalesce(sum(length(json)), 0) FROM json_part').pluck().get() as number
    const payload: Record<number, number> = {}
    const recordBytes: Record<number, number> = {}
    for (let n = 1; n <= 70; n++) {
      const partsBefore = bytesOfParts()
      const r = await ok(b, 'studies.record', { patientId: p.id, study: study(monthly(n), n) })
      const row = db
        .prepare('SELECT length(inputs_json) + length(output_json) FROM recommendation WHERE id = ?')
        .pluck()
        .get(r.recommendation.id) as number
      recordBytes[n] = row + bytesOfParts() - partsBefore
      if (n === 2 || n === 10 || n === 20 || n === 70)
        payload[n] = JSON.stringify(await ok(b, 'patients.detail', { id: p.id })).length
    }
    // What one more study's recommendation adds to the log (its row and the parts no earlier one holds).
    expect(recordBytes[10]).toBeLessThan(4096)
    expect(recordBytes[70]).toBeLessThan(recordBytes[10]! * 1.5)
    // The page holds every study (they grow by one each) but the recommendations only as the newest
    // summaries and the current one whole: at 70 studies it stays far below the 1.9 MB of before.
    expect((payload[70]! - payload[20]!) / 50).toBeLessThan(2048)
    expect(payload[70]!).toBeLessThan(160 * 1024)
    const d = await ok(b, 'patients.detail', { id: p.id })
    expect(d.recommendationCount).toBe(71)
    expect(d.recommendations).toHaveLength(20)
    expect(d.current).toMatchObject({ id: d.recommendations[0]!.id, supersededBy: null })
    const older = await ok(b, 'recommendations.page', {
      patientId: p.id,
      beforeId: d.recommendations.at(-1)!.id,
      limit: 100,
    })
    expect(older.recommendations).toHaveLength(51)
    expect(older.more).toBe(false)
    const first = await ok(b, 'recommendations.get', { id: older.recommendations.at(-1)!.id })
    expect(first.inputs).toMatchObject({ studies: [] })
    expect(first.output.sources).toBeTruthy()
  })
})

describe('packing a value as written (db/packed.ts packValue)', () => {
  it('unpacks to exactly the text written; a value that is not plain JSON data is stored plain', () => {
    const b = open(path.join(dir, 'values.sqlite'))
    const db = b.db
    const value = {
      steps: Array.from({ length: 20 }, (_, i) => ({
        i,
        text: `step ${i} of a long enough list`,
        gone: undefined,
      })),
      holes: [1, undefined, () => 2, Number.NaN, -0],
      nested: { deeper: { words: 'a part long enough to be stored on its own row' } },
    }
    const text = JSON.stringify(value)
    const packed = writeTx(db, (tx) => packValue(tx, value, text))
    expect(packed).not.toBeNull()
    expect(packed!.length).toBeLessThan(text.length)
    expect(unpackJson(db, packed!, true)).toBe(text)
    const dated = { when: new Date('2026-01-01T00:00:00Z'), text: 'a Date writes itself through toJSON' }
    expect(writeTx(db, (tx) => packValue(tx, dated, JSON.stringify(dated)))).toBeNull()
    const keyed = { inner: { $: 'looks like a reference', more: 'text long enough to be a part here' } }
    expect(writeTx(db, (tx) => packValue(tx, keyed, JSON.stringify(keyed)))).toBeNull()
  })
})
