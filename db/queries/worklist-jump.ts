import { performance } from 'node:perf_hooks'
import type { ReadableDb } from '../tx'
import type { WorklistSortKey } from '../types'
import { cached } from '../stmt'

// The worklist's sparse key index, for a jump with the scrollbar to a position with no page read
// next to it (db/queries/worklist.ts `jumpRows`): every `stride`-th row's sort key and patient id,
// so the page at any offset is read by cursor from the nearest sampled row before it.
//
// Built by one pass over the list in the order of the sort's index, which at a million patients
// takes seconds. The back end answers one call at a time, so the pass is cut into steps of about
// `stepMs` each (`keyIndexSteps`): each step reads on from the last row the one before read
// (a seek, like a keyset page), and between steps the back end lets other calls through
// (`prepareKeyIndex`, awaited by the `worklist.page` handler before it reads the page). Every call
// then waits at most one step behind a first jump; the jump itself answers when the index is
// complete, with the rows OFFSET would read. A log changed between steps gives an index off by the
// rows added or removed before a position (as an index kept after a change is), never wrong rows.

/** A run of the list read in the order of one index: the rows with a sort key, or those without. */
export interface Segment {
  from: string
  where: string
  params: Record<string, string | number>
  /** The sort key; null for the segment of rows without one (ordered by the tie-breaker alone). */
  key: string | null
  tie: string
  /**
   * The index the segment is read in the order of, alone (no join, no filter: `from` one table
   * with its alias, `where` only the conditions that bound its range), whose entries in the order
   * of `key` and `tie` hold every row of the segment: a step of a key index's build visits a
   * bounded number of them (`JumpOptions.stepEntries`). Absent, a step is bounded by the rows it
   * returns only (a full-text read, whose statement sorts its matches at once).
   */
  walk?: { from: string; where: string; params: Record<string, string | number> }
}

/**
 * How a jump deep into the list is read: past `above` rows, from every `stride`-th row's sort key
 * (the list's sparse key index), which is built once per filter and sort by one pass over the
 * sort's index, in steps that end after `stepRows` rows, about `stepMs` or `stepEntries` entries
 * of the index visited (returned or passed over), whichever comes first, and rebuilt when the log has changed since and it is older than `ttlMs`.
 */
export interface JumpOptions {
  above: number
  stride: number
  ttlMs: number
  stepMs: number
  stepRows: number
  stepEntries: number
}
export const JUMP: JumpOptions = {
  above: 0,
  stride: 100,
  ttlMs: 60_000,
  stepMs: 20,
  stepRows: Number.POSITIVE_INFINITY,
  stepEntries: 4096,
}

/** A list whose key index is built: its identity, its segments in order, and where it stops. */
export interface KeyList {
  id: string
  descending: boolean
  segments: () => Segment[]
  /** Rows indexed at most (a search lists a bounded number of rows). */
  most: number
}

export interface KeyIndex {
  /** The sort key and patient id of the rows at positions stride - 1, 2·stride - 1, … */
  samples: Array<readonly [WorklistSortKey, number]>
  /** The connection's count of changes and the file's data version when its build began. */
  changes: string
  builtAt: number
}

/** Lists whose key index is kept, per connection (the least recently used is dropped). */
const KEY_INDEXES_KEPT = 8
const keyIndexes = new WeakMap<ReadableDb, Map<string, KeyIndex>>()
/** The builds under way (a second jump into the same list waits for the first one's). */
const building = new WeakMap<ReadableDb, Map<string, Promise<KeyIndex>>>()

function changesOf(db: ReadableDb): string {
  const n = cached(db, 'SELECT total_changes()').pluck().get() as number
  return `${n}/${cached(db, 'PRAGMA data_version').pluck().get() as number}`
}

function kept(db: ReadableDb): Map<string, KeyIndex> {
  let byList = keyIndexes.get(db)
  if (!byList) {
    byList = new Map()
    keyIndexes.set(db, byList)
  }
  return byList
}

/**
 * The list's key index as kept, when it may serve: built since the last change, or (unless
 * `fresh`) younger than `ttlMs`; null when it must be built (again).
 */
function usable(db: ReadableDb, list: KeyList, jump: JumpOptions, fresh: boolean): KeyIndex | null {
  const byList = kept(db)
  const had = byList.get(list.id)
  if (!had) return null
  if (had.changes === changesOf(db) || (!fresh && Date.now() - had.builtAt <= jump.ttlMs)) {
    // Most recently used last.
    byList.delete(list.id)
    byList.set(list.id, had)
    return had
  }
  return null
}

