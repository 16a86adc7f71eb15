import type { VariantId, WorklistBucket, WorklistSort } from '../../../../electron/contract/contract'
import type { WorklistFilter, WorklistSummaryFilter } from '../../data/keys'
import type { AdherencePeriod } from '../../domain/adherence'

/**
 * What the worklist shows: the tab, the search, the variant filter, the sort, the selected row, the
 * open "Left surveillance" list and the adherence period. The app keeps it while a patient is open,
 * so returning from a patient finds the list as it was left.
 */
export interface WorklistView {
  bucket: WorklistBucket
  searchText: string
  variant: VariantId | ''
  sort: WorklistSort
  descending: boolean
  /** The selected row's index in the list. */
  active: number
  leftOpen: boolean
  period: AdherencePeriod
}

export const INITIAL_WORKLIST_VIEW: WorklistView = {
  bucket: 'now',
  searchText: '',
  variant: '',
  sort: 'due',
  descending: false,
  active: 0,
  leftOpen: false,
  period: '12m',
}

/**
 * What the list reads for a view and the search being read (the typed one may still wait): the
 * filter of its counts and total, and the same with the sort for its rows.
 */
export function worklistFilters(
  view: Pick<WorklistView, 'bucket' | 'variant' | 'sort' | 'descending'>,
  search: string,
): { summary: WorklistSummaryFilter; rows: WorklistFilter } {
  const summary: WorklistSummaryFilter = {
    bucket: view.bucket,
    ...(search ? { search } : {}),
    ...(view.variant ? { variant: view.variant } : {}),
  }
  return { summary, rows: { ...summary, sort: view.sort, descending: view.descending } }
}
