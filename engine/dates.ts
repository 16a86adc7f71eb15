// Calendar dates as plain integers. No `Date` object is ever built here, so nothing depends on
// the process time zone or on DST rules: a `YYYY-MM-DD` string is read into year, month and day,
// day counts use the proleptic Gregorian day number (days since 1970-01-01), and month
// arithmetic clamps to the last day of a shorter month, the same way date-fns `addMonths` does.
import type { IsoDate } from './types'

const CODE_0 = 48
const CODE_DASH = 45

/** Days in `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - CODE_0
  return d >= 0 && d <= 9 ? d : -1000
}

/**
 * Packed `year * 10000 + month * 100 + day` of a valid `YYYY-MM-DD` string, or -1.
 *
 * @example packIso('2028-02-29') // 20280229
 */
function packIso(s: string): number {
  if (s.length !== 10 || s.charCodeAt(4) !== CODE_DASH || s.charCodeAt(7) !== CODE_DASH) return -1
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3)
  const m = digit(s, 5) * 10 + digit(s, 6)
  const d = digit(s, 8) * 10 + digit(s, 9)
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return -1
  return y * 10000 + m * 100 + d
}

/**
 * True for a real calendar date written `YYYY-MM-DD` (year 0001-9999).
 *
 * @example isIsoDate('2027-02-29') // false (not a leap year)
 */
export function isIsoDate(value: unknown): value is IsoDate {
  return typeof value === 'string' && packIso(value) > 0
}

/** Year, month (1-12) and day of a valid date; throws a RangeError otherwise. */
export function parseIsoDate(date: IsoDate): { year: number; month: number; day: number } {
  const p = packIso(date)
  if (p < 0) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`)
  return { year: Math.floor(p / 10000), month: Math.floor(p / 100) % 100, day: p % 100 }
}

/** '00' to '99', so formatting a date is two lookups and a concatenation. */
const PAD2: readonly string[] = Array.from({ length: 100 }, (_, n) => (n < 10 ? '0' : '') + n)

/**
 * `YYYY-MM-DD` of a year, month (1-12) and day.
 *
 * @example formatIsoDate(2028, 2, 29) // '2028-02-29'
 */
export function formatIsoDate(year: number, month: number, day: number): IsoDate {
  if (year < 1 || year > 9999) throw new RangeError(`Year out of range: ${year}`)
  const y = year < 1000 ? ('000' + year).slice(-4) : '' + year
  return y + '-' + (PAD2[month] as string) + '-' + (PAD2[day] as string)
}

/**
 * Day number of a calendar date: days since 1970-01-01 (negative before it).
 * Algorithm: H. Hinnant, "chrono-compatible low-level date algorithms" (days_from_civil).
 */
export function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (month + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** Inverse of `dayNumber` (civil_from_days). */
export function fromDayNumber(days: number): { year: number; month: number; day: number } {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

/** Day number of a valid ISO date (throws a RangeError otherwise). */
export function toDayNumber(date: IsoDate): number {
  const p = packIso(date)
  if (p < 0) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`)
  return dayNumber(Math.floor(p / 10000), Math.floor(p / 100) % 100, p % 100)
}

/** ISO date of a day number. */
export function fromDayNumberIso(days: number): IsoDate {
  const c = fromDayNumber(days)
  return formatIsoDate(c.year, c.month, c.day)
}

/**
 * Add whole calendar months; a day that does not exist in the target month becomes that month's
 * last day. Always compute a later follow-up from its own anchor (`addMonths(anchor, k * n)`),
 * never by adding `n` again to a clamped result: 2024-08-31 + 6 + 6 gives 2025-08-28, while
 * 2024-08-31 + 12 gives 2025-08-31.
 *
 * @example addMonths('2027-08-31', 6) // '2028-02-29'
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const p = packIso(date)
  if (p < 0) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`)
  if (!Number.isInteger(months)) throw new RangeError(`Months must be a whole number: ${months}`)
  return monthsAfter(Math.floor(p / 10000), Math.floor(p / 100) % 100, p % 100, months)
}

/** `addMonths` on an already parsed date (year, month 1-12, day). */
export function monthsAfter(year: number, month: number, day: number, months: number): IsoDate {
  const total = year * 12 + (month - 1) + months
  const ny = Math.floor(total / 12)
  const nm = total - ny * 12 + 1
  const dim = daysInMonth(ny, nm)
  return formatIsoDate(ny, nm, day > dim ? dim : day)
}

/**
 * Add calendar days.
 *
 * @example addDays('2028-02-28', 1) // '2028-02-29'
 */
export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumberIso(toDayNumber(date) + days)
}

/**
 * Whole days from `from` to `to` (negative when `to` is earlier).
 *
 * @example daysBetween('2026-01-01', '2026-03-01') // 59
 */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from)
}

/** Mean Gregorian month length in days (365.2425 / 12), used to turn day counts into months. */
export const DAYS_PER_MONTH = 30.436875

/**
 * Whole years from `from` to `to` (an age on a day): the year difference, one less before the
 * anniversary. A 29 February birthday is reached on 1 March in a common year.
 *
 * @example wholeYearsBetween('2008-06-16', '2026-06-15') // 17
 */
export function wholeYearsBetween(from: IsoDate, to: IsoDate): number {
  const years = Number(to.slice(0, 4)) - Number(from.slice(0, 4))
  return to.slice(5) < from.slice(5) ? years - 1 : years
}
