import type { ReadableDb } from '../tx'
import type {
  IsoDate,
  WorklistCounts,
  WorklistCursor,
  WorklistFlags,
  WorklistQuery,
  WorklistRow,
  WorklistSort,
} from '../types'
import { cached } from '../stmt'
import { IS_DEMO } from './patients'
import {
  matchExpression,
  NO_KEY,
  PREFIX_SORT,
  prefixOf,
  prefixWords,
  searchCondition,
  searchWords,
} from './search'
import {
  JUMP,
  keyIndex,
  prepareKeyIndex,
  type JumpOptions,
  type KeyIndex,
  type KeyList,
  type Segment,
} from './worklist-jump'

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

type Params = Segment['params']

/**
 * The SQL condition of a bucket and the parameters it names (better-sqlite3 refuses unused ones),
 * and the part of it that is a range of the open steps' due index (`followup_open_due`).
 */
function bucketWhere(
  bucket: WorklistQuery['bucket'],
  d: WorklistDates,
): { sql: string; params: Params; range: { sql: string; params: Params } } {
  const today = d.today
  const all = { sql: '1', params: {} }
  const untilToday = { sql: `${EFF_FROM} <= :today`, params: { today } }
  const upcoming = (until: IsoDate) => {
    const r = { sql: `${EFF_FROM} > :today AND ${EFF_FROM} <= :until`, params: { today, until } }
    return { ...r, range: r }
  }
  switch (bucket) {
    case 'now':
      return { ...untilToday, range: untilToday }
    case 'overdue':
      return { sql: `${EFF_FROM} <= :today AND ${EFF_TO} < :today`, params: { today }, range: untilToday }
    case 'due':
      return { sql: `${EFF_FROM} <= :today AND ${EFF_TO} >= :today`, params: { today }, range: untilToday }
    case 'upcoming-30':
      return upcoming(d.in30Days)
    case 'upcoming-90':
      return upcoming(d.in90Days)
    case 'all':
      return { ...all, range: all }
    case 'attention':
      return { sql: NEEDS_ATTENTION, params: {}, range: all }
  }
}

/** The open steps' due index read alone, as a segment's `walk`. */
const DUE_WALK = `followup_item f INDEXED BY followup_open_due`
const OPEN_STEP = `f.status = 'scheduled'`

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
 * or not they have an item), which is what type-ahead needs. A `cursor` reads the page as a seek
 * from a row (keyset paging: a page deep in the list costs what the first one costs); an `offset`
 * is a position from the start (a jump with the scrollbar, no page read next to it): up to
 * `jump.above` rows it is skipped by OFFSET, further it is found in the list's sparse key index
 * (`jumpRows`) and read from there by cursor.
 */
export function worklistPage(
  db: ReadableDb,
  q: WorklistQuery,
  dates: WorklistDates,
  walkAbove = WALK_ABOVE,
  jump: JumpOptions = JUMP,
): WorklistRow[] {
  const rows =
    q.cursor || !q.offset
      ? keysetRows(db, q, q.cursor ?? null, dates, walkAbove)
      : q.offset <= jump.above
        ? offsetRows(db, { ...q, offset: q.offset }, dates)
        : jumpRows(db, { ...q, offset: q.offset }, dates, walkAbove, jump)
  const flags = flagsOf(
    db,
    rows.map((r) => r.patient_id),
  )
  return rows.map((r) => toRow(r, flags.get(r.patient_id)))
}

/** The list a query reads, as its sparse key index is built (db/queries/worklist-jump.ts). */
function keyList(db: ReadableDb, q: WorklistQuery, dates: WorklistDates, jump: JumpOptions): KeyList {
  const search = q.search?.trim() ?? ''
  return {
    id: JSON.stringify([q.bucket, search, q.variant ?? null, q.sort, q.descending, dates, jump.stride]),
    descending: q.descending,
    segments: () => (search ? chooseSegments(db, q, dates, WALK_ABOVE) : segments(q, dates, true)),
    // A search lists at most SEARCH_CAP rows (and a page past them): only those are indexed.
    most: search ? SEARCH_CAP + 500 : Number.POSITIVE_INFINITY,
  }
}

/** Whether the page is a jump read from the list's key index (see `worklistPage`). */
function isJump(q: WorklistQuery, jump: JumpOptions): q is WorklistQuery & { offset: number } {
  return !q.cursor && !!q.offset && q.offset > jump.above && q.offset >= jump.stride
}

