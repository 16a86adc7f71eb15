import type { Migration } from './types'

// Optimistic versions on editable records: `patient.version` goes up by one with every saved
// change of the patient's facts. A save carries the version it edited; when the stored one has
// moved on, someone else changed the record since it was opened and the save is refused
// (electron/backend/services/patients.ts). Existing patients start at 1.
export const migration0065: Migration = {
  version: 65,
  name: 'record-version',
  up(db) {
    db.exec(`ALTER TABLE patient ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 0);`)
  },
}
