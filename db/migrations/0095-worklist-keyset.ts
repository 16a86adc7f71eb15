import type { Migration } from './types'

// The worklist at a million patients (issue 10, db/queries/worklist.ts).
//
// Keyset paging: every sort the worklist offers is read in the order of an index, ties broken by
// the patient id, so a page deep in the list is a seek and costs what the first page costs. Due
// date, name and MRN had theirs (followup_open_due, patient_name, patient_mrn_nocase, whose rowid
// is the patient id); the last result and the cumulative dose get one here.
//
// `worklist_tally`: how many open steps there are per (variant, effective window) among patients
// not entered in error, kept by triggers in the same statement as every change of an open step or
// of a patient's variant or error mark. The tabs' counts and a tab's length (with or without the
// variant filter) are sums over it, whatever today is, instead of a count over the open steps.
// `variant` is '' for a patient with none. Rows that fall to 0 are deleted.
const EFF_FROM = (r: string): string => `coalesce(${r}.override_due_from, ${r}.due_from)`
const EFF_TO = (r: string): string => `coalesce(${r}.override_due_to, ${r}.due_to)`

/** Adds `delta` for the open step `r` (new/old) of the patient `patientId`, of variant `variant`. */
const add = (r: string, variant: string, delta: 1 | -1): string =>
  delta === 1
    ? `INSERT INTO worklist_tally (variant, eff_from, eff_to, n)
         VALUES (coalesce(${variant}, ''), ${EFF_FROM(r)}, ${EFF_TO(r)}, 1)
         ON CONFLICT (variant, eff_from, eff_to) DO UPDATE SET n = n + 1;`
    : `UPDATE worklist_tally SET n = n - 1
         WHERE variant = coalesce(${variant}, '') AND eff_from = ${EFF_FROM(r)} AND eff_to = ${EFF_TO(r)};
       DELETE FROM worklist_tally
         WHERE variant = coalesce(${variant}, '') AND eff_from = ${EFF_FROM(r)} AND eff_to = ${EFF_TO(r)} AND n <= 0;`

/** The patient of step `r`, when not entered in error (the subquery is NULL-free only then). */
const counted = (r: string): string =>
  `EXISTS (SELECT 1 FROM patient p WHERE p.id = ${r}.patient_id AND p.entered_in_error_at IS NULL)`
const variantOf = (r: string): string => `(SELECT p.variant FROM patient p WHERE p.id = ${r}.patient_id)`

export const migration0095: Migration = {
  version: 95,
  name: 'worklist-keyset',
  up(db) {
    db.exec(`
      CREATE INDEX patient_last_result ON patient(last_result, id);
      CREATE INDEX patient_cumulative_msv ON patient(cumulative_msv, id);

      CREATE TABLE worklist_tally (
        variant TEXT NOT NULL,
        eff_from TEXT NOT NULL,
        eff_to TEXT NOT NULL,
        n INTEGER NOT NULL CHECK (n >= 0),
        PRIMARY KEY (variant, eff_from, eff_to)
      ) STRICT, WITHOUT ROWID;

      CREATE TRIGGER worklist_tally_item_insert AFTER INSERT ON followup_item
        WHEN new.status = 'scheduled' AND ${counted('new')}
      BEGIN ${add('new', variantOf('new'), 1)} END;

      CREATE TRIGGER worklist_tally_item_delete AFTER DELETE ON followup_item
        WHEN old.status = 'scheduled' AND ${counted('old')}
      BEGIN ${add('old', variantOf('old'), -1)} END;

      CREATE TRIGGER worklist_tally_item_update_old AFTER UPDATE OF status, patient_id, due_from, due_to,
          override_due_from, override_due_to ON followup_item
        WHEN old.status = 'scheduled' AND ${counted('old')}
      BEGIN ${add('old', variantOf('old'), -1)} END;

      CREATE TRIGGER worklist_tally_item_update_new AFTER UPDATE OF status, patient_id, due_from, due_to,
          override_due_from, override_due_to ON followup_item
        WHEN new.status = 'scheduled' AND ${counted('new')}
      BEGIN ${add('new', variantOf('new'), 1)} END;

      -- A patient's variant or error mark moves its open step between rows of the tally.
      CREATE TRIGGER worklist_tally_patient_update AFTER UPDATE OF variant, entered_in_error_at ON patient
      BEGIN
        UPDATE worklist_tally SET n = n - 1
          WHERE old.entered_in_error_at IS NULL AND variant = coalesce(old.variant, '')
            AND (eff_from, eff_to) IN (SELECT ${EFF_FROM('f')}, ${EFF_TO('f')} FROM followup_item f
                                       WHERE f.patient_id = old.id AND f.status = 'scheduled');
        DELETE FROM worklist_tally WHERE n <= 0 AND variant = coalesce(old.variant, '');
        INSERT INTO worklist_tally (variant, eff_from, eff_to, n)
          SELECT coalesce(new.variant, ''), ${EFF_FROM('f')}, ${EFF_TO('f')}, 1 FROM followup_item f
          WHERE new.entered_in_error_at IS NULL AND f.patient_id = new.id AND f.status = 'scheduled'
          ON CONFLICT (variant, eff_from, eff_to) DO UPDATE SET n = n + 1;
      END;

      -- A patient deleted takes its open step with it (the step's own trigger no longer finds the
      -- patient once the row is gone, so the patient's trigger counts it off first).
      CREATE TRIGGER worklist_tally_patient_delete BEFORE DELETE ON patient
        WHEN old.entered_in_error_at IS NULL
      BEGIN
        UPDATE worklist_tally SET n = n - 1
          WHERE variant = coalesce(old.variant, '')
            AND (eff_from, eff_to) IN (SELECT ${EFF_FROM('f')}, ${EFF_TO('f')} FROM followup_item f
                                       WHERE f.patient_id = old.id AND f.status = 'scheduled');
        DELETE FROM worklist_tally WHERE n <= 0 AND variant = coalesce(old.variant, '');
      END;

      INSERT INTO worklist_tally (variant, eff_from, eff_to, n)
        SELECT coalesce(p.variant, ''), ${EFF_FROM('f')}, ${EFF_TO('f')}, count(*)
        FROM followup_item f JOIN patient p ON p.id = f.patient_id
        WHERE f.status = 'scheduled' AND p.entered_in_error_at IS NULL
        GROUP BY 1, 2, 3;
    `)
  },
}
