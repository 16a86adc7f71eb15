import type Database from 'better-sqlite3-multiple-ciphers'
import { auditPatientOf, auditTexts, GENESIS, inlineOf, storedForms, type AuditHints } from '../audit'
import { decodeTexts, newBody, readTexts, type DeltaTable } from '../delta'
import { unpackJson } from '../packed'
import type { ReadableDb } from '../tx'
import type { Migration } from './types'

// Storage that grows with what changed, second step (issue 10, db/delta.ts): a recommendation's
// case and evaluation and an undo entry's kept state are stored as a `body`, deflated against the
// patient's previous row of the same table (`body_base`; every 16th row on its own). Shared parts
// (`json_part`, schema 90) stored each changed subtree whole once per recommendation and once per
// kept state; a delta stores only the bytes that changed.
//
// Existing rows are converted in place, in this migration's transaction, oldest first per table (a
// row's base is converted before it): each one's texts (plain, or unpacked from its parts) are
// encoded, decoded again and compared, and the row is rewritten only when they read back as
// exactly the text it held. The digests the audit log keeps of these rows (db/audit.ts) are taken
// over those texts, so they still match, and the audit log is not touched. Then nothing refers to
// `json_part` any more and it is dropped, with the `packed` columns.
//
// The audit log (db/audit.ts, "How before and after are stored"): each row's before and after are
// rewritten in place, oldest first, as references to or differences from an earlier row's after
// text; each is expanded again and compared with the text it held, so every hash (taken over the
// texts as written) still verifies, and the chain with it. The rows are copied into a new table
// (densely, in their stored form) without the unique index on `hash` (nothing looks a row up by its
// hash; the chain check compares each hash with the one it computes) and with `prev_hash` NULL
// where it is the row before's hash (db/audit.ts); the old table is dropped and the append-only
// triggers put back.
//
// What `output_json` keeps inline (the evaluation's `alerts`, which the worklist reads in SQL) is
// `inlineOf` (db/audit.ts): the digest of a converted row checks that column against it.

export const migration0110: Migration = {
  version: 110,
  name: 'delta-storage',
  up(db, progress) {
    db.exec(`
      ALTER TABLE recommendation ADD COLUMN body BLOB;
      ALTER TABLE recommendation ADD COLUMN body_base INTEGER;
      ALTER TABLE undo_entry ADD COLUMN body BLOB;
      ALTER TABLE undo_entry ADD COLUMN body_base INTEGER;
    `)
    const total =
      SOURCES.reduce(
        (n, s) => n + (db.prepare(`SELECT count(*) FROM ${s.table}`).pluck().get() as number),
        0,
      ) + (db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number)
    const step = Math.max(1, Math.floor(total / 50))
    let done = 0
    const tick = (): void => {
      done++
      if (progress && (done % step === 0 || done === total)) progress(done, total)
    }
    convertExisting(db, tick)
    db.exec(`
      DROP TRIGGER json_part_no_update;
      DROP TRIGGER json_part_no_delete;
      DROP TABLE json_part;
      ALTER TABLE recommendation DROP COLUMN packed;
      ALTER TABLE undo_entry DROP COLUMN packed;

      ALTER TABLE audit_log RENAME TO audit_log_v10;
      DROP INDEX audit_entity;
      DROP TRIGGER audit_log_no_update;
      DROP TRIGGER audit_log_no_delete;
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
      CREATE INDEX audit_entity ON audit_log(entity, entity_id);
    `)
    compactAuditLog(db, tick)
    db.exec(`
      DROP TABLE audit_log_v10;
      CREATE INDEX audit_log_patient ON audit_log (patient_id, id);
      CREATE INDEX audit_log_actor ON audit_log (actor, id);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `)
  },
}

/**
 * Copies every audit row, oldest first, from the old table into the new one with its before and
 * after in their stored form (bases are rows copied before it), each checked against its texts.
 */