/** Where the page at `offset` is read from: after the sample of block `block`, `skip` rows dropped. */
function blockOf(index: KeyIndex | null, offset: number, jump: JumpOptions): { block: number; skip: number } {
  const block = index ? Math.min(Math.floor(offset / jump.stride), index.samples.length) : 0
  return { block, skip: offset - block * jump.stride }
}

/**
 * Readies what `worklistPage` needs for `q` that takes more than a moment: a jump's key index,
 * built in steps with `pause` awaited between them, so the back end answers other calls while a
 * first jump into a long list waits for it (every other query is ready at once). Built again as
 * `jumpRows` would build it when the one kept no longer covers the position.
 */
export async function prepareWorklistPage(
  db: ReadableDb,
  q: WorklistQuery,
  dates: WorklistDates,
  pause: () => Promise<void>,
  jump: JumpOptions = JUMP,
): Promise<void> {
  if (!isJump(q, jump)) return
  const list = keyList(db, q, dates, jump)
  const index = await prepareKeyIndex(db, list, jump, pause)
  if (blockOf(index, q.offset, jump).skip >= jump.stride) await prepareKeyIndex(db, list, jump, pause, true)
}

/**
 * The page `offset` rows from the start, read by cursor from the nearest sampled row before it
 * (at most `stride` - 1 rows are read and dropped). On a log changed since the index was built the
 * position is off by the rows added or removed before it, never the rows: they are read exactly.
 */
function jumpRows(
  db: ReadableDb,
  q: WorklistQuery & { offset: number },
  dates: WorklistDates,
  walkAbove: number,
  jump: JumpOptions,
): Row[] {
  // Within the first stride the rows before are read and dropped; no index is needed.
  const list = keyList(db, q, dates, jump)
  let index = q.offset < jump.stride ? null : keyIndex(db, list, jump)
  // An index kept after a change serves only positions it covers (the list may have grown past
  // it): past its last sample it is built again, so no call reads more than a stride of rows to drop.
  if (index && blockOf(index, q.offset, jump).skip >= jump.stride) index = keyIndex(db, list, jump, true)
  const { block, skip } = blockOf(index, q.offset, jump)
  const sample = index && block > 0 ? index.samples[block - 1]! : null
  const cursor: WorklistCursor | null = sample ? { at: 'after', key: sample[0], patientId: sample[1] } : null
  return keysetRows(db, { ...q, limit: q.limit + skip }, cursor, dates, walkAbove).slice(skip)
}

/** The page by `LIMIT … OFFSET`: one statement, the order every keyset page must agree with. */
function offsetRows(
  db: ReadableDb,
  q: Omit<WorklistQuery, 'cursor'> & { offset: number },
  dates: WorklistDates,
): Row[] {
  const p = plan(q, dates)
  const dir = q.descending ? 'DESC' : 'ASC'
  const order = `${SORT_SQL[q.sort]} ${dir} NULLS LAST, ${p.tieBreak} ${dir}`
  return cached(
    db,
    `SELECT ${COLUMNS} FROM ${p.from} WHERE ${p.where} ORDER BY ${order} LIMIT :limit OFFSET :offset`,
  ).all({ ...p.params, limit: q.limit, offset: q.offset }) as Row[]
}

// Keyset paging. The list is read as one or two segments, each in the order of an index: the rows
// whose sort key is set, by (key, patient id), then the rows without one (no result, no dose, no
// open step in a search), by patient id — the order of `ORDER BY key NULLS LAST, id` above, which
// SQLite could not read from an index in one go. A page is a seek into the segment that holds the
// cursor, continued into the next segment when it runs out.

/** The patient index each sort is read from (migration 95 adds the result and dose ones). */
const SORT_INDEX: Record<Exclude<WorklistSort, 'due'>, string> = {
  name: 'patient_name',
  mrn: 'patient_mrn_nocase',
  result: 'patient_last_result',
  dose: 'patient_cumulative_msv',
}

/**
 * Up to this many matching rows, a page is read from the filter (the bucket's range, the search's
 * matches) and sorted; beyond it, the sort's index is walked and each row checked against the
 * filter, which stops after a page (a short type-ahead prefix matches most of a large log).
 * (`worklistPage` takes another threshold only in tests, to read small logs both ways.)
 */
