// `npm run bench:worklist`: builds a synthetic log of 100k patients and 1M studies in a temporary
// file, then times the worklist's first page (overdue + due, earliest due first) and a type-ahead
// search through the app's query functions, each beside the same query written by hand in raw SQL
// on the same file. Prints medians of repeated runs. Goal: first page <= 10 ms, within 2x of raw.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { openDatabase } from '../../db/open'
import { writeSummary } from '../../db/queries/summary'
import { worklistCounts, worklistPage, worklistTotal } from '../../db/queries/worklist'
import { writeTx } from '../../db/tx'
import { addDays } from '../../engine/dates'
import type { VariantId } from '../../engine/types'
import { FIRST_NAMES, LAST_NAMES, seededRandom } from './synthetic'

const PATIENTS = Number(process.env['BENCH_PATIENTS'] ?? 100_000)
const STUDIES_PER_PATIENT = 10
const RUNS = 41
const TODAY = '2026-11-24'
const DATES = { today: TODAY, in30Days: addDays(TODAY, 30), in90Days: addDays(TODAY, 90) }

const rand = seededRandom(42)
const pickOne = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!

const FIRST = FIRST_NAMES
const LAST = LAST_NAMES
const PROCS = [
  'mri-abdomen-pelvis-without-and-with-iv-contrast',
  'ct-abdomen-pelvis-with-iv-contrast',
  'dotatate-pet-ct-skull-base-to-mid-thigh',
]
const RESULTS = ['stable', 'stable', 'stable', 'response', 'indeterminate', 'progression'] as const
const VARIANTS: VariantId[] = [
  'follow-up-non-liver-dominant',
  'follow-up-liver-dominant',
  'post-resection-surveillance',
  'untreated-surveillance',
]

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function time(fn: () => unknown): number {
  for (let i = 0; i < 5; i++) fn()
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    fn()
    samples.push(performance.now() - t0)
  }
  return median(samples)
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-bench-'))
const file = path.join(dir, 'bench.sqlite')
try {
  const db = openDatabase(file)
  const t0 = performance.now()
  const insPatient = db.prepare(
    `INSERT INTO patient (id, mrn, name, birth_date, weight_kg, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  )
  const insStudy = db.prepare(
    'INSERT INTO study (patient_id, date, procedure, result, dlp_mgy_cm, region, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const insItem = db.prepare(
    `INSERT INTO followup_item (patient_id, kind, procedure, due_from, due_to, reason, status, created_at,
       updated_at)
     VALUES (?, 'imaging', ?, ?, ?, ?, 'scheduled', ?, ?)`,
  )
  const at = `${TODAY}T08:00:00.000Z`
  const CHUNK = 5_000
  for (let start = 1; start <= PATIENTS; start += CHUNK) {
    writeTx(db, (tx) => {
      for (let id = start; id < start + CHUNK && id <= PATIENTS; id++) {
        const name = `${pickOne(LAST)} ${pickOne(FIRST)} ${id}`
        insPatient.run(id, `MRN${String(id).padStart(7, '0')}`, name, '1960-01-01', 70, at, at)
        let date = addDays('2021-01-01', Math.floor(rand() * 200))
        let last = ''
        let result: (typeof RESULTS)[number] = 'stable'
        let msv = 0
        for (let s = 0; s < STUDIES_PER_PATIENT; s++) {
          const proc = pickOne(PROCS)
          result = pickOne(RESULTS)
          const dlp = proc === PROCS[0] ? null : 400 + Math.floor(rand() * 600)
          if (dlp) msv += dlp * 0.015
          insStudy.run(id, date, proc, result, dlp, dlp ? 'abdomen-pelvis' : null, at)
          last = date
          date = addDays(date, 150 + Math.floor(rand() * 60))
        }
        writeSummary(tx, id, {
          variant: pickOne(VARIANTS),
          lastStudyDate: last,
          lastResult: result,
          lastResultDerived: false,
          cumulativeMsv: msv,
          doseEstimated: false,
          doseIncomplete: false,
        })
        const from = addDays(TODAY, Math.floor(rand() * 730) - 365)
        insItem.run(id, PROCS[0], from, addDays(from, 180), 'stable: 6-12 months', at, at)
      }
    })
  }
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.exec('ANALYZE')
  const buildMs = performance.now() - t0
  const studies = db.prepare('SELECT count(*) FROM study').pluck().get() as number

  const appFirstPage = () =>
    worklistPage(db, { bucket: 'now', sort: 'due', descending: false, limit: 50, offset: 0 }, DATES)
  const rawFirstPage = db.prepare(
    `SELECT p.id, p.name, p.mrn, p.variant, p.last_result, p.cumulative_msv, f.id, f.procedure, f.due_from, f.due_to
     FROM followup_item f JOIN patient p ON p.id = f.patient_id
     WHERE f.status = 'scheduled' AND coalesce(f.override_due_from, f.due_from) <= ?
     ORDER BY coalesce(f.override_due_from, f.due_from), f.patient_id LIMIT 50`,
  )
  const rawFirst = () => rawFirstPage.all(TODAY)
  const appSearch = () =>
    worklistPage(
      db,
      { bucket: 'all', search: 'Curie Marie 12', sort: 'name', descending: false, limit: 50, offset: 0 },
      DATES,
    )
  const rawSearchStmt = db.prepare(
    `SELECT p.id, p.name, p.mrn, p.variant, p.last_result, p.cumulative_msv, f.id, f.procedure, f.due_from, f.due_to
     FROM patient p LEFT JOIN followup_item f ON f.patient_id = p.id AND f.status = 'scheduled'
     WHERE p.name LIKE ? OR p.mrn LIKE ? ORDER BY p.name COLLATE NOCASE, p.id LIMIT 50`,
  )
  const rawSearch = () => rawSearchStmt.all('Curie Marie 12%', 'Curie Marie 12%')

  const page = appFirstPage()
  const firstApp = time(appFirstPage)
  const firstRaw = time(rawFirst)
  const searchApp = time(appSearch)
  const searchRaw = time(rawSearch)
  const countsMs = time(() => worklistCounts(db, DATES))
  const totalMs = time(() => worklistTotal(db, { bucket: 'now' }, DATES))
  const plan = (
    db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT f.id FROM followup_item f JOIN patient p ON p.id = f.patient_id
         WHERE f.status = 'scheduled' AND coalesce(f.override_due_from, f.due_from) <= ?
         ORDER BY coalesce(f.override_due_from, f.due_from), f.patient_id LIMIT 50`,
      )
      .all(TODAY) as Array<{ detail: string }>
  )
    .map((r) => r.detail)
    .join(' | ')
  db.close()

  const f = (ms: number) => `${ms.toFixed(2)} ms`
  console.log(
    `worklist benchmark (${os.cpus().length} cores, Node ${process.version}, medians of ${RUNS} runs)`,
  )
  console.log(
    `log: ${PATIENTS.toLocaleString('en')} patients, ${studies.toLocaleString('en')} studies, ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB`,
  )
  console.log(`build                  ${(buildMs / 1000).toFixed(1)} s`)
  console.log(
    `first page (now, due)  app ${f(firstApp)}   raw SQL ${f(firstRaw)}   ratio ${(firstApp / firstRaw).toFixed(2)}   rows ${page.length}`,
  )
  console.log(
    `type-ahead search      app ${f(searchApp)}   raw SQL ${f(searchRaw)}   ratio ${(searchApp / searchRaw).toFixed(2)}`,
  )
  console.log(`bucket counts          app ${f(countsMs)}   (once per refresh, not per page)`)
  console.log(`total for a filter     app ${f(totalMs)}   (once per filter change)`)
  console.log(`first-page plan: ${plan}`)
  const ok = firstApp <= 10 && firstApp <= 2 * firstRaw
  console.log(
    ok
      ? 'goal met: first page <= 10 ms and within 2x of raw SQL'
      : 'GOAL MISSED: first page must be <= 10 ms and within 2x of raw SQL',
  )
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
