// Calendar dates are calendar dates: the same answers under every time zone, month ends clamped,
// and each follow-up computed from its own anchor.
import { UTCDate } from '@date-fns/utc'
import { addMonths as dfAddMonths, differenceInCalendarDays, format } from 'date-fns'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  addDays,
  addMonths,
  daysBetween,
  daysInMonth,
  dueWindow,
  followUpStatus,
  formatIsoDate,
  isIsoDate,
  nthDueDate,
  parseIsoDate,
  scheduleDates,
} from '../../../engine'
import { dayNumber, fromDayNumber, fromDayNumberIso, toDayNumber } from '../../../engine/dates'
import { arbAnyDate, arbDate } from './support/factory'

/** date-fns on UTCDate: the reference for month arithmetic (same clamping rule). */
function oracleAddMonths(iso: string, months: number): string {
  const { year, month, day } = parseIsoDate(iso)
  const d = new UTCDate(year, month - 1, day)
  d.setUTCFullYear(year) // years 0-99 would otherwise be read as 1900-1999
  return format(dfAddMonths(d, months), 'yyyy-MM-dd')
}

describe('calendar dates', () => {
  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2028-02-29')).toBe(true)
    expect(isIsoDate('2000-02-29')).toBe(true)
    expect(isIsoDate('2100-02-29')).toBe(false)
    expect(isIsoDate('2027-02-29')).toBe(false)
    expect(isIsoDate('2026-04-31')).toBe(false)
    expect(isIsoDate('2026-13-01')).toBe(false)
    expect(isIsoDate('2026-00-10')).toBe(false)
    expect(isIsoDate('2026-1-10')).toBe(false)
    expect(isIsoDate('2026-01-10T00:00')).toBe(false)
    expect(isIsoDate('0000-01-01')).toBe(false)
    expect(isIsoDate(20260110)).toBe(false)
    expect(isIsoDate(null)).toBe(false)
  })

  it('knows month lengths, leap years included', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2024, m))).toEqual([
      31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ])
    expect(daysInMonth(2100, 2)).toBe(28)
    expect(daysInMonth(2000, 2)).toBe(29)
  })

  it('adds months with month-end clamping, like date-fns addMonths', () => {
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29')
    expect(addMonths('2027-08-31', 12)).toBe('2028-08-31')
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28')
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29')
    expect(addMonths('2025-12-31', 2)).toBe('2026-02-28')
    expect(addMonths('2025-12-15', 1)).toBe('2026-01-15')
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28')
    expect(addMonths('2099-11-30', 3)).toBe('2100-02-28')
    expect(addMonths('2026-06-15', 0)).toBe('2026-06-15')
    expect(() => addMonths('2026-02-30', 1)).toThrow(RangeError)
    expect(() => addMonths('2026-02-01', 1.5)).toThrow(RangeError)
  })

  it('counts days across month, year and leap boundaries', () => {
    expect(daysBetween('2026-01-01', '2026-03-01')).toBe(59)
    expect(daysBetween('2024-01-01', '2024-03-01')).toBe(60)
    expect(daysBetween('2025-12-31', '2026-01-01')).toBe(1)
    expect(daysBetween('2026-03-08', '2026-03-07')).toBe(-1)
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(toDayNumber('1970-01-01')).toBe(0)
    expect(formatIsoDate(812, 3, 4)).toBe('0812-03-04')
  })

  it('property: day numbers round-trip and step by one day', () => {
    fc.assert(
      fc.property(fc.integer({ min: dayNumber(1, 1, 1), max: dayNumber(9999, 12, 30) }), (n) => {
        const c = fromDayNumber(n)
        expect(dayNumber(c.year, c.month, c.day)).toBe(n)
        const iso = fromDayNumberIso(n)
        expect(isIsoDate(iso)).toBe(true)
        expect(toDayNumber(addDays(iso, 1))).toBe(n + 1)
      }),
      { numRuns: 10_000 },
    )
  })

  it('property: addMonths agrees with date-fns addMonths on UTCDate', () => {
    fc.assert(
      fc.property(arbDate, fc.integer({ min: -240, max: 240 }), (d, m) => {
        expect(addMonths(d, m)).toBe(oracleAddMonths(d, m))
      }),
      { numRuns: 10_000 },
    )
  })

  it('property: daysBetween agrees with date-fns on UTCDate', () => {
    fc.assert(
      fc.property(arbDate, arbDate, (a, b) => {
        const pa = parseIsoDate(a)
        const pb = parseIsoDate(b)
        const expected = differenceInCalendarDays(
          new UTCDate(pb.year, pb.month - 1, pb.day),
          new UTCDate(pa.year, pa.month - 1, pa.day),
        )
        expect(daysBetween(a, b)).toBe(expected)
      }),
      { numRuns: 2_000 },
    )
  })

  it('property: month-end clamping keeps the day when it exists, else the last day', () => {
    fc.assert(
      fc.property(arbAnyDate, fc.integer({ min: 0, max: 600 }), (d, m) => {
        const p = parseIsoDate(d)
        const total = p.year * 12 + p.month - 1 + m
        fc.pre(Math.floor(total / 12) <= 9999)
        const r = parseIsoDate(addMonths(d, m))
        expect(r.year * 12 + r.month - 1).toBe(total)
        expect(r.day).toBe(Math.min(p.day, daysInMonth(r.year, r.month)))
      }),
      { numRuns: 10_000 },
    )
  })
})

