// The write-path log of `npm run bench:scale` (issue 10, test/bench/scale.bench.ts): a log built the way users build it, through the contract's
// handlers and the real dispatch (validation, services, engine, audit), not by inserting rows.
//
//   PATIENTS=10000 npm run bench:scale      (default; CI-sized)
//   PATIENTS=100000 npm run bench:scale     (on request; long)
//   SCALE_LOG=/path/file.sqlite             (where the built log is kept and reused; default under
//                                            the system temp folder, one file per patient count)
//
// Sections (each prints its figures beside the goal):
//   - build: the calls it took to build the log
//   - storage: file size, bytes per patient and per recommendation, by table (SQLite's dbstat)
//   - per call: medians of open patient / create / record study / set result through dispatch,
//     beside raw SQL on the same file where one applies
//   - one patient's history: patient-page payload and record-study time at 2, 20 and 70 studies
// Further sections (start-up, deep page, prefix, UI) can use `scaleLog()` to get the same file.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3-multiple-ciphers'
import { openBackend, type Backend } from '../../electron/backend/backend'
import type { CallName, RequestOf, ResultOf, StudyRequest } from '../../electron/contract/contract'
import { dispatch } from '../../electron/contract/dispatch'
import type { PatientInput } from '../../db/types'
import { FIRST_NAMES, LAST_NAMES, seededRandom } from './synthetic'

/** Bump when the way the log is built changes: a cached log of another build is rebuilt. */
const BUILD_VERSION = 1
const TODAY_NOON = new Date(2026, 10, 24, 12, 0, 0)

// ---------------------------------------------------------------------------------------------
// Deterministic inputs

const rng = seededRandom
const FIRST = FIRST_NAMES
// The first ten surnames (the logs this bench caches were built with them).
const LAST = LAST_NAMES.slice(0, 10)
const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast' as const
const CT = 'ct-abdomen-pelvis-with-iv-contrast' as const
const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh' as const

function addMonths(iso: string, months: number, days = 0): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  const t = new Date(Date.UTC(y, m - 1 + months, Math.min(d, 28) + days))
  return t.toISOString().slice(0, 10)
}

function patientFor(i: number, r: () => number): PatientInput {
  const first = addMonths('2021-01-10', Math.floor(r() * 6), Math.floor(r() * 20))
  const diagnosis = addMonths(first, -2)
  const kind = r()
  return {
    mrn: `W${String(i).padStart(7, '0')}`,
    name: `${LAST[Math.floor(r() * LAST.length)]}, ${FIRST[Math.floor(r() * FIRST.length)]} ${i}`,
    birthDate: addMonths('1950-01-01', Math.floor(r() * 360)),
    weightKg: 50 + Math.floor(r() * 50),
    diagnosis: {
      date: diagnosis,
      confirmed: true,
      grade: r() < 0.6 ? 'G1' : r() < 0.9 ? 'G2' : 'G3',
      functional: r() < 0.1,
      primarySizeMm: 10 + Math.floor(r() * 40),
    },
    stagingComplete: true,
    activeSurveillance: kind < 0.2,
    burden: r() < 0.7 ? 'non-liver-dominant' : 'liver-dominant',
    suspectedRecurrence: false,
    symptoms: [],
    constraints: {
      mriContraindicated: r() < 0.05,
      mriReason: null,
      iodinatedContrastContraindicated: false,
      gadoliniumContraindicated: false,
      eGFR: 60 + Math.floor(r() * 40),
    },
    treatments:
      kind < 0.2
        ? []
        : kind < 0.6
          ? [{ kind: 'resection', date: addMonths(diagnosis, 1), completeResection: true }]
          : [{ kind: 'prrt', date: addMonths(diagnosis, 1), completeResection: null }],
    requestedProcedure: null,
  }
}

type StudyResult = 'stable' | 'response' | 'progression' | 'indeterminate'

