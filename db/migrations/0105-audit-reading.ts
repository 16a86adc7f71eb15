import type { Migration } from './types'

// Reading the audit trail (issue 13): the list of one patient's entries and the filter by person,
// newest first, paged by id (db/queries/audit.ts). The audit log itself is not changed (it is
// append-only); these are indexes only.
//
// `audit_log_patient` indexes the patient an entry is about: the entity's id for the patient's own
// record, note and the reads and exports of it (`access`), else the `patientId` the record before
// or after holds (a study, treatment, follow-up step, exit, biomarker value, recommendation, undo
// entry). The expression must stay exactly `PATIENT_OF_ENTRY` in db/queries/audit.ts, or SQLite
// stops using the index.
export const migration0105: Migration = {
  version: 105,
  name: 'audit-reading',
  up(db) {
    db.exec(`
      CREATE INDEX audit_log_patient ON audit_log (
        (CASE WHEN entity IN ('patient', 'patient_note', 'access') THEN entity_id
         ELSE coalesce(json_extract(after_json, '$.patientId'), json_extract(before_json, '$.patientId')) END),
        id
      );
      CREATE INDEX audit_log_actor ON audit_log (actor, id);
    `)
  },
}
