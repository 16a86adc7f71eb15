// Effective-dose estimates per study and the ledger over a patient's studies.
//
// Order of preference (domain-facts §3.5): a recorded effective dose; a formula on recorded
// inputs (CT: DLP × region k-factor; radiopharmaceutical: activity × agent coefficient, plus
// the CT part of a hybrid study); a typical value for the procedure, flagged as estimated.
// A value that is not known (Cu-64 DOTATATE's coefficient) makes the estimate `null` and says
// so; it is never invented.
//
// Each study's estimate is rounded to 0.001 mSv (1 µSv); the ledger adds whole microsieverts,
// so its total is exactly the sum of its parts.
import { ACR_PNET, type LoadedPack } from './guideline'
import { DOSE_AVOIDANCE_PAIRS } from './doseData'
import {
  type Agent,
  type DoseEvent,
  type DoseEstimate,
  type DoseLedger,
  type DoseRegion,
  type DoseSummary,
  type DoseByModality,
  type EngineSettings,
  type IsoDate,
  type KFactorSet,
  type Modality,
  type MonthInterval,
  type ProcedureId,
  type RatingRow,
  type Study,
  type StudyDoseEstimate,
  type StudyRef,
} from './types'

export interface DoseOptions extends EngineSettings {
  /** Patient weight for weight-based default activity (Ga-68 DOTATATE). */
  weightKg?: number | null
  pack?: LoadedPack
  /** Ledger only: studies dated after this day are not counted (they keep their index). */
  asOf?: IsoDate
}

const EMPTY: readonly string[] = Object.freeze([])
const SRC_ACR_RRL: readonly string[] = Object.freeze(['acr_rrl'])
const SRC_INFERRED: readonly string[] = Object.freeze(['inferred'])

function round3(x: number): number {
  return Math.round(x * 1000) / 1000
}

function validNumber(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0
}

/** k for a region in the chosen set; the AAPM 96 value (flagged) where the set has none. */
function kFactor(pack: LoadedPack, set: KFactorSet, region: DoseRegion, flags: string[]): number {
  const k = pack.kFactors.sets[set][region]
  if (k !== null) return k
  flags.push('k-factor-from-aapm96')
  return pack.kFactors.sets.aapm96[region] as number
}

function coefficientOf(
  pack: LoadedPack,
  agent: Agent,
  cu64: number | undefined,
): { value: number | null; source: string } {
  const data = pack.agents[agent]
  if (data.coefficientMsvPerMbq !== null)
    return { value: data.coefficientMsvPerMbq, source: data.coefficientSource }
  if (agent === 'cu64-dotatate' && validNumber(cu64)) return { value: cu64, source: 'site-setting' }
  return { value: null, source: data.coefficientSource }
}

function defaultActivity(
  pack: LoadedPack,
  agent: Agent,
  weightKg: number | null | undefined,
  flags: string[],
  sources: string[],
): number {
  const d = pack.agents[agent].defaultActivity
  sources.push(d.source)
  if (d.kind === 'fixed') return d.mbq
  if (validNumber(weightKg) && weightKg > 0) return Math.min(d.mbqPerKg * weightKg, d.capMbq)
  flags.push('weight-unknown')
  return d.withoutWeightMbq
}

