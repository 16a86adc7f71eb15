import Database from 'better-sqlite3-multiple-ciphers'
import { describe, expect, it, vi } from 'vitest'
import { auditTexts, verifyAuditChain } from '../../../db/audit'
import { encodeTexts, readTexts } from '../../../db/delta'
import { fullCheck } from '../../../db/integrity'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../db/migrations'
import { migration0090 } from '../../../db/migrations/0090-packed-json'
import { migration0110 } from '../../../db/migrations/0110-delta-storage'
import { storedTexts } from '../../../db/queries/recommendations'
import { registerSearchFunctions } from '../../../db/queries/search'
import { snapshotText } from '../../../db/queries/undo'
import type { ReadableDb } from '../../../db/tx'
import type { Backend } from '../../../electron/backend/backend'
import type { StudyRequest } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { patientInput } from '../../helpers/db'
import { backendsPerTest, ok } from '../../helpers/logfiles'

// Storage that grows with what changed (issue 10): recommendations and undo entries were stored as
// shared parts (db/packed.ts, schema 90) and are since schema 110 stored as deltas against the
// patient's previous row (db/delta.ts). The API answers as before, a log of schema 80 is converted
// in place (through both) with every recommendation shown identically and undo still working, a
// changed byte is found, and a patient's page does not grow with the history of recommendations.

// The log is turned into one of an older schema, whose rows carry no kept undo entry (schema 145).
vi.mock('../../../db/audit', async (importOriginal) =>
  (await import('../../helpers/undo-keep-rows')).keptOnTheirOwn(importOriginal),
)

const { file: inDir, open, forget } = backendsPerTest()

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
 * Turns a log of the latest schema back into what schema 80 stored (every document plain in its
 * column, no delta columns, every audit text whole), the way a log written before schema 90 looks.
 */
function downgradeTo80(file: string): void {
  const db = new Database(file)
  try {
    const r = db as unknown as ReadableDb
    db.transaction(() => {
      const recs = db.prepare('SELECT id, inputs_json, output_json, body FROM recommendation').all() as {
        id: number
        inputs_json: string
        output_json: string
        body: Buffer | null
      }[]
      const plainRecs = recs.map((row) => ({ id: row.id, ...storedTexts(r, row) }))
      const undos = db.prepare('SELECT id, snapshot_json, body FROM undo_entry').all() as {
        id: number
        snapshot_json: string
        body: Buffer | null
      }[]
      const plainUndos = undos.map((row) => ({ id: row.id, snapshot: snapshotText(r, row) }))
      for (const row of plainRecs)
        db.prepare('UPDATE recommendation SET inputs_json = ?, output_json = ? WHERE id = ?').run(
          row.inputs,
          row.output,
          row.id,
        )
      for (const row of plainUndos)
        db.prepare('UPDATE undo_entry SET snapshot_json = ? WHERE id = ?').run(row.snapshot, row.id)
      // The audit log with every text whole, and its unique index on the hash (schema 10's table).
      const audit = (
        db.prepare('SELECT id, before_json, after_json FROM audit_log ORDER BY id').all() as {
          id: number
          before_json: string | null
          after_json: string | null
        }[]
      ).map((row) => ({ id: row.id, ...auditTexts(r, row) }))
      db.exec(`
        CREATE TABLE audit_copy AS SELECT * FROM audit_log;
        DROP TABLE audit_log;
        CREATE TABLE audit_log (
          id INTEGER PRIMARY KEY,
          at TEXT NOT NULL,
          actor TEXT NOT NULL,
          action TEXT NOT NULL,
          entity TEXT NOT NULL,
          entity_id INTEGER,
          before_json TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
          after_json TEXT CHECK (after_json IS NULL OR json_valid(after_json)),
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL UNIQUE
        ) STRICT;
        INSERT INTO audit_log SELECT id, at, actor, action, entity, entity_id, before_json, after_json,
          coalesce(prev_hash, (SELECT lower(hex(p.hash)) FROM audit_copy p WHERE p.id = c.id - 1), '${'0'.repeat(64)}'),
          lower(hex(hash))
          FROM audit_copy c ORDER BY id;
        DROP TABLE audit_copy;
        CREATE INDEX audit_entity ON audit_log(entity, entity_id);
      `)
      for (const row of audit)
        db.prepare('UPDATE audit_log SET before_json = ?, after_json = ? WHERE id = ?').run(
          row.before,
          row.after,
          row.id,
        )
      db.exec(`
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      `)
      db.exec(`
        ALTER TABLE recommendation DROP COLUMN body;
        ALTER TABLE recommendation DROP COLUMN body_base;
        ALTER TABLE undo_entry DROP COLUMN body;
        ALTER TABLE undo_entry DROP COLUMN body_base;
      `)
      // What other migrations after 80 added (the worklist's keyset indexes and tally: 95; accounts:
      // 100; the audit trail's indexes: 105, then on the column 110 adds; the type-ahead table: 115;
      // the worklist's other counts: 125; the audit trail's runs by person: 155).
      for (const t of db
        .prepare(
          `SELECT name FROM sqlite_schema WHERE type = 'trigger'
             AND (name LIKE 'patient\\_prefix\\_%' ESCAPE '\\' OR name LIKE 'worklist\\_count\\_%' ESCAPE '\\')`,
        )
        .pluck()
        .all() as string[])
        db.exec(`DROP TRIGGER ${t}`)
      db.exec(`
        DROP TABLE IF EXISTS patient_prefix;
        DROP TABLE IF EXISTS audit_actor_run;
        DROP TABLE IF EXISTS worklist_count;
        DROP TRIGGER IF EXISTS worklist_tally_item_insert;
        DROP TRIGGER IF EXISTS worklist_tally_item_delete;
        DROP TRIGGER IF EXISTS worklist_tally_item_update_old;
        DROP TRIGGER IF EXISTS worklist_tally_item_update_new;
        DROP TRIGGER IF EXISTS worklist_tally_patient_update;
        DROP TRIGGER IF EXISTS worklist_tally_patient_delete;
        DROP TABLE IF EXISTS worklist_tally;
        DROP INDEX IF EXISTS patient_last_result;
        DROP INDEX IF EXISTS study_by_date;
        DROP INDEX IF EXISTS patient_cumulative_msv;
        DROP TABLE IF EXISTS app_user;
        DROP INDEX IF EXISTS audit_log_patient;
        DROP INDEX IF EXISTS audit_log_actor;
      `)
      // Before schema 150 a superseded recommendation held the time it was superseded.
      db.exec(`UPDATE recommendation SET superseded_at =
        (SELECT n.created_at FROM recommendation n WHERE n.id = recommendation.superseded_by)`)
      db.pragma('user_version = 80')
    })()
  } finally {
    db.close()
  }
}

