import type { ReadableDb } from '../tx'
import type { IsoDate, WorklistCounts, WorklistFlags, WorklistQuery, WorklistRow } from '../types'
import { cached } from '../stmt'
import { IS_DEMO } from './patients'
import { searchCondition } from './search'
import { leftCount } from './surveillance'

// The effective window of an item: the radiologist's override when there is one, else the
// suggestion. The expressions match the partial index `followup_open_due` exactly.
const EFF_FROM = 'coalesce(f.override_due_from, f.due_from)'
const EFF_TO = 'coalesce(f.override_due_to, f.due_to)'

const SORT_SQL: Record<WorklistQuery['sort'], string> = {
  due: `${EFF_FROM}`,
  name: 'p.name COLLATE NOCASE',
  mrn: 'p.mrn COLLATE NOCASE',
  result: 'p.last_result',
  dose: 'p.cumulative_msv',
}

interface Row {
  patient_id: number
  name: string
  mrn: string
  is_demo: number
  variant: WorklistRow['variant']
  last_study_date: string | null
  last_result: WorklistRow['lastResult']
  last_result_derived: number
  cumulative_msv: number | null
  dose_estimated: number
  dose_incomplete: number
  item_id: number | null
  kind: NonNullable<WorklistRow['item']>['kind'] | null
  procedure: NonNullable<WorklistRow['item']>['procedure']
  due_from: string | null
  due_to: string | null
  overridden: number | null
  reason: string | null
}

const NO_FLAGS: WorklistFlags = Object.freeze({
  mriContraindicated: false,
  newSymptoms: false,
  requestNotAppropriate: false,
})

function toRow(r: Row, flags: WorklistFlags = NO_FLAGS): WorklistRow {
  return {
    patientId: r.patient_id,
    name: r.name,
    mrn: r.mrn,
    isDemo: r.is_demo === 1,
    variant: r.variant,
    lastStudyDate: r.last_study_date,
    lastResult: r.last_result,
    lastResultDerived: r.last_result_derived === 1,
    cumulativeMsv: r.cumulative_msv,
    doseEstimated: r.dose_estimated === 1,
    doseIncomplete: r.dose_incomplete === 1,
    item:
      r.item_id !== null && r.kind !== null && r.due_from !== null && r.due_to !== null
        ? {
            id: r.item_id,
            kind: r.kind,
            procedure: r.procedure,
            due: { from: r.due_from, to: r.due_to },
            overridden: r.overridden === 1,
            reason: r.reason ?? '',
          }
        : null,
    flags,
  }
}

interface FlagRow {
  patient_id: number
  mri: number | null
  symptoms: number
  request: number
}

/**
 * The flags of the patients on one page, read after the page is cut (a handful of index lookups
 * per row, never a scan of every patient): MRI contraindicated, new symptoms recorded, and the
 * current recommendation's alert that the requested study is not appropriate or ruled out.
 */
