import Database from 'better-sqlite3'
import { expect, test } from '@playwright/test'
import { startHost, tempDataFile, type RunningHost } from './host'

let data: ReturnType<typeof tempDataFile>
let host: RunningHost | null = null

test.beforeEach(() => {
  data = tempDataFile()
})
test.afterEach(async () => {
  await host?.stop()
  host = null
  data.cleanup()
})

function readLog<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(data.file, { readonly: true, fileMustExist: true })
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

test('a person adds a patient, the row and its audit entry are in the SQLite file, and both survive a restart', async ({
  page,
}) => {
  host = await startHost(data.file)
  await page.goto(host.url)
  await expect(page.getByRole('heading', { name: 'pNET Follow-up' })).toBeVisible()
  // The session token is taken out of the address bar once read.
  await expect(page).toHaveURL(`${host.origin}/`)
  await expect(page.getByText('No patients yet.')).toBeVisible()

  await page.getByRole('button', { name: 'Add patient' }).click()
  await page.getByLabel('MRN', { exact: true }).fill('E2E-0042')
  await page.getByLabel('Name', { exact: true }).fill('Grace Example')
  await page.getByLabel('Birth date').fill('1961-07-30')
  await page.getByLabel('Weight (kg)').fill('64')
  await page.getByRole('button', { name: 'Save patient' }).click()

  await expect(page.getByRole('status')).toHaveText('Added Grace Example (MRN E2E-0042).')
  const row = page.getByTestId('patient-row')
  await expect(row).toHaveCount(1)
  await expect(row).toContainText('Grace Example')
  await expect(row).toContainText('E2E-0042')

  const stored = readLog((db) => ({
    patient: db.prepare('SELECT id, mrn, name, birth_date, weight_kg FROM patient').all(),
    audit: db.prepare('SELECT action, entity, entity_id, after_json FROM audit_log').all() as Array<
      Record<string, unknown>
    >,
  }))
  expect(stored.patient).toEqual([
    { id: 1, mrn: 'E2E-0042', name: 'Grace Example', birth_date: '1961-07-30', weight_kg: 64 },
  ])
  expect(stored.audit).toHaveLength(1)
  expect(stored.audit[0]).toMatchObject({ action: 'patient.create', entity: 'patient', entity_id: 1 })
  expect(JSON.parse(String(stored.audit[0]!['after_json']))).toMatchObject({ mrn: 'E2E-0042' })

  await host.stop()
  host = await startHost(data.file)
  await page.goto(host.url)
  await expect(page.getByTestId('patient-row')).toContainText('Grace Example')
  await page.screenshot({ path: 'test-results/patients-after-restart.png', fullPage: true })
})

test('bad input is explained next to its field and nothing is stored', async ({ page }) => {
  host = await startHost(data.file)
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Add patient' }).click()
  await page.getByLabel('Name', { exact: true }).fill('No Mrn')
  await page.getByLabel('Birth date').fill('1961-02-30')
  await page.getByRole('button', { name: 'Save patient' }).click()
  await expect(page.getByText('Enter the MRN.')).toBeVisible()
  await expect(page.getByText('Enter a real calendar date as YYYY-MM-DD.')).toBeVisible()
  await expect(page.getByLabel('MRN', { exact: true })).toHaveAttribute('aria-invalid', 'true')

  await page.getByLabel('MRN', { exact: true }).fill('DUP-1')
  await page.getByLabel('Birth date').fill('1961-02-28')
  await page.getByRole('button', { name: 'Save patient' }).click()
  await expect(page.getByTestId('patient-row')).toHaveCount(1)
  await page.getByRole('button', { name: 'Add patient' }).click()
  await page.getByLabel('MRN', { exact: true }).fill('DUP-1')
  await page.getByLabel('Name', { exact: true }).fill('Second Person')
  await page.getByRole('button', { name: 'Save patient' }).click()
  await expect(page.getByText('Another patient already has MRN DUP-1. MRNs must be unique.')).toBeVisible()
  expect(readLog((db) => db.prepare('SELECT count(*) FROM patient').pluck().get())).toBe(1)
  expect(readLog((db) => db.prepare('SELECT count(*) FROM audit_log').pluck().get())).toBe(1)
})

test('a page without the session token cannot reach the data', async ({ page, request }) => {
  host = await startHost(data.file)
  await page.goto(host.origin + '/')
  await expect(page.getByText('This page is not connected to the app.')).toBeVisible()
  const r = await request.post(`${host.origin}/api/patients.list`, { data: { limit: 5, offset: 0 } })
  expect(r.status()).toBe(401)
})
