import type { Biomarker, BiomarkerRecord } from '../../../electron/contract/contract'

// A biomarker's values as a trend to read: each value with the change since the one before.
// Nothing here judges the change (no "rising", no threshold): the radiologist decides what it
// means, and the guideline engine reads none of these values.

export interface TrendPoint {
  record: BiomarkerRecord
  /** Percent change from the previous value, one decimal; null for the first value, a previous 0 or another unit. */
  changePct: number | null
  /** The previous value was recorded in another unit: the two are not compared. */
  unitChanged: boolean
}

export interface Trend {
  marker: Biomarker
  /** Oldest first. */
  points: TrendPoint[]
  /** Every value has the same unit (a chart can draw them on one axis). */
  oneUnit: boolean
}

/** The values grouped by marker (in the order markers first appear), each group oldest first. */
export function trends(values: readonly BiomarkerRecord[]): Trend[] {
  const groups = new Map<Biomarker, BiomarkerRecord[]>()
  for (const v of values) {
    const list = groups.get(v.marker) ?? []
    list.push(v)
    groups.set(v.marker, list)
  }
  return [...groups].map(([marker, list]) => {
    const sorted = [...list].sort((a, b) => (a.date === b.date ? a.id - b.id : a.date < b.date ? -1 : 1))
    const points = sorted.map((record, i): TrendPoint => {
      const prev = i > 0 ? sorted[i - 1]! : null
      const unitChanged = prev !== null && prev.unit !== record.unit
      const changePct =
        prev === null || unitChanged || prev.value === 0
          ? null
          : Math.round(((record.value - prev.value) / prev.value) * 1000) / 10
      return { record, changePct, unitChanged }
    })
    return { marker, points, oneUnit: sorted.every((v) => v.unit === sorted[0]!.unit) }
  })
}

/** "+12.5 %", "−3.0 %", "0.0 %". */
export function changeText(pct: number): string {
  if (pct === 0) return '0.0 %'
  return `${pct > 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)} %`
}
