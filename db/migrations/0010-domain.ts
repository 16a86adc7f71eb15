import type { Migration } from './types'

// The whole follow-up domain. Booleans are INTEGER 0/1 and NULL means "unknown" (never false).
// Dates are calendar dates as ISO text (YYYY-MM-DD); instants are ISO-8601 UTC text.
// Shipped migrations are never edited: add a new numbered file instead.
const DATE = (col: string): string =>
  `CHECK (${col} IS NULL OR (${col} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(${col}) = ${col}))`
const BOOL = (col: string): string => `CHECK (${col} IS NULL OR ${col} IN (0, 1))`

export const migration0010: Migration = {
  version: 10,
  name: 'domain',
  up(db) {
    db.exec(`
      CREATE TABLE patient (
        id INTEGER PRIMARY KEY,
        mrn TEXT NOT NULL UNIQUE CHECK (length(mrn) BETWEEN 1 AND 64),
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        birth_date TEXT ${DATE('birth_date')},
        weight_kg REAL CHECK (weight_kg IS NULL OR (weight_kg > 0 AND weight_kg < 700)),
        staging_complete INTEGER ${BOOL('staging_complete')},
        active_surveillance INTEGER ${BOOL('active_surveillance')},
        burden TEXT CHECK (burden IS NULL OR burden IN ('liver-dominant', 'non-liver-dominant')),
        suspected_recurrence INTEGER ${BOOL('suspected_recurrence')},
        -- 1 once new symptoms were asked about (the list may then be empty: none); 0 = not asked.
        symptoms_asked INTEGER NOT NULL DEFAULT 0 CHECK (symptoms_asked IN (0, 1)),
        requested_procedure TEXT,
        is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        -- Summary kept by the same transaction as every change to the patient's studies or
        -- recommendations, so the worklist reads one row per patient (see db/queries/summary.ts).
        variant TEXT,
        last_study_date TEXT ${DATE('last_study_date')},
        last_result TEXT,
        cumulative_msv REAL,
        dose_estimated INTEGER NOT NULL DEFAULT 0 CHECK (dose_estimated IN (0, 1)),
        dose_incomplete INTEGER NOT NULL DEFAULT 0 CHECK (dose_incomplete IN (0, 1))
      ) STRICT;
      CREATE INDEX patient_name ON patient(name COLLATE NOCASE, id);
      -- MRNs are unique whatever their letter case (abc1 and ABC1 are the same patient).
      CREATE UNIQUE INDEX patient_mrn_nocase ON patient(mrn COLLATE NOCASE);

      CREATE TABLE diagnosis (
        patient_id INTEGER PRIMARY KEY REFERENCES patient(id) ON DELETE CASCADE,
        date TEXT ${DATE('date')},
        confirmed INTEGER ${BOOL('confirmed')},
        grade TEXT CHECK (grade IS NULL OR grade IN ('G1', 'G2', 'G3')),
        functional INTEGER ${BOOL('functional')},
        primary_size_mm REAL CHECK (primary_size_mm IS NULL OR (primary_size_mm > 0 AND primary_size_mm < 1000))
      ) STRICT;

      CREATE TABLE patient_constraint (
        patient_id INTEGER PRIMARY KEY REFERENCES patient(id) ON DELETE CASCADE,
        mri_contraindicated INTEGER ${BOOL('mri_contraindicated')},
        mri_reason TEXT,
        iodinated_contrast_contraindicated INTEGER ${BOOL('iodinated_contrast_contraindicated')},
        gadolinium_contraindicated INTEGER ${BOOL('gadolinium_contraindicated')},
        egfr REAL CHECK (egfr IS NULL OR (egfr >= 0 AND egfr < 300))
      ) STRICT;

      CREATE TABLE patient_symptom (
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        code TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
        PRIMARY KEY (patient_id, code)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE treatment (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('resection', 'prrt', 'somatostatin-analog', 'targeted-therapy',
          'chemotherapy', 'liver-directed', 'radiation', 'ablation')),
        date TEXT ${DATE('date')},
        complete_resection INTEGER ${BOOL('complete_resection')},
        CHECK (complete_resection IS NULL OR kind = 'resection')
      ) STRICT;
      CREATE INDEX treatment_patient ON treatment(patient_id, date);

      CREATE TABLE study (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        date TEXT NOT NULL ${DATE('date')},
        procedure TEXT NOT NULL CHECK (length(procedure) BETWEEN 1 AND 80),
        result TEXT CHECK (result IS NULL OR result IN ('response', 'stable', 'progression', 'indeterminate',
          'no-evidence-of-disease')),
        note TEXT,
        effective_msv REAL CHECK (effective_msv IS NULL OR (effective_msv >= 0 AND effective_msv < 1000)),
        ctdivol_mgy REAL CHECK (ctdivol_mgy IS NULL OR (ctdivol_mgy >= 0 AND ctdivol_mgy < 1000)),
        dlp_mgy_cm REAL CHECK (dlp_mgy_cm IS NULL OR (dlp_mgy_cm >= 0 AND dlp_mgy_cm < 100000)),
        region TEXT CHECK (region IS NULL OR region IN ('head', 'neck', 'chest', 'abdomen', 'pelvis',
          'abdomen-pelvis', 'chest-abdomen-pelvis')),
        activity_mbq REAL CHECK (activity_mbq IS NULL OR (activity_mbq >= 0 AND activity_mbq < 100000)),
        agent TEXT CHECK (agent IS NULL OR agent IN ('ga68-dotatate', 'cu64-dotatate', 'in111-pentetreotide',
          'f18-fdg')),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX study_patient_date ON study(patient_id, date);

      CREATE TABLE lesion (
        id INTEGER PRIMARY KEY,
        study_id INTEGER NOT NULL REFERENCES study(id) ON DELETE CASCADE,
        lesion_key TEXT NOT NULL CHECK (length(lesion_key) BETWEEN 1 AND 32),
        organ TEXT NOT NULL CHECK (length(organ) BETWEEN 1 AND 64),
        nodal INTEGER NOT NULL CHECK (nodal IN (0, 1)),
        role TEXT NOT NULL CHECK (role IN ('target', 'non-target', 'new')),
        diameter_mm REAL CHECK (diameter_mm IS NULL OR (diameter_mm >= 0 AND diameter_mm < 1000)),
        status TEXT CHECK (status IS NULL OR status IN ('present', 'absent', 'unequivocal-progression')),
        UNIQUE (study_id, lesion_key)
      ) STRICT;

      -- What the engine said, kept with the pack that said it, so a past decision can be explained
      -- after the pack changes.
      CREATE TABLE recommendation (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        as_of TEXT NOT NULL ${DATE('as_of')},
        trigger TEXT NOT NULL CHECK (trigger IN ('study-recorded', 'result-entered', 'facts-changed', 'manual')),
        pack_id TEXT NOT NULL,
        pack_version TEXT NOT NULL,
        variant TEXT,
        action TEXT NOT NULL,
        procedure TEXT,
        interval_min INTEGER,
        interval_max INTEGER,
        due_from TEXT ${DATE('due_from')},
        due_to TEXT ${DATE('due_to')},
        inputs_json TEXT NOT NULL CHECK (json_valid(inputs_json)),
        output_json TEXT NOT NULL CHECK (json_valid(output_json)),
        superseded_by INTEGER REFERENCES recommendation(id),
        superseded_at TEXT
      ) STRICT;
      CREATE INDEX recommendation_patient ON recommendation(patient_id, id);
      CREATE INDEX recommendation_current ON recommendation(patient_id) WHERE superseded_by IS NULL;
      CREATE INDEX recommendation_superseded_by ON recommendation(superseded_by);

      CREATE TABLE followup_item (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        recommendation_id INTEGER REFERENCES recommendation(id),
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
      CREATE UNIQUE INDEX followup_one_open ON followup_item(patient_id) WHERE status = 'scheduled';
      -- The worklist: scheduled items by effective due date (page order), and the end of the window
      -- so the bucket counts read the index alone.
      CREATE INDEX followup_open_due ON followup_item(coalesce(override_due_from, due_from), patient_id,
        coalesce(override_due_to, due_to)) WHERE status = 'scheduled';
      CREATE INDEX followup_patient ON followup_item(patient_id, id);
      CREATE INDEX followup_recommendation ON followup_item(recommendation_id);
      CREATE INDEX followup_fulfilled_by ON followup_item(fulfilled_by_study_id);

      -- Append-only, hash-chained record of every change: who, when, what, before and after.
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id INTEGER,
        before_json TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
        after_json TEXT CHECK (after_json IS NULL OR json_valid(after_json)),
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE
      ) STRICT;
      CREATE INDEX audit_entity ON audit_log(entity, entity_id);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

      CREATE TABLE setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value))
      ) STRICT, WITHOUT ROWID;
    `)
  },
}
