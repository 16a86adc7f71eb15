import type Database from 'better-sqlite3-multiple-ciphers'
import { hashBytes, hashText } from '../audit'
import type { Migration } from './types'

// Storage that grows with what changed, third step (issue 10): an audit row's hash is kept as its
// 32 bytes (`hash` BLOB) instead of 64 hexadecimal characters, which every row of the log (about 56
// a patient with 10 studies) paid twice over. Readers get the same hexadecimal text as before
// (`hashText`, db/audit.ts): what is hashed, the chain, the anchor and the backups' checks are
// unchanged.
//
// The rows are copied in place, oldest first, into a new table (SQLite cannot change a column's
// type): each hash that is 64 lowercase hexadecimal characters (every hash the app wrote) as its
// bytes, read back and compared; any other (a damaged log) as the text it holds, so its check still
// names it (`hash` is ANY: bytes, or such a text). Then the old table is dropped and the indexes
// and append-only triggers put back. The freed pages are reused as the log grows.

export const migration0120: Migration = {
  version: 120,
  name: 'audit-hash-bytes',
  up(db, progress) {
    const total = db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number
    db.exec(`
      ALTER TABLE audit_log RENAME TO audit_log_v110;
      DROP INDEX audit_entity;
      DROP INDEX audit_log_patient;
      DROP INDEX audit_log_actor;
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
        hash ANY NOT NULL CHECK (typeof(hash) = 'text' OR length(hash) = 32),
        patient_id INTEGER
      ) STRICT;
    `)
    copyRows(db, total, progress)
    db.exec(`
      DROP TABLE audit_log_v110;
      CREATE INDEX audit_entity ON audit_log(entity, entity_id);
      CREATE INDEX audit_log_patient ON audit_log (patient_id, id);
      CREATE INDEX audit_log_actor ON audit_log (actor, id);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `)
  },
}

interface Row {
  id: number
  at: string
  actor: string
  action: string
  entity: string
  entity_id: number | null
  before_json: string | null
  after_json: string | null
  prev_hash: string | null
  hash: string
  patient_id: number | null
}

/** Copies every row, its hash as bytes where it is one the app wrote (checked), progress every 2 %. */
function copyRows(
  db: Database.Database,
  total: number,
  progress?: (done: number, total: number) => void,
): void {
  const read = db.prepare('SELECT * FROM audit_log_v110 WHERE id > ? ORDER BY id LIMIT 2000')
  const insert = db.prepare(
    `INSERT INTO audit_log (id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash, patient_id)
     VALUES (@id, @at, @actor, @action, @entity, @entity_id, @before_json, @after_json, @prev_hash, @hash, @patient_id)`,
  )
  const step = Math.max(1, Math.floor(total / 50))
  let done = 0
  for (let after = 0; ;) {
    const rows = read.all(after) as Row[]
    if (rows.length === 0) break
    for (const row of rows) {
      after = row.id
      const hash = hashBytes(row.hash)
      if (hashText(hash) !== row.hash)
        throw new Error(
          `audit row ${row.id}: its hash does not read back as it was stored; the log was not changed`,
        )
      insert.run({ ...row, hash })
      done++
      if (progress && (done % step === 0 || done === total)) progress(done, total)
    }
  }
  const copied = db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number
  if (copied !== total)
    throw new Error(`audit log: ${copied} of ${total} rows copied; the log was not changed`)
}
