import type { Migration } from './types'

// The department's data in (issue 12, docs/interop.md):
// - `pacs_endpoint`: DICOMweb servers (base URL, optional basic or bearer credentials, a timeout).
//   The secret is kept in the log (the file holds patient data anyway: keep it on an encrypted
//   disk); no call ever returns it.
// - `procedure_mapping`: study description keywords / modality / body part → our procedure id,
//   edited by the site, with a starting set below. A study no rule matches is "not mapped": never
//   guessed.
// - on `study`: the Study Instance UID (unique: a second import makes no duplicate), the
//   accession number, and `dose_source` ('rdsr' when the dose fields were read from a Radiation
//   Dose Structured Report).
// - `dose_event`: what an RDSR said per irradiation event (CT: CTDIvol, DLP, target region;
//   radiopharmaceutical: agent, activity), so the ledger applies k per event's region.
// The code lists are written out: a shipped migration never changes.
const REGIONS = `'head', 'neck', 'chest', 'abdomen', 'pelvis', 'abdomen-pelvis', 'chest-abdomen-pelvis'`
const AGENTS = `'ga68-dotatate', 'cu64-dotatate', 'in111-pentetreotide', 'f18-fdg'`
const UID = (col: string): string =>
  `CHECK (${col} IS NULL OR (length(${col}) BETWEEN 1 AND 64 AND ${col} NOT GLOB '*[^0-9.]*'))`

/**
 * The starting set of procedure mappings: keywords are words the study description must hold
 * (`-word`: must not hold); an empty body part matches any.
 */
export const MAPPINGS_V80: readonly {
  modality: string
  keywords: string
  bodyPart: string
  procedure: string
}[] = [
  {
    modality: 'MR',
    keywords: 'abdomen pelvis contrast',
    bodyPart: '',
    procedure: 'mri-abdomen-pelvis-without-and-with-iv-contrast',
  },
  {
    modality: 'CT',
    keywords: 'abdomen pelvis contrast -without -wo',
    bodyPart: '',
    procedure: 'ct-abdomen-pelvis-with-iv-contrast',
  },
  {
    modality: 'CT',
    keywords: 'chest with contrast -abdomen',
    bodyPart: '',
    procedure: 'ct-chest-with-iv-contrast',
  },
  {
    modality: 'CT',
    keywords: 'chest without contrast -abdomen',
    bodyPart: '',
    procedure: 'ct-chest-without-iv-contrast',
  },
  {
    modality: 'PT',
    keywords: 'dotatate',
    bodyPart: '',
    procedure: 'dotatate-pet-ct-skull-base-to-mid-thigh',
  },
  { modality: 'PT', keywords: 'fdg', bodyPart: '', procedure: 'fdg-pet-ct-skull-base-to-mid-thigh' },
  { modality: 'NM', keywords: 'pentetreotide', bodyPart: '', procedure: 'in111-pentetreotide-spect-ct' },
  { modality: 'NM', keywords: 'octreoscan', bodyPart: '', procedure: 'in111-pentetreotide-spect-ct' },
  { modality: 'US', keywords: 'endoscopic', bodyPart: '', procedure: 'endoscopic-us' },
  { modality: 'US', keywords: 'abdomen -endoscopic', bodyPart: '', procedure: 'us-abdomen' },
]

export const migration0080: Migration = {
  version: 80,
  name: 'interop',
  up(db) {
    db.exec(`
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

      CREATE TABLE procedure_mapping (
        id INTEGER PRIMARY KEY,
        modality TEXT NOT NULL CHECK (length(modality) BETWEEN 1 AND 16),
        keywords TEXT NOT NULL CHECK (length(keywords) <= 200),
        body_part TEXT NOT NULL CHECK (length(body_part) <= 64),
        procedure TEXT NOT NULL CHECK (length(procedure) BETWEEN 1 AND 80),
        created_at TEXT NOT NULL,
        UNIQUE (modality, keywords, body_part)
      ) STRICT;

      ALTER TABLE study ADD COLUMN study_instance_uid TEXT ${UID('study_instance_uid')};
      ALTER TABLE study ADD COLUMN accession_number TEXT
        CHECK (accession_number IS NULL OR length(accession_number) BETWEEN 1 AND 64);
      ALTER TABLE study ADD COLUMN dose_source TEXT CHECK (dose_source IS NULL OR dose_source IN ('rdsr'));
      CREATE UNIQUE INDEX study_instance_uid_unique ON study(study_instance_uid)
        WHERE study_instance_uid IS NOT NULL;

      CREATE TABLE dose_event (
        id INTEGER PRIMARY KEY,
        study_id INTEGER NOT NULL REFERENCES study(id) ON DELETE CASCADE,
        sop_instance_uid TEXT NOT NULL ${UID('sop_instance_uid')},
        event_uid TEXT NOT NULL ${UID('event_uid')},
        kind TEXT NOT NULL CHECK (kind IN ('ct', 'radiopharmaceutical')),
        ctdivol_mgy REAL CHECK (ctdivol_mgy IS NULL OR (ctdivol_mgy >= 0 AND ctdivol_mgy < 1000)),
        dlp_mgy_cm REAL CHECK (dlp_mgy_cm IS NULL OR (dlp_mgy_cm >= 0 AND dlp_mgy_cm < 100000)),
        region TEXT CHECK (region IS NULL OR region IN (${REGIONS})),
        target_region TEXT CHECK (target_region IS NULL OR length(target_region) BETWEEN 1 AND 200),
        protocol TEXT CHECK (protocol IS NULL OR length(protocol) BETWEEN 1 AND 200),
        agent TEXT CHECK (agent IS NULL OR agent IN (${AGENTS})),
        agent_text TEXT CHECK (agent_text IS NULL OR length(agent_text) BETWEEN 1 AND 200),
        activity_mbq REAL CHECK (activity_mbq IS NULL OR (activity_mbq >= 0 AND activity_mbq < 100000)),
        UNIQUE (study_id, event_uid)
      ) STRICT;
      CREATE INDEX dose_event_study ON dose_event(study_id);
    `)
    const add = db.prepare(
      `INSERT INTO procedure_mapping (modality, keywords, body_part, procedure, created_at)
       VALUES (@modality, @keywords, @bodyPart, @procedure, '2026-12-01T00:00:00.000Z')`,
    )
    for (const m of MAPPINGS_V80) add.run(m)
  },
}