export const WALK_ABOVE = 2000

function segments(q: WorklistQuery, dates: WorklistDates, walk: boolean): Segment[] {
  const search = searchCondition(q.search)
  const patientWhere = `p.entered_in_error_at IS NULL${q.variant ? ' AND p.variant = :variant' : ''}`
  const variant: Params = q.variant ? { variant: q.variant } : {}
  const open = `f.patient_id = p.id AND f.status = 'scheduled'`
  if (search) {
    // A walk checks each row against the search's matches, which SQLite reads once into a set.
    const cond = search.sql
    const where = `${patientWhere} AND ${cond}`
    const params = { ...search.params, ...variant }
    if (q.sort === 'due') {
      return [
        {
          from: walk
            ? `${DUE_WALK} JOIN patient p ON p.id = f.patient_id`
            : `patient p JOIN followup_item f ON ${open}`,
          where: `f.status = 'scheduled' AND ${where}`,
          params,
          key: EFF_FROM,
          tie: walk ? 'f.patient_id' : 'p.id',
          ...(walk ? { walk: { from: DUE_WALK, where: OPEN_STEP, params: {} } } : {}),
        },
        {
          from: `patient p LEFT JOIN followup_item f ON ${open}`,
          where: `f.id IS NULL AND ${where}`,
          params,
          key: null,
          tie: 'p.id',
          ...(walk ? { walk: { from: 'patient p', where: '1', params: {} } } : {}),
        },
      ]
    }
    const from = `patient p${walk ? ` INDEXED BY ${SORT_INDEX[q.sort]}` : ''} LEFT JOIN followup_item f ON ${open}`
    return keyAndNull(
      { from, where, params, key: SORT_SQL[q.sort], tie: 'p.id', ...sortWalk(q.sort, walk) },
      q.sort,
    )
  }
  const bucket = bucketWhere(q.bucket, dates)
  const where = `f.status = 'scheduled' AND ${bucket.sql} AND ${patientWhere}`
  const params = { ...bucket.params, ...variant }
  if (q.sort === 'due') {
    return [
      {
        from: `followup_item f${walk ? ' INDEXED BY followup_open_due' : ''} CROSS JOIN patient p ON p.id = f.patient_id`,
        where,
        params,
        key: EFF_FROM,
        tie: 'f.patient_id',
        ...(walk
          ? {
              walk: {
                from: DUE_WALK,
                where: `${OPEN_STEP} AND ${bucket.range.sql}`,
                params: bucket.range.params,
              },
            }
          : {}),
      },
    ]
  }
  const from = walk
    ? `patient p INDEXED BY ${SORT_INDEX[q.sort]} CROSS JOIN followup_item f ON ${open}`
    : `followup_item f CROSS JOIN patient p ON p.id = f.patient_id`
  return keyAndNull(
    { from, where, params, key: SORT_SQL[q.sort], tie: 'p.id', ...sortWalk(q.sort, walk) },
    q.sort,
  )
}

/** A sort's patient index read alone, as the `walk` of the segments read in its order (none unless `walk`). */
function sortWalk(sort: Exclude<WorklistSort, 'due'>, walk: boolean): Pick<Segment, 'walk'> {
  return walk ? { walk: { from: `patient p INDEXED BY ${SORT_INDEX[sort]}`, where: '1', params: {} } } : {}
}

/**
 * The segments a page is read from. A search of letters and digits only (`prefixWords`) is read
 * from the word-prefix table (migration 115) in the sort's order, by its driving (longest) word's
 * rows: always when that is the only word and has at most 3 letters (migration 130) (the table's rows are then
 * exactly its matches); otherwise when the first `SAMPLE` rows of that word's beginning hold at
 * least one match in `DENSE` (so a page walks at most about DENSE pages of rows), else its matches
 * are read from the full-text index and sorted (few, or scattered among many rows). Several words
 * alike, with a sample of `SAMPLE_WORDS` rows read in the table alone, and their matches, when
 * sparse and at most `FEW`, read once from the full-text index and listed by patient id. Any
 * other search, and a tab, as before. (In tests a `walkAbove` of 0 always walks, 1e6 or more
 * never, and a small one samples as many rows.)
 */
