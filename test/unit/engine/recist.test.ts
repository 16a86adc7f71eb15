import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  assessRecist,
  recist,
  resultFromCategory,
  tumourGrowthRate,
  type Lesion,
  type Study,
} from '../../../engine'
import { study, target } from './support/factory'

const node = (id: string, mm: number | null): Lesion => ({
  id,
  organ: 'lymph node',
  nodal: true,
  role: 'target',
  diameterMm: mm,
})
const nonTarget = (id: string, status: Lesion['status']): Lesion => ({
  id,
  organ: 'liver',
  nodal: false,
  role: 'non-target',
  status,
})
const newLesion = (id = 'NEW'): Lesion => ({ id, organ: 'liver', nodal: false, role: 'new', diameterMm: 6 })

function series(...timepoints: Lesion[][]): Study[] {
  return timepoints.map((lesions, i) => study(`202${i}-01-15`, null, { lesions }))
}

describe('RECIST 1.1', () => {
  it('none without lesions', () => {
    expect(recist([study('2026-01-01', 'stable')])).toBeNull()
  })

  it('baseline only: not evaluable yet, with the baseline sum', () => {
    expect(recist(series([target('T1', 30), node('N1', 18)]))).toMatchObject({
      category: 'NE',
      baselineOnly: true,
      sumMm: 48,
      baselineSumMm: 48,
    })
  })

  it('PD is measured against the nadir, not the baseline (fixture NL-04)', () => {
    const r = recist(
      series(
        [
          target('T1', 34),
          node('T2', 18),
          { id: 'NT1', organ: 'lymph node', nodal: true, role: 'non-target', status: 'present' },
        ],
        [
          target('T1', 28),
          node('T2', 14),
          { id: 'NT1', organ: 'lymph node', nodal: true, role: 'non-target', status: 'present' },
        ],
        [
          target('T1', 34),
          node('T2', 18),
          { id: 'NT1', organ: 'lymph node', nodal: true, role: 'non-target', status: 'present' },
        ],
      ),
    )
    expect(r).toMatchObject({
      category: 'PD',
      sumMm: 52,
      baselineSumMm: 52,
      nadirSumMm: 42,
      changeFromBaselinePct: 0,
      changeFromNadirPct: 23.8,
      targetResponse: 'PD',
      nonTargetResponse: 'non-CR/non-PD',
    })
  })

  it('PD needs both +20 % and +5 mm', () => {
    expect(recist(series([target('T1', 20)], [target('T1', 24.9)]))?.category).toBe('SD') // +24.5 %, +4.9 mm
    expect(recist(series([target('T1', 100)], [target('T1', 119)]))?.category).toBe('SD') // +19 mm, +19 %
    expect(recist(series([target('T1', 100)], [target('T1', 120)]))?.category).toBe('PD') // exactly +20 %
    expect(recist(series([target('T1', 25)], [target('T1', 30)]))?.category).toBe('PD') // exactly +5 mm, +20 %
  })

  it('PR at exactly 30 % below baseline; SD just above', () => {
    expect(recist(series([target('T1', 50)], [target('T1', 35)]))).toMatchObject({
      category: 'PR',
      changeFromBaselinePct: -30,
    })
    expect(recist(series([target('T1', 50)], [target('T1', 35.1)]))?.category).toBe('SD')
  })

  it('CR: non-nodal targets gone and nodes under 10 mm (the sum can stay above 0)', () => {
    const r = recist(series([target('T1', 30), node('N1', 20)], [target('T1', 0), node('N1', 9)]))
    expect(r).toMatchObject({ category: 'CR', sumMm: 9, targetResponse: 'CR', nonTargetResponse: 'none' })
    expect(
      recist(series([target('T1', 30), node('N1', 20)], [target('T1', 0), node('N1', 10)]))?.category,
    ).toBe('PR')
  })

  it('target CR with non-target disease still present -> PR', () => {
    const r = recist(
      series([target('T1', 30), nonTarget('NT1', 'present')], [target('T1', 0), nonTarget('NT1', 'present')]),
    )
    expect(r).toMatchObject({ category: 'PR', targetResponse: 'CR', nonTargetResponse: 'non-CR/non-PD' })
  })

  it('a new lesion or unequivocal non-target progression is PD whatever the targets do', () => {
    expect(recist(series([target('T1', 30)], [target('T1', 10), newLesion()]))).toMatchObject({
      category: 'PD',
      newLesions: true,
    })
    expect(
      recist(
        series(
          [target('T1', 30), nonTarget('NT1', 'present')],
          [target('T1', 10), nonTarget('NT1', 'unequivocal-progression')],
        ),
      ),
    ).toMatchObject({ category: 'PD', nonTargetResponse: 'PD', targetResponse: 'PR' })
  })

  it('a missing target measurement -> NE, unless the measured ones already prove PD', () => {
    expect(recist(series([target('T1', 30), target('T2', 20, 'liver')], [target('T1', 29)]))).toMatchObject({
      category: 'NE',
      targetResponse: 'NE',
      sumMm: null,
    })
    expect(recist(series([target('T1', 30), target('T2', 20, 'liver')], [target('T1', 60)]))?.category).toBe(
      'PD',
    )
  })

  it('not-evaluated non-targets leave SD as SD (overall-response table)', () => {
    const r = recist(series([target('T1', 30), nonTarget('NT1', 'present')], [target('T1', 29)]))
    expect(r).toMatchObject({ category: 'SD', nonTargetResponse: 'NE' })
  })

  it('non-target disease only follows the non-target table', () => {
    expect(recist(series([nonTarget('NT1', 'present')], [nonTarget('NT1', 'present')]))).toMatchObject({
      category: 'SD',
      nonTargetOnly: true,
      sumMm: null,
    })
    expect(recist(series([nonTarget('NT1', 'present')], [nonTarget('NT1', 'absent')]))?.category).toBe('CR')
    expect(
      recist(series([nonTarget('NT1', 'present')], [nonTarget('NT1', 'unequivocal-progression')]))?.category,
    ).toBe('PD')
  })

  it('keeps at most 5 targets and 2 per organ (all nodes are one organ), largest first', () => {
    const baseline = [
      target('P1', 40),
      target('P2', 30),
      target('P3', 50),
      node('N1', 25),
      node('N2', 20),
      node('N3', 30),
      target('L1', 15, 'liver'),
      target('L2', 12, 'liver'),
    ]
    const a = assessRecist(series(baseline))
    // pancreas 50 + 40, nodes 30 + 25, liver 15 -> 160 (5 targets)
    expect(a?.response.baselineSumMm).toBe(160)
    expect(a?.response.notes.filter((n) => n.includes('exceeds the RECIST target limits'))).toHaveLength(3)
  })

  it('a target that is not measurable at baseline is followed as non-target', () => {
    const a = assessRecist(series([target('T1', 30), node('N1', 12), target('T2', 8, 'liver')]))
    expect(a?.response.baselineSumMm).toBe(30)
    expect(a?.response.notes).toHaveLength(2)
  })

  it('several studies on one date form one timepoint; timepoints come out oldest first', () => {
    const studies: Study[] = [
      study('2026-01-10', 'stable', { lesions: [target('T1', 20)] }),
      study('2025-01-10', 'stable', { lesions: [target('T1', 30)] }),
      {
        date: '2025-01-10',
        procedure: 'ct-chest-with-iv-contrast',
        result: 'stable',
        lesions: [target('T2', 20, 'lung')],
      },
      {
        date: '2026-01-10',
        procedure: 'ct-chest-with-iv-contrast',
        result: 'stable',
        lesions: [target('T2', 10, 'lung')],
      },
    ]
    const a = assessRecist(studies)
    expect(a?.timepoints.map((t) => [t.date, t.sumMm, t.category])).toEqual([
      ['2025-01-10', 50, 'NE'],
      ['2026-01-10', 30, 'PR'],
    ])
    expect(a?.timepoints[1]?.procedures).toEqual([
      'ct-chest-with-iv-contrast',
      'mri-abdomen-pelvis-without-and-with-iv-contrast',
    ])
  })

  it('maps categories to reader results', () => {
    expect(['PD', 'SD', 'PR', 'CR', 'NE'].map((c) => resultFromCategory(c as never))).toEqual([
      'progression',
      'stable',
      'response',
      'response',
      null,
    ])
  })
})