function studyFor(
  date: string,
  n: number,
  r: () => number,
  sizes: number[],
): StudyRequest & { later: StudyResult | null } {
  const p = r()
  const procedure = n % 4 === 3 && p < 0.5 ? DOTATATE : p < 0.55 ? MRI : CT
  const x = r()
  const result: StudyResult =
    x < 0.6 ? 'stable' : x < 0.82 ? 'response' : x < 0.92 ? 'progression' : 'indeterminate'
  const factor = result === 'response' ? 0.85 : result === 'progression' ? 1.25 : 1
  for (let i = 0; i < sizes.length; i++) sizes[i] = Math.max(5, Math.round(sizes[i]! * factor))
  const lesions: StudyRequest['lesions'] =
    procedure === DOTATATE
      ? []
      : sizes.map((d, i) => ({
          id: `T${i + 1}`,
          organ: i === 0 ? 'liver' : 'pancreas',
          nodal: false,
          role: 'target' as const,
          diameterMm: d,
          status: null,
        }))
  const dose: StudyRequest['dose'] =
    procedure === CT
      ? {
          effectiveMsv: null,
          ctdiVolMgy: 8 + Math.round(r() * 80) / 10,
          dlpMgyCm: 400 + Math.round(r() * 400),
          region: 'abdomen-pelvis',
          activityMbq: null,
          agent: null,
        }
      : procedure === DOTATATE
        ? {
            effectiveMsv: null,
            ctdiVolMgy: null,
            dlpMgyCm: null,
            region: null,
            activityMbq: 150 + Math.round(r() * 50),
            agent: 'ga68-dotatate',
          }
        : {
            effectiveMsv: null,
            ctdiVolMgy: null,
            dlpMgyCm: null,
            region: null,
            activityMbq: null,
            agent: null,
          }
  // About a third are recorded before they are read, and read with a separate call.
  const later = r() < 0.3 ? result : null
  return { date, procedure, result: later ? 'not-read-yet' : result, lesions, dose, note: null, later }
}

// ---------------------------------------------------------------------------------------------
// The log

export interface Calls {
  backend: Backend
  call<K extends CallName>(name: K, req: RequestOf<K>): Promise<ResultOf<K>>
  /** Milliseconds of the calls, by name. */
  times: Map<string, number[]>
}

