// `npm run bench:worklist`: builds synthetic logs (test/bench/worklist-log.ts: rows inserted
// directly) of 10k and 100k patients — and 1M with BENCH_1M=1 (4 to 6 min to build on a shared 2-core machine) — in a
// temporary folder, then times the worklist's reads through the app's query functions, each beside
// its goal and beside the same read written by hand in raw SQL on the same file: the first page
// and the pages deep in the list (40 %, 90 %, the last) for every sort, reached by a cursor as the
// renderer reaches them; a scrollbar jump to 10, 40 and 90 % (a position with no page read next to
// it: read from the list's sparse key index, whose one-time build in steps is printed too, with its
// longest step, and checked
// against the OFFSET read); sort by name or dose with the variant filter; type-ahead prefixes of
// 1, 2 and 3 letters of a name, an MRN and a number, longer words and several words, for every
// sort, with and without the variant filter, and their counts; the attention list's length and the
// bucket counts (kept by triggers: migrations 95 and 125). Prints medians
// of repeated runs. BENCH_SIZES=10000,100000 chooses the sizes; BENCH_TYPEAHEAD=0 leaves the
// type-ahead figures out (at 1M their raw full-text reads take most of the run); BENCH_KEEP=<folder>
// keeps each size's log there and reads it again on the next run instead of building it (the
// folder's logs are the benchmark's own: never point it at a real log); BENCH_PART=jump, run or
// typeahead and BENCH_SEARCHES=a,b narrow the run. The first jumps print their longest step and
// the longest wait of the tab counts asked every 5 ms meanwhile, into every sort's list, the
// overdue tab, and past a run of patients entered in error (set in a transaction rolled back).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { openDatabase, type DB } from '../../db/open'
import {
  prepareWorklistPage,
  WALK_ABOVE,
  worklistCounts,
  worklistPage,
  worklistSize,
  type WorklistDates,
} from '../../db/queries/worklist'
import { JUMP } from '../../db/queries/worklist-jump'
import type { WorklistQuery, WorklistRow } from '../../db/types'
import { addDays } from '../../engine/dates'
import { WORKLIST_SORTS, worklistSortKey, type WorklistSort } from '../../engine/codes'
import { BENCH_TODAY, buildWorklistLog } from './worklist-log'

