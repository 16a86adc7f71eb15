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

/** Calendar date `days` before/after `date` (UTC arithmetic). */
export function daysFrom(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
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

type Call = (request: unknown) => Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }>

/** Calls the back end from the page, through the same transport the renderer uses (fast set-up). */
export async function api<T = unknown>(page: Page, name: string, request: unknown): Promise<T> {
  return (await page.evaluate(
    async ([n, r]) => {
      const pnet = (window as unknown as { pnet: Record<string, Call> }).pnet
      const res = await pnet[n as string]!(r)
      if (!res.ok) throw new Error(`${n as string}: ${JSON.stringify(res.error)}`)
      return res.value
    },
    [name, request] as const,
  )) as T
}

/** A patient's facts as the API takes them (every question answered; override what a test needs). */
export function patientFacts(mrn: string, name: string, overrides: Record<string, unknown> = {}) {
  return {
    mrn,
    name,
    birthDate: '1960-01-01',
    weightKg: 70,
    diagnosis: { date: '2020-03-01', confirmed: true, grade: 'G2', functional: false, primarySizeMm: 24 },
    stagingComplete: true,
    activeSurveillance: false,
    burden: 'non-liver-dominant',
    suspectedRecurrence: false,
    symptoms: [],
    constraints: {
      mriContraindicated: false,
      mriReason: null,
      iodinatedContrastContraindicated: false,
      gadoliniumContraindicated: false,
      eGFR: 80,
    },
    treatments: [{ kind: 'somatostatin-analog', date: '2020-06-01', completeResection: null }],
    requestedProcedure: null,
    ...overrides,
  }
}

export const NO_DOSE = {
  effectiveMsv: null,
  ctdiVolMgy: null,
  dlpMgyCm: null,
  region: null,
  activityMbq: null,
  agent: null,
}

/** A study as the API takes it. */
export function studyEntry(date: string, procedure: string, overrides: Record<string, unknown> = {}) {
  return { date, procedure, result: 'stable', lesions: [], dose: NO_DOSE, note: null, ...overrides }
}

export const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
export const CT = 'ct-abdomen-pelvis-with-iv-contrast'
export const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh'

/** Opens a patient's page from the worklist search. */
export async function openByMrn(page: Page, mrn: string, name: string): Promise<void> {
  await page.getByRole('button', { name: 'pNET Follow-up' }).click()
  await page.getByLabel('Find a patient by name or MRN').fill(mrn)
  // Wait for the search's own rows: a click on a row of the list before it would land on a row that
  // is replaced under the pointer (seen on a loaded machine), and nothing opens.
  await expect(page.getByTestId('worklist-row').filter({ hasNotText: mrn })).toHaveCount(0)
  await page.getByTestId('worklist-row').filter({ hasText: mrn }).getByRole('button', { name }).click()
  await expect(page.getByTestId('patient-name')).toContainText(name)
}
