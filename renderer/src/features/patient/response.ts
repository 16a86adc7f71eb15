// The arithmetic behind the "Response over time" chart, pure and tested on its own: the RECIST 1.1
// timepoints of the current line of treatment (engine `assessRecist`), with the baseline and the
// nadir marked and the tumour growth rate of each interval, and the chart's scales.
import { toDayNumber, type IsoDate, type RecistAssessment, type RecistCategory } from '../../../../engine'
import { niceTicks } from '../dose/series'

export interface ResponsePoint {
  date: IsoDate
  /** Sum of target diameters, mm; null when a target was not measured (RECIST: not evaluable). */
  sumMm: number | null
  /** RECIST 1.1 category; `null` at the baseline (nothing to compare with). */
  category: RecistCategory | null
  baseline: boolean
  /** The smallest sum measured so far (the baseline counts): the reference for progression. */
  nadir: boolean
  changeFromBaselinePct: number | null
  changeFromNadirPct: number | null
  /** Growth rate from the previous fully measured timepoint, %/month, and that timepoint's date. */
  tgrPctPerMonth: number | null
  tgrFromDate: IsoDate | null
  /** Lesions that kept this timepoint from being assessed. */
  unmeasured: readonly string[]
}

export interface ResponseSeries {
  points: ResponsePoint[]
  baseline: { date: IsoDate; sumMm: number | null }
  /** The timepoint with the smallest measured sum (the latest of equal ones). */
  nadir: { date: IsoDate; sumMm: number } | null
  /** No measurable target at baseline: the categories follow the non-target lesions only. */
  nonTargetOnly: boolean
}

/** The chart's series from a RECIST assessment with every timepoint (`assessRecist`). */
export function responseSeries(a: RecistAssessment): ResponseSeries | null {
  const tps = a.timepoints
  if (tps.length === 0) return null
  const base = tps[0]!
  let nadirIdx = -1
  tps.forEach((t, i) => {
    if (t.sumMm === null) return
    if (nadirIdx < 0 || t.sumMm <= tps[nadirIdx]!.sumMm!) nadirIdx = i
  })
  const points = tps.map((t, i): ResponsePoint => ({
    date: t.date,
    sumMm: t.sumMm,
    category: t.baselineOnly ? null : t.category,
    baseline: i === 0,
    nadir: i === nadirIdx,
    changeFromBaselinePct: t.changeFromBaselinePct,
    changeFromNadirPct: t.changeFromNadirPct,
    tgrPctPerMonth: t.tgrPctPerMonth,
    tgrFromDate: t.tgrFromDate,
    unmeasured: [...t.unmeasuredTargets, ...t.unassessedNonTargets],
  }))
  return {
    points,
    baseline: { date: base.date, sumMm: base.baselineSumMm },
    nadir: nadirIdx < 0 ? null : { date: tps[nadirIdx]!.date, sumMm: tps[nadirIdx]!.sumMm! },
    nonTargetOnly: base.nonTargetOnly,
  }
}

export interface ResponseGeometry {
  width: number
  height: number
  plot: { left: number; right: number; top: number; bottom: number }
  yTicks: number[]
  x: (date: IsoDate) => number
  y: (mm: number) => number
}

/** Scales from dates and millimetres to SVG units; the axis starts at 0 mm (a sum is never negative). */
export function responseGeometry(s: ResponseSeries, size = { width: 520, height: 230 }): ResponseGeometry {
  const plot = { left: 44, right: size.width - 16, top: 30, bottom: size.height - 30 }
  const days = s.points.map((p) => toDayNumber(p.date))
  const first = Math.min(...days)
  const last = Math.max(...days)
  const span = Math.max(last - first, 60)
  const pad = Math.max(Math.round(span * 0.08), 10)
  const from = first - pad
  const to = first + span + pad
  const max = Math.max(...s.points.map((p) => p.sumMm ?? 0), s.baseline.sumMm ?? 0, 1)
  const yTicks = niceTicks(max * 1.15)
  const top = yTicks[yTicks.length - 1] as number
  return {
    width: size.width,
    height: size.height,
    plot,
    yTicks,
    x: (date) => plot.left + ((toDayNumber(date) - from) / (to - from)) * (plot.right - plot.left),
    y: (mm) => plot.bottom - (mm / top) * (plot.bottom - plot.top),
  }
}

/** A growth rate in words: "+1.2 %/month" (or "−0.5 %/month"). */
export function growthText(pct: number): string {
  const r = Math.round(pct * 10) / 10
  return `${r > 0 ? '+' : r < 0 ? '−' : ''}${Math.abs(r).toFixed(1)} %/month`
}
