// @vitest-environment happy-dom
import '@testing-library/jest-dom/vitest'
import { cleanup, render, screen, waitFor } from '@testing-library/react'
import { useRef } from 'react'
import { Tab, TabList, Tabs } from 'react-aria-components'
import { afterEach, describe, expect, it } from 'vitest'
import { SelectedPanel } from '../../../renderer/src/features/worklist/Worklist'

// The worklist's tab panel is our own element (React Aria's TabPanel watched the whole grid below
// it): it must still be the panel the selected tab controls and be labelled by that tab, from its
// first render on, whether or not anything renders the tabs again.

afterEach(cleanup)

function Strip({ selected }: { selected: string }) {
  const list = useRef<HTMLDivElement>(null)
  return (
    <Tabs selectedKey={selected}>
      <TabList ref={list} aria-label="Due status">
        <Tab id="now">Now</Tab>
        <Tab id="overdue">Overdue</Tab>
      </TabList>
      <SelectedPanel key={selected} tabList={list} />
    </Tabs>
  )
}

describe('the worklist tab panel', () => {
  it('takes the id the selected tab controls and its label once React Aria has named the tabs', async () => {
    const { rerender } = render(<Strip selected="overdue" />)
    const tab = screen.getByRole('tab', { selected: true })
    await waitFor(() => expect(tab.getAttribute('aria-controls')).toBeTruthy())
    // Nothing rendered again since the mount: the panel followed the tabs on its own.
    const panel = screen.getByRole('tabpanel')
    await waitFor(() => expect(panel).toHaveAttribute('id', tab.getAttribute('aria-controls')!))
    expect(panel).toHaveAttribute('aria-labelledby', tab.id)
    rerender(<Strip selected="now" />)
    const now = screen.getByRole('tab', { name: 'Now' })
    await waitFor(() =>
      expect(screen.getByRole('tabpanel')).toHaveAttribute('id', now.getAttribute('aria-controls')!),
    )
    expect(screen.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', now.id)
  })
})
