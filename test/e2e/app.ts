import { expect, type Page } from '@playwright/test'

/** Calendar date `months` before/after `today` (UTC arithmetic; tests pass dates as text). */
export function monthsFrom(today: string, months: number): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number]
  const total = y * 12 + (m - 1) + months
  const year = Math.floor(total / 12)
  const month = (total % 12) + 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`
}

/** Today as the host sees it (the app shows it in the top bar). */
export async function appToday(page: Page): Promise<string> {
  const text = await page.locator('.topbar__meta').innerText()
  return /(\d{4}-\d{2}-\d{2})/.exec(text)![1]!
}

export async function startEmpty(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.getByRole('button', { name: 'Start with an empty log' }).click()
  await expect(page.getByRole('heading', { name: 'Worklist' })).toBeVisible()
}

export interface NewPatient {
  mrn: string
  name: string
  birthDate?: string
  weightKg?: string
  burden?: 'Not liver-dominant' | 'Liver-dominant'
  treatment?: { kind: string; date: string }
  mriContraindicated?: { reason: string }
}

/** Fills the patient form the way a person would and saves; lands on the patient page. */
export async function addPatient(page: Page, p: NewPatient): Promise<void> {
  await page.getByRole('button', { name: 'Add patient' }).click()
  await page.getByLabel('MRN', { exact: true }).fill(p.mrn)
  await page.getByLabel('Name', { exact: true }).fill(p.name)
  if (p.birthDate) await page.getByLabel('Birth date', { exact: true }).fill(p.birthDate)
  if (p.weightKg) await page.getByLabel('Weight (kg)', { exact: true }).fill(p.weightKg)
  await page.getByLabel('Histologically confirmed').selectOption('yes')
  await page.getByLabel('Baseline staging complete').selectOption('yes')
  await page.getByLabel('Active surveillance (untreated)').selectOption('no')
  await page.getByLabel('Recurrence suspected').selectOption('no')
  await page.getByLabel('New symptoms').selectOption('no')
  if (p.burden) await page.getByLabel('Tumour burden').selectOption({ label: p.burden })
  if (p.treatment) {
    await page.getByRole('button', { name: 'Add treatment' }).click()
    await page.getByLabel('Treatment 1').selectOption({ label: p.treatment.kind })
    await page.getByTestId('treatment-row').getByLabel('Date').fill(p.treatment.date)
  }
  await page
    .getByLabel('MRI contraindicated', { exact: true })
    .selectOption(p.mriContraindicated ? 'yes' : 'no')
  if (p.mriContraindicated)
    await page.getByLabel('Reason MRI is contraindicated').fill(p.mriContraindicated.reason)
  await page.getByRole('button', { name: 'Save patient' }).click()
  await expect(page.getByTestId('patient-name')).toContainText(p.name)
}

/** Records a study from the patient page. */
export async function recordStudy(
  page: Page,
  s: { date: string; procedure?: string; result: string },
): Promise<void> {
  await page.getByRole('button', { name: 'Record study (R)' }).click()
  await fillStudy(page, s)
  await page.getByRole('button', { name: 'Save study' }).click()
  await expect(page.getByRole('status')).toContainText('Study saved.')
}

/** Fills the open study form: date, procedure (MRI unless named) and result, all three chosen. */
export async function fillStudy(
  page: Page,
  s: { date: string; procedure?: string; result: string },
): Promise<void> {
  await page.getByLabel('Study date').fill(s.date)
  await page
    .getByLabel('Procedure', { exact: true })
    .selectOption({ label: s.procedure ?? 'MRI abdomen and pelvis without and with IV contrast' })
  await page.getByLabel('Result', { exact: true }).selectOption({ label: s.result })
}
