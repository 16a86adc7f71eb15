import {
  keepPreviousData,
  type QueryClient,
  queryOptions,
  useInfiniteQuery,
  useQueries,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query'
import type { AuditExportFilter, WorklistCursor, WorklistRow } from '../../../electron/contract/contract'
import { worklistSortKey } from '../../../engine'
import { fetchValue } from './fetch'
import { queryKeys, type WorklistFilter, type WorklistSummaryFilter } from './keys'

// Every read of the renderer: a keyed query per call (keys in data/keys.ts).

// The reads the first screen needs have their options here, shared by their hooks and by the reads
// sent together as the page loads (app/startup.ts), so both land in the same cache entries.

export const appInfoQuery = queryOptions({
  queryKey: queryKeys.appInfo,
  queryFn: () => fetchValue('app.info', {}),
})

export const settingsQuery = queryOptions({
  queryKey: queryKeys.settings,
  queryFn: () => fetchValue('settings.get', {}),
})

export const sessionQuery = queryOptions({
  queryKey: queryKeys.session,
  queryFn: () => fetchValue('session.status', {}),
})

export function useAppInfo(enabled: boolean) {
  return useQuery({
    ...appInfoQuery,
    enabled,
    // The calendar day moves on while the app stays open: re-read it every minute and when the
    // window regains focus (App invalidates the day-dependent lists when it changes).
    refetchInterval: 60_000,
    refetchIntervalInBackground: true,
    refetchOnWindowFocus: 'always',
  })
}

export function useSettings(enabled: boolean) {
  return useQuery({ ...settingsQuery, enabled })
}

/** Who is signed in at this window; read again when a call answers SIGNED_OUT (api.ts). */
export function useSession(enabled: boolean) {
  return useQuery({ ...sessionQuery, enabled })
}

/** The accounts (a radiologist's Users screen). */
export function useUsers() {
  return useQuery({ queryKey: queryKeys.users, queryFn: () => fetchValue('users.list', {}) })
}

/** How many patients the demo log loaded are still there, as the back end records it. */
export function useDemoStatus(enabled: boolean) {
  return useQuery({ queryKey: queryKeys.demo, queryFn: () => fetchValue('demo.status', {}), enabled })
}

export function usePatientDetail(id: number) {
  return useQuery({
    queryKey: queryKeys.patients.detail(id),
    queryFn: () => fetchValue('patients.detail', { id }),
  })
}

/** Older recommendations per `recommendations.page` call. */
export const OLDER_RECOMMENDATIONS_PAGE = 50

/**
 * A patient's recommendations older than the ones the patient page came with (summaries), read
 * page by page when the person asks for them.
 */
export function useOlderRecommendations(patientId: number, beforeId: number | null, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: queryKeys.patients.olderRecommendations(patientId, beforeId ?? 0),
    queryFn: ({ pageParam }) =>
      fetchValue('recommendations.page', {
        patientId,
        beforeId: pageParam,
        limit: OLDER_RECOMMENDATIONS_PAGE,
      }),
    initialPageParam: beforeId,
    getNextPageParam: (last) => (last.more ? (last.recommendations.at(-1)?.id ?? null) : null),
    enabled: enabled && beforeId !== null,
  })
}

/** Rows per `worklist.page` call. */
export const WORKLIST_PAGE = 100

/**
 * The worklist's counts and total for a filter, with the filter they answer (`filter`). While a new
 * filter is read, the previous answer stays on screen (`isPlaceholderData`), so the tabs and the
 * list length do not flicker; what is said about the figures names the filter they are for.
 */
export function useWorklistSummary(filter: WorklistSummaryFilter) {
  return useQuery({ ...worklistSummaryQuery(filter), placeholderData: keepPreviousData })
}

export const worklistSummaryQuery = (filter: WorklistSummaryFilter) =>
  queryOptions({
    queryKey: queryKeys.worklist.summary(filter),
    queryFn: async () => ({ ...(await fetchValue('worklist.summary', filter)), filter }),
  })

/** The first page of the list for a filter (`useWorklistPages` reads page 0 under the same key). */
export const worklistFirstPageQuery = (filter: WorklistFilter) =>
  queryOptions({
    queryKey: queryKeys.worklist.page(filter, 0),
    queryFn: () => fetchValue('worklist.page', { ...filter, limit: WORKLIST_PAGE }),
  })

/** Sends the reads of a worklist's counts and first page ahead of the screen that shows them. */
export function readWorklistAhead(
  client: QueryClient,
  filters: { summary: WorklistSummaryFilter; rows: WorklistFilter },
): void {
  void client.prefetchQuery(worklistSummaryQuery(filters.summary))
  void client.prefetchQuery(worklistFirstPageQuery(filters.rows))
}

/** The list's length as the summary gives it: exact, or the first rows of a larger search. */
export interface WorklistSize {
  total: number
  exact: boolean
}

