import type { Migration } from './types'

// Guideline packs in the log (issue 11, docs/guideline-pack.md, docs/data.md):
// - `guideline_pack`: every pack document imported (or the built-in one, stored when a site first
//   adopts another), with its pack id and version, the SHA-256 of the stored text, when and by whom
//   it was imported, whether it is the active one (at most one row), when and by whom it was
//   adopted, and the pack that was active before it (what "revert" goes back to).
// - `recommendation.trigger` gains `guideline-pack-changed` (a recommendation made because the site
//   adopted or reverted a pack). SQLite cannot change a CHECK in place, so the table is rebuilt the
//   documented way (new table, copy every row with its id, drop, rename, indexes again); the
//   migration runs with foreign keys off and checks them before it commits (db/open.ts).
// - an index on the current recommendations by pack, for the list of open cases whose current
//   recommendation came from another pack than the active one.
// The code lists are written out: a shipped migration never changes.
export const RECOMMENDATION_TRIGGERS_V70 = [
  'study-recorded',
  'result-entered',
  'facts-changed',
  'manual',
  'guideline-pack-changed',
] as const

const DATE = (col: string): string =>
  `CHECK (${col} IS NULL OR (${col} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date(${col}) = ${col}))`

const COLUMNS = `id, patient_id, created_at, as_of, trigger, pack_id, pack_version, variant, action, procedure,
  interval_min, interval_max, due_from, due_to, inputs_json, output_json, superseded_by, superseded_at`

export const migration0070: Migration = {
  version: 70,
  name: 'guideline-packs',
  foreignKeysOff: true,
  up(db) {
    db.exec(`
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
      CREATE UNIQUE INDEX guideline_pack_one_active ON guideline_pack(active) WHERE active = 1;

      CREATE TABLE recommendation_v70 (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        as_of TEXT NOT NULL ${DATE('as_of')},
        trigger TEXT NOT NULL CHECK (trigger IN (${RECOMMENDATION_TRIGGERS_V70.map((t) => `'${t}'`).join(', ')})),
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
      INSERT INTO recommendation_v70 (${COLUMNS}) SELECT ${COLUMNS} FROM recommendation ORDER BY id;
      DROP TABLE recommendation;
      ALTER TABLE recommendation_v70 RENAME TO recommendation;
      CREATE INDEX recommendation_patient ON recommendation(patient_id, id);
      CREATE INDEX recommendation_current ON recommendation(patient_id) WHERE superseded_by IS NULL;
      CREATE INDEX recommendation_superseded_by ON recommendation(superseded_by);
      CREATE INDEX recommendation_current_pack ON recommendation(pack_id, pack_version, patient_id)
        WHERE superseded_by IS NULL;
    `)
  },
}
