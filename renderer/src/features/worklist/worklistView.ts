import type { VariantId, WorklistBucket, WorklistSort } from '../../../../electron/contract/contract'
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
