import type { Migration } from './types'

// The worklist's other counts at a million patients (issue 10, db/queries/worklist.ts).
//
// `worklist_count`: per variant of the patient ('' for none), how many patients there are, how
// many open steps need attention, and how many patients have left surveillance — each among the
// patients not entered in error, kept by triggers in the same statement as every change they
// depend on, as `worklist_tally` (migration 95) keeps the tabs' counts. The summary reads these
// rows instead of counting the attention list (a union over three indexes), the patients who left
// and the patients entered in error on every call.
//
// An open step needs attention (the worklist's attention list, `NEEDS_ATTENTION`) when its kind
// asks for a person, its override conflicts with the suggestion, or its patient has symptoms
// recorded. A patient has at most one open step (`followup_one_open`), so counting steps counts
// patients. Each trigger adds what a row counts for after the change and takes off what it counted
// for before; a step's count reads its patient's symptoms, and a symptom's the patient's open
// step, so each change is a few index lookups.

/** The kinds and overrides of attention, for the step `r` (NULL counts as no). */
const byStep = (r: string): string =>
  `(${r}.kind IN ('enter-result', 'tumor-board', 'clinician-review')
     OR (${r}.override_reason_code IS NOT NULL
       AND ((${r}.override_procedure IS NOT NULL AND ${r}.override_procedure IS NOT ${r}.procedure)
         OR (${r}.override_due_from IS NOT NULL AND ${r}.deferral_reason_code IS NULL
           AND (${r}.override_due_to < ${r}.due_from OR ${r}.override_due_from > ${r}.due_to)))))`

const hasSymptoms = (id: string): string =>
  `EXISTS (SELECT 1 FROM patient_symptom s WHERE s.patient_id = ${id})`
const counted = (id: string): string =>
  `EXISTS (SELECT 1 FROM patient p WHERE p.id = ${id} AND p.entered_in_error_at IS NULL)`
const variantOf = (id: string): string => `(SELECT p.variant FROM patient p WHERE p.id = ${id})`

/** 1 when the step `r` is on the attention list, else 0. */
const stepNeeds = (r: string): string =>
  `(CASE WHEN ${r}.status = 'scheduled' AND ${counted(`${r}.patient_id`)}
     AND (coalesce(${byStep(r)}, 0) OR ${hasSymptoms(`${r}.patient_id`)}) THEN 1 ELSE 0 END)`

/** The patient `id`'s open steps that need attention by their kind or override alone (patient not checked). */
const openNeedingByStep = (id: string, needs: boolean): string =>
  `(SELECT count(*) FROM followup_item f WHERE f.patient_id = ${id} AND f.status = 'scheduled'
     AND coalesce(${byStep('f')}, 0) ${needs ? '<>' : '='} 0)`

/** The patient `id`'s open steps on the attention list, the patient's error mark not checked. */
const openNeeding = (id: string): string =>
  `(SELECT count(*) FROM followup_item f WHERE f.patient_id = ${id} AND f.status = 'scheduled'
     AND (coalesce(${byStep('f')}, 0) OR ${hasSymptoms(id)}))`

/** The patient `id`'s exits not reopened. */
const exitsOf = (id: string): string =>
  `(SELECT count(*) FROM surveillance_exit e WHERE e.patient_id = ${id} AND e.reopened_at IS NULL)`

/** Adds `delta` (an SQL expression) to `column` of the row of `variant` (an SQL expression). */
const bump = (
  column: 'patients' | 'attention' | 'left_surveillance',
  variant: string,
  delta: string,
): string =>
  `INSERT INTO worklist_count (variant, ${column})
     SELECT v, d FROM (SELECT coalesce(${variant}, '') AS v, ${delta} AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET ${column} = ${column} + excluded.${column};`

/** Everything the patient row `r` counts for (`sign` -1 to take it off). */
const patientRow = (r: string, sign: '' | '-'): string =>
  [
    bump('patients', `${r}.variant`, `${sign}1`),
    bump('attention', `${r}.variant`, `${sign}${openNeeding(`${r}.id`)}`),
    bump('left_surveillance', `${r}.variant`, `${sign}${exitsOf(`${r}.id`)}`),
  ].join('\n')

/** What the exit row `r` counts for: 1 when not reopened and its patient is counted. */
const exitLeft = (r: string): string =>
  `(CASE WHEN ${r}.reopened_at IS NULL AND ${counted(`${r}.patient_id`)} THEN 1 ELSE 0 END)`

/** The counts of the log as it is, per variant: the rows the triggers keep from then on. */
const WORKLIST_COUNT_NOW = `
  SELECT coalesce(p.variant, '') AS variant, count(*) AS patients,
    coalesce(sum(${openNeeding('p.id')}), 0) AS attention,
    coalesce(sum(${exitsOf('p.id')}), 0) AS left_surveillance
  FROM patient p WHERE p.entered_in_error_at IS NULL GROUP BY 1`

