// Engine throughput: evaluate 100k synthetic, varied, valid cases.
//
//   npm run bench:engine            (optional: -- --cases 200000 --runs 9 --warmups 3)
//
// The script bundles this file with the engine into one module first (esbuild), as electron-vite
// bundles the engine into the app: the figure is the engine as it ships, not per-module loader
// overhead of a TypeScript runner.
//
// Cases are built deterministically from a seeded PRNG (mulberry32), so every run measures the
// same work. Warm-up passes first, then the median of several timed passes.
import { performance } from 'node:perf_hooks'
import {
  ACR_PNET,
  evaluate,
  type Case,
  type Evaluation,
  type Lesion,
  type ProcedureId,
  type Study,
  type StudyResult,
  type TreatmentKind,
} from '../../engine'
import { fromDayNumberIso, toDayNumber } from '../../engine/dates'

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback
}

const N = arg('cases', 100_000)
const RUNS = arg('runs', 7)
const WARMUPS = arg('warmups', 2)
const AS_OF = '2026-06-15'

/** mulberry32: a small, fast, seeded PRNG. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const rand = mulberry32(20260615)
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
const chance = (p: number): boolean => rand() < p

const AS_OF_DAY = toDayNumber(AS_OF)
const dayBefore = (maxDays: number): string => fromDayNumberIso(AS_OF_DAY - 1 - Math.floor(rand() * maxDays))

const FOLLOW_UP_STUDIES: readonly ProcedureId[] = [
  'mri-abdomen-pelvis-without-and-with-iv-contrast',
  'mri-abdomen-pelvis-without-and-with-iv-contrast',
  'ct-abdomen-pelvis-with-iv-contrast',
  'dotatate-pet-ct-skull-base-to-mid-thigh',
  'ct-chest-without-iv-contrast',
]
const RESULTS: readonly (StudyResult | null)[] = [
  'stable',
  'stable',
  'stable',
  'response',
  'indeterminate',
  'progression',
  null,
]
const TREATED: readonly TreatmentKind[] = [
  'prrt',
  'somatostatin-analog',
  'targeted-therapy',
  'chemotherapy',
  'liver-directed',
]

function makeStudies(n: number, lesions: boolean): Study[] {
  const days: number[] = []
  for (let i = 0; i < n; i++) days.push(Math.floor(rand() * 1500))
  days.sort((a, b) => b - a)
  let size = 20 + Math.floor(rand() * 40)
  return days.map((d) => {
    const procedure = pick(FOLLOW_UP_STUDIES)
    const s: Study = { date: fromDayNumberIso(AS_OF_DAY - 1 - d), procedure, result: pick(RESULTS) }
    if (lesions) {
      size = Math.max(0, size + Math.floor(rand() * 13) - 6)
      const ls: Lesion[] = [
        { id: 'T1', organ: 'pancreas', nodal: false, role: 'target', diameterMm: size },
        {
          id: 'N1',
          organ: 'lymph node',
          nodal: true,
          role: 'target',
          diameterMm: 15 + Math.floor(rand() * 6),
        },
      ]
      if (chance(0.1)) ls.push({ id: 'NEW1', organ: 'liver', nodal: false, role: 'new', diameterMm: 8 })
      s.lesions = ls
    }
    if (procedure === 'ct-abdomen-pelvis-with-iv-contrast' && chance(0.5)) {
      s.dose = { dlpMgyCm: 400 + Math.floor(rand() * 600), region: 'abdomen-pelvis' }
    } else if (procedure === 'dotatate-pet-ct-skull-base-to-mid-thigh') {
      s.dose = chance(0.5)
        ? {
            agent: 'ga68-dotatate',
            activityMbq: 150 + Math.floor(rand() * 50),
            dlpMgyCm: 300 + Math.floor(rand() * 400),
          }
        : { agent: chance(0.2) ? 'cu64-dotatate' : 'ga68-dotatate' }
    }
    return s
  })
}

function makeCase(i: number): Case {
  const kind = rand()
  const constraints = {
    mriContraindicated: chance(0.1),
    iodinatedContrastContraindicated: chance(0.05),
    gadoliniumContraindicated: chance(0.03) ? true : chance(0.05) ? null : false,
    eGFR: chance(0.3) ? 15 + Math.floor(rand() * 90) : null,
  }
  const base: Case = {
    id: `B-${i}`,
    birthDate: dayBefore(30000),
    weightKg: chance(0.7) ? 45 + Math.floor(rand() * 80) : null,
    diagnosis: {
      date: chance(0.5) ? dayBefore(4000) : null,
      confirmed: chance(0.95) ? true : null,
      grade: pick(['G1', 'G2', 'G3', null] as const),
      functional: pick([true, false, null] as const),
      primarySizeMm: chance(0.6) ? 8 + Math.floor(rand() * 30) : null,
    },
    stagingComplete: true,
    treatments: [],
    activeSurveillance: false,
    burden: null,
    suspectedRecurrence: chance(0.05),
    symptoms: chance(0.1) ? [pick(['new-localized-bone-pain', 'rising-biomarkers', 'jaundice'])] : [],
    constraints,
    requestedProcedure: chance(0.1)
      ? pick(['endoscopic-us', 'in111-pentetreotide-spect-ct', 'us-abdomen'] as const)
      : null,
    studies: [],
  }
  const nStudies = Math.floor(rand() * 6)
  if (kind < 0.45) {
    base.treatments = [{ kind: pick(TREATED), date: dayBefore(2000) }]
    base.burden = chance(0.8) ? 'non-liver-dominant' : chance(0.9) ? 'liver-dominant' : null
    base.studies = makeStudies(nStudies, chance(0.35))
  } else if (kind < 0.7) {
    base.treatments = [{ kind: 'resection', date: dayBefore(5000), completeResection: true }]
    base.symptoms = chance(0.9) ? [] : ['jaundice']
    base.studies = makeStudies(nStudies, false).map((s) => ({
      ...s,
      result: chance(0.8) ? 'no-evidence-of-disease' : s.result,
    }))
  } else if (kind < 0.9) {
    base.activeSurveillance = true
    base.burden = 'non-liver-dominant'
    base.studies = makeStudies(nStudies, chance(0.3))
  } else {
    base.stagingComplete = false
    base.studies = chance(0.5) ? [] : makeStudies(1, false)
  }
  return base
}

const cases: Case[] = []
for (let i = 0; i < N; i++) cases.push(makeCase(i))

function pass(): { ms: number; cpuMs: number; sink: number } {
  let sink = 0
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < cases.length; i++) {
    const e: Evaluation = evaluate(cases[i] as Case, AS_OF, ACR_PNET)
    sink += e.alerts.length + e.rationale.length
  }
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(c0)
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, sink }
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

// Warm-up: let the JIT settle and the heap of 100k cases reach the old generation.
let warmMs = 0
for (let w = 0; w < WARMUPS; w++) warmMs += pass().ms
const times: number[] = []
const cpuTimes: number[] = []
for (let r = 0; r < RUNS; r++) {
  const p = pass()
  times.push(p.ms)
  cpuTimes.push(p.cpuMs)
}
const wall = median(times)
const cpu = median(cpuTimes)

// A quick look at the mix, so a change in the generator shows up next to the figure.
const mix = new Map<string, number>()
for (const c of cases.slice(0, 10_000)) {
  const e = evaluate(c, AS_OF, ACR_PNET)
  const key = `${e.variant ?? 'none'} -> ${e.next.action}`
  mix.set(key, (mix.get(key) ?? 0) + 1)
}

console.log(
  `engine bench: ${N} cases, asOf ${AS_OF}, pack ${ACR_PNET.id}@${ACR_PNET.version}, node ${process.version}`,
)
console.log(
  `runs, wall (ms): ${times.map((t) => t.toFixed(1)).join(', ')} (after ${WARMUPS} warm-up passes, ${warmMs.toFixed(0)} ms)`,
)
console.log(
  `median: ${wall.toFixed(1)} ms total, ${Math.round((N / wall) * 1000).toLocaleString('en-US')} cases/s`,
)
console.log(
  `median CPU time: ${cpu.toFixed(1)} ms, ${Math.round((N / cpu) * 1000).toLocaleString('en-US')} cases per CPU-second (GC threads included)`,
)
console.log(
  `mix of the first 10k: ${[...mix.entries()]
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join('; ')}`,
)
