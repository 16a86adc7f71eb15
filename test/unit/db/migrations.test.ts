import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migration0010 } from '../../../db/migrations/0010-domain'
import { ITEM_KINDS_V20 } from '../../../db/migrations/0020-item-kind'
import { migration0068 } from '../../../db/migrations/0068-derived-result'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../db/migrations/index'
import { fullCheck } from '../../../db/integrity'
import { migration0130 } from '../../../db/migrations/0130-prefix-short'
import { migration0150 } from '../../../db/migrations/0150-superseded-at-derived'
import { migration0155 } from '../../../db/migrations/0155-audit-actor-runs'
import { auditActors, auditCount, auditPage } from '../../../db/queries/audit'
import { openDatabase } from '../../../db/open'
import { worklistPage } from '../../../db/queries/worklist'
import { FOLLOW_UP_ITEM_KINDS } from '../../../engine/codes'
import { openBackend } from '../../../electron/backend/backend'
import type { ResultOf } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { patientInput, tempDir } from '../../helpers/db'
import { prefixTableAndRebuild } from '../../helpers/prefix'

let dir: string
let cleanup: () => void
let file: string
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  file = path.join(dir, 'log.sqlite')
})
afterEach(() => cleanup())

const AT = '2026-06-01T09:00:00.000Z'

/** The items a schema-10 log can hold: the wording every build wrote, and what each must become. */
const OLD_ITEMS: Array<{
  reason: string
  rec: { action: string; anchor: string | null } | null
  kind: string
}> = [
  {
    reason: 'Enter the result of the 2026-05-20 study',
    rec: { action: 'image', anchor: 'latest-read-study' },
    kind: 'enter-result',
  },
  { reason: 'Study due now', rec: { action: 'image', anchor: 'as-of' }, kind: 'imaging-now' },
  { reason: 'Baseline study now', rec: { action: 'image', anchor: 'as-of' }, kind: 'imaging-now' },
  {
    reason: 'Response to the new treatment, 6–12 months after it began',
    rec: { action: 'image', anchor: 'treatment' },
    kind: 'treatment-response',
  },
  {
    reason: 'Next study in 6–12 months',
    rec: { action: 'image', anchor: 'latest-read-study' },
    kind: 'imaging',
  },
  { reason: 'Next study in 3–12 months', rec: { action: 'image', anchor: 'resection' }, kind: 'imaging' },
  { reason: 'Tumour board review', rec: { action: 'tumor-board', anchor: null }, kind: 'tumor-board' },
  {
    reason: 'Radiologist review needed',
    rec: { action: 'clinician-review', anchor: null },
    kind: 'clinician-review',
  },
  // An early build's deferral wording: the kind comes from the recommendation the item follows.
  {
    reason: 'Deferred from 2026-01-01 – 2026-06-01',
    rec: { action: 'tumor-board', anchor: null },
    kind: 'tumor-board',
  },
  {
    reason: 'Deferred from 2026-01-02 – 2026-06-02',
    rec: { action: 'image', anchor: 'as-of' },
    kind: 'imaging-now',
  },
  {
    reason: 'Deferred from 2026-01-03 – 2026-06-03',
    rec: { action: 'image', anchor: 'treatment' },
    kind: 'treatment-response',
  },
  {
    reason: 'Deferred from 2026-01-04 – 2026-06-04',
    rec: { action: 'image', anchor: 'latest-read-study' },
    kind: 'imaging',
  },
  {
    reason: 'Deferred from 2026-01-05 – 2026-06-05',
    rec: { action: 'clinician-review', anchor: null },
    kind: 'clinician-review',
  },
  // Nothing to go on: a radiologist looks at it now.
  { reason: 'Deferred from 2026-01-06 – 2026-06-06', rec: null, kind: 'clinician-review' },
]