function flagsOf(db: ReadableDb, ids: readonly number[]): Map<number, WorklistFlags> {
  const out = new Map<number, WorklistFlags>()
  if (ids.length === 0) return out
  const rows = cached(
    db,
    `SELECT p.id AS patient_id, c.mri_contraindicated AS mri,
         EXISTS (SELECT 1 FROM patient_symptom s WHERE s.patient_id = p.id) AS symptoms,
         EXISTS (SELECT 1 FROM recommendation r, json_each(r.output_json, '$.alerts') a
                 WHERE r.patient_id = p.id AND r.superseded_by IS NULL
                   AND a.value IN ('requested-study-not-appropriate', 'requested-study-contraindicated')) AS request
       FROM patient p LEFT JOIN patient_constraint c ON c.patient_id = p.id
       WHERE p.id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(ids)) as FlagRow[]
  for (const r of rows) {
    out.set(r.patient_id, {
      mriContraindicated: r.mri === 1,
      newSymptoms: r.symptoms === 1,
      requestNotAppropriate: r.request === 1,
    })
  }
  return out
}

const COLUMNS = `p.id AS patient_id, p.name, p.mrn, ${IS_DEMO} AS is_demo, p.variant, p.last_study_date, p.last_result, p.last_result_derived,
  p.cumulative_msv, p.dose_estimated, p.dose_incomplete, f.id AS item_id, f.kind,
  coalesce(f.override_procedure, f.procedure) AS procedure, ${EFF_FROM} AS due_from, ${EFF_TO} AS due_to,
  (f.override_reason_code IS NOT NULL) AS overridden, f.reason`

/**
 * The calendar dates the buckets are cut at. The caller computes them (with the engine's date
 * arithmetic) for the reader's today.
 */
export interface WorklistDates {
  today: IsoDate
  in30Days: IsoDate
  in90Days: IsoDate
}

type Params = Record<string, string | number>

/** The SQL condition of a bucket and the parameters it names (better-sqlite3 refuses unused ones). */
function bucketWhere(bucket: WorklistQuery['bucket'], d: WorklistDates): { sql: string; params: Params } {
  const today = d.today
  switch (bucket) {
    case 'now':
      return { sql: `${EFF_FROM} <= :today`, params: { today } }
    case 'overdue':
      return { sql: `${EFF_FROM} <= :today AND ${EFF_TO} < :today`, params: { today } }
    case 'due':
      return { sql: `${EFF_FROM} <= :today AND ${EFF_TO} >= :today`, params: { today } }
    case 'upcoming-30':
      return { sql: `${EFF_FROM} > :today AND ${EFF_FROM} <= :until`, params: { today, until: d.in30Days } }
    case 'upcoming-90':
      return { sql: `${EFF_FROM} > :today AND ${EFF_FROM} <= :until`, params: { today, until: d.in90Days } }
    case 'all':
      return { sql: '1', params: {} }
    case 'attention':
      return { sql: NEEDS_ATTENTION, params: {} }
  }
}

/**
 * The open step needs a person, not just a booking: a result to enter, a tumour board or a
 * review; the radiologist's choice of study conflicts with the current suggestion, or their window
 * does not meet the suggested one (a deferral's later window is not a conflict); or the patient
 * has new symptoms recorded.
 */
// Each part is read from its own index (a patient has at most one open step, so the patient id
// names the step): the kinds, the overrides, and the patients with symptoms.
const ATTENTION_PATIENTS = `SELECT a.patient_id FROM followup_item a INDEXED BY followup_open_kind
    WHERE a.status = 'scheduled' AND a.kind IN ('enter-result', 'tumor-board', 'clinician-review')
  UNION SELECT o.patient_id FROM followup_item o INDEXED BY followup_open_override
    WHERE o.status = 'scheduled' AND o.override_reason_code IS NOT NULL
      AND ((o.override_procedure IS NOT NULL AND o.override_procedure IS NOT o.procedure)
        OR (o.override_due_from IS NOT NULL AND o.deferral_reason_code IS NULL
          AND (o.override_due_to < o.due_from OR o.override_due_from > o.due_to)))
  UNION SELECT ps.patient_id FROM patient_symptom ps`
export const NEEDS_ATTENTION = `f.patient_id IN (${ATTENTION_PATIENTS})`

interface Plan {
  from: string
  where: string
  params: Params
  /** The item path's condition on the items alone (the patient-side checks left out). */
  itemWhere?: string
  /** Tie-breaker: the item path orders by the index's own column so SQLite needs no sort. */
  tieBreak: string
}

function plan(
  q: Omit<WorklistQuery, 'limit' | 'offset' | 'sort' | 'descending'>,
  dates: WorklistDates,
): Plan {
  const search = searchCondition(q.search)
  let p: Plan
  if (search) {
    p = {
      from: `patient p LEFT JOIN followup_item f ON f.patient_id = p.id AND f.status = 'scheduled'`,
      where: `p.entered_in_error_at IS NULL AND ${search.sql}`,
      params: search.params,
      tieBreak: 'p.id',
    }
  } else {
    const bucket = bucketWhere(q.bucket, dates)
    p = {
      from: `followup_item f JOIN patient p ON p.id = f.patient_id`,
      // A patient entered in error is hidden from every view.
      where: `f.status = 'scheduled' AND ${bucket.sql} AND p.entered_in_error_at IS NULL`,
      itemWhere: `f.status = 'scheduled' AND ${bucket.sql}`,
      params: bucket.params,
      tieBreak: 'f.patient_id',
    }
  }
  if (q.variant) {
    p.where += ' AND p.variant = :variant'
    p.params = { ...p.params, variant: q.variant }
  }
  return p
}

/**
 * One page of the worklist for `today`. Without a search it lists scheduled items in the bucket,
 * by default earliest due first; with a search it finds patients by a name or MRN prefix (whether
 * or not they have an item), which is what type-ahead needs.
 */
export function worklistPage(db: ReadableDb, q: WorklistQuery, dates: WorklistDates): WorklistRow[] {
  const p = plan(q, dates)
  const dir = q.descending ? 'DESC' : 'ASC'
  const order = `${SORT_SQL[q.sort]} ${dir} NULLS LAST, ${p.tieBreak} ${dir}`
  const rows = cached(
    db,
    `SELECT ${COLUMNS} FROM ${p.from} WHERE ${p.where} ORDER BY ${order} LIMIT :limit OFFSET :offset`,
  ).all({
    ...p.params,
    limit: q.limit,
    offset: q.offset,
  }) as Row[]
  const flags = flagsOf(
    db,
    rows.map((r) => r.patient_id),
  )
  return rows.map((r) => toRow(r, flags.get(r.patient_id)))
}

/** How many rows the same query has in all (asked once per filter, not per page). */
export function worklistTotal(
  db: ReadableDb,
  q: Omit<WorklistQuery, 'limit' | 'offset' | 'sort' | 'descending'>,
  dates: WorklistDates,
): number {
  const p = plan(q, dates)
  if (!q.search && !q.variant) {
    // Without a patient-side condition the count reads the item index alone; the (rare) patients
    // entered in error are counted through their partial index and taken off.
    const where = p.itemWhere ?? p.where
    return (
      (cached(db, `SELECT count(*) FROM followup_item f WHERE ${where}`).pluck().get(p.params) as number) -
      (cached(
        db,
        `SELECT count(*) FROM patient p JOIN followup_item f ON f.patient_id = p.id
         WHERE p.entered_in_error_at IS NOT NULL AND ${where}`,
      )
        .pluck()
        .get(p.params) as number)
    )
  }
  return cached(db, `SELECT count(*) FROM ${p.from} WHERE ${p.where}`).pluck().get(p.params) as number
}

/** How many scheduled items are in each bucket on `dates.today` (each a range of the worklist index). */
export function worklistCounts(db: ReadableDb, dates: WorklistDates): WorklistCounts {
  // Each count reads a range of the worklist index; the (rare) patients entered in error are
  // counted through their own partial index and taken off.
  const count = (where: string, params: Params): number =>
    (cached(db, `SELECT count(*) FROM followup_item f WHERE f.status = 'scheduled' AND ${where}`)
      .pluck()
      .get(params) as number) -
    (cached(
      db,
      `SELECT count(*) FROM patient p JOIN followup_item f ON f.patient_id = p.id AND f.status = 'scheduled'
       WHERE p.entered_in_error_at IS NOT NULL AND ${where}`,
    )
      .pluck()
      .get(params) as number)
  const { today } = dates
  return {
    overdue: count(`${EFF_FROM} <= :today AND ${EFF_TO} < :today`, { today }),
    due: count(`${EFF_FROM} <= :today AND ${EFF_TO} >= :today`, { today }),
    upcoming30: count(`${EFF_FROM} > :today AND ${EFF_FROM} <= :until`, { today, until: dates.in30Days }),
    upcoming90: count(`${EFF_FROM} > :today AND ${EFF_FROM} <= :until`, { today, until: dates.in90Days }),
    scheduled: count('1', {}),
    attention: count(NEEDS_ATTENTION, {}),
    left: leftCount(db),
    patients:
      (cached(db, 'SELECT count(*) FROM patient').pluck().get() as number) -
      (cached(db, 'SELECT count(*) FROM patient WHERE entered_in_error_at IS NOT NULL')
        .pluck()
        .get() as number),
  }
}
