// `npm run bench:rdsr`: how long reading a Radiation Dose SR takes (dcmjs, electron/backend/
// interop/rdsr.ts): a CT dose report with 1 and with 40 irradiation events, a radiopharmaceutical
// dose report, and files that are refused (not DICOM, truncated, a CT image). Prints the median
// and the slowest of repeated runs. Goal: a typed answer within 2 s per file.
import { performance } from 'node:perf_hooks'
import { DicomFileError, readDoseReport } from '../../electron/backend/interop/rdsr'
import {
  ctDoseReport,
  imageInstance,
  radiopharmaceuticalDoseReport,
  REGION_CODES,
  studyIds,
  uid,
} from '../helpers/dicom'

const RUNS = Number(process.env['RUNS'] ?? 300)
const ids = studyIds('BENCH-1', '2025-06-01', 'CT CHEST ABDOMEN PELVIS')
const ev = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    ctdiVolMgy: 5 + (i % 10),
    dlpMgyCm: 100 + i,
    region: i % 2 ? REGION_CODES.chest : REGION_CODES.abdomenPelvis,
  }))
const one = ctDoseReport(ids, ev(1), 100)
const forty = ctDoseReport(ids, ev(40), 5000)
const cases: [string, Uint8Array][] = [
  ['CT dose report, 1 event', one],
  ['CT dose report, 40 events', forty],
  [
    'radiopharmaceutical dose report',
    radiopharmaceuticalDoseReport(ids, {
      agent: 'Ga-68 DOTATATE',
      radionuclide: 'Gallium-68',
      activityMbq: 150,
    }),
  ],
  ['refused: not DICOM', new TextEncoder().encode('MRN,Name\n'.repeat(1000))],
  ['refused: truncated', forty.subarray(0, Math.floor(forty.length * 0.6))],
  ['refused: a CT image (wrong SOP class)', imageInstance(ids, 'CT', uid(), 'ABDOMEN')],
]

for (const [name, bytes] of cases) {
  const times: number[] = []
  let outcome = ''
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now()
    try {
      const r = readDoseReport(bytes)
      outcome = `${r.events.length} events`
    } catch (e) {
      if (!(e instanceof DicomFileError)) throw e
      outcome = e.code
    }
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  console.log(
    `${name.padEnd(40)} ${String(bytes.length).padStart(7)} bytes  median ${times[times.length >> 1]!.toFixed(2)} ms  max ${times.at(-1)!.toFixed(2)} ms  (${outcome})`,
  )
}
