import type Database from 'better-sqlite3-multiple-ciphers'
import { inlineOf } from '../audit'
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
    convertExisting(db, progress)
    db.exec(`
      DROP TRIGGER json_part_no_update;
      DROP TRIGGER json_part_no_delete;
      DROP TABLE json_part;
      ALTER TABLE recommendation DROP COLUMN packed;
      ALTER TABLE undo_entry DROP COLUMN packed;
    `)
  },
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

/** Converts every recommendation and undo entry; reports progress every 2 % of the rows. */
function convertExisting(db: Database.Database, progress?: (done: number, total: number) => void): void {
  const r = db as unknown as ReadableDb
  const total = SOURCES.reduce(
    (n, s) => n + (db.prepare(`SELECT count(*) FROM ${s.table}`).pluck().get() as number),
    0,
  )
  const step = Math.max(1, Math.floor(total / 50))
  let done = 0
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
        done++
        if (progress && (done % step === 0 || done === total)) progress(done, total)
      }
    }
  }
}