function chooseSegments(
  db: ReadableDb,
  q: WorklistQuery,
  dates: WorklistDates,
  walkAbove: number,
): Segment[] {
  const words = q.search?.trim() ? prefixWords(q.search) : null
  if (!words) return segments(q, dates, countUpTo(db, q, dates, walkAbove) > walkAbove)
  if (words.length === 1 && !prefixOf(words[0]!).checked) return prefixSegments(q, words, 'prefix')
  if (walkAbove <= 0 || walkAbove >= 1e6) return prefixSegments(q, words, walkAbove <= 0 ? 'prefix' : 'fts')
  if (words.length > 1) {
    // Several words: the walk is taken when the other words' rows are found for at least one in
    // DENSE of the first SAMPLE_WORDS rows of the driving word's beginning (looked up in the
    // table alone, no patient read); else their matches, read from the full-text index up to
    // FEW + 1, are the list when they are few (sorted), or all of them are read and sorted.
    const others = otherWords(words)
    // (A `walkAbove` below it samples fewer: tests read small logs every way.)
    const size = Math.min(SAMPLE_WORDS, walkAbove)
    const sample = cached(
      db,
      `SELECT count(*) AS seen, coalesce(sum(${others.where}), 0) AS hits
       FROM (SELECT * FROM patient_prefix WHERE k = ${PREFIX_SORT.due} AND prefix = :p0 LIMIT :size) x`,
    ).get({ ...others.params, p0: prefixOf(words[0]!).prefix, size }) as { seen: number; hits: number }
    if (sample.seen < size || sample.hits * DENSE >= sample.seen) return prefixSegments(q, words, 'prefix')
    const matches = cached(
      db,
      `SELECT rowid FROM patient_search WHERE patient_search MATCH :match LIMIT ${FEW + 1}`,
    )
      .pluck()
      .all({ match: matchExpression(searchWords(q.search ?? '')) }) as number[]
    return prefixSegments(q, words, matches.length <= FEW ? matches : 'fts')
  }
  const f = prefixFilter(q, words)
  const sample = cached(
    db,
    `SELECT count(*) AS seen, coalesce(sum(${f.where}), 0) AS hits
     FROM (SELECT * FROM patient_prefix WHERE k = ${PREFIX_SORT.due} AND prefix = :p0 LIMIT ${SAMPLE}) x
     JOIN patient p ON p.id = x.patient_id`,
  ).get(f.params) as { seen: number; hits: number }
  return prefixSegments(q, words, sample.seen < SAMPLE || sample.hits * DENSE >= SAMPLE ? 'prefix' : 'fts')
}

/** Rows of the driving word's beginning sampled for a search of several words (no patient read). */
const SAMPLE_WORDS = 500
/** A sparse search of several words with at most this many matches has them listed from the full-text index. */
const FEW = 300
/** Rows of the driving word's beginning sampled to choose between the walk and the full-text index. */
const SAMPLE = 200
/** The walk is taken when at least one sampled row in this many matches. */
const DENSE = 20

/**
 * The condition (on `patient_prefix x` alone) that the words after the first have their rows for
 * the same patient: in the same sort they hold the same key, so each is one lookup in the table's
 * own order, near the last one as a walk reads in that order, made before the patient is read (a
 * scalar subquery: SQLite would turn an EXISTS into a join after it). A longer word is checked
 * against the patient's words besides (`prefixFilter`).
 */
function otherWords(words: readonly string[]): { where: string; params: Params } {
  const params: Params = {}
  const conds = words.slice(1).map((w, j) => {
    const i = j + 1
    params[`p${i}`] = prefixOf(w).prefix
    return `(SELECT 1 FROM patient_prefix x${i} WHERE x${i}.k = x.k AND x${i}.prefix = :p${i}
       AND x${i}.key = x.key AND x${i}.patient_id = x.patient_id) IS NOT NULL`
  })
  return { where: conds.length ? conds.join(' AND ') : '1', params }
}

/** The condition (on `patient_prefix x` joined to `patient p`) of a search's words, and its parameters. */
function prefixFilter(q: WorklistQuery, words: readonly string[]): { where: string; params: Params } {
  const params: Params = q.variant ? { variant: q.variant } : {}
  const others = otherWords(words)
  Object.assign(params, others.params)
  params['p0'] = prefixOf(words[0]!).prefix
  const conds = ['x.prefix = :p0', others.where]
  words.forEach((w, i) => {
    if (!prefixOf(w).checked) return
    params[`w${i}`] = w
    conds.push(`pnet_has_word(p.name, p.mrn, :w${i})`)
  })
  conds.push(`p.entered_in_error_at IS NULL${q.variant ? ' AND p.variant = :variant' : ''}`)
  return { where: conds.join(' AND '), params }
}

