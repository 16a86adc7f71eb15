import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect } from './host'

// One axe-core scan of the page as it is (WCAG 2.2 AA): it must find no violation; the figures
// are printed for the record. Used by the accessibility spec and by the specs of newer screens.

const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']

export async function scan(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze()
  const found = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  )
  const theme = await page.locator('html').getAttribute('data-theme')
  console.log(
    `axe ${screen} [${theme ?? 'dark'}]: ${result.violations.length} violations, ${result.passes.length} rules passed`,
  )
  expect(found, `${screen} in the ${theme ?? 'dark'} theme`).toEqual([])
}