export const migration0125: Migration = {
  version: 125,
  name: 'worklist-counts',
  up(db) {
    db.exec(`
      CREATE TABLE worklist_count (
        variant TEXT NOT NULL PRIMARY KEY,
        patients INTEGER NOT NULL DEFAULT 0,
        attention INTEGER NOT NULL DEFAULT 0,
        left_surveillance INTEGER NOT NULL DEFAULT 0
      ) STRICT, WITHOUT ROWID;

      CREATE TRIGGER worklist_count_item_insert AFTER INSERT ON followup_item
        WHEN new.status = 'scheduled'
      BEGIN ${bump('attention', variantOf('new.patient_id'), stepNeeds('new'))} END;

      CREATE TRIGGER worklist_count_item_delete AFTER DELETE ON followup_item
        WHEN old.status = 'scheduled'
      BEGIN ${bump('attention', variantOf('old.patient_id'), `-${stepNeeds('old')}`)} END;

      CREATE TRIGGER worklist_count_item_update AFTER UPDATE OF status, patient_id, kind, procedure,
          override_procedure, override_reason_code, override_due_from, override_due_to, due_from, due_to,
          deferral_reason_code ON followup_item
        WHEN old.status = 'scheduled' OR new.status = 'scheduled'
      BEGIN
        ${bump('attention', variantOf('old.patient_id'), `-${stepNeeds('old')}`)}
        ${bump('attention', variantOf('new.patient_id'), stepNeeds('new'))}
      END;

      -- A patient's first symptom puts its open step on the list (unless its kind or override has
      -- already), the last one taken off takes it off again.
      CREATE TRIGGER worklist_count_symptom_insert AFTER INSERT ON patient_symptom
        WHEN ${counted('new.patient_id')}
          AND (SELECT count(*) FROM patient_symptom s WHERE s.patient_id = new.patient_id) = 1
      BEGIN ${bump('attention', variantOf('new.patient_id'), openNeedingByStep('new.patient_id', false))} END;

      CREATE TRIGGER worklist_count_symptom_delete AFTER DELETE ON patient_symptom
        WHEN ${counted('old.patient_id')} AND NOT ${hasSymptoms('old.patient_id')}
      BEGIN ${bump('attention', variantOf('old.patient_id'), `-${openNeedingByStep('old.patient_id', false)}`)} END;

      CREATE TRIGGER worklist_count_symptom_update_old AFTER UPDATE OF patient_id ON patient_symptom
        WHEN old.patient_id IS NOT new.patient_id AND ${counted('old.patient_id')} AND NOT ${hasSymptoms('old.patient_id')}
      BEGIN ${bump('attention', variantOf('old.patient_id'), `-${openNeedingByStep('old.patient_id', false)}`)} END;

      CREATE TRIGGER worklist_count_symptom_update_new AFTER UPDATE OF patient_id ON patient_symptom
        WHEN old.patient_id IS NOT new.patient_id AND ${counted('new.patient_id')}
          AND (SELECT count(*) FROM patient_symptom s WHERE s.patient_id = new.patient_id) = 1
      BEGIN ${bump('attention', variantOf('new.patient_id'), openNeedingByStep('new.patient_id', false))} END;

      CREATE TRIGGER worklist_count_exit_insert AFTER INSERT ON surveillance_exit
      BEGIN ${bump('left_surveillance', variantOf('new.patient_id'), exitLeft('new'))} END;

      CREATE TRIGGER worklist_count_exit_delete AFTER DELETE ON surveillance_exit
      BEGIN ${bump('left_surveillance', variantOf('old.patient_id'), `-${exitLeft('old')}`)} END;

      CREATE TRIGGER worklist_count_exit_update AFTER UPDATE OF reopened_at, patient_id ON surveillance_exit
      BEGIN
        ${bump('left_surveillance', variantOf('old.patient_id'), `-${exitLeft('old')}`)}
        ${bump('left_surveillance', variantOf('new.patient_id'), exitLeft('new'))}
      END;

      CREATE TRIGGER worklist_count_patient_insert AFTER INSERT ON patient
        WHEN new.entered_in_error_at IS NULL
      BEGIN ${patientRow('new', '')} END;

      -- A patient's variant or error mark moves everything it counts for between rows.
      CREATE TRIGGER worklist_count_patient_update_old AFTER UPDATE OF variant, entered_in_error_at ON patient
        WHEN old.entered_in_error_at IS NULL
          AND (old.variant IS NOT new.variant OR new.entered_in_error_at IS NOT NULL)
      BEGIN ${patientRow('old', '-')} END;

      CREATE TRIGGER worklist_count_patient_update_new AFTER UPDATE OF variant, entered_in_error_at ON patient
        WHEN new.entered_in_error_at IS NULL
          AND (old.variant IS NOT new.variant OR old.entered_in_error_at IS NOT NULL)
      BEGIN ${patientRow('new', '')} END;

      -- A patient deleted takes its rows with it (their own triggers no longer find the patient
      -- once it is gone, so the patient's trigger counts them off first).
      CREATE TRIGGER worklist_count_patient_delete BEFORE DELETE ON patient
        WHEN old.entered_in_error_at IS NULL
      BEGIN ${patientRow('old', '-')} END;

      INSERT INTO worklist_count (variant, patients, attention, left_surveillance) ${WORKLIST_COUNT_NOW};
    `)
  },
}