/** A backend on `file` whose clock stays on 2026-11-24 (advancing a millisecond a call). */
export function openCalls(file: string): Calls {
  let t = TODAY_NOON.getTime()
  const backend = openBackend({
    dataFile: file,
    transport: 'web',
    version: 'bench',
    now: () => new Date((t += 1)),
    user: 'bench',
    backgroundCheck: false,
    // The calls are timed alone: no copy of the whole log in the background meanwhile.
    dailyBackup: false,
    log: { file: '', info: () => undefined, warn: () => undefined, error: (l: string) => console.error(l) },
  })
  const times = new Map<string, number[]>()
  return {
    backend,
    times,
    async call(name, req) {
      const t0 = performance.now()
      const r = await dispatch(backend.handlers, name, req, (l) => console.error(l))
      const ms = performance.now() - t0
      if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`)
      let xs = times.get(name)
      if (!xs) times.set(name, (xs = []))
      xs.push(ms)
      return r.value as never
    },
  }
}

/** Builds one patient's follow-up through the calls: creation, studies (read now or later), an override or a treatment now and then. */
export async function buildPatient(c: Calls, i: number, studies: number): Promise<number> {
  const r = rng(1000 + i)
  const input = patientFor(i, r)
  const p = await c.call('patients.create', input)
  const sizes = [15 + Math.floor(r() * 30), ...(r() < 0.5 ? [10 + Math.floor(r() * 20)] : [])]
  let date = addMonths(input.diagnosis!.date!, 2)
  for (let n = 0; n < studies; n++) {
    const { later, ...s } = studyFor(date, n, r, sizes)
    const rec = await c.call('studies.record', { patientId: p.id, study: s })
    if (later)
      await c.call('studies.setResult', { studyId: rec.study.id, version: rec.study.version, result: later })
    if (n === Math.floor(studies / 2) && r() < 0.08) {
      // A treatment started midway (progression seen): a facts edit.
      const now = await c.call('patients.get', { id: p.id })
      await c.call('patients.update', {
        id: p.id,
        version: now.version,
        patient: {
          ...input,
          treatments: [...input.treatments, { kind: 'somatostatin-analog', date, completeResection: null }],
        },
      })
    }
    date = addMonths(date, 4 + Math.floor(r() * 3), Math.floor(r() * 10))
    if (date > '2026-11-20') date = '2026-11-20'
  }
  if (r() < 0.1) {
    const d = await c.call('patients.detail', { id: p.id })
    const item = d.items.find((x) => x.status === 'scheduled')
    if (item)
      await c.call('followup.override', {
        itemId: item.id,
        version: item.version,
        procedure: null,
        due: { from: '2027-01-04', to: '2027-02-04' },
        reasonCode: 'patient-preference',
        text: null,
      })
  }
  return p.id
}

/** Where the log of `patients` patients is kept between runs. */
export function defaultLogFile(patients: number): string {
  // In memory-backed /dev/shm when there is one: the figures are the app's work, not the disk's fsync.
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()
  return process.env['SCALE_LOG'] ?? path.join(base, `pnet-scale-${patients}-v${BUILD_VERSION}`, 'log.sqlite')
}

export interface BuiltLog {
  file: string
  patients: number
  /** Seconds the build took, or null when a cached log was reused. */
  buildSeconds: number | null
  calls: Record<string, { count: number; medianMs: number }> | null
}

/**
 * The write-path log of `patients` patients with `studies` studies each, at `file`: built through
 * dispatch when missing (or built by another version of this script), else reused.
 */
export async function scaleLog(file: string, patients: number, studies = 10): Promise<BuiltLog> {
  const stamp = `${file}.bench.json`
  const want = { buildVersion: BUILD_VERSION, patients, studies }
  if (fs.existsSync(file) && fs.existsSync(stamp)) {
    const got = JSON.parse(fs.readFileSync(stamp, 'utf8')) as typeof want & {
      calls: BuiltLog['calls']
      seconds: number
    }
    if (got.buildVersion === BUILD_VERSION && got.patients === patients && got.studies === studies)
      return { file, patients, buildSeconds: null, calls: got.calls }
  }
  fs.rmSync(path.dirname(file), { recursive: true, force: true })
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const c = openCalls(file)
  const t0 = performance.now()
  try {
    for (let i = 0; i < patients; i++) {
      await buildPatient(c, i, studies)
      if ((i + 1) % 1000 === 0)
        process.stderr.write(
          `  built ${i + 1}/${patients} patients (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
        )
    }
  } finally {
    c.backend.close()
  }
  const seconds = (performance.now() - t0) / 1000
  const calls = Object.fromEntries(
    [...c.times].map(([k, v]) => [k, { count: v.length, medianMs: median(v) }]),
  )
  fs.writeFileSync(stamp, JSON.stringify({ ...want, calls, seconds }))
  return { file, patients, buildSeconds: seconds, calls }
}

// ---------------------------------------------------------------------------------------------
// Figures

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

