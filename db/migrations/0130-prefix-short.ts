import type Database from 'better-sqlite3-multiple-ciphers'
import type { WorklistSort } from '../types'
import {
  NO_KEY,
  PATIENT_FROM,
  PATIENT_SOURCE,
  PREFIX_COLUMNS,
  PREFIX_SORT,
  prefixRowsSql,
  type PrefixSource,
} from '../queries/search'
import type { Migration } from './types'

// A smaller type-ahead table (issue 10, db/queries/search.ts, db/queries/worklist.ts).
//
// `patient_prefix` (migration 115) held a row for every beginning of 1 to 6 letters of each word
// of a patient's name and MRN (about 23 rows for a name of three words and an MRN), each row with
// copies of the five sort keys in the table and again in each sort's index: 4 KB a patient, a
// tenth of a log with 10 studies a patient. Two changes, measured on the 100k-patient worklist
// log (`npm run bench:worklist`, "bytes a patient"): 3.97 KB, then 2.16 (1 to 3 letters), then 1.56
// (no base table), 1.6 KB at 1M; with 6 characters for words with a digit, see below.
//
// - Only the beginnings of 1 to 3 letters are kept, and of up to 6 characters for a word with a
//   digit (an MRN or a number), and no `words`: about 16 rows a patient instead of 23. A short
//   prefix (1 to 3 letters) matches a large share of a large log, which only an ordered seek in
//   the sort's order can page through quickly, so those keep their exact rows. So do an MRN's
//   first 6 characters: MRNs share their first characters ("MRN00…", "W000…"), so "mrn001" is
//   one patient in a hundred of the rows of "mrn" — too many to sort from the full-text index
//   (21 ms at 1M with 3 characters only) and too few to walk. A longer word is read by the rows of
//   its longest beginning held in the sort's order, each checked against the patient's words
//   (`pnet_has_word`), when the sample the worklist takes of those rows finds it dense among them
//   (one match in 20 or more: a page then walks at most about 20 pages of rows); else by the
//   full-text index, its matches sorted (few among many rows). A name's words branch quickly
//   after 3 letters ("lovelace" is most of "lov"), so they need no more.
// - No table beside the indexes: one `WITHOUT ROWID` table whose primary key is the index, a row
//   per sort (`k`: due, name, MRN, result, dose — every sort the contract's `WORKLIST_SORTS`
//   offers with a search, each needing its ordered seek), prefix, that sort's key and patient id.
//   A patient without a key for a sort (no open step, result or dose) holds an empty blob, which
//   sorts after every number and text (the worklist's "no key" range, in patient id order). The
//   key column compares without letter case (the name and MRN sorts; dates, result codes and
//   doses have no letters that differ by case). A row is found, and removed, by its values: the
//   triggers compute the rows a patient had from the values before the change (an open step's
//   trigger, the patient's open step before it), the delete trigger runs before the delete, so
//   the open step is still there.
//
// The table is built again in place, a sort at a time in the table's order (its pages filled
// densely), with progress, and its row count is checked against the rows `pnet_prefixes` makes
// for every patient. The triggers now ask `pnet_prefix_live(patient id, its values before)` first,
// so the CSV import can set them aside for its transaction and fill its patients' rows once at the
// end (`withPrefixesDeferred`, db/queries/search.ts). The full check (db/integrity.ts) looks up
// every row a rebuild from the patients makes, and counts the table against them.

const EFF_FROM = (r: string): string => `coalesce(${r}.override_due_from, ${r}.due_from)`

/** The effective start of the open step of patient `id`, leaving out the step `except` (NULL: none). */
const openFrom = (id: string, except?: string): string =>
  `(SELECT ${EFF_FROM('f')} FROM followup_item f WHERE f.patient_id = ${id} AND f.status = 'scheduled'${except ? ` AND f.id <> ${except}` : ''})`

