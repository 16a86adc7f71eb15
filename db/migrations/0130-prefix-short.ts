import type Database from 'better-sqlite3-multiple-ciphers'
import { PREFIX_ROW_SQL } from '../queries/search'
import type { Migration } from './types'

// A smaller type-ahead table (issue 10, db/queries/search.ts, db/queries/worklist.ts).
//
// `patient_prefix` (migration 115) held a row for every beginning of 1 to 6 letters of each word
// of a patient's name and MRN: about 23 rows, 4 KB a patient on the write-path logs (a name of
// three words and an MRN). A row costs its copies of the five sort keys, once in the table and
// once in each sort's index, so what can shrink is the number of rows. Now only the beginnings
// of 1 to 3 letters are kept (about 12 rows a patient, half the bytes), and the column `words`
// (the words of a 6-letter beginning) is gone.
//
// Why 3: a short prefix (1 to 3 letters) matches a large share of a large log, which only an
// ordered seek in the sort's index can page through quickly, so those keep their exact rows. A
// longer word is read by the rows of its first 3 letters in the sort's order, each checked
// against the patient's words (`pnet_has_word`), when the sample of those rows the worklist takes
// finds it dense among them (one match in 20 or more: a page walks at most about 20 pages of
// rows); else by the full-text index, its matches sorted (few among many rows). Measured at 1M
// patients (`npm run bench:worklist` with BENCH_1M=1; figures in the commit that added this).
// Every sort the worklist offers with a search (the contract's `WORKLIST_SORTS`: due, name, MRN,
// result, dose) keeps its index; each is needed for its ordered seek.
//
// The table is built again in place, patients in id order, by chunks with progress; its row count
// is checked against the rows `pnet_prefixes` makes for every patient. The triggers now ask
// `pnet_prefix_live(patient id)` first, so the CSV import can set them aside for its transaction
// and fill its patients' rows once at the end (`withPrefixesDeferred`, db/queries/search.ts).

const EFF_FROM = (r: string): string => `coalesce(${r}.override_due_from, ${r}.due_from)`

const openFrom = (id: string): string =>
  `(SELECT ${EFF_FROM('f')} FROM followup_item f WHERE f.patient_id = ${id} AND f.status = 'scheduled')`

const insertRows = (r: string): string =>
  `INSERT INTO patient_prefix (${PREFIX_ROW_SQL.columns})
     SELECT j.value ->> 0, ${r}.id, ${r}.name, ${r}.mrn, ${openFrom(`${r}.id`)}, ${r}.last_result, ${r}.cumulative_msv
     FROM json_each(pnet_prefixes(${r}.name, ${r}.mrn)) j;`

/** Sets the due key of the patient `id` from its open step (none: NULL). */
const setDue = (id: string): string =>
  `UPDATE patient_prefix SET eff_from = ${openFrom(id)} WHERE patient_id = ${id};`

/** Patients a chunk of the fill covers. */
const CHUNK = 5000

/**
 * Fills the empty `patient_prefix` for every patient, in patient order and by chunks (progress
 * after each) — before its indexes and triggers exist, as this migration does for an existing log
 * (and the benchmarks for the logs they insert directly) — and checks the number of rows made.
 */
export function fillPrefixTable(
  db: Pick<Database.Database, 'prepare'>,
  progress?: (done: number, total: number) => void,
): void {
  const total = db.prepare('SELECT count(*) FROM patient').pluck().get() as number
  const bound = db
    .prepare(`SELECT id FROM patient WHERE id > ? ORDER BY id LIMIT 1 OFFSET ${CHUNK - 1}`)
    .pluck()
  const fill = db.prepare(
    `INSERT INTO patient_prefix (${PREFIX_ROW_SQL.columns})
       SELECT ${PREFIX_ROW_SQL.select} FROM ${PREFIX_ROW_SQL.from}
       WHERE p.id > ? AND p.id <= ? ORDER BY 2, 1`,
  )
  let done = 0
  for (let after = Number.MIN_SAFE_INTEGER; done < total;) {
    const last = (bound.get(after) as number | undefined) ?? Number.MAX_SAFE_INTEGER
    fill.run(after, last)
    done = Math.min(total, done + CHUNK)
    progress?.(done, total)
    after = last
    if (last === Number.MAX_SAFE_INTEGER) break
  }
  const made = db.prepare('SELECT count(*) FROM patient_prefix').pluck().get() as number
  const expected = db
    .prepare('SELECT coalesce(sum(json_array_length(pnet_prefixes(name, mrn))), 0) FROM patient')
    .pluck()
    .get() as number
  if (made !== expected)
    throw new Error(`type-ahead index: ${made} of ${expected} rows made; the log was not changed`)
}

