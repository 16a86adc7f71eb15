import fs from 'node:fs'
import type { Page } from '@playwright/test'
import {
  addPatient,
  api,
  appToday,
  CT,
  DOTATATE,
  monthsFrom,
  MRI,
  openByMrn,
  patientFacts,
  recordStudy,
  startEmpty,
  studyEntry,
} from './app'
import { expect, test } from './host'

// Issue 15, "The first hour in the reading room": one test per numbered point, each of which fails
// on the behaviour the issue describes.

const SHOTS = 'test-results/screenshots'

test.beforeAll(() => fs.mkdirSync(SHOTS, { recursive: true }))

test('2. the empty worklist points to Add patient and to the demo', async ({ page, log }) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const empty = page.getByTestId('worklist-empty')
  await expect(empty).toContainText('The log has no patients yet.')
  await expect(page.getByText('Nothing in this list.')).toHaveCount(0)
  await empty.getByRole('button', { name: 'Add the first patient' }).click()
  await expect(page.getByRole('heading', { name: /patient/i }).first()).toBeVisible()
  await expect(page.getByLabel('MRN', { exact: true })).toBeVisible()
  await page.getByRole('button', { name: 'Cancel' }).click()
  await page.getByTestId('worklist-empty').getByRole('button', { name: 'Load the demo patients' }).click()
  await expect(page.getByRole('status')).toContainText('Loaded 10 demo patients.')
  await page.getByTestId('bucket-all').click()
  await expect(page.getByTestId('worklist-row')).toHaveCount(10)
  // A log with patients but an empty tab says so, and how to see the others.
  await page.getByTestId('bucket-overdue').click()
  const rows = await page.getByTestId('worklist-row').count()
  if (rows === 0) await expect(page.getByTestId('worklist-empty')).toContainText('No patient in “Overdue”')
})

/** Every rendered header and cell of the grid shows all its content (nothing clipped). */
async function clippedCells(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [
      ...document.querySelectorAll<HTMLElement>(
        '#worklist-grid [role=columnheader], #worklist-grid [role=gridcell]',
      ),
    ]
      .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
      .map((el) => `${el.className}: ${el.innerText.replace(/\s+/g, ' ')}`),
  )
}

test('3. worklist columns sized by content at 1366 and 1920; the override is visible', async ({
  page,
  log,
}) => {
  await page.setViewportSize({ width: 1366, height: 768 })
  const host = await log.start()
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Load the demo log' }).click()
  await expect(page.getByTestId('worklist-row').first()).toBeVisible()
  const today = await appToday(page)
  // A patient whose next study the radiologist changed (an override), with the longest study name.
  const p = await api<{ id: number }>(page, 'patients.create', patientFacts('OVR-1', 'Override, Olga'))
  const r = await api<{ nextItem: { id: number; version: number } }>(page, 'studies.record', {
    patientId: p.id,
    study: studyEntry(monthsFrom(today, -2), CT),
  })
  await api(page, 'followup.override', {
    itemId: r.nextItem.id,
    version: r.nextItem.version,
    procedure: MRI,
    due: null,
    reasonCode: 'patient-preference',
    text: null,
  })
  await page.reload()
  await page.getByTestId('bucket-all').click()
  const row = page.getByTestId('worklist-row').filter({ hasText: 'OVR-1' })
  await expect(row).toHaveCount(1)

  for (const [width, height] of [
    [1366, 768],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height })
    await expect(row.locator('[data-flag=override]')).toBeVisible()
    // The badge lies inside its cell (not cut off by it).
    const badge = (await row.locator('[data-flag=override]').boundingBox())!
    const cell = (await row.getByTestId('flags').boundingBox())!
    expect(badge.x + badge.width).toBeLessThanOrEqual(cell.x + cell.width + 0.5)
    expect(await clippedCells(page), `at ${width}`).toEqual([])
    // The header of the dose column reads whole.
    await expect(page.getByRole('columnheader', { name: /Cumulative dose/ })).toBeVisible()
    await page.screenshot({ path: `${SHOTS}/worklist-${width}.png` })
  }
})

