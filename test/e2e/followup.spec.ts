import { addPatient, appToday, monthsFrom, recordStudy, startEmpty } from './app'
import { expect, openLogFile, test } from './host'

// The follow-up log end to end: the real renderer, the real handlers and engine, a real SQLite
// file, through the loopback web host in Chromium.

const MRI = 'MRI abdomen and pelvis without and with IV contrast'
const CT = 'CT abdomen and pelvis with IV contrast'

const treatedPatient = (mrn: string, name: string) => ({
  mrn,
  name,
  birthDate: '1962-03-14',
  weightKg: '72',
  burden: 'Not liver-dominant' as const,
  treatment: { kind: 'PRRT', date: '2025-01-15' },
})

test('add a patient, record a study, see the suggestion and due date, and find it on the worklist', async ({
  page,
  log,
}) => {
  let host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  await addPatient(page, treatedPatient('FU-1001', 'Stable Sofia'))

  // No read study since the PRRT: the first study is the response assessment, counted from it.
  await expect(page.getByTestId('next-procedure')).toHaveText(MRI)
  await expect(page.getByTestId('open-item')).toContainText('Response to the treatment')
  await expect(page.getByTestId('alerts')).not.toContainText('No read study yet')

  const studyDate = monthsFrom(today, -1)
  await recordStudy(page, { date: studyDate, result: 'Stable' })
  await expect(page.getByTestId('next-procedure')).toHaveText(MRI)
  await expect(page.getByTestId('next-interval')).toContainText('in 6–12 months')
  await expect(page.getByTestId('next-due')).toContainText(
    `due ${monthsFrom(studyDate, 6)} – ${monthsFrom(studyDate, 12)}`,
  )
  await expect(page.getByTestId('open-item-due')).toContainText(
    `${monthsFrom(studyDate, 6)} – ${monthsFrom(studyDate, 12)}`,
  )
  await expect(page.getByTestId('ratings')).toContainText('Usually not appropriate')
  await page.screenshot({ path: 'test-results/patient-page.png', fullPage: true })

  await page.getByRole('button', { name: '← Worklist' }).click()
  await page.getByTestId('bucket-all').click()
  const row = page.getByTestId('worklist-row').filter({ hasText: 'Stable Sofia' })
  await expect(row).toContainText('FU-1001')
  await expect(row).toContainText('MRI abdomen/pelvis')
  await expect(row).toContainText(`${monthsFrom(studyDate, 6)} → ${monthsFrom(studyDate, 12)}`)
  await expect(row).toContainText('Stable')
  await page.screenshot({ path: 'test-results/worklist.png' })

  // Keyboard: the grid takes arrows and Enter opens the patient.
  await page.getByTestId('worklist').focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('patient-name')).toContainText('Stable Sofia')

  // Everything is in the file and survives a restart.
  host = await log.restart()
  await page.goto(host.url)
  await page.getByTestId('bucket-all').click()
  await expect(page.getByTestId('worklist-row').filter({ hasText: 'Stable Sofia' })).toContainText(
    monthsFrom(studyDate, 6),
  )
  const db = openLogFile(log.file, { readonly: true })
  const actions = db.prepare('SELECT action FROM audit_log ORDER BY id').pluck().all()
  db.close()
  expect(actions).toEqual(
    expect.arrayContaining([
      'patient.create',
      'study.record',
      'recommendation.create',
      'followup.create',
      'followup.done',
    ]),
  )
})