describe('RECIST baseline and a new line of treatment', () => {
  const tp = (date: string, mm: number) => study(date, null, { lesions: [target('T1', mm)] })
  // 40 mm at first, 20 mm at the nadir on the first line, 30 mm before the second line started.
  const history = [tp('2024-01-10', 40), tp('2024-07-10', 20), tp('2025-01-10', 30), tp('2025-07-10', 33)]

  it('without treatments, compares with the first timepoint and the nadir over all history', () => {
    expect(recist(history)).toMatchObject({ category: 'PD', baselineSumMm: 40, nadirSumMm: 20 })
  })

  it('with a new line started after 2025-01-10, takes that timepoint as baseline: 33 vs 30 mm is stable', () => {
    const r = recist(history, [
      { kind: 'prrt', date: '2024-01-20' },
      { kind: 'targeted-therapy', date: '2025-01-20' },
    ])
    expect(r).toMatchObject({ category: 'SD', baselineSumMm: 30, nadirSumMm: 30, baselineDate: '2025-01-10' })
  })

  it('a treatment started after the latest timepoint does not change how that timepoint is judged', () => {
    const r = recist(history, [
      { kind: 'prrt', date: '2024-01-20' },
      { kind: 'chemotherapy', date: '2025-08-01' },
    ])
    expect(r).toMatchObject({ category: 'PD', baselineSumMm: 40, nadirSumMm: 20 })
  })
})

