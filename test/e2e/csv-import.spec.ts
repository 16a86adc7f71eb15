import fs from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, test } from './host'
import { startEmpty } from './app'
import { scan } from './axe'

// The CSV import end to end through the web host: choose a file, see the mapping and every problem
// by row and column, map a column by hand, import; a 10,000-row list with its progress bar, a
// cancel that keeps nothing, and the import run again to the end.

const SHOTS = 'test-results/screenshots'

const HEADER =
  'Identifier,Patient Name,DOB,Grade,Tumour burden,Histologically confirmed,Staging complete,Active surveillance,Recurrence suspected,New symptoms,MRI contraindicated,Treatment,Treatment date,Study date,Procedure,Result'

function row(i: number, extra: Partial<Record<'dob' | 'grade' | 'study', string>> = {}): string {
  return [
    `LIST-${String(i).padStart(5, '0')}`,
    `"Patient ${i}, Listed"`,
    extra.dob ?? `19${40 + (i % 50)}-0${1 + (i % 9)}-15`,
    extra.grade ?? 'G2',
    'not liver-dominant',
    'yes',
    'yes',
    'no',
    'no',
    'none',
    'no',
    'PRRT',
    '2024-03-01',
    extra.study ?? '2025-10-01',
    'MRI abdomen and pelvis without and with IV contrast',
    'stable',
  ].join(',')
}

async function chooseCsv(page: Page, name: string, text: string) {
  await page
    .getByLabel('CSV file')
    .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') })
}

test('preview with problems by row and column, a column mapped by hand, then the import', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  await page.getByRole('button', { name: 'Import CSV' }).click()
  const bad = [
    HEADER,
    row(1),
    row(2, { dob: '1962-02-30' }),
    row(3, { grade: 'G7', study: '2031-01-01' }),
    row(4),
  ]
  await chooseCsv(page, 'ris.csv', bad.join('\r\n'))
  const summary = page.getByTestId('import-summary')
  await expect(summary).toContainText('4 rows')
  // "Identifier" is not a header the app knows: no MRN column yet.
  await expect(summary).toContainText('problem')
  const problems = page.getByTestId('import-problems')
  await expect(problems).toContainText('No column is mapped to MRN')
  await expect(page.getByRole('button', { name: /^Import [\d,]+ / })).toBeDisabled()

  await page.getByLabel('Field for column Identifier').selectOption({ label: 'MRN' })
  await page.getByRole('button', { name: 'Check again with this mapping' }).click()
  await expect(problems.locator('tbody tr')).toHaveCount(3)
  await expect(problems.locator('tbody tr').nth(0)).toContainText(
    /3\s*DOB\s*Enter a real calendar date as YYYY-MM-DD\./,
  )
  await expect(problems.locator('tbody tr').nth(1)).toContainText(/4\s*Grade\s*Grade is G1, G2 or G3\./)
  await expect(problems.locator('tbody tr').nth(2)).toContainText(
    /4\s*Study date\s*The study date is in the future\./,
  )
  await expect(page.getByLabel('Field for column Patient Name')).toHaveValue('name')
  await expect(page.getByRole('button', { name: /^Import [\d,]+ / })).toBeDisabled()
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: `${SHOTS}/csv-import-problems.png`, fullPage: true })
  await scan(page, 'CSV import with problems')

  // The same list fixed: no problems, the first patients shown as they will be stored.
  await chooseCsv(page, 'ris-fixed.csv', [HEADER, row(1), row(2), row(3), row(4)].join('\r\n'))
  await page.getByLabel('Field for column Identifier').selectOption({ label: 'MRN' })
  await page.getByRole('button', { name: 'Check again with this mapping' }).click()
  await expect(summary).toContainText('4 new patients, 4 studies')
  await expect(summary).toContainText('No problems.')
  await expect(page.getByTestId('import-sample').locator('tbody tr')).toHaveCount(4)
  await expect(page.getByTestId('import-sample')).toContainText('Patient 1, Listed')
  await page.screenshot({ path: `${SHOTS}/csv-import-preview.png`, fullPage: true })
  await page.getByRole('button', { name: 'Import 4 patients and 4 studies' }).click()
  await expect(
    page.getByRole('status').filter({ hasText: 'Imported 4 patients and 4 studies.' }),
  ).toBeVisible()
  await page.getByRole('tab', { name: /All scheduled/ }).click()
  await expect(page.getByTestId('worklist-row')).toHaveCount(4)

  // A second import of the same list adds nobody: every MRN is already in the log.
  await page.getByRole('button', { name: 'Import CSV' }).click()
  await chooseCsv(page, 'ris-fixed.csv', [HEADER, row(1), row(2), row(3), row(4)].join('\r\n'))
  await page.getByLabel('Field for column Identifier').selectOption({ label: 'MRN' })
  await page.getByRole('button', { name: 'Check again with this mapping' }).click()
  await expect(summary).toContainText('0 new patients, 0 studies, 4 already in the log (skipped)')
  await expect(page.getByRole('button', { name: /^Import [\d,]+ / })).toBeDisabled()
})

test('10,000 rows: a progress bar, a cancel that keeps nothing, then the whole list', async ({
  page,
  log,
}) => {
  test.setTimeout(600_000)
  const host = await log.start()
  await startEmpty(page, host.url)
  await page.getByRole('button', { name: 'Import CSV' }).click()
  const lines = ['MRN,Name,Birth date,Grade']
  for (let i = 0; i < 10_000; i++)
    lines.push(`BIG-${String(i).padStart(5, '0')},"Big ${i}, List",19${40 + (i % 50)}-06-01,G1`)
  await chooseCsv(page, 'big.csv', lines.join('\n'))
  await expect(page.getByTestId('import-summary')).toContainText('10,000 rows: 10,000 new patients', {
    timeout: 120_000,
  })

  await page.getByRole('button', { name: 'Import 10,000 patients and 0 studies' }).click()
  const progress = page.getByTestId('job-progress')
  await expect(progress).toContainText(/Importing: importing — [\d,]+ of 10,000/, { timeout: 120_000 })
  await expect(progress.getByRole('progressbar')).toBeVisible()
  await progress.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByRole('alert')).toContainText('Cancelled; nothing was changed.', { timeout: 120_000 })
  const none = await page.evaluate(async () => {
    const pnet = (
      window as unknown as {
        pnet: Record<string, (r: unknown) => Promise<{ ok: boolean; value: { total: number } }>>
      }
    ).pnet
    return (await pnet['patients.list']!({ limit: 1, offset: 0 })).value.total
  })
  expect(none).toBe(0)

  await page.getByRole('button', { name: 'Import 10,000 patients and 0 studies' }).click()
  // The import screen's own words (the top bar also says the import finished, in its own status).
  await expect(
    page.getByRole('status').filter({ hasText: 'Imported 10000 patients and 0 studies.' }),
  ).toBeVisible({ timeout: 540_000 })
  await expect(page.getByTestId('background-jobs')).toContainText(
    'CSV import finished: 10,000 patients and 0 studies added.',
  )
  await page.getByRole('tab', { name: /All scheduled/ }).click()
  await expect(page.getByRole('tab', { name: /All scheduled/ })).toContainText('10000')
})
