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
}

/**
 * How a jump deep into the list is read: past `above` rows, from every `stride`-th row's sort key
 * (the list's sparse key index), which is built once per filter and sort by one pass over the
 * sort's index, in steps that end after `stepRows` rows or about `stepMs`, whichever comes first,
 * and rebuilt when the log has changed since and it is older than `ttlMs`.
 */
export interface JumpOptions {
  above: number
  stride: number
  ttlMs: number
  stepMs: number
  stepRows: number
}
export const JUMP: JumpOptions = {
  above: 0,
  stride: 100,
  ttlMs: 60_000,
  stepMs: 20,
  stepRows: Number.POSITIVE_INFINITY,
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

/**
 * The reads that continue `seg` after the row `last` (the whole segment when null), in the list's
 * direction: the rest of the rows sharing its key, then the rows past it — each a plain range of
 * the index, as a keyset page reads them.
 */
function readsAfter(
  seg: Segment,
  last: readonly [WorklistSortKey, number] | null,
  descending: boolean,
): Array<{ sql: string; params: Record<string, string | number> }> {
  const dir = descending ? 'DESC' : 'ASC'
  const cmp = descending ? '<' : '>'
  const cols = `${seg.key ?? 'NULL'}, ${seg.tie}`
  const byTie = `${seg.tie} ${dir}`
  const byKey = seg.key === null ? byTie : `${seg.key} ${dir}, ${byTie}`
  const select = (where: string, order: string) =>
    `SELECT ${cols} FROM ${seg.from} WHERE ${seg.where}${where} ORDER BY ${order}`
  if (last === null) return [{ sql: select('', byKey), params: seg.params }]
  const id = { ...seg.params, lastId: last[1] }
  if (seg.key === null) return [{ sql: select(` AND ${seg.tie} ${cmp} :lastId`, byTie), params: id }]
  const key = { lastKey: last[0] as string | number }
  return [
    {
      sql: select(` AND ${seg.key} = :lastKey AND ${seg.tie} ${cmp} :lastId`, byTie),
      params: { ...id, ...key },
    },
    { sql: select(` AND ${seg.key} ${cmp} :lastKey`, byKey), params: { ...seg.params, ...key } },
  ]
}

/**
 * The pass that builds a list's key index, cut into steps: it yields once a step has read
 * `stepRows` rows or for `stepMs` (the clock read every 16 rows: on a log larger than the memory
 * that caches it, a row of a sort read by patient may wait for the disk), and continues from the last row
 * read when resumed; it returns the samples.
 */
export function* keyIndexSteps(
  db: ReadableDb,
  list: KeyList,
  jump: Pick<JumpOptions, 'stride' | 'stepMs' | 'stepRows'>,
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
    let last: readonly [WorklistSortKey, number] | null = null
    for (;;) {
      let paused = false
      for (const read of readsAfter(seg, last, list.descending)) {
        const rows = cached(db, read.sql).raw().iterate(read.params) as Iterable<[WorklistSortKey, number]>
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