/** A log at schema 10 holding one patient whose items carry every old wording; the last one is open. */
function schema10Log(): void {
  const db = openDatabase(file, { migrations: [migration0010] })
  expect(db.pragma('user_version', { simple: true })).toBe(10)
  db.prepare(
    `INSERT INTO patient (id, mrn, name, birth_date, created_at, updated_at)
     VALUES (1, 'OLD-1', 'Old Olga', '1960-01-01', @at, @at)`,
  ).run({ at: AT })
  db.prepare(
    `INSERT INTO study (id, patient_id, date, procedure, result, created_at)
     VALUES (1, 1, '2026-05-20', 'mri-abdomen-pelvis-without-and-with-iv-contrast', 'stable', @at)`,
  ).run({ at: AT })
  const addRec = db.prepare(
    `INSERT INTO recommendation (patient_id, created_at, as_of, trigger, pack_id, pack_version, action,
       inputs_json, output_json)
     VALUES (1, @at, '2026-06-01', 'facts-changed', 'acr-pnet', '1', @action, '{}', @output)`,
  )
  const addItem = db.prepare(
    `INSERT INTO followup_item (patient_id, recommendation_id, procedure, due_from, due_to, reason, status,
       status_reason_code, fulfilled_by_study_id, override_procedure, override_due_from, override_due_to,
       override_reason_code, override_text, created_at, updated_at)
     VALUES (1, @rec, @procedure, @from, @to, @reason, @status, @statusCode, @study, @oProcedure, @oFrom, @oTo,
       @oCode, @oText, @at, @at)`,
  )
  OLD_ITEMS.forEach((item, i) => {
    const rec = item.rec
      ? Number(
          addRec.run({
            at: AT,
            action: item.rec.action,
            output: JSON.stringify({
              next: {
                action: item.rec.action,
                anchor: item.rec.anchor && { kind: item.rec.anchor, date: '2026-05-20' },
              },
            }),
          }).lastInsertRowid,
        )
      : null
    const open = i === OLD_ITEMS.length - 1
    addItem.run({
      rec,
      procedure: i % 2 ? 'mri-abdomen-pelvis-without-and-with-iv-contrast' : null,
      from: '2026-06-01',
      to: `2026-06-${String(2 + i).padStart(2, '0')}`,
      reason: item.reason,
      status: open ? 'scheduled' : 'done',
      statusCode: open ? null : 'done-elsewhere',
      study: i === 0 ? 1 : null,
      oProcedure: i === 3 ? 'ct-abdomen-pelvis-with-iv-contrast' : null,
      oFrom: i === 3 ? '2026-07-01' : null,
      oTo: i === 3 ? '2026-08-01' : null,
      oCode: i === 3 ? 'other' : null,
      oText: i === 3 ? 'patient travels' : null,
      at: AT,
    })
  })
  db.close()
}

const itemColumns = (db: Database.Database): unknown[] =>
  db
    .prepare(
      `SELECT id, patient_id, recommendation_id, procedure, due_from, due_to, reason, status, status_reason_code,
         status_reason_text, fulfilled_by_study_id, override_procedure, override_due_from, override_due_to,
         override_reason_code, override_text, created_at, updated_at
       FROM followup_item ORDER BY id`,
    )
    .all()

