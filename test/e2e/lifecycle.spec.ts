import {
  addPatient,
  api,
  appToday,
  fillStudy,
  MRI as API_MRI,
  monthsFrom,
  openByMrn,
  patientFacts,
  recordStudy,
  startEmpty,
  studyEntry,
} from './app'
import { expect, test } from './host'

// The follow-up lifecycle end to end (issue 8): a patient never silently drops off the lists, a
// backdated study does not close the step, corrections bring the plan back, an outside study and
// a board's decision set the next step, and undo restores the previous state.

const MRI = 'MRI abdomen and pelvis without and with IV contrast'
const DOTATATE = 'DOTATATE PET/CT skull base to mid-thigh'

const patient = (mrn: string, name: string) => ({
  mrn,
  name,
  birthDate: '1962-03-14',
  weightKg: '72',
  burden: 'Not liver-dominant' as const,
  treatment: { kind: 'PRRT', date: '2025-01-15' },
})

test('after cancel the next step opens at once; after leaving surveillance the patient is listed with the reason', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  await addPatient(page, patient('LC-1001', 'Cancel Carla'))
  await page.getByRole('button', { name: 'Cancel step…' }).click()
  await page.getByRole('form', { name: 'Cancel step' }).getByRole('button', { name: 'Cancel step' }).click()
  await expect(page.getByRole('status')).toContainText('The next step follows the guideline again')
  await expect(page.getByTestId('open-item')).toContainText('Study due now')

  await page.getByRole('button', { name: '← Worklist' }).click()
  await page.getByTestId('bucket-all').click()
  await expect(page.getByTestId('worklist-row').filter({ hasText: 'Cancel Carla' })).toBeVisible()
  await page.getByTestId('worklist-row').filter({ hasText: 'Cancel Carla' }).dblclick()

  await page.getByRole('button', { name: 'Leave surveillance…' }).click()
  const leave = page.getByRole('form', { name: 'Leave surveillance' })
  await leave.getByLabel('Why the patient leaves').selectOption({ label: 'Discharged to another centre' })
  await leave.getByLabel('In words').fill('Followed in Bergen')
  await leave.getByRole('button', { name: 'Leave surveillance' }).click()
  await expect(page.getByTestId('left-surveillance')).toContainText(
    'discharged to another centre: Followed in Bergen',
  )

  await page.getByRole('button', { name: '← Worklist' }).click()
  await page.getByTestId('left-summary').click()
  const row = page.getByTestId('left-row').filter({ hasText: 'Cancel Carla' })
  await expect(row).toContainText(`left ${today}: discharged to another centre: Followed in Bergen`)
  await expect(page.getByTestId('left-summary')).toContainText('1')
})

test('a backdated prior study is kept as history and does not close the open step', async ({ page, log }) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  await addPatient(page, patient('LC-2002', 'Prior Petra'))
  const read = monthsFrom(today, -1)
  await recordStudy(page, { date: read, result: 'Stable' })
  const window = `${monthsFrom(read, 6)} – ${monthsFrom(read, 12)}`
  await expect(page.getByTestId('open-item-due')).toContainText(window)

  await recordStudy(page, { date: monthsFrom(today, -36), result: 'Stable' })
  await expect(page.getByRole('status')).toContainText('kept as history')
  await expect(page.getByTestId('open-item-due')).toContainText(window)
  await expect(page.getByTestId('open-item')).toContainText('Next study in 6–12 months')
})

test('a mistaken study marked as entered in error brings the plan back', async ({ page, log }) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  await addPatient(page, patient('LC-3003', 'Mistake Mona'))
  const read = monthsFrom(today, -2)
  await recordStudy(page, { date: read, result: 'Stable' })
  const window = `${monthsFrom(read, 6)} – ${monthsFrom(read, 12)}`
  await expect(page.getByTestId('open-item-due')).toContainText(window)

  await recordStudy(page, { date: today, result: 'Progression' })
  await expect(page.getByTestId('open-item')).toContainText('Tumour board review')

  const mistaken = page.getByTestId('timeline-study').filter({ hasText: 'Progression' })
  await mistaken.getByRole('button', { name: 'Entered in error…' }).click()
  await page.getByLabel('Why').fill('Another patient’s study')
  await page.getByRole('button', { name: 'Mark as entered in error' }).click()
  await expect(page.getByTestId('open-item')).toContainText('Next study in 6–12 months')
  await expect(page.getByTestId('open-item-due')).toContainText(window)
  await expect(page.getByTestId('timeline-study')).toHaveCount(1)
  await expect(page.getByTestId('withdrawn')).toContainText('Another patient’s study')
})