function keep(db: ReadableDb, list: KeyList, made: KeyIndex): KeyIndex {
  const byList = kept(db)
  byList.delete(list.id)
  byList.set(list.id, made)
  while (byList.size > KEY_INDEXES_KEPT) byList.delete(byList.keys().next().value!)
  return made
}

/** A position in a segment's order: a sort key and patient id (the id alone in a segment without key). */
type Position = readonly [WorklistSortKey, number]

type Params = Record<string, string | number>

/** A plain range of a segment's index: its condition, the parameters it names, and its order. */
interface Range {
  where: string
  params: Record<string, string | number>
  order: string
}

/**
 * The plain ranges of `seg`'s index (each read as a keyset page reads it) that hold, in the list's
 * direction, the rows after `from` (from the start when null) up to and including `to` (to the end
 * when null). `to.pastKey` says that `to` lies past the key of `from` (else it shares it); a segment
 * without key is one range of patient ids.
 */
function ranges(seg: Segment, from: Position | null, to: StepEnd | null, descending: boolean): Range[] {
  const dir = descending ? 'DESC' : 'ASC'
  const past = descending ? '<' : '>'
  const before = descending ? '>' : '<'
  const upTo = descending ? '>=' : '<='
  const byTie = `${seg.tie} ${dir}`
  const byKey = seg.key === null ? byTie : `${seg.key} ${dir}, ${byTie}`
  const fromId: Params = from === null ? {} : { fromId: from[1] }
  const toId: Params = to === null ? {} : { toId: to.at[1] }
  if (seg.key === null) {
    const where = `${from ? ` AND ${seg.tie} ${past} :fromId` : ''}${to ? ` AND ${seg.tie} ${upTo} :toId` : ''}`
    return [{ where, params: { ...fromId, ...toId }, order: byTie }]
  }
  const fromKey: Params = from === null ? {} : { fromKey: from[0] as string | number }
  const toKey: Params = to === null ? {} : { toKey: to.at[0] as string | number }
  const out: Range[] = []
  if (from !== null && to !== null && !to.pastKey)
    return [
      {
        where: ` AND ${seg.key} = :fromKey AND ${seg.tie} ${past} :fromId AND ${seg.tie} ${upTo} :toId`,
        params: { ...fromKey, ...fromId, ...toId },
        order: byTie,
      },
    ]
  // The rest of the rows sharing `from`'s key, the keys between, and the rows of `to`'s key up to it.
  if (from !== null)
    out.push({
      where: ` AND ${seg.key} = :fromKey AND ${seg.tie} ${past} :fromId`,
      params: { ...fromKey, ...fromId },
      order: byTie,
    })
  out.push({
    where: `${from ? ` AND ${seg.key} ${past} :fromKey` : ''}${to ? ` AND ${seg.key} ${before} :toKey` : ''}`,
    params: { ...fromKey, ...toKey },
    order: byKey,
  })
  if (to !== null)
    out.push({
      where: ` AND ${seg.key} = :toKey AND ${seg.tie} ${upTo} :toId`,
      params: { ...toKey, ...toId },
      order: byTie,
    })
  return out
}

/** Where a step ends: a position, and whether it lies past the key of the one the step began after. */
interface StepEnd {
  at: Position
  pastKey: boolean
}

/**
 * Where a step that begins after `from` must end so it visits at most `entries` entries of the
 * segment's index (`seg.walk`, read alone, key and patient id only): the `entries`-th entry after
 * `from`, and whether it lies past `from`'s key; null when fewer are left (the step may read to
 * the segment's end).
 */
function stepEnd(
  db: ReadableDb,
  seg: Segment & { walk: NonNullable<Segment['walk']> },
  from: Position | null,
  entries: number,
  descending: boolean,
): StepEnd | null {
  const walk: Segment = { ...seg, ...seg.walk }
  const cols = `${seg.key ?? 'NULL'}, ${seg.tie}`
  let left = entries
  for (const [i, r] of ranges(walk, from, null, descending).entries()) {
    const sql = `FROM ${walk.from} WHERE 1${r.where} AND ${walk.where} ORDER BY ${r.order}`
    const params = { ...walk.params, ...r.params }
    const at = cached(db, `SELECT ${cols} ${sql} LIMIT 1 OFFSET :skip`)
      .raw()
      .get({ ...params, skip: left - 1 }) as [WorklistSortKey, number] | undefined
    // The first range (after a position) is the rest of its key; the second goes past it.
    if (at) return { at, pastKey: from === null || i > 0 }
    left -= cached(db, `SELECT count(*) FROM (SELECT 1 ${sql} LIMIT :left)`)
      .pluck()
      .get({ ...params, left }) as number
  }
  return null
}

