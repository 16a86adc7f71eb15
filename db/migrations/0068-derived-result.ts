import type { Migration } from './types'

// The worklist's "last result" (patient.last_result, db/queries/summary.ts) may be the reader's
// result or one the engine derived from the RECIST measurements of a study nobody has read yet.
// `last_result_derived` says which, so the worklist can say "derived" (issue 8.8). Existing
// patients: derived when the latest study in use has no reader's result but a last result is kept.
export const migration0068: Migration = {
  version: 68,
  name: 'derived-result',
  up(db) {
    db.exec(`
      ALTER TABLE patient ADD COLUMN last_result_derived INTEGER NOT NULL DEFAULT 0
        CHECK (last_result_derived IN (0, 1));
      UPDATE patient SET last_result_derived = 1
       WHERE last_result IS NOT NULL
         AND (SELECT s.result IS NULL FROM study s
               WHERE s.patient_id = patient.id AND s.entered_in_error_at IS NULL
               ORDER BY s.date DESC, s.id DESC LIMIT 1) = 1;
    `)
  },
}
