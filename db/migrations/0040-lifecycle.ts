import type { Migration } from './types'

// The follow-up lifecycle (issue 8, docs/followup-lifecycle.md):
// - `surveillance_exit`: a patient who left surveillance, with the reason code, words, attempts,
//   the date, who recorded it and when; reopening is kept on the same row (who, when, why). At most
//   one exit is current per patient.
// - "entered in error" on a study, a treatment and a patient: who, when and why. The row stays in
//   the log and the audit trail; views and the engine do not see it; it can be restored.
// - on `followup_item`: the study a result step waits for, the deferral reason code of a deferred
//   step's successor, and the decision recorded on a board or a review (JSON).
// - `undo_entry`: per change of a patient, the patient's follow-up state before it, so the last
//   change by an actor can be reversed.
// - `patient_search`: a full-text index of the name and the MRN (words matched by prefix, in any
//   order), kept by triggers.
// The code lists are written out: a shipped migration never changes.
const DATE = (col: string): string =>
  `CHECK (${col} IS NULL OR (${col} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(${col}) = ${col}))`

export const EXIT_REASONS_V40 = [
  'surveillance-completed',
  'discharged-elsewhere',
  'deceased',
  'declined-imaging',
  'lost-to-follow-up',
  'other',
] as const
export const DEFERRAL_REASONS_V40 = ['patient-request', 'clinical-change', 'scheduling', 'other'] as const

const list = (xs: readonly string[]): string => xs.map((x) => `'${x}'`).join(', ')

const ERROR_COLUMNS = (table: string): string => `
  ALTER TABLE ${table} ADD COLUMN entered_in_error_at TEXT;
  ALTER TABLE ${table} ADD COLUMN entered_in_error_by TEXT;
  ALTER TABLE ${table} ADD COLUMN entered_in_error_reason TEXT
    CHECK (entered_in_error_reason IS NULL OR length(trim(entered_in_error_reason)) > 0);`

export const migration0040: Migration = {
  version: 40,
  name: 'lifecycle',
  up(db) {
    db.exec(`
      CREATE TABLE surveillance_exit (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        reason_code TEXT NOT NULL CHECK (reason_code IN (${list(EXIT_REASONS_V40)})),
        reason_text TEXT,
        attempts INTEGER CHECK (attempts IS NULL OR attempts >= 1),
        left_on TEXT NOT NULL ${DATE('left_on')},
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        reopened_at TEXT,
        reopened_by TEXT,
        reopen_reason TEXT,
        CHECK (reason_code <> 'other' OR length(trim(coalesce(reason_text, ''))) > 0),
        CHECK (reason_code <> 'lost-to-follow-up' OR attempts IS NOT NULL),
        CHECK ((reopened_at IS NULL) = (reopened_by IS NULL))
      ) STRICT;
      CREATE UNIQUE INDEX surveillance_exit_current ON surveillance_exit(patient_id) WHERE reopened_at IS NULL;
      CREATE INDEX surveillance_exit_left_on ON surveillance_exit(left_on, patient_id) WHERE reopened_at IS NULL;

      ${ERROR_COLUMNS('study')}
      ${ERROR_COLUMNS('treatment')}
      ${ERROR_COLUMNS('patient')}
      CREATE INDEX patient_in_error ON patient(id) WHERE entered_in_error_at IS NOT NULL;

      ALTER TABLE followup_item ADD COLUMN subject_study_id INTEGER REFERENCES study(id) ON DELETE SET NULL;
      ALTER TABLE followup_item ADD COLUMN deferral_reason_code TEXT
        CHECK (deferral_reason_code IS NULL OR deferral_reason_code IN (${list(DEFERRAL_REASONS_V40)}));
      ALTER TABLE followup_item ADD COLUMN decision_json TEXT
        CHECK (decision_json IS NULL OR json_valid(decision_json));
      CREATE INDEX followup_subject_study ON followup_item(subject_study_id);
      -- The worklist's "needs attention" (db/queries/worklist.ts): open steps by kind, and open steps
      -- with a radiologist's override.
      CREATE INDEX followup_open_kind ON followup_item(kind, patient_id) WHERE status = 'scheduled';
      CREATE INDEX followup_open_override ON followup_item(patient_id)
        WHERE status = 'scheduled' AND override_reason_code IS NOT NULL;

      CREATE TABLE undo_entry (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        command TEXT NOT NULL,
        snapshot_json TEXT NOT NULL CHECK (json_valid(snapshot_json)),
        undone_at TEXT
      ) STRICT;
      CREATE INDEX undo_patient ON undo_entry(patient_id, id);

      CREATE VIRTUAL TABLE patient_search USING fts5(
        name, mrn, content = 'patient', content_rowid = 'id', tokenize = 'unicode61', prefix = '1 2 3'
      );
      CREATE TRIGGER patient_search_insert AFTER INSERT ON patient BEGIN
        INSERT INTO patient_search (rowid, name, mrn) VALUES (new.id, new.name, new.mrn);
      END;
      CREATE TRIGGER patient_search_delete AFTER DELETE ON patient BEGIN
        INSERT INTO patient_search (patient_search, rowid, name, mrn) VALUES ('delete', old.id, old.name, old.mrn);
      END;
      CREATE TRIGGER patient_search_update AFTER UPDATE OF name, mrn ON patient BEGIN
        INSERT INTO patient_search (patient_search, rowid, name, mrn) VALUES ('delete', old.id, old.name, old.mrn);
        INSERT INTO patient_search (rowid, name, mrn) VALUES (new.id, new.name, new.mrn);
      END;
      INSERT INTO patient_search (patient_search) VALUES ('rebuild');
    `)
  },
}
