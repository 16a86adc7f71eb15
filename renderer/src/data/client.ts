import { focusManager, QueryClient } from '@tanstack/react-query'

/**
 * The renderer's one QueryClient. The back end changes only through this renderer's own calls,
 * and each change invalidates what it touched (data/mutations.ts), so data stays fresh until
 * then (`staleTime: Infinity`) and nothing refetches on focus or reconnect by itself; a refused
 * call is the back end's answer, not a network blip, so nothing is retried. `app.info` (today's
 * date) opts in to refetching on focus and every minute (data/queries.ts).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: Infinity,
        retry: false,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
      },
      mutations: { retry: false },
    },
  })
}

/**
 * "The window regained focus" for TanStack Query: the window's focus as well as the page's
 * visibility (a desktop window beside another app stays visible while it loses focus).
 */
export function watchWindowFocus(): void {
  focusManager.setEventListener((setFocused) => {
    const focus = () => setFocused(true)
    const blur = () => setFocused(false)
    const visibility = () => setFocused(document.visibilityState === 'visible')
    window.addEventListener('focus', focus)
    window.addEventListener('blur', blur)
    document.addEventListener('visibilitychange', visibility)
    return () => {
      window.removeEventListener('focus', focus)
      window.removeEventListener('blur', blur)
      document.removeEventListener('visibilitychange', visibility)
    }
  })
}
