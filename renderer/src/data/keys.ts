import type { AuditExportFilter, WorklistQuery } from '../../../electron/contract/contract'

/** What selects the rows of the worklist (the paging is added per page). */
export type WorklistFilter = Omit<WorklistQuery, 'limit' | 'offset'>
/** What the worklist's counts and total depend on (not the sort order). */
export type WorklistSummaryFilter = Pick<WorklistQuery, 'bucket' | 'search' | 'variant'>

/**
 * Every query key of the renderer, in one place. Each read is cached under one of these, and each
 * change (data/mutations.ts) invalidates the keys of exactly what it changed. Keys are prefixes of
 * each other where one change touches a family: `worklist.all` covers the summary and every page,
 * `patients.all` every patient's detail.
 */
export const queryKeys = {
  appInfo: ['app', 'info'] as const,
  /** Background jobs (backups, the re-dose after a dose-setting change): the top bar's progress. */
  jobs: ['jobs', 'list'] as const,
  settings: ['settings'] as const,
  /** Who is signed in at this window (session.status). */
  session: ['session'] as const,
  users: ['users'] as const,
  demo: ['demo', 'status'] as const,
  packs: ['packs'] as const,
  pacs: ['pacs', 'endpoints'] as const,
  mappings: ['pacs', 'mappings'] as const,
  worklist: {
    all: ['worklist'] as const,
    /** Every summary (counts and total) of the list, whatever the filter. */
    summaryAll: ['worklist', 'summary'] as const,
    summary: (filter: WorklistSummaryFilter) => ['worklist', 'summary', filter] as const,
    /**
     * A page of the list; the last page also names the list's length (it is read backwards from
     * the end, so which rows it holds depends on it).
     */
    page: (filter: WorklistFilter, page: number, lastOf?: number) =>
      ['worklist', 'page', filter, page, ...(lastOf === undefined ? [] : [lastOf])] as const,
    left: (search: string) => ['worklist', 'left', search] as const,
    /** Adherence figures over a period of study dates (changed by every study and correction). */
    adherence: (range: { from: string; to: string }) => ['worklist', 'adherence', range] as const,
  },
  /** The audit trail screen's pages for a filter (read afresh whenever the screen opens). */
  audit: {
    all: ['audit'] as const,
    pages: (filter: AuditExportFilter) => ['audit', 'pages', filter] as const,
    actors: ['audit', 'actors'] as const,
  },
  patients: {
    all: ['patient'] as const,
    detail: (id: number) => ['patient', id, 'detail'] as const,
    /**
     * The patient's history of changes: under the detail's key, so every change that reloads the
     * patient's page reloads their history too.
     */
    history: (id: number, filter: AuditExportFilter) => ['patient', id, 'detail', 'history', filter] as const,
    /** The patient's recommendations older than the page's (`recommendations.page`), from `beforeId` on. */
    olderRecommendations: (id: number, beforeId: number) =>
      ['patient', id, 'recommendations', beforeId] as const,
  },
} as const