/** A patient row of a trigger (`new` or `old`) as the source of its rows, its open step as it stands. */
const rowSource = (r: 'new' | 'old'): PrefixSource => ({
  id: `${r}.id`,
  name: `${r}.name`,
  mrn: `${r}.mrn`,
  due: openFrom(`${r}.id`),
  result: `${r}.last_result`,
  dose: `${r}.cumulative_msv`,
})

/** The trigger's question (`pnet_prefix_live`), with the values the patient's rows were made from. */
const live = (v: PrefixSource): string =>
  `pnet_prefix_live(${v.id}, ${v.name}, ${v.mrn}, ${v.due}, ${v.result}, ${v.dose})`

const insertRows = (v: PrefixSource, only?: WorklistSort, when = ''): string =>
  `INSERT INTO patient_prefix (${PREFIX_COLUMNS}) ${prefixRowsSql(v, '', only)}${when ? ` WHERE ${when}` : ''};`

const deleteRows = (v: PrefixSource, only?: WorklistSort, when = ''): string =>
  `DELETE FROM patient_prefix WHERE (${PREFIX_COLUMNS}) IN (${prefixRowsSql(v, '', only)}${when ? ` WHERE ${when}` : ''});`

/** Patient `id` (of a step's trigger) as it stands, with `due` for its open step. */
const patientSource = (id: string, due: string): PrefixSource => ({
  id,
  name: `(SELECT name FROM patient WHERE id = ${id})`,
  mrn: `(SELECT mrn FROM patient WHERE id = ${id})`,
  due,
  result: `(SELECT last_result FROM patient WHERE id = ${id})`,
  dose: `(SELECT cumulative_msv FROM patient WHERE id = ${id})`,
})

/**
 * Moves the due rows of patient `id` from its open step's start before the change (`before`) to
 * the one after (none: NO_KEY), when they differ (and `when`).
 */
const moveDue = (id: string, before: string, when = '1'): string => {
  const after = openFrom(id)
  const from = `patient p`
  const rows = (due: string) =>
    `SELECT ${PREFIX_SORT.due}, j.value ->> 0, coalesce(${due}, ${NO_KEY}), p.id
     FROM ${from} CROSS JOIN json_each(pnet_prefixes(p.name, p.mrn)) j
     WHERE p.id = ${id} AND (${before}) IS NOT (${after}) AND ${when}`
  return `DELETE FROM patient_prefix WHERE (${PREFIX_COLUMNS}) IN (${rows(before)});
    INSERT INTO patient_prefix (${PREFIX_COLUMNS}) ${rows(after)};`
}

/**
 * Fills the empty `patient_prefix` for every patient, a sort at a time in the table's order (so
 * its pages are filled densely; progress after each) — before its triggers exist, as this
 * migration does for an existing log (and the benchmarks for the logs they insert directly) — and
 * checks the number of rows made.
 */
export function fillPrefixTable(
  db: Pick<Database.Database, 'prepare'>,
  progress?: (done: number, total: number) => void,
): void {
  const total = db.prepare('SELECT count(*) FROM patient').pluck().get() as number
  const sorts = Object.keys(PREFIX_SORT) as WorklistSort[]
  sorts.forEach((sort, i) => {
    db.prepare(
      `INSERT INTO patient_prefix (${PREFIX_COLUMNS})
         ${prefixRowsSql(PATIENT_SOURCE, PATIENT_FROM, sort)} ORDER BY 2, 3 COLLATE NOCASE, 4`,
    ).run()
    progress?.(Math.round((total * (i + 1)) / sorts.length), total)
  })
  const made = db.prepare('SELECT count(*) FROM patient_prefix').pluck().get() as number
  const expected = db
    .prepare('SELECT coalesce(sum(json_array_length(pnet_prefixes(name, mrn))), 0) FROM patient')
    .pluck()
    .get() as number
  if (made !== expected * sorts.length)
    throw new Error(
      `type-ahead index: ${made} of ${expected * sorts.length} rows made; the log was not changed`,
    )
}

