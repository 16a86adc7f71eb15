import type { Page } from '@playwright/test'
import { scan } from './axe'
import {
  api,
  appToday,
  CT,
  DOTATATE,
  monthsFrom,
  MRI,
  openByMrn,
  patientFacts,
  startEmpty,
  studyEntry,
} from './app'
import { E2E_ACCOUNT, expect, startHost, tempDataFile, test } from './host'

// WCAG 2.2 AA on every screen, in both themes, with axe-core: the first run, the worklist with
// every tab (and empty), the patient page with a long history, every form with its errors, the
// dialogs and the settings. Contrast is axe's, from the rendered colours. Each scan must find no
// violation; the figures are printed for the record.

/** Scans in the theme on screen, switches theme, scans again and switches back. */
async function scanBothThemes(page: Page, screen: string): Promise<void> {
  await scan(page, screen)
  const html = page.locator('html')
  const before = (await html.getAttribute('data-theme')) ?? 'dark'
  const other = before === 'dark' ? 'light' : 'dark'
  await page.getByRole('button', { name: `Switch to the ${other} theme` }).click()
  await expect(html).toHaveAttribute('data-theme', other)
  await scan(page, screen)
  await page.getByRole('button', { name: `Switch to the ${before} theme` }).click()
  await expect(html).toHaveAttribute('data-theme', before)
}

test('first run and the empty worklist, in both themes', async ({ page, log }) => {
  test.setTimeout(120_000)
  const host = await log.start()
  await page.goto(host.url)
  await expect(page.getByRole('button', { name: 'Start with an empty log' })).toBeVisible()
  await scan(page, 'first run')
  // The first run in the light theme (chosen before, e.g. by another user of the same log).
  await api(page, 'settings.update', { theme: 'light' })
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  await scan(page, 'first run')
  await api(page, 'settings.update', { theme: 'dark' })
  await page.reload()
  await startEmpty(page, host.url)
  await expect(page.getByTestId('worklist-empty')).toBeVisible()
  await scanBothThemes(page, 'empty worklist')
  await page.getByLabel('Find a patient by name or MRN').fill('nobody')
  await expect(page.getByTestId('worklist-empty')).toContainText('No patient matches')
  await scanBothThemes(page, 'search without a match')
})

test('the worklist with every tab, and the demo banner, in both themes', async ({ page, log }) => {
  test.setTimeout(180_000)
  const host = await log.start()
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Load the demo log' }).click()
  await expect(page.getByTestId('worklist-row').first()).toBeVisible()
  for (const bucket of ['now', 'overdue', 'due', 'upcoming-30', 'upcoming-90', 'all']) {
    await page.getByTestId(`bucket-${bucket}`).click()
    await expect(page.getByTestId(`bucket-${bucket}`)).toHaveAttribute('aria-selected', 'true')
    await expect(
      page.getByTestId('worklist-row').first().or(page.getByTestId('worklist-empty')),
    ).toBeVisible()
    await scanBothThemes(page, `worklist tab ${bucket}`)
  }
  // Every row the virtual grid renders has the grid's roles (rowgroup > row > gridcell), and the
  // active descendant is a rendered row.
  const grid = page.getByRole('grid', { name: 'Worklist' })
  await grid.focus()
  await page.keyboard.press('End')
  const active = await grid.getAttribute('aria-activedescendant')
  expect(active).not.toBeNull()
  await expect(page.locator(`#${active}`)).toHaveAttribute('role', 'row')
  await expect(grid.getByRole('row').nth(1).getByRole('gridcell')).toHaveCount(8)
  await scanBothThemes(page, 'worklist at the end')
  // The adherence figures with the closed steps and how they are counted, open.
  const adherence = page.getByTestId('adherence')
  await expect(adherence.getByTestId('adherence-figures')).toBeVisible()
  await adherence.getByText(/^The closed imaging steps/).click()
  await adherence.getByText('How these figures are counted').click()
  await expect(adherence.getByTestId('adherence-step').first()).toBeVisible()
  await scanBothThemes(page, 'worklist adherence')
})