test('4. the global settings have their own screen, not each patient’s Radiation panel', async ({
  page,
  log,
}) => {
  await page.setViewportSize({ width: 1366, height: 900 })
  const host = await log.start()
  await startEmpty(page, host.url)
  await addPatient(page, { mrn: 'SET-1', name: 'Settings, Sam' })
  const dose = page.getByTestId('dose-view')
  await expect(dose.getByLabel('CT k-factor set')).toHaveCount(0)
  await expect(dose.getByRole('form', { name: 'Dose conversion settings' })).toHaveCount(0)
  await dose.getByRole('button', { name: 'Change in Settings' }).click()
  const settings = page.getByTestId('settings')
  await expect(settings.getByRole('heading', { name: 'Settings' })).toBeVisible()
  await settings.getByLabel('CT k-factor set').selectOption({ label: 'ICRP 103' })
  await settings.getByLabel('Cu-64 DOTATATE site coefficient (mSv/MBq)').fill('0.03')
  await settings.getByRole('button', { name: 'Save dose settings' }).click()
  await expect(page.getByRole('status')).toContainText('Dose settings saved')
  await settings.getByLabel('Light', { exact: true }).click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  await expect(settings).toContainText(host.url.includes('127.0.0.1') ? 'log.sqlite' : '')
  await page.screenshot({ path: `${SHOTS}/settings.png`, fullPage: true })
  await settings.getByLabel('Dark (for the reading room)').click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await page.screenshot({ path: `${SHOTS}/settings-dark.png`, fullPage: true })
  await openByMrn(page, 'SET-1', 'Settings, Sam')
  await expect(page.getByTestId('dose-settings-summary')).toContainText(
    'ICRP 103 k-factors; Cu-64 DOTATATE coefficient 0.03 mSv/MBq',
  )
})

test('5. the same dose reads the same on the worklist and the patient page (12.75 + 8.685)', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  const p = await api<{ id: number }>(page, 'patients.create', patientFacts('DOSE-5', 'Dose, Dana'))
  for (const [months, msv] of [
    [-14, 12.75],
    [-2, 8.685],
  ] as const) {
    await api(page, 'studies.record', {
      patientId: p.id,
      study: studyEntry(monthsFrom(today, months), CT, {
        dose: {
          effectiveMsv: msv,
          ctdiVolMgy: null,
          dlpMgyCm: null,
          region: null,
          activityMbq: null,
          agent: null,
        },
      }),
    })
  }
  await page.reload()
  await page.getByLabel('Find a patient by name or MRN').fill('DOSE-5')
  const row = page.getByTestId('worklist-row').filter({ hasText: 'DOSE-5' })
  await expect(row.getByRole('gridcell').last()).toHaveText('21.44 mSv')
  await row.getByRole('button', { name: 'Dose, Dana' }).click()
  await expect(page.getByTestId('dose-total')).toContainText('21.44 mSv')
  await expect(page.getByTestId('dose-modality-ct')).toContainText('21.44 mSv')
})

test('6. a PET/CT saves with carried targets unmeasured (NE); targets carry past a PET/CT without lesions', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  const p = await api<{ id: number }>(page, 'patients.create', patientFacts('CARRY-6', 'Carry, Cleo'))
  const lesions = [
    { id: 'T1', organ: 'liver', nodal: false, role: 'target', diameterMm: 24, status: null },
    { id: 'T2', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 15, status: null },
    { id: 'NT1', organ: 'lymph node', nodal: true, role: 'non-target', diameterMm: null, status: 'present' },
  ]
  await api(page, 'studies.record', {
    patientId: p.id,
    study: studyEntry(monthsFrom(today, -9), MRI, { lesions }),
  })
  // A PET/CT without lesion rows.
  await api(page, 'studies.record', { patientId: p.id, study: studyEntry(monthsFrom(today, -6), DOTATATE) })
  await page.reload()
  await openByMrn(page, 'CARRY-6', 'Carry, Cleo')

  // The next study still starts with the MRI's lesions, unmeasured.
  await page.getByRole('button', { name: 'Record study (R)' }).click()
  const rows = page.getByTestId('lesion-row')
  await expect(rows).toHaveCount(3)
  await expect(rows.nth(0).getByLabel('Label')).toHaveValue('T1')
  await expect(rows.nth(0).getByLabel('Size (mm)')).toHaveValue('')

  // A DOTATATE PET/CT saves with them left unmeasured, and RECIST says plainly it is not evaluable.
  await page.getByLabel('Study date').fill(monthsFrom(today, -1))
  await page
    .getByLabel('Procedure', { exact: true })
    .selectOption({ label: 'DOTATATE PET/CT skull base to mid-thigh' })
  await page.getByLabel('Result', { exact: true }).selectOption({ label: 'Stable' })
  await page.getByRole('button', { name: 'Save study' }).click()
  await expect(page.getByRole('status')).toContainText('Study saved.')
  await expect(page.getByTestId('recist')).toContainText('NE')
  await expect(page.getByTestId('recist-ne')).toContainText('a target lesion was not measured at this study')

  // And the next MRI carries the targets from the MRI that measured them.
  await page.getByRole('button', { name: 'Record study (R)' }).click()
  await expect(page.getByTestId('lesion-row')).toHaveCount(3)
  await expect(page.getByTestId('lesion-row').nth(1).getByLabel('Label')).toHaveValue('T2')
})

