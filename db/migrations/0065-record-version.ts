import type { Migration } from './types'

// Optimistic versions on every record a person can edit: the patient, a study, a treatment, a
// follow-up item, a surveillance exit, a biomarker value and the patient's note. Every change of a
// record writes a new `version` (db/audit.ts, NEXT_VERSION: the audit log's next sequence number, so a
// record's versions only ever go up, even across a removal and a new record under the same id).
// A save carries the version the person saw; when the stored one has moved on, someone else
// changed the record since it was opened and the save is refused with STALE
// (electron/backend/services/audited.ts, `requireSeen`). Existing records start at 1.
//
// From this schema on, every undo entry (a patient's state kept before a change, db/queries/undo.ts)
// has audit rows with a digest of it, so a kept state damaged behind the app's back is found before
// an undo writes it back (db/integrity.ts). The entries kept before have none: they are dropped (the
// changes they belonged to can no longer be undone; the changes themselves stay, audited).
const VERSIONED = [
  'patient',
  'study',
  'treatment',
  'followup_item',
  'surveillance_exit',
  'biomarker',
  'patient_note',
] as const

export const migration0065: Migration = {
  version: 65,
  name: 'record-version',
  up(db) {
    db.exec(
      VERSIONED.map(
        (t) => `ALTER TABLE ${t} ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);`,
      ).join('\n') + '\nDELETE FROM undo_entry;',
    )
  },
}
