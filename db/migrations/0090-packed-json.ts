import type Database from 'better-sqlite3-multiple-ciphers'
import { packWith, RECOMMENDATION_INLINE, type PartStore } from '../packed'
import type { ReadableDb } from '../tx'
import type { Migration } from './types'

// Storage that grows with what changed (issue 10, db/packed.ts): a recommendation's case and
// evaluation and an undo entry's kept state are stored as trees of shared parts (`json_part`), so
// what every recommendation repeats (the studies the case held before, the sources it cites, the
// ratings of its variant) is stored once. `packed` = 1 marks a packed row; 0 a plain one (a
// document that cannot be packed exactly stays plain).
//
// Existing rows are packed in place, in this migration's transaction: each one is packed and read
// back, and stays plain unless it reads back as exactly the text it held (packJson checks). The
// texts a digest in the audit log covers are the unpacked ones (db/audit.ts), so the digests kept
// in the audit log still match and the audit log is not touched.
export const migration0090: Migration = {
  version: 90,
  name: 'packed-json',
  up(db, progress) {
    db.exec(`
      CREATE TABLE json_part (
        id INTEGER PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 12),
        json TEXT NOT NULL CHECK (json_valid(json))
      ) STRICT;
      CREATE TRIGGER json_part_no_update BEFORE UPDATE ON json_part
        BEGIN SELECT RAISE(ABORT, 'json_part is append-only'); END;
      CREATE TRIGGER json_part_no_delete BEFORE DELETE ON json_part
        BEGIN SELECT RAISE(ABORT, 'json_part is append-only'); END;
      ALTER TABLE recommendation ADD COLUMN packed INTEGER NOT NULL DEFAULT 0 CHECK (packed IN (0, 1));
      ALTER TABLE undo_entry ADD COLUMN packed INTEGER NOT NULL DEFAULT 0 CHECK (packed IN (0, 1));
    `)
    packExisting(db, progress)
  },
}

/** Packs every plain recommendation and undo entry; reports progress every 2 % of the rows. */
export function packExisting(db: Database.Database, progress?: (done: number, total: number) => void): void {
  const r = db as unknown as ReadableDb
  const find = db.prepare('SELECT json FROM json_part WHERE hash = ?').pluck()
  const add = db.prepare('INSERT INTO json_part (hash, json) VALUES (?, ?)')
  const store: PartStore = (hash, text) => {
    const found = find.get(hash) as string | undefined
    if (found === undefined) add.run(hash, text)
    else if (found !== text) throw new Error('json_part: two texts with one hash')
  }
  const recs = db.prepare('SELECT count(*) FROM recommendation WHERE packed = 0').pluck().get() as number
  const undos = db.prepare('SELECT count(*) FROM undo_entry WHERE packed = 0').pluck().get() as number
  const total = recs + undos
  const step = Math.max(1, Math.floor(total / 50))
  let done = 0
  const tick = (): void => {
    done++
    if (progress && (done % step === 0 || done === total)) progress(done, total)
  }
  const setRec = db.prepare(
    'UPDATE recommendation SET inputs_json = @inputs, output_json = @output, packed = 1 WHERE id = @id',
  )
  const readRecs = db.prepare(
    'SELECT id, inputs_json AS inputs, output_json AS output FROM recommendation WHERE packed = 0 AND id > ? ORDER BY id LIMIT 500',
  )
  for (let after = 0; ;) {
    const rows = readRecs.all(after) as { id: number; inputs: string; output: string }[]
    if (rows.length === 0) break
    for (const row of rows) {
      after = row.id
      const inputs = packWith(r, store, row.inputs, [], true)
      const output = inputs === null ? null : packWith(r, store, row.output, RECOMMENDATION_INLINE, true)
      if (inputs !== null && output !== null) setRec.run({ id: row.id, inputs, output })
      tick()
    }
  }
  const setUndo = db.prepare('UPDATE undo_entry SET snapshot_json = @snapshot, packed = 1 WHERE id = @id')
  const readUndos = db.prepare(
    'SELECT id, snapshot_json AS snapshot FROM undo_entry WHERE packed = 0 AND id > ? ORDER BY id LIMIT 500',
  )
  for (let after = 0; ;) {
    const rows = readUndos.all(after) as { id: number; snapshot: string }[]
    if (rows.length === 0) break
    for (const row of rows) {
      after = row.id
      const snapshot = packWith(r, store, row.snapshot, [], true)
      if (snapshot !== null) setUndo.run({ id: row.id, snapshot })
      tick()
    }
  }
}
