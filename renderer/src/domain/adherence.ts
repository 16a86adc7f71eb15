// Words for the engine's adherence figures (engine/followup/adherence.ts owns the definition: on
// time inside the window in force, both ends included; early or late by the days from the nearer
// end; the median of those days, 0 on time). Nothing here counts or decides; it only says.
import { addMonths, CALENDAR_RANGE, WITHIN_HEALTH_WINDOW } from '../../../engine'
import type { AdherenceSummary, StepTiming } from '../../../electron/contract/contract'

const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`

/** One closed step: "on time", "4 days early", "1 day late". */
export function timingText(t: StepTiming): string {
  if (t.timeliness === 'on-time') return 'on time'
  return `${days(Math.abs(t.days))} ${t.timeliness}`
}

/** A share as a whole percentage ("67%"); a share of nothing is not a percentage. */
export function shareText(share: number | null): string {
  return share === null ? 'none counted' : `${Math.round(share * 100)}%`
}

/**
 * The median of the days from the window (negative early, positive late): "0 days (on time)",
 * "12 days late", "2.5 days early"; null when nothing was counted.
 */
export function medianText(median: number | null): string {
  if (median === null) return 'none counted'
  if (median === 0) return '0 days (on time)'
  const n = Math.abs(median)
  return `${Number.isInteger(n) ? days(n) : `${n} days`} ${median < 0 ? 'early' : 'late'}`
}

/** "2 of 3 closed imaging steps on time", or null when there were none. */
export function countText(s: AdherenceSummary): string | null {
  if (s.steps === 0) return null
  return `${s.onTime} of ${s.steps} closed imaging step${s.steps === 1 ? '' : 's'} on time`
}

/** Within Health's tolerance in words: "−30/+60 days". */
export const WITHIN_HEALTH_TEXT = `−${Math.abs(WITHIN_HEALTH_WINDOW.beforeDays)}/+${WITHIN_HEALTH_WINDOW.afterDays} days`

/** The periods the worklist's figures can cover, by the study's date. */
export const ADHERENCE_PERIODS = [
  { id: '3m', label: 'Last 3 months', months: 3 },
  { id: '6m', label: 'Last 6 months', months: 6 },
  { id: '12m', label: 'Last 12 months', months: 12 },
  { id: 'all', label: 'All time', months: null },
] as const
export type AdherencePeriod = (typeof ADHERENCE_PERIODS)[number]['id']

/** The study dates a period covers, up to today (a study is never dated in the future). */
export function periodRange(period: AdherencePeriod, today: string): { from: string; to: string } {
  const months = ADHERENCE_PERIODS.find((p) => p.id === period)!.months
  return { from: months === null ? CALENDAR_RANGE.from : addMonths(today, -months), to: today }
}