const bodyBytes = (db: Database.Database, table: 'recommendation' | 'undo_entry') =>
  db
    .prepare(
      table === 'undo_entry'
        ? 'SELECT sum(length(body) + length(snapshot_json)) FROM undo_entry'
        : 'SELECT sum(length(body) + length(inputs_json) + length(output_json)) FROM recommendation',
    )
    .pluck()
    .get() as number

describe('delta storage (schema 110; shared parts of schema 90 before it)', () => {
  it('converts a log of schema 80 in place through schema 90: every recommendation, page and export reads the same, undo still works, the audit chain and the full check still pass', async () => {
    const file = inDir('log.sqlite')
    let b = open(file)
    const ids = await buildLog(b)
    const before = await shown(b, ids)
    b.close()
    forget()
    downgradeTo80(file)
    const plain = new Database(file, { readonly: true })
    const plainRecBytes = plain
      .prepare('SELECT sum(length(inputs_json) + length(output_json)) FROM recommendation')
      .pluck()
      .get() as number
    const plainUndoBytes = plain
      .prepare('SELECT sum(length(snapshot_json)) FROM undo_entry')
      .pluck()
      .get() as number
    plain.close()

    b = open(file)
    const db = b.db as unknown as Database.Database
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(db.prepare('SELECT count(*) FROM recommendation WHERE body IS NULL').pluck().get()).toBe(0)
    expect(db.prepare('SELECT count(*) FROM undo_entry WHERE body IS NULL').pluck().get()).toBe(0)
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'json_part'").pluck().get()).toBe(0)
    // A patient's rows after the first are deltas of the one before, each chain at most KEYFRAME long.
    expect(
      db.prepare('SELECT count(*) FROM recommendation WHERE body_base IS NOT NULL').pluck().get(),
    ).toBeGreaterThan(0)
    expect(bodyBytes(db, 'recommendation')).toBeLessThan(plainRecBytes * 0.2)
    expect(bodyBytes(db, 'undo_entry')).toBeLessThan(plainUndoBytes * 0.2)
    // Every audit row is chained to the row before: its prev_hash is implicit.
    expect(db.prepare('SELECT count(*) FROM audit_log WHERE prev_hash IS NOT NULL').pluck().get()).toBe(0)
    expect(verifyAuditChain(b.db)).toBeNull()
    expect(fullCheck(b.db)).toEqual([])
    const after = await shown(b, ids)
    expect(after).toEqual(before)
    // The last change of the first patient (a facts edit) is undone from its converted kept state.
    const undone = await ok(b, 'patients.undo', { patientId: ids[0]! })
    expect(undone).toBeTruthy()
    expect((await ok(b, 'patients.get', { id: ids[0]! })).weightKg).not.toBe(70)
    expect(fullCheck(b.db)).toEqual([])
  })

  it('reports its progress while converting, and converts a log of schema 90 (shared parts) the same', async () => {
    const file = inDir('log.sqlite')
    const b = open(file)
    const ids = await buildLog(b)
    const before = await shown(b, ids)
    b.close()
    forget()
    downgradeTo80(file)
    const raw = new Database(file)
    registerSearchFunctions(raw)
    const heard: [number, number][] = []
    raw.transaction(() => {
      // Every migration after 80 in turn, as an open runs them; 110 is the one that reports.
      for (const m of MIGRATIONS.filter((x) => x.version > 80)) {
        m.up(raw, m === migration0110 ? (done, total) => heard.push([done, total]) : undefined)
        if (m === migration0090)
          expect(raw.prepare('SELECT count(*) FROM recommendation WHERE packed = 0').pluck().get()).toBe(0)
      }
      raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION}`)
    })()
    raw.close()
    const total = heard.at(-1)![1]
    expect(heard.at(-1)).toEqual([total, total])
    expect(total).toBeGreaterThan(20)
    expect(heard.every(([d], i) => i === 0 || d > heard[i - 1]![0])).toBe(true)
    const again = open(file)
    expect(fullCheck(again.db)).toEqual([])
    expect(await shown(again, ids)).toEqual(before)
  })

  it('finds a changed body: the recommendation that holds it, and every later one stored as a delta of it, no longer match their audit rows', async () => {
    const file = inDir('log.sqlite')
    const b = open(file)
    const [id] = await buildLog(b)
    const db = b.db as unknown as Database.Database
    expect(fullCheck(b.db)).toEqual([])
    // A recommendation of the first patient that a later one is a delta of, rewritten as a valid
    // body whose evaluation says another sum of diameters.
    const [base, child] = db
      .prepare(
        `SELECT r.id, c.id FROM recommendation r JOIN recommendation c ON c.body_base = r.id
         WHERE r.patient_id = ? ORDER BY r.id DESC LIMIT 1`,
      )
      .raw()
      .get(id) as [number, number]
    const baseOf = db.prepare('SELECT body_base FROM recommendation WHERE id = ?').pluck().get(base) as
      number | null
    const texts = readTexts(b.db, 'recommendation', base)!
    expect(texts[1]).toContain('"sumMm":')
    const forged = encodeTexts(
      [texts[0]!, texts[1]!.replace('"sumMm":', '"sumMm":1')],
      baseOf === null ? null : readTexts(b.db, 'recommendation', baseOf),
    )
    db.prepare('UPDATE recommendation SET body = ? WHERE id = ?').run(forged, base)
    const problems = fullCheck(b.db)
    for (const r of [base, child])
      expect(problems).toContainEqual(
        expect.objectContaining({
          code: 'RECORD_CHANGED',
          message: `Recommendation ${r} was changed outside the app.`,
        }),
      )
  })

  it('finds a kept state whose body was changed, before an undo writes it back', async () => {
    const file = inDir('log.sqlite')
    const b = open(file)
    const [id] = await buildLog(b)
    const db = b.db as unknown as Database.Database
    const last = db
      .prepare('SELECT id, body_base FROM undo_entry WHERE patient_id = ? ORDER BY id DESC LIMIT 1')
      .get(id) as {
      id: number
      body_base: number | null
    }
    const [snapshot] = readTexts(b.db, 'undo_entry', last.id)!
    const forged = encodeTexts(
      [snapshot!.replace('"weight_kg":', '"weight_kg":9')],
      last.body_base === null ? null : readTexts(b.db, 'undo_entry', last.body_base),
    )
    db.prepare('UPDATE undo_entry SET body = ? WHERE id = ?').run(forged, last.id)
    const r = await dispatch(b.handlers, 'patients.undo', { patientId: id! }, () => undefined)
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error.code).toBe('LOG_READ_ONLY')
  })

  it('adds about as much per recommendation at the 70th study as at the 10th, and keeps the patient page small at 70 studies (summaries, the current one without its case, older ones on request)', async () => {
    const file = inDir('log.sqlite')
    const b = open(file)
    const p = await ok(b, 'patients.create', { ...patientInput({ mrn: 'LONG-1' }), treatments: [] })
    const db = b.db as unknown as Database.Database
    const payload: Record<number, number> = {}
    const recordBytes: Record<number, number> = {}
    for (let n = 1; n <= 70; n++) {
      const r = await ok(b, 'studies.record', { patientId: p.id, study: study(monthly(n), n) })
      recordBytes[n] = db
        .prepare(
          'SELECT length(inputs_json) + length(output_json) + length(body) FROM recommendation WHERE id = ?',
        )
        .pluck()
        .get(r.recommendation.id) as number
      if (n === 2 || n === 10 || n === 20 || n === 70)
        payload[n] = JSON.stringify(await ok(b, 'patients.detail', { id: p.id })).length
    }
    // What one more study's recommendation adds to the log: its row's documents, a delta of the
    // previous one's (every 16th is deflated on its own: of two neighbours, one is a delta).
    const delta = (n: number) => Math.min(recordBytes[n]!, recordBytes[n + 1]!)
    expect(delta(10)).toBeLessThan(1024)
    expect(delta(69)).toBeLessThan(delta(10) * 1.5)
    // The page holds every study (they grow by one each) but the recommendations only as the newest
    // summaries and the current one without its case: at 70 studies it stays far below the 1.9 MB of before.
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
