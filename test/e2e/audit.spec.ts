import fs from 'node:fs'
import type { Download, Page } from '@playwright/test'
import { addPatient, api, appToday, daysFrom, MRI, openByMrn, studyEntry } from './app'
import { E2E_ACCOUNT, expect, test } from './host'

// The audit trail people can read (issue 13), end to end through the web host: changes made to a
// patient are seen in words on the Audit trail screen and in the patient's History of changes,
// filtered by kind and by day, and exported as CSV with what the screen shows.

async function downloaded(page: Page, action: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [d] = (await Promise.all([page.waitForEvent('download'), action()])) as [Download, void]
  const file = await d.path()
  return { name: d.suggestedFilename(), text: fs.readFileSync(file!, 'utf8').replace(/^\uFEFF/, '') }
}

test('changes to a patient in words: the audit screen, the history, filters and the CSV', async ({
  page,
  log,
}) => {
  test.setTimeout(180_000)
  const host = await log.start()
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Start with an empty log' }).click()
  await addPatient(page, {
    mrn: 'AUD-1',
    name: 'Franklin, Rosalind',
    weightKg: '70',
    treatment: { kind: 'PRRT', date: '2025-01-15' },
  })
  // An edit of the facts, through the form.
  await page.getByRole('button', { name: 'Edit record' }).click()
  await page.getByLabel('Weight (kg)', { exact: true }).fill('72')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByRole('status')).toContainText('Record saved')
  // A study recorded unread and its result entered afterwards.
  const found = await api<{ items: { id: number }[] }>(page, 'patients.list', {
    query: 'AUD-1',
    limit: 5,
    offset: 0,
  })
  const patientId = found.items[0]!.id
  const recorded = await api<{ study: { id: number; version: number } }>(page, 'studies.record', {
    patientId,
    study: studyEntry('2026-03-01', MRI, { result: 'not-read-yet' }),
  })
  await api(page, 'studies.setResult', {
    studyId: recorded.study.id,
    version: recorded.study.version,
    result: 'stable',
  })

  // The patient's own history.
  await openByMrn(page, 'AUD-1', 'Franklin, Rosalind')
  await page.getByRole('button', { name: /History of changes/ }).click()
  const history = page.getByRole('list', { name: 'This patient’s history of changes' })
  await expect(history.getByText('Weight: 70 kg → 72 kg')).toBeVisible()
  await expect(history.getByText('Result: Not read yet → Stable')).toBeVisible()
  await expect(history.getByText(/^Study 2026-03-01 /).first()).toBeVisible()
  await expect(history.getByText('Patient record opened').first()).toBeVisible()

  // The whole trail.
  await page.getByRole('button', { name: 'Audit trail' }).click()
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible()
  const list = page.getByRole('list', { name: 'Audit trail entries' })
  await expect(list.getByText('Weight: 70 kg → 72 kg')).toBeVisible()
  await expect(list.getByText('Franklin, Rosalind (MRN AUD-1)').first()).toBeVisible()
  // The stored entry is there for who needs it, behind a disclosure.
  const weightEntry = page.getByTestId('audit-entry').filter({ hasText: 'Weight: 70 kg → 72 kg' })
  await weightEntry.getByRole('button', { name: 'Show the entry as stored' }).click()
  await expect(weightEntry.locator('pre')).toContainText('"weightKg": 72')

  // By kind: only the result.
  await page.getByRole('checkbox', { name: 'Result entered' }).check()
  await expect(page.getByTestId('audit-entry')).toHaveCount(1)
  await expect(page.getByTestId('audit-entry')).toContainText('Result: Not read yet → Stable')
  await page.getByRole('checkbox', { name: 'Result entered' }).uncheck()
  // By day: nothing from tomorrow on; everything today.
  const today = await appToday(page)
  await page.getByLabel('From', { exact: true }).fill(daysFrom(today, 1))
  await expect(page.getByTestId('audit-total')).toHaveText('No entries match.')
  await page.getByLabel('From', { exact: true }).fill(today)
  await page.getByLabel('To', { exact: true }).fill(today)
  await expect(list.getByText('Weight: 70 kg → 72 kg')).toBeVisible()
  // By person: the signed-in account that made the changes (by name, not the computer account).
  const person = `${E2E_ACCOUNT.name} (${E2E_ACCOUNT.initials})`
  const people = await page.getByLabel('Person', { exact: true }).locator('option').allInnerTexts()
  expect(people[0]).toBe('Everyone')
  expect(people).toContain(person)
  await page.getByLabel('Person', { exact: true }).selectOption({ label: person })
  await expect(list.getByText('Weight: 70 kg → 72 kg')).toBeVisible()

  // The CSV of the filtered list: the changes in words, one row per entry shown.
  await page.getByRole('checkbox', { name: 'Changed', exact: true }).check()
  await expect(page.getByTestId('audit-entry')).toHaveCount(1)
  const csv = await downloaded(page, () => page.getByRole('button', { name: 'Export CSV' }).click())
  expect(csv.name).toBe(`pnet-audit_all_${today}.csv`)
  const lines = csv.text.trimEnd().split('\r\n')
  expect(lines[0]).toBe(
    'Entry,At (UTC),Person,Kind of change,What happened,Record,Patient,MRN,Changes,Actor code,Action code,Entity,Entity id',
  )
  expect(lines[1]).toContain(`,${person},`)
  expect(csv.text).toContain('Patient’s facts edited')
  expect(csv.text).toContain('Weight: 70 kg → 72 kg')
  expect(csv.text).toContain('"Franklin, Rosalind",AUD-1')
  expect(csv.text).not.toContain('Result: Not read yet')
  await expect(page.getByTestId('audit-export-note')).toContainText('Saved 1 entry as CSV.')
  // The export itself is in the trail, with its filter.
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await page.getByRole('checkbox', { name: 'Export', exact: true }).check()
  await expect(page.getByTestId('audit-entry').first()).toContainText('Audit trail exported as CSV')
  await expect(page.getByTestId('audit-entry').first()).toContainText('Kinds: changed')
})
