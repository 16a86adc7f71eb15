import { useState } from 'react'
import type { VariantId, WorklistSort } from '../../../../electron/contract/contract'
import { call } from '../../api'
import type { WorklistSummaryFilter } from '../../data/keys'
import { BUCKET_LABELS, variantLabel } from '../../domain/labels'
import { CalendarDialog } from '../export/CalendarDialog'
import { downloadText } from '../export/save'
import { worklistCsv, worklistFileName } from '../export/worklistCsv'

/**
 * The worklist's tab and filter out of the app: every row as CSV (not only those on screen), or
 * the open steps as a calendar file.
 */
export function WorklistExports({
  filter,
  sort,
  descending,
  total,
  exact,
  today,
}: {
  filter: WorklistSummaryFilter
  sort: WorklistSort
  descending: boolean
  total: number
  /** False when a search matches more patients than `total` (the list's first rows). */
  exact: boolean
  today: string
}) {
  const [calendarOpen, setCalendarOpen] = useState(false)
  const [note, setNote] = useState<string | null>(null)
  const [exporting, setExporting] = useState(false)
  // The tab and filter in words, for file titles and messages.
  const words = [
    BUCKET_LABELS[filter.bucket],
    filter.variant ? variantLabel(filter.variant as VariantId) : null,
    filter.search ? `“${filter.search}”` : null,
  ]
    .filter(Boolean)
    .join(', ')

  async function exportCsv() {
    setExporting(true)
    const r = await call('worklist.export', { ...filter, sort, descending })
    setExporting(false)
    if (!r.ok) return setNote(`The worklist was not exported: ${r.error.message}`)
    downloadText(worklistFileName(filter.bucket, today), worklistCsv(r.value.rows, today))
    setNote(
      `Saved ${r.value.rows.length} ${r.value.rows.length === 1 ? 'row' : 'rows'} of ${words} as CSV${
        r.value.truncated ? ' (cut at the export limit)' : ''
      }.`,
    )
  }

  return (
    <>
      <button
        type="button"
        className="button"
        disabled={exporting || total === 0}
        onClick={() => void exportCsv()}
      >
        Export CSV
      </button>
      <button type="button" className="button" disabled={total === 0} onClick={() => setCalendarOpen(true)}>
        Calendar (.ics)…
      </button>
      {note && (
        <span className="notice" role="status" data-testid="worklist-export-note">
          {note}
        </span>
      )}
      <CalendarDialog
        isOpen={calendarOpen}
        scope={{ kind: 'worklist', ...filter, title: `pNET follow-up: ${words}` }}
        what={
          exact
            ? `the ${total} ${total === 1 ? 'patient' : 'patients'} of ${words}`
            : `the more than ${total.toLocaleString('en')} patients of ${words}`
        }
        onClose={(message) => {
          setCalendarOpen(false)
          if (message) setNote(message)
        }}
      />
    </>
  )
}