describe('tumour growth rate', () => {
  it('follows TGR = 100 × (exp(3 ln(D2/D1) / Δt) − 1)', () => {
    expect(tumourGrowthRate(16, 23, 12)).toBeCloseTo(100 * (Math.exp((3 * Math.log(23 / 16)) / 12) - 1), 10)
    expect(tumourGrowthRate(20, 20, 6)).toBe(0)
    expect(tumourGrowthRate(20, 10, 6)! < 0).toBe(true)
    expect(tumourGrowthRate(0, 10, 6)).toBeNull()
    expect(tumourGrowthRate(10, 10, 0)).toBeNull()
  })

  it('is reported between the last two measured timepoints', () => {
    const r = recist([
      study('2025-05-18', 'stable', { lesions: [target('T1', 16)] }),
      study('2026-05-20', 'progression', { lesions: [target('T1', 23)] }),
    ])
    expect(r?.tgrPctPerMonth).toBeCloseTo(9.45, 1)
  })
})

describe('RECIST properties', () => {
  // Series of one to five targets in distinct organs, over two to five timepoints.
  const arbSeries = fc
    .record({
      n: fc.integer({ min: 1, max: 5 }),
      steps: fc.integer({ min: 2, max: 5 }),
      sizes: fc.array(fc.array(fc.integer({ min: 0, max: 150 }), { minLength: 5, maxLength: 5 }), {
        minLength: 5,
        maxLength: 5,
      }),
      base: fc.array(fc.integer({ min: 10, max: 150 }), { minLength: 5, maxLength: 5 }),
    })
    .map(({ n, steps, sizes, base }) => {
      const tps: Lesion[][] = []
      for (let s = 0; s < steps; s++) {
        const row = s === 0 ? base : (sizes[s] as number[])
        tps.push(Array.from({ length: n }, (_, i) => target(`T${i}`, row[i] as number, `organ-${i}`)))
      }
      return tps
    })

  const sums = (tps: Lesion[][]) => tps.map((tp) => tp.reduce((a, l) => a + (l.diameterMm ?? 0), 0))

  it('PD never when the sum is at or below the nadir (no new lesions, no non-target PD)', () => {
    fc.assert(
      fc.property(arbSeries, (tps) => {
        const s = sums(tps)
        const last = s[s.length - 1] as number
        const nadir = Math.min(...s.slice(0, -1))
        fc.pre(last <= nadir)
        expect(recist(series(...tps))?.category).not.toBe('PD')
      }),
      { numRuns: 2_000 },
    )
  })

  it('PD iff +20 % and +5 mm over the nadir (targets only)', () => {
    fc.assert(
      fc.property(arbSeries, (tps) => {
        const s = sums(tps)
        const last = s[s.length - 1] as number
        const nadir = Math.min(...s.slice(0, -1))
        const pd = last - nadir >= 5 && (last - nadir) * 5 >= nadir
        const lastTp = tps[tps.length - 1] as Lesion[]
        const cr = lastTp.every((l) => l.diameterMm === 0)
        expect(recist(series(...tps))?.category === 'PD').toBe(pd && !cr)
      }),
      { numRuns: 2_000 },
    )
  })

  it('PR iff at least 30 % below baseline, not CR and not PD', () => {
    fc.assert(
      fc.property(arbSeries, (tps) => {
        const s = sums(tps)
        const last = s[s.length - 1] as number
        const nadir = Math.min(...s.slice(0, -1))
        const baseline = s[0] as number
        const pd = last - nadir >= 5 && (last - nadir) * 5 >= nadir
        const cr = (tps[tps.length - 1] as Lesion[]).every((l) => l.diameterMm === 0)
        const pr = (baseline - last) * 10 >= 3 * baseline
        expect(recist(series(...tps))?.category === 'PR').toBe(pr && !pd && !cr)
      }),
      { numRuns: 2_000 },
    )
  })

  it('a new lesion always gives PD', () => {
    fc.assert(
      fc.property(arbSeries, (tps) => {
        const withNew = tps.map((tp, i) => (i === tps.length - 1 ? [...tp, newLesion()] : tp))
        expect(recist(series(...withNew))?.category).toBe('PD')
      }),
      { numRuns: 500 },
    )
  })

  it('the result does not depend on lesion or study order', () => {
    fc.assert(
      fc.property(arbSeries, fc.integer(), (tps, seed) => {
        const studies = series(...tps)
        const shuffle = <T>(xs: T[], k: number): T[] => {
          const out = xs.slice()
          for (let i = out.length - 1; i > 0; i--) {
            const j = Math.abs((k * (i + 7)) % (i + 1))
            ;[out[i], out[j]] = [out[j] as T, out[i] as T]
          }
          return out
        }
        const reordered = shuffle(studies, seed).map((s) => ({
          ...s,
          lesions: shuffle([...(s.lesions ?? [])], seed + 1),
        }))
        expect(recist(reordered)).toEqual(recist(studies))
      }),
      { numRuns: 1_000 },
    )
  })
})