/**
 * The pass that builds a list's key index, cut into steps: it yields once a step has read
 * `stepRows` rows, for `stepMs` (the clock read every 16 rows: on a log larger than the memory
 * that caches it, a row of a sort read by patient may wait for the disk), or, in a segment whose
 * index is named (`walk`), once it has visited `stepEntries` of its entries, however many of them
 * the segment's condition passes over (patients with no open step, of another variant, past a
 * search's words: a run of them would otherwise be read in one step, returning no row to end it).
 * It continues from where it stopped when resumed, and returns the samples.
 */
export function* keyIndexSteps(
  db: ReadableDb,
  list: KeyList,
  jump: Pick<JumpOptions, 'stride' | 'stepMs' | 'stepRows' | 'stepEntries'>,
): Generator<void, Array<readonly [WorklistSortKey, number]>> {
  const samples: Array<readonly [WorklistSortKey, number]> = []
  // Patients created after the pass began are passed over (every row's tie is a patient id): a
  // list that grows ahead of the walk between steps (a new patient at each pause, due where the
  // walk is) would otherwise never let it end. The index is then off by them, as by any change
  // made since it was built.
  const newest = cached(db, 'SELECT coalesce(max(id), 0) FROM patient').pluck().get() as number
  let n = 0
  let stepStart = performance.now()
  let stepRead = 0
  for (const seg of list.segments()) {
    let last: Position | null = null
    for (;;) {
      const end: StepEnd | null = seg.walk
        ? stepEnd(db, { ...seg, walk: seg.walk }, last, jump.stepEntries, list.descending)
        : null
      let paused = false
      for (const read of ranges(seg, last, end, list.descending)) {
        const rows = cached(
          db,
          // The step's own bounds come first: SQLite seeks by the first of two bounds on the same
          // side of the key, and the list's (the tab's due range) would make the step read from it.
          `SELECT ${seg.key ?? 'NULL'}, ${seg.tie} FROM ${seg.from} WHERE 1${read.where} AND ${seg.where} ORDER BY ${read.order}`,
        )
          .raw()
          .iterate({ ...seg.params, ...read.params }) as Iterable<[WorklistSortKey, number]>
        for (const row of rows) {
          last = row
          if (row[1] > newest) continue
          if (++n % jump.stride === 0) samples.push(row)
          if (n >= list.most) return samples
          if (++stepRead >= jump.stepRows || (n % 16 === 0 && performance.now() - stepStart >= jump.stepMs)) {
            // Leaving the loop resets the statement: nothing is held open across the pause.
            paused = true
            break
          }
        }
        if (paused) break
      }
      if (!paused && end !== null) {
        // The step's entries are visited: the next one goes on after the last of them.
        last = end.at
        paused = true
      }
      if (!paused) break
      yield
      stepStart = performance.now()
      stepRead = 0
    }
  }
  return samples
}

/** The list's key index, built at once when none may serve (a caller that cannot wait between steps). */
export function keyIndex(db: ReadableDb, list: KeyList, jump: JumpOptions, fresh = false): KeyIndex {
  const had = usable(db, list, jump, fresh)
  if (had) return had
  const changes = changesOf(db)
  const steps = keyIndexSteps(db, list, jump)
  let r = steps.next()
  while (!r.done) r = steps.next()
  return keep(db, list, { samples: r.value, changes, builtAt: Date.now() })
}

/**
 * The list's key index, built when none may serve in steps with `pause` awaited between them
 * (the back end answers other calls meanwhile); a build under way for the same list is joined.
 */
export async function prepareKeyIndex(
  db: ReadableDb,
  list: KeyList,
  jump: JumpOptions,
  pause: () => Promise<void>,
  fresh = false,
): Promise<KeyIndex> {
  const had = usable(db, list, jump, fresh)
  if (had) return had
  let byList = building.get(db)
  if (!byList) {
    byList = new Map()
    building.set(db, byList)
  }
  const under = byList.get(list.id)
  if (under) return under
  const build = (async () => {
    // A change between steps leaves the index marked as of before it: kept for `ttlMs` from the
    // build's end (from its start, a build longer than that, waiting behind an import say, would be
    // stale at once and built again in one blocking pass by the page read that follows), then rebuilt.
    const changes = changesOf(db)
    const steps = keyIndexSteps(db, list, jump)
    let r = steps.next()
    while (!r.done) {
      await pause()
      r = steps.next()
    }
    return keep(db, list, { samples: r.value, changes, builtAt: Date.now() })
  })()
  byList.set(list.id, build)
  try {
    return await build
  } finally {
    byList.delete(list.id)
  }
}
