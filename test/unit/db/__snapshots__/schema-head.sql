-- schema 175

-- index audit_actor_run_actor on audit_actor_run
CREATE INDEX audit_actor_run_actor ON audit_actor_run (actor, first_id);

-- index audit_entity on audit_log
CREATE INDEX audit_entity ON audit_log(entity, entity_id);

-- index audit_kept_undo on audit_log
CREATE INDEX audit_kept_undo ON audit_log (kept_undo) WHERE kept_undo IS NOT NULL;

-- index audit_log_patient on audit_log
CREATE INDEX audit_log_patient ON audit_log (patient_id, id);

-- index biomarker_patient on biomarker
CREATE INDEX biomarker_patient ON biomarker(patient_id, marker, date);

-- index dose_event_study on dose_event
CREATE INDEX dose_event_study ON dose_event(study_id);

-- index followup_fulfilled_by on followup_item
CREATE INDEX followup_fulfilled_by ON followup_item(fulfilled_by_study_id);

-- index followup_one_open on followup_item
CREATE UNIQUE INDEX followup_one_open ON followup_item(patient_id) WHERE status = 'scheduled';

-- index followup_open_due on followup_item
CREATE INDEX followup_open_due ON followup_item(coalesce(override_due_from, due_from), patient_id,
        coalesce(override_due_to, due_to)) WHERE status = 'scheduled';

-- index followup_open_kind on followup_item
CREATE INDEX followup_open_kind ON followup_item(kind, patient_id) WHERE status = 'scheduled';

-- index followup_open_override on followup_item
CREATE INDEX followup_open_override ON followup_item(patient_id)
        WHERE status = 'scheduled' AND override_reason_code IS NOT NULL;

-- index followup_patient on followup_item
CREATE INDEX followup_patient ON followup_item(patient_id, id);

-- index followup_recommendation on followup_item
CREATE INDEX followup_recommendation ON followup_item(recommendation_id);

-- index followup_subject_study on followup_item
CREATE INDEX followup_subject_study ON followup_item(subject_study_id);

-- index guideline_pack_one_active on guideline_pack
CREATE UNIQUE INDEX guideline_pack_one_active ON guideline_pack(active) WHERE active = 1;

-- index patient_cumulative_msv on patient
CREATE INDEX patient_cumulative_msv ON patient(cumulative_msv, id);

-- index patient_in_error on patient
CREATE INDEX patient_in_error ON patient(id) WHERE entered_in_error_at IS NOT NULL;

-- index patient_last_result on patient
CREATE INDEX patient_last_result ON patient(last_result, id);

-- index patient_mrn_nocase on patient
CREATE UNIQUE INDEX patient_mrn_nocase ON patient(mrn COLLATE NOCASE);

-- index patient_name on patient
CREATE INDEX patient_name ON patient(name COLLATE NOCASE, id);

-- index recommendation_current on recommendation
CREATE INDEX recommendation_current ON recommendation(patient_id) WHERE superseded_by IS NULL;

-- index recommendation_current_pack on recommendation
CREATE INDEX recommendation_current_pack ON recommendation(pack_id, pack_version, patient_id)
        WHERE superseded_by IS NULL;

-- index recommendation_patient on recommendation
CREATE INDEX recommendation_patient ON recommendation(patient_id, id);

-- index recommendation_superseded_by on recommendation
CREATE INDEX recommendation_superseded_by ON recommendation(superseded_by);

-- index study_by_date on study
CREATE INDEX study_by_date ON study(date) WHERE entered_in_error_at IS NULL;

-- index study_instance_uid_unique on study
CREATE UNIQUE INDEX study_instance_uid_unique ON study(study_instance_uid)
        WHERE study_instance_uid IS NOT NULL;

-- index study_patient_date on study
CREATE INDEX study_patient_date ON study(patient_id, date);

-- index surveillance_exit_current on surveillance_exit
CREATE UNIQUE INDEX surveillance_exit_current ON surveillance_exit(patient_id) WHERE reopened_at IS NULL;

-- index surveillance_exit_left_on on surveillance_exit
CREATE INDEX surveillance_exit_left_on ON surveillance_exit(left_on, patient_id) WHERE reopened_at IS NULL;

-- index treatment_patient on treatment
CREATE INDEX treatment_patient ON treatment(patient_id, date);

-- index undo_patient on undo_entry
CREATE INDEX undo_patient ON undo_entry(patient_id, id);

-- table app_user on app_user
CREATE TABLE app_user (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE
          CHECK (length(trim(name)) BETWEEN 1 AND 80 AND name = trim(name)),
        initials TEXT NOT NULL COLLATE NOCASE UNIQUE
          CHECK (length(initials) BETWEEN 1 AND 4 AND initials NOT GLOB '*[^A-Za-z0-9]*'),
        role TEXT NOT NULL CHECK (role IN ('radiologist', 'coordinator', 'read-only')),
        password_hash TEXT NOT NULL CHECK (password_hash GLOB 'scrypt$*'),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at TEXT NOT NULL,
        changed_at TEXT NOT NULL
      ) STRICT;

-- table audit_actor_run on audit_actor_run
CREATE TABLE audit_actor_run (
        first_id INTEGER PRIMARY KEY,
        last_id INTEGER NOT NULL,
        actor TEXT NOT NULL,
        CHECK (last_id >= first_id)
      ) STRICT;

-- table audit_log on audit_log
CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id INTEGER,
        before_json TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
        after_json TEXT CHECK (after_json IS NULL OR json_valid(after_json)),
        prev_hash TEXT CHECK (prev_hash IS NULL OR length(prev_hash) = 64),
        hash ANY NOT NULL CHECK (typeof(hash) = 'text' OR length(hash) = 32),
        patient_id INTEGER
      , kept_undo INTEGER, kept_digest BLOB CHECK (kept_digest IS NULL OR length(kept_digest) = 32)) STRICT;

-- table biomarker on biomarker
CREATE TABLE biomarker (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(date) = date),
        marker TEXT NOT NULL CHECK (marker IN ('chromogranin-a', 'pancreastatin', 'nse', 'urine-5-hiaa',
          'plasma-5-hiaa', 'serotonin', 'gastrin', 'insulin', 'glucagon', 'vip')),
        value REAL NOT NULL CHECK (value >= 0 AND value < 1000000000),
        unit TEXT NOT NULL CHECK (length(unit) BETWEEN 1 AND 32),
        created_at TEXT NOT NULL
      , version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)) STRICT;

-- table demo_patients on demo_patients
CREATE TABLE demo_patients (
        patient_id INTEGER PRIMARY KEY REFERENCES patient(id) ON DELETE CASCADE
      ) STRICT;

-- table diagnosis on diagnosis
CREATE TABLE diagnosis (
        patient_id INTEGER PRIMARY KEY REFERENCES patient(id) ON DELETE CASCADE,
        date TEXT CHECK (date IS NULL OR (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(date) = date)),
        confirmed INTEGER CHECK (confirmed IS NULL OR confirmed IN (0, 1)),
        grade TEXT CHECK (grade IS NULL OR grade IN ('G1', 'G2', 'G3')),
        functional INTEGER CHECK (functional IS NULL OR functional IN (0, 1)),
        primary_size_mm REAL CHECK (primary_size_mm IS NULL OR (primary_size_mm > 0 AND primary_size_mm < 1000))
      ) STRICT;

