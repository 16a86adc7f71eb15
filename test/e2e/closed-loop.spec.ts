import type { Page } from '@playwright/test'
import {
  addPatient,
  api,
  appToday,
  daysBetween,
  daysFrom,
  MRI,
  monthsFrom,
  patientFacts,
  startEmpty,
  studyEntry,
} from './app'
import { expect, test } from './host'

// Issue 8, the rest of the closed loop: a treatment is corrected from the timeline (the plan moves,
// undo puts it back); adherence figures on the worklist and per patient, from fulfilments whose
// timing is known; the worklist's Needs attention and Left surveillance lists, and the list as it
// was left when coming back from a patient. Screenshots under test-results/screenshots/.

const SHOTS = 'test-results/screenshots'

interface Item {
  id: number
  version: number
  status: string
  kind: string
  due: { from: string; to: string }
}
interface Detail {
  items: Item[]
}
interface Recorded {
  closedItem: Item | null
  nextItem: Item | null
}

async function openStep(page: Page, patientId: number): Promise<Item> {
  const d = await api<Detail>(page, 'patients.detail', { id: patientId })
  return d.items.find((i) => i.status === 'scheduled')!
}

/** The radiologist moves the open step's window (e.g. into the past, to make a late study). */
async function moveWindow(page: Page, patientId: number, due: { from: string; to: string }) {
  const item = await openStep(page, patientId)
  await api(page, 'followup.override', {
    itemId: item.id,
    version: item.version,
    procedure: null,
    due,
    reasonCode: 'clinician-decision',
    text: null,
  })
}

async function recorded(page: Page, patientId: number, date: string, result = 'stable'): Promise<Recorded> {
  const r = await api<Recorded>(page, 'studies.record', {
    patientId,
    study: studyEntry(date, MRI, { result }),
  })
  return r
}

test('a treatment corrected from the timeline moves the plan; undo puts each edit back', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  await addPatient(page, {
    mrn: 'TE-1001',
    name: 'Treatment Tess',
    birthDate: '1962-03-14',
    weightKg: '72',
    burden: 'Not liver-dominant',
    treatment: { kind: 'PRRT', date: '2025-01-15' },
  })
  // PRRT with no study since: the first study assesses the response, 6–12 months after it began.
  await expect(page.getByTestId('open-item')).toContainText('Response to the treatment')

  const treatment = page.getByTestId('timeline-treatment')
  await treatment.getByRole('button', { name: 'Edit' }).click()
  const form = page.getByRole('form', { name: 'Edit the treatment' })
  await expect(form.getByLabel('Treatment', { exact: true })).toHaveValue('prrt')
  await expect(form.getByLabel('Start date')).toHaveValue('2025-01-15')

  // A date in the future is refused on its field; nothing is stored.
  await form.getByLabel('Start date').fill(daysFrom(today, 10))
  await form.getByRole('button', { name: 'Save treatment' }).click()
  await expect(form.getByLabel('Start date')).toHaveAccessibleDescription(
    /^The treatment date is in the future\./,
  )
  await expect(form.getByRole('status')).toContainText('Nothing was saved.')
  await form.screenshot({ path: `${SHOTS}/correction-treatment-refused.png` })

  // It was a resection, two months ago, complete.
  const surgery = monthsFrom(today, -2)
  await form.getByLabel('Treatment', { exact: true }).selectOption({ label: 'Resection' })
  await form.getByLabel('Complete resection').selectOption({ label: 'Yes' })
  await form.getByLabel('Start date').fill(surgery)
  await form.getByRole('button', { name: 'Save treatment' }).click()
  await expect(page.getByRole('status')).toContainText('Treatment saved; the plan was worked out again.')
  await expect(page.getByTestId('open-item')).toContainText('Next study in 3–12 months')
  const afterSurgery = `${monthsFrom(surgery, 3)} – ${monthsFrom(surgery, 12)}`
  await expect(page.getByTestId('open-item-due')).toContainText(afterSurgery)
  await expect(treatment).toContainText('Resection')
  await expect(treatment).toContainText('complete')
  await expect(treatment).toContainText(surgery)

  // Only the date changes: the window follows it.
  const earlier = monthsFrom(today, -4)
  await treatment.getByRole('button', { name: 'Edit' }).click()
  await expect(form.getByLabel('Treatment', { exact: true })).toHaveValue('resection')
  await form.getByLabel('Start date').fill(earlier)
  await form.getByRole('button', { name: 'Save treatment' }).click()
  await expect(page.getByRole('status')).toContainText(
    `The suggestion moved to ${monthsFrom(earlier, 3)} – ${monthsFrom(earlier, 12)}.`,
  )
  await expect(page.getByTestId('open-item-due')).toContainText(
    `${monthsFrom(earlier, 3)} – ${monthsFrom(earlier, 12)}`,
  )
  await page.screenshot({ path: `${SHOTS}/correction-treatment-saved.png` })

  // Undo, twice: the date, then the kind.
  await expect(page.getByTestId('undo')).toHaveText('Undo editing the treatment')
  await page.getByTestId('undo').click()
  await expect(page.getByRole('status')).toContainText('Undone: editing the treatment.')
  await expect(page.getByTestId('open-item-due')).toContainText(afterSurgery)
  await expect(treatment).toContainText(surgery)
  await page.getByTestId('undo').click()
  await expect(page.getByRole('status')).toContainText('Undone: editing the treatment.')
  await expect(treatment).toContainText('PRRT')
  await expect(treatment).toContainText('2025-01-15')
  await expect(page.getByTestId('open-item')).toContainText('Response to the treatment')

  // Entered in error asks why first (the dialog, as a correction's screenshot), then hides it.
  await treatment.getByRole('button', { name: 'Entered in error…' }).click()
  const dialog = page.getByRole('alertdialog')
  await dialog.getByLabel('Why').fill('Another patient’s treatment')
  await dialog.screenshot({ path: `${SHOTS}/correction-entered-in-error.png` })
  await dialog.getByRole('button', { name: 'Mark as entered in error' }).click()
  await expect(page.getByTestId('timeline-treatment')).toHaveCount(0)
  await expect(page.getByTestId('withdrawn')).toContainText('Another patient’s treatment')
})

