import { inlineOf, recommendationDigestOf } from '../audit'
import { newBody, readTexts, remember } from '../delta'
import { cached } from '../stmt'
import type { ReadableDb, WritableDb } from '../tx'
import type { IsoDate, RecommendationRecord, RecommendationSummary, RecommendationTrigger } from '../types'

// A recommendation's case and evaluation are stored as a delta (db/delta.ts, schema 110): deflated
// against the patient's previous recommendation, so what it repeats of that one is not stored
// again. `output_json` keeps the evaluation's `alerts` inline (the worklist reads `$.alerts` in SQL);
// `inputs_json` is then `{}`. Readers get the same values as ever; a list of recommendations reads
// the decision columns only (summaries), and one recommendation is read whole by id.

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
  body: Buffer | null
  superseded_by: number | null
  superseded_at: string | null
}

/**
 * When a recommendation was superseded: the creation time of the one that superseded it. Since
 * schema 150 it is read from that row, not stored twice (`recommendation.superseded_at` stays NULL;
 * migration 150). Read of a row of `recommendation` named as such (not aliased).
 */
const SUPERSEDED_AT = `(SELECT n.created_at FROM recommendation n WHERE n.id = recommendation.superseded_by) AS superseded_at`

/** Every stored column of a row, with when it was superseded. */
const ROW_COLUMNS = `*, ${SUPERSEDED_AT}`

const SUMMARY_COLUMNS = `id, patient_id, created_at, as_of, trigger, pack_id, pack_version, variant, action,
  procedure, interval_min, interval_max, due_from, due_to, superseded_by, ${SUPERSEDED_AT}`

function toSummary(
  r: Omit<RecommendationRow, 'inputs_json' | 'output_json' | 'body'>,
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
  const { inputs, output } = storedTexts(db, r)
  return recordOf(r, inputs, output)
}

/** The record of a row whose case and evaluation are the texts `inputs` and `output`. */
function recordOf(
  r: Omit<RecommendationRow, 'inputs_json' | 'output_json' | 'body'>,
  inputs: string,
  output: string,
): RecommendationRecord {
  return recordWith(r, JSON.parse(inputs), JSON.parse(output))
}

/** The record of a row with its case and evaluation as values. */
function recordWith(
  r: Omit<RecommendationRow, 'inputs_json' | 'output_json' | 'body'>,
  inputs: unknown,
  output: unknown,
): RecommendationRecord {
  const { supersededBy, supersededAt, ...decision } = toSummary(r)
  return { ...decision, inputs, output, supersededBy, supersededAt }
}

/** The case and evaluation texts as they were written, for the record and the digest of the row. */
export function storedTexts(
  db: ReadableDb,
  r: { id: number; inputs_json: string; output_json: string; body: Buffer | null },
): { inputs: string; output: string } {
  if (r.body === null) return { inputs: r.inputs_json, output: r.output_json }
  const [inputs, output] = readTexts(db, 'recommendation', r.id)!
  return { inputs: inputs!, output: output! }
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
): { id: number; superseded: number | null; digest: string; record: RecommendationRecord } {
  const previous = cached(
    db,
    'SELECT id FROM recommendation WHERE patient_id = ? AND superseded_by IS NULL ORDER BY id DESC LIMIT 1',
  )
    .pluck()
    .get(r.patientId) as number | undefined
  const inputs = JSON.stringify(r.inputs)
  const output = JSON.stringify(r.output)
  const stored = newBody(db, 'recommendation', previous ?? null, [inputs, output])
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
           procedure, interval_min, interval_max, due_from, due_to, inputs_json, output_json, body, body_base)
         VALUES (@patientId, @createdAt, @asOf, @trigger, @packId, @packVersion, @variant, @action,
           @procedure, @intervalMin, @intervalMax, @dueFrom, @dueTo, '{}', @outputJson, @body, @base)`,
    ).run({
      ...values,
      outputJson: inlineOf(r.output as Record<string, unknown>),
      body: stored.body,
      base: stored.base,
    }).lastInsertRowid,
  )
  remember(db, 'recommendation', id, stored)
  cached(
    db,
    `UPDATE recommendation SET superseded_by = @id
     WHERE patient_id = @patientId AND superseded_by IS NULL AND id <> @id`,
  ).run({ id, patientId: r.patientId })
  // The row's digest (db/audit.ts `recommendationDigest`) from the values just written, in its
  // columns' order; the packed texts unpack to exactly `inputs` and `output`.
  const digest = recommendationDigestOf([...Object.values(values), inputs, output])
  // The record as it now reads back (it is the current one: nothing supersedes it yet): the case
  // and evaluation are plain data (JSON values: the engine's answer, the case built from rows), so
  // the values given are what parsing the texts just written would give, without parsing them.
  const record = recordWith(
    {
      id,
      patient_id: r.patientId,
      created_at: r.createdAt,
      as_of: r.asOf,
      trigger: r.trigger,
      pack_id: r.packId,
      pack_version: r.packVersion,
      variant: r.variant,
      action: r.action,
      procedure: r.procedure,
      interval_min: values.intervalMin,
      interval_max: values.intervalMax,
      due_from: values.dueFrom,
      due_to: values.dueTo,
      superseded_by: null,
      superseded_at: null,
    },
    r.inputs,
    r.output,
  )
  return { id, superseded: previous ?? null, digest, record }
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
  const row = cached(db, `SELECT ${ROW_COLUMNS} FROM recommendation WHERE id = ?`).get(id) as
    RecommendationRow | undefined
  return row ? toRecord(db, row) : null
}

/** Newest first, every one whole: for a test or an export of one patient's history. */
export function listRecommendations(db: ReadableDb, patientId: number): RecommendationRecord[] {
  return (
    cached(db, `SELECT ${ROW_COLUMNS} FROM recommendation WHERE patient_id = ? ORDER BY id DESC`).all(
      patientId,
    ) as RecommendationRow[]
  ).map((r) => toRecord(db, r))
}

/**
 * The patient's current recommendation without its case (`inputs`), or null: what the patient page
 * shows, without parsing the case (every study again) it does not show.
 */
export function currentDecision(
  db: ReadableDb,
  patientId: number,
): Omit<RecommendationRecord, 'inputs'> | null {
  const row = cached(db, CURRENT).get(patientId) as RecommendationRow | undefined
  if (!row) return null
  const { supersededBy, supersededAt, ...decision } = toSummary(row)
  return { ...decision, output: JSON.parse(storedTexts(db, row).output), supersededBy, supersededAt }
}

// The current one is superseded by none: its `superseded_at` is NULL (SUPERSEDED_AT).
const CURRENT =
  'SELECT *, NULL AS superseded_at FROM recommendation WHERE patient_id = ? AND superseded_by IS NULL ORDER BY id DESC LIMIT 1'

export function currentRecommendation(db: ReadableDb, patientId: number): RecommendationRecord | null {
  const row = cached(db, CURRENT).get(patientId) as RecommendationRow | undefined
  return row ? toRecord(db, row) : null
}
