import { addPatient, startEmpty } from './app'
import { expect, openLogFile, test } from './host'

// Keyboard and widgets: React Aria tabs and dialogs, the one typing rule of the shortcuts, the
// patient page's skip link, and the demo banner as the back end reports it.

test('the due-status tabs move with the arrow keys, Home and End, and show the chosen list', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const tabs = page.getByRole('tablist', { name: 'Due status' })
  await expect(tabs.getByRole('tab')).toHaveCount(7)
  const now = page.getByTestId('bucket-now')
  await expect(now).toHaveAttribute('aria-selected', 'true')

  await now.click()
  await page.keyboard.press('ArrowRight')
  const overdue = page.getByTestId('bucket-overdue')
  await expect(overdue).toBeFocused()
  await expect(overdue).toHaveAttribute('aria-selected', 'true')
  await expect(now).toHaveAttribute('aria-selected', 'false')
  // The list below is the selected tab's panel.
  const panel = page.getByRole('tabpanel')
  await expect(panel).toHaveAttribute('aria-labelledby', (await overdue.getAttribute('id'))!)
  // ...and the panel the selected tab says it controls.
  await expect(panel).toHaveAttribute('id', (await overdue.getAttribute('aria-controls'))!)
  await expect(panel.getByTestId('worklist')).toBeVisible()

  await page.keyboard.press('End')
  await expect(page.getByTestId('bucket-attention')).toBeFocused()
  await expect(page.getByTestId('bucket-attention')).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('ArrowLeft')
  await expect(page.getByTestId('bucket-all')).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('Home')
  await expect(now).toBeFocused()
  await expect(now).toHaveAttribute('aria-selected', 'true')

  // One tab stop for the whole tab list: Tab goes on to the list, not to the next tab.
  await page.keyboard.press('Tab')
  await expect(page.getByTestId('worklist')).toBeFocused()

  // `/` finds, except while a field (here the variant drop-down) has the keys.
  await page.keyboard.press('/')
  const search = page.getByRole('searchbox', { name: 'Find a patient by name or MRN' })
  await expect(search).toBeFocused()
  await expect(search).toHaveValue('')
  await page.getByLabel('Variant').focus()
  await page.keyboard.press('/')
  await expect(page.getByLabel('Variant')).toBeFocused()
})

test('back from a patient, the list is still the panel the selected tab names and is labelled by', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  await addPatient(page, { mrn: 'TAB-1', name: 'Tabitha Panel' })
  // The counts are known already: the tabs render once and are not rendered again.
  await page.getByRole('button', { name: 'pNET Follow-up' }).click()
  const tab = page.getByRole('tab', { selected: true })
  const panel = page.getByRole('tabpanel')
  await expect(panel.getByTestId('worklist')).toBeVisible()
  await expect(panel).toHaveAttribute('id', (await tab.getAttribute('aria-controls'))!)
  await expect(panel).toHaveAttribute('aria-labelledby', (await tab.getAttribute('id'))!)
})

test('closing a half-filled form asks first; Esc cancels the question and changes nothing', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  await addPatient(page, { mrn: 'DLG-1', name: 'Dialog Dora' })
  await page.getByRole('button', { name: 'Edit record' }).click()
  const name = page.getByLabel('Name', { exact: true })
  await name.fill('Changed Name')

  // Esc while typing in a field belongs to the field: no question.
  await page.keyboard.press('Escape')
  await expect(page.getByRole('alertdialog')).toHaveCount(0)

  const addTreatment = page.getByRole('button', { name: 'Add treatment' })
  await addTreatment.focus()
  await page.keyboard.press('Escape')
  const dialog = page.getByRole('alertdialog', { name: 'Close the form?' })
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText('What you entered in this form is not saved.')
  await expect(dialog.getByRole('button', { name: 'Keep editing' })).toBeFocused()
  await expect(dialog.getByRole('button', { name: 'Close without saving the record' })).toBeVisible()

  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await expect(addTreatment).toBeFocused()
  await expect(name).toHaveValue('Changed Name')
  await expect(page.getByRole('heading', { name: 'Edit Dialog Dora' })).toBeVisible()

  // Asked again, the specific button closes the form without saving.
  await page.keyboard.press('Escape')
  await dialog.getByRole('button', { name: 'Close without saving the record' }).click()
  await expect(page.getByRole('heading', { name: 'Edit Dialog Dora' })).toHaveCount(0)
  await expect(page.getByTestId('patient-name')).toContainText('Dialog Dora')
  const db = openLogFile(log.file, { readonly: true })
  expect(db.prepare('SELECT name FROM patient').pluck().all()).toEqual(['Dialog Dora'])
  db.close()
})

test('the patient page starts with a skip link that moves focus to the main content', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  await addPatient(page, { mrn: 'SKIP-1', name: 'Skipping Sam' })
  // Start from the top of the document, as after opening the page.
  await page.evaluate(() => {
    document.body.tabIndex = -1
    document.body.focus()
    document.body.removeAttribute('tabindex')
  })
  await page.keyboard.press('Tab')
  const skip = page.getByRole('link', { name: 'Skip to the patient record' })
  await expect(skip).toBeFocused()
  await expect(skip).toBeInViewport()
  await page.keyboard.press('Enter')
  await expect(page.locator('#main-content')).toBeFocused()
  await expect(page).toHaveURL(`${host.origin}/`)
  // The next Tab lands in the patient page, past the top bar.
  await page.keyboard.press('Tab')
  await expect(page.getByRole('button', { name: '← Worklist' })).toBeFocused()
})

test('the demo banner follows the back end: a real patient with MRN demo-77 is neither demo nor removed', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Load the demo log' }).click()
  const banner = page.getByRole('note').filter({ hasText: 'Demo log' })
  await expect(banner).toBeVisible()

  await addPatient(page, { mrn: 'demo-77', name: 'Real Dana' })
  await expect(page.getByTestId('patient-name')).not.toContainText('demo')
  await banner.getByRole('button', { name: 'Remove demo patients' }).click()
  await expect(page.getByRole('status')).toContainText('Removed 10 demo patients.')
  await expect(banner).toHaveCount(0)

  // The real patient is still there, not marked demo, and the banner stays away after a reload.
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Worklist' })).toBeVisible()
  await expect(banner).toHaveCount(0)
  await page.getByRole('searchbox', { name: 'Find a patient by name or MRN' }).fill('demo')
  const rows = page.getByTestId('worklist-row')
  await expect(rows).toHaveCount(1)
  await expect(rows).toContainText('Real Dana')
  await expect(rows.locator('.badge', { hasText: 'demo' })).toHaveCount(0)
  const db = openLogFile(log.file, { readonly: true })
  expect(db.prepare('SELECT mrn FROM patient').pluck().all()).toEqual(['demo-77'])
  expect(db.prepare('SELECT count(*) FROM demo_patients').pluck().get()).toBe(0)
  db.close()
})
