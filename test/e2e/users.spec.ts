import { patientFacts, startEmpty } from './app'
import { api as hostApi, E2E_ACCOUNT, expect, startHost, tempDataFile, test, type RunningHost } from './host'

// Named accounts (docs/security.md) through the real web host: the first account, the idle lock
// (short in this test), the back end refusing calls while locked and a read-only account's writes,
// whatever the page shows.

/** A call straight to the host with its token, as any program on this computer could make it. */
async function direct(
  host: RunningHost,
  name: string,
  body: unknown,
): Promise<{ ok: boolean; error?: { code: string } }> {
  return (await hostApi(host.url, name, body)) as { ok: boolean; error?: { code: string } }
}

const PATIENT = patientFacts('RO-1', 'Refused Write', { treatments: [] })

test('the first account signs in; the app locks itself when idle and the back end refuses calls until a sign-in', async ({
  page,
}) => {
  test.setTimeout(90_000)
  const data = tempDataFile()
  const host = await startHost(data.file, { PNET_IDLE_LOCK_SECONDS: '4' }, { signIn: false })
  try {
    expect((await direct(host, 'patients.list', { limit: 5, offset: 0 })).error?.code).toBe('SIGNED_OUT')
    await page.goto(host.url)
    await page.getByLabel('Name', { exact: true }).fill(E2E_ACCOUNT.name)
    await page.getByLabel('Initials').fill(E2E_ACCOUNT.initials)
    await page.getByLabel('Password', { exact: true }).fill(E2E_ACCOUNT.password)
    await page.getByLabel('The password again').fill(E2E_ACCOUNT.password)
    await page.getByRole('button', { name: 'Create the account and sign in' }).click()
    await startEmpty(page, host.url)
    await expect(page.getByTestId('signed-in-user')).toHaveText(
      `${E2E_ACCOUNT.name} (${E2E_ACCOUNT.initials}) · Radiologist`,
    )
    expect((await direct(host, 'patients.list', { limit: 5, offset: 0 })).ok).toBe(true)

    // Nobody touches the page: it locks, and the host refuses patient calls.
    await expect(page.getByRole('heading', { name: 'The app is locked' })).toBeVisible({ timeout: 20_000 })
    expect((await direct(host, 'patients.list', { limit: 5, offset: 0 })).error?.code).toBe('SIGNED_OUT')
    await page.screenshot({ path: 'test-results/screenshots/users-locked.png' })
    await page.getByLabel('Password').fill(E2E_ACCOUNT.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('heading', { name: 'Worklist' })).toBeVisible()

    // The Lock button and Ctrl+L lock at once.
    await page.keyboard.press('Control+l')
    await expect(page.getByRole('heading', { name: 'The app is locked' })).toBeVisible()
    expect((await direct(host, 'worklist.summary', { bucket: 'now' })).error?.code).toBe('SIGNED_OUT')
  } finally {
    await host.stop()
    data.cleanup()
  }
})

test('a radiologist adds a read-only account; its writes are greyed out and refused by the back end', async ({
  page,
  log,
}) => {
  test.setTimeout(90_000)
  const host = await log.start()
  await startEmpty(page, host.url)
  await page.getByRole('button', { name: 'Users', exact: true }).click()
  const add = page.getByRole('group', { name: 'Add an account' })
  await add.getByLabel('Name', { exact: true }).fill('Ms R. Reader')
  await add.getByLabel('Initials').fill('RR')
  await add.getByLabel('Role').selectOption({ label: 'Read only' })
  await add.getByLabel('Password', { exact: true }).fill('reader password 1')
  await add.getByRole('button', { name: 'Add account' }).click()
  await expect(page.getByRole('status')).toContainText('Added Ms R. Reader (RR), read only.')
  await expect(page.getByTestId('user-row')).toHaveCount(2)
  // The last radiologist cannot be disabled.
  await page.getByRole('button', { name: `Disable ${E2E_ACCOUNT.initials}` }).click()
  await expect(page.getByRole('alert')).toContainText('last active radiologist')

  await page.getByRole('button', { name: 'Lock', exact: true }).click()
  await page.getByLabel('Name or initials').fill('rr')
  await page.getByLabel('Password').fill('reader password 1')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByTestId('read-only-banner')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Add patient' })).toBeDisabled()
  await expect(page.getByRole('button', { name: 'Users', exact: true })).toHaveCount(0)
  await page.screenshot({ path: 'test-results/screenshots/users-read-only.png' })

  // Whatever the page shows, the back end refuses the write and nothing is added.
  expect((await direct(host, 'patients.create', PATIENT)).error?.code).toBe('FORBIDDEN')
  expect((await direct(host, 'users.list', {})).error?.code).toBe('FORBIDDEN')
  const list = (await hostApi(host.url, 'patients.list', { limit: 5, offset: 0 })) as {
    value: { total: number }
  }
  expect(list.value.total).toBe(0)

  // Every account changes its own password (the current one is asked).
  await page.getByRole('button', { name: 'Settings', exact: true }).click()
  await page.getByLabel('Current password').fill('reader password 1')
  await page.getByLabel('New password', { exact: true }).fill('reader password 2')
  await page.getByLabel('The new password again').fill('reader password 2')
  await page.getByRole('button', { name: 'Change password' }).click()
  await expect(page.getByRole('status')).toContainText('Your password was changed.')
  expect((await direct(host, 'session.signOut', {})).ok).toBe(true)
  expect((await direct(host, 'session.signIn', { login: 'RR', password: 'reader password 2' })).ok).toBe(true)
})
