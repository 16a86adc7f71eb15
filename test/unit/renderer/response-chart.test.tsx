// @vitest-environment happy-dom
// The "Response over time" chart: the sum of target diameters per RECIST 1.1 timepoint, with its
// category, the baseline and the nadir marked, the growth rate per interval, and the table that is
// its text version.
import { cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { assessRecist, type Lesion, type Study } from '../../../engine'
import { ResponseChart } from '../../../renderer/src/features/patient/ResponseChart'
import { growthText, responseSeries } from '../../../renderer/src/features/patient/response'

afterEach(cleanup)

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast' as const
const t = (id: string, mm: number | null, organ = 'pancreas'): Lesion => ({
  id,
  organ,
  nodal: false,
  role: 'target',
  diameterMm: mm,
})
const s = (date: string, lesions: Lesion[]): Study => ({ date, procedure: MRI, result: 'stable', lesions })

// 50 at baseline, down to 30 (PR, the nadir), up to 40 (PD: +33 % and +10 mm from the nadir).
const studies = [
  s('2025-01-10', [t('T1', 30), t('T2', 20, 'liver')]),
  s('2025-07-10', [t('T1', 18), t('T2', 12, 'liver')]),
  s('2026-01-10', [t('T1', 24), t('T2', 16, 'liver')]),
]

describe('responseSeries', () => {
  it('marks the baseline and the nadir and keeps each interval’s growth rate', () => {
    const r = responseSeries(assessRecist(studies)!)!
    expect(r.baseline).toEqual({ date: '2025-01-10', sumMm: 50 })
    expect(r.nadir).toEqual({ date: '2025-07-10', sumMm: 30 })
    expect(r.points.map((p) => [p.date, p.sumMm, p.category, p.baseline, p.nadir])).toEqual([
      ['2025-01-10', 50, null, true, false],
      ['2025-07-10', 30, 'PR', false, true],
      ['2026-01-10', 40, 'PD', false, false],
    ])
    expect(r.points[2]!.tgrFromDate).toBe('2025-07-10')
    expect(r.points[2]!.tgrPctPerMonth).toBeGreaterThan(0)
    expect(r.points[1]!.tgrPctPerMonth).toBeLessThan(0)
  })

  it('a timepoint with a target not measured has no sum and names the lesion', () => {
    const r = responseSeries(
      assessRecist([...studies.slice(0, 2), s('2026-01-10', [t('T1', 20), t('T2', null, 'liver')])])!,
    )!
    expect(r.points[2]).toMatchObject({ sumMm: null, category: 'NE', unmeasured: ['T2'] })
  })

  it('words a growth rate with its sign', () => {
    expect(growthText(1.234)).toBe('+1.2 %/month')
    expect(growthText(-0.46)).toBe('−0.5 %/month')
  })
})

describe('ResponseChart', () => {
  it('draws the points with their categories, the baseline line and the nadir, with a text version', () => {
    render(<ResponseChart assessment={assessRecist(studies)} />)
    const img = screen.getByRole('img')
    expect(img.getAttribute('aria-label')).toBe(
      'Chart of the sum of target-lesion diameters from 2025-01-10 to 2026-01-10: baseline 50 mm on 2025-01-10, nadir 30 mm on 2025-07-10, latest 40 mm (progressive disease). The table lists every timepoint.',
    )
    expect(screen.getAllByTestId('response-point').map((p) => p.getAttribute('data-category'))).toEqual([
      'baseline',
      'PR',
      'PD',
    ])
    expect(screen.getByTestId('response-baseline').textContent).toContain('baseline 50 mm')
    expect(screen.getAllByTestId('response-tgr')).toHaveLength(2)
    const rows = screen.getAllByTestId('response-row')
    expect(within(rows[0]!).getByText('baseline')).toBeTruthy()
    expect(within(rows[1]!).getByText('nadir')).toBeTruthy()
    expect(rows[2]!.textContent).toContain('PD (progressive disease)')
    expect(rows[2]!.textContent).toContain('+33.3 %')
    expect(rows[2]!.textContent).toMatch(/\+\d+\.\d %\/month since 2025-07-10/)
  })

  it('says when there is no sum to chart (non-target disease only), and draws nothing without lesions', () => {
    const nt: Lesion = { id: 'N1', organ: 'peritoneum', nodal: false, role: 'non-target', status: 'present' }
    const { unmount } = render(
      <ResponseChart assessment={assessRecist([s('2025-01-10', [nt]), s('2025-07-10', [nt])])} />,
    )
    expect(screen.getByTestId('response-no-sum')).toBeTruthy()
    expect(screen.queryByRole('img')).toBeNull()
    unmount()
    const { container } = render(<ResponseChart assessment={null} />)
    expect(container.textContent).toBe('')
  })
})