function estimate(
  study: Study,
  index: number,
  pack: LoadedPack,
  kSet: KFactorSet,
  cu64: number | undefined,
  weightKg: number | null | undefined,
): StudyDoseEstimate {
  const proc = pack.procedure[study.procedure]
  const modality = proc.modality
  const d = study.dose ?? null
  // One object shape for every path (fast in batch jobs), filled in below.
  const e: StudyDoseEstimate = {
    msv: null,
    method: 'unknown',
    estimated: false,
    incomplete: false,
    modality,
    radiopharmaceuticalMsv: null,
    ctMsv: null,
    activityMbq: null,
    agent: null,
    kFactor: null,
    region: null,
    flags: EMPTY,
    sources: EMPTY,
    index,
    date: study.date,
    procedure: study.procedure,
  }

  if (d !== null && validNumber(d.effectiveMsv)) {
    e.msv = round3(d.effectiveMsv)
    e.method = 'recorded'
    e.activityMbq = validNumber(d.activityMbq) ? d.activityMbq : null
    e.agent = d.agent ?? null
    e.region = d.region ?? null
    return e
  }
  if (modality === 'MR' || modality === 'US') {
    e.msv = 0
    e.method = 'non-ionizing'
    e.sources = proc.typical.source === 'inferred' ? SRC_INFERRED : SRC_ACR_RRL
    return e
  }

  const flags: string[] = []
  const sources: string[] = []
  e.flags = flags
  e.sources = sources

  // The CT part, from the recorded DLP (a CT study, or the CT of a hybrid study): per irradiation
  // event with its own region's k when the dose report gave events, else the study's DLP.
  e.region = d?.region ?? null
  const perEvent = d !== null ? eventDoses(d.events, kSet, proc.ctRegion ?? 'abdomen', pack) : null
  if (perEvent !== null) {
    let usv = 0
    for (const ev of perEvent) usv += Math.round(ev.msv * 1000)
    e.ctMsv = usv / 1000
    const first = perEvent[0] as EventDose
    const oneRegion = perEvent.every((ev) => ev.region === first.region)
    e.region = oneRegion ? first.region : null
    e.kFactor = perEvent.every((ev) => ev.kFactor === first.kFactor) ? first.kFactor : null
    if (perEvent.length > 1) flags.push('k-per-event')
    if (perEvent.some((ev) => ev.regionAssumed)) flags.push('region-assumed')
    if (perEvent.some((ev) => ev.kFromAapm96)) flags.push('k-factor-from-aapm96')
    if ((d?.events ?? []).some((ev) => !validNumber(ev.dlpMgyCm))) {
      flags.push('event-dlp-missing')
      e.incomplete = true
    }
    sources.push(pack.kFactors.source)
  } else if (d !== null && validNumber(d.dlpMgyCm)) {
    if (e.region === null) {
      e.region = proc.ctRegion ?? 'abdomen'
      flags.push('region-assumed')
    }
    e.kFactor = kFactor(pack, kSet, e.region, flags)
    e.ctMsv = round3(d.dlpMgyCm * e.kFactor)
    sources.push(pack.kFactors.source)
  }

  if (modality === 'CT' || modality === 'XR') {
    if (e.ctMsv !== null) {
      e.msv = e.ctMsv
      e.method = 'dlp-k'
      return e
    }
    const t = proc.typical
    e.msv = e.ctMsv = t.kind === 'fixed' ? t.msv : null
    e.method = e.msv === null ? 'unknown' : 'typical'
    e.estimated = true
    e.region = e.region ?? proc.ctRegion
    flags.push('typical-value')
    if (d !== null && validNumber(d.ctdiVolMgy)) flags.push('ctdivol-without-length')
    sources.push(t.source)
    return e
  }

  // PET/CT or SPECT/CT: radiopharmaceutical part + CT part.
  e.estimated = true
  let agent: Agent | null = d?.agent ?? null
  if (agent === null) {
    const t = proc.typical
    agent = t.kind === 'radiopharmaceutical' ? t.agent : null
    if (agent !== null) flags.push('agent-assumed')
  }
  if (agent === null) {
    flags.push('agent-unknown')
    e.incomplete = true
    return e
  }
  e.agent = agent
  let activityRecorded = false
  let activity: number
  if (d !== null && validNumber(d.activityMbq)) {
    activity = d.activityMbq
    activityRecorded = true
  } else {
    activity = defaultActivity(pack, agent, weightKg, flags, sources)
    flags.push('activity-defaulted')
  }
  e.activityMbq = activity
  const coef = coefficientOf(pack, agent, cu64)
  sources.push(coef.source)
  if (coef.value === null) {
    flags.push('coefficient-unknown')
    e.incomplete = true
    return e
  }
  const rp = round3(activity * coef.value)
  e.radiopharmaceuticalMsv = rp
  e.msv = round3(rp + (e.ctMsv ?? 0))
  e.method = activityRecorded ? 'activity-coefficient' : 'typical'
  if (e.ctMsv === null) {
    flags.push('ct-part-unknown')
    e.incomplete = true
  }
  e.estimated = !activityRecorded || e.incomplete || (d?.agent ?? null) === null
  return e
}

