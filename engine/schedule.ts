// Follow-up windows and worklist status, on calendar dates only (see ./dates.ts).
import { addMonths, daysBetween, isIsoDate, monthsAfter, parseIsoDate } from './dates'
import type { DueWindow, FollowUpStatus, IsoDate, MonthInterval } from './types'

function checkInterval(interval: MonthInterval): void {
  const { min, max } = interval
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
    throw new RangeError(`Bad interval: ${min}-${max} months`)
  }
}

/**
 * The window in which the next study is due: `anchor + min` to `anchor + max` calendar months,
 * each end clamped to the last day of a shorter month.
 *
 * @example dueWindow('2027-08-31', { min: 6, max: 12 }) // { from: '2028-02-29', to: '2028-08-31' }
 */
export function dueWindow(anchor: IsoDate, interval: MonthInterval): DueWindow {
  checkInterval(interval)
  const { year, month, day } = parseIsoDate(anchor)
  return {
    from: monthsAfter(year, month, day, interval.min),
    to: monthsAfter(year, month, day, interval.max),
  }
}

/**
 * The `k`-th due date of a fixed schedule (`every` months from `anchor`), computed from the
 * anchor itself so that month-end clamping never accumulates.
 *
 * @example nthDueDate('2024-08-31', 6, 2) // '2025-08-31' (chaining would give 2025-08-28)
 */
export function nthDueDate(anchor: IsoDate, every: number, k: number): IsoDate {
  if (!Number.isInteger(every) || every <= 0 || !Number.isInteger(k) || k < 0) {
    throw new RangeError(`Bad schedule: every ${every} months, k = ${k}`)
  }
  return addMonths(anchor, every * k)
}

/**
 * The first `count` due dates of a fixed schedule, each from the anchor.
 *
 * @example scheduleDates('2024-01-31', 1, 3) // ['2024-02-29', '2024-03-31', '2024-04-30']
 */
export function scheduleDates(anchor: IsoDate, every: number, count: number): IsoDate[] {
  const out: IsoDate[] = []
  for (let k = 1; k <= count; k++) out.push(nthDueDate(anchor, every, k))
  return out
}

export interface FollowUpState {
  status: FollowUpStatus
  /** Days until the window opens (0 once it is open). */
  daysUntilDue: number
  /** Days since the window closed (0 until it has). */
  daysOverdue: number
}

/**
 * Where `today` falls relative to a due window: `upcoming` before it, `due` inside it (both ends
 * included), `overdue` after it.
 *
 * @example followUpStatus({ from: '2026-09-12', to: '2027-03-12' }, '2026-06-15')
 * // { status: 'upcoming', daysUntilDue: 89, daysOverdue: 0 }
 */
export function followUpStatus(window: DueWindow, today: IsoDate): FollowUpState {
  if (!isIsoDate(today)) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${JSON.stringify(today)}`)
  if (today < window.from) {
    return { status: 'upcoming', daysUntilDue: daysBetween(today, window.from), daysOverdue: 0 }
  }
  if (today > window.to)
    return { status: 'overdue', daysUntilDue: 0, daysOverdue: daysBetween(window.to, today) }
  return { status: 'due', daysUntilDue: 0, daysOverdue: 0 }
}

/** Status only, without day counts (cheap: ISO dates compare as strings). */
export function followUpStatusOf(window: DueWindow, today: IsoDate): FollowUpStatus {
  return today < window.from ? 'upcoming' : today > window.to ? 'overdue' : 'due'
}