test('an MRI contraindication turns the suggestion into CT and supersedes the older suggestion', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  await addPatient(page, treatedPatient('FU-2002', 'Pacer Paul'))
  await recordStudy(page, { date: monthsFrom(today, -2), result: 'Stable' })
  await expect(page.getByTestId('next-procedure')).toHaveText(MRI)

  await page.getByRole('button', { name: 'Edit record' }).click()
  await page.getByLabel('MRI contraindicated', { exact: true }).selectOption('yes')
  await page.getByLabel('Reason MRI is contraindicated').fill('MR-unsafe pacemaker')
  await page.getByRole('button', { name: 'Save changes' }).click()

  await expect(page.getByTestId('next-procedure')).toHaveText(CT)
  await expect(page.getByTestId('alerts')).toContainText('MRI is contraindicated')
  await expect(page.getByTestId('fact-mri')).toHaveText('yes (MR-unsafe pacemaker)')
  await expect(page.getByTestId('open-item')).toContainText(CT)
  await expect(page.getByTestId('timeline-recommendation').filter({ hasText: 'superseded' })).not.toHaveCount(
    0,
  )
})

test('an indeterminate result gives a 3–4 month window', async ({ page, log }) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  await addPatient(page, treatedPatient('FU-3003', 'Unsure Ulla'))
  await recordStudy(page, { date: monthsFrom(today, -7), result: 'Stable' })
  await recordStudy(page, { date: today, result: 'Not read yet (or derive from measurements)' })
  await expect(page.getByTestId('open-item')).toContainText(`Enter the result of the ${today} study`)
  const entry = page.getByRole('form', { name: `Enter the result of the ${today} study` })
  await entry.getByLabel('Result').selectOption({ label: 'Indeterminate' })
  await entry.getByRole('button', { name: 'Save result' }).click()
  await expect(page.getByTestId('next-interval')).toContainText('in 3–4 months')
  await expect(page.getByTestId('next-due')).toContainText(
    `due ${monthsFrom(today, 3)} – ${monthsFrom(today, 4)}`,
  )
  await expect(page.getByTestId('alerts')).toContainText('Indeterminate finding')
  await expect(page.getByTestId('next-step')).toContainText('DOTATATE PET/CT')
})

test('an item past its window is overdue, and an override is kept with its reason across a restart', async ({
  page,
  log,
}) => {
  let host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  await addPatient(page, treatedPatient('FU-4004', 'Late Lars'))
  await recordStudy(page, { date: monthsFrom(today, -14), result: 'Stable' })
  await expect(page.getByTestId('open-item-due')).toContainText('overdue')

  await page.getByRole('button', { name: '← Worklist' }).click()
  await page.getByTestId('bucket-overdue').click()
  const row = page.getByTestId('worklist-row').filter({ hasText: 'Late Lars' })
  await expect(row).toContainText('overdue')
  await expect(page.getByTestId('bucket-overdue')).toContainText('1')

  // Record-a-result shortcut from the worklist opens the study form for that patient.
  await page.getByTestId('worklist').focus()
  await page.keyboard.press('r')
  await expect(page.getByRole('heading', { name: 'Record a study' })).toBeVisible()
  await page.getByRole('button', { name: 'Cancel', exact: true }).click()

  await page.getByRole('button', { name: 'Change study or window…' }).click()
  const form = page.getByRole('form', { name: 'Change the suggested study or window' })
  await form.getByLabel('Study', { exact: true }).selectOption({ label: CT })
  await form.getByLabel('Due from').fill(today)
  await form.getByLabel('Due to').fill(monthsFrom(today, 1))
  await form.getByLabel('Reason', { exact: true }).selectOption({ label: 'Patient preference' })
  await form.getByLabel('Reason in words').fill('Claustrophobic; prefers CT')
  await form.getByRole('button', { name: 'Save change' }).click()
  await expect(page.getByTestId('override')).toContainText('Patient preference: “Claustrophobic; prefers CT”')
  await expect(page.getByTestId('open-item')).toContainText(CT)

  host = await log.restart()
  await page.goto(host.url)
  await page.getByTestId('bucket-due').click()
  const dueRow = page.getByTestId('worklist-row').filter({ hasText: 'Late Lars' })
  await expect(dueRow).toContainText('override')
  await dueRow.dblclick()
  await expect(page.getByTestId('override')).toContainText('Claustrophobic; prefers CT')
})