-- table dose_event on dose_event
CREATE TABLE dose_event (
        id INTEGER PRIMARY KEY,
        study_id INTEGER NOT NULL REFERENCES study(id) ON DELETE CASCADE,
        sop_instance_uid TEXT NOT NULL CHECK (sop_instance_uid IS NULL OR (length(sop_instance_uid) BETWEEN 1 AND 64 AND sop_instance_uid NOT GLOB '*[^0-9.]*')),
        event_uid TEXT NOT NULL CHECK (event_uid IS NULL OR (length(event_uid) BETWEEN 1 AND 64 AND event_uid NOT GLOB '*[^0-9.]*')),
        kind TEXT NOT NULL CHECK (kind IN ('ct', 'radiopharmaceutical')),
        ctdivol_mgy REAL CHECK (ctdivol_mgy IS NULL OR (ctdivol_mgy >= 0 AND ctdivol_mgy < 1000)),
        dlp_mgy_cm REAL CHECK (dlp_mgy_cm IS NULL OR (dlp_mgy_cm >= 0 AND dlp_mgy_cm < 100000)),
        region TEXT CHECK (region IS NULL OR region IN ('head', 'neck', 'chest', 'abdomen', 'pelvis', 'abdomen-pelvis', 'chest-abdomen-pelvis')),
        target_region TEXT CHECK (target_region IS NULL OR length(target_region) BETWEEN 1 AND 200),
        protocol TEXT CHECK (protocol IS NULL OR length(protocol) BETWEEN 1 AND 200),
        agent TEXT CHECK (agent IS NULL OR agent IN ('ga68-dotatate', 'cu64-dotatate', 'in111-pentetreotide', 'f18-fdg')),
        agent_text TEXT CHECK (agent_text IS NULL OR length(agent_text) BETWEEN 1 AND 200),
        activity_mbq REAL CHECK (activity_mbq IS NULL OR (activity_mbq >= 0 AND activity_mbq < 100000)),
        UNIQUE (study_id, event_uid)
      ) STRICT;

-- table followup_item on followup_item
CREATE TABLE "followup_item" (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        recommendation_id INTEGER REFERENCES recommendation(id),
        kind TEXT NOT NULL CHECK (kind IN ('imaging', 'imaging-now', 'treatment-response', 'enter-result', 'tumor-board', 'clinician-review')),
        procedure TEXT,
        due_from TEXT NOT NULL CHECK (due_from IS NULL OR (due_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(due_from) = due_from)),
        due_to TEXT NOT NULL CHECK (due_to IS NULL OR (due_to GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(due_to) = due_to)),
        reason TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'scheduled'
          CHECK (status IN ('scheduled', 'done', 'cancelled', 'deferred')),
        status_reason_code TEXT,
        status_reason_text TEXT,
        fulfilled_by_study_id INTEGER REFERENCES study(id) ON DELETE SET NULL,
        override_procedure TEXT,
        override_due_from TEXT CHECK (override_due_from IS NULL OR (override_due_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(override_due_from) = override_due_from)),
        override_due_to TEXT CHECK (override_due_to IS NULL OR (override_due_to GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(override_due_to) = override_due_to)),
        override_reason_code TEXT CHECK (override_reason_code IS NULL OR override_reason_code IN
          ('clinician-decision', 'patient-preference', 'contraindication', 'other')),
        override_text TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, subject_study_id INTEGER REFERENCES study(id) ON DELETE SET NULL, deferral_reason_code TEXT
        CHECK (deferral_reason_code IS NULL OR deferral_reason_code IN ('patient-request', 'clinical-change', 'scheduling', 'other')), decision_json TEXT
        CHECK (decision_json IS NULL OR json_valid(decision_json)), version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
        CHECK (due_from <= due_to),
        CHECK (override_due_from IS NULL OR override_due_from <= override_due_to),
        CHECK (override_reason_code <> 'other' OR length(trim(coalesce(override_text, ''))) > 0)
      ) STRICT;

-- table guideline_pack on guideline_pack
CREATE TABLE guideline_pack (
        id INTEGER PRIMARY KEY,
        pack_id TEXT NOT NULL CHECK (length(pack_id) BETWEEN 1 AND 64),
        version TEXT NOT NULL CHECK (length(version) BETWEEN 1 AND 64),
        title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
        document TEXT NOT NULL CHECK (json_valid(document)),
        built_in INTEGER NOT NULL DEFAULT 0 CHECK (built_in IN (0, 1)),
        imported_at TEXT NOT NULL,
        imported_by TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
        activated_at TEXT,
        activated_by TEXT,
        previous_id INTEGER REFERENCES guideline_pack(id),
        UNIQUE (pack_id, version),
        CHECK (active = 0 OR activated_at IS NOT NULL)
      ) STRICT;

-- table lesion on lesion
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

-- table pacs_endpoint on pacs_endpoint
CREATE TABLE pacs_endpoint (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
        base_url TEXT NOT NULL CHECK (length(base_url) <= 500
          AND (base_url GLOB 'http://?*' OR base_url GLOB 'https://?*')),
        auth TEXT NOT NULL CHECK (auth IN ('none', 'basic', 'bearer')),
        username TEXT CHECK (username IS NULL OR length(username) BETWEEN 1 AND 200),
        secret TEXT CHECK (secret IS NULL OR length(secret) BETWEEN 1 AND 4000),
        timeout_ms INTEGER NOT NULL CHECK (timeout_ms BETWEEN 500 AND 120000),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK (auth <> 'basic' OR username IS NOT NULL),
        CHECK (auth = 'none' OR secret IS NOT NULL)
      ) STRICT;

-- table patient on patient
CREATE TABLE patient (
        id INTEGER PRIMARY KEY,
        mrn TEXT NOT NULL UNIQUE CHECK (length(mrn) BETWEEN 1 AND 64),
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        birth_date TEXT CHECK (birth_date IS NULL OR (birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(birth_date) = birth_date)),
        weight_kg REAL CHECK (weight_kg IS NULL OR (weight_kg > 0 AND weight_kg < 700)),
        staging_complete INTEGER CHECK (staging_complete IS NULL OR staging_complete IN (0, 1)),
        active_surveillance INTEGER CHECK (active_surveillance IS NULL OR active_surveillance IN (0, 1)),
        burden TEXT CHECK (burden IS NULL OR burden IN ('liver-dominant', 'non-liver-dominant')),
        suspected_recurrence INTEGER CHECK (suspected_recurrence IS NULL OR suspected_recurrence IN (0, 1)),
        -- 1 once new symptoms were asked about (the list may then be empty: none); 0 = not asked.
        symptoms_asked INTEGER NOT NULL DEFAULT 0 CHECK (symptoms_asked IN (0, 1)),
        requested_procedure TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        -- Summary kept by the same transaction as every change to the patient's studies or
        -- recommendations, so the worklist reads one row per patient (see db/queries/summary.ts).
        variant TEXT,
        last_study_date TEXT CHECK (last_study_date IS NULL OR (last_study_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(last_study_date) = last_study_date)),
        last_result TEXT,
        cumulative_msv REAL,
        dose_estimated INTEGER NOT NULL DEFAULT 0 CHECK (dose_estimated IN (0, 1)),
        dose_incomplete INTEGER NOT NULL DEFAULT 0 CHECK (dose_incomplete IN (0, 1))
      , entered_in_error_at TEXT, entered_in_error_by TEXT, entered_in_error_reason TEXT
    CHECK (entered_in_error_reason IS NULL OR length(trim(entered_in_error_reason)) > 0), version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1), last_result_derived INTEGER NOT NULL DEFAULT 0
        CHECK (last_result_derived IN (0, 1))) STRICT;