/** The table `patient_prefix` (empty). */
export const PREFIX_TABLE = `
  CREATE TABLE patient_prefix (
    k INTEGER NOT NULL,
    prefix TEXT NOT NULL,
    key ANY NOT NULL COLLATE NOCASE,
    patient_id INTEGER NOT NULL,
    PRIMARY KEY (k, prefix, key, patient_id)
  ) STRICT, WITHOUT ROWID;
`

const NEW = rowSource('new')
const OLD = rowSource('old')

/** The triggers that keep `patient_prefix` (after its rows are filled). */
export const PREFIX_TRIGGERS = `
  CREATE TRIGGER patient_prefix_insert AFTER INSERT ON patient
    WHEN pnet_prefix_live(new.id)
  BEGIN ${insertRows(NEW)} END;

  -- Before: the patient's open step is still there to say which due rows it has.
  CREATE TRIGGER patient_prefix_delete BEFORE DELETE ON patient
    WHEN ${live(OLD)}
  BEGIN ${deleteRows(OLD)} END;

  CREATE TRIGGER patient_prefix_rename AFTER UPDATE OF name, mrn ON patient
    WHEN (old.name IS NOT new.name OR old.mrn IS NOT new.mrn) AND ${live(OLD)}
  BEGIN ${deleteRows(OLD)} ${insertRows(NEW)} END;

  CREATE TRIGGER patient_prefix_keys AFTER UPDATE OF last_result, cumulative_msv ON patient
    WHEN old.name IS new.name AND old.mrn IS new.mrn
      AND (old.last_result IS NOT new.last_result OR old.cumulative_msv IS NOT new.cumulative_msv)
      AND ${live(OLD)}
  BEGIN
    ${deleteRows(OLD, 'result', 'old.last_result IS NOT new.last_result')}
    ${insertRows(NEW, 'result', 'old.last_result IS NOT new.last_result')}
    ${deleteRows(OLD, 'dose', 'old.cumulative_msv IS NOT new.cumulative_msv')}
    ${insertRows(NEW, 'dose', 'old.cumulative_msv IS NOT new.cumulative_msv')}
  END;

  CREATE TRIGGER patient_prefix_due_insert AFTER INSERT ON followup_item
    WHEN new.status = 'scheduled'
      AND ${live(patientSource('new.patient_id', openFrom('new.patient_id', 'new.id')))}
  BEGIN ${moveDue('new.patient_id', openFrom('new.patient_id', 'new.id'))} END;

  CREATE TRIGGER patient_prefix_due_delete AFTER DELETE ON followup_item
    WHEN old.status = 'scheduled' AND ${live(patientSource('old.patient_id', EFF_FROM('old')))}
  BEGIN ${moveDue('old.patient_id', EFF_FROM('old'))} END;

  CREATE TRIGGER patient_prefix_due_update AFTER UPDATE OF status, patient_id, due_from, override_due_from
    ON followup_item
    WHEN (old.status = 'scheduled' OR new.status = 'scheduled')
      AND ${live(patientSource('old.patient_id', dueBefore('old.patient_id')))}
        + ${live(patientSource('new.patient_id', dueBefore('new.patient_id')))} > 0
  BEGIN
    ${moveDue('old.patient_id', dueBefore('old.patient_id'))}
    ${moveDue('new.patient_id', dueBefore('new.patient_id'), 'old.patient_id IS NOT new.patient_id')}
  END;
`

/** In a step's update trigger: the start of patient `id`'s open step before the change. */
function dueBefore(id: string): string {
  return `CASE WHEN old.patient_id = ${id} AND old.status = 'scheduled' THEN ${EFF_FROM('old')}
    ELSE ${openFrom(id, 'new.id')} END`
}

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
      ${PREFIX_TABLE}
    `)
    fillPrefixTable(db, progress)
    db.exec(PREFIX_TRIGGERS)
  },
}
