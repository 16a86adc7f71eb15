import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3-multiple-ciphers'
import { startEmpty } from './app'
import { expect, openLogFile, test } from './host'

function readLog<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = openLogFile(file, { readonly: true, fileMustExist: true })
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

test('a person adds a patient, the row and its audit entry are in the SQLite file, and both survive a restart', async ({
  page,
  log,
}) => {
  let host = await log.start()
  await page.goto(host.url)
  // The session token is taken out of the address bar once read.
  await expect(page).toHaveURL(`${host.origin}/`)
  await startEmpty(page, host.url)

  await page.getByRole('button', { name: 'Add patient' }).click()
  await page.getByLabel('MRN', { exact: true }).fill('E2E-0042')
  await page.getByLabel('Name', { exact: true }).fill('Grace Example')
  await page.getByLabel('Birth date').fill('1961-07-30')
  await page.getByLabel('Weight (kg)').fill('64')
  await page.getByRole('button', { name: 'Save patient' }).click()
  await expect(page.getByTestId('patient-name')).toContainText('Grace Example')

  const stored = readLog(log.file, (db) => ({
    patient: db.prepare('SELECT id, mrn, name, birth_date, weight_kg FROM patient').all(),
    audit: db
      .prepare("SELECT action, entity, entity_id, after_json FROM audit_log WHERE entity = 'patient'")
      .all() as Array<Record<string, unknown>>,
  }))
  expect(stored.patient).toEqual([
    { id: 1, mrn: 'E2E-0042', name: 'Grace Example', birth_date: '1961-07-30', weight_kg: 64 },
  ])
  expect(stored.audit).toHaveLength(1)
  expect(stored.audit[0]).toMatchObject({ action: 'patient.create', entity: 'patient', entity_id: 1 })
  expect(JSON.parse(String(stored.audit[0]!['after_json']))).toMatchObject({ mrn: 'E2E-0042' })

  host = await log.restart()
  await page.goto(host.url)
  await page.getByRole('searchbox', { name: 'Find a patient by name or MRN' }).fill('E2E-00')
  await expect(page.getByTestId('worklist-row')).toContainText('Grace Example')
})

test('bad input is explained next to its field and nothing is stored', async ({ page, log }) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  await page.getByRole('button', { name: 'Add patient' }).click()
  await page.getByLabel('Name', { exact: true }).fill('No Mrn')
  await page.getByLabel('Birth date').fill('1961-02-30')
  await page.getByLabel('eGFR (mL/min/1.73 m²)').fill('lots')
  await page.getByRole('button', { name: 'Save patient' }).click()
  // Every problem in one pass: the number (type and range in one message) and the schema's rules.
  await expect(page.getByText('eGFR must be a number, at least 0 and below 300.')).toBeVisible()
  await expect(page.getByText('Enter the MRN.')).toBeVisible()
  await expect(page.getByLabel('MRN', { exact: true })).toBeFocused()
  await page.getByLabel('eGFR (mL/min/1.73 m²)').fill('')
  await page.getByRole('button', { name: 'Save patient' }).click()
  await expect(page.getByText('Enter the MRN.')).toBeVisible()
  await expect(page.getByText('Enter a real calendar date as YYYY-MM-DD.')).toBeVisible()
  await expect(page.getByLabel('MRN', { exact: true })).toHaveAttribute('aria-invalid', 'true')

  await page.getByLabel('MRN', { exact: true }).fill('DUP-1')
  await page.getByLabel('Birth date').fill('1961-02-28')
  await page.getByRole('button', { name: 'Save patient' }).click()
  await expect(page.getByTestId('patient-name')).toContainText('No Mrn')
  await page.getByRole('button', { name: 'Add patient' }).click()
  await page.getByLabel('MRN', { exact: true }).fill('DUP-1')
  await page.getByLabel('Name', { exact: true }).fill('Second Person')
  await page.getByRole('button', { name: 'Save patient' }).click()
  await expect(page.getByText('Another patient already has MRN DUP-1. MRNs must be unique.')).toBeVisible()
  expect(readLog(log.file, (db) => db.prepare('SELECT count(*) FROM patient').pluck().get())).toBe(1)
  expect(
    readLog(log.file, (db) =>
      db.prepare("SELECT count(*) FROM audit_log WHERE entity = 'patient'").pluck().get(),
    ),
  ).toBe(1)
})

test('a page without the session token cannot reach the data', async ({ page, request, log }) => {
  const host = await log.start()
  await page.goto(host.origin + '/')
  await expect(page.getByText('This page is not connected to the app.')).toBeVisible()
  const r = await request.post(`${host.origin}/api/patients.list`, { data: { limit: 5, offset: 0 } })
  expect(r.status()).toBe(401)
})

test('the demo log can be loaded on first run and removed without touching real patients', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Load the demo log' }).click()
  await expect(page.getByRole('note')).toContainText('Demo log')
  await page.getByTestId('bucket-all').click()
  await expect(page.getByTestId('worklist-row').first()).toContainText('demo')
  await page.getByRole('button', { name: 'Add patient' }).click()
  await page.getByLabel('MRN', { exact: true }).fill('REAL-1')
  await page.getByLabel('Name', { exact: true }).fill('Real Rita')
  await page.getByRole('button', { name: 'Save patient' }).click()
  await expect(page.getByTestId('patient-name')).toContainText('Real Rita')
  await page.getByRole('button', { name: 'Remove demo patients' }).click()
  await expect(page.getByRole('status')).toContainText('Removed 10 demo patients.')
  expect(readLog(log.file, (db) => db.prepare('SELECT mrn FROM patient').pluck().all())).toEqual(['REAL-1'])
})

test('the log is backed up when it is opened, and on request, as checked copies beside it', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const backups = path.join(path.dirname(log.file), 'backups')
  // Today's backup is taken in the background after the full check.
  await expect
    .poll(() =>
      fs.existsSync(backups)
        ? fs.readdirSync(backups).filter((f) => /^pnet-followup-\d{4}-\d{2}-\d{2}\.sqlite$/.test(f))
        : [],
    )
    .toHaveLength(1)
  await page.getByRole('button', { name: 'Back up now' }).click()
  await expect(page.getByRole('status')).toContainText('Backup written and checked')
  const manual = fs
    .readdirSync(backups)
    .filter((f) => f.startsWith('pnet-followup-manual-') && f.endsWith('.sqlite'))
  expect(manual).toHaveLength(1)
  const copy = openLogFile(path.join(backups, manual[0]!), { readonly: true }, log.file)
  expect(copy.pragma('quick_check', { simple: true })).toBe('ok')
  copy.close()
})