describe('migration 20: follow-up item kind', () => {
  it('declares exactly the kinds of engine/codes.ts (a new kind needs a new migration)', () => {
    expect([...ITEM_KINDS_V20]).toEqual([...FOLLOW_UP_ITEM_KINDS])
    expect(MIGRATIONS.map((m) => m.version)).toContain(20)
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(20)
  })

  it('backfills every old item’s kind from its stored data and keeps everything else as it was', () => {
    schema10Log()
    const old = new Database(file, { readonly: true })
    const before = itemColumns(old)
    old.close()

    const db = openDatabase(file)
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
      const kinds = db.prepare('SELECT kind FROM followup_item ORDER BY id').pluck().all()
      expect(kinds).toEqual(OLD_ITEMS.map((i) => i.kind))
      expect(itemColumns(db)).toEqual(before)
      expect(db.pragma('foreign_key_check')).toEqual([])
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      // The upgrade kept a checked copy of the schema-10 log.
      expect(
        fs
          .readdirSync(dir)
          .filter((f) => f.includes(`.before-v${LATEST_SCHEMA_VERSION}-from-v10`) && f.endsWith('.sqlite')),
      ).toHaveLength(1)
    } finally {
      db.close()
    }
  })

  it('leaves the table, its CHECKs and its indexes as a new log has them', () => {
    schema10Log()
    const migrated = openDatabase(file)
    const fresh = openDatabase(path.join(dir, 'fresh.sqlite'))
    try {
      const schema = (db: Database.Database): unknown[] =>
        db
          .prepare(
            "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = 'followup_item' ORDER BY type, name",
          )
          .all()
      expect(schema(migrated)).toEqual(schema(fresh))
      expect((schema(fresh) as Array<{ name: string }>).map((r) => r.name)).toEqual([
        'followup_fulfilled_by',
        'followup_one_open',
        'followup_open_due',
        // migration 40: the worklist's "needs attention"
        'followup_open_kind',
        'followup_open_override',
        'followup_patient',
        'followup_recommendation',
        // migration 40: the study a result step waits for
        'followup_subject_study',
        'followup_item',
        // migrations 115 and 130: the due key of the word-prefix table
        'patient_prefix_due_delete',
        'patient_prefix_due_insert',
        'patient_prefix_due_update',
        // migration 125: the worklist's counts of steps needing attention
        'worklist_count_item_delete',
        'worklist_count_item_insert',
        'worklist_count_item_update',
        // migration 95: the worklist's tally of open steps per variant and window
        'worklist_tally_item_delete',
        'worklist_tally_item_insert',
        'worklist_tally_item_update_new',
        'worklist_tally_item_update_old',
      ])
      const insert = (kind: string | null) => () =>
        migrated
          .prepare(
            `INSERT INTO followup_item (patient_id, kind, due_from, due_to, reason, status, created_at, updated_at)
             VALUES (1, ?, '2026-06-01', '2026-06-01', 'x', 'done', ?, ?)`,
          )
          .run(kind, AT, AT)
      expect(insert('bogus')).toThrow(/CHECK constraint failed/)
      expect(insert(null)).toThrow(/NOT NULL constraint failed: followup_item.kind/)
      expect(() =>
        migrated
          .prepare(
            `INSERT INTO followup_item (patient_id, due_from, due_to, reason, created_at, updated_at)
             VALUES (1, '2026-06-01', '2026-06-01', 'x', ?, ?)`,
          )
          .run(AT, AT),
      ).toThrow(/NOT NULL constraint failed: followup_item.kind/)
      // Still one scheduled item per patient.
      expect(insert('imaging-now')).not.toThrow()
      expect(() =>
        migrated
          .prepare(
            `INSERT INTO followup_item (patient_id, kind, due_from, due_to, reason, created_at, updated_at)
             VALUES (1, 'imaging', '2026-06-01', '2026-06-01', 'x', ?, ?)`,
          )
          .run(AT, AT),
      ).toThrow(/UNIQUE constraint failed/)
    } finally {
      migrated.close()
      fresh.close()
    }
  })

  it('serves the migrated items with their kind through the contract', async () => {
    schema10Log()
    const backend = openBackend({
      dataFile: file,
      transport: 'web',
      version: 'test',
      now: () => new Date('2026-06-03T10:00:00Z'),
      user: 'dr.test',
    })
    try {
      const detail = await dispatch(backend.handlers, 'patients.detail', { id: 1 }, () => undefined)
      if (!detail.ok) throw new Error(JSON.stringify(detail.error))
      expect((detail.value as ResultOf<'patients.detail'>).items.map((i) => i.kind)).toEqual(
        OLD_ITEMS.map((i) => i.kind).reverse(),
      )
      const page = await dispatch(
        backend.handlers,
        'worklist.page',
        { bucket: 'all', sort: 'due', descending: false, limit: 10, offset: 0 },
        () => undefined,
      )
      if (!page.ok) throw new Error(JSON.stringify(page.error))
      expect((page.value as ResultOf<'worklist.page'>).map((r) => r.item?.kind)).toEqual(['clinician-review'])
    } finally {
      backend.close()
    }
  })
})

