import type { Migration } from './types'

// Which patients the demo log loaded is a fact the back end keeps, not something guessed from an
// MRN: a real patient whose MRN happens to start with "demo" is never shown or removed as demo.
// `patient.is_demo` held the same fact as a column; its rows move here and the column goes, so
// there is one source of truth (deleting a patient deletes its row here).
export const migration0030: Migration = {
  version: 30,
  name: 'demo-patients',
  up(db) {
    db.exec(`
      CREATE TABLE demo_patients (
        patient_id INTEGER PRIMARY KEY REFERENCES patient(id) ON DELETE CASCADE
      ) STRICT;
      INSERT INTO demo_patients (patient_id) SELECT id FROM patient WHERE is_demo = 1;
      ALTER TABLE patient DROP COLUMN is_demo;
    `)
  },
}
