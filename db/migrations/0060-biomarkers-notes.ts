import type { Migration } from './types'

// Biomarker values (chromogranin A and the others of `BIOMARKERS`, engine/codes.ts: the CHECK
// lists the same codes, test/unit/architecture.test.ts holds them equal) with their
// date and unit, and one free-text note per patient. Both are the radiologist's record: the engine
// reads neither. Writes are audited like every other change (services/biomarkers.ts).
const DATE = (col: string): string =>
  `CHECK (${col} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(${col}) = ${col})`

export const migration0060: Migration = {
  version: 60,
  name: 'biomarkers-notes',
  up(db) {
    db.exec(`
      CREATE TABLE biomarker (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        date TEXT NOT NULL ${DATE('date')},
        marker TEXT NOT NULL CHECK (marker IN ('chromogranin-a', 'pancreastatin', 'nse', 'urine-5-hiaa',
          'plasma-5-hiaa', 'serotonin', 'gastrin', 'insulin', 'glucagon', 'vip')),
        value REAL NOT NULL CHECK (value >= 0 AND value < 1000000000),
        unit TEXT NOT NULL CHECK (length(unit) BETWEEN 1 AND 32),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX biomarker_patient ON biomarker(patient_id, marker, date);

      CREATE TABLE patient_note (
        patient_id INTEGER PRIMARY KEY REFERENCES patient(id) ON DELETE CASCADE,
        text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
        updated_at TEXT NOT NULL
      ) STRICT;
    `)
  },
}
