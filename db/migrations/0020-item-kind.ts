import type { Migration } from './types'

// Every follow-up item gets a `kind` code (engine/codes.ts FOLLOW_UP_ITEM_KINDS): what the item
// asks for. Until now an item's behaviour was read from its English display text (`reason`); from
// this version on only `kind` decides, and `reason` is display text.
//
// SQLite cannot add a NOT NULL column without a default, and a default would let a later insert
// that forgets the kind pass silently; so the table is rebuilt (the documented 12-step way) with
// `kind TEXT NOT NULL CHECK (...)` and every row copied with its id. The indexes are recreated as
// they were. No other table refers to followup_item, so no foreign key moves.
//
// The list in the CHECK is the list as of schema 20, written out: a shipped migration never
// changes, so a new kind needs a new migration (test/unit/db/migrations.test.ts compares this
// list with FOLLOW_UP_ITEM_KINDS).
export const ITEM_KINDS_V20 = [
  'imaging',
  'imaging-now',
  'treatment-response',
  'enter-result',
  'tumor-board',
  'clinician-review',
] as const

const DATE = (col: string): string =>
  `CHECK (${col} IS NULL OR (${col} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(${col}) = ${col}))`

/**
 * The backfill. Items written before schema 20 hold only their display text; it was always one of
 * the six wordings `itemFor` produced (one per kind), so the wording decides. Wording this version
 * does not know (an early build wrote "Deferred from …" on a deferred item) falls back to the
 * recommendation the item follows (its action and what its interval counted from), and failing
 * that to `clinician-review`, which puts the item in front of a radiologist now. Reading the text
 * is allowed here only: this is the one place that turns old wording into a code.
 */
export const KIND_BACKFILL_SQL = `CASE
    WHEN f.reason GLOB 'Enter the result of the * study' THEN 'enter-result'
    WHEN f.reason IN ('Study due now', 'Baseline study now') THEN 'imaging-now'
    WHEN f.reason GLOB 'Response to the new treatment, *' THEN 'treatment-response'
    WHEN f.reason GLOB 'Next study in *' THEN 'imaging'
    WHEN f.reason = 'Tumour board review' THEN 'tumor-board'
    WHEN f.reason = 'Radiologist review needed' THEN 'clinician-review'
    WHEN r.action = 'tumor-board' THEN 'tumor-board'
    WHEN r.action = 'clinician-review' THEN 'clinician-review'
    WHEN r.action = 'image' AND json_extract(r.output_json, '$.next.anchor.kind') = 'as-of' THEN 'imaging-now'
    WHEN r.action = 'image' AND json_extract(r.output_json, '$.next.anchor.kind') = 'treatment'
      THEN 'treatment-response'
    WHEN r.action = 'image' THEN 'imaging'
    ELSE 'clinician-review'
  END`

const COLUMNS = `id, patient_id, recommendation_id, procedure, due_from, due_to, reason, status,
  status_reason_code, status_reason_text, fulfilled_by_study_id, override_procedure, override_due_from,
  override_due_to, override_reason_code, override_text, created_at, updated_at`

export const migration0020: Migration = {
  version: 20,
  name: 'item-kind',
  up(db) {
    db.exec(`
      CREATE TABLE followup_item_v20 (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        recommendation_id INTEGER REFERENCES recommendation(id),
        kind TEXT NOT NULL CHECK (kind IN (${ITEM_KINDS_V20.map((k) => `'${k}'`).join(', ')})),
        procedure TEXT,
        due_from TEXT NOT NULL ${DATE('due_from')},
        due_to TEXT NOT NULL ${DATE('due_to')},
        reason TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'scheduled'
          CHECK (status IN ('scheduled', 'done', 'cancelled', 'deferred')),
        status_reason_code TEXT,
        status_reason_text TEXT,
        fulfilled_by_study_id INTEGER REFERENCES study(id) ON DELETE SET NULL,
        override_procedure TEXT,
        override_due_from TEXT ${DATE('override_due_from')},
        override_due_to TEXT ${DATE('override_due_to')},
        override_reason_code TEXT CHECK (override_reason_code IS NULL OR override_reason_code IN
          ('clinician-decision', 'patient-preference', 'contraindication', 'other')),
        override_text TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK (due_from <= due_to),
        CHECK (override_due_from IS NULL OR override_due_from <= override_due_to),
        CHECK (override_reason_code <> 'other' OR length(trim(coalesce(override_text, ''))) > 0)
      ) STRICT;

      INSERT INTO followup_item_v20 (${COLUMNS}, kind)
        SELECT ${COLUMNS.split(',')
          .map((c) => `f.${c.trim()}`)
          .join(', ')}, ${KIND_BACKFILL_SQL}
        FROM followup_item f LEFT JOIN recommendation r ON r.id = f.recommendation_id
        ORDER BY f.id;

      DROP TABLE followup_item;
      ALTER TABLE followup_item_v20 RENAME TO followup_item;

      CREATE UNIQUE INDEX followup_one_open ON followup_item(patient_id) WHERE status = 'scheduled';
      CREATE INDEX followup_open_due ON followup_item(coalesce(override_due_from, due_from), patient_id,
        coalesce(override_due_to, due_to)) WHERE status = 'scheduled';
      CREATE INDEX followup_patient ON followup_item(patient_id, id);
      CREATE INDEX followup_recommendation ON followup_item(recommendation_id);
      CREATE INDEX followup_fulfilled_by ON followup_item(fulfilled_by_study_id);
    `)
  },
}