/**
 * The worklist pages the virtual list needs now, each a query of its own keyed by filter and page
 * number: scrolling (or End) reads only the pages that come into view, in any order, and a page
 * already read is served from the cache. A page is read as a seek from a page beside it already in
 * the cache (after the last row of the one above, or before the first row of the one below), the
 * last page backwards from the end; only a page with neither (a jump with the scrollbar) is asked
 * for by its position, which the back end finds in the list's sparse key index and reads by cursor
 * (no OFFSET: it costs what the first page costs), and the pages beside it are then read from it.
 */
export function useWorklistPages(filter: WorklistFilter, pages: readonly number[], size: WorklistSize) {
  const client = useQueryClient()
  const lastPage = Math.max(0, Math.ceil(size.total / WORKLIST_PAGE) - 1)
  // Only a last page read backwards from the end depends on the length (the first page is always
  // read from the start, so a new total for the same filter does not read it again).
  const key = (page: number) =>
    queryKeys.worklist.page(
      filter,
      page,
      page > 0 && page === lastPage && size.exact ? size.total : undefined,
    )
  const where = (page: number): { cursor?: WorklistCursor; offset?: number; limit: number } => {
    const above = client.getQueryData<WorklistRow[]>(key(page - 1))
    const below = client.getQueryData<WorklistRow[]>(key(page + 1))
    const seek = (row: WorklistRow, at: 'after' | 'before'): WorklistCursor => ({
      at,
      key: worklistSortKey(row, filter.sort),
      patientId: row.patientId,
    })
    const limit = WORKLIST_PAGE
    if (page === 0) return { limit }
    if (above?.length === WORKLIST_PAGE) return { cursor: seek(above.at(-1)!, 'after'), limit }
    if (below?.[0]) return { cursor: seek(below[0], 'before'), limit }
    // The end of the whole list is the end of this page only when the total is exact.
    if (page === lastPage && size.exact) return { cursor: { at: 'end' }, limit: size.total - page * limit }
    return { offset: page * WORKLIST_PAGE, limit }
  }
  return useQueries({
    queries: pages.map((page) => ({
      queryKey: key(page),
      queryFn: () => fetchValue('worklist.page', { ...filter, ...where(page) }),
      // Only the length changed (the same filter and page): the rows stay on screen meanwhile.
      placeholderData: (previous: WorklistRow[] | undefined, query?: { queryKey: readonly unknown[] }) =>
        query && query.queryKey[3] === page && JSON.stringify(query.queryKey[2]) === JSON.stringify(filter)
          ? previous
          : undefined,
    })),
    combine: (results) => {
      const loaded = new Map<number, WorklistRow[]>()
      results.forEach((r, i) => {
        if (r.data) loaded.set(pages[i]!, r.data)
      })
      return { loaded, error: results.find((r) => r.error)?.error ?? null }
    },
  })
}

/** Patients who left surveillance, with the reason (the worklist's "Left surveillance" tab). */
export function useLeftSurveillance(search: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.worklist.left(search),
    queryFn: () => fetchValue('worklist.left', { ...(search ? { search } : {}), limit: 200, offset: 0 }),
    enabled,
    placeholderData: keepPreviousData,
  })
}

/** The PACS endpoints (never their secrets). */
export function usePacsEndpoints() {
  return useQuery({ queryKey: queryKeys.pacs, queryFn: () => fetchValue('pacs.list', {}) })
}

/** The procedure mapping table. */
export function useProcedureMappings() {
  return useQuery({ queryKey: queryKeys.mappings, queryFn: () => fetchValue('mappings.list', {}) })
}

/**
 * On time / early / late of the closed imaging steps whose study is dated in the period (the
 * engine's figures; see docs/followup-lifecycle.md for how they differ from Within Health's).
 */
export function useAdherence(range: { from: string; to: string }) {
  return useQuery({
    queryKey: queryKeys.worklist.adherence(range),
    queryFn: () => fetchValue('followup.adherence', range),
    placeholderData: keepPreviousData,
  })
}

/** The guideline packs in the log, the one in use, and the open cases still on another pack. */
export function usePacks() {
  return useQuery({ queryKey: queryKeys.packs, queryFn: () => fetchValue('packs.list', {}) })
}

/** Entries per `audit.list` call. */
export const AUDIT_PAGE = 50

/**
 * The audit trail for a filter, newest first, page after page (`fetchNextPage` reads the next
 * one, keyset-paged by id). Read afresh whenever it is shown: every call of the app may add to it.
 */
export function useAuditPages(filter: AuditExportFilter) {
  return useInfiniteQuery({
    queryKey:
      filter.patientId != null
        ? queryKeys.patients.history(filter.patientId, filter)
        : queryKeys.audit.pages(filter),
    queryFn: ({ pageParam }) =>
      fetchValue('audit.list', { ...filter, beforeId: pageParam, limit: AUDIT_PAGE }),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.next,
    staleTime: 0,
    refetchOnMount: 'always',
    placeholderData: keepPreviousData,
  })
}

/** Everyone with an entry in the audit trail (the filter by person). */
export function useAuditActors() {
  return useQuery({
    queryKey: queryKeys.audit.actors,
    queryFn: () => fetchValue('audit.actors', {}),
    staleTime: 0,
    refetchOnMount: 'always',
  })
}
