// RECIST 1.1 over a patient's lesion measurements, and the tumour growth rate.
// Rules: RECIST 1.1 (docs/sources.md, "RECIST 1.1 and growth rate"; sources: recist_thresholds,
// recist_targets, recist_qa, recist_new_lesions, recist_overall in ./guideline/sources.ts).
//
// Sums are kept in whole hundredths of a millimetre so every threshold is an exact integer
// comparison (no floating-point edge at exactly 20 % or 30 %).
import { DAYS_PER_MONTH, daysBetween } from './dates'
import type {
  IsoDate,
  Lesion,
  NonTargetResponse,
  RecistCategory,
  RecistResponse,
  Study,
  TargetResponse,
  Treatment,
} from './types'

/** RECIST allows at most 5 target lesions, at most 2 per organ (all lymph nodes = one organ). */
export const MAX_TARGETS = 5
export const MAX_TARGETS_PER_ORGAN = 2
/** Measurable at baseline: non-nodal long axis >= 10 mm; node short axis >= 15 mm. */
export const MIN_TARGET_MM = 10
export const MIN_TARGET_NODE_MM = 15
/** A node under 10 mm short axis is normal (counts as gone for CR). */
export const NORMAL_NODE_MM = 10

const H = 100 // hundredths per mm
const NODE_ORGAN = '\u0000lymph-node'

export interface RecistTimepoint extends RecistResponse {
  procedures: readonly string[]
}

export interface RecistAssessment {
  /** The latest timepoint with measurements. */
  response: RecistResponse
  /** Every timepoint, oldest first (the first is the baseline); empty from `recist()`. */
  timepoints: readonly RecistTimepoint[]
}

interface Timepoint {
  date: IsoDate
  /** The study's own list until a second study on the same date is merged in (then a copy). */
  lesions: readonly Lesion[]
  procedures: string[]
  merged: boolean
}

interface BaselineTarget {
  id: string
  nodal: boolean
  /** Baseline size, hundredths of a mm. */
  baselineH: number
}

const NO_NOTES: readonly string[] = Object.freeze([])

function toH(mm: number): number {
  return Math.round(mm * H)
}

function organKey(l: Lesion): string {
  return l.nodal ? NODE_ORGAN : l.organ.trim().toLowerCase()
}

function measured(l: Lesion): number | null {
  if (typeof l.diameterMm === 'number' && Number.isFinite(l.diameterMm) && l.diameterMm >= 0)
    return toH(l.diameterMm)
  if (l.status === 'absent') return 0
  return null
}

function pct(value: number, reference: number): number | null {
  if (reference === 0) return null
  return Math.round(((value - reference) / reference) * 1000) / 10
}

function byDate(a: Timepoint, b: Timepoint): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : 0
}

/** Group the studies that carry lesions by date (one timepoint may combine several studies). */
function timepointsOf(studies: readonly Study[]): Timepoint[] {
  const list: Timepoint[] = []
  for (const s of studies) {
    const lesions = s.lesions
    if (!lesions || lesions.length === 0) continue
    let tp: Timepoint | null = null
    for (const t of list) {
      if (t.date === s.date) {
        tp = t
        break
      }
    }
    if (tp === null) list.push({ date: s.date, lesions, procedures: [s.procedure], merged: false })
    else {
      tp.lesions = tp.lesions.concat(lesions)
      tp.merged = true
      if (!tp.procedures.includes(s.procedure)) {
        tp.procedures.push(s.procedure)
        tp.procedures.sort()
      }
    }
  }
  if (list.length > 1) list.sort(byDate)
  // Studies merged into one timepoint come in any order: put their lesions in a canonical order.
  for (const tp of list) if (tp.merged) tp.lesions = tp.lesions.slice().sort(canonical)
  return list
}