test('adherence: on time, early and late over a chosen period on the worklist, and per patient', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)

  // An empty log has nothing to count: no 0 %, no NaN.
  const panel = page.getByTestId('adherence')
  await expect(panel.getByTestId('adherence-empty')).toContainText('No closed imaging steps in this period')
  await expect(panel).not.toContainText('%')
  await expect(panel).not.toContainText('NaN')

  // Treated at a date not recorded and never imaged: the first study is due now (a dated
  // treatment would make it the response assessment 6–12 months after the treatment began).
  const undated = [{ kind: 'somatostatin-analog', date: null, completeResection: null }]
  const create = async (mrn: string, name: string) =>
    (await api<{ id: number }>(page, 'patients.create', patientFacts(mrn, name, { treatments: undated }))).id
  // Eve: the first study due now (window opens today), done 4 days before: early by 4.
  const eve = await create('AD-1001', 'Early, Eve')
  expect((await recorded(page, eve, daysFrom(today, -4))).closedItem).not.toBeNull()
  // Otto: done today, inside the window: on time.
  const otto = await create('AD-1002', 'Ontime, Otto')
  expect((await recorded(page, otto, today)).closedItem).not.toBeNull()
  // Liam: window moved to 40–10 days ago, done today: 10 days late.
  const liam = await create('AD-1003', 'Late, Liam')
  await moveWindow(page, liam, { from: daysFrom(today, -40), to: daysFrom(today, -10) })
  expect((await recorded(page, liam, today)).closedItem).not.toBeNull()
  // Lena: window 70–40 days ago, done today: 40 days late (and outside Within Health's +60).
  const lena = await create('AD-1004', 'Later, Lena')
  await moveWindow(page, lena, { from: daysFrom(today, -70), to: daysFrom(today, -40) })
  expect((await recorded(page, lena, today)).closedItem).not.toBeNull()
  // Paula: window 200–150 days ago, done 160 days ago: on time (outside the last 3 months);
  // then the next window opens about 6 months after that study, and a study today is early.
  const paula = await create('AD-1005', 'Twice, Paula')
  await moveWindow(page, paula, { from: daysFrom(today, -200), to: daysFrom(today, -150) })
  const first = await recorded(page, paula, daysFrom(today, -160))
  expect(first.closedItem).not.toBeNull()
  const early = daysBetween(today, first.nextItem!.due.from)
  expect(early).toBeGreaterThan(0)
  expect(early).toBeLessThanOrEqual(30)
  expect((await recorded(page, paula, today)).closedItem).not.toBeNull()
  // Not counted: a study whose result is awaited closes no imaging step of its own.
  const uma = await create('AD-1006', 'Unread, Uma')
  await recorded(page, uma, daysFrom(today, -200), 'not-read-yet')
  await page.reload()

  // Last 12 months (the default): six steps, two on time; median of
  // (-early, -4, 0, 0, 10, 40) is 0; Lena's +70 from her window's opening is outside −30/+60.
  await expect(panel.getByTestId('adherence-period')).toHaveValue('12m')
  await expect(panel.getByTestId('adherence-share')).toHaveText('33%')
  await expect(panel).toContainText('2 of 6 closed imaging steps on time')
  await expect(panel.getByTestId('adherence-median')).toHaveText('0 days (on time)')
  await expect(panel.getByTestId('adherence-early-late')).toHaveText('2 early · 2 late')
  await expect(panel.getByTestId('adherence-within-health')).toHaveText('83%')
  await page.screenshot({ path: `${SHOTS}/worklist-with-adherence.png`, fullPage: true })
  await panel.getByText('The closed imaging steps (6)').click()
  const steps = panel.getByTestId('adherence-step')
  await expect(steps).toHaveCount(6)
  await expect(steps.filter({ hasText: 'Later, Lena' })).toContainText('40 days late')
  await expect(steps.filter({ hasText: 'Late, Liam' })).toContainText('10 days late')
  await expect(steps.filter({ hasText: 'Early, Eve' })).toContainText('4 days early')
  await expect(steps.filter({ hasText: 'Ontime, Otto' })).toContainText('on time')
  await expect(steps.filter({ hasText: 'Twice, Paula' })).toHaveCount(2)
  await panel.getByText('How these figures are counted').click()
  await expect(panel).toContainText(
    'Within Health’s adherence window is −30/+60 days around one recommended date',
  )
  await panel.scrollIntoViewIfNeeded()
  await panel.screenshot({ path: `${SHOTS}/adherence-worklist.png` })

  // Last 3 months: Paula's study of 160 days ago drops out; (-early, -4, 0, 10, 40): median 0.
  await panel.getByTestId('adherence-period').selectOption({ label: 'Last 3 months' })
  await expect(panel.getByTestId('adherence-share')).toHaveText('20%')
  await expect(panel).toContainText('1 of 5 closed imaging steps on time')
  await expect(panel.getByTestId('adherence-early-late')).toHaveText('2 early · 2 late')
  await expect(panel.getByTestId('adherence-within-health')).toHaveText('80%')

  // Per patient: Paula's two steps, one on time and one early; the median of (0, -early).
  await steps
    .filter({ hasText: 'Twice, Paula' })
    .first()
    .getByRole('button', { name: 'Twice, Paula' })
    .click()
  await expect(page.getByTestId('patient-name')).toContainText('Twice, Paula')
  const line = page.getByTestId('patient-adherence')
  await expect(line).toContainText(
    `1 of 2 closed imaging steps on time (50%) · median ${early / 2} days early · 1 early, 0 late.`,
  )
  const timings = page.getByTestId('study-timing')
  await expect(timings).toHaveCount(2)
  await expect(timings.nth(0)).toContainText(`${early} days early`)
  await expect(timings.nth(1)).toContainText(
    `Closed the step due ${daysFrom(today, -200)} – ${daysFrom(today, -150)}: on time`,
  )
  await page.getByText('Earlier items').click()
  await expect(page.getByTestId('earlier-item').filter({ hasText: 'on time' })).toHaveCount(1)
  await expect(page.getByTestId('earlier-item').filter({ hasText: `${early} days early` })).toHaveCount(1)
  await page.locator('section[aria-labelledby="timeline-title"]').screenshot({
    path: `${SHOTS}/adherence-patient-timeline.png`,
  })
  await page.getByTestId('followup').screenshot({ path: `${SHOTS}/adherence-patient-followup.png` })

  // Back on the worklist the period chosen is kept; Lena: one step, 40 days late.
  await page.getByRole('button', { name: '← Worklist' }).click()
  await expect(panel.getByTestId('adherence-period')).toHaveValue('3m')
  await page.getByLabel('Find a patient by name or MRN').fill('AD-1004')
  await page.getByTestId('worklist-row').filter({ hasText: 'AD-1004' }).getByRole('button').click()
  await expect(page.getByTestId('patient-adherence')).toContainText(
    '0 of 1 closed imaging step on time (0%) · median 40 days late · 0 early, 1 late.',
  )
  // A patient whose only study awaits its result has nothing to count yet.
  await page.getByRole('button', { name: '← Worklist' }).click()
  await page.getByLabel('Find a patient by name or MRN').fill('AD-1006')
  await page.getByTestId('worklist-row').filter({ hasText: 'AD-1006' }).getByRole('button').click()
  await expect(page.getByTestId('patient-adherence')).toHaveText('Adherence: no closed imaging steps yet.')
})

