// The arithmetic behind the cumulative dose chart, kept pure and tested on its own.
//
// Like the engine's ledger, sums are kept in whole microsieverts, so the series ends exactly at the
// ledger's total and the stacked parts add up to the total at every point (no float drift).
import { dayNumber, fromDayNumber, toDayNumber } from '../../../../engine'
import type { DoseLedger, IsoDate, Modality } from '../../../../engine'
import { MODALITY_ORDER } from './doseText'

export interface SeriesPoint {
  date: IsoDate
  /** Cumulative dose up to and including this date, per modality, µSv. */
  usv: Record<Modality, number>
  /** Sum of `usv`, µSv. */
  totalUsv: number
}

function zero(): Record<Modality, number> {
  return { CT: 0, 'PET/CT': 0, NM: 0, XR: 0, MR: 0, US: 0 }
}

/**
 * One point per study date (oldest first): the cumulative dose by modality up to that date.
 * Studies whose dose is unknown add nothing (as in the ledger).
 */
export function cumulativeSeries(ledger: Pick<DoseLedger, 'studies'>): SeriesPoint[] {
  const studies = [...ledger.studies].sort((a, b) =>
    a.date === b.date ? a.index - b.index : a.date < b.date ? -1 : 1,
  )
  const running = zero()
  const points: SeriesPoint[] = []
  for (const s of studies) {
    if (s.msv !== null) running[s.modality] += Math.round(s.msv * 1000)
    const last = points[points.length - 1]
    const usv = { ...running }
    const totalUsv = MODALITY_ORDER.reduce((sum, m) => sum + usv[m], 0)
    if (last && last.date === s.date) {
      last.usv = usv
      last.totalUsv = totalUsv
    } else points.push({ date: s.date, usv, totalUsv })
  }
  return points
}

/** Modalities with any dose, in stacking order (bottom first). */
export function stackedModalities(points: readonly SeriesPoint[]): Modality[] {
  const last = points[points.length - 1]
  if (!last) return []
  return MODALITY_ORDER.filter((m) => last.usv[m] > 0)
}

export interface Band {
  modality: Modality
  /** Per point: lower and upper edge of the band, µSv. */
  edges: { lower: number; upper: number }[]
}

/** Stacks the modalities: each band starts where the one below it ends. */
export function stackBands(points: readonly SeriesPoint[], modalities: readonly Modality[]): Band[] {
  const base = points.map(() => 0)
  return modalities.map((modality) => ({
    modality,
    edges: points.map((p, i) => {
      const lower = base[i] as number
      const upper = lower + p.usv[modality]
      base[i] = upper
      return { lower, upper }
    }),
  }))
}

/** A "nice" upper bound and ticks for the dose axis (1, 2, 2.5 or 5 × 10^n steps). */
export function niceTicks(maxMsv: number, count = 4): number[] {
  if (!(maxMsv > 0)) return [0, 1]
  const rough = maxMsv / count
  const mag = 10 ** Math.floor(Math.log10(rough))
  const step = ([1, 2, 2.5, 5, 10].find((f) => f * mag >= rough) as number) * mag
  const round = (v: number) => Math.round(v * 1e6) / 1e6
  const ticks: number[] = [0]
  for (let i = 1; (ticks[ticks.length - 1] as number) < maxMsv; i++) ticks.push(round(i * step))
  return ticks
}

export interface ChartGeometry {
  width: number
  height: number
  plot: { left: number; right: number; top: number; bottom: number }
  fromDay: number
  toDay: number
  maxMsv: number
  /** Dose axis ticks, mSv, from 0 to `maxMsv`. */
  yTicks: number[]
  x: (date: IsoDate) => number
  y: (msv: number) => number
}

/**
 * Scales from dates and millisieverts to SVG units. The time axis runs from a little before the
 * first study to the later of the last study and `until` (today), so the first step is visible.
 */
export function geometry(
  points: readonly SeriesPoint[],
  until: IsoDate,
  size = { width: 440, height: 210 },
): ChartGeometry {
  const plot = { left: 40, right: size.width - 12, top: 24, bottom: size.height - 28 }
  const first = points[0] ? toDayNumber(points[0].date) : toDayNumber(until)
  const lastStudy = points.length ? toDayNumber(points[points.length - 1]!.date) : first
  const end = Math.max(lastStudy, toDayNumber(until))
  const span = Math.max(end - first, 180)
  const pad = Math.max(Math.round(span * 0.04), 14)
  const fromDay = first - pad
  const toDay = first + span + pad
  const ticks = niceTicks((points[points.length - 1]?.totalUsv ?? 0) / 1000)
  const maxMsv = ticks[ticks.length - 1] as number
  return {
    width: size.width,
    height: size.height,
    plot,
    fromDay,
    toDay,
    maxMsv,
    yTicks: ticks,
    x: (date) => plot.left + ((toDayNumber(date) - fromDay) / (toDay - fromDay)) * (plot.right - plot.left),
    y: (msv) => plot.bottom - (msv / maxMsv) * (plot.bottom - plot.top),
  }
}

/**
 * The outline of one band as an SVG path: a step that rises at each study date and holds until
 * the next, up to the end of the axis, then back along the band's lower edge.
 */
export function bandPath(band: Band, points: readonly SeriesPoint[], g: ChartGeometry): string {
  if (!points.length) return ''
  const f = (n: number) => Math.round(n * 100) / 100
  const xs = points.map((p) => f(g.x(p.date)))
  const xEnd = f(g.plot.right)
  const top: string[] = []
  const bottom: string[] = []
  band.edges.forEach((e, i) => {
    const x0 = xs[i] as number
    const x1 = i + 1 < xs.length ? (xs[i + 1] as number) : xEnd
    top.push(`${x0},${f(g.y(e.upper / 1000))}`, `${x1},${f(g.y(e.upper / 1000))}`)
    bottom.push(`${x0},${f(g.y(e.lower / 1000))}`, `${x1},${f(g.y(e.lower / 1000))}`)
  })
  return `M${top.join('L')}L${bottom.reverse().join('L')}Z`
}

/**
 * Labels for the time axis: 1 January of each year, or 1 January and 1 July when the axis covers
 * less than two years. Labels too close to the axis ends are left out.
 */
export function timeTicks(g: ChartGeometry): { x: number; label: string }[] {
  const from = fromDayNumber(g.fromDay)
  const to = fromDayNumber(g.toDay)
  const years = (g.toDay - g.fromDay) / 365.25
  const halfYears = years < 2
  const step = years > 16 ? 5 : years > 8 ? 2 : 1
  const ticks: { x: number; label: string }[] = []
  const scale = (day: number) =>
    g.plot.left + ((day - g.fromDay) / (g.toDay - g.fromDay)) * (g.plot.right - g.plot.left)
  for (let y = from.year; y <= to.year; y++) {
    if (y % step !== 0) continue
    for (const month of halfYears ? [1, 7] : [1]) {
      const day = dayNumber(y, month, 1)
      if (day <= g.fromDay || day >= g.toDay) continue
      const x = scale(day)
      if (x - g.plot.left < 16 || g.plot.right - x < 16) continue
      ticks.push({ x, label: halfYears ? `${y}-${month === 1 ? '01' : '07'}` : String(y) })
    }
  }
  return ticks
}