function canonical(a: Lesion, b: Lesion): number {
  return (
    compareText(a.id, b.id) ||
    compareText(a.role, b.role) ||
    compareText(a.organ, b.organ) ||
    Number(a.nodal) - Number(b.nodal) ||
    (a.diameterMm ?? -1) - (b.diameterMm ?? -1) ||
    compareText(a.status ?? '', b.status ?? '')
  )
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

interface Measurable {
  l: Lesion
  h: number
}

/** Largest first; ties by id, so the input order never changes the choice. */
function bySizeThenId(a: Measurable, b: Measurable): number {
  return b.h - a.h || (a.l.id < b.l.id ? -1 : a.l.id > b.l.id ? 1 : 0)
}

/**
 * Choose the baseline targets: the measurable lesions the reader marked as targets, largest
 * first, at most 2 per organ and 5 in all. Notes say what happened to the others.
 */
function selectTargets(baseline: Timepoint, notes: string[]): BaselineTarget[] {
  const measurable: Measurable[] = []
  for (const l of baseline.lesions) {
    if (l.role !== 'target') continue
    const h = typeof l.diameterMm === 'number' && Number.isFinite(l.diameterMm) ? toH(l.diameterMm) : -1
    if (h >= (l.nodal ? MIN_TARGET_NODE_MM : MIN_TARGET_MM) * H) measurable.push({ l, h })
    else {
      notes.push(
        `Lesion ${l.id} is not measurable at baseline (${l.nodal ? 'node short axis under 15 mm' : 'under 10 mm'} or no size) and is followed as non-target.`,
      )
    }
  }
  if (measurable.length > 1) measurable.sort(bySizeThenId)
  const organs: string[] = []
  const counts: number[] = []
  const chosen: BaselineTarget[] = []
  for (const { l, h } of measurable) {
    const key = organKey(l)
    let at = organs.indexOf(key)
    if (at < 0) {
      at = organs.length
      organs.push(key)
      counts.push(0)
    }
    const n = counts[at] as number
    if (chosen.length >= MAX_TARGETS || n >= MAX_TARGETS_PER_ORGAN) {
      notes.push(
        `Lesion ${l.id} exceeds the RECIST target limits (5 in all, 2 per organ) and is followed as non-target.`,
      )
      continue
    }
    counts[at] = n + 1
    chosen.push({ id: l.id, nodal: l.nodal, baselineH: h })
  }
  return chosen
}

function isTargetId(targets: readonly BaselineTarget[], id: string): boolean {
  for (const t of targets) if (t.id === id) return true
  return false
}

function nonTargetResponse(
  tp: Timepoint,
  baselineIds: readonly string[],
  targets: readonly BaselineTarget[],
): NonTargetResponse {
  let any = false
  let progression = false
  let allGone = true
  let seen = 0
  for (const l of tp.lesions) {
    if (l.role === 'new' || isTargetId(targets, l.id)) continue
    const fromBaseline = baselineIds.includes(l.id)
    if (l.role !== 'non-target' && !fromBaseline) continue
    any = true
    if (fromBaseline) seen++
    if (l.status === 'unequivocal-progression') progression = true
    const h = measured(l)
    const gone =
      l.status === 'absent' ||
      (l.status !== 'present' && h !== null && (h === 0 || (l.nodal && h < NORMAL_NODE_MM * H)))
    if (!gone) allGone = false
  }
  if (progression) return 'PD'
  if (!any && baselineIds.length === 0) return 'none'
  if (seen < baselineIds.length) return 'NE'
  return allGone ? 'CR' : 'non-CR/non-PD'
}

/** Baseline non-target lesions with no entry at this timepoint (not assessed). */
function unassessedNonTargets(
  tp: Timepoint,
  baselineIds: readonly string[],
  targets: readonly BaselineTarget[],
): readonly string[] {
  let out: string[] | null = null
  for (const id of baselineIds) {
    let found = false
    for (const l of tp.lesions) {
      if (l.id === id && l.role !== 'new' && !isTargetId(targets, l.id)) {
        found = true
        break
      }
    }
    if (!found) (out ??= []).push(id)
  }
  return out ?? NO_NOTES
}

function hasRole(lesions: readonly Lesion[], role: Lesion['role']): boolean {
  for (const l of lesions) if (l.role === role) return true
  return false
}

/**
 * RECIST 1.1 over all the studies of one patient (any order).
 *
 * - Baseline: with `treatments`, the last target timepoint on or before the start of the line of
 *   treatment being assessed (see `baselineIndex`); otherwise the first date with a lesion
 *   marked `target` (or, without any, the first date with lesions: non-target disease only).
 * - Targets: measurable ones, at most 5, at most 2 per organ; all lymph nodes count as one
 *   organ; nodes are measured by short axis. Sum of diameters per timepoint.
 * - Target response: CR when every non-nodal target is gone and every nodal target is under
 *   10 mm; PD when the sum is >= 20 % and >= 5 mm above the nadir (the smallest earlier sum,
 *   baseline included); PR when >= 30 % below the baseline; otherwise SD. A missing
 *   measurement gives NE unless the measured ones already prove PD.
 * - Overall: a new lesion or unequivocal non-target progression is PD; otherwise the RECIST
 *   overall-response table (target CR with non-target disease left = PR; not all evaluated = NE).
 *
 * Returns `null` when no study has lesions.
 *
 * @example assessRecist(nl04.studies)?.response.category // 'PD' (52 mm vs nadir 42 mm)
 */
export function assessRecist(
  studies: readonly Study[],
  treatments?: readonly Treatment[] | null,
): RecistAssessment | null {
  return run(studies, treatments ?? null, true)
}

/** The response at the latest timepoint, or `null` without lesions. */
export function recist(
  studies: readonly Study[],
  treatments?: readonly Treatment[] | null,
): RecistResponse | null {
  return run(studies, treatments ?? null, false)?.response ?? null
}

/**
 * The baseline timepoint. RECIST measures response to one line of treatment: with treatments
 * given, the line is the latest one started before the latest timepoint, and its baseline is the
 * last target timepoint on or before that start (else the first one after it). Without
 * treatments, the first timepoint with targets.
 */
function baselineIndex(tps: readonly Timepoint[], treatments: readonly Treatment[] | null): number {
  const latest = (tps[tps.length - 1] as Timepoint).date
  let start: IsoDate | null = null
  for (const t of treatments ?? []) {
    if (t.date !== null && t.date < latest && (start === null || t.date > start)) start = t.date
  }
  let first = -1
  let before = -1
  let after = -1
  for (let i = 0; i < tps.length; i++) {
    const tp = tps[i] as Timepoint
    if (!hasRole(tp.lesions, 'target')) continue
    if (first < 0) first = i
    if (start !== null && tp.date <= start) before = i
    else if (start !== null && after < 0) after = i
  }
  if (first < 0) return 0
  if (start === null) return first
  return before >= 0 ? before : after >= 0 ? after : first
}

function run(
  studies: readonly Study[],
  treatments: readonly Treatment[] | null,
  keepAll: boolean,
): RecistAssessment | null {
  const tps = timepointsOf(studies)
  if (tps.length === 0) return null

  const notes: string[] = []
  const baseIdx = baselineIndex(tps, treatments)
  const baseline = tps[baseIdx] as Timepoint
  const targets = selectTargets(baseline, notes)
  const baselineNonTargetIds: string[] = []
  for (const l of baseline.lesions) {
    if (l.role !== 'new' && !isTargetId(targets, l.id) && !baselineNonTargetIds.includes(l.id)) {
      baselineNonTargetIds.push(l.id)
    }
  }
  if (baseIdx > 0) {
    notes.push(
      'Measurements before the baseline (before the first target lesions, or an earlier line of treatment) are not compared.',
    )
  }
  const nonTargetOnly = targets.length === 0

  let baselineSum = 0
  for (const t of targets) baselineSum += t.baselineH

  const out: RecistTimepoint[] = []
  let last: RecistResponse | null = null
  let nadir = baselineSum
  let prevDate: IsoDate = baseline.date
  let prevSum = baselineSum

  for (let i = baseIdx; i < tps.length; i++) {
    const tp = tps[i] as Timepoint
    const isBaseline = i === baseIdx
    const ntr = nonTargetResponse(tp, baselineNonTargetIds, targets)
    const newLesions = !isBaseline && hasRole(tp.lesions, 'new')

    let sum: number | null = null
    let tr: TargetResponse = 'none'
    let unmeasured: string[] | null = null
    if (!nonTargetOnly) {
      let partial = 0
      let all = true
      let cr = true
      for (const t of targets) {
        let h: number | null = null
        for (const l of tp.lesions) {
          if (l.id === t.id && l.role !== 'new') {
            h = measured(l)
            break
          }
        }
        if (h === null) {
          all = false
          ;(unmeasured ??= []).push(t.id)
          continue
        }
        partial += h
        if (t.nodal ? h >= NORMAL_NODE_MM * H : h > 0) cr = false
      }
      const rise = partial - nadir
      const pd = rise >= 5 * H && rise * 5 >= nadir
      if (isBaseline) tr = 'none'
      else if (!all) tr = pd ? 'PD' : 'NE'
      else if (cr) tr = 'CR'
      else if (pd) tr = 'PD'
      else if ((baselineSum - partial) * 10 >= 3 * baselineSum) tr = 'PR'
      else tr = 'SD'
      sum = all ? partial : null
    }

    let category: RecistCategory
    if (isBaseline) category = 'NE'
    else if (newLesions || ntr === 'PD' || tr === 'PD') category = 'PD'
    else if (nonTargetOnly) category = ntr === 'CR' ? 'CR' : ntr === 'non-CR/non-PD' ? 'SD' : 'NE'
    else if (tr === 'NE') category = 'NE'
    else if (tr === 'CR') category = ntr === 'CR' || ntr === 'none' ? 'CR' : 'PR'
    else if (tr === 'PR') category = 'PR'
    else category = 'SD'

    const isLast = i === tps.length - 1
    if (keepAll || isLast) {
      let tgr: number | null = null
      if (!isBaseline && sum !== null) {
        tgr = tumourGrowthRate(prevSum / H, sum / H, daysBetween(prevDate, tp.date) / DAYS_PER_MONTH)
      }
      const r: RecistResponse = {
        category,
        sumMm: nonTargetOnly || sum === null ? null : sum / H,
        baselineSumMm: nonTargetOnly ? null : baselineSum / H,
        nadirSumMm: nonTargetOnly ? null : nadir / H,
        changeFromBaselinePct: nonTargetOnly || sum === null || isBaseline ? null : pct(sum, baselineSum),
        changeFromNadirPct: nonTargetOnly || sum === null || isBaseline ? null : pct(sum, nadir),
        date: tp.date,
        baselineDate: baseline.date,
        targetResponse: tr,
        nonTargetResponse: ntr,
        newLesions,
        baselineOnly: isBaseline,
        nonTargetOnly,
        tgrPctPerMonth: tgr === null ? null : Math.round(tgr * 100) / 100,
        tgrFromDate: tgr === null ? null : prevDate,
        unmeasuredTargets: isBaseline || unmeasured === null ? NO_NOTES : unmeasured,
        unassessedNonTargets:
          !isBaseline && ntr === 'NE' ? unassessedNonTargets(tp, baselineNonTargetIds, targets) : NO_NOTES,
        // The latest response carries every note; a timepoint, the notes of its own baseline.
        notes: isLast || isBaseline ? notes : NO_NOTES,
      }
      if (keepAll) out.push({ ...r, notes: isBaseline ? notes : NO_NOTES, procedures: tp.procedures })
      if (isLast) last = r
    }

    if (sum !== null) {
      if (sum < nadir) nadir = sum
      prevSum = sum
      prevDate = tp.date
    }
  }

  const response = last as RecistResponse
  return { response, timepoints: out }
}

/**
 * Tumour growth rate between two timepoints, in % per month:
 *
 *   TGR = 100 × (exp(3 · ln(D2 / D1) / Δt) − 1)
 *
 * where D1 and D2 are the sums of diameters (mm) at the two timepoints and Δt is the time
 * between them in months. The factor 3 turns the change in diameter into an approximate change
 * in volume (a sphere's volume grows with the cube of its diameter). Source: GREPONET study
 * (Lamarca et al.; TGR as % change per month in NETs), using the formula of Ferté et al. (Clin
 * Cancer Res 2014); source key `greponet_tgr`.
 *
 * Returns `null` when either sum is 0 or the interval is not positive.
 *
 * @example tumourGrowthRate(16, 23, 12) // ≈ 9.5 (%/month)
 */
export function tumourGrowthRate(d1Mm: number, d2Mm: number, months: number): number | null {
  if (!(d1Mm > 0) || !(d2Mm > 0) || !(months > 0)) return null
  return 100 * (Math.exp((3 * Math.log(d2Mm / d1Mm)) / months) - 1)
}

/** RECIST category -> the reader's result it implies (NE implies none). */
export function resultFromCategory(category: RecistCategory): 'progression' | 'stable' | 'response' | null {
  switch (category) {
    case 'PD':
      return 'progression'
    case 'SD':
      return 'stable'
    case 'PR':
    case 'CR':
      return 'response'
    case 'NE':
      return null
  }
}
