import fs from 'node:fs'
import type { Page } from '@playwright/test'
import { formatMsv } from '../../renderer/src/domain/labels'
import { addPatient, appToday, monthsFrom, startEmpty } from './app'
import { expect, test } from './host'

// The radiation ledger end to end: studies entered with their raw indices through the study form,
// the estimates and totals in the patient's dose view, the chart, the worklist column, the
// conversion settings (which recompute every patient's dose) and the CSV export.

const CT = 'CT abdomen and pelvis with IV contrast'
const PET = 'DOTATATE PET/CT skull base to mid-thigh'
const MRN = 'DOSE-0001'

async function recordDosedStudy(
  page: Page,
  s: {
    date: string
    procedure: string
    dlp: string
    region: string
    agent?: string
    activity?: string
  },
): Promise<void> {
  await page.getByRole('button', { name: 'Record study (R)' }).click()
  await page.getByLabel('Study date').fill(s.date)
  await page.getByLabel('Procedure', { exact: true }).selectOption({ label: s.procedure })
  await page.getByLabel('Result', { exact: true }).selectOption({ label: 'Stable' })
  const hybrid = s.agent !== undefined
  if (hybrid) {
    await page.getByLabel('Radiopharmaceutical').selectOption({ label: s.agent! })
    await page.getByLabel('Administered activity (MBq)').fill(s.activity!)
  }
  await page.getByLabel(hybrid ? 'CT part: DLP (mGy·cm)' : 'DLP (mGy·cm)', { exact: true }).fill(s.dlp)
  await page
    .getByLabel(hybrid ? 'CT part: body region' : 'Body region', { exact: true })
    .selectOption({ label: s.region })
  await page.getByRole('button', { name: 'Save study' }).click()
  await expect(page.getByRole('status')).toContainText('Study saved.')
}