const kb = (b: number) => `${(b / 1024).toFixed(2)} KB`
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`
export const ms = (x: number) => `${x.toFixed(2)} ms`
export function row(label: string, value: string, goal = ''): void {
  console.log(`  ${label.padEnd(44)} ${value.padStart(14)}   ${goal}`)
}

export interface StorageFigures {
  fileBytes: number
  patients: number
  recommendations: number
  byTable: { name: string; bytes: number }[]
  recommendationBytes: number
}

/** Bytes by table (with its indexes) from SQLite's dbstat virtual table. */
export function storageFigures(file: string): StorageFigures {
  const db = new Database(file, { readonly: true })
  try {
    const pages = db
      .prepare(
        `SELECT coalesce(m.tbl_name, s.name) AS name, sum(s.pgsize) AS bytes
         FROM dbstat s LEFT JOIN sqlite_schema m ON m.name = s.name
         GROUP BY 1 ORDER BY 2 DESC`,
      )
      .all() as { name: string; bytes: number }[]
    const patients = db.prepare('SELECT count(*) FROM patient').pluck().get() as number
    const recommendations = db.prepare('SELECT count(*) FROM recommendation').pluck().get() as number
    const recTables = new Set(['recommendation', 'recommendation_sources'])
    return {
      fileBytes:
        fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0),
      patients,
      recommendations,
      byTable: pages,
      recommendationBytes: pages.filter((p) => recTables.has(p.name)).reduce((a, p) => a + p.bytes, 0),
    }
  } finally {
    db.close()
  }
}

export function printStorage(s: StorageFigures): void {
  console.log('\nstorage (dbstat, tables with their indexes)')
  row('file size', mib(s.fileBytes), s.patients >= 100_000 ? 'goal <= 4 GB ceiling, 1.5 GB aim' : '')
  row('bytes per patient (file)', kb(s.fileBytes / s.patients), 'goal <= 40 KB with 10 studies')
  row(
    '  of them in tables and indexes',
    kb(s.byTable.reduce((a, t) => a + t.bytes, 0) / s.patients),
    'dbstat: every table, its indexes included',
  )
  row(
    'bytes per recommendation (its row, indexes)',
    kb(s.recommendationBytes / Math.max(1, s.recommendations)),
    `goal <= 1.5 KB (${s.recommendations.toLocaleString('en')} recommendations)`,
  )
  // A log of schema 90 to 109 (before delta storage) kept shared parts in json_part.
  const parts = s.byTable.find((t) => t.name === 'json_part')?.bytes ?? 0
  if (parts > 0)
    row(
      '  with all shared parts counted to them',
      kb((s.recommendationBytes + parts) / Math.max(1, s.recommendations)),
      'upper bound: json_part also holds the undo entries’ parts',
    )
  for (const t of s.byTable.filter((t) => t.bytes >= 64 * 1024))
    row(`  ${t.name}`, mib(t.bytes), `${kb(t.bytes / s.patients)} per patient`)
}

const DETAIL_SQL = [
  'SELECT * FROM patient WHERE id = ?',
  'SELECT * FROM study WHERE patient_id = ? ORDER BY date, id',
  'SELECT * FROM lesion WHERE study_id IN (SELECT id FROM study WHERE patient_id = ?)',
  'SELECT id, as_of, variant, action, procedure, due_from, due_to FROM recommendation WHERE patient_id = ? ORDER BY id DESC',
  'SELECT * FROM followup_item WHERE patient_id = ?',
]

/** Per-call medians through dispatch on the built log, beside raw SQL on the same file. */
export async function perCallFigures(file: string, patients: number, runs = 101): Promise<void> {
  console.log(
    `\nper call (medians of ${runs}, through dispatch, on the ${patients.toLocaleString('en')}-patient log)`,
  )
  const work = path.join(path.dirname(file), 'per-call.sqlite')
  // The log with its audit key and anchor (a log without them opens read-only).
  for (const ext of ['', '.key', '.anchor'])
    if (fs.existsSync(`${file}${ext}`)) fs.copyFileSync(`${file}${ext}`, `${work}${ext}`)
  const c = openCalls(work)
  try {
    const r = rng(7)
    const ids = Array.from({ length: runs }, () => 1 + Math.floor(r() * patients))
    const payloads: number[] = []
    for (const id of ids) payloads.push(JSON.stringify(await c.call('patients.detail', { id })).length)
    const raw = DETAIL_SQL.map((s) => c.backend.db.prepare(s))
    const rawTimes = ids.map((id) => {
      const t0 = performance.now()
      for (const st of raw) st.all(id)
      return performance.now() - t0
    })
    // New patients with a study each, then a study read later: create, record, set result.
    for (let i = 0; i < runs; i++) {
      const rr = rng(99_000 + i)
      const p = await c.call('patients.create', patientFor(patients + 1 + i, rr))
      const s = await c.call('studies.record', {
        patientId: ids[i]!,
        study: { ...withoutLater(studyFor('2026-11-20', 1, rr, [20])), result: 'not-read-yet' },
      })
      await c.call('studies.setResult', { studyId: s.study.id, version: s.study.version, result: 'stable' })
      void p
    }
    // The audit trail (issue 13): one patient's history, the whole trail, one kind over all of it,
    // one person's entries (the build's: every row but the app's own), a person with none.
    const auditTimes = {
      patient: [] as number[],
      all: [] as number[],
      kind: [] as number[],
      user: [] as number[],
      nobody: [] as number[],
    }
    for (const id of ids) {
      let t0 = performance.now()
      await c.call('audit.list', { patientId: id, limit: 50 })
      auditTimes.patient.push(performance.now() - t0)
      t0 = performance.now()
      await c.call('audit.list', { limit: 50 })
      auditTimes.all.push(performance.now() - t0)
      t0 = performance.now()
      await c.call('audit.list', { kinds: ['result'], limit: 50 })
      auditTimes.kind.push(performance.now() - t0)
      t0 = performance.now()
      await c.call('audit.list', { actor: 'bench', limit: 50 })
      auditTimes.user.push(performance.now() - t0)
      t0 = performance.now()
      await c.call('audit.list', { actor: 'someone.else', limit: 50 })
      auditTimes.nobody.push(performance.now() - t0)
    }
    const t = (n: string) => median(c.times.get(n) ?? [])
    row(
      'open patient (patients.detail)',
      ms(t('patients.detail')),
      `raw SQL of its rows ${ms(median(rawTimes))}; includes its read row (audit)`,
    )
    row(
      '  a patient’s history (audit.list, 50)',
      ms(median(auditTimes.patient)),
      'goal < 50 ms, with the count',
    )
    row(
      '  the whole audit trail (audit.list, 50)',
      ms(median(auditTimes.all)),
      'goal < 50 ms, count capped at 10 000',
    )
    row(
      '  one kind over the trail (audit.list, 50)',
      ms(median(auditTimes.kind)),
      'goal < 50 ms, count capped at 10 000',
    )
    row(
      '  one person’s entries (audit.list, 50)',
      ms(median(auditTimes.user)),
      'goal < 50 ms, count capped at 10 000',
    )
    row('  a person with none (audit.list, 50)', ms(median(auditTimes.nobody)), 'goal < 50 ms')
    row('  its payload', kb(median(payloads)), 'median, 10-study patients')
    row('create patient (patients.create)', ms(t('patients.create')), '')
    row('record study (studies.record)', ms(t('studies.record')), 'measured before: 3.0 ms')
    row('set result (studies.setResult)', ms(t('studies.setResult')), 'measured before: 2.1 ms')
  } finally {
    c.backend.close()
    for (const ext of ['', '-wal', '-shm', '.key', '.anchor', '.lock'])
      fs.rmSync(`${work}${ext}`, { force: true })
  }
}

/** The calls whose cost must not grow with the patient's history, as the history section names them. */
const HISTORY_CALLS = [
  ['record', 'record study (studies.record)'],
  ['result', 'set result (studies.setResult)'],
  ['open', 'open patient (patients.detail)'],
] as const
type HistoryCall = (typeof HISTORY_CALLS)[number][0]

export interface HistoryFigure {
  at: number
  payload: number
  /** Medians over the studies around `at`, of every patient: wall time and the process's CPU time. */
  ms: Record<HistoryCall, { wall: number; cpu: number }>
}

/**
 * One patient's history growing to 70 studies: what recording a study, setting its result and
 * opening the patient cost at 2, 20 and 70 studies must not grow with it. Each figure is the median
 * over the few studies around that point (the study before it read later, with a separate call),
 * of `patientsToAverage` patients; CPU time (the process's, through dispatch) is printed beside the
 * wall time, as a busy machine inflates the latter.
 */
/** Each call's CPU at 20 and 70 studies, at most this many times its CPU at 2 (issue 10, item 5). */
const HISTORY_GOAL = 1.3

export async function historyFigures(dir: string, patientsToAverage = 3): Promise<HistoryFigure[]> {
  const at = [2, 20, 70]
  const around = (n: number) => at.find((a) => n <= a && n > a - 5) ?? null
  const samples = new Map<
    number,
    Record<HistoryCall, { wall: number[]; cpu: number[] }> & { payload: number[] }
  >()
  const sample = (n: number) => {
    let s = samples.get(n)
    if (!s) {
      const empty = () => ({ wall: [] as number[], cpu: [] as number[] })
      samples.set(n, (s = { record: empty(), result: empty(), open: empty(), payload: [] }))
    }
    return s
  }
  const timed = async <T>(
    into: { wall: number[]; cpu: number[] } | null,
    f: () => Promise<T>,
  ): Promise<T> => {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const r = await f()
    const wall = performance.now() - t0
    const c = process.cpuUsage(c0)
    into?.wall.push(wall)
    into?.cpu.push((c.user + c.system) / 1000)
    return r
  }
  // k = -1: a patient whose calls are not measured, so the first figures are not the JIT's warm-up.
  for (let k = -1; k < patientsToAverage; k++) {
    const file = path.join(dir, `history-${k + 1}.sqlite`)
    fs.rmSync(file, { force: true })
    const c = openCalls(file)
    try {
      const r = rng(500 + k)
      const input = patientFor(k + 1, r)
      const p = await c.call('patients.create', {
        ...input,
        diagnosis: { ...input.diagnosis!, date: '2019-01-01' },
        treatments: [],
      })
      const sizes = [30, 20]
      for (let n = 1; n <= (k < 0 ? 8 : 70); n++) {
        const date = addMonths('2019-03-01', n)
        const { later, ...s } = studyFor(date, n, r, sizes)
        const point = around(n)
        const into = point === null || k < 0 ? null : sample(point)
        // Around a point every study is read later (a separate call), so both calls are measured.
        const result: StudyResult | null = later ?? (into === null ? null : (s.result as StudyResult))
        const rec = await timed(into?.record ?? null, () =>
          c.call('studies.record', {
            patientId: p.id,
            study: { ...s, result: result ? 'not-read-yet' : s.result },
          }),
        )
        if (result)
          await timed(into?.result ?? null, () =>
            c.call('studies.setResult', { studyId: rec.study.id, version: rec.study.version, result }),
          )
        if (into) {
          const d = await timed(into.open, () => c.call('patients.detail', { id: p.id }))
          if (n === point) into.payload.push(JSON.stringify(d).length)
        }
      }
    } finally {
      c.backend.close()
    }
  }
  const out: HistoryFigure[] = at.map((n) => {
    const s = sample(n)
    const ms = Object.fromEntries(
      HISTORY_CALLS.map(([k]) => [k, { wall: median(s[k].wall), cpu: median(s[k].cpu) }]),
    ) as HistoryFigure['ms']
    return { at: n, payload: median(s.payload), ms }
  })
  console.log(
    `\none patient's history (medians over the 5 studies up to each point, ${patientsToAverage} patients; wall / CPU)`,
  )
  const first = out[0]!
  for (const [k, name] of HISTORY_CALLS)
    for (const [i, o] of out.entries()) {
      const ratio = o.ms[k].cpu / first.ms[k].cpu
      // Beside the goal's ratio, the one to the point before: the first studies of a patient cost
      // more than later ones (their chains start from another patient's row), so this one is the
      // growth with the history alone.
      const previous =
        i > 1 ? ` (x${(o.ms[k].cpu / out[i - 1]!.ms[k].cpu).toFixed(2)} of at ${out[i - 1]!.at})` : ''
      row(
        `${name} at ${o.at} studies`,
        `${ms(o.ms[k].wall)} / ${o.ms[k].cpu.toFixed(2)}`,
        o === first
          ? ''
          : `x${ratio.toFixed(2)} of at ${first.at}${previous}  goal: CPU <= x${HISTORY_GOAL} ${ratio <= HISTORY_GOAL ? '(met)' : '(NOT met)'}`,
      )
    }
  for (const o of out)
    row(
      `patient page payload at ${o.at} studies`,
      kb(o.payload),
      'the studies whole, 20 recommendation summaries, the current one without its case',
    )
  return out
}

function withoutLater(s: StudyRequest & { later: StudyResult | null }): StudyRequest {
  const { later: _later, ...rest } = s
  return rest
}