/**
 * A search's segments (words folded, longest first), read from `patient_prefix` (`prefix`): the
 * rows of the first word's beginning in the sort's index, checked against the patient's words
 * (`pnet_has_word`) when the word is longer, every other word by a lookup of its own row for the
 * same patient (`otherWords`); or from the full-text index (`fts`), its matches joined to their
 * patients and sorted; or from the matches given (patient ids read from it), sorted.
 */
function prefixSegments(
  q: WorklistQuery,
  words: readonly string[],
  from: 'prefix' | 'fts' | readonly number[],
): Segment[] {
  const open = `LEFT JOIN followup_item f ON f.patient_id = p.id AND f.status = 'scheduled'`
  if (typeof from !== 'string') {
    const seg: Segment = {
      from: `patient p ${open}`,
      where: `p.id IN (SELECT value FROM json_each(:matches)) AND p.entered_in_error_at IS NULL${q.variant ? ' AND p.variant = :variant' : ''}`,
      params: { ...(q.variant ? { variant: q.variant } : {}), matches: JSON.stringify(from) },
      key: SORT_SQL[q.sort],
      tie: 'p.id',
    }
    return keyAndNull(seg, q.sort)
  }
  if (from === 'fts') {
    const seg: Segment = {
      from: `patient_search s CROSS JOIN patient p ON p.id = s.rowid ${open}`,
      where: `s.patient_search MATCH :match AND p.entered_in_error_at IS NULL${q.variant ? ' AND p.variant = :variant' : ''}`,
      // The words as typed: the index folds them itself.
      params: {
        ...(q.variant ? { variant: q.variant } : {}),
        match: matchExpression(searchWords(q.search ?? '')),
      },
      key: SORT_SQL[q.sort],
      tie: 'p.id',
    }
    return keyAndNull(seg, q.sort)
  }
  const f = prefixFilter(q, words)
  const own = `x.k = ${PREFIX_SORT[q.sort]} AND x.prefix = :p0`
  const seg: Segment = {
    from: `patient_prefix x CROSS JOIN patient p ON p.id = x.patient_id ${open}`,
    where: `x.k = ${PREFIX_SORT[q.sort]} AND ${f.where}`,
    params: f.params,
    key: 'x.key',
    tie: 'x.patient_id',
    walk: { from: 'patient_prefix x', where: own, params: { p0: f.params['p0']! } },
  }
  // The rows without a key hold NO_KEY, after every key.
  if (q.sort === 'name' || q.sort === 'mrn') return [seg]
  return [
    {
      ...seg,
      where: `x.key < ${NO_KEY} AND ${seg.where}`,
      walk: { ...seg.walk!, where: `x.key < ${NO_KEY} AND ${own}` },
    },
    {
      ...seg,
      where: `x.key = ${NO_KEY} AND ${seg.where}`,
      key: null,
      walk: { ...seg.walk!, where: `x.key = ${NO_KEY} AND ${own}` },
    },
  ]
}

/** The segment of rows with the sort key set and, where the key can be empty, the one without. */
function keyAndNull(s: Segment, sort: WorklistSort): Segment[] {
  if (sort === 'name' || sort === 'mrn') return [s]
  const walk = (cond: string) => (s.walk ? { walk: { ...s.walk, where: `${cond} AND ${s.walk.where}` } } : {})
  return [
    { ...s, where: `${s.key} IS NOT NULL AND ${s.where}`, ...walk(`${s.key} IS NOT NULL`) },
    { ...s, where: `${s.key} IS NULL AND ${s.where}`, key: null, ...walk(`${s.key} IS NULL`) },
  ]
}

/**
 * How many rows the filter matches, read up to `cap` + 1 (so "more than `cap`" is known without
 * reading them all): the bucket's range of the open-step index, or the search's full-text matches
 * joined to their patients (each kept only if not entered in error and of the variant asked for;
 * the MRN-prefix matches can only add to them).
 */
