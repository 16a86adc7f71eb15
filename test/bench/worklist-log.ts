// The synthetic log of the worklist benchmarks: patients, their summary and one open step each,
// inserted directly (the worklist reads only the patient row and the open step; a few studies per
// patient keep the file's shape). Shared by `bench:worklist` and `bench:ui`.
import type Database from 'better-sqlite3-multiple-ciphers'
import { writeSummary } from '../../db/queries/summary'
import { fillPrefixTable } from '../../db/migrations/0130-prefix-short'
import { writeTx, type ReadableDb } from '../../db/tx'
import { addDays } from '../../engine/dates'
import type { VariantId } from '../../engine/types'
import { FIRST_NAMES, LAST_NAMES, seededRandom } from './synthetic'

export const BENCH_TODAY = '2026-11-24'

const PROCS = [
  'mri-abdomen-pelvis-without-and-with-iv-contrast',
  'ct-abdomen-pelvis-with-iv-contrast',
  'dotatate-pet-ct-skull-base-to-mid-thigh',
]
const RESULTS = ['stable', 'stable', 'stable', 'response', 'indeterminate', 'progression'] as const
export const BENCH_VARIANTS: VariantId[] = [
  'follow-up-non-liver-dominant',
  'follow-up-liver-dominant',
  'post-resection-surveillance',
  'untreated-surveillance',
]

/**
 * Fills `db` (a fresh log) with `patients` patients named "Last First id": 95 % with an open step
 * due from a year ago to a year ahead (2 % of them a result to enter, so the attention tab has
 * rows), 10 % with no result yet and no dose, `studiesPerPatient` studies each.
 */
export function buildWorklistLog(
  db: Database.Database,
  patients: number,
  studiesPerPatient: number,
  startId = 1,
): { prefixTableMs: number } {
  // The word-prefix table (migration 130) is filled after the rows, as the migration fills it for
  // an existing log: its indexes and triggers are set aside meanwhile and put back as they were.
  const aside = db
    .prepare(
      `SELECT name, type, sql FROM sqlite_schema
       WHERE (type = 'index' AND tbl_name = 'patient_prefix' AND sql IS NOT NULL)
          OR (type = 'trigger' AND name LIKE 'patient\\_prefix\\_%' ESCAPE '\\')`,
    )
    .all() as Array<{ name: string; type: 'index' | 'trigger'; sql: string }>
  for (const a of aside) db.exec(`DROP ${a.type.toUpperCase()} ${a.name}`)
  db.exec('DELETE FROM patient_prefix')
  const rand = seededRandom(42 + startId)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
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
     VALUES (?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)`,
  )
  const at = `${BENCH_TODAY}T08:00:00.000Z`
  const CHUNK = 5_000
  const end = startId + patients
  for (let start = startId; start < end; start += CHUNK) {
    writeTx(db as unknown as ReadableDb, (tx) => {
      for (let id = start; id < start + CHUNK && id < end; id++) {
        insPatient.run(
          id,
          `MRN${String(id).padStart(7, '0')}`,
          `${pick(LAST_NAMES)} ${pick(FIRST_NAMES)} ${id}`,
          '1960-01-01',
          70,
          at,
          at,
        )
        const fresh = rand() < 0.1
        let date = addDays('2021-01-01', Math.floor(rand() * 200))
        let last: string | null = null
        let result: (typeof RESULTS)[number] | null = null
        let msv = 0
        for (let s = 0; s < (fresh ? 0 : studiesPerPatient); s++) {
          const proc = pick(PROCS)
          result = pick(RESULTS)
          const dlp = proc === PROCS[0] ? null : 400 + Math.floor(rand() * 600)
          if (dlp) msv += dlp * 0.015
          insStudy.run(id, date, proc, result, dlp, dlp ? 'abdomen-pelvis' : null, at)
          last = date
          date = addDays(date, 150 + Math.floor(rand() * 60))
        }
        if (!fresh && studiesPerPatient === 0) {
          result = pick(RESULTS)
          msv = Math.round(rand() * 4000) / 100
        }
        writeSummary(tx, id, {
          variant: pick(BENCH_VARIANTS),
          lastStudyDate: last,
          lastResult: result,
          lastResultDerived: false,
          cumulativeMsv: fresh ? null : msv,
          doseEstimated: false,
          doseIncomplete: false,
        })
        if (rand() < 0.95) {
          const from = addDays(BENCH_TODAY, Math.floor(rand() * 730) - 365)
          const kind = rand() < 0.02 ? 'enter-result' : 'imaging'
          insItem.run(id, kind, PROCS[0], from, addDays(from, 180), 'stable: 6-12 months', at, at)
        }
      }
    })
  }
  const t0 = performance.now()
  db.exec('DELETE FROM patient_prefix')
  fillPrefixTable(db)
  for (const a of aside) db.exec(a.sql)
  const prefixTableMs = performance.now() - t0
  db.pragma('wal_checkpoint(TRUNCATE)')
  return { prefixTableMs }
}
