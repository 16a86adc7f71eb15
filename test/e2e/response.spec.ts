import AxeBuilder from '@axe-core/playwright'
import { api, MRI, openByMrn, patientFacts, startEmpty, studyEntry } from './app'
import { expect, test } from './host'

// The "Response over time" chart on the patient page: the sum of target diameters per RECIST 1.1
// timepoint with its category, the baseline and nadir marked, the growth rate per interval, and
// the table that is its text version; WCAG 2.2 AA by axe-core.

const target = (id: string, organ: string, mm: number | null) => ({
  id,
  organ,
  nodal: false,
  role: 'target',
  diameterMm: mm,
  status: null,
})

test('the response chart shows each timepoint, the baseline, the nadir and the growth rate', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const p = await api<{ id: number }>(
    page,
    'patients.create',
    patientFacts('RESP-1', 'Response Rita', {
      treatments: [{ kind: 'prrt', date: '2024-12-01', completeResection: null }],
    }),
  )
  const series: [string, string, number, number][] = [
    ['2025-01-10', 'stable', 30, 20],
    ['2025-07-10', 'response', 18, 12],
    ['2025-10-10', 'stable', 20, 13],
    ['2026-01-10', 'progression', 24, 16],
  ]
  for (const [date, result, a, b] of series) {
    await api(page, 'studies.record', {
      patientId: p.id,
      study: studyEntry(date, MRI, {
        result,
        lesions: [target('T1', 'pancreas', a), target('T2', 'liver', b)],
      }),
    })
  }
  await openByMrn(page, 'RESP-1', 'Response Rita')
  const chart = page.getByTestId('response-chart')
  await expect(chart.getByRole('heading', { name: 'Response over time' })).toBeVisible()
  await expect(chart.getByRole('img')).toHaveAttribute(
    'aria-label',
    /baseline 50 mm on 2025-01-10, nadir 30 mm on 2025-07-10, latest 40 mm \(progressive disease\)/,
  )
  await expect(chart.getByTestId('response-point')).toHaveCount(4)
  await expect(chart.getByTestId('response-tgr')).toHaveCount(3)
  const rows = chart.getByTestId('response-row')
  await expect(rows.nth(0)).toContainText('baseline')
  await expect(rows.nth(1)).toContainText('nadir')
  await expect(rows.nth(3)).toContainText('PD (progressive disease)')
  await expect(rows.nth(3)).toContainText(/%\/month\s*since 2025-10-10/)
  await chart.scrollIntoViewIfNeeded()
  await chart.screenshot({ path: 'test-results/screenshots/response-chart.png' })
  const a11y = await new AxeBuilder({ page })
    .include('[data-testid="response-chart"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'])
    .analyze()
  expect(a11y.violations.map((v) => v.id)).toEqual([])
  await page.getByRole('button', { name: 'Switch to the light theme' }).click()
  await chart.screenshot({ path: 'test-results/screenshots/response-chart-light.png' })
  const light = await new AxeBuilder({ page })
    .include('[data-testid="response-chart"]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'])
    .analyze()
  expect(light.violations.map((v) => v.id)).toEqual([])
})