describe('due windows', () => {
  it('counts both ends from the anchor', () => {
    expect(dueWindow('2027-08-31', { min: 6, max: 12 })).toEqual({ from: '2028-02-29', to: '2028-08-31' })
    expect(dueWindow('2026-03-05', { min: 3, max: 4 })).toEqual({ from: '2026-06-05', to: '2026-07-05' })
    expect(() => dueWindow('2026-03-05', { min: 4, max: 3 })).toThrow(RangeError)
    expect(() => dueWindow('2026-03-05', { min: -1, max: 3 })).toThrow(RangeError)
  })

  it('never chains: the k-th date is anchor + k × interval', () => {
    expect(nthDueDate('2024-08-31', 6, 2)).toBe('2025-08-31')
    expect(addMonths(addMonths('2024-08-31', 6), 6)).toBe('2025-08-28') // what chaining would give
    expect(scheduleDates('2024-01-31', 1, 3)).toEqual(['2024-02-29', '2024-03-31', '2024-04-30'])
  })

  it('property: a due window never starts before its anchor, and from <= to', () => {
    fc.assert(
      fc.property(
        arbDate,
        fc.integer({ min: 0, max: 36 }),
        fc.integer({ min: 0, max: 36 }),
        (anchor, a, b) => {
          const w = dueWindow(anchor, { min: Math.min(a, b), max: Math.max(a, b) })
          expect(w.from >= anchor).toBe(true)
          expect(w.from <= w.to).toBe(true)
        },
      ),
      { numRuns: 10_000 },
    )
  })

  it('property: scheduled dates do not drift (each equals anchor + k·n, day clamped only)', () => {
    fc.assert(
      fc.property(
        arbDate,
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 20 }),
        (anchor, every, count) => {
          const dates = scheduleDates(anchor, every, count)
          const a = parseIsoDate(anchor)
          dates.forEach((d, i) => {
            expect(d).toBe(addMonths(anchor, every * (i + 1)))
            const p = parseIsoDate(d)
            expect(p.day).toBe(Math.min(a.day, daysInMonth(p.year, p.month)))
          })
        },
      ),
      { numRuns: 2_000 },
    )
  })

  it('gives the worklist status of a day', () => {
    const w = { from: '2026-09-12', to: '2027-03-12' }
    expect(followUpStatus(w, '2026-06-15')).toEqual({ status: 'upcoming', daysUntilDue: 89, daysOverdue: 0 })
    expect(followUpStatus(w, '2026-09-12')).toEqual({ status: 'due', daysUntilDue: 0, daysOverdue: 0 })
    expect(followUpStatus(w, '2027-03-12')).toEqual({ status: 'due', daysUntilDue: 0, daysOverdue: 0 })
    expect(followUpStatus(w, '2027-03-15')).toEqual({ status: 'overdue', daysUntilDue: 0, daysOverdue: 3 })
    expect(() => followUpStatus(w, '2027-3-15')).toThrow(RangeError)
  })
})

describe('time zones do not move calendar dates', () => {
  const ZONES = [
    'UTC',
    'America/New_York',
    'America/Santiago',
    'Pacific/Auckland',
    'Asia/Kolkata',
    'America/Sao_Paulo',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
  ]
  const original = process.env.TZ
  afterAll(() => {
    if (original === undefined) delete process.env.TZ
    else process.env.TZ = original
  })

  // Dates around DST changes (New York, Santiago, Auckland, Lord Howe), month ends, leap days.
  const anchors = fc
    .sample(arbDate, { numRuns: 2_000, seed: 42 })
    .concat([
      '2026-03-08',
      '2026-11-01',
      '2026-09-06',
      '2026-04-05',
      '2026-09-27',
      '2026-10-04',
      '2024-02-29',
      '2027-08-31',
      '2026-12-31',
      '2100-02-28',
    ])

  function battery(): string[] {
    const out: string[] = []
    for (const a of anchors) {
      const w = dueWindow(a, { min: 6, max: 12 })
      out.push(
        `${a} ${w.from} ${w.to} ${addMonths(a, 1)} ${addDays(a, 1)} ${daysBetween(a, w.to)} ${followUpStatus(w, '2026-06-15').status} ${oracleAddMonths(a, 6)}`,
      )
    }
    return out
  }

  it('gives identical results under every TZ', () => {
    process.env.TZ = 'UTC'
    const reference = battery()
    for (const zone of ZONES) {
      process.env.TZ = zone
      // Node applies TZ at once: the local offset really changes between zones.
      expect(new Date(2026, 0, 1).getTimezoneOffset() + localOffsetMinutes(zone), zone).toBe(0)
      expect(battery(), zone).toEqual(reference)
    }
  })
})

/** Offset east of UTC on 2026-01-01 00:00 local, from Intl (independent of process.env.TZ). */
function localOffsetMinutes(zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(Date.UTC(2026, 0, 1, 12))
    .find((p) => p.type === 'timeZoneName')?.value
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(parts ?? '')
  if (!m) return 0
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0))
}
