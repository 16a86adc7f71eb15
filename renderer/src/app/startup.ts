import type { QueryClient } from '@tanstack/react-query'
import { isConnected } from '../api'
import { appInfoQuery, readWorklistAhead, sessionQuery, settingsQuery } from '../data/queries'
import { vaultStatusAtStart } from '../features/unlock/Unlock'
import { INITIAL_WORKLIST_VIEW, worklistFilters } from '../features/worklist/worklistView'

/**
 * The reads the first screen needs, sent together as the page loads rather than one screen after
 * another (the lock's state, then who is signed in, then the settings, then the worklist's counts,
 * then its first rows: five round trips in a row). Each lands in the cache entry its screen reads,
 * so the worklist's first rows are on screen as soon as the gates before it open. While the log is
 * locked or nobody is signed in, the back end refuses the reads behind the gate (nothing is
 * disclosed); a refused read is read again when its screen mounts.
 */
export function readFirstScreen(client: QueryClient): void {
  if (!isConnected()) return
  void vaultStatusAtStart()
  void client.prefetchQuery(sessionQuery)
  void client.prefetchQuery(appInfoQuery)
  void client.prefetchQuery(settingsQuery)
  readWorklistAhead(client, worklistFilters(INITIAL_WORKLIST_VIEW, ''))
}
