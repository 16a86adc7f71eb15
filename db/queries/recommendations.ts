import { cached } from '../stmt'
import type { ReadableDb, WritableDb } from '../tx'
import type { IsoDate, RecommendationRecord, RecommendationTrigger } from '../types'

interface RecommendationRow {
  id: number
  patient_id: number
  created_at: string
  as_of: string
  trigger: RecommendationTrigger
  pack_id: string
  pack_version: string
  variant: RecommendationRecord['variant']
  action: string
  procedure: RecommendationRecord['procedure']
  interval_min: number | null
  interval_max: number | null
  due_from: string | null
  due_to: string | null
  inputs_json: string
  output_json: string
  superseded_by: number | null
  superseded_at: string | null
}

function toRecord(r: RecommendationRow): RecommendationRecord {
  return {
    id: r.id,
    patientId: r.patient_id,
    createdAt: r.created_at,
    asOf: r.as_of,
    trigger: r.trigger,
    packId: r.pack_id,
    packVersion: r.pack_version,
    variant: r.variant,
    action: r.action,
    procedure: r.procedure,
    intervalMonths:
      r.interval_min !== null && r.interval_max !== null
        ? { min: r.interval_min, max: r.interval_max }
        : null,
    due: r.due_from !== null && r.due_to !== null ? { from: r.due_from, to: r.due_to } : null,
    inputs: JSON.parse(r.inputs_json),
    output: JSON.parse(r.output_json),
    supersededBy: r.superseded_by,
    supersededAt: r.superseded_at,
  }
}

export interface NewRecommendation {
  patientId: number
  createdAt: string
  asOf: IsoDate
  trigger: RecommendationTrigger
  packId: string
  packVersion: string
  variant: RecommendationRecord['variant']
  action: string
  procedure: RecommendationRecord['procedure']
  intervalMonths: { min: number; max: number } | null
  due: { from: IsoDate; to: IsoDate } | null
  inputs: unknown
  output: unknown
}

/**
 * Stores a recommendation and marks the patient's earlier current one superseded by it, in the
 * caller's write transaction. Returns the new id and the id it superseded.
 */
export function insertRecommendation(
  db: WritableDb,
  r: NewRecommendation,
): { id: number; superseded: number | null } {
  const previous = cached(
    db,
    'SELECT id FROM recommendation WHERE patient_id = ? AND superseded_by IS NULL ORDER BY id DESC LIMIT 1',
  )
    .pluck()
    .get(r.patientId) as number | undefined
  const id = Number(
    cached(
      db,
      `INSERT INTO recommendation (patient_id, created_at, as_of, trigger, pack_id, pack_version, variant, action,
           procedure, interval_min, interval_max, due_from, due_to, inputs_json, output_json)
         VALUES (@patientId, @createdAt, @asOf, @trigger, @packId, @packVersion, @variant, @action,
           @procedure, @intervalMin, @intervalMax, @dueFrom, @dueTo, @inputsJson, @outputJson)`,
    ).run({
      patientId: r.patientId,
      createdAt: r.createdAt,
      asOf: r.asOf,
      trigger: r.trigger,
      packId: r.packId,
      packVersion: r.packVersion,
      variant: r.variant,
      action: r.action,
      procedure: r.procedure,
      intervalMin: r.intervalMonths?.min ?? null,
      intervalMax: r.intervalMonths?.max ?? null,
      dueFrom: r.due?.from ?? null,
      dueTo: r.due?.to ?? null,
      inputsJson: JSON.stringify(r.inputs),
      outputJson: JSON.stringify(r.output),
    }).lastInsertRowid,
  )
  cached(
    db,
    `UPDATE recommendation SET superseded_by = @id, superseded_at = @at
     WHERE patient_id = @patientId AND superseded_by IS NULL AND id <> @id`,
  ).run({ id, at: r.createdAt, patientId: r.patientId })
  return { id, superseded: previous ?? null }
}

/** Newest first: the current one (superseded_by null) and every earlier one. */
export function listRecommendations(db: ReadableDb, patientId: number): RecommendationRecord[] {
  return (
    cached(db, 'SELECT * FROM recommendation WHERE patient_id = ? ORDER BY id DESC').all(
      patientId,
    ) as RecommendationRow[]
  ).map(toRecord)
}

export function currentRecommendation(db: ReadableDb, patientId: number): RecommendationRecord | null {
  const row = cached(
    db,
    'SELECT * FROM recommendation WHERE patient_id = ? AND superseded_by IS NULL ORDER BY id DESC LIMIT 1',
  ).get(patientId) as RecommendationRow | undefined
  return row ? toRecord(row) : null
}