-- table patient_constraint on patient_constraint
CREATE TABLE patient_constraint (
        patient_id INTEGER PRIMARY KEY REFERENCES patient(id) ON DELETE CASCADE,
        mri_contraindicated INTEGER CHECK (mri_contraindicated IS NULL OR mri_contraindicated IN (0, 1)),
        mri_reason TEXT,
        iodinated_contrast_contraindicated INTEGER CHECK (iodinated_contrast_contraindicated IS NULL OR iodinated_contrast_contraindicated IN (0, 1)),
        gadolinium_contraindicated INTEGER CHECK (gadolinium_contraindicated IS NULL OR gadolinium_contraindicated IN (0, 1)),
        egfr REAL CHECK (egfr IS NULL OR (egfr >= 0 AND egfr < 300))
      ) STRICT;

-- table patient_note on patient_note
CREATE TABLE patient_note (
        patient_id INTEGER PRIMARY KEY REFERENCES patient(id) ON DELETE CASCADE,
        text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
        updated_at TEXT NOT NULL
      , version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)) STRICT;

-- table patient_prefix on patient_prefix
CREATE TABLE patient_prefix (
    k INTEGER NOT NULL,
    prefix TEXT NOT NULL,
    key ANY NOT NULL COLLATE NOCASE,
    patient_id INTEGER NOT NULL,
    PRIMARY KEY (k, prefix, key, patient_id)
  ) STRICT, WITHOUT ROWID;

-- table patient_search on patient_search
CREATE VIRTUAL TABLE patient_search USING fts5(
        name, mrn, content = 'patient', content_rowid = 'id', tokenize = 'unicode61', prefix = '1 2 3'
      );

-- table patient_search_config on patient_search_config
CREATE TABLE 'patient_search_config'(k PRIMARY KEY, v) WITHOUT ROWID;

-- table patient_search_data on patient_search_data
CREATE TABLE 'patient_search_data'(id INTEGER PRIMARY KEY, block BLOB);

-- table patient_search_docsize on patient_search_docsize
CREATE TABLE 'patient_search_docsize'(id INTEGER PRIMARY KEY, sz BLOB);

-- table patient_search_idx on patient_search_idx
CREATE TABLE 'patient_search_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;

-- table patient_symptom on patient_symptom
CREATE TABLE patient_symptom (
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        code TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
        PRIMARY KEY (patient_id, code)
      ) STRICT, WITHOUT ROWID;

-- table procedure_mapping on procedure_mapping
CREATE TABLE procedure_mapping (
        id INTEGER PRIMARY KEY,
        modality TEXT NOT NULL CHECK (length(modality) BETWEEN 1 AND 16),
        keywords TEXT NOT NULL CHECK (length(keywords) <= 200),
        body_part TEXT NOT NULL CHECK (length(body_part) <= 64),
        procedure TEXT NOT NULL CHECK (length(procedure) BETWEEN 1 AND 80),
        created_at TEXT NOT NULL,
        UNIQUE (modality, keywords, body_part)
      ) STRICT;

-- table recommendation on recommendation
CREATE TABLE "recommendation" (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        as_of TEXT NOT NULL CHECK (as_of IS NULL OR (as_of GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(as_of) = as_of)),
        trigger TEXT NOT NULL CHECK (trigger IN ('study-recorded', 'result-entered', 'facts-changed', 'manual', 'guideline-pack-changed')),
        pack_id TEXT NOT NULL,
        pack_version TEXT NOT NULL,
        variant TEXT,
        action TEXT NOT NULL,
        procedure TEXT,
        interval_min INTEGER,
        interval_max INTEGER,
        due_from TEXT CHECK (due_from IS NULL OR (due_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(due_from) = due_from)),
        due_to TEXT CHECK (due_to IS NULL OR (due_to GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(due_to) = due_to)),
        inputs_json TEXT NOT NULL CHECK (json_valid(inputs_json)),
        output_json TEXT NOT NULL CHECK (json_valid(output_json)),
        superseded_by INTEGER REFERENCES recommendation(id),
        superseded_at TEXT
      , body BLOB, body_base INTEGER) STRICT;

-- table setting on setting
CREATE TABLE setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value))
      ) STRICT, WITHOUT ROWID;

-- table study on study
CREATE TABLE study (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        date TEXT NOT NULL CHECK (date IS NULL OR (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(date) = date)),
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
      , entered_in_error_at TEXT, entered_in_error_by TEXT, entered_in_error_reason TEXT
    CHECK (entered_in_error_reason IS NULL OR length(trim(entered_in_error_reason)) > 0), version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1), study_instance_uid TEXT CHECK (study_instance_uid IS NULL OR (length(study_instance_uid) BETWEEN 1 AND 64 AND study_instance_uid NOT GLOB '*[^0-9.]*')), accession_number TEXT
        CHECK (accession_number IS NULL OR length(accession_number) BETWEEN 1 AND 64), dose_source TEXT CHECK (dose_source IS NULL OR dose_source IN ('rdsr'))) STRICT;

-- table surveillance_exit on surveillance_exit
CREATE TABLE surveillance_exit (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        reason_code TEXT NOT NULL CHECK (reason_code IN ('surveillance-completed', 'discharged-elsewhere', 'deceased', 'declined-imaging', 'lost-to-follow-up', 'other')),
        reason_text TEXT,
        attempts INTEGER CHECK (attempts IS NULL OR attempts >= 1),
        left_on TEXT NOT NULL CHECK (left_on IS NULL OR (left_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(left_on) = left_on)),
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        reopened_at TEXT,
        reopened_by TEXT,
        reopen_reason TEXT, version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
        CHECK (reason_code <> 'other' OR length(trim(coalesce(reason_text, ''))) > 0),
        CHECK (reason_code <> 'lost-to-follow-up' OR attempts IS NOT NULL),
        CHECK ((reopened_at IS NULL) = (reopened_by IS NULL))
      ) STRICT;

-- table treatment on treatment
CREATE TABLE treatment (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('resection', 'prrt', 'somatostatin-analog', 'targeted-therapy',
          'chemotherapy', 'liver-directed', 'radiation', 'ablation')),
        date TEXT CHECK (date IS NULL OR (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(date) = date)),
        complete_resection INTEGER CHECK (complete_resection IS NULL OR complete_resection IN (0, 1)), entered_in_error_at TEXT, entered_in_error_by TEXT, entered_in_error_reason TEXT
    CHECK (entered_in_error_reason IS NULL OR length(trim(entered_in_error_reason)) > 0), version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
        CHECK (complete_resection IS NULL OR kind = 'resection')
      ) STRICT;

-- table undo_entry on undo_entry
CREATE TABLE undo_entry (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        command TEXT NOT NULL,
        snapshot_json TEXT NOT NULL CHECK (json_valid(snapshot_json)),
        undone_at TEXT
      , body BLOB, body_base INTEGER) STRICT;

-- table worklist_count on worklist_count
CREATE TABLE worklist_count (
        variant TEXT NOT NULL PRIMARY KEY,
        patients INTEGER NOT NULL DEFAULT 0,
        attention INTEGER NOT NULL DEFAULT 0,
        left_surveillance INTEGER NOT NULL DEFAULT 0
      ) STRICT, WITHOUT ROWID;

-- table worklist_tally on worklist_tally
CREATE TABLE worklist_tally (
        variant TEXT NOT NULL,
        eff_from TEXT NOT NULL,
        eff_to TEXT NOT NULL,
        n INTEGER NOT NULL CHECK (n >= 0),
        PRIMARY KEY (variant, eff_from, eff_to)
      ) STRICT, WITHOUT ROWID;

-- trigger app_user_no_delete on app_user
CREATE TRIGGER app_user_no_delete BEFORE DELETE ON app_user
        BEGIN SELECT RAISE(ABORT, 'accounts are never deleted: disable them instead'); END;

