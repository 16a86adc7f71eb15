import { QueryClientProvider } from '@tanstack/react-query'
import { render as renderPlain, type RenderOptions } from '@testing-library/react'
import type { ReactElement, ReactNode } from 'react'
import { createQueryClient } from '../../renderer/src/data/client'

/** Testing Library's `render` inside a fresh QueryClient, as the app renders every component. */
export function render(ui: ReactElement, options: Omit<RenderOptions, 'wrapper'> = {}) {
  const client = createQueryClient()
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  )
  return renderPlain(ui, { ...options, wrapper })
}