test('needs attention and left surveillance are listed; back from a patient the list is as it was left', async ({
  page,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  const create = async (mrn: string, name: string, over: Record<string, unknown> = {}) =>
    (await api<{ id: number }>(page, 'patients.create', patientFacts(mrn, name, over))).id
  // Needs attention: a result to enter, a tumour board, new symptoms.
  await recorded(page, await create('NA-1003', 'Unread, Uma'), today, 'not-read-yet')
  await recorded(page, await create('NA-1001', 'Board, Bea'), today, 'progression')
  await recorded(page, await create('NA-1002', 'Flushing, Fay', { symptoms: ['flushing'] }), today)
  // Scheduled, nothing to attend to.
  await recorded(page, await create('NA-2001', 'Routine, Rita'), today)
  // Left surveillance, with the reason, who and when.
  const left = await create('NA-3001', 'Moved, Mia')
  await api(page, 'surveillance.leave', {
    patientId: left,
    exit: { reasonCode: 'discharged-elsewhere', text: 'Followed in Bergen', attempts: null, date: today },
  })
  await api(page, 'surveillance.leave', {
    patientId: await create('NA-3002', 'Lost, Lars'),
    exit: { reasonCode: 'lost-to-follow-up', text: null, attempts: 3, date: daysFrom(today, -1) },
  })
  await page.reload()

  await page.getByTestId('bucket-attention').click()
  await expect(page.getByTestId('bucket-attention')).toContainText('3')
  const rows = page.getByTestId('worklist-row')
  await expect(rows).toHaveCount(3)
  await page.getByRole('button', { name: 'MRN' }).click()
  await expect(rows.nth(0)).toContainText('NA-1001')
  await expect(rows.nth(0)).toContainText('Tumour board review')
  await expect(rows.nth(2)).toContainText('NA-1003')
  await expect(rows.filter({ hasText: 'NA-1002' }).locator('[data-flag="symptoms"]')).toBeVisible()
  await page.locator('.worklist').screenshot({ path: `${SHOTS}/needs-attention.png` })

  await page.getByTestId('left-summary').click()
  const leftRows = page.getByTestId('left-row')
  await expect(page.getByTestId('left-summary')).toContainText('2')
  await expect(leftRows.nth(0)).toContainText(
    `Moved, Mia NA-3001 · left ${today}: discharged to another centre: Followed in Bergen · recorded by`,
  )
  await expect(leftRows.nth(1)).toContainText('Lost, Lars')
  await expect(leftRows.nth(1)).toContainText('3 attempts')
  await page.getByTestId('left-list').screenshot({ path: `${SHOTS}/left-surveillance.png` })

  // Select the second row with the keys, open it, come back: same tab, sort, row and list.
  const grid = page.getByTestId('worklist')
  await grid.focus()
  await page.keyboard.press('ArrowDown')
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('patient-name')).toContainText('Flushing, Fay')
  await page.getByRole('button', { name: '← Worklist' }).click()
  await expect(page.getByTestId('bucket-attention')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByRole('columnheader', { name: 'MRN' })).toHaveAttribute('aria-sort', 'ascending')
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true')
  await expect(rows.nth(1)).toContainText('NA-1002')
  await expect(page.getByTestId('left-row')).toHaveCount(2)

  // A patient who left is reopened from the list: the guideline's next step opens.
  await page.getByTestId('left-row').filter({ hasText: 'Moved, Mia' }).getByRole('button').click()
  await page.getByRole('button', { name: 'Reopen surveillance' }).click()
  await expect(page.getByTestId('open-item')).toBeVisible()
  await page.getByRole('button', { name: '← Worklist' }).click()
  await expect(page.getByTestId('left-summary')).toContainText('1')
  await expect(page.getByTestId('left-row')).toHaveCount(1)
})