-- trigger audit_actor_run_append on audit_log
CREATE TRIGGER audit_actor_run_append AFTER INSERT ON audit_log
  BEGIN
    UPDATE audit_actor_run SET last_id = new.id
     WHERE first_id = (SELECT max(first_id) FROM audit_actor_run)
       AND actor = new.actor AND last_id = new.id - 1;
    INSERT INTO audit_actor_run (first_id, last_id, actor)
      SELECT new.id, new.id, new.actor
       WHERE NOT EXISTS (SELECT 1 FROM audit_actor_run
                          WHERE first_id = (SELECT max(first_id) FROM audit_actor_run) AND last_id = new.id);
  END;

-- trigger audit_log_no_delete on audit_log
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- trigger audit_log_no_update on audit_log
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- trigger patient_prefix_delete on patient
CREATE TRIGGER patient_prefix_delete BEFORE DELETE ON patient
    WHEN pnet_prefix_live(old.id, old.name, old.mrn, (SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.id AND f.status = 'scheduled'), old.last_result, old.cumulative_msv)
  BEGIN DELETE FROM patient_prefix WHERE (k, prefix, key, patient_id) IN (SELECT s.column1, j.value ->> 0, CASE s.column1 WHEN 0 THEN coalesce((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.id AND f.status = 'scheduled'), X'') WHEN 1 THEN old.name WHEN 2 THEN old.mrn WHEN 3 THEN coalesce(old.last_result, X'') WHEN 4 THEN coalesce(old.cumulative_msv, X'') END, old.id
    FROM json_each(pnet_prefixes(old.name, old.mrn)) j CROSS JOIN (VALUES (0), (1), (2), (3), (4)) s); END;

-- trigger patient_prefix_due_delete on followup_item
CREATE TRIGGER patient_prefix_due_delete AFTER DELETE ON followup_item
    WHEN old.status = 'scheduled' AND pnet_prefix_live(old.patient_id, (SELECT name FROM patient WHERE id = old.patient_id), (SELECT mrn FROM patient WHERE id = old.patient_id), coalesce(old.override_due_from, old.due_from), (SELECT last_result FROM patient WHERE id = old.patient_id), (SELECT cumulative_msv FROM patient WHERE id = old.patient_id))
  BEGIN DELETE FROM patient_prefix WHERE (k, prefix, key, patient_id) IN (SELECT 0, j.value ->> 0, coalesce(coalesce(old.override_due_from, old.due_from), X''), p.id
     FROM patient p CROSS JOIN json_each(pnet_prefixes(p.name, p.mrn)) j
     WHERE p.id = old.patient_id AND (coalesce(old.override_due_from, old.due_from)) IS NOT ((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.patient_id AND f.status = 'scheduled')) AND 1);
    INSERT INTO patient_prefix (k, prefix, key, patient_id) SELECT 0, j.value ->> 0, coalesce((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.patient_id AND f.status = 'scheduled'), X''), p.id
     FROM patient p CROSS JOIN json_each(pnet_prefixes(p.name, p.mrn)) j
     WHERE p.id = old.patient_id AND (coalesce(old.override_due_from, old.due_from)) IS NOT ((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.patient_id AND f.status = 'scheduled')) AND 1; END;

