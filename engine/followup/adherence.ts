// Adherence (issue 8.8): for each closed imaging step, was its study on time, early or late, and
// by how many days from the window; over a period, the share on time and the median delay.
// Pure: the closed steps in, figures out. See docs/followup-lifecycle.md for how this differs
// from Within Health's adherence window (−30/+60 days around one due date).

import { daysBetween } from '../dates'
import type { DueWindow, IsoDate } from '../types'

export type Timeliness = 'on-time' | 'early' | 'late'

export interface StepTiming {
  timeliness: Timeliness
  /**
   * Days from the window: 0 inside it, negative before it opened (days early), positive after it
   * closed (days late).
   */
  days: number
}

/** How the study's date falls against the step's window (both ends included). */
export function stepTiming(window: DueWindow, studyDate: IsoDate): StepTiming {
  if (studyDate < window.from) return { timeliness: 'early', days: -daysBetween(studyDate, window.from) }
  if (studyDate > window.to) return { timeliness: 'late', days: daysBetween(window.to, studyDate) }
  return { timeliness: 'on-time', days: 0 }
}

/** Within Health's reference tolerance, in days around the due date. */
export const WITHIN_HEALTH_WINDOW = { beforeDays: -30, afterDays: 60 } as const

export interface AdherenceSummary {
  /** Closed imaging steps with a study in the period. */
  steps: number
  onTime: number
  early: number
  late: number
  /** onTime / steps, or null when there are none. */
  shareOnTime: number | null
  /** Median of `days` (0 on time, negative early, positive late), or null when there are none. */
  medianDelayDays: number | null
  /** Share whose study fell within −30/+60 days of the window's opening (Within Health's tolerance). */
  shareWithinHealthWindow: number | null
}

export function summarizeAdherence(
  steps: readonly { window: DueWindow; studyDate: IsoDate }[],
): AdherenceSummary {
  const timings = steps.map((s) => stepTiming(s.window, s.studyDate))
  const n = timings.length
  const onTime = timings.filter((t) => t.timeliness === 'on-time').length
  const early = timings.filter((t) => t.timeliness === 'early').length
  const within = steps.filter((s) => {
    const d = daysBetween(s.window.from, s.studyDate)
    return d >= WITHIN_HEALTH_WINDOW.beforeDays && d <= WITHIN_HEALTH_WINDOW.afterDays
  }).length
  return {
    steps: n,
    onTime,
    early,
    late: n - onTime - early,
    shareOnTime: n ? onTime / n : null,
    medianDelayDays: n ? median(timings.map((t) => t.days)) : null,
    shareWithinHealthWindow: n ? within / n : null,
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