test('a patient page with a long history, its forms with errors, and the dialogs', async ({ page, log }) => {
  // About two minutes alone; twice that and more on a loaded 2-core machine (27 scans).
  test.setTimeout(480_000)
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  const p = await api<{ id: number }>(page, 'patients.create', patientFacts('LONG-1', 'Long, History'))
  // Five years of studies, with lesions and dose, each re-evaluated (and superseding the last).
  let lastItem: { id: number; version: number } | null = null
  for (let i = 10; i >= 1; i--) {
    const procedure = i % 3 === 0 ? DOTATATE : i % 2 === 0 ? CT : MRI
    const r = await api<{ nextItem: { id: number; version: number } | null }>(page, 'studies.record', {
      patientId: p.id,
      study: studyEntry(monthsFrom(today, -6 * i), procedure, {
        result: i === 4 ? 'indeterminate' : 'stable',
        lesions: [
          {
            id: 'T1',
            organ: 'liver',
            nodal: false,
            role: 'target',
            diameterMm: procedure === DOTATATE ? null : 20 + (i % 3),
            status: null,
          },
          {
            id: 'NT1',
            organ: 'lymph node',
            nodal: true,
            role: 'non-target',
            diameterMm: null,
            status: procedure === DOTATATE ? null : 'present',
          },
        ],
        dose:
          procedure === CT
            ? {
                effectiveMsv: null,
                ctdiVolMgy: 11,
                dlpMgyCm: 600,
                region: 'abdomen-pelvis',
                activityMbq: null,
                agent: null,
              }
            : procedure === DOTATATE
              ? {
                  effectiveMsv: null,
                  ctdiVolMgy: null,
                  dlpMgyCm: 400,
                  region: 'chest-abdomen-pelvis',
                  activityMbq: 150,
                  agent: 'ga68-dotatate',
                }
              : studyEntry('', '').dose,
      }),
    })
    lastItem = r.nextItem
  }
  await api(page, 'biomarkers.add', {
    patientId: p.id,
    biomarker: { date: monthsFrom(today, -12), marker: 'chromogranin-a', value: 120, unit: 'ng/mL' },
  })
  await api(page, 'biomarkers.add', {
    patientId: p.id,
    biomarker: { date: monthsFrom(today, -1), marker: 'chromogranin-a', value: 150, unit: 'ng/mL' },
  })
  await api(page, 'notes.set', { patientId: p.id, version: null, text: 'Prefers afternoon appointments.' })
  await api(page, 'followup.override', {
    itemId: lastItem!.id,
    version: lastItem!.version,
    procedure: CT,
    due: null,
    reasonCode: 'other',
    text: 'Claustrophobic',
  })
  await page.reload()
  await openByMrn(page, 'LONG-1', 'Long, History')
  await expect(
    page.getByRole('region', { name: 'Timeline' }).or(page.locator('.timeline')).first(),
  ).toBeVisible()
  await scanBothThemes(page, 'patient page, long history')

  // The record form with errors.
  await page.getByRole('button', { name: 'Edit record' }).click()
  await page.getByLabel('MRN', { exact: true }).fill('-bad')
  await page.getByLabel('Name', { exact: true }).fill('')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(
    page.getByText('The MRN starts with a letter or a digit', { exact: false }).first(),
  ).toBeVisible()
  await scanBothThemes(page, 'patient form with errors')
  // Esc asks before closing a half-filled form: the dialog.
  await page.getByRole('button', { name: 'Add treatment' }).focus()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('alertdialog', { name: 'Close the form?' })).toBeVisible()
  await scan(page, 'dialog: close the form?')
  await page.getByRole('button', { name: 'Close without saving the record' }).click()

  // The study form with errors.
  await page.getByRole('button', { name: 'Record study (R)' }).click()
  await page.getByLabel('Study date').fill('1900-01-01')
  await page
    .getByLabel('Procedure', { exact: true })
    .selectOption({ label: 'DOTATATE PET/CT skull base to mid-thigh' })
  await page.getByLabel('Radiopharmaceutical').selectOption({ label: 'F-18 FDG' })
  await page.getByRole('button', { name: 'Save study' }).click()
  await expect(page.getByText('Nothing was saved', { exact: false }).first()).toBeVisible()
  await scanBothThemes(page, 'study form with errors')
  await page.getByRole('button', { name: 'Cancel', exact: true }).click()

  // The treatment form with errors (a correction from the timeline).
  await page.getByTestId('timeline-treatment').first().getByRole('button', { name: 'Edit' }).click()
  const treatment = page.getByRole('form', { name: /Edit the treatment/ })
  await treatment.getByLabel('Start date').fill('2025-02-30')
  await treatment.getByRole('button', { name: 'Save treatment' }).click()
  await expect(treatment.getByText('Nothing was saved', { exact: false })).toBeVisible()
  await scanBothThemes(page, 'treatment form with errors')
  await treatment.getByRole('button', { name: 'Cancel', exact: true }).click()

  // The follow-up forms with errors.
  await page.getByRole('button', { name: 'Change study or window…' }).click()
  const override = page.getByRole('form', { name: 'Change the suggested study or window' })
  await override.getByLabel('Due from').fill('2026-13-01')
  await override.getByLabel('Reason', { exact: true }).selectOption({ label: 'Other (say why)' })
  await override
    .getByRole('button', { name: /Save|Change|Keep/ })
    .first()
    .click()
  await expect(override.getByRole('alert').first()).toBeVisible()
  await scanBothThemes(page, 'override form with errors')
  await override.getByRole('button', { name: /Cancel|Back/ }).click()
  await page.getByRole('button', { name: 'Defer…' }).click()
  const defer = page.getByRole('form', { name: 'Defer' })
  await defer.getByLabel('Reason', { exact: true }).selectOption({ label: 'Other (say why)' })
  await defer.getByLabel('New window from').fill('2026-13-01')
  await defer.getByRole('button', { name: 'Defer', exact: true }).click()
  await expect(defer.getByRole('alert').first()).toBeVisible()
  await scanBothThemes(page, 'defer form with errors')
  await defer.getByRole('button', { name: 'Back' }).click()

  // The biomarker form with errors.
  const biomarkers = page.getByTestId('biomarkers')
  await biomarkers.getByLabel('Date of the sample').fill('2026-02-30')
  await biomarkers.getByRole('button', { name: 'Record value' }).click()
  await expect(biomarkers.getByRole('alert').first()).toBeVisible()
  await scanBothThemes(page, 'biomarker form with errors')
  // The removal dialog.
  await biomarkers
    .getByRole('button', { name: /^Remove Chromogranin A/ })
    .first()
    .click()
  await expect(page.getByRole('alertdialog', { name: 'Remove this value?' })).toBeVisible()
  await scan(page, 'dialog: remove a biomarker value')
  await page.getByRole('button', { name: 'Keep it' }).click()
})