/** One irradiation event's CT dose: its DLP × the k of its region. */
export interface EventDose {
  /** Position in the study's `events`. */
  index: number
  dlpMgyCm: number
  region: DoseRegion
  /** The event gave no region: the procedure's usual region was used. */
  regionAssumed: boolean
  kFactor: number
  /** The chosen set had no factor for the region: the AAPM Report 96 one was used. */
  kFromAapm96: boolean
  /** mSv, rounded to 0.001. */
  msv: number
}

/**
 * The CT part per irradiation event (those with a DLP), each with the k of its own region; null
 * when no event has a DLP. Used by the ledger and by the screens that show the arithmetic.
 *
 * @example eventDoses([{ dlpMgyCm: 300, region: 'chest' }, { dlpMgyCm: 500, region: 'abdomen-pelvis' }], 'aapm96', 'abdomen')
 * // [{ msv: 4.2, kFactor: 0.014, … }, { msv: 7.5, kFactor: 0.015, … }]
 */
export function eventDoses(
  events: readonly DoseEvent[] | null | undefined,
  kSet: KFactorSet,
  fallbackRegion: DoseRegion,
  pack: LoadedPack = ACR_PNET,
): EventDose[] | null {
  if (!events || events.length === 0) return null
  const out: EventDose[] = []
  events.forEach((ev, index) => {
    if (!validNumber(ev.dlpMgyCm)) return
    const region = ev.region ?? fallbackRegion
    const flags: string[] = []
    const k = kFactor(pack, kSet, region, flags)
    out.push({
      index,
      dlpMgyCm: ev.dlpMgyCm,
      region,
      regionAssumed: ev.region == null,
      kFactor: k,
      kFromAapm96: flags.length > 0,
      msv: round3(ev.dlpMgyCm * k),
    })
  })
  return out.length > 0 ? out : null
}

/** The numbers behind one estimate, worked out with the pack and settings its ledger used. */
export interface EstimateWorking {
  /** The CT part per irradiation event (a dose report's events), each with its region's k; else null. */
  events: EventDose[] | null
  /** The coefficient (mSv/MBq) of the radiopharmaceutical part, if there is one and it is known. */
  coefficientMsvPerMbq: number | null
}

/**
 * What a screen shows of how an estimate was made (its arithmetic), from the same pack and
 * settings as the estimate: the per-event k of a CT part from a dose report, and the
 * radiopharmaceutical's coefficient. `study` is the estimate's study (`studies[e.index]`).
 */
export function estimateWorking(study: Study, e: DoseEstimate, opts: DoseOptions = {}): EstimateWorking {
  const pack = opts.pack ?? ACR_PNET
  const events =
    e.ctMsv !== null
      ? eventDoses(
          study.dose?.events,
          opts.kFactors ?? 'aapm96',
          pack.procedure[study.procedure].ctRegion ?? 'abdomen',
          pack,
        )
      : null
  const coefficient =
    e.agent !== null && e.radiopharmaceuticalMsv !== null
      ? coefficientOf(pack, e.agent, opts.siteCoefficients?.['cu64-dotatate']).value
      : null
  return { events, coefficientMsvPerMbq: coefficient }
}

/**
 * Estimate one study's effective dose, with the method and every assumption as a flag.
 * (The result also carries the study's date and procedure; `index` is -1.)
 *
 * @example
 * estimateStudyDose(
 *   { date: '2026-04-09', procedure: 'dotatate-pet-ct-skull-base-to-mid-thigh', result: 'stable',
 *     dose: { agent: 'ga68-dotatate', activityMbq: null, dlpMgyCm: 500, region: 'chest-abdomen-pelvis' } },
 *   { weightKg: 110 },
 * ).msv // 11.7 (200 MBq × 0.021 + 500 mGy·cm × 0.015)
 */
export function estimateStudyDose(study: Study, opts: DoseOptions = {}): DoseEstimate {
  return estimate(
    study,
    -1,
    opts.pack ?? ACR_PNET,
    opts.kFactors ?? 'aapm96',
    opts.siteCoefficients?.['cu64-dotatate'],
    opts.weightKg,
  )
}