test('a CT with its DLP and a DOTATATE PET/CT with activity and CT part: ledger, chart, worklist, settings, CSV', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  await addPatient(page, {
    mrn: MRN,
    name: 'Dora Dose',
    birthDate: '1958-05-20',
    weightKg: '80',
    burden: 'Not liver-dominant',
    treatment: { kind: 'PRRT', date: monthsFrom(today, -15) },
  })

  const view = page.getByTestId('dose-view')
  await expect(view.getByTestId('dose-total')).toContainText('0 mSv')
  await expect(view.getByTestId('dose-chart-empty')).toBeVisible()

  await recordDosedStudy(page, {
    date: monthsFrom(today, -12),
    procedure: CT,
    dlp: '600',
    region: 'Abdomen and pelvis',
  })
  await recordDosedStudy(page, {
    date: monthsFrom(today, -6),
    procedure: PET,
    agent: 'Ga-68 DOTATATE',
    activity: '150',
    dlp: '400',
    region: 'Chest, abdomen and pelvis',
  })

  // The ledger: raw indices first, then the estimate and its method.
  const rows = view.getByTestId('dose-row')
  await expect(rows).toHaveCount(2)
  const ct = rows.nth(0)
  await expect(ct).toContainText(monthsFrom(today, -12))
  await expect(ct.getByTestId('dose-indices')).toHaveText('DLP 600 mGy·cm, abdomen and pelvis')
  const ctEstimate = ct.getByTestId('dose-estimate')
  await expect(ctEstimate.getByTestId('dose-msv')).toHaveText('9.0 mSv')
  await expect(ctEstimate.getByText('DLP × k', { exact: true })).toBeVisible()
  await expect(ctEstimate.getByText('600 mGy·cm × 0.015 = 9.0 mSv')).toBeVisible()
  await expect(ctEstimate.getByText('k: AAPM Report 96, abdomen and pelvis')).toBeVisible()
  const pet = rows.nth(1)
  await expect(pet.getByTestId('dose-indices')).toContainText('Ga-68 DOTATATE 150 MBq')
  await expect(pet.getByTestId('dose-indices')).toContainText(
    'CT part: DLP 400 mGy·cm, chest, abdomen and pelvis',
  )
  const petEstimate = pet.getByTestId('dose-estimate')
  await expect(petEstimate.getByTestId('dose-msv')).toHaveText('9.15 mSv')
  await expect(petEstimate.getByText('activity × coefficient + CT part', { exact: true })).toBeVisible()
  await expect(petEstimate.getByText('150 MBq × 0.021 mSv/MBq = 3.15 mSv')).toBeVisible()
  await expect(petEstimate.getByText('CT part: 400 mGy·cm × 0.015 = 6.0 mSv')).toBeVisible()
  for (const row of [ct, pet]) await expect(row.getByText('estimated', { exact: true })).toHaveCount(0)

  // Totals overall and by modality.
  await expect(view.getByTestId('dose-total')).toContainText('18.15 mSv estimated effective dose, 2 studies')
  await expect(view.getByTestId('dose-modality-ct')).toHaveText('CT 9.0 mSv')
  await expect(view.getByTestId('dose-modality-pet-ct')).toHaveText('PET/CT 9.15 mSv')
  await expect(view.getByTestId('dose-modality-nm')).toHaveText('NM no studies')

  // The chart: an accessible image with one band per modality with dose.
  const chart = view.getByRole('img', { name: /Chart of cumulative estimated effective dose/ })
  await expect(chart).toBeVisible()
  await expect(chart).toHaveAttribute('aria-label', /18\.15 mSv in total \(CT 9\.0 mSv, PET\/CT 9\.15 mSv\)/)
  const bands = chart.getByTestId('dose-band')
  await expect(bands).toHaveCount(2)
  expect(await bands.evaluateAll((els) => els.map((e) => e.getAttribute('data-modality')))).toEqual([
    'CT',
    'PET/CT',
  ])
  const box = await chart.boundingBox()
  expect(box!.width).toBeGreaterThan(300)
  expect(box!.height).toBeGreaterThan(140)

  // Projection and honesty text are there.
  await expect(view.getByTestId('dose-projection-row')).toHaveCount(2)
  await expect(view.getByTestId('dose-projection-row').nth(1)).toContainText('50–100 mSv')
  await expect(view.getByTestId('dose-honesty')).toContainText('population estimate')

  await view.scrollIntoViewIfNeeded()
  await view.screenshot({ path: 'test-results/dose-view.png' })

  // CSV export.
  const downloading = page.waitForEvent('download')
  await view.getByRole('button', { name: 'Export CSV' }).click()
  const download = await downloading
  expect(download.suggestedFilename()).toBe(`dose-ledger_${MRN}_${today}.csv`)
  const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '')
  const lines = csv.split('\r\n')
  expect(lines[0]).toMatch(/^Date,Procedure,Modality,CTDIvol \(mGy\),DLP \(mGy·cm\),Body region,/)
  expect(lines[1]).toContain(`${monthsFrom(today, -12)},${CT},CT,,600,abdomen and pelvis,`)
  expect(lines[1]).toContain(',DLP × k,no,no,9,AAPM Report 96,0.015,')
  expect(lines[2]).toContain(`,"chest, abdomen and pelvis",Ga-68 DOTATATE,150,`)
  expect(lines[2]).toContain(',activity × coefficient + CT part,no,no,9.15,AAPM Report 96,0.015,0.021,150,')

  // The worklist's cumulative dose column, found by MRN.
  await page.getByRole('button', { name: '← Worklist' }).click()
  await page.getByLabel('Find a patient by name or MRN').fill(MRN)
  const row = page.getByTestId('worklist-row').filter({ hasText: MRN })
  await expect(row).toHaveCount(1)
  const doseCell = row.getByRole('gridcell').last()
  await expect(doseCell).toHaveText(formatMsv(18.15, false, false))
  await expect(doseCell).toHaveText(/^18\.\d+ mSv$/)

  // Settings (the Settings screen: they apply to every patient): a bad coefficient is refused next
  // to its field; ICRP 103 recomputes every patient.
  await row.getByRole('button', { name: 'Dora Dose' }).click()
  await view.getByRole('button', { name: 'Change in Settings' }).click()
  const settings = page.getByRole('form', { name: 'Dose conversion settings' })
  const coefficient = settings.getByLabel('Cu-64 DOTATATE site coefficient (mSv/MBq)')
  await coefficient.fill('5')
  await settings.getByRole('button', { name: 'Save dose settings' }).click()
  await expect(coefficient).toHaveAttribute('aria-invalid', 'true')
  await expect(settings.getByRole('alert')).toBeVisible()
  await coefficient.fill('')
  await settings.getByLabel('CT k-factor set').selectOption({ label: 'ICRP 103' })
  await settings.getByRole('button', { name: 'Save dose settings' }).click()
  await expect(page.getByRole('status')).toContainText('Dose settings saved')
  await page.getByRole('button', { name: '← Worklist' }).click()
  await page.getByLabel('Find a patient by name or MRN').fill(MRN)
  await page
    .getByTestId('worklist-row')
    .filter({ hasText: MRN })
    .getByRole('button', { name: 'Dora Dose' })
    .click()
  // Abdomen-pelvis has no ICRP 103 factor (AAPM 96 used, said so); trunk is 0.0152: 400 × 0.0152 = 6.08.
  await expect(rows.nth(0).getByTestId('dose-estimate')).toContainText('9.0 mSv')
  await expect(rows.nth(0).getByTestId('dose-estimate')).toContainText(
    'no ICRP 103 factor for this region: AAPM Report 96 value used',
  )
  await expect(rows.nth(1).getByTestId('dose-msv')).toHaveText('9.23 mSv')
  await expect(rows.nth(1).getByText('CT part: 400 mGy·cm × 0.0152 = 6.08 mSv')).toBeVisible()
  await expect(rows.nth(1).getByText('k: ICRP 103, chest, abdomen and pelvis')).toBeVisible()
  await expect(view.getByTestId('dose-total')).toContainText('18.23 mSv')
  await expect(view.getByText(/^Conversion settings \(for every patient\): ICRP 103 k-factors/)).toBeVisible()

  // The same view in the light theme, for a look.
  await page.getByRole('button', { name: 'Switch to the light theme' }).click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  await view.screenshot({ path: 'test-results/dose-view-light.png' })
  await page.getByRole('button', { name: 'Switch to the dark theme' }).click()

  await page.getByRole('button', { name: '← Worklist' }).click()
  await page.getByLabel('Find a patient by name or MRN').fill(MRN)
  await expect(
    page.getByTestId('worklist-row').filter({ hasText: MRN }).getByRole('gridcell').last(),
  ).toHaveText(formatMsv(18.23, false, false))
})
