import type { Page } from '@playwright/test'
import { api, appToday, monthsFrom, MRI, openByMrn, patientFacts, startEmpty, studyEntry } from './app'
import { expect, test } from './host'

// Two people edit the same study at the same time (issue 9.5, optimistic versions). The first save
// is kept; the second is refused with "changed by someone else since you opened it", its form keeps
// what was typed, and the page behind it shows the first person's change. Nothing is overwritten.

const editForm = (page: Page) => page.getByRole('form', { name: 'Edit the study' })

async function openStudyEdit(page: Page): Promise<void> {
  await openByMrn(page, 'VER-1', 'Version, Vera')
  await page.getByTestId('timeline-study').getByRole('button', { name: 'Edit' }).click()
  await expect(editForm(page)).toBeVisible()
}

test('the second of two people saving the same study is told it changed since they opened it, and keeps their input', async ({
  page,
  browser,
  log,
}) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const today = await appToday(page)
  const p = await api<{ id: number }>(page, 'patients.create', patientFacts('VER-1', 'Version, Vera'))
  await api(page, 'studies.record', { patientId: p.id, study: studyEntry(monthsFrom(today, -2), MRI) })

  // Anna and Ben, each in their own browser, open the same study for editing.
  const ben = await (await browser.newContext()).newPage()
  await ben.goto(host.url)
  await expect(ben.getByRole('heading', { name: 'Worklist' })).toBeVisible()
  await openStudyEdit(page)
  await openStudyEdit(ben)

  // Ben saves first.
  await editForm(ben).getByLabel('Note', { exact: true }).fill('Reviewed by Ben: lesion stable')
  await editForm(ben).getByRole('button', { name: 'Save study' }).click()
  await expect(ben.getByRole('status')).toContainText('Study saved.')

  // Anna saves the copy she opened before Ben's save.
  const anna = editForm(page)
  await anna.getByLabel('Note', { exact: true }).fill('Anna: new liver lesion')
  await anna.getByLabel('Result', { exact: true }).selectOption({ label: 'Progression' })
  await anna.getByRole('button', { name: 'Save study' }).click()
  const summary = anna.locator('.form__message')
  await expect(summary).toContainText(
    `The study of ${monthsFrom(today, -2)} was changed by someone else since you opened it. Nothing was saved`,
  )
  await expect(summary).toHaveText(/Nothing was saved/)
  expect(((await summary.innerText()).match(/Nothing was saved/g) ?? []).length).toBe(1)
  // Her input is still in the form; the timeline behind it shows Ben's change.
  await expect(anna.getByLabel('Note', { exact: true })).toHaveValue('Anna: new liver lesion')
  await expect(anna.getByLabel('Result', { exact: true })).toHaveValue('progression')
  await expect(page.getByTestId('timeline-study')).toContainText('Reviewed by Ben: lesion stable')
  await page.screenshot({ path: 'test-results/screenshots/stale-study-save.png', fullPage: true })

  // Saving the same form again is still refused: it was opened before Ben's change.
  await anna.getByRole('button', { name: 'Save study' }).click()
  await expect(summary).toContainText('changed by someone else since you opened it')
  const stored = await api<{ studies: { note: string | null; result: string | null }[] }>(
    page,
    'patients.detail',
    {
      id: p.id,
    },
  )
  expect(stored.studies.map((s) => [s.note, s.result])).toEqual([
    ['Reviewed by Ben: lesion stable', 'stable'],
  ])

  // Reopened, the form holds Ben's study; Anna's change then saves over it knowingly.
  await anna.getByRole('button', { name: 'Cancel' }).click()
  await page.getByTestId('timeline-study').getByRole('button', { name: 'Edit' }).click()
  await expect(editForm(page).getByLabel('Note', { exact: true })).toHaveValue(
    'Reviewed by Ben: lesion stable',
  )
  await editForm(page).getByLabel('Result', { exact: true }).selectOption({ label: 'Progression' })
  await editForm(page).getByRole('button', { name: 'Save study' }).click()
  await expect(page.getByRole('status')).toContainText('Study saved.')
  await ben.context().close()
})
