import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { api } from './app'
import { expect, test } from './host'

// Guideline packs end to end on the demo log: import a changed pack (follow-up MRI rated may be
// appropriate), see which open cases it would move, adopt it, see the recommendations superseded by
// ones from the new pack version, and revert.

const SHOTS = 'test-results/screenshots'
const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast'

/** axe-core, WCAG 2.2 AA, on the screen as it is, in both themes. */
async function axeBothThemes(page: Page): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    const r = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'])
      .analyze()
    expect(r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
      [],
    )
    await page.getByRole('button', { name: `Switch to the ${theme} theme` }).click()
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
  }
}

function changedPack(): string {
  const builtIn = path.resolve('engine/guideline/packs/acr-pnet-2026.2.json')
  const d = JSON.parse(fs.readFileSync(builtIn, 'utf8')) as {
    version: string
    variants: { id: string; cells: { procedure: string; rating: string }[] }[]
  }
  d.version = '2027.1-test'
  d.variants
    .find((v) => v.id === 'follow-up-non-liver-dominant')!
    .cells.find((c) => c.procedure === MRI)!.rating = 'may-be-appropriate'
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-pack-'))
  const file = path.join(dir, 'acr-pnet-2027.1-test.json')
  fs.writeFileSync(file, JSON.stringify(d, null, 2))
  return file
}

test('import a changed pack, compare, adopt (recommendations superseded by the new version), revert', async ({
  page,
  log,
}) => {
  test.setTimeout(120_000)
  const host = await log.start()
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Load the demo log' }).click()
  await expect(page.getByRole('heading', { name: 'Worklist' })).toBeVisible()

  await page.getByRole('button', { name: 'Guideline packs' }).click()
  await expect(page.getByRole('heading', { name: 'Guideline packs' })).toBeVisible()
  await expect(page.getByTestId('pack-in-use')).toHaveText('acr-pnet 2026.2')

  // A broken file is refused with its problems listed by path.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-pack-'))
  const broken = path.join(dir, 'broken.json')
  fs.writeFileSync(broken, JSON.stringify({ format: 'pnet-guideline-pack/1', id: 'x', version: '1' }))
  await page.getByTestId('pack-file').setInputFiles(broken)
  await expect(page.getByTestId('packs-message')).toContainText('broken.json was not imported')
  await expect(page.getByTestId('pack-problems')).toContainText('variants')

  await page.getByTestId('pack-file').setInputFiles(changedPack())
  await expect(page.getByTestId('packs-message')).toContainText(
    'Imported acr-pnet 2027.1-test (not in use yet)',
  )
  const row = page.getByTestId('pack-row').filter({ hasText: '2027.1-test' })
  await expect(row).toContainText('Not in use')
  await expect(row).toContainText(/[0-9a-f]{12}…/)

  await row.getByRole('button', { name: /Compare/ }).click()
  await expect(page.getByTestId('comparison-summary')).toContainText(/\d+ of \d+ open cases would change/)
  const moved = page.getByTestId('comparison-row')
  await expect(moved.first()).toBeVisible()
  const movedCount = await moved.count()
  expect(movedCount).toBeGreaterThan(0)
  await expect(moved.first()).toContainText('CT abdomen and pelvis with IV contrast')
  await expect(moved.first()).toContainText('which this pack rates may be appropriate')
  await page.screenshot({ path: `${SHOTS}/packs-comparison.png`, fullPage: true })
  await axeBothThemes(page)

  const firstName = (await moved.first().getByRole('button').first().innerText()).trim()
  const firstMrn = (await moved.first().locator('.mono').first().innerText()).trim()
  await page.getByRole('button', { name: 'Adopt 2027.1-test…' }).click()
  await page.getByRole('button', { name: 'Adopt and re-evaluate' }).click()
  await expect(page.getByTestId('packs-message')).toContainText('Now using acr-pnet 2027.1-test')
  await expect(page.getByTestId('pack-in-use')).toHaveText('acr-pnet 2027.1-test')
  await expect(page.getByTestId('stale-none')).toBeVisible()

  // The moved patient's recommendation comes from the new pack; the one before is superseded.
  await page.getByRole('button', { name: '← Worklist' }).click()
  await page.getByTestId('bucket-all').click()
  await page
    .getByTestId('worklist-row')
    .filter({ hasText: firstMrn })
    .getByRole('button', { name: firstName })
    .click()
  await expect(page.getByTestId('recommendation')).toContainText('acr-pnet 2027.1-test')
  await expect(page.getByTestId('next-procedure')).toHaveText('CT abdomen and pelvis with IV contrast')
  const recs = page.getByTestId('timeline-recommendation')
  await expect(recs.first()).toContainText('after the guideline pack changed')
  await expect(recs.first()).toContainText('pack acr-pnet 2027.1-test')
  await expect(recs.nth(1)).toContainText('superseded')
  await expect(recs.nth(1)).toContainText('pack acr-pnet 2026.2')

  // Revert: back to the built-in pack, the same way.
  await page.getByRole('button', { name: 'Guideline packs' }).click()
  await page.getByRole('button', { name: 'Revert to 2026.2' }).click()
  await page.getByRole('button', { name: 'Revert and re-evaluate' }).click()
  await expect(page.getByTestId('packs-message')).toContainText('Back to acr-pnet 2026.2')
  await expect(page.getByTestId('pack-in-use')).toHaveText('acr-pnet 2026.2')
  const listing = await api<{ packs: { version: string; active: boolean }[] }>(page, 'packs.list', {})
  expect(listing.packs.find((p) => p.active)?.version).toBe('2026.2')

  // The site rule is the site's, off as shipped; turning it on changes no study.
  const rule = page.getByRole('checkbox', { name: /^Site rule: Tumour growth rate/ })
  await expect(rule).not.toBeChecked()
  await expect(page.getByTestId('site-rules')).toContainText('not the ACR’s')
  await rule.click()
  await expect(page.getByTestId('packs-message')).toContainText('Site rule on')
  await expect(rule).toBeChecked()
  await page.screenshot({ path: `${SHOTS}/packs-reverted.png`, fullPage: true })
})
