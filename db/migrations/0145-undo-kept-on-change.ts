import type { Migration } from './types'

// A kept undo entry rides on the audit row of the change it precedes (issue 10, storage; db/audit.ts
// "An undo entry kept with the change it precedes").
//
// Before each change the patient's state is kept as an undo entry, and until now the entry had an
// audit row of its own (`undo.keep`: 13 of the 56 rows of a patient with 10 studies, about 270
// bytes each with its index entries). From this schema on, the entry's id and digest are two
// columns of the change's first audit row about the patient, covered by that row's hash:
//
// - `kept_undo`: the undo entry's id (NULL on every other row);
// - `kept_digest`: the entry's digest as it was stored (32 bytes), what `undo.keep`'s
//   `storedDigest` was;
// - `audit_kept_undo`: the row that carried an entry, by the entry's id (the write-time guard before
//   an undo, and the full check, read the entry's last audit row through it); partial, so the rows
//   that carry none cost nothing in it.
//
// Nothing is converted: rows already written keep their form and their hashes (a row without a kept
// entry hashes as before), and the `undo.keep` rows of an old log stay valid — an entry's last
// audit row is the newer of its own rows and the row that carried it. Adding the columns rewrites no
// row (SQLite reads a column missing from an old row as NULL), but SQLite reads the whole audit log
// once to check the new columns' constraints and once more to build the partial index: a few
// seconds on a log of millions of rows, no conversion.

export const migration0145: Migration = {
  version: 145,
  name: 'undo-kept-on-change',
  up(db) {
    db.exec(`
      ALTER TABLE audit_log ADD COLUMN kept_undo INTEGER;
      ALTER TABLE audit_log ADD COLUMN kept_digest BLOB CHECK (kept_digest IS NULL OR length(kept_digest) = 32);
      CREATE INDEX audit_kept_undo ON audit_log (kept_undo) WHERE kept_undo IS NOT NULL;
    `)
  },
}
