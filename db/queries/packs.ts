import { DbError } from '../errors'
import { cached } from '../stmt'
import type { ReadableDb, WritableDb } from '../tx'
import type { GuidelinePackRecord } from '../types'

// Guideline packs kept in the log (migration 70). Writes run in the caller's audited transaction
// (electron/backend/services/packs.ts).

interface PackRow {
  id: number
  pack_id: string
  version: string
  title: string
  sha256: string
  built_in: number
  imported_at: string
  imported_by: string
  active: number
  activated_at: string | null
  activated_by: string | null
  previous_id: number | null
}

const FIELDS = `id, pack_id, version, title, sha256, built_in, imported_at, imported_by, active, activated_at,
  activated_by, previous_id`

function toRecord(r: PackRow): GuidelinePackRecord {
  return {
    id: r.id,
    packId: r.pack_id,
    version: r.version,
    title: r.title,
    sha256: r.sha256,
    builtIn: r.built_in === 1,
    importedAt: r.imported_at,
    importedBy: r.imported_by,
    active: r.active === 1,
    activatedAt: r.activated_at,
    activatedBy: r.activated_by,
    previousId: r.previous_id,
  }
}

/** Every pack in the log, newest import first. */
export function listPacks(db: ReadableDb): GuidelinePackRecord[] {
  return (db.prepare(`SELECT ${FIELDS} FROM guideline_pack ORDER BY id DESC`).all() as PackRow[]).map(
    toRecord,
  )
}

export function getPack(db: ReadableDb, id: number): GuidelinePackRecord | null {
  const row = db.prepare(`SELECT ${FIELDS} FROM guideline_pack WHERE id = ?`).get(id) as PackRow | undefined
  return row ? toRecord(row) : null
}

export function requirePack(db: ReadableDb, id: number): GuidelinePackRecord {
  const p = getPack(db, id)
  if (!p) throw new DbError('NOT_FOUND', `No guideline pack with id ${id} in the log.`)
  return p
}

export function findPack(db: ReadableDb, packId: string, version: string): GuidelinePackRecord | null {
  const row = db
    .prepare(`SELECT ${FIELDS} FROM guideline_pack WHERE pack_id = ? AND version = ?`)
    .get(packId, version) as PackRow | undefined
  return row ? toRecord(row) : null
}

/** The active pack's row, or null when the log uses the pack shipped with the app. */
export function activePackRow(db: ReadableDb): GuidelinePackRecord | null {
  const row = cached(db, `SELECT ${FIELDS} FROM guideline_pack WHERE active = 1`).get() as PackRow | undefined
  return row ? toRecord(row) : null
}

/** The stored document text of a pack. */
export function packDocument(db: ReadableDb, id: number): string {
  const text = db.prepare('SELECT document FROM guideline_pack WHERE id = ?').pluck().get(id) as
    string | undefined
  if (text === undefined) throw new DbError('NOT_FOUND', `No guideline pack with id ${id} in the log.`)
  return text
}

export function insertPack(
  db: WritableDb,
  p: {
    packId: string
    version: string
    title: string
    sha256: string
    document: string
    builtIn: boolean
    at: string
    by: string
  },
): number {
  return Number(
    db
      .prepare(
        `INSERT INTO guideline_pack (pack_id, version, title, sha256, document, built_in, imported_at, imported_by)
         VALUES (@packId, @version, @title, @sha256, @document, @builtIn, @at, @by)`,
      )
      .run({ ...p, builtIn: p.builtIn ? 1 : 0 }).lastInsertRowid,
  )
}

/** The pack is no longer the one in use. */
export function deactivatePack(db: WritableDb, id: number): void {
  db.prepare('UPDATE guideline_pack SET active = 0 WHERE id = ?').run(id)
}

/**
 * Makes `id` the pack in use (after the one in use was deactivated), with who and when; a
 * `previousId` replaces the pack it goes back to (omitted: kept, as when reverting to it).
 */
export function activatePack(
  db: WritableDb,
  id: number,
  a: { at: string; by: string; previousId?: number },
): void {
  db.prepare(
    `UPDATE guideline_pack SET active = 1, activated_at = @at, activated_by = @by,
       previous_id = coalesce(@previousId, previous_id)
     WHERE id = @id`,
  ).run({ id, at: a.at, by: a.by, previousId: a.previousId ?? null })
}

/** The patients under surveillance: in the log, not entered in error, not left. */
export function openCaseIds(db: ReadableDb): number[] {
  return db
    .prepare(
      `SELECT p.id FROM patient p
       WHERE p.entered_in_error_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM surveillance_exit e WHERE e.patient_id = p.id AND e.reopened_at IS NULL)
       ORDER BY p.id`,
    )
    .pluck()
    .all() as number[]
}

export interface StaleCase {
  patientId: number
  name: string
  mrn: string
  packId: string
  packVersion: string
  recommendedAt: string
}

/** Open cases whose current recommendation came from another pack than `packId`@`version`. */
export function casesFromOtherPacks(
  db: ReadableDb,
  packId: string,
  version: string,
  limit = 500,
): StaleCase[] {
  return db
    .prepare(
      `SELECT p.id AS patientId, p.name, p.mrn, r.pack_id AS packId, r.pack_version AS packVersion,
              r.created_at AS recommendedAt
       FROM recommendation r JOIN patient p ON p.id = r.patient_id
       WHERE r.superseded_by IS NULL AND NOT (r.pack_id = @packId AND r.pack_version = @version)
         AND p.entered_in_error_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM surveillance_exit e WHERE e.patient_id = p.id AND e.reopened_at IS NULL)
       ORDER BY p.name COLLATE NOCASE, p.id
       LIMIT @limit`,
    )
    .all({ packId, version, limit }) as StaleCase[]
}