const SIZES = (process.env['BENCH_SIZES'] ?? '10000,100000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0)
  .concat(process.env['BENCH_1M'] === '1' ? [1_000_000] : [])
const RUNS = 21
/** Every offset read by OFFSET: the reference a jump is checked against. */
const EXACT = { ...JUMP, above: Number.POSITIVE_INFINITY }
const PAGE = 100
const DATES: WorklistDates = {
  today: BENCH_TODAY,
  in30Days: addDays(BENCH_TODAY, 30),
  in90Days: addDays(BENCH_TODAY, 90),
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function time(fn: () => unknown, runs = RUNS): number {
  for (let i = 0; i < Math.min(3, runs); i++) fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    samples.push(performance.now() - t0)
  }
  return median(samples)
}

const f = (ms: number) => `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms`.padStart(9)
let missed = 0
function line(label: string, appMs: number, goalMs: number, rawMs?: number, note = ''): void {
  const ok = appMs <= goalMs
  if (!ok) missed++
  console.log(
    `${label.padEnd(34)} app ${f(appMs)}  goal ${f(goalMs)} ${ok ? 'met   ' : 'MISSED'}` +
      (rawMs === undefined ? '' : `  raw SQL ${f(rawMs)}`) +
      (note ? `  ${note}` : ''),
  )
}

// Raw SQL: the same reads written by hand (no flags, no row objects), on the same file.
const RAW_KEY: Record<WorklistSort, { key: string; from: string; tie: string }> = {
  due: {
    key: 'coalesce(f.override_due_from, f.due_from)',
    from: 'followup_item f INDEXED BY followup_open_due JOIN patient p ON p.id = f.patient_id',
    tie: 'f.patient_id',
  },
  name: {
    key: 'p.name COLLATE NOCASE',
    from: 'patient p INDEXED BY patient_name JOIN followup_item f ON f.patient_id = p.id',
    tie: 'p.id',
  },
  mrn: {
    key: 'p.mrn COLLATE NOCASE',
    from: 'patient p INDEXED BY patient_mrn_nocase JOIN followup_item f ON f.patient_id = p.id',
    tie: 'p.id',
  },
  result: {
    key: 'p.last_result',
    from: 'patient p INDEXED BY patient_last_result JOIN followup_item f ON f.patient_id = p.id',
    tie: 'p.id',
  },
  dose: {
    key: 'p.cumulative_msv',
    from: 'patient p INDEXED BY patient_cumulative_msv JOIN followup_item f ON f.patient_id = p.id',
    tie: 'p.id',
  },
}
/** The seek by hand: the rest of the cursor's key, then the keys past it (two index ranges). */
function rawSeek(db: DB, sort: WorklistSort, descending: boolean) {
  const r = RAW_KEY[sort]
  const dir = descending ? 'DESC' : 'ASC'
  const cmp = descending ? '<' : '>'
  const cols = `p.id, p.name, p.mrn, p.variant, p.last_result, p.cumulative_msv, f.id AS item, f.procedure, f.due_from, f.due_to`
  const where = `f.status = 'scheduled' AND ${r.key} IS NOT NULL`
  const stmt = db.prepare(
    `SELECT * FROM (SELECT ${cols} FROM ${r.from} WHERE ${where} AND ${r.key} = :k AND ${r.tie} ${cmp} :id
       ORDER BY ${r.tie} ${dir} LIMIT ${PAGE})
     UNION ALL
     SELECT * FROM (SELECT ${cols} FROM ${r.from} WHERE ${where} AND ${r.key} ${cmp} :k
       ORDER BY ${r.key} ${dir}, ${r.tie} ${dir} LIMIT ${PAGE})
     LIMIT ${PAGE}`,
  )
  return (key: string | number | null, id: number) => stmt.all({ k: key ?? (descending ? '\uffff' : ''), id })
}

/** BENCH_KEEP=<folder>: each size's log is kept there and read again by the next run (not rebuilt). */
const KEEP = process.env['BENCH_KEEP'] ?? ''
/**
 * BENCH_PART=jump, run or typeahead: only the scrollbar jumps, only the first jumps past a long run
 * of patients entered in error, or only the type-ahead (and what follows it).
 */
const PART = process.env['BENCH_PART'] ?? ''

async function benchSize(patients: number): Promise<void> {
  const dir = KEEP || fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-bench-'))
  const file = path.join(dir, KEEP ? `worklist-${patients}.sqlite` : 'bench.sqlite')
  const reuse = KEEP !== '' && fs.existsSync(`${file}.built`)
  try {
    if (KEEP && !reuse) for (const x of ['', '-wal', '-shm']) fs.rmSync(file + x, { force: true })
    const db = openDatabase(file)
    db.pragma('synchronous = OFF') // building only; the reads do not write
    const t0 = performance.now()
    let prefixTableMs = Number.NaN
    if (reuse) prefixTableMs = Number(fs.readFileSync(`${file}.built`, 'utf8'))
    else {
      prefixTableMs = buildWorklistLog(db, patients, patients > 100_000 ? 0 : 3).prefixTableMs
      if (KEEP) fs.writeFileSync(`${file}.built`, String(prefixTableMs))
    }
    const buildS = (performance.now() - t0) / 1000
    const studies = db.prepare('SELECT count(*) FROM study').pluck().get() as number
    console.log(
      `\n== ${patients.toLocaleString('en')} patients, ${studies.toLocaleString('en')} studies, ` +
        `${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB; ${reuse ? `kept from an earlier run (${file})` : `built in ${buildS.toFixed(1)} s`}`,
    )
    const prefixBytes = db
      .prepare(`SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'patient\\_prefix%' ESCAPE '\\'`)
      .pluck()
      .get() as number
    console.log(
      `type-ahead index (migration 130): built in ${(prefixTableMs / 1000).toFixed(1)} s as the migration builds it ` +
        `for an existing log; ${(prefixBytes / 2 ** 20).toFixed(0)} MiB, ${Math.round(prefixBytes / patients)} bytes a patient ` +
        `(about 4,000 at schema 120; goal: its share of the log's <= 40 KB a patient, npm run bench:scale)`,
    )
    const page = (q: Partial<WorklistQuery>): WorklistRow[] =>
      worklistPage(db, { bucket: 'all', sort: 'due', descending: false, limit: PAGE, ...q }, DATES)
    const total = worklistSize(db, { bucket: 'all' }, DATES).total

    /**
     * A first jump into the list of `q` (its key index not built yet), built in steps as the back
     * end's handler builds it, with another call (the tab counts) asked every 5 ms meanwhile:
     * prints (unless `label` is null) the longest step and the longest any of those calls waited.
     */
    const firstJump = async (q: Partial<WorklistQuery> & { offset: number }, label: string | null) => {
      const stepMs: number[] = []
      const waits: number[] = []
      let other: NodeJS.Timeout | null = null
      const ask = () => {
        const due = performance.now() + 5
        other = setTimeout(() => {
          waits.push(performance.now() - due)
          worklistCounts(db, DATES)
          ask()
        }, 5)
      }
      ask()
      let stepStart = performance.now()
      const t0 = performance.now()
      await prepareWorklistPage(
        db,
        { bucket: 'all', sort: 'due', descending: false, limit: PAGE, ...q },
        DATES,
        async () => {
          stepMs.push(performance.now() - stepStart)
          // As the handler's pause (Jobs.letCallsThrough) lets the calls waiting meanwhile run.
          await new Promise<void>((resolve) => setImmediate(resolve))
          stepStart = performance.now()
        },
      )
      const jumped = page(q)
      const firstMs = performance.now() - t0
      stepMs.push(performance.now() - stepStart)
      clearTimeout(other!)
      if (label !== null) {
        line(
          `${label}: first jump, longest step`,
          Math.max(...stepMs),
          100,
          undefined,
          `the key index built in ${f(firstMs).trim()}, ${stepMs.length} step${stepMs.length === 1 ? '' : 's'}, ` +
            `median ${f(median(stepMs)).trim()}`,
        )
        line(
          `${label}: first jump, longest wait`,
          Math.max(0, ...waits),
          100,
          undefined,
          `of ${waits.length} tab counts asked every 5 ms meanwhile (median ${f(median(waits.length ? waits : [0])).trim()})`,
        )
      }
      return jumped
    }

    for (const sort of PART === 'typeahead' || PART === 'run' ? [] : WORKLIST_SORTS) {
      const descending = sort === 'dose'
      const q = { sort, descending }
      const raw = rawSeek(db, sort, descending)
      const first = time(() => page(q))
      const rawFirst = time(() => raw(null, descending ? 1e12 : 0))
      line(`${sort}${descending ? ' (desc)' : ''}: first page`, first, 2, rawFirst)
      // The reference: the same position by OFFSET, however long it takes.
      const byOffset = (offset: number, limit: number) =>
        worklistPage(db, { bucket: 'all', ...q, offset, limit }, DATES, WALK_ABOVE, EXACT)
      for (const depth of [0.4, 0.9]) {
        const at = Math.floor(total * depth)
        const before = byOffset(at - 1, 1)[0]!
        const cursor = {
          at: 'after' as const,
          key: worklistSortKey(before, sort),
          patientId: before.patientId,
        }
        const rows = page({ ...q, cursor })
        if (rows[0]?.patientId !== byOffset(at, 1)[0]?.patientId)
          throw new Error(`${sort}: the cursor page at ${depth} does not start where the offset page does`)
        const seek = time(() => page({ ...q, cursor }))
        const rawMs = cursor.key === null ? undefined : time(() => raw(cursor.key, cursor.patientId))
        line(`${sort}: page at ${depth * 100} % (cursor)`, seek, 2, rawMs, `first page ${f(first).trim()}`)
      }
      for (const depth of [0.1, 0.4, 0.9]) {
        const at = Math.floor(total * depth)
        // The first jump builds the list's key index in steps, as the back end's handler does
        // (other calls are answered between them).
        const jumped = await firstJump({ ...q, offset: at }, depth === 0.1 ? `${sort}` : null)
        const offsetT0 = performance.now()
        const expected = byOffset(at, PAGE)
        const offsetMs = performance.now() - offsetT0
        if (
          JSON.stringify(jumped.map((r) => r.patientId)) !== JSON.stringify(expected.map((r) => r.patientId))
        )
          throw new Error(`${sort}: the jump to ${depth * 100} % does not read the rows OFFSET reads`)
        line(
          `${sort}: scrollbar jump to ${depth * 100} %`,
          time(() => page({ ...q, offset: at })),
          2,
          undefined,
          `by OFFSET ${f(offsetMs).trim()}`,
        )
      }
      line(
        `${sort}: last page (read backwards)`,
        time(() => page({ ...q, cursor: { at: 'end' } })),
        2,
      )
    }

    // First jumps into lists whose filter passes over long runs of the sort's index: the overdue
    // tab by due (the steps due in the last 180 days, a quarter of the log, lie between the overdue
    // ones and the end of the range read), and one variant's overdue steps by result.
    for (const [label, q] of PART === 'typeahead' || PART === 'run'
      ? []
      : ([
          ['overdue by due', { bucket: 'overdue', sort: 'due', descending: false }],
          [
            'overdue + variant by result',
            { bucket: 'overdue', variant: 'untreated-surveillance', sort: 'result', descending: false },
          ],
        ] as const)) {
      const size = worklistSize(
        db,
        { bucket: q.bucket, ...('variant' in q ? { variant: q.variant } : {}) },
        DATES,
      ).total
      const at = Math.floor(size * 0.1)
      const jumped = await firstJump({ ...q, offset: at }, label)
      const expected = worklistPage(db, { ...q, offset: at, limit: PAGE }, DATES, WALK_ABOVE, EXACT)
      if (JSON.stringify(jumped.map((r) => r.patientId)) !== JSON.stringify(expected.map((r) => r.patientId)))
        throw new Error(`${label}: the jump to 10 % does not read the rows OFFSET reads`)
    }
    // And a long run of index entries each read from the patient to be passed over: every
    // "Bohr …" patient (the first twelfth of the log by name) marked entered in error, in a
    // transaction rolled back after the jump.
    if (PART !== 'typeahead') {
      db.exec('BEGIN')
      try {
        db.prepare(`UPDATE patient SET entered_in_error_at = ? WHERE name LIKE 'Bohr %'`).run(
          `${BENCH_TODAY}T09:00:00.000Z`,
        )
        const q = { bucket: 'all', sort: 'name', descending: false } as const
        const at = Math.floor(worklistSize(db, q, DATES).total * 0.1)
        const jumped = await firstJump({ ...q, offset: at }, 'by name, 1/12 in error first')
        const expected = worklistPage(db, { ...q, offset: at, limit: PAGE }, DATES, WALK_ABOVE, EXACT)
        if (
          JSON.stringify(jumped.map((r) => r.patientId)) !== JSON.stringify(expected.map((r) => r.patientId))
        )
          throw new Error(
            'by name, 1/12 in error first: the jump to 10 % does not read the rows OFFSET reads',
          )
      } finally {
        db.exec('ROLLBACK')
      }
    }

    for (const sort of ['name', 'dose'] as const) {
      const q = {
        bucket: 'now' as const,
        variant: 'untreated-surveillance' as const,
        sort,
        descending: sort === 'dose',
      }
      line(
        `variant filter, by ${sort}: first page`,
        time(() => page(q)),
        5,
      )
    }
    line(
      'variant filter: total',
      time(() => worklistSize(db, { bucket: 'now', variant: 'untreated-surveillance' }, DATES)),
      30,
    )

    const rawSearch = db.prepare(
      `SELECT p.id, p.name, p.mrn, f.due_from FROM patient p LEFT JOIN followup_item f ON f.patient_id = p.id AND f.status = 'scheduled'
       WHERE p.id IN (SELECT rowid FROM patient_search WHERE patient_search MATCH ?)
       ORDER BY coalesce(f.override_due_from, f.due_from) NULLS LAST, p.id LIMIT ${PAGE}`,
    )
    // 1-3 letters of a name word, of the MRN and of the number in the name; longer words (of 5
    // and 6 letters, read as their own prefix; of 8 and 10, checked against the 6-letter rows;
    // matching many patients or few); several words.
    const searches = ['c', 'cu', 'cur', 'm', 'mr', 'mrn', '1', '12', '123', 'curie', 'lovelace', 'mrn001']
    searches.push('mrn00012', 'mrn0001234')
    searches.push('curie ada', 'c a', 'curie ada 12')
    const only = process.env['BENCH_SEARCHES']?.split(',')
    for (const search of process.env['BENCH_TYPEAHEAD'] === '0' || PART === 'jump'
      ? []
      : searches.filter((s) => !only || only.includes(s))) {
      const size = worklistSize(db, { bucket: 'all', search }, DATES)
      const shown = `${size.total.toLocaleString('en')}${size.exact ? '' : '+'} matches`
      for (const variant of [undefined, 'untreated-surveillance' as const]) {
        const bySort = WORKLIST_SORTS.map((sort) => {
          const descending = sort === 'dose'
          return [
            sort,
            time(() => page({ search, sort, descending, ...(variant ? { variant } : {}) })),
          ] as const
        })
        const worst = Math.max(...bySort.map(([, ms]) => ms))
        const label = `type-ahead "${search}"${variant ? ' + variant' : ''}`
        line(
          `${label}: first page`,
          worst,
          5,
          variant ? undefined : time(() => rawSearch.all(`"${search.split(' ').join('"* "')}"*`)),
          `(slowest sort; ${bySort.map(([s, ms]) => `${s} ${f(ms).trim()}`).join(', ')}) ${variant ? '' : shown}`,
        )
      }
      line(
        `type-ahead "${search}": count`,
        time(() => worklistSize(db, { bucket: 'all', search }, DATES)),
        5,
      )
    }
    line(
      'attention list: total',
      time(() => worklistSize(db, { bucket: 'attention' }, DATES)),
      30,
    )
    line(
      'bucket counts (all tabs)',
      time(() => worklistCounts(db, DATES)),
      30,
      time(() => db.prepare(`SELECT count(*) FROM followup_item WHERE status = 'scheduled'`).pluck().get()),
      'raw: one count(*) of the open steps',
    )
    db.close()
  } finally {
    if (!KEEP) fs.rmSync(dir, { recursive: true, force: true })
  }
}

console.log(
  `worklist benchmark (${os.cpus().length} cores, Node ${process.version}, medians of ${RUNS} runs, ${PAGE} rows a page)`,
)
async function main(): Promise<void> {
  for (const n of SIZES) await benchSize(n)
  console.log(missed === 0 ? '\nevery goal met' : `\n${missed} goal(s) missed`)
}
main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