test('7. the agent must fit the procedure, and a study dated 1900 is refused', async ({ page, log }) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  await addPatient(page, { mrn: 'CHK-7', name: 'Check, Chris' })
  await page.getByRole('button', { name: 'Record study (R)' }).click()
  await page.getByLabel('Study date').fill('1900-01-01')
  await page
    .getByLabel('Procedure', { exact: true })
    .selectOption({ label: 'DOTATATE PET/CT skull base to mid-thigh' })
  await page.getByLabel('Radiopharmaceutical').selectOption({ label: 'F-18 FDG' })
  await page.getByLabel('Administered activity (MBq)').fill('370')
  await page.getByRole('button', { name: 'Save study' }).click()
  await expect(page.getByText('Nothing was saved', { exact: false })).toBeVisible()
  await expect(
    page.getByText('This procedure uses Ga-68 DOTATATE or Cu-64 DOTATATE, not F-18 FDG.'),
  ).toBeVisible()
  await expect(page.getByText('A study before 1970 is not plausible', { exact: false })).toBeVisible()
  await expect(page.getByLabel('Radiopharmaceutical')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByLabel('Study date')).toHaveAttribute('aria-invalid', 'true')
  // Fitted, it saves: dosed with the DOTATATE coefficient, not FDG's.
  await page.getByLabel('Study date').fill(await appToday(page))
  await page.getByLabel('Radiopharmaceutical').selectOption({ label: 'Ga-68 DOTATATE' })
  await page.getByLabel('Administered activity (MBq)').fill('150')
  await page.getByLabel('Result', { exact: true }).selectOption({ label: 'Stable' })
  await page.getByRole('button', { name: 'Save study' }).click()
  await expect(page.getByRole('status')).toContainText('Study saved.')
  await expect(page.getByTestId('dose-row').first()).toContainText('150 MBq × 0.021 mSv/MBq')
})

test('8. messages: no stale success, the MRN rule, required marks, a fresh form, plain titles, spaced badges', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Load the demo log' }).click()
  await expect(page.getByTestId('worklist-row').first()).toBeVisible()

  // MRN and Name are marked required; the MRN message says the rule; Add patient resets the form.
  await page.getByRole('button', { name: 'Add patient' }).click()
  for (const label of ['MRN', 'Name']) {
    const field = page.locator('.field').filter({ has: page.getByLabel(label, { exact: true }) })
    await expect(field.locator('.field__required')).toHaveText('required')
  }
  await page.getByLabel('MRN', { exact: true }).fill('-12')
  await page.getByRole('button', { name: 'Save patient' }).click()
  await expect(
    page.getByText(
      'The MRN starts with a letter or a digit, then holds only letters, digits and the signs . _ / -',
    ),
  ).toBeVisible()
  await page.getByRole('button', { name: 'Add treatment' }).click()
  await expect(page.getByTestId('treatment-row').getByLabel('Start date')).toBeVisible()
  await expect(page.getByText('YYYY-MM-DD').first()).toBeVisible()
  await page.getByRole('button', { name: 'Add patient' }).click()
  await expect(page.getByLabel('MRN', { exact: true })).toHaveValue('')
  await expect(page.getByTestId('treatment-row')).toHaveCount(0)

  // A green "Study saved" does not stay above the next form's "Nothing was saved".
  await page
    .getByRole('button', { name: '← Worklist' })
    .or(page.getByRole('button', { name: 'Cancel' }))
    .first()
    .click()
  await addPatient(page, { mrn: 'MSG-8', name: 'Message, Mo' })
  await recordStudy(page, { date: await appToday(page), result: 'Stable' })
  await page.getByRole('button', { name: 'Record study (R)' }).click()
  await expect(page.getByText('Study saved.')).toHaveCount(0)
  await page.getByLabel('Study date').fill('2026-02-30')
  await page.getByRole('button', { name: 'Save study' }).click()
  await expect(page.getByText('Nothing was saved', { exact: false })).toBeVisible()
  await expect(page.getByText('Study saved.')).toHaveCount(0)
  await page.getByRole('button', { name: 'Cancel', exact: true }).click()

  // Study titles in the timeline are not link-blue (they are not links).
  const title = page.locator('.timeline__entry--study .timeline__title').first()
  const colours = await title.evaluate((el) => ({
    title: getComputedStyle(el).color,
    text: getComputedStyle(document.body).color,
  }))
  expect(colours.title).toBe(colours.text)

  // The demo badge does not touch the name beside it.
  await page.getByRole('button', { name: 'pNET Follow-up' }).click()
  await page.getByTestId('bucket-all').click()
  const demo = page.getByTestId('worklist-row').first().locator('.badge', { hasText: 'demo' })
  expect(await demo.evaluate((el) => parseFloat(getComputedStyle(el).marginLeft))).toBeGreaterThanOrEqual(4)
  await page.getByTestId('worklist-row').first().getByRole('button').first().click()
  const pageBadge = page.getByTestId('patient-name').locator('.badge')
  expect(
    await pageBadge.evaluate((el) => parseFloat(getComputedStyle(el).marginLeft)),
  ).toBeGreaterThanOrEqual(4)
})

