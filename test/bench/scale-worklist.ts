// The worklist on the write-path log of `npm run bench:scale` (issue 10, point 4): the same reads
// as `npm run bench:worklist` times on its synthetic log, here through dispatch (validation, the
// session gate, the handlers) on the log built the way users build it. Each figure is the median
// of repeated calls, beside its goal.
import { performance } from 'node:perf_hooks'
import type { RequestOf } from '../../electron/contract/contract'
import { WORKLIST_SORTS, worklistSortKey, type WorklistSort } from '../../engine/codes'
import { median, ms, row, type Calls } from './scale-log'

const RUNS = 21
const PAGE = 100

type PageRequest = RequestOf<'worklist.page'>

async function time(fn: () => Promise<unknown>, runs = RUNS): Promise<number> {
  for (let i = 0; i < Math.min(3, runs); i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    samples.push(performance.now() - t0)
  }
  return median(samples)
}

const goal = (x: number, g: number) => `goal <= ${g} ms ${x <= g ? 'met' : 'MISSED'}`

/** First, deep and last pages for every sort; prefixes; the tab counts; a first jump's hold. */
export async function worklistFigures(c: Calls, patients: number): Promise<void> {
  console.log(`\nworklist (through dispatch, medians of ${RUNS}, ${patients.toLocaleString('en')} patients)`)
  const base = { bucket: 'all', limit: PAGE } as const
  const page = (q: Partial<PageRequest> & { sort: WorklistSort; descending: boolean }) =>
    c.call('worklist.page', { ...base, ...q } as PageRequest)
  const { total } = await c.call('worklist.summary', { bucket: 'all' })
  for (const sort of WORKLIST_SORTS) {
    const descending = sort === 'dose'
    const q = { sort, descending }
    const first = await time(() => page(q))
    row(`${sort}${descending ? ' (desc)' : ''}: first page`, ms(first), goal(first, 2))
    for (const depth of [0.4, 0.9]) {
      const at = Math.floor(total * depth)
      // The row before the page (read once by offset, as a scroll reaches it page by page).
      const before = (await page({ ...q, offset: at - 1, limit: 1 }))[0]!
      const cursor = { at: 'after' as const, key: worklistSortKey(before, sort), patientId: before.patientId }
      const seek = await time(() => page({ ...q, cursor }))
      row(`  page at ${depth * 100} % (cursor)`, ms(seek), goal(seek, 2))
      if (depth === 0.4) {
        const jump = await time(() => page({ ...q, offset: at }), 3)
        row(`  jump to 40 % (a scrollbar drag)`, ms(jump), goal(jump, 2))
      }
    }
    const last = await time(() => page({ ...q, cursor: { at: 'end' } }))
    row(`  last page (read backwards)`, ms(last), goal(last, 2))
  }
  for (const sort of ['name', 'dose'] as const) {
    const q = { bucket: 'now', variant: 'untreated-surveillance', sort, descending: sort === 'dose' } as const
    const t = await time(() => page(q))
    row(`variant filter, by ${sort}: first page`, ms(t), goal(t, 5))
  }
  // Type-ahead: a surname's first letters (the log's names are "Surname, Given N") and an MRN's.
  const some = (await page({ sort: 'name', descending: false, limit: 1 }))[0]!
  const surname = some.name.split(',')[0]!.toLowerCase()
  for (const search of [
    surname.slice(0, 1),
    surname.slice(0, 2),
    surname.slice(0, 3),
    some.mrn.slice(0, 3),
  ]) {
    const size = await c.call('worklist.summary', { bucket: 'all', search })
    const first = await time(() => page({ sort: 'due', descending: false, search }))
    row(
      `type-ahead "${search}": first page`,
      ms(first),
      `${goal(first, 5)} (${size.total.toLocaleString('en')}${size.exact ? '' : '+'} matches)`,
    )
    const count = await time(() => c.call('worklist.summary', { bucket: 'all', search }))
    row(`  its count`, ms(count), goal(count, 30))
  }
  const counts = await time(() => c.call('worklist.summary', { bucket: 'all' }))
  row('tab counts and the list length', ms(counts), goal(counts, 30))
  const attention = await time(() => c.call('worklist.summary', { bucket: 'attention' }))
  row('  on the attention tab', ms(attention), goal(attention, 30))
  await firstJumpFigures(c, total)
}

/**
 * A first jump into a list whose key index is not built yet (MRN, descending: no other figure
 * reads it): the handler builds the index in steps, so other calls made meanwhile (the tab counts,
 * one every 5 ms) are answered between them.
 */
async function firstJumpFigures(c: Calls, total: number): Promise<void> {
  let done = false
  const t0 = performance.now()
  const jumping = c
    .call('worklist.page', {
      bucket: 'all',
      sort: 'mrn',
      descending: true,
      limit: PAGE,
      offset: Math.floor(total * 0.7),
    })
    .then(() => {
      done = true
      return performance.now() - t0
    })
  const waits: number[] = []
  while (!done) {
    // A call arriving from the window every 5 ms (as a transport delivers it: a task of its own),
    // timed from when it arrives to its answer.
    const arrives = performance.now() + 5
    await new Promise((resolve) => setTimeout(resolve, 5))
    if (done) break
    await c.call('worklist.summary', { bucket: 'all' })
    waits.push(performance.now() - arrives)
  }
  const jumpMs = await jumping
  const longest = Math.max(0, ...waits)
  row(
    'first jump (builds its key index in steps)',
    ms(jumpMs),
    `${waits.length} other calls answered meanwhile`,
  )
  row('  longest wait of another call behind it', ms(longest), goal(longest, 100))
}