test('the settings screen, with an error, in both themes', async ({ page, log }) => {
  test.setTimeout(120_000)
  const host = await log.start()
  await startEmpty(page, host.url)
  await page.getByRole('button', { name: 'Settings', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible()
  await scanBothThemes(page, 'settings')
  await page.getByLabel('Cu-64 DOTATATE site coefficient (mSv/MBq)').fill('5')
  await page.getByRole('button', { name: 'Save dose settings' }).click()
  await expect(page.getByLabel('Cu-64 DOTATATE site coefficient (mSv/MBq)')).toHaveAttribute(
    'aria-invalid',
    'true',
  )
  await scanBothThemes(page, 'settings with an error')
  await page.getByRole('button', { name: 'Add patient' }).click()
  await page.getByRole('button', { name: 'Save patient' }).click()
  await expect(page.getByText('Enter the MRN.').first()).toBeVisible()
  await scanBothThemes(page, 'new patient form with errors')
})

test('the audit trail screen and a patient’s history of changes, in both themes', async ({ page, log }) => {
  test.setTimeout(120_000)
  const host = await log.start()
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Load the demo log' }).click()
  await expect(page.getByRole('grid', { name: 'Worklist' })).toBeVisible()
  await page.getByRole('button', { name: 'Audit trail' }).click()
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible()
  await expect(page.getByTestId('audit-entry').first()).toBeVisible()
  await page.getByRole('checkbox', { name: 'Created', exact: true }).check()
  await page
    .getByTestId('audit-entry')
    .first()
    .getByRole('button', { name: 'Show the entry as stored' })
    .click()
  await scanBothThemes(page, 'audit trail')
  const first = await api<{ items: { id: number; mrn: string; name: string }[] }>(page, 'patients.list', {
    limit: 1,
    offset: 0,
  })
  const p = first.items[0]!
  await openByMrn(page, p.mrn, p.name)
  await page.getByRole('button', { name: /History of changes/ }).click()
  await expect(page.getByRole('list', { name: 'This patient’s history of changes' })).toBeVisible()
  await scanBothThemes(page, 'patient history of changes')
})

test('the first account, sign-in, locked and Users screens, in both themes', async ({ page }) => {
  test.setTimeout(120_000)
  const data = tempDataFile()
  const host = await startHost(data.file, {}, { signIn: false })
  try {
    await page.goto(host.url)
    await expect(page.getByRole('heading', { name: 'Create the first account' })).toBeVisible()
    await scan(page, 'first account')
    await page.getByRole('button', { name: 'Create the account and sign in' }).click()
    await expect(page.getByText('Type the name.')).toBeVisible()
    await scan(page, 'first account with errors')
    await page.getByLabel('Name', { exact: true }).fill(E2E_ACCOUNT.name)
    await page.getByLabel('Initials').fill(E2E_ACCOUNT.initials)
    await page.getByLabel('Password', { exact: true }).fill(E2E_ACCOUNT.password)
    await page.getByLabel('The password again').fill(E2E_ACCOUNT.password)
    await page.getByRole('button', { name: 'Create the account and sign in' }).click()
    await startEmpty(page, host.url)
    await page.getByRole('button', { name: 'Users', exact: true }).click()
    await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible()
    await scanBothThemes(page, 'users')
    await page.getByRole('button', { name: 'Lock', exact: true }).click()
    await expect(page.getByRole('heading', { name: 'The app is locked' })).toBeVisible()
    await scan(page, 'locked')
    await page.getByLabel('Password').fill('not the password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('alert')).toContainText('The name or the password is wrong.')
    await scan(page, 'sign-in with an error')
  } finally {
    await host.stop()
    data.cleanup()
  }
})
