import { expect, test as base } from '@playwright/test'
import { startHost, tempDataFile, type RunningHost } from './host'

// The unlock screen of browser mode (docs/privacy.md), through the real web host: set-up with a
// passphrase, the recovery key shown once, a wrong passphrase refused, patient calls refused while
// locked; then the first account (after set-up) and the sign-in (after a restart).

const test = base

async function patientsList(host: RunningHost): Promise<{ ok: boolean; error?: { code: string } }> {
  const u = new URL(host.url)
  const res = await fetch(`${u.origin}/api/patients.list`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Pnet-Token': u.hash.slice('#token='.length) },
    body: JSON.stringify({ limit: 10, offset: 0 }),
  })
  return (await res.json()) as { ok: boolean; error?: { code: string } }
}

test('browser mode: set up a passphrase, see the recovery key once, unlock after a restart', async ({
  page,
}) => {
  const data = tempDataFile()
  let host = await startHost(data.file, {}, { unlock: false })
  try {
    expect((await patientsList(host)).error?.code).toBe('NOT_UNLOCKED')
    await page.goto(host.url)
    await expect(page.getByRole('heading', { name: 'Protect the follow-up log' })).toBeVisible()
    await page.getByLabel('New passphrase').fill('reading room passphrase')
    await page.getByLabel('The passphrase again').fill('reading room passphrase')
    await page.getByRole('button', { name: 'Encrypt and open' }).click()
    await expect(page.getByRole('heading', { name: 'The log’s recovery key' })).toBeVisible()
    await expect(page.getByTestId('recovery-key')).toHaveText(/^([A-HJ-NP-Z2-9]{4} ){13}[A-HJ-NP-Z2-9]{4} ?$/)
    await page.screenshot({ path: 'test-results/screenshots/unlock-recovery-key.png' })
    await page.getByLabel('I have printed or written down the recovery key').check()
    await page.getByRole('button', { name: 'Continue' }).click()
    // After the unlock, a new log asks for its first account (a radiologist), then opens the app.
    await expect(page.getByRole('heading', { name: 'Create the first account' })).toBeVisible()
    expect((await patientsList(host)).error?.code).toBe('SIGNED_OUT')
    await page.getByLabel('Name', { exact: true }).fill('Dr A. Smith')
    await page.getByLabel('Initials').fill('as')
    await page.getByLabel('Password', { exact: true }).fill('first account password')
    await page.getByLabel('The password again').fill('first account password')
    await page.getByRole('button', { name: 'Create the account and sign in' }).click()
    await expect(page.getByRole('button', { name: 'Start with an empty log' })).toBeVisible()

    await host.stop()
    host = await startHost(data.file, {}, { unlock: false })
    expect((await patientsList(host)).error?.code).toBe('NOT_UNLOCKED')
    await page.goto(host.url)
    await expect(page.getByRole('heading', { name: 'Unlock the follow-up log' })).toBeVisible()
    await page.getByLabel('Passphrase').fill('reading room passphrasE')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await expect(page.getByRole('alert')).toContainText('does not open this log')
    expect((await patientsList(host)).error?.code).toBe('NOT_UNLOCKED')
    await page.screenshot({ path: 'test-results/screenshots/unlock-wrong-passphrase.png' })
    await page.getByLabel('Passphrase').fill('reading room passphrase')
    await page.getByRole('button', { name: 'Unlock' }).click()
    // Unlocked, the log's accounts sign in before anything else is answered.
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
    expect((await patientsList(host)).error?.code).toBe('SIGNED_OUT')
    await page.getByLabel('Name or initials').fill('AS')
    await page.getByLabel('Password').fill('first account password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('button', { name: 'Start with an empty log' })).toBeVisible()
    expect((await patientsList(host)).ok).toBe(true)
  } finally {
    await host.stop()
    data.cleanup()
  }
})