function countUpTo(
  db: ReadableDb,
  q: Omit<WorklistQuery, 'limit' | 'sort' | 'descending'>,
  dates: WorklistDates,
  cap: number,
): number {
  const words = searchWords(q.search?.trim() ?? '')
  const variant = q.variant ? ' AND p.variant = :variant' : ''
  if (q.search?.trim()) {
    if (words.length === 0) return 0
    return cached(
      db,
      `SELECT count(*) FROM (SELECT 1 FROM patient_search s CROSS JOIN patient p ON p.id = s.rowid
         WHERE s.patient_search MATCH :match AND p.entered_in_error_at IS NULL${variant} LIMIT :cap)`,
    )
      .pluck()
      .get({
        match: matchExpression(words),
        cap: cap + 1,
        ...(q.variant ? { variant: q.variant } : {}),
      }) as number
  }
  const bucket = bucketWhere(q.bucket, dates)
  return cached(
    db,
    `SELECT count(*) FROM (SELECT 1 FROM followup_item f WHERE f.status = 'scheduled' AND ${bucket.sql} LIMIT :cap)`,
  )
    .pluck()
    .get({ ...bucket.params, cap: cap + 1 }) as number
}

/** Rows a search lists at most; past it the total is shown as "more than" and the list stops. */
export const SEARCH_CAP = 1000

/**
 * The worklist's length for a filter: exact, except for a search matching more than `SEARCH_CAP`
 * patients (a short type-ahead prefix on a large log), which is reported as `SEARCH_CAP` with
 * `exact` false rather than counted in full.
 */
export function worklistSize(
  db: ReadableDb,
  q: Omit<WorklistQuery, 'limit' | 'offset' | 'sort' | 'descending'>,
  dates: WorklistDates,
): { total: number; exact: boolean } {
  if (q.search?.trim() && countUpTo(db, q, dates, SEARCH_CAP) > SEARCH_CAP)
    return { total: SEARCH_CAP, exact: false }
  return { total: worklistTotal(db, q, dates), exact: true }
}

function keysetRows(
  db: ReadableDb,
  q: WorklistQuery,
  cursor: WorklistCursor | null,
  dates: WorklistDates,
  walkAbove: number,
): Row[] {
  const segs = chooseSegments(db, q, dates, walkAbove)
  const backward = cursor !== null && cursor.at !== 'after'
  // In the list's order, the segments come key first, then null; a backward read goes the other way.
  const order = backward ? [...segs].reverse() : segs
  // The comparison that moves away from the cursor in the reading direction.
  const ascending = q.descending === backward
  const cmp = ascending ? '>' : '<'
  const dir = ascending ? 'ASC' : 'DESC'
  const out: Row[] = []
  // Before the cursor's segment is reached, the segments passed are skipped (forward: the key
  // segment is before a cursor with no key) or read whole (backward: the key segment before it).
  let reached = cursor === null || cursor.at === 'end'
  const read = (seg: Segment, seek: string, params: Params, orderBy: string): void => {
    if (out.length >= q.limit) return
    const rows = cached(
      db,
      // The seek first: SQLite seeks by the first of two bounds on the same side of the key, and
      // the tab's own due range would make a page read from the start of the tab.
      `SELECT ${COLUMNS} FROM ${seg.from} WHERE 1${seek} AND ${seg.where} ORDER BY ${orderBy} LIMIT :limit`,
    ).all({ ...params, limit: q.limit - out.length }) as Row[]
    out.push(...rows)
  }
  const byTie = (seg: Segment) => `${seg.tie} ${dir}`
  const byKey = (seg: Segment) => (seg.key === null ? byTie(seg) : `${seg.key} ${dir}, ${seg.tie} ${dir}`)
  for (const seg of order) {
    if (!reached && cursor !== null && cursor.at !== 'end') {
      if ((cursor.key === null) !== (seg.key === null)) {
        // Forward from a keyless row: the key segment lies before it. Backward from a keyed row:
        // the keyless segment lies after it.
        continue
      }
      reached = true
      const id = { ...seg.params, cursorId: cursor.patientId }
      if (seg.key === null) {
        read(seg, ` AND ${seg.tie} ${cmp} :cursorId`, id, byTie(seg))
      } else {
        // Two seeks, each a plain range of the index (a row-value comparison would not be one):
        // the rest of the rows sharing the cursor's key, then the rows past that key.
        const key = { ...seg.params, cursorKey: cursor.key as string | number }
        read(
          seg,
          ` AND ${seg.key} = :cursorKey AND ${seg.tie} ${cmp} :cursorId`,
          { ...id, ...key },
          byTie(seg),
        )
        read(seg, ` AND ${seg.key} ${cmp} :cursorKey`, key, byKey(seg))
      }
      continue
    }
    reached = true
    read(seg, '', seg.params, byKey(seg))
  }
  return backward ? out.reverse() : out
}