test('a study done elsewhere is recorded like any study and reaches the engine', async ({ page, log }) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  await addPatient(page, patient('LC-4004', 'Outside Olga'))
  await expect(page.getByTestId('open-item')).toContainText('Study due now')
  await page.getByRole('button', { name: 'Done elsewhere…' }).click()
  await expect(page.getByRole('heading', { name: 'Done elsewhere: the outside study' })).toBeVisible()
  await fillStudy(page, { date: today, procedure: MRI, result: 'Stable' })
  await page.getByRole('button', { name: 'Save study' }).click()
  await expect(page.getByRole('status')).toContainText('Study saved.')
  await expect(page.getByTestId('timeline-study')).toHaveCount(1)
  await expect(page.getByTestId('next-interval')).toContainText('in 6–12 months')
  await expect(page.getByTestId('open-item-due')).toContainText(
    `${monthsFrom(today, 6)} – ${monthsFrom(today, 12)}`,
  )
  await page.getByText('Earlier items').click()
  await expect(page.getByTestId('followup')).toContainText('Done elsewhere')
})

test('the tumour board’s decision schedules the next study', async ({ page, log }) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  await addPatient(page, patient('LC-5005', 'Board Bea'))
  await recordStudy(page, { date: today, result: 'Progression' })
  await expect(page.getByTestId('open-item')).toContainText('Tumour board review')

  await page.getByRole('button', { name: 'Record the board’s decision…' }).click()
  const form = page.getByRole('form', { name: 'Record the decision' })
  await form
    .getByLabel('Decision', { exact: true })
    .selectOption({ label: 'Further imaging (e.g. DOTATATE PET/CT)' })
  await form.getByLabel('Next study').selectOption({ label: DOTATATE })
  await form.getByLabel('Due to').fill(monthsFrom(today, 1))
  await form.getByRole('button', { name: 'Save decision' }).click()
  await expect(page.getByRole('status')).toContainText('further imaging')
  await expect(page.getByTestId('open-item')).toContainText(DOTATATE)
  await expect(page.getByTestId('open-item-due')).toContainText(`${today} – ${monthsFrom(today, 1)}`)

  await page.getByRole('button', { name: '← Worklist' }).click()
  await page.getByTestId('bucket-all').click()
  await expect(page.getByTestId('worklist-row').filter({ hasText: 'Board Bea' })).toContainText('DOTATATE')
})

test('undo restores the state before the last change', async ({ page, log }) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  await addPatient(page, patient('LC-6006', 'Undo Uma'))
  await expect(page.getByTestId('open-item')).toContainText('Study due now')
  await recordStudy(page, { date: today, result: 'Stable' })
  await expect(page.getByTestId('open-item')).toContainText('Next study in 6–12 months')
  await expect(page.getByTestId('timeline-study')).toHaveCount(1)

  await page.getByTestId('undo').click()
  await expect(page.getByRole('status')).toContainText('Undone: recording the study.')
  await expect(page.getByTestId('timeline-study')).toHaveCount(0)
  await expect(page.getByTestId('open-item')).toContainText('Study due now')
})

test('a derived result is said as derived, and a progression answered by a new treatment is no longer a live alert', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  const target = (mm: number) => [
    { id: 'T1', organ: 'pancreas', nodal: false, role: 'target', diameterMm: mm, status: null },
  ]
  const p = await api<{ id: number }>(page, 'patients.create', patientFacts('LC-6006', 'Derived Dora'))
  await api(page, 'studies.record', {
    patientId: p.id,
    study: studyEntry(monthsFrom(today, -7), API_MRI, { lesions: target(30) }),
  })
  // Unread, with a target 10 mm larger: RECIST gives PD, which the engine takes as progression.
  await api(page, 'studies.record', {
    patientId: p.id,
    study: studyEntry(monthsFrom(today, -1), API_MRI, { result: 'not-read-yet', lesions: target(40) }),
  })
  await page.reload()
  await page.getByTestId('bucket-all').click()
  const row = page.getByTestId('worklist-row').filter({ hasText: 'Derived Dora' })
  await expect(row).toContainText('Progression (derived)')
  await expect(row.locator('.grid__cell--result')).toHaveAttribute(
    'title',
    /derived from its RECIST measurements/,
  )
  await openByMrn(page, 'LC-6006', 'Derived Dora')
  await expect(page.getByTestId('alerts')).toContainText('Progression on the latest study.')

  // The board's answer: a new treatment after the progression. The alert becomes history.
  const facts = patientFacts('LC-6006', 'Derived Dora', {
    treatments: [
      { kind: 'somatostatin-analog', date: '2020-06-01', completeResection: null },
      { kind: 'prrt', date: monthsFrom(today, 0), completeResection: null },
    ],
  })
  const stored = await api<{ version: number }>(page, 'patients.get', { id: p.id })
  await api(page, 'patients.update', { id: p.id, version: stored.version, patient: facts })
  await page.reload()
  await openByMrn(page, 'LC-6006', 'Derived Dora')
  const alerts = page.getByTestId('alerts')
  await expect(alerts).toContainText('answered by a treatment started after it')
  await expect(alerts).not.toContainText('Progression on the latest study.')
})