/** The indexes and triggers of `patient_prefix` (after its rows are filled). */
export const PREFIX_INDEXES_AND_TRIGGERS = `
  CREATE INDEX patient_prefix_name ON patient_prefix(prefix, name COLLATE NOCASE, patient_id);
  CREATE INDEX patient_prefix_mrn ON patient_prefix(prefix, mrn COLLATE NOCASE, patient_id);
  CREATE INDEX patient_prefix_due ON patient_prefix(prefix, eff_from, patient_id);
  CREATE INDEX patient_prefix_result ON patient_prefix(prefix, last_result, patient_id);
  CREATE INDEX patient_prefix_dose ON patient_prefix(prefix, cumulative_msv, patient_id);

  CREATE TRIGGER patient_prefix_insert AFTER INSERT ON patient
    WHEN pnet_prefix_live(new.id)
  BEGIN ${insertRows('new')} END;

  CREATE TRIGGER patient_prefix_delete AFTER DELETE ON patient
    WHEN pnet_prefix_live(old.id)
  BEGIN DELETE FROM patient_prefix WHERE patient_id = old.id; END;

  CREATE TRIGGER patient_prefix_rename AFTER UPDATE OF name, mrn ON patient
    WHEN (old.name IS NOT new.name OR old.mrn IS NOT new.mrn) AND pnet_prefix_live(new.id)
  BEGIN
    DELETE FROM patient_prefix WHERE patient_id = old.id;
    ${insertRows('new')}
  END;

  CREATE TRIGGER patient_prefix_keys AFTER UPDATE OF last_result, cumulative_msv ON patient
    WHEN (old.last_result IS NOT new.last_result OR old.cumulative_msv IS NOT new.cumulative_msv)
      AND pnet_prefix_live(new.id)
  BEGIN
    UPDATE patient_prefix SET last_result = new.last_result, cumulative_msv = new.cumulative_msv
      WHERE patient_id = new.id;
  END;

  CREATE TRIGGER patient_prefix_due_insert AFTER INSERT ON followup_item
    WHEN new.status = 'scheduled' AND pnet_prefix_live(new.patient_id)
  BEGIN ${setDue('new.patient_id')} END;

  CREATE TRIGGER patient_prefix_due_delete AFTER DELETE ON followup_item
    WHEN old.status = 'scheduled' AND pnet_prefix_live(old.patient_id)
  BEGIN ${setDue('old.patient_id')} END;

  CREATE TRIGGER patient_prefix_due_update AFTER UPDATE OF status, patient_id, due_from, override_due_from
    ON followup_item
    WHEN (old.status = 'scheduled' OR new.status = 'scheduled')
      AND pnet_prefix_live(old.patient_id) + pnet_prefix_live(new.patient_id) > 0
  BEGIN ${setDue('old.patient_id')} ${setDue('new.patient_id')} END;
`

export const migration0130: Migration = {
  version: 130,
  name: 'prefix-short',
  up(db, progress) {
    db.exec(`
      DROP TRIGGER patient_prefix_insert;
      DROP TRIGGER patient_prefix_delete;
      DROP TRIGGER patient_prefix_rename;
      DROP TRIGGER patient_prefix_keys;
      DROP TRIGGER patient_prefix_due_insert;
      DROP TRIGGER patient_prefix_due_delete;
      DROP TRIGGER patient_prefix_due_update;
      DROP TABLE patient_prefix;
      CREATE TABLE patient_prefix (
        prefix TEXT NOT NULL,
        patient_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        mrn TEXT NOT NULL,
        eff_from TEXT,
        last_result TEXT,
        cumulative_msv REAL,
        PRIMARY KEY (patient_id, prefix)
      ) STRICT, WITHOUT ROWID;
    `)
    fillPrefixTable(db, progress)
    db.exec(PREFIX_INDEXES_AND_TRIGGERS)
  },
}