/** How many rows the same query has in all (asked once per filter, not per page). */
export function worklistTotal(
  db: ReadableDb,
  q: Omit<WorklistQuery, 'limit' | 'offset' | 'sort' | 'descending'>,
  dates: WorklistDates,
): number {
  if (!q.search?.trim()) {
    // A tab's length, with or without the variant filter: a sum over the tally (migration 95), or
    // for the attention list over the counts (migration 125).
    return q.bucket === 'attention'
      ? countSums(db, q.variant ?? null).attention
      : tallySums(db, dates, q.variant ?? null)[TALLY_OF[q.bucket]]
  }
  const p = plan(q, dates)
  return cached(db, `SELECT count(*) FROM ${p.from} WHERE ${p.where}`).pluck().get(p.params) as number
}

const TALLY_OF = {
  now: 'now',
  overdue: 'overdue',
  due: 'due',
  'upcoming-30': 'upcoming30',
  'upcoming-90': 'upcoming90',
  all: 'scheduled',
} as const

/**
 * The open steps of patients not entered in error (of one variant, or all), per tab on
 * `dates.today`: sums over `worklist_tally`, kept by triggers (migration 95), which holds one row
 * per variant and due window, not one per patient.
 */
function tallySums(
  db: ReadableDb,
  dates: WorklistDates,
  variant: string | null,
): Record<(typeof TALLY_OF)[keyof typeof TALLY_OF], number> {
  const T = 'eff_from <= :today'
  return cached(
    db,
    `SELECT coalesce(sum(n) FILTER (WHERE ${T}), 0) AS now,
       coalesce(sum(n) FILTER (WHERE ${T} AND eff_to < :today), 0) AS overdue,
       coalesce(sum(n) FILTER (WHERE ${T} AND eff_to >= :today), 0) AS due,
       coalesce(sum(n) FILTER (WHERE eff_from > :today AND eff_from <= :in30), 0) AS upcoming30,
       coalesce(sum(n) FILTER (WHERE eff_from > :today AND eff_from <= :in90), 0) AS upcoming90,
       coalesce(sum(n), 0) AS scheduled
     FROM worklist_tally WHERE ${variant === null ? ':variant IS NULL' : 'variant = :variant'}`,
  ).get({ today: dates.today, in30: dates.in30Days, in90: dates.in90Days, variant }) as Record<
    (typeof TALLY_OF)[keyof typeof TALLY_OF],
    number
  >
}

/**
 * The attention list's length, the patients who left surveillance and the patients (not entered
 * in error; of one variant, or all): sums over `worklist_count`, kept by triggers (migration 125),
 * one row per variant.
 */
function countSums(
  db: ReadableDb,
  variant: string | null,
): { attention: number; left: number; patients: number } {
  return cached(
    db,
    `SELECT coalesce(sum(attention), 0) AS attention, coalesce(sum(left_surveillance), 0) AS left,
       coalesce(sum(patients), 0) AS patients
     FROM worklist_count WHERE ${variant === null ? ':variant IS NULL' : 'variant = :variant'}`,
  ).get({ variant }) as { attention: number; left: number; patients: number }
}

/**
 * How many scheduled items are in each tab on `dates.today` (sums over `worklist_tally`), how many
 * need attention, how many patients left surveillance and how many patients there are (sums over
 * `worklist_count`): a handful of rows read, whatever the size of the log.
 */
export function worklistCounts(db: ReadableDb, dates: WorklistDates): WorklistCounts {
  const t = tallySums(db, dates, null)
  const c = countSums(db, null)
  return {
    overdue: t.overdue,
    due: t.due,
    upcoming30: t.upcoming30,
    upcoming90: t.upcoming90,
    scheduled: t.scheduled,
    attention: c.attention,
    left: c.left,
    patients: c.patients,
  }
}
