import type Database from 'better-sqlite3-multiple-ciphers'
import type { Migration } from './types'

// Type-ahead at a million patients (issue 10, db/queries/worklist.ts, db/queries/search.ts).
//
// `patient_prefix`: one row per patient and distinct beginning of 1 to 6 letters of a word of its
// name or MRN (as the full-text index's tokenizer reads the words: `pnet_prefixes`, registered on
// every connection), with the patient's sort keys — name, MRN, the effective start of its open
// step, last result, cumulative dose — and, for a beginning of 6 letters, the words that begin
// with it. One index per sort, each (prefix, key, patient id), so the first page of a short
// prefix is an ordered seek whatever the sort, and a longer word is the seek of its longest
// beginning held, checked against `words`; the rows without a key (no result, dose or open step) are the key's NULL range
// of its index, in patient id order. The primary key (patient id, prefix) finds a patient's rows.
// Kept by triggers in the same statement as every change of a patient's name, MRN, result or dose
// and of its open step; patients entered in error keep their rows (the worklist's join hides them).
const EFF_FROM = (r: string): string => `coalesce(${r}.override_due_from, ${r}.due_from)`

const openFrom = (id: string): string =>
  `(SELECT ${EFF_FROM('f')} FROM followup_item f WHERE f.patient_id = ${id} AND f.status = 'scheduled')`

const insertRows = (r: string): string =>
  `INSERT INTO patient_prefix (prefix, patient_id, words, name, mrn, eff_from, last_result, cumulative_msv)
     SELECT j.value ->> 0, ${r}.id, j.value ->> 1, ${r}.name, ${r}.mrn, ${openFrom(`${r}.id`)},
       ${r}.last_result, ${r}.cumulative_msv
     FROM json_each(pnet_prefixes(${r}.name, ${r}.mrn)) j;`

/** Sets the due key of the patient `id` from its open step (none: NULL). */
const setDue = (id: string): string =>
  `UPDATE patient_prefix SET eff_from = ${openFrom(id)}
     WHERE patient_id = ${id};`

/**
 * Fills the empty `patient_prefix` for every patient there, in patient order — before its indexes
 * and triggers exist, as this migration does for an existing log (and the benchmarks for the logs
 * they insert directly).
 */
export function fillPrefixTable(db: Pick<Database.Database, 'exec'>): void {
  db.exec(`
    INSERT INTO patient_prefix (prefix, patient_id, words, name, mrn, eff_from, last_result, cumulative_msv)
      SELECT j.value ->> 0, p.id, j.value ->> 1, p.name, p.mrn, f.eff_from, p.last_result, p.cumulative_msv
      FROM patient p
      CROSS JOIN json_each(pnet_prefixes(p.name, p.mrn)) j
      LEFT JOIN (SELECT patient_id, ${EFF_FROM('x')} AS eff_from FROM followup_item x
                 WHERE x.status = 'scheduled') f ON f.patient_id = p.id
      ORDER BY 2, 1;
  `)
}

export const migration0115: Migration = {
  version: 115,
  name: 'prefix-search',
  up(db) {
    db.exec(`
      CREATE TABLE patient_prefix (
        prefix TEXT NOT NULL,
        patient_id INTEGER NOT NULL,
        words TEXT,
        name TEXT NOT NULL,
        mrn TEXT NOT NULL,
        eff_from TEXT,
        last_result TEXT,
        cumulative_msv REAL,
        PRIMARY KEY (patient_id, prefix)
      ) STRICT, WITHOUT ROWID;
    `)
    fillPrefixTable(db)
    db.exec(`
      CREATE INDEX patient_prefix_name ON patient_prefix(prefix, name COLLATE NOCASE, patient_id);
      CREATE INDEX patient_prefix_mrn ON patient_prefix(prefix, mrn COLLATE NOCASE, patient_id);
      CREATE INDEX patient_prefix_due ON patient_prefix(prefix, eff_from, patient_id);
      CREATE INDEX patient_prefix_result ON patient_prefix(prefix, last_result, patient_id);
      CREATE INDEX patient_prefix_dose ON patient_prefix(prefix, cumulative_msv, patient_id);

      CREATE TRIGGER patient_prefix_insert AFTER INSERT ON patient
      BEGIN ${insertRows('new')} END;

      CREATE TRIGGER patient_prefix_delete AFTER DELETE ON patient
      BEGIN DELETE FROM patient_prefix WHERE patient_id = old.id; END;

      CREATE TRIGGER patient_prefix_rename AFTER UPDATE OF name, mrn ON patient
        WHEN old.name IS NOT new.name OR old.mrn IS NOT new.mrn
      BEGIN
        DELETE FROM patient_prefix WHERE patient_id = old.id;
        ${insertRows('new')}
      END;

      CREATE TRIGGER patient_prefix_keys AFTER UPDATE OF last_result, cumulative_msv ON patient
        WHEN old.last_result IS NOT new.last_result OR old.cumulative_msv IS NOT new.cumulative_msv
      BEGIN
        UPDATE patient_prefix SET last_result = new.last_result, cumulative_msv = new.cumulative_msv
          WHERE patient_id = new.id;
      END;

      CREATE TRIGGER patient_prefix_due_insert AFTER INSERT ON followup_item
        WHEN new.status = 'scheduled'
      BEGIN ${setDue('new.patient_id')} END;

      CREATE TRIGGER patient_prefix_due_delete AFTER DELETE ON followup_item
        WHEN old.status = 'scheduled'
      BEGIN ${setDue('old.patient_id')} END;

      CREATE TRIGGER patient_prefix_due_update AFTER UPDATE OF status, patient_id, due_from, override_due_from
        ON followup_item
        WHEN old.status = 'scheduled' OR new.status = 'scheduled'
      BEGIN ${setDue('old.patient_id')} ${setDue('new.patient_id')} END;
    `)
  },
}