describe('migration 68: a derived last result is said as such', () => {
  it('marks the patients whose latest study has no reader’s result but a derived one, and no others', async () => {
    const b = openBackend({ dataFile: file, transport: 'web', version: 'test', user: 'dr.test' })
    const ok = async <T>(name: Parameters<typeof dispatch>[1], req: unknown): Promise<T> => {
      const r = await dispatch(b.handlers, name, req, () => undefined)
      if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`)
      return r.value as T
    }
    const lesion = (mm: number) => [
      { id: 'T1', organ: 'pancreas', nodal: false, role: 'target', diameterMm: mm, status: null },
    ]
    const study = (date: string, result: string, mm: number) => ({
      date,
      procedure: 'mri-abdomen-pelvis-without-and-with-iv-contrast',
      result,
      lesions: lesion(mm),
      dose: {
        effectiveMsv: null,
        ctdiVolMgy: null,
        dlpMgyCm: null,
        region: null,
        activityMbq: null,
        agent: null,
      },
      note: null,
    })
    const ids: number[] = []
    for (const [i, last] of (['not-read-yet', 'stable'] as const).entries()) {
      const p = await ok<{ id: number }>('patients.create', patientInput({ mrn: `M-${i}` }))
      await ok('studies.record', { patientId: p.id, study: study('2025-06-01', 'stable', 30) })
      await ok('studies.record', { patientId: p.id, study: study('2026-06-01', last, 40) })
      ids.push(p.id)
    }
    b.close()
    // The log as schema 65 had it: no column; then the migration adds and fills it.
    const db = new Database(file)
    try {
      db.exec('ALTER TABLE patient DROP COLUMN last_result_derived')
      migration0068.up(db)
      const rows = db
        .prepare('SELECT id, last_result, last_result_derived FROM patient ORDER BY id')
        .all() as Array<{ id: number; last_result: string; last_result_derived: number }>
      expect(rows).toEqual([
        { id: ids[0], last_result: 'progression', last_result_derived: 1 },
        { id: ids[1], last_result: 'stable', last_result_derived: 0 },
      ])
    } finally {
      db.close()
    }
  })
})

describe('migrations 115 and 130 (the type-ahead prefix table)', () => {
  it('builds the table for the patients of an existing log in place, and type-ahead finds them in every sort', () => {
    const before = MIGRATIONS.filter((m) => m.version < 115)
    const old = openDatabase(file, { migrations: before })
    const insP = old.prepare(
      `INSERT INTO patient (id, mrn, name, created_at, updated_at, last_result, cumulative_msv)
       VALUES (?, ?, ?, 'x', 'x', ?, ?)`,
    )
    insP.run(1, 'MRN-0001', 'Émile Borel', 'stable', 2.5)
    insP.run(2, 'MRN-0002', 'Ada Lovelace', null, null)
    insP.run(3, 'XY-77', 'Adam Zed', 'progression', 9)
    old
      .prepare(
        `INSERT INTO followup_item (patient_id, kind, due_from, due_to, override_due_from, override_due_to,
           override_reason_code, reason, status, created_at, updated_at)
         VALUES (1, 'imaging', '2026-07-01', '2026-08-01', '2026-06-10', '2026-06-20', 'clinician-decision', 'x', 'scheduled', 'x', 'x')`,
      )
      .run()
    old.close()

    const db = openDatabase(file)
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
      // Migration 130 keeps the beginnings of 1 to 3 letters (6 for a word with a digit), a row for each sort.
      const keys = (k: number) =>
        db
          .prepare(`SELECT prefix, key FROM patient_prefix WHERE patient_id = 1 AND k = ? ORDER BY prefix`)
          .all(k)
      const prefixes = ['0', '00', '000', '0001', 'b', 'bo', 'bor', 'e', 'em', 'emi', 'm', 'mr', 'mrn']
      expect(keys(0)).toEqual(prefixes.map((prefix) => ({ prefix, key: '2026-06-10' })))
      expect(keys(3)).toEqual(prefixes.map((prefix) => ({ prefix, key: 'stable' })))
      expect(keys(4)).toEqual(prefixes.map((prefix) => ({ prefix, key: 2.5 })))
      const dates = { today: '2026-06-01', in30Days: '2026-07-01', in90Days: '2026-08-30' }
      for (const sort of ['due', 'name', 'mrn', 'result', 'dose'] as const) {
        const found = (search: string) =>
          worklistPage(db, { bucket: 'all', search, sort, descending: false, limit: 10 }, dates).map(
            (r) => r.patientId,
          )
        expect(found('e').sort()).toEqual([1])
        expect(found('ad').sort()).toEqual([2, 3])
        expect(found('mrn').sort()).toEqual([1, 2])
        expect(found('lovel')).toEqual([2])
      }
    } finally {
      db.close()
    }
  })
})

describe('migration 130 (the smaller type-ahead table)', () => {
  it('builds the table of a schema-120 log again in place, with progress, and the full check finds it whole', () => {
    const file = path.join(dir, 'log130.sqlite')
    const old = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 130) })
    const insP = old.prepare(
      `INSERT INTO patient (id, mrn, name, created_at, updated_at, last_result, cumulative_msv)
       VALUES (?, ?, ?, 'x', 'x', ?, ?)`,
    )
    for (let i = 1; i <= 40; i++)
      insP.run(
        i,
        `MRN-${i}`,
        `${i % 2 ? 'Ada Lovelace' : 'Émile Borel'} ${i}`,
        i % 3 ? 'stable' : null,
        i % 4 ? i : null,
      )
    const insF = old.prepare(
      `INSERT INTO followup_item (patient_id, kind, due_from, due_to, reason, status, created_at, updated_at)
       VALUES (?, 'imaging', '2026-07-01', '2026-08-01', 'x', 'scheduled', 'x', 'x')`,
    )
    for (let i = 1; i <= 40; i += 2) insF.run(i)
    // The table of schema 115: a row per patient and prefix, with copies of the sort keys.
    expect(
      old
        .prepare("SELECT count(*) FROM pragma_table_info('patient_prefix') WHERE name = 'words'")
        .pluck()
        .get(),
    ).toBe(1)
    const heard: Array<[number, number]> = []
    old.transaction(() => {
      migration0130.up(old as unknown as Database.Database, (done, total) => heard.push([done, total]))
      old.pragma('user_version = 130')
    })()
    expect(heard.at(-1)).toEqual([40, 40])
    expect(heard.length).toBe(5)
    const [table, rebuilt] = prefixTableAndRebuild(old)
    expect(table).toEqual(rebuilt)
    // (The patients were written here without audit rows; only the type-ahead part of the check applies.)
    expect(fullCheck(old).filter((p) => /type-ahead/.test(p.message))).toEqual([])
    // And the triggers keep it: a rename, a new step, a result.
    old.prepare(`UPDATE patient SET name = 'Marie Curie', last_result = 'progression' WHERE id = 2`).run()
    insF.run(2)
    expect(prefixTableAndRebuild(old)[0]).toEqual(prefixTableAndRebuild(old)[1])
    old.close()
  })
})

describe('the schema a new log gets', () => {
  it('is the one pinned here: a shipped migration never writes other SQL than it did', async () => {
    // Logs already migrated keep the SQL their migrations wrote, and the open compares the stored
    // schema with the one these migrations make now: SQL that changed in a shipped migration (say
    // through a helper it shares with the queries, as migration 130 does) would turn every such
    // log read-only as changed outside the app. A change of schema is a new migration, and then
    // this snapshot is updated with it (`npx vitest run -u` on this file).
    const db = openDatabase(file)
    const schema = (
      db
        .prepare(
          'SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type, name',
        )
        .all() as Array<{ type: string; name: string; tbl_name: string; sql: string }>
    )
      .map((r) => `-- ${r.type} ${r.name} on ${r.tbl_name}\n${r.sql};\n`)
      .join('\n')
    db.close()
    await expect(`-- schema ${LATEST_SCHEMA_VERSION}\n\n${schema}`).toMatchFileSnapshot(
      './__snapshots__/schema-head.sql',
    )
  })
})

describe('migration 150 (when a recommendation was superseded, read from the row that superseded it)', () => {
  it('clears the stored times that repeat the next row’s, with progress; a time changed behind the app’s back stays and is named', () => {
    const file = path.join(dir, 'log150.sqlite')
    const old = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 150) })
    old
      .prepare(`INSERT INTO patient (id, mrn, name, created_at, updated_at) VALUES (1, 'M-1', 'A', 'x', 'x')`)
      .run()
    const ins = old.prepare(
      `INSERT INTO recommendation (id, patient_id, created_at, as_of, trigger, pack_id, pack_version, action,
         inputs_json, output_json)
       VALUES (?, 1, ?, '2026-01-01', 'manual', 'p', '1', 'a', '{}', '{}')`,
    )
    const supersede = old.prepare(
      'UPDATE recommendation SET superseded_by = ?, superseded_at = ? WHERE id = ?',
    )
    // Three in a line (1 → 2 → 3), then a fourth whose time was changed (4 → 5 says 2020).
    ins.run(1, '2026-01-01T00:00:01.000Z')
    ins.run(2, '2026-01-01T00:00:02.000Z')
    ins.run(3, '2026-01-01T00:00:03.000Z')
    ins.run(4, '2026-01-01T00:00:04.000Z')
    ins.run(5, '2026-01-01T00:00:05.000Z')
    supersede.run(2, '2026-01-01T00:00:02.000Z', 1)
    supersede.run(3, '2026-01-01T00:00:03.000Z', 2)
    supersede.run(4, '2026-01-01T00:00:04.000Z', 3)
    supersede.run(5, '2020-01-01T00:00:00.000Z', 4)
    const heard: Array<[number, number]> = []
    old.transaction(() => {
      migration0150.up(old as unknown as Database.Database, (done, total) => heard.push([done, total]))
      old.pragma('user_version = 150')
    })()
    expect(heard.at(-1)).toEqual([3, 4])
    expect(
      old.prepare('SELECT id, superseded_at FROM recommendation WHERE superseded_at IS NOT NULL').all(),
    ).toEqual([{ id: 4, superseded_at: '2020-01-01T00:00:00.000Z' }])
    old.pragma(`user_version = ${LATEST_SCHEMA_VERSION}`)
    expect(fullCheck(old).map((p) => p.message)).toContain(
      "Recommendation 4 no longer fits the patient's line of recommendations (changed outside the app).",
    )
    old.close()
  })
})

describe('migration 155 (the audit trail by person from runs of rows)', () => {
  it('builds the runs of an existing log with progress, drops the index by person, and the filter reads the same', () => {
    const file = path.join(dir, 'log155.sqlite')
    const old = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 155) })
    const ins = old.prepare(
      `INSERT INTO audit_log (id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash)
       VALUES (?, ?, ?, 'read.worklist', 'access', NULL, NULL, '{}', NULL, randomblob(32))`,
    )
    // Runs: ada 1–3, bob 4, ada 5–6, cy 7–30.
    const actors = ['ada', 'ada', 'ada', 'bob', 'ada', 'ada', ...Array<string>(24).fill('cy')]
    actors.forEach((a, i) => ins.run(i + 1, `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`, a))
    const heard: Array<[number, number]> = []
    old.transaction(() => {
      migration0155.up(old as unknown as Database.Database, (done, total) => heard.push([done, total]))
      old.pragma('user_version = 155')
    })()
    expect(heard.at(-1)).toEqual([30, 30])
    expect(
      old.prepare('SELECT first_id, last_id, actor FROM audit_actor_run ORDER BY first_id').all(),
    ).toEqual([
      { first_id: 1, last_id: 3, actor: 'ada' },
      { first_id: 4, last_id: 4, actor: 'bob' },
      { first_id: 5, last_id: 6, actor: 'ada' },
      { first_id: 7, last_id: 30, actor: 'cy' },
    ])
    expect(
      old.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'audit_log_actor'").pluck().get(),
    ).toBe(0)
    // The filter by person answers what the rows say, newest first, paged and counted.
    const ids = (actor: string, beforeId: number | null = null, limit = 100) =>
      auditPage(old, { actor }, { beforeId, limit }).entries.map((e) => e.id)
    for (const actor of ['ada', 'bob', 'cy', 'nobody'])
      expect(ids(actor)).toEqual(
        old.prepare('SELECT id FROM audit_log WHERE actor = ? ORDER BY id DESC').pluck().all(actor),
      )
    expect(ids('ada')).toEqual([6, 5, 3, 2, 1])
    expect(auditPage(old, { actor: 'ada' }, { beforeId: 6, limit: 2 })).toMatchObject({ next: 3 })
    expect(ids('ada', 3, 2)).toEqual([2, 1])
    expect(auditCount(old, { actor: 'ada' }, 10)).toEqual({ total: 5, capped: false })
    expect(auditCount(old, { actor: 'cy' }, 10)).toEqual({ total: 10, capped: true })
    expect(auditCount(old, { actor: 'ada', kinds: ['read'] }, 10)).toEqual({ total: 5, capped: false })
    expect(auditActors(old)).toEqual(['ada', 'bob', 'cy'])
    // The trigger keeps them: a row of cy's extends cy's run, then one of bob's starts another.
    ins.run(31, '2026-01-01T00:01:00.000Z', 'cy')
    ins.run(32, '2026-01-01T00:01:01.000Z', 'bob')
    expect(
      old.prepare('SELECT first_id, last_id, actor FROM audit_actor_run WHERE first_id >= 7').all(),
    ).toEqual([
      { first_id: 7, last_id: 31, actor: 'cy' },
      { first_id: 32, last_id: 32, actor: 'bob' },
    ])
    expect(auditPage(old, { actor: 'bob' }, { beforeId: null, limit: 10 }).entries.map((e) => e.id)).toEqual([
      32, 4,
    ])
    old.close()
  })
})