/**
 * The typical dose of a procedure when nothing was recorded (what a new order of it will add).
 *
 * @example typicalProcedureDose('ct-abdomen-pelvis-with-iv-contrast').msv // 10
 * @example typicalProcedureDose('dotatate-pet-ct-skull-base-to-mid-thigh', { weightKg: 60 }).msv
 * // 2.52 (120 MBq × 0.021; the CT part is unknown, so `incomplete` is true)
 */
export function typicalProcedureDose(procedure: ProcedureId, opts: DoseOptions = {}): DoseEstimate {
  return estimateStudyDose({ date: '1970-01-01', procedure, result: null }, opts)
}

/** An empty per-modality record. */
export function zeroByModality(): Record<Modality, number> {
  return { CT: 0, MR: 0, 'PET/CT': 0, NM: 0, US: 0, XR: 0 }
}

/**
 * Every study's estimate and the sums by modality. Studies whose dose is unknown are listed
 * (and add nothing); studies whose CT part is unknown count their known part and are listed as
 * incomplete. `estimated` is true when any typical value, default or assumption was used.
 *
 * @example doseLedger(case.studies, { weightKg: case.weightKg }).cumulativeMsv
 */
export function doseLedger(studies: readonly Study[], opts: DoseOptions = {}): DoseLedger {
  const perStudy: StudyDoseEstimate[] = []
  const summary = doseSummary(
    studies,
    opts.pack ?? ACR_PNET,
    opts.asOf,
    opts.weightKg,
    opts.kFactors ?? 'aapm96',
    opts.siteCoefficients?.['cu64-dotatate'],
    perStudy,
  )
  return {
    cumulativeMsv: summary.cumulativeMsv,
    byModality: summary.byModality,
    estimated: summary.estimated,
    unknownStudies: summary.unknownStudies,
    incompleteStudies: summary.incompleteStudies,
    studies: perStudy,
  }
}

const NO_REFS: readonly StudyRef[] = Object.freeze([])

/**
 * The ledger's summary, appending each study's estimate to `perStudy` (the batch path of
 * `evaluate`, with positional arguments and no intermediate objects).
 */
export function doseSummary(
  studies: readonly Study[],
  pack: LoadedPack,
  asOf: IsoDate | undefined,
  weightKg: number | null | undefined,
  kSet: KFactorSet,
  cu64: number | undefined,
  perStudy: StudyDoseEstimate[],
): DoseSummary {
  // Whole microsieverts per modality (plain locals: no keyed stores in the loop).
  let ct = 0
  let mr = 0
  let pet = 0
  let nm = 0
  let us = 0
  let xr = 0
  let unknown: StudyRef[] | null = null
  let incomplete: StudyRef[] | null = null
  let estimated = false
  for (let i = 0; i < studies.length; i++) {
    const s = studies[i] as Study
    if (asOf !== undefined && s.date > asOf) continue
    const e = estimate(s, i, pack, kSet, cu64, weightKg)
    perStudy.push(e)
    if (e.estimated) estimated = true
    if (e.msv === null) {
      ;(unknown ??= []).push({ index: i, date: s.date, procedure: s.procedure })
      continue
    }
    const u = Math.round(e.msv * 1000)
    switch (e.modality) {
      case 'CT':
        ct += u
        break
      case 'MR':
        mr += u
        break
      case 'PET/CT':
        pet += u
        break
      case 'NM':
        nm += u
        break
      case 'US':
        us += u
        break
      case 'XR':
        xr += u
        break
    }
    if (e.incomplete) (incomplete ??= []).push({ index: i, date: s.date, procedure: s.procedure })
  }
  // Millisieverts out: the total is exactly the sum of the parts (all whole microsieverts).
  const total = ct + mr + pet + nm + us + xr
  const usv: DoseByModality = {
    CT: ct / 1000,
    MR: mr / 1000,
    'PET/CT': pet / 1000,
    NM: nm / 1000,
    US: us / 1000,
    XR: xr / 1000,
  }
  return {
    cumulativeMsv: total / 1000,
    byModality: usv,
    estimated,
    unknownStudies: unknown ?? NO_REFS,
    incompleteStudies: incomplete ?? NO_REFS,
  }
}

