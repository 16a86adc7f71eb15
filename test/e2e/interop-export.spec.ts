import fs from 'node:fs'
import type { Download, Page } from '@playwright/test'
import { api, CT, MRI, NO_DOSE, openByMrn, patientFacts, startEmpty, studyEntry } from './app'
import { scan } from './axe'
import { expect, test } from './host'

// The plan out of the app, end to end through the web host: the worklist as CSV and as a calendar,
// one patient's calendar file and FHIR bundle, the dose CSV with and without the patient's name,
// and the printable follow-up sheet (light page, no buttons, a couple of A4 pages).

const SHOTS = 'test-results/screenshots'

async function downloaded(page: Page, action: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [d] = (await Promise.all([page.waitForEvent('download'), action()])) as [Download, void]
  const file = await d.path()
  return { name: d.suggestedFilename(), text: fs.readFileSync(file!, 'utf8').replace(/^\uFEFF/, '') }
}

async function seed(page: Page): Promise<void> {
  const p = await api<{ id: number }>(page, 'patients.create', patientFacts('EXP-1', 'Lovelace, Ada'))
  await api(page, 'studies.record', {
    patientId: p.id,
    study: studyEntry('2025-06-01', CT, {
      dose: { ...NO_DOSE, ctdiVolMgy: 11, dlpMgyCm: 520, region: 'abdomen-pelvis' },
      lesions: [
        { id: 'T1', organ: 'liver', nodal: false, role: 'target', diameterMm: 24, status: null },
        { id: 'T2', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 18, status: null },
      ],
    }),
  })
  await api(page, 'studies.record', {
    patientId: p.id,
    study: studyEntry('2025-12-01', MRI, {
      lesions: [
        { id: 'T1', organ: 'liver', nodal: false, role: 'target', diameterMm: 26, status: null },
        { id: 'T2', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 18, status: null },
      ],
    }),
  })
  await api(page, 'patients.create', patientFacts('EXP-2', 'Hopper, Grace'))
}

test('worklist CSV and calendar, patient calendar and FHIR, dose CSV with the name as an option', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  await seed(page)
  await page.reload()
  await page.getByRole('tab', { name: /All scheduled/ }).click()
  await expect(page.getByTestId('worklist-row')).toHaveCount(2)

  const csv = await downloaded(page, () => page.getByRole('button', { name: 'Export CSV' }).click())
  expect(csv.name).toMatch(/^pnet-worklist_all_\d{4}-\d{2}-\d{2}\.csv$/)
  const lines = csv.text.split('\r\n')
  expect(lines[0]).toMatch(/^Patient name,MRN,Demo,Variant,Next step,Due from,Due to,Status,/)
  expect(lines.filter((l) => l !== '')).toHaveLength(3)
  expect(csv.text).toContain('"Lovelace, Ada",EXP-1,no,')
  await expect(page.getByTestId('worklist-export-note')).toContainText('Saved 2 rows of All scheduled as CSV')

  await page.getByRole('button', { name: 'Calendar (.ics)…' }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByRole('radio', { name: 'Initials and MRN' })).toBeChecked()
  await scan(page, 'calendar dialog')
  const ics = await downloaded(page, () => dialog.getByRole('button', { name: 'Save calendar' }).click())
  expect(ics.name).toMatch(/^pnet-followup_worklist_all_.*\.ics$/)
  expect(ics.text.match(/BEGIN:VEVENT/g)).toHaveLength(2)
  expect(ics.text).toContain('L. A. (MRN EXP-1)')
  expect(ics.text).not.toMatch(/Lovelace|Hopper/)
  expect(ics.text).toContain('TRIGGER:-P7D')

  await openByMrn(page, 'EXP-1', 'Lovelace, Ada')
  await page.getByRole('button', { name: 'Calendar (.ics)…' }).click()
  await page.getByRole('dialog').getByRole('radio', { name: 'Full name and MRN' }).check()
  await page.getByRole('dialog').getByLabel('Reminder (days before the window opens)').fill('14')
  const one = await downloaded(page, () =>
    page.getByRole('dialog').getByRole('button', { name: 'Save calendar' }).click(),
  )
  expect(one.text.match(/BEGIN:VEVENT/g)).toHaveLength(1)
  expect(one.text.replace(/\r\n /g, '')).toContain('Lovelace\\, Ada (MRN EXP-1)')
  expect(one.text).toContain('TRIGGER:-P14D')
  await expect(page.getByRole('status')).toContainText('Calendar saved')

  const fhir = await downloaded(page, () => page.getByRole('button', { name: 'FHIR (R4)' }).click())
  expect(fhir.name).toMatch(/^pnet-followup_EXP-1_.*\.fhir\.json$/)
  const bundle = JSON.parse(fhir.text) as {
    resourceType: string
    entry: { resource: { resourceType: string; intent?: string } }[]
  }
  expect(bundle.resourceType).toBe('Bundle')
  expect(bundle.entry.map((e) => e.resource.resourceType).sort()).toEqual([
    'Observation',
    'Patient',
    'ServiceRequest',
  ])
  expect(bundle.entry.find((e) => e.resource.resourceType === 'ServiceRequest')!.resource.intent).toBe(
    'proposal',
  )

  const dose = page.getByTestId('dose-view')
  const anonymous = await downloaded(page, () => dose.getByRole('button', { name: 'Export CSV' }).click())
  expect(anonymous.text).not.toContain('Lovelace')
  await dose.getByRole('checkbox', { name: 'with name and MRN' }).check()
  const named = await downloaded(page, () => dose.getByRole('button', { name: 'Export CSV' }).click())
  expect(named.text.split('\r\n')[0]).toMatch(/^Patient name,MRN,Date,/)
  expect(named.text.split('\r\n')[1]).toMatch(/^"Lovelace, Ada",EXP-1,2025-06-01,/)
})