function compactAuditLog(db: Database.Database, tick: () => void): void {
  const r = db as unknown as ReadableDb
  const hints: AuditHints = new Map()
  const read = db.prepare(
    'SELECT id, prev_hash, hash, at, actor, action, entity, entity_id, before_json, after_json FROM audit_log_v10 WHERE id > ? ORDER BY id LIMIT 500',
  )
  const insert = db.prepare(
    `INSERT INTO audit_log (id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash, patient_id)
     VALUES (@id, @at, @actor, @action, @entity, @entity_id, @before, @after, @prev_hash, @hash, @patient_id)`,
  )
  let lastHash = GENESIS
  let lastId = 0
  for (let after = 0; ;) {
    const rows = read.all(after) as {
      id: number
      prev_hash: string
      hash: string
      at: string
      actor: string
      action: string
      entity: string
      entity_id: number | null
      before_json: string | null
      after_json: string | null
    }[]
    if (rows.length === 0) break
    for (const row of rows) {
      after = row.id
      if (hints.size > 10_000) hints.clear()
      const stored = storedForms(
        r,
        {
          id: row.id,
          prev: row.prev_hash,
          at: row.at,
          actor: row.actor,
          action: row.action,
          entity: row.entity,
          entityId: row.entity_id,
          before: row.before_json,
          after: row.after_json,
        },
        hints,
      )
      if (stored.before !== row.before_json || stored.after !== row.after_json) {
        const back = auditTexts(r, { before_json: stored.before, after_json: stored.after })
        if (back.before !== row.before_json || back.after !== row.after_json)
          throw new Error(`audit row ${row.id} does not read back as it was stored; the log was not changed`)
      }
      const { before_json: _b, after_json: _a, ...rest } = row
      // A row chained to the row before keeps that implicit (db/audit.ts); one that is not (a
      // damaged log) keeps what it holds, so its check still names it.
      const linked = row.prev_hash === (row.id === 1 ? GENESIS : lastHash) && lastId === row.id - 1
      const value = (t: string | null): unknown => (t === null ? null : JSON.parse(t))
      insert.run({
        ...rest,
        ...stored,
        prev_hash: linked ? null : row.prev_hash,
        patient_id: auditPatientOf(row.entity, row.entity_id, value(row.before_json), value(row.after_json)),
      })
      lastHash = row.hash
      lastId = row.id
      tick()
    }
  }
}

interface Source {
  readonly table: DeltaTable
  readonly select: string
  readonly texts: (r: ReadableDb, row: Record<string, unknown>) => string[]
  readonly update: string
  readonly values: (texts: readonly string[]) => Record<string, string>
}

const unpacked = (r: ReadableDb, row: Record<string, unknown>, col: string): string =>
  row['packed'] === 1 ? unpackJson(r, row[col] as string, true) : (row[col] as string)

const SOURCES: readonly Source[] = [
  {
    table: 'recommendation',
    select: 'SELECT id, patient_id, inputs_json, output_json, packed FROM recommendation',
    texts: (r, row) => [unpacked(r, row, 'inputs_json'), unpacked(r, row, 'output_json')],
    update: `UPDATE recommendation SET inputs_json = '{}', output_json = @inline, body = @body, body_base = @base
             WHERE id = @id`,
    values: (texts) => ({ inline: inlineOf(texts[1]!) }),
  },
  {
    table: 'undo_entry',
    select: 'SELECT id, patient_id, snapshot_json, packed FROM undo_entry',
    texts: (r, row) => [unpacked(r, row, 'snapshot_json')],
    update: `UPDATE undo_entry SET snapshot_json = '{}', body = @body, body_base = @base WHERE id = @id`,
    values: () => ({}),
  },
]

/** Converts every recommendation and undo entry (`tick` after each: progress every 2 % of all rows). */
function convertExisting(db: Database.Database, tick: () => void): void {
  const r = db as unknown as ReadableDb
  for (const s of SOURCES) {
    const read = db.prepare(`${s.select} WHERE id > ? ORDER BY id LIMIT 500`)
    const previous = db.prepare(`SELECT max(id) FROM ${s.table} WHERE patient_id = ? AND id < ?`).pluck()
    const update = db.prepare(s.update)
    for (let after = 0; ;) {
      const rows = read.all(after) as Record<string, unknown>[]
      if (rows.length === 0) break
      for (const row of rows) {
        const id = row['id'] as number
        after = id
        const texts = s.texts(r, row)
        const prev = previous.get(row['patient_id'], id) as number | null
        const { body, base } = newBody(r, s.table, prev, texts)
        const back = decodeTexts(body, base === null ? null : readTexts(r, s.table, base))
        if (back.length !== texts.length || back.some((t, i) => t !== texts[i]))
          throw new Error(`${s.table} ${id} does not read back as it was stored; the log was not changed`)
        update.run({ id, body, base, ...s.values(texts) })
        tick()
      }
    }
  }
}