export interface DoseProjection {
  procedure: ProcedureId
  years: number
  intervalMonths: MonthInterval
  /** Typical dose of one study (null when unknown). */
  perStudyMsv: number | null
  /** Studies in `years`: `min` at the longest interval, `max` at the shortest. */
  studies: { min: number; max: number }
  /** Dose the plan adds: `min` at the longest interval, `max` at the shortest. */
  totalMsv: { min: number; max: number } | null
  estimated: boolean
  /** The per-study value leaves out an unknown part (the CT of a hybrid study). */
  incomplete: boolean
}

/**
 * How much a follow-up plan adds over `years` at its interval: one typical study every
 * `intervalMonths` (a number, or a range `{ min, max }`).
 *
 * @example projectDose({ procedure: 'ct-abdomen-pelvis-with-iv-contrast', intervalMonths: { min: 6, max: 12 }, years: 5 })
 * // studies { min: 5, max: 10 }, totalMsv { min: 50, max: 100 }
 */
export function projectDose(plan: {
  procedure: ProcedureId
  intervalMonths: MonthInterval | number
  years: number
  options?: DoseOptions
}): DoseProjection {
  const iv =
    typeof plan.intervalMonths === 'number'
      ? { min: plan.intervalMonths, max: plan.intervalMonths }
      : plan.intervalMonths
  if (!(iv.min > 0) || !(iv.max >= iv.min) || !Number.isFinite(iv.max)) {
    throw new RangeError(`Bad interval: ${iv.min}-${iv.max} months`)
  }
  if (!(plan.years >= 0) || !Number.isFinite(plan.years))
    throw new RangeError(`Bad number of years: ${plan.years}`)
  const months = plan.years * 12
  const studies = { min: Math.floor(months / iv.max + 1e-9), max: Math.floor(months / iv.min + 1e-9) }
  const e = typicalProcedureDose(plan.procedure, plan.options)
  const per = e.msv
  return {
    procedure: plan.procedure,
    years: plan.years,
    intervalMonths: { min: iv.min, max: iv.max },
    perStudyMsv: per,
    studies,
    totalMsv: per === null ? null : { min: round3(per * studies.min), max: round3(per * studies.max) },
    estimated: e.estimated,
    incomplete: e.incomplete,
  }
}

export interface DoseAvoided {
  msv: number
  /** The studies that avoided an ionising alternative. */
  studies: readonly StudyRef[]
  pairs: readonly { done: ProcedureId; instead: ProcedureId; perStudyMsv: number }[]
}

/**
 * Dose avoided by choosing a non-ionising study: each MRI of the abdomen and pelvis done while
 * CT of the abdomen and pelvis was also usually appropriate for the variant (per `ratings`)
 * avoided one typical CT dose. Pure arithmetic on typical values, so always an estimate.
 *
 * @example doseAvoided(ex02.studies, pack.variants['follow-up-non-liver-dominant'].ratings).msv // 20
 */
export function doseAvoided(
  studies: readonly Study[],
  ratings: readonly RatingRow[],
  opts: DoseOptions = {},
): DoseAvoided {
  const ua = new Set<ProcedureId>()
  for (const r of ratings) if (r.rating === 'usually-appropriate') ua.add(r.procedure)
  const refs: StudyRef[] = []
  const pairs: { done: ProcedureId; instead: ProcedureId; perStudyMsv: number }[] = []
  let usv = 0
  for (const pair of DOSE_AVOIDANCE_PAIRS) {
    if (!ua.has(pair.done) || !ua.has(pair.instead)) continue
    const per = typicalProcedureDose(pair.instead, opts).msv
    if (per === null) continue
    pairs.push({ done: pair.done, instead: pair.instead, perStudyMsv: per })
    studies.forEach((s, index) => {
      if (s.procedure !== pair.done) return
      refs.push({ index, date: s.date, procedure: s.procedure })
      usv += Math.round(per * 1000)
    })
  }
  return { msv: usv / 1000, studies: refs, pairs }
}
