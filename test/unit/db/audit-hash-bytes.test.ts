import Database from 'better-sqlite3-multiple-ciphers'
import { describe, expect, it, vi } from 'vitest'
import { auditTexts, checkAuditChain, hashText, verifyAuditChain } from '../../../db/audit'
import { fullCheck } from '../../../db/integrity'
import { LATEST_SCHEMA_VERSION } from '../../../db/migrations'
import { migration0120 } from '../../../db/migrations/0120-audit-hash-bytes'
import type { Backend } from '../../../electron/backend/backend'
import { patientInput } from '../../helpers/db'
import { backendsPerTest, ok } from '../../helpers/logfiles'

// Schema 120 (issue 10): an audit row's hash is stored as its 32 bytes. A log of schema 110 (hash
// as 64 hexadecimal characters) is converted in place: every row reads the same (texts and hash),
// the chain and the full check pass, the anchor still matches, and a hash that was not one the app
// writes (a damaged log) stays as it was, so the check still names its row.

// The log is turned into one of an older schema, whose rows carry no kept undo entry (schema 145).
vi.mock('../../../db/audit', async (importOriginal) =>
  (await import('../../helpers/undo-keep-rows')).keptOnTheirOwn(importOriginal),
)

const { file: inDir, open, forget } = backendsPerTest()

async function buildLog(b: Backend): Promise<number> {
  const p = await ok(b, 'patients.create', patientInput())
  for (let n = 0; n < 4; n++)
    await ok(b, 'studies.record', {
      patientId: p.id,
      study: {
        date: `2025-0${n + 1}-15`,
        procedure: 'ct-abdomen-pelvis-with-iv-contrast',
        result: 'stable',
        lesions: [
          { id: 'T1', organ: 'liver', nodal: false, role: 'target', diameterMm: 20 + n, status: null },
        ],
        dose: {
          effectiveMsv: null,
          ctdiVolMgy: 9,
          dlpMgyCm: 500,
          region: 'abdomen-pelvis',
          activityMbq: null,
          agent: null,
        },
        note: null,
      },
    })
  return p.id
}

/** The audit log as schema 110 kept it: the hash as its hexadecimal text (`tamper`: one row's replaced). */
function downgradeTo110(file: string, tamper?: { id: number; hash: string }): void {
  const db = new Database(file)
  try {
    // Schema 110 had no type-ahead table (migration 115) nor the worklist's counts (125): their
    // triggers and tables go first.
    for (const t of db
      .prepare(
        `SELECT name FROM sqlite_schema WHERE type = 'trigger'
           AND (name LIKE 'patient\\_prefix\\_%' ESCAPE '\\' OR name LIKE 'worklist\\_count\\_%' ESCAPE '\\')`,
      )
      .pluck()
      .all() as string[])
      db.exec(`DROP TRIGGER ${t}`)
    // Nor the runs by person (155; the index by person below instead), and a superseded
    // recommendation held the time it was superseded (before 150).
    db.exec(`
      DROP TABLE patient_prefix;
      DROP INDEX study_by_date;
      DROP TABLE worklist_count;
      DROP TABLE audit_actor_run;
      UPDATE recommendation SET superseded_at =
        (SELECT n.created_at FROM recommendation n WHERE n.id = recommendation.superseded_by);
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
        prev_hash TEXT CHECK (prev_hash IS NULL OR length(prev_hash) = 64),
        hash TEXT NOT NULL,
        patient_id INTEGER
      ) STRICT;
      INSERT INTO audit_log SELECT id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash,
        lower(hex(hash)), patient_id FROM audit_copy ORDER BY id;
      DROP TABLE audit_copy;
      CREATE INDEX audit_entity ON audit_log(entity, entity_id);
      CREATE INDEX audit_log_patient ON audit_log (patient_id, id);
      CREATE INDEX audit_log_actor ON audit_log (actor, id);
    `)
    if (tamper) db.prepare('UPDATE audit_log SET hash = ? WHERE id = ?').run(tamper.hash, tamper.id)
    db.exec(`
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `)
    db.pragma('user_version = 110')
  } finally {
    db.close()
  }
}

/** Every audit row as a reader sees it: its texts and its hash. */
function rowsOf(db: Database.Database): unknown[] {
  return (db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Array<Record<string, unknown>>).map(
    (r) => ({
      id: r['id'],
      at: r['at'],
      hash: hashText(r['hash'] as Buffer | string),
      ...auditTexts(db as never, r as never),
    }),
  )
}

describe('audit hashes as bytes (schema 120)', () => {
  it('converts a log of schema 110 in place: every row reads the same, the chain, the anchor and the full check pass, and the log writes on', async () => {
    const file = inDir('log.sqlite')
    let b = open(file)
    const patientId = await buildLog(b)
    const trail = await ok(b, 'audit.list', { patientId, limit: 200 })
    b.close()
    forget()
    downgradeTo110(file)
    const old = new Database(file, { readonly: true })
    const before = rowsOf(old)
    const hexBytes = old.prepare('SELECT sum(length(hash)) FROM audit_log').pluck().get() as number
    old.close()

    b = open(file)
    const db = b.db as unknown as Database.Database
    expect(b.status().mode).toBe('writable')
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    // (Opening the log appended its own rows after them.)
    expect(rowsOf(db).slice(0, before.length)).toEqual(before)
    expect(db.prepare("SELECT count(*) FROM audit_log WHERE typeof(hash) <> 'blob'").pluck().get()).toBe(0)
    expect(
      db.prepare('SELECT sum(length(hash)) FROM audit_log WHERE id <= ?').pluck().get(before.length),
    ).toBe(hexBytes / 2)
    expect(verifyAuditChain(b.db)).toBeNull()
    expect(fullCheck(b.db)).toEqual([])
    expect(await ok(b, 'audit.list', { patientId, limit: 200 })).toEqual(trail)
    // It writes on, chained to the converted rows; the log opens again as it was left.
    await ok(b, 'patients.update', {
      id: patientId,
      version: (await ok(b, 'patients.get', { id: patientId })).version,
      patient: patientInput({ weightKg: 81 }),
    })
    expect(verifyAuditChain(b.db)).toBeNull()
    b.close()
    forget()
    b = open(file)
    expect(b.status().mode).toBe('writable')
    expect(fullCheck(b.db)).toEqual([])
  })

  it('keeps a hash that is not one the app writes as it was, so the check still names its row', async () => {
    // (The app takes a checked copy before migrating, so it never migrates a damaged log; the
    // migration itself still keeps what such a row holds.)
    const file = inDir('log.sqlite')
    const b = open(file)
    await buildLog(b)
    b.close()
    forget()
    downgradeTo110(file, { id: 5, hash: 'not a hash' })
    const raw = new Database(file)
    raw.transaction(() => migration0120.up(raw))()
    raw.pragma('user_version = 120')
    expect(raw.prepare('SELECT hash FROM audit_log WHERE id = 5').pluck().get()).toBe('not a hash')
    expect(raw.prepare("SELECT count(*) FROM audit_log WHERE typeof(hash) = 'blob'").pluck().get()).toBe(
      (raw.prepare('SELECT count(*) FROM audit_log').pluck().get() as number) - 1,
    )
    raw.close()
    const opened = open(file)
    expect(checkAuditChain(opened.db)).toMatchObject({ ok: false, rowId: 5, problem: 'hash' })
  })
})
