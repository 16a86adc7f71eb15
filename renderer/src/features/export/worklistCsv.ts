// The worklist's tab and filter as CSV: every row (not only those on screen), in the order shown,
// with the words the worklist uses. Written by the one CSV writer (./csv.ts).
import type { WorklistBucket, WorklistRow } from '../../../../electron/contract/contract'
import { procedureName, resultLabel, variantLabel, windowStatus } from '../../domain/labels'
import { toCsv, type CsvCell } from './csv'

export const WORKLIST_COLUMNS = [
  'Patient name',
  'MRN',
  'Demo',
  'Variant',
  'Next step',
  'Due from',
  'Due to',
  'Status',
  'Changed by the radiologist',
  'Last study date',
  'Last result',
  'Cumulative effective dose (mSv)',
  'Dose estimated',
  'Dose incomplete',
  'MRI contraindicated',
  'New symptoms',
  'Requested study not appropriate',
] as const

export function worklistRows(rows: readonly WorklistRow[], today: string): CsvCell[][] {
  return [
    [...WORKLIST_COLUMNS],
    ...rows.map((r): CsvCell[] => [
      r.name,
      r.mrn,
      r.isDemo,
      variantLabel(r.variant),
      r.item ? (r.item.procedure ? procedureName(r.item.procedure) : r.item.reason) : null,
      r.item?.due.from,
      r.item?.due.to,
      r.item ? windowStatus(r.item.due, today).label : null,
      r.item?.overridden,
      r.lastStudyDate,
      r.lastResult ? resultLabel(r.lastResult) : null,
      r.cumulativeMsv,
      r.doseEstimated,
      r.doseIncomplete,
      r.flags.mriContraindicated,
      r.flags.newSymptoms,
      r.flags.requestNotAppropriate,
    ]),
  ]
}

export function worklistCsv(rows: readonly WorklistRow[], today: string): string {
  return toCsv(worklistRows(rows, today))
}

export function worklistFileName(bucket: WorklistBucket, today: string): string {
  return `pnet-worklist_${bucket}_${today}.csv`
}