test('9. biomarker values with their trend, and a note, on the patient page', async ({ page, log }) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  await addPatient(page, { mrn: 'BIO-9', name: 'Bio, Bea' })
  const today = await appToday(page)
  const panel = page.getByTestId('biomarkers')
  await expect(panel).toContainText('No biomarker values recorded.')
  for (const [date, value] of [
    [monthsFrom(today, -6), '120'],
    [monthsFrom(today, -1), '150'],
  ] as const) {
    await panel.getByLabel('Biomarker').selectOption({ label: 'Chromogranin A' })
    await panel.getByLabel('Date of the sample').fill(date)
    await panel.getByLabel('Value', { exact: true }).fill(value)
    await expect(panel.getByLabel('Unit')).toHaveValue('ng/mL')
    await panel.getByRole('button', { name: 'Record value' }).click()
    await expect(page.getByRole('status')).toContainText(`Recorded Chromogranin A ${value} ng/mL`)
  }
  const trend = panel.getByTestId('biomarker-chromogranin-a')
  await expect(trend.getByTestId('biomarker-row')).toHaveCount(2)
  await expect(trend.getByTestId('biomarker-row').nth(1)).toContainText('+25.0 %')
  await expect(trend.getByRole('img')).toHaveAccessibleName(
    /Chromogranin A over time: 120 ng\/mL on .*, 150 ng\/mL on/,
  )
  // Said plainly: the engine infers nothing from them.
  await expect(panel).toContainText('The guideline engine reads none of them')
  // A bad value is refused next to its field.
  await panel.getByLabel('Value', { exact: true }).fill('lots')
  await panel.getByRole('button', { name: 'Record value' }).click()
  await expect(panel.getByLabel('Value', { exact: true })).toHaveAttribute('aria-invalid', 'true')

  const note = page.getByTestId('note')
  await note.getByRole('textbox').fill('Claustrophobic: book the open MRI.')
  await note.getByRole('button', { name: 'Save note' }).click()
  await expect(page.getByRole('status')).toContainText('Note saved.')
  await page.reload()
  await openByMrn(page, 'BIO-9', 'Bio, Bea')
  await expect(page.getByTestId('note').getByRole('textbox')).toHaveValue(
    'Claustrophobic: book the open MRI.',
  )
  await expect(page.getByTestId('biomarker-row')).toHaveCount(2)
})

test('10. a flags column on the worklist, and the age beside the birth date', async ({ page, log }) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  const p = await api<{ id: number }>(
    page,
    'patients.create',
    patientFacts('FLAG-10', 'Flags, Fay', {
      birthDate: monthsFrom(today, -12 * 70 - 1),
      symptoms: ['new-abdominal-pain'],
      requestedProcedure: 'endoscopic-us',
      constraints: {
        mriContraindicated: true,
        mriReason: 'pacemaker',
        iodinatedContrastContraindicated: false,
        gadoliniumContraindicated: false,
        eGFR: 80,
      },
    }),
  )
  const r = await api<{ nextItem: { id: number; version: number } | null }>(page, 'studies.record', {
    patientId: p.id,
    study: studyEntry(monthsFrom(today, -3), CT),
  })
  expect(r.nextItem).not.toBeNull()
  await api(page, 'followup.override', {
    itemId: r.nextItem!.id,
    version: r.nextItem!.version,
    procedure: null,
    due: { from: monthsFrom(today, 1), to: monthsFrom(today, 2) },
    reasonCode: 'clinician-decision',
    text: null,
  })
  await api(page, 'patients.create', patientFacts('PLAIN-10', 'Plain, Pat'))
  await page.reload()
  await page.getByLabel('Find a patient by name or MRN').fill('FLAG-10')
  const flags = page.getByTestId('worklist-row').filter({ hasText: 'FLAG-10' }).getByTestId('flags')
  for (const f of ['mri', 'symptoms', 'request', 'override'])
    await expect(flags.locator(`[data-flag=${f}]`)).toBeVisible()
  await expect(flags).toContainText('MRI contraindicated')
  await expect(page.getByRole('columnheader', { name: 'Flags' })).toBeVisible()
  await page.getByLabel('Find a patient by name or MRN').fill('PLAIN-10')
  await expect(
    page
      .getByTestId('worklist-row')
      .filter({ hasText: 'PLAIN-10' })
      .getByTestId('flags')
      .locator('[data-flag]'),
  ).toHaveCount(0)

  await openByMrn(page, 'FLAG-10', 'Flags, Fay')
  await expect(page.getByTestId('patient-born')).toHaveText(
    `born ${monthsFrom(today, -12 * 70 - 1)} (70 years)`,
  )
})
