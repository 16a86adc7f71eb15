import type { DB } from '../open'
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
 * Stores a recommendation and marks the patient's earlier current one superseded by it.
 * Call inside the caller's transaction. Returns the new id and the id it superseded.
 */
export function insertRecommendation(
  db: DB,
  r: NewRecommendation,
): { id: number; superseded: number | null } {
  const previous = db
    .prepare(
      'SELECT id FROM recommendation WHERE patient_id = ? AND superseded_by IS NULL ORDER BY id DESC LIMIT 1',
    )
    .pluck()
    .get(r.patientId) as number | undefined
  const id = Number(
    db
      .prepare(
        `INSERT INTO recommendation (patient_id, created_at, as_of, trigger, pack_id, pack_version, variant, action,
           procedure, interval_min, interval_max, due_from, due_to, inputs_json, output_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.patientId,
        r.createdAt,
        r.asOf,
        r.trigger,
        r.packId,
        r.packVersion,
        r.variant,
        r.action,
        r.procedure,
        r.intervalMonths?.min ?? null,
        r.intervalMonths?.max ?? null,
        r.due?.from ?? null,
        r.due?.to ?? null,
        JSON.stringify(r.inputs),
        JSON.stringify(r.output),
      ).lastInsertRowid,
  )
  db.prepare(
    'UPDATE recommendation SET superseded_by = ?, superseded_at = ? WHERE patient_id = ? AND superseded_by IS NULL AND id <> ?',
  ).run(id, r.createdAt, r.patientId, id)
  return { id, superseded: previous ?? null }
}

/** Newest first: the current one (superseded_by null) and every earlier one. */
export function listRecommendations(db: DB, patientId: number): RecommendationRecord[] {
  return (
    db
      .prepare('SELECT * FROM recommendation WHERE patient_id = ? ORDER BY id DESC')
      .all(patientId) as RecommendationRow[]
  ).map(toRecord)
}

export function currentRecommendation(db: DB, patientId: number): RecommendationRecord | null {
  const row = db
    .prepare(
      'SELECT * FROM recommendation WHERE patient_id = ? AND superseded_by IS NULL ORDER BY id DESC LIMIT 1',
    )
    .get(patientId) as RecommendationRow | undefined
  return row ? toRecord(row) : null
}