test('the follow-up sheet: plan, reasons with sources, RECIST lesions, dose, guideline version; prints light without buttons', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  await seed(page)
  await openByMrn(page, 'EXP-1', 'Lovelace, Ada')
  await page.getByRole('button', { name: 'Follow-up sheet (print, PDF)' }).click()
  const sheet = page.getByTestId('follow-up-sheet')
  await expect(sheet.getByTestId('sheet-patient')).toHaveText('Lovelace, Ada')
  await expect(sheet.getByTestId('sheet-guideline')).toHaveText(/^acr-pnet version \S+$/)
  await expect(sheet.getByTestId('sheet-next')).toContainText('Image')
  await expect(sheet.getByTestId('sheet-due')).toContainText('–')
  await expect(sheet.getByTestId('sheet-reasons').locator('li').first()).toContainText('—')
  const lesions = sheet.getByTestId('sheet-lesions')
  await expect(lesions.locator('tbody tr')).toHaveCount(2)
  await expect(lesions.locator('tbody tr').nth(0)).toContainText('42 mm')
  await expect(lesions.locator('tbody tr').nth(0)).toContainText('baseline')
  // 42 → 44 mm: +4.8 %, stable disease, with a growth rate.
  await expect(lesions.locator('tbody tr').nth(1)).toContainText('+4.8 %')
  await expect(lesions.locator('tbody tr').nth(1)).toContainText('SD')
  await expect(lesions.locator('tbody tr').nth(1)).toContainText('%/month')
  await expect(sheet.getByTestId('sheet-dose')).toContainText('DLP 520 mGy·cm')
  await expect(sheet.getByRole('button', { name: 'Save as PDF' })).toBeVisible()
  await scan(page, 'follow-up sheet')

  await page.emulateMedia({ media: 'print' })
  await expect(sheet.getByRole('button', { name: 'Save as PDF' })).toBeHidden()
  await expect(page.getByRole('button', { name: 'Add patient' })).toBeHidden()
  const colours = await page.evaluate(() => ({
    body: getComputedStyle(document.body).backgroundColor,
    text: getComputedStyle(document.body).color,
  }))
  expect(colours).toEqual({ body: 'rgb(255, 255, 255)', text: 'rgb(0, 0, 0)' })
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: `${SHOTS}/print-sheet.png`, fullPage: true })
  // Chromium's own print to PDF, with the print stylesheet: a short document, not five pages.
  const pdf = (await page.pdf({ format: 'A4' })).toString('latin1')
  const pages = pdf.match(/\/Type\s*\/Page[^s]/g) ?? []
  expect(pages.length).toBeGreaterThanOrEqual(1)
  expect(pages.length).toBeLessThanOrEqual(2)
  await page.emulateMedia({ media: 'screen' })

  // In the browser, Save as PDF is the browser's print dialog.
  await page.evaluate(() => {
    ;(window as unknown as { printed: number }).printed = 0
    window.print = () => void ((window as unknown as { printed: number }).printed += 1)
  })
  await sheet.getByRole('button', { name: 'Save as PDF' }).click()
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1)
})
