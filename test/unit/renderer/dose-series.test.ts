import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { doseLedger } from '../../../engine/dose'
import { fromDayNumberIso, toDayNumber } from '../../../engine/dates'
import { AGENTS, DOSE_REGIONS, PROCEDURE_IDS, type Study } from '../../../engine/types'
import { msvNumber } from '../../../renderer/src/features/dose/doseText'
import {
  bandPath,
  cumulativeSeries,
  geometry,
  niceTicks,
  stackBands,
  stackedModalities,
  timeTicks,
} from '../../../renderer/src/features/dose/series'
import { doseViewOf } from './dose-fixture'

const num = (max: number) => fc.option(fc.double({ min: 0, max, noNaN: true }), { nil: null })

/** Any studies with any mix of recorded and missing dose data. */
const arbStudy: fc.Arbitrary<Study> = fc.record({
  date: fc.integer({ min: toDayNumber('2010-01-01'), max: toDayNumber('2030-12-31') }).map(fromDayNumberIso),
  procedure: fc.constantFrom(...PROCEDURE_IDS),
  result: fc.constant(null),
  dose: fc.record({
    effectiveMsv: num(40),
    ctdiVolMgy: num(60),
    dlpMgyCm: num(3000),
    region: fc.option(fc.constantFrom(...DOSE_REGIONS), { nil: null }),
    activityMbq: num(400),
    agent: fc.option(fc.constantFrom(...AGENTS), { nil: null }),
  }),
})
const arbOptions = fc.record({
  kFactors: fc.constantFrom('aapm96' as const, 'icrp103' as const),
  weightKg: fc.option(fc.integer({ min: 30, max: 150 }), { nil: null }),
})
const arbLedger = fc
  .tuple(fc.array(arbStudy, { maxLength: 25 }), arbOptions)
  .map(([studies, opts]) => doseLedger(studies, opts))

describe('cumulative dose series', () => {
  it('property: ends exactly at the ledger total and at each modality total', () => {
    fc.assert(
      fc.property(arbLedger, (ledger) => {
        const points = cumulativeSeries(ledger)
        const last = points[points.length - 1]
        if (!last) {
          expect(ledger.studies).toHaveLength(0)
          return
        }
        expect(last.totalUsv / 1000).toBe(ledger.cumulativeMsv)
        for (const [m, msv] of Object.entries(ledger.byModality))
          expect(last.usv[m as keyof typeof last.usv] / 1000).toBe(msv)
      }),
    )
  })

  it('property: one point per study date, rising in time, never falling in dose', () => {
    fc.assert(
      fc.property(arbLedger, (ledger) => {
        const points = cumulativeSeries(ledger)
        expect(points.map((p) => p.date)).toEqual([...new Set(ledger.studies.map((s) => s.date))].sort())
        for (let i = 1; i < points.length; i++) {
          for (const m of Object.keys(points[i]!.usv) as (keyof (typeof points)[number]['usv'])[])
            expect(points[i]!.usv[m]).toBeGreaterThanOrEqual(points[i - 1]!.usv[m])
        }
      }),
    )
  })

  it('property: the stacked bands sum to the total at every point and do not overlap', () => {
    fc.assert(
      fc.property(arbLedger, (ledger) => {
        const points = cumulativeSeries(ledger)
        const modalities = stackedModalities(points)
        const bands = stackBands(points, modalities)
        points.forEach((p, i) => {
          expect(p.totalUsv).toBe(Object.values(p.usv).reduce((a, b) => a + b, 0))
          let below = 0
          for (const b of bands) {
            const e = b.edges[i]!
            expect(e.lower).toBe(below)
            expect(e.upper - e.lower).toBe(p.usv[b.modality])
            below = e.upper
          }
          expect(below).toBe(p.totalUsv)
        })
      }),
    )
  })

  it('property: the chart geometry stays inside the plot and produces finite paths', () => {
    fc.assert(
      fc.property(arbLedger, fc.integer({ min: 0, max: 4000 }), (ledger, daysAfter) => {
        const points = cumulativeSeries(ledger)
        if (!points.length) return
        const until = fromDayNumberIso(toDayNumber(points[0]!.date) + daysAfter)
        const g = geometry(points, until)
        const last = points[points.length - 1]!
        expect(g.maxMsv).toBeGreaterThanOrEqual(last.totalUsv / 1000)
        for (const p of points) {
          expect(g.x(p.date)).toBeGreaterThan(g.plot.left)
          expect(g.x(p.date)).toBeLessThan(g.plot.right)
        }
        for (const b of stackBands(points, stackedModalities(points))) {
          const d = bandPath(b, points, g)
          const numbers = d.match(/-?\d+(\.\d+)?/g)!.map(Number)
          expect(d).not.toMatch(/NaN|Infinity|undefined/)
          for (const n of numbers) {
            expect(n).toBeGreaterThanOrEqual(0)
            expect(n).toBeLessThanOrEqual(g.width)
          }
        }
        for (const t of timeTicks(g)) {
          expect(t.x).toBeGreaterThan(g.plot.left)
          expect(t.x).toBeLessThan(g.plot.right)
        }
      }),
    )
  })

  it('the fixture: CT then PET/CT on separate dates, stacked CT below PET/CT', () => {
    const { ledger } = doseViewOf()
    const points = cumulativeSeries(ledger)
    expect(points.map((p) => [p.date, p.totalUsv])).toEqual([
      ['2024-03-01', 9000],
      ['2024-09-02', 18150],
      ['2025-03-03', 18150],
      ['2025-09-01', 28150],
      ['2026-01-12', 28150], // Cu-64 without a coefficient: unknown, adds nothing
    ])
    expect(stackedModalities(points)).toEqual(['CT', 'PET/CT'])
  })
})

describe('axis ticks and numbers', () => {
  it('property: nice ticks start at 0, rise evenly and cover the maximum', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 5000, noNaN: true }), (max) => {
        const t = niceTicks(max)
        expect(t[0]).toBe(0)
        expect(t[t.length - 1]).toBeGreaterThanOrEqual(max)
        expect(t.length).toBeLessThanOrEqual(7)
        const step = t[1]! - t[0]!
        for (let i = 1; i < t.length; i++) expect(t[i]! - t[i - 1]!).toBeCloseTo(step, 6)
      }),
    )
    expect(niceTicks(18.15)).toEqual([0, 5, 10, 15, 20])
    expect(niceTicks(0)).toEqual([0, 1])
  })

  it('msvNumber: at most two decimals, half up, within 0.005 mSv', () => {
    expect(msvNumber(18.15)).toBe('18.15')
    expect(msvNumber(9)).toBe('9.0')
    expect(msvNumber(6)).toBe('6.0')
    expect(msvNumber(3.15)).toBe('3.15')
    expect(msvNumber(1.005)).toBe('1.01')
    expect(msvNumber(10.5)).toBe('10.5')
    expect(msvNumber(0)).toBe('0')
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (usv) => {
        const msv = usv / 1000
        const text = msvNumber(msv)
        expect(text).toMatch(/^\d+(\.\d{1,2})?$/)
        expect(Math.abs(Number(text) - msv)).toBeLessThanOrEqual(0.005 + 1e-9)
      }),
    )
  })
})