-- trigger patient_prefix_due_insert on followup_item
CREATE TRIGGER patient_prefix_due_insert AFTER INSERT ON followup_item
    WHEN new.status = 'scheduled'
      AND pnet_prefix_live(new.patient_id, (SELECT name FROM patient WHERE id = new.patient_id), (SELECT mrn FROM patient WHERE id = new.patient_id), (SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled' AND f.id <> new.id), (SELECT last_result FROM patient WHERE id = new.patient_id), (SELECT cumulative_msv FROM patient WHERE id = new.patient_id))
  BEGIN DELETE FROM patient_prefix WHERE (k, prefix, key, patient_id) IN (SELECT 0, j.value ->> 0, coalesce((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled' AND f.id <> new.id), X''), p.id
     FROM patient p CROSS JOIN json_each(pnet_prefixes(p.name, p.mrn)) j
     WHERE p.id = new.patient_id AND ((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled' AND f.id <> new.id)) IS NOT ((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled')) AND 1);
    INSERT INTO patient_prefix (k, prefix, key, patient_id) SELECT 0, j.value ->> 0, coalesce((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled'), X''), p.id
     FROM patient p CROSS JOIN json_each(pnet_prefixes(p.name, p.mrn)) j
     WHERE p.id = new.patient_id AND ((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled' AND f.id <> new.id)) IS NOT ((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled')) AND 1; END;

-- trigger patient_prefix_due_update on followup_item
CREATE TRIGGER patient_prefix_due_update AFTER UPDATE OF status, patient_id, due_from, override_due_from
    ON followup_item
    WHEN (old.status = 'scheduled' OR new.status = 'scheduled')
      AND pnet_prefix_live(old.patient_id, (SELECT name FROM patient WHERE id = old.patient_id), (SELECT mrn FROM patient WHERE id = old.patient_id), CASE WHEN old.patient_id = old.patient_id AND old.status = 'scheduled' THEN coalesce(old.override_due_from, old.due_from)
    ELSE (SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.patient_id AND f.status = 'scheduled' AND f.id <> new.id) END, (SELECT last_result FROM patient WHERE id = old.patient_id), (SELECT cumulative_msv FROM patient WHERE id = old.patient_id))
        + pnet_prefix_live(new.patient_id, (SELECT name FROM patient WHERE id = new.patient_id), (SELECT mrn FROM patient WHERE id = new.patient_id), CASE WHEN old.patient_id = new.patient_id AND old.status = 'scheduled' THEN coalesce(old.override_due_from, old.due_from)
    ELSE (SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled' AND f.id <> new.id) END, (SELECT last_result FROM patient WHERE id = new.patient_id), (SELECT cumulative_msv FROM patient WHERE id = new.patient_id)) > 0
  BEGIN
    DELETE FROM patient_prefix WHERE (k, prefix, key, patient_id) IN (SELECT 0, j.value ->> 0, coalesce(CASE WHEN old.patient_id = old.patient_id AND old.status = 'scheduled' THEN coalesce(old.override_due_from, old.due_from)
    ELSE (SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.patient_id AND f.status = 'scheduled' AND f.id <> new.id) END, X''), p.id
     FROM patient p CROSS JOIN json_each(pnet_prefixes(p.name, p.mrn)) j
     WHERE p.id = old.patient_id AND (CASE WHEN old.patient_id = old.patient_id AND old.status = 'scheduled' THEN coalesce(old.override_due_from, old.due_from)
    ELSE (SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.patient_id AND f.status = 'scheduled' AND f.id <> new.id) END) IS NOT ((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.patient_id AND f.status = 'scheduled')) AND 1);
    INSERT INTO patient_prefix (k, prefix, key, patient_id) SELECT 0, j.value ->> 0, coalesce((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.patient_id AND f.status = 'scheduled'), X''), p.id
     FROM patient p CROSS JOIN json_each(pnet_prefixes(p.name, p.mrn)) j
     WHERE p.id = old.patient_id AND (CASE WHEN old.patient_id = old.patient_id AND old.status = 'scheduled' THEN coalesce(old.override_due_from, old.due_from)
    ELSE (SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.patient_id AND f.status = 'scheduled' AND f.id <> new.id) END) IS NOT ((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.patient_id AND f.status = 'scheduled')) AND 1;
    DELETE FROM patient_prefix WHERE (k, prefix, key, patient_id) IN (SELECT 0, j.value ->> 0, coalesce(CASE WHEN old.patient_id = new.patient_id AND old.status = 'scheduled' THEN coalesce(old.override_due_from, old.due_from)
    ELSE (SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled' AND f.id <> new.id) END, X''), p.id
     FROM patient p CROSS JOIN json_each(pnet_prefixes(p.name, p.mrn)) j
     WHERE p.id = new.patient_id AND (CASE WHEN old.patient_id = new.patient_id AND old.status = 'scheduled' THEN coalesce(old.override_due_from, old.due_from)
    ELSE (SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled' AND f.id <> new.id) END) IS NOT ((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled')) AND old.patient_id IS NOT new.patient_id);
    INSERT INTO patient_prefix (k, prefix, key, patient_id) SELECT 0, j.value ->> 0, coalesce((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled'), X''), p.id
     FROM patient p CROSS JOIN json_each(pnet_prefixes(p.name, p.mrn)) j
     WHERE p.id = new.patient_id AND (CASE WHEN old.patient_id = new.patient_id AND old.status = 'scheduled' THEN coalesce(old.override_due_from, old.due_from)
    ELSE (SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled' AND f.id <> new.id) END) IS NOT ((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled')) AND old.patient_id IS NOT new.patient_id;
  END;

-- trigger patient_prefix_insert on patient
CREATE TRIGGER patient_prefix_insert AFTER INSERT ON patient
    WHEN pnet_prefix_live(new.id)
  BEGIN INSERT INTO patient_prefix (k, prefix, key, patient_id) SELECT s.column1, j.value ->> 0, CASE s.column1 WHEN 0 THEN coalesce((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.id AND f.status = 'scheduled'), X'') WHEN 1 THEN new.name WHEN 2 THEN new.mrn WHEN 3 THEN coalesce(new.last_result, X'') WHEN 4 THEN coalesce(new.cumulative_msv, X'') END, new.id
    FROM json_each(pnet_prefixes(new.name, new.mrn)) j CROSS JOIN (VALUES (0), (1), (2), (3), (4)) s; END;

-- trigger patient_prefix_keys on patient
CREATE TRIGGER patient_prefix_keys AFTER UPDATE OF last_result, cumulative_msv ON patient
    WHEN old.name IS new.name AND old.mrn IS new.mrn
      AND (old.last_result IS NOT new.last_result OR old.cumulative_msv IS NOT new.cumulative_msv)
      AND pnet_prefix_live(old.id, old.name, old.mrn, (SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.id AND f.status = 'scheduled'), old.last_result, old.cumulative_msv)
  BEGIN
    DELETE FROM patient_prefix WHERE (k, prefix, key, patient_id) IN (SELECT 3, j.value ->> 0, coalesce(old.last_result, X''), old.id FROM json_each(pnet_prefixes(old.name, old.mrn)) j WHERE old.last_result IS NOT new.last_result);
    INSERT INTO patient_prefix (k, prefix, key, patient_id) SELECT 3, j.value ->> 0, coalesce(new.last_result, X''), new.id FROM json_each(pnet_prefixes(new.name, new.mrn)) j WHERE old.last_result IS NOT new.last_result;
    DELETE FROM patient_prefix WHERE (k, prefix, key, patient_id) IN (SELECT 4, j.value ->> 0, coalesce(old.cumulative_msv, X''), old.id FROM json_each(pnet_prefixes(old.name, old.mrn)) j WHERE old.cumulative_msv IS NOT new.cumulative_msv);
    INSERT INTO patient_prefix (k, prefix, key, patient_id) SELECT 4, j.value ->> 0, coalesce(new.cumulative_msv, X''), new.id FROM json_each(pnet_prefixes(new.name, new.mrn)) j WHERE old.cumulative_msv IS NOT new.cumulative_msv;
  END;

-- trigger patient_prefix_rename on patient
CREATE TRIGGER patient_prefix_rename AFTER UPDATE OF name, mrn ON patient
    WHEN (old.name IS NOT new.name OR old.mrn IS NOT new.mrn) AND pnet_prefix_live(old.id, old.name, old.mrn, (SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.id AND f.status = 'scheduled'), old.last_result, old.cumulative_msv)
  BEGIN DELETE FROM patient_prefix WHERE (k, prefix, key, patient_id) IN (SELECT s.column1, j.value ->> 0, CASE s.column1 WHEN 0 THEN coalesce((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = old.id AND f.status = 'scheduled'), X'') WHEN 1 THEN old.name WHEN 2 THEN old.mrn WHEN 3 THEN coalesce(old.last_result, X'') WHEN 4 THEN coalesce(old.cumulative_msv, X'') END, old.id
    FROM json_each(pnet_prefixes(old.name, old.mrn)) j CROSS JOIN (VALUES (0), (1), (2), (3), (4)) s); INSERT INTO patient_prefix (k, prefix, key, patient_id) SELECT s.column1, j.value ->> 0, CASE s.column1 WHEN 0 THEN coalesce((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f WHERE f.patient_id = new.id AND f.status = 'scheduled'), X'') WHEN 1 THEN new.name WHEN 2 THEN new.mrn WHEN 3 THEN coalesce(new.last_result, X'') WHEN 4 THEN coalesce(new.cumulative_msv, X'') END, new.id
    FROM json_each(pnet_prefixes(new.name, new.mrn)) j CROSS JOIN (VALUES (0), (1), (2), (3), (4)) s; END;

-- trigger patient_search_delete on patient
CREATE TRIGGER patient_search_delete AFTER DELETE ON patient BEGIN
        INSERT INTO patient_search (patient_search, rowid, name, mrn) VALUES ('delete', old.id, old.name, old.mrn);
      END;

-- trigger patient_search_insert on patient
CREATE TRIGGER patient_search_insert AFTER INSERT ON patient BEGIN
        INSERT INTO patient_search (rowid, name, mrn) VALUES (new.id, new.name, new.mrn);
      END;

-- trigger patient_search_update on patient
CREATE TRIGGER patient_search_update AFTER UPDATE OF name, mrn ON patient BEGIN
        INSERT INTO patient_search (patient_search, rowid, name, mrn) VALUES ('delete', old.id, old.name, old.mrn);
        INSERT INTO patient_search (rowid, name, mrn) VALUES (new.id, new.name, new.mrn);
      END;

-- trigger worklist_count_exit_delete on surveillance_exit
CREATE TRIGGER worklist_count_exit_delete AFTER DELETE ON surveillance_exit
      BEGIN INSERT INTO worklist_count (variant, left_surveillance)
     SELECT v, d FROM (SELECT coalesce((SELECT p.variant FROM patient p WHERE p.id = old.patient_id), '') AS v, -(CASE WHEN old.reopened_at IS NULL AND EXISTS (SELECT 1 FROM patient p WHERE p.id = old.patient_id AND p.entered_in_error_at IS NULL) THEN 1 ELSE 0 END) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET left_surveillance = left_surveillance + excluded.left_surveillance; END;

-- trigger worklist_count_exit_insert on surveillance_exit
CREATE TRIGGER worklist_count_exit_insert AFTER INSERT ON surveillance_exit
      BEGIN INSERT INTO worklist_count (variant, left_surveillance)
     SELECT v, d FROM (SELECT coalesce((SELECT p.variant FROM patient p WHERE p.id = new.patient_id), '') AS v, (CASE WHEN new.reopened_at IS NULL AND EXISTS (SELECT 1 FROM patient p WHERE p.id = new.patient_id AND p.entered_in_error_at IS NULL) THEN 1 ELSE 0 END) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET left_surveillance = left_surveillance + excluded.left_surveillance; END;

-- trigger worklist_count_exit_update on surveillance_exit
CREATE TRIGGER worklist_count_exit_update AFTER UPDATE OF reopened_at, patient_id ON surveillance_exit
      BEGIN
        INSERT INTO worklist_count (variant, left_surveillance)
     SELECT v, d FROM (SELECT coalesce((SELECT p.variant FROM patient p WHERE p.id = old.patient_id), '') AS v, -(CASE WHEN old.reopened_at IS NULL AND EXISTS (SELECT 1 FROM patient p WHERE p.id = old.patient_id AND p.entered_in_error_at IS NULL) THEN 1 ELSE 0 END) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET left_surveillance = left_surveillance + excluded.left_surveillance;
        INSERT INTO worklist_count (variant, left_surveillance)
     SELECT v, d FROM (SELECT coalesce((SELECT p.variant FROM patient p WHERE p.id = new.patient_id), '') AS v, (CASE WHEN new.reopened_at IS NULL AND EXISTS (SELECT 1 FROM patient p WHERE p.id = new.patient_id AND p.entered_in_error_at IS NULL) THEN 1 ELSE 0 END) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET left_surveillance = left_surveillance + excluded.left_surveillance;
      END;

-- trigger worklist_count_item_delete on followup_item
CREATE TRIGGER worklist_count_item_delete AFTER DELETE ON followup_item
        WHEN old.status = 'scheduled'
      BEGIN INSERT INTO worklist_count (variant, attention)
     SELECT v, d FROM (SELECT coalesce((SELECT p.variant FROM patient p WHERE p.id = old.patient_id), '') AS v, -(CASE WHEN old.status = 'scheduled' AND EXISTS (SELECT 1 FROM patient p WHERE p.id = old.patient_id AND p.entered_in_error_at IS NULL)
     AND (coalesce((old.kind IN ('enter-result', 'tumor-board', 'clinician-review')
     OR (old.override_reason_code IS NOT NULL
       AND ((old.override_procedure IS NOT NULL AND old.override_procedure IS NOT old.procedure)
         OR (old.override_due_from IS NOT NULL AND old.deferral_reason_code IS NULL
           AND (old.override_due_to < old.due_from OR old.override_due_from > old.due_to))))), 0) OR EXISTS (SELECT 1 FROM patient_symptom s WHERE s.patient_id = old.patient_id)) THEN 1 ELSE 0 END) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET attention = attention + excluded.attention; END;

-- trigger worklist_count_item_insert on followup_item
CREATE TRIGGER worklist_count_item_insert AFTER INSERT ON followup_item
        WHEN new.status = 'scheduled'
      BEGIN INSERT INTO worklist_count (variant, attention)
     SELECT v, d FROM (SELECT coalesce((SELECT p.variant FROM patient p WHERE p.id = new.patient_id), '') AS v, (CASE WHEN new.status = 'scheduled' AND EXISTS (SELECT 1 FROM patient p WHERE p.id = new.patient_id AND p.entered_in_error_at IS NULL)
     AND (coalesce((new.kind IN ('enter-result', 'tumor-board', 'clinician-review')
     OR (new.override_reason_code IS NOT NULL
       AND ((new.override_procedure IS NOT NULL AND new.override_procedure IS NOT new.procedure)
         OR (new.override_due_from IS NOT NULL AND new.deferral_reason_code IS NULL
           AND (new.override_due_to < new.due_from OR new.override_due_from > new.due_to))))), 0) OR EXISTS (SELECT 1 FROM patient_symptom s WHERE s.patient_id = new.patient_id)) THEN 1 ELSE 0 END) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET attention = attention + excluded.attention; END;

-- trigger worklist_count_item_update on followup_item
CREATE TRIGGER worklist_count_item_update AFTER UPDATE OF status, patient_id, kind, procedure,
          override_procedure, override_reason_code, override_due_from, override_due_to, due_from, due_to,
          deferral_reason_code ON followup_item
        WHEN old.status = 'scheduled' OR new.status = 'scheduled'
      BEGIN
        INSERT INTO worklist_count (variant, attention)
     SELECT v, d FROM (SELECT coalesce((SELECT p.variant FROM patient p WHERE p.id = old.patient_id), '') AS v, -(CASE WHEN old.status = 'scheduled' AND EXISTS (SELECT 1 FROM patient p WHERE p.id = old.patient_id AND p.entered_in_error_at IS NULL)
     AND (coalesce((old.kind IN ('enter-result', 'tumor-board', 'clinician-review')
     OR (old.override_reason_code IS NOT NULL
       AND ((old.override_procedure IS NOT NULL AND old.override_procedure IS NOT old.procedure)
         OR (old.override_due_from IS NOT NULL AND old.deferral_reason_code IS NULL
           AND (old.override_due_to < old.due_from OR old.override_due_from > old.due_to))))), 0) OR EXISTS (SELECT 1 FROM patient_symptom s WHERE s.patient_id = old.patient_id)) THEN 1 ELSE 0 END) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET attention = attention + excluded.attention;
        INSERT INTO worklist_count (variant, attention)
     SELECT v, d FROM (SELECT coalesce((SELECT p.variant FROM patient p WHERE p.id = new.patient_id), '') AS v, (CASE WHEN new.status = 'scheduled' AND EXISTS (SELECT 1 FROM patient p WHERE p.id = new.patient_id AND p.entered_in_error_at IS NULL)
     AND (coalesce((new.kind IN ('enter-result', 'tumor-board', 'clinician-review')
     OR (new.override_reason_code IS NOT NULL
       AND ((new.override_procedure IS NOT NULL AND new.override_procedure IS NOT new.procedure)
         OR (new.override_due_from IS NOT NULL AND new.deferral_reason_code IS NULL
           AND (new.override_due_to < new.due_from OR new.override_due_from > new.due_to))))), 0) OR EXISTS (SELECT 1 FROM patient_symptom s WHERE s.patient_id = new.patient_id)) THEN 1 ELSE 0 END) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET attention = attention + excluded.attention;
      END;

-- trigger worklist_count_patient_delete on patient
CREATE TRIGGER worklist_count_patient_delete BEFORE DELETE ON patient
        WHEN old.entered_in_error_at IS NULL
      BEGIN INSERT INTO worklist_count (variant, patients)
     SELECT v, d FROM (SELECT coalesce(old.variant, '') AS v, -1 AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET patients = patients + excluded.patients;
INSERT INTO worklist_count (variant, attention)
     SELECT v, d FROM (SELECT coalesce(old.variant, '') AS v, -(SELECT count(*) FROM followup_item f WHERE f.patient_id = old.id AND f.status = 'scheduled'
     AND (coalesce((f.kind IN ('enter-result', 'tumor-board', 'clinician-review')
     OR (f.override_reason_code IS NOT NULL
       AND ((f.override_procedure IS NOT NULL AND f.override_procedure IS NOT f.procedure)
         OR (f.override_due_from IS NOT NULL AND f.deferral_reason_code IS NULL
           AND (f.override_due_to < f.due_from OR f.override_due_from > f.due_to))))), 0) OR EXISTS (SELECT 1 FROM patient_symptom s WHERE s.patient_id = old.id))) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET attention = attention + excluded.attention;
INSERT INTO worklist_count (variant, left_surveillance)
     SELECT v, d FROM (SELECT coalesce(old.variant, '') AS v, -(SELECT count(*) FROM surveillance_exit e WHERE e.patient_id = old.id AND e.reopened_at IS NULL) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET left_surveillance = left_surveillance + excluded.left_surveillance; END;

-- trigger worklist_count_patient_insert on patient
CREATE TRIGGER worklist_count_patient_insert AFTER INSERT ON patient
        WHEN new.entered_in_error_at IS NULL
      BEGIN INSERT INTO worklist_count (variant, patients)
     SELECT v, d FROM (SELECT coalesce(new.variant, '') AS v, 1 AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET patients = patients + excluded.patients;
INSERT INTO worklist_count (variant, attention)
     SELECT v, d FROM (SELECT coalesce(new.variant, '') AS v, (SELECT count(*) FROM followup_item f WHERE f.patient_id = new.id AND f.status = 'scheduled'
     AND (coalesce((f.kind IN ('enter-result', 'tumor-board', 'clinician-review')
     OR (f.override_reason_code IS NOT NULL
       AND ((f.override_procedure IS NOT NULL AND f.override_procedure IS NOT f.procedure)
         OR (f.override_due_from IS NOT NULL AND f.deferral_reason_code IS NULL
           AND (f.override_due_to < f.due_from OR f.override_due_from > f.due_to))))), 0) OR EXISTS (SELECT 1 FROM patient_symptom s WHERE s.patient_id = new.id))) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET attention = attention + excluded.attention;
INSERT INTO worklist_count (variant, left_surveillance)
     SELECT v, d FROM (SELECT coalesce(new.variant, '') AS v, (SELECT count(*) FROM surveillance_exit e WHERE e.patient_id = new.id AND e.reopened_at IS NULL) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET left_surveillance = left_surveillance + excluded.left_surveillance; END;

-- trigger worklist_count_patient_update_new on patient
CREATE TRIGGER worklist_count_patient_update_new AFTER UPDATE OF variant, entered_in_error_at ON patient
        WHEN new.entered_in_error_at IS NULL
          AND (old.variant IS NOT new.variant OR old.entered_in_error_at IS NOT NULL)
      BEGIN INSERT INTO worklist_count (variant, patients)
     SELECT v, d FROM (SELECT coalesce(new.variant, '') AS v, 1 AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET patients = patients + excluded.patients;
INSERT INTO worklist_count (variant, attention)
     SELECT v, d FROM (SELECT coalesce(new.variant, '') AS v, (SELECT count(*) FROM followup_item f WHERE f.patient_id = new.id AND f.status = 'scheduled'
     AND (coalesce((f.kind IN ('enter-result', 'tumor-board', 'clinician-review')
     OR (f.override_reason_code IS NOT NULL
       AND ((f.override_procedure IS NOT NULL AND f.override_procedure IS NOT f.procedure)
         OR (f.override_due_from IS NOT NULL AND f.deferral_reason_code IS NULL
           AND (f.override_due_to < f.due_from OR f.override_due_from > f.due_to))))), 0) OR EXISTS (SELECT 1 FROM patient_symptom s WHERE s.patient_id = new.id))) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET attention = attention + excluded.attention;
INSERT INTO worklist_count (variant, left_surveillance)
     SELECT v, d FROM (SELECT coalesce(new.variant, '') AS v, (SELECT count(*) FROM surveillance_exit e WHERE e.patient_id = new.id AND e.reopened_at IS NULL) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET left_surveillance = left_surveillance + excluded.left_surveillance; END;

-- trigger worklist_count_patient_update_old on patient
CREATE TRIGGER worklist_count_patient_update_old AFTER UPDATE OF variant, entered_in_error_at ON patient
        WHEN old.entered_in_error_at IS NULL
          AND (old.variant IS NOT new.variant OR new.entered_in_error_at IS NOT NULL)
      BEGIN INSERT INTO worklist_count (variant, patients)
     SELECT v, d FROM (SELECT coalesce(old.variant, '') AS v, -1 AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET patients = patients + excluded.patients;
INSERT INTO worklist_count (variant, attention)
     SELECT v, d FROM (SELECT coalesce(old.variant, '') AS v, -(SELECT count(*) FROM followup_item f WHERE f.patient_id = old.id AND f.status = 'scheduled'
     AND (coalesce((f.kind IN ('enter-result', 'tumor-board', 'clinician-review')
     OR (f.override_reason_code IS NOT NULL
       AND ((f.override_procedure IS NOT NULL AND f.override_procedure IS NOT f.procedure)
         OR (f.override_due_from IS NOT NULL AND f.deferral_reason_code IS NULL
           AND (f.override_due_to < f.due_from OR f.override_due_from > f.due_to))))), 0) OR EXISTS (SELECT 1 FROM patient_symptom s WHERE s.patient_id = old.id))) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET attention = attention + excluded.attention;
INSERT INTO worklist_count (variant, left_surveillance)
     SELECT v, d FROM (SELECT coalesce(old.variant, '') AS v, -(SELECT count(*) FROM surveillance_exit e WHERE e.patient_id = old.id AND e.reopened_at IS NULL) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET left_surveillance = left_surveillance + excluded.left_surveillance; END;

-- trigger worklist_count_symptom_delete on patient_symptom
CREATE TRIGGER worklist_count_symptom_delete AFTER DELETE ON patient_symptom
        WHEN EXISTS (SELECT 1 FROM patient p WHERE p.id = old.patient_id AND p.entered_in_error_at IS NULL) AND NOT EXISTS (SELECT 1 FROM patient_symptom s WHERE s.patient_id = old.patient_id)
      BEGIN INSERT INTO worklist_count (variant, attention)
     SELECT v, d FROM (SELECT coalesce((SELECT p.variant FROM patient p WHERE p.id = old.patient_id), '') AS v, -(SELECT count(*) FROM followup_item f WHERE f.patient_id = old.patient_id AND f.status = 'scheduled'
     AND coalesce((f.kind IN ('enter-result', 'tumor-board', 'clinician-review')
     OR (f.override_reason_code IS NOT NULL
       AND ((f.override_procedure IS NOT NULL AND f.override_procedure IS NOT f.procedure)
         OR (f.override_due_from IS NOT NULL AND f.deferral_reason_code IS NULL
           AND (f.override_due_to < f.due_from OR f.override_due_from > f.due_to))))), 0) = 0) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET attention = attention + excluded.attention; END;

-- trigger worklist_count_symptom_insert on patient_symptom
CREATE TRIGGER worklist_count_symptom_insert AFTER INSERT ON patient_symptom
        WHEN EXISTS (SELECT 1 FROM patient p WHERE p.id = new.patient_id AND p.entered_in_error_at IS NULL)
          AND (SELECT count(*) FROM patient_symptom s WHERE s.patient_id = new.patient_id) = 1
      BEGIN INSERT INTO worklist_count (variant, attention)
     SELECT v, d FROM (SELECT coalesce((SELECT p.variant FROM patient p WHERE p.id = new.patient_id), '') AS v, (SELECT count(*) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled'
     AND coalesce((f.kind IN ('enter-result', 'tumor-board', 'clinician-review')
     OR (f.override_reason_code IS NOT NULL
       AND ((f.override_procedure IS NOT NULL AND f.override_procedure IS NOT f.procedure)
         OR (f.override_due_from IS NOT NULL AND f.deferral_reason_code IS NULL
           AND (f.override_due_to < f.due_from OR f.override_due_from > f.due_to))))), 0) = 0) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET attention = attention + excluded.attention; END;

-- trigger worklist_count_symptom_update_new on patient_symptom
CREATE TRIGGER worklist_count_symptom_update_new AFTER UPDATE OF patient_id ON patient_symptom
        WHEN old.patient_id IS NOT new.patient_id AND EXISTS (SELECT 1 FROM patient p WHERE p.id = new.patient_id AND p.entered_in_error_at IS NULL)
          AND (SELECT count(*) FROM patient_symptom s WHERE s.patient_id = new.patient_id) = 1
      BEGIN INSERT INTO worklist_count (variant, attention)
     SELECT v, d FROM (SELECT coalesce((SELECT p.variant FROM patient p WHERE p.id = new.patient_id), '') AS v, (SELECT count(*) FROM followup_item f WHERE f.patient_id = new.patient_id AND f.status = 'scheduled'
     AND coalesce((f.kind IN ('enter-result', 'tumor-board', 'clinician-review')
     OR (f.override_reason_code IS NOT NULL
       AND ((f.override_procedure IS NOT NULL AND f.override_procedure IS NOT f.procedure)
         OR (f.override_due_from IS NOT NULL AND f.deferral_reason_code IS NULL
           AND (f.override_due_to < f.due_from OR f.override_due_from > f.due_to))))), 0) = 0) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET attention = attention + excluded.attention; END;

-- trigger worklist_count_symptom_update_old on patient_symptom
CREATE TRIGGER worklist_count_symptom_update_old AFTER UPDATE OF patient_id ON patient_symptom
        WHEN old.patient_id IS NOT new.patient_id AND EXISTS (SELECT 1 FROM patient p WHERE p.id = old.patient_id AND p.entered_in_error_at IS NULL) AND NOT EXISTS (SELECT 1 FROM patient_symptom s WHERE s.patient_id = old.patient_id)
      BEGIN INSERT INTO worklist_count (variant, attention)
     SELECT v, d FROM (SELECT coalesce((SELECT p.variant FROM patient p WHERE p.id = old.patient_id), '') AS v, -(SELECT count(*) FROM followup_item f WHERE f.patient_id = old.patient_id AND f.status = 'scheduled'
     AND coalesce((f.kind IN ('enter-result', 'tumor-board', 'clinician-review')
     OR (f.override_reason_code IS NOT NULL
       AND ((f.override_procedure IS NOT NULL AND f.override_procedure IS NOT f.procedure)
         OR (f.override_due_from IS NOT NULL AND f.deferral_reason_code IS NULL
           AND (f.override_due_to < f.due_from OR f.override_due_from > f.due_to))))), 0) = 0) AS d) WHERE d <> 0
     ON CONFLICT (variant) DO UPDATE SET attention = attention + excluded.attention; END;

-- trigger worklist_tally_item_delete on followup_item
CREATE TRIGGER worklist_tally_item_delete AFTER DELETE ON followup_item
        WHEN old.status = 'scheduled' AND EXISTS (SELECT 1 FROM patient p WHERE p.id = old.patient_id AND p.entered_in_error_at IS NULL)
      BEGIN UPDATE worklist_tally SET n = n - 1
         WHERE variant = coalesce((SELECT p.variant FROM patient p WHERE p.id = old.patient_id), '') AND eff_from = coalesce(old.override_due_from, old.due_from) AND eff_to = coalesce(old.override_due_to, old.due_to);
       DELETE FROM worklist_tally
         WHERE variant = coalesce((SELECT p.variant FROM patient p WHERE p.id = old.patient_id), '') AND eff_from = coalesce(old.override_due_from, old.due_from) AND eff_to = coalesce(old.override_due_to, old.due_to) AND n <= 0; END;

-- trigger worklist_tally_item_insert on followup_item
CREATE TRIGGER worklist_tally_item_insert AFTER INSERT ON followup_item
        WHEN new.status = 'scheduled' AND EXISTS (SELECT 1 FROM patient p WHERE p.id = new.patient_id AND p.entered_in_error_at IS NULL)
      BEGIN INSERT INTO worklist_tally (variant, eff_from, eff_to, n)
         VALUES (coalesce((SELECT p.variant FROM patient p WHERE p.id = new.patient_id), ''), coalesce(new.override_due_from, new.due_from), coalesce(new.override_due_to, new.due_to), 1)
         ON CONFLICT (variant, eff_from, eff_to) DO UPDATE SET n = n + 1; END;

-- trigger worklist_tally_item_update_new on followup_item
CREATE TRIGGER worklist_tally_item_update_new AFTER UPDATE OF status, patient_id, due_from, due_to,
          override_due_from, override_due_to ON followup_item
        WHEN new.status = 'scheduled' AND EXISTS (SELECT 1 FROM patient p WHERE p.id = new.patient_id AND p.entered_in_error_at IS NULL)
      BEGIN INSERT INTO worklist_tally (variant, eff_from, eff_to, n)
         VALUES (coalesce((SELECT p.variant FROM patient p WHERE p.id = new.patient_id), ''), coalesce(new.override_due_from, new.due_from), coalesce(new.override_due_to, new.due_to), 1)
         ON CONFLICT (variant, eff_from, eff_to) DO UPDATE SET n = n + 1; END;

-- trigger worklist_tally_item_update_old on followup_item
CREATE TRIGGER worklist_tally_item_update_old AFTER UPDATE OF status, patient_id, due_from, due_to,
          override_due_from, override_due_to ON followup_item
        WHEN old.status = 'scheduled' AND EXISTS (SELECT 1 FROM patient p WHERE p.id = old.patient_id AND p.entered_in_error_at IS NULL)
      BEGIN UPDATE worklist_tally SET n = n - 1
         WHERE variant = coalesce((SELECT p.variant FROM patient p WHERE p.id = old.patient_id), '') AND eff_from = coalesce(old.override_due_from, old.due_from) AND eff_to = coalesce(old.override_due_to, old.due_to);
       DELETE FROM worklist_tally
         WHERE variant = coalesce((SELECT p.variant FROM patient p WHERE p.id = old.patient_id), '') AND eff_from = coalesce(old.override_due_from, old.due_from) AND eff_to = coalesce(old.override_due_to, old.due_to) AND n <= 0; END;

-- trigger worklist_tally_patient_delete on patient
CREATE TRIGGER worklist_tally_patient_delete BEFORE DELETE ON patient
        WHEN old.entered_in_error_at IS NULL
      BEGIN
        UPDATE worklist_tally SET n = n - 1
          WHERE variant = coalesce(old.variant, '')
            AND (eff_from, eff_to) IN (SELECT coalesce(f.override_due_from, f.due_from), coalesce(f.override_due_to, f.due_to) FROM followup_item f
                                       WHERE f.patient_id = old.id AND f.status = 'scheduled');
        DELETE FROM worklist_tally WHERE n <= 0 AND variant = coalesce(old.variant, '');
      END;

-- trigger worklist_tally_patient_update on patient
CREATE TRIGGER worklist_tally_patient_update AFTER UPDATE OF variant, entered_in_error_at ON patient
      BEGIN
        UPDATE worklist_tally SET n = n - 1
          WHERE old.entered_in_error_at IS NULL AND variant = coalesce(old.variant, '')
            AND (eff_from, eff_to) IN (SELECT coalesce(f.override_due_from, f.due_from), coalesce(f.override_due_to, f.due_to) FROM followup_item f
                                       WHERE f.patient_id = old.id AND f.status = 'scheduled');
        DELETE FROM worklist_tally WHERE n <= 0 AND variant = coalesce(old.variant, '');
        INSERT INTO worklist_tally (variant, eff_from, eff_to, n)
          SELECT coalesce(new.variant, ''), coalesce(f.override_due_from, f.due_from), coalesce(f.override_due_to, f.due_to), 1 FROM followup_item f
          WHERE new.entered_in_error_at IS NULL AND f.patient_id = new.id AND f.status = 'scheduled'
          ON CONFLICT (variant, eff_from, eff_to) DO UPDATE SET n = n + 1;
      END;
