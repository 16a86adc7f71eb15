import fs from 'node:fs'
import { startOrthanc, type RunningOrthanc } from '../helpers/orthanc'
import { seedPacs, type SeededPacs } from '../helpers/pacsFixture'
import { api, openByMrn, patientFacts, startEmpty } from './app'
import { scan } from './axe'
import { expect, test } from './host'

// Studies and dose from a real PACS, end to end through the web host: Debian's Orthanc with its
// DICOMweb plugin (started here, basic authentication on, seeded with synthetic studies built with
// dcmjs); the PACS set up in Settings; on the patient's page: find → map → import → the dose shows
// "from RDSR" → the engine's plan and the ledger are updated; a second import makes no duplicate.

const SHOTS = 'test-results/screenshots'
const MRN = 'E2E-PACS-1'
const USER = { name: 'reader', password: 'e2e-password' }

let orthanc: RunningOrthanc
let seeded: SeededPacs

test.beforeAll(async () => {
  orthanc = await startOrthanc({ user: USER })
  seeded = await seedPacs(orthanc, MRN)
})
test.afterAll(async () => orthanc?.stop())

test('find → map → import → dose from RDSR → plan and ledger; a second import adds nothing', async ({
  page,
  log,
}) => {
  test.setTimeout(120_000)
  const host = await log.start()
  await startEmpty(page, host.url)
  await api(page, 'patients.create', patientFacts(MRN, 'Pacs, Patricia', { birthDate: '1958-03-03' }))

  // The PACS, set up in Settings.
  await page.getByRole('button', { name: 'Settings', exact: true }).click()
  const pacs = page.getByTestId('pacs-settings')
  await pacs.getByRole('button', { name: 'Add a PACS' }).click()
  const form = pacs.getByRole('form', { name: 'Add a PACS' })
  await form.getByLabel('Name', { exact: true }).fill('Reading room PACS')
  await form.getByLabel('DICOMweb base address').fill(orthanc.dicomWeb)
  await form.getByLabel('Sign-in').selectOption({ label: 'User name and password (basic)' })
  await form.getByLabel('User name', { exact: true }).fill(USER.name)
  await form.getByLabel('Password', { exact: true }).fill(USER.password)
  await form.getByLabel('Timeout (seconds)').fill('10')
  await form.getByRole('button', { name: 'Save PACS' }).click()
  await expect(pacs.getByRole('row', { name: /Reading room PACS/ })).toContainText(`basic (${USER.name})`)
  await scan(page, 'settings with a PACS and the mapping table')

  await openByMrn(page, MRN, 'Pacs, Patricia')
  const panel = page.getByTestId('studies-in')
  await panel.getByRole('button', { name: 'Find studies in PACS' }).click()
  const list = panel.getByTestId('pacs-studies')
  await expect(list.getByTestId('found-study')).toHaveCount(4)
  await expect(list).not.toContainText(seeded.other.accessionNumber)
  const row = (text: string) => list.getByTestId('found-study').filter({ hasText: text })
  await expect(row('CT ABDOMEN PELVIS WITH CONTRAST').getByRole('combobox')).toHaveValue(
    'ct-abdomen-pelvis-with-iv-contrast',
  )
  await expect(row('PET CT DOTATATE').getByRole('combobox')).toHaveValue(
    'dotatate-pet-ct-skull-base-to-mid-thigh',
  )
  // Not mapped, not ticked: the person decides.
  const liver = row('CT LIVER TRIPHASIC')
  await expect(liver.getByRole('combobox')).toHaveValue('')
  await expect(liver.getByRole('checkbox')).not.toBeChecked()
  fs.mkdirSync(SHOTS, { recursive: true })
  await panel.screenshot({ path: `${SHOTS}/pacs-find.png` })
  await scan(page, 'patient page with PACS studies found')

  // Map it on the spot and keep the rule.
  await liver.getByRole('combobox').selectOption({ label: 'CT abdomen and pelvis with IV contrast' })
  await liver.getByRole('checkbox').check()
  await expect(panel.getByRole('checkbox', { name: /Remember my choice/ })).toBeChecked()
  await panel.getByRole('button', { name: 'Import 4 studies' }).click()
  await expect(page.getByRole('status').first()).toContainText('Imported 4 studies (dose from RDSR for 3).', {
    timeout: 30_000,
  })

  // The dose says where it came from, and the ledger applies k per event.
  const dose = page.getByTestId('dose-view')
  const ledger = dose.getByTestId('dose-ledger')
  await expect(ledger).toContainText('From RDSR')
  await expect(ledger).toContainText('event 1: 300 mGy·cm × 0.014 (chest) = 4.2 mSv')
  await expect(ledger).toContainText('event 2: 500 mGy·cm × 0.015 (abdomen and pelvis) = 7.5 mSv')
  await expect(ledger).toContainText('Ga-68 DOTATATE 150 MBq')
  // 11.7 (CT, per event) + 6.9 (PET/CT) + 9 (the liver CT) + 0 (MRI).
  await expect(dose.getByTestId('dose-total')).toContainText('27.6 mSv')
  await expect(page.getByTestId('timeline-study').filter({ hasText: 'dose from RDSR' })).toHaveCount(3)
  // The engine ran on the imported history: the recommendation reads the newest study (the MRI).
  await expect(page.getByTestId('recommendation')).toContainText('2026-02-02')
  await page.screenshot({ path: `${SHOTS}/pacs-imported.png`, fullPage: true })

  // A second search shows them in the log; importing them again adds nothing.
  await panel.getByRole('button', { name: 'Find studies in PACS' }).click()
  await expect(list.getByTestId('found-study').filter({ hasText: 'already in the log' })).toHaveCount(4)
  await expect(panel.getByRole('button', { name: 'Import 0 studies' })).toBeDisabled()
  const endpoints = await api<{ id: number }[]>(page, 'pacs.list', {})
  const job = await api<{ id: string }>(page, 'pacs.import', {
    patientId: (await api<{ items: { id: number }[] }>(page, 'patients.list', { limit: 1, offset: 0 }))
      .items[0]!.id,
    endpointId: endpoints[0]!.id,
    studies: [
      { studyInstanceUid: seeded.ct.studyInstanceUid, procedure: 'ct-abdomen-pelvis-with-iv-contrast' },
    ],
  })
  await expect
    .poll(
      async () =>
        (
          await api<{ state: string; result: { skipped: unknown[] } | null }>(page, 'jobs.status', {
            jobId: job.id,
          })
        ).result?.skipped.length,
      {
        timeout: 20_000,
      },
    )
    .toBe(1)
  const detail = await api<{ studies: unknown[] }>(page, 'patients.detail', {
    id: (await api<{ items: { id: number }[] }>(page, 'patients.list', { limit: 1, offset: 0 })).items[0]!.id,
  })
  expect(detail.studies).toHaveLength(4)

  // The rule made on the spot is in the mapping table.
  await page.getByRole('button', { name: 'Settings', exact: true }).click()
  await expect(
    page.getByTestId('mapping-settings').getByRole('row', { name: /liver triphasic/ }),
  ).toContainText('CT abdomen and pelvis with IV contrast')
})

test('a PACS that refuses the sign-in gives a clear message and changes nothing', async ({ page, log }) => {
  const host = await log.start()
  await startEmpty(page, host.url)
  const p = await api<{ id: number }>(page, 'patients.create', patientFacts(MRN, 'Pacs, Patricia'))
  await api(page, 'pacs.save', {
    endpoint: {
      name: 'Wrong password',
      baseUrl: orthanc.dicomWeb,
      auth: 'basic',
      username: USER.name,
      secret: 'nope',
      timeoutMs: 5000,
    },
  })
  await openByMrn(page, MRN, 'Pacs, Patricia')
  await page.getByTestId('studies-in').getByRole('button', { name: 'Find studies in PACS' }).click()
  await expect(page.getByTestId('studies-in').getByRole('alert')).toContainText(
    'The PACS “Wrong password” refused the request (HTTP 401): check the user name, password or token in Settings.',
  )
  expect((await api<{ studies: unknown[] }>(page, 'patients.detail', { id: p.id })).studies).toHaveLength(0)
})
