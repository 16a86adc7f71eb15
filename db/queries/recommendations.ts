import { recommendationDigestOf } from '../audit'
import { packValue, RECOMMENDATION_INLINE, unpackValue } from '../packed'
import { cached } from '../stmt'
import type { ReadableDb, WritableDb } from '../tx'
import type { IsoDate, RecommendationRecord, RecommendationSummary, RecommendationTrigger } from '../types'

// A recommendation's case and evaluation are stored packed (db/packed.ts, schema 90): what the
// patient's earlier recommendations and every other one already hold is stored once. Readers get
// the same values as ever; a list of recommendations reads the decision columns only (summaries),
// and one recommendation is read whole by id.

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
  packed: 0 | 1
  superseded_by: number | null
  superseded_at: string | null
}

const SUMMARY_COLUMNS = `id, patient_id, created_at, as_of, trigger, pack_id, pack_version, variant, action,
  procedure, interval_min, interval_max, due_from, due_to, superseded_by, superseded_at`

function toSummary(
  r: Omit<RecommendationRow, 'inputs_json' | 'output_json' | 'packed'>,
): RecommendationSummary {
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
    supersededBy: r.superseded_by,
    supersededAt: r.superseded_at,
  }
}

function toRecord(db: ReadableDb, r: RecommendationRow): RecommendationRecord {
  const { supersededBy, supersededAt, ...decision } = toSummary(r)
  return {
    ...decision,
    inputs: r.packed ? unpackValue(db, r.inputs_json) : JSON.parse(r.inputs_json),
    output: r.packed ? unpackValue(db, r.output_json) : JSON.parse(r.output_json),
    supersededBy,
    supersededAt,
  }
}

/** The stored case and evaluation texts as they were written (unpacked), for the digest of the row. */
export function storedTexts(db: ReadableDb, r: { inputs_json: string; output_json: string; packed: 0 | 1 }) {
  return r.packed
    ? {
        inputs: JSON.stringify(unpackValue(db, r.inputs_json)),
        output: JSON.stringify(unpackValue(db, r.output_json)),
      }
    : { inputs: r.inputs_json, output: r.output_json }
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
): { id: number; superseded: number | null; digest: string } {
  const previous = cached(
    db,
    'SELECT id FROM recommendation WHERE patient_id = ? AND superseded_by IS NULL ORDER BY id DESC LIMIT 1',
  )
    .pluck()
    .get(r.patientId) as number | undefined
  const inputs = JSON.stringify(r.inputs)
  const output = JSON.stringify(r.output)
  const values = {
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
  }
  const id = Number(
    cached(
      db,
      `INSERT INTO recommendation (patient_id, created_at, as_of, trigger, pack_id, pack_version, variant, action,
           procedure, interval_min, interval_max, due_from, due_to, inputs_json, output_json, packed)
         VALUES (@patientId, @createdAt, @asOf, @trigger, @packId, @packVersion, @variant, @action,
           @procedure, @intervalMin, @intervalMax, @dueFrom, @dueTo, @inputsJson, @outputJson, @packed)`,
    ).run({ ...values, ...packed(db, r, inputs, output) }).lastInsertRowid,
  )
  cached(
    db,
    `UPDATE recommendation SET superseded_by = @id, superseded_at = @at
     WHERE patient_id = @patientId AND superseded_by IS NULL AND id <> @id`,
  ).run({ id, at: r.createdAt, patientId: r.patientId })
  // The row's digest (db/audit.ts `recommendationDigest`) from the values just written, in its
  // columns' order; the packed texts unpack to exactly `inputs` and `output`.
  const digest = recommendationDigestOf([...Object.values(values), inputs, output])
  return { id, superseded: previous ?? null, digest }
}

function packed(db: WritableDb, r: NewRecommendation, inputs: string, output: string) {
  const i = packValue(db, r.inputs, inputs)
  const o = i === null ? null : packValue(db, r.output, output, RECOMMENDATION_INLINE)
  return i !== null && o !== null
    ? { inputsJson: i, outputJson: o, packed: 1 }
    : { inputsJson: inputs, outputJson: output, packed: 0 }
}

/**
 * Newest first, without case and evaluation: the current one (superseded_by null) and the earlier
 * ones, `limit` at most, older than `beforeId` when given (the next page).
 */
export function listRecommendationSummaries(
  db: ReadableDb,
  patientId: number,
  page: { beforeId?: number | null; limit: number },
): RecommendationSummary[] {
  return (
    cached(
      db,
      `SELECT ${SUMMARY_COLUMNS} FROM recommendation WHERE patient_id = @patientId AND id < @before
       ORDER BY id DESC LIMIT @limit`,
    ).all({
      patientId,
      before: page.beforeId ?? Number.MAX_SAFE_INTEGER,
      limit: page.limit,
    }) as RecommendationRow[]
  ).map(toSummary)
}

export function countRecommendations(db: ReadableDb, patientId: number): number {
  return cached(db, 'SELECT count(*) FROM recommendation WHERE patient_id = ?')
    .pluck()
    .get(patientId) as number
}

/** One recommendation whole (case and evaluation), or null. */
export function getRecommendation(db: ReadableDb, id: number): RecommendationRecord | null {
  const row = cached(db, 'SELECT * FROM recommendation WHERE id = ?').get(id) as RecommendationRow | undefined
  return row ? toRecord(db, row) : null
}

/** Newest first, every one whole: for a test or an export of one patient's history. */
export function listRecommendations(db: ReadableDb, patientId: number): RecommendationRecord[] {
  return (
    cached(db, 'SELECT * FROM recommendation WHERE patient_id = ? ORDER BY id DESC').all(
      patientId,
    ) as RecommendationRow[]
  ).map((r) => toRecord(db, r))
}

export function currentRecommendation(db: ReadableDb, patientId: number): RecommendationRecord | null {
  const row = cached(
    db,
    'SELECT * FROM recommendation WHERE patient_id = ? AND superseded_by IS NULL ORDER BY id DESC LIMIT 1',
  ).get(patientId) as RecommendationRow | undefined
  return row ? toRecord(db, row) : null
}
