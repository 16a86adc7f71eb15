import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef, useState } from 'react'
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components'
import type {
  VariantId,
  WorklistBucket,
  WorklistCounts,
  WorklistRow,
  WorklistSort,
} from '../../../../electron/contract/contract'
import { WORKLIST_BUCKETS } from '../../../../engine'
import { useShortcut } from '../../app/shortcuts'
import { errorText } from '../../data/fetch'
import type { WorklistFilter, WorklistSummaryFilter } from '../../data/keys'
import { useWorklistPages, useWorklistSummary, WORKLIST_PAGE } from '../../data/queries'
import {
  BUCKET_LABELS,
  formatMsv,
  procedureShortName,
  resultLabel,
  variantLabel,
  VARIANT_OPTIONS,
  windowStatus,
} from '../../domain/labels'
import { CalendarDialog } from '../export/CalendarDialog'
import { downloadText } from '../export/save'
import { worklistCsv, worklistFileName } from '../export/worklistCsv'
import { call } from '../../api'
import { useDebounced } from './useDebounced'
import { useLeftSurveillance } from '../../data/queries'
import { exitText } from '../../domain/labels'

interface Props {
  today: string
  onOpen: (patientId: number) => void
  onRecord: (patientId: number) => void
  /** The empty worklist points to these: add the first patient, or try the demo log. */
  onAddPatient: () => void
  onLoadDemo: () => Promise<void>
}

const BUCKET_COUNT: Record<WorklistBucket, (c: WorklistCounts) => number> = {
  now: (c) => c.overdue + c.due,
  overdue: (c) => c.overdue,
  due: (c) => c.due,
  'upcoming-30': (c) => c.upcoming30,
  'upcoming-90': (c) => c.upcoming90,
  all: (c) => c.scheduled,
  attention: (c) => c.attention,
}

const BUCKETS = WORKLIST_BUCKETS.map((id) => ({ id, label: BUCKET_LABELS[id], count: BUCKET_COUNT[id] }))
const isBucket = (k: unknown): k is WorklistBucket => BUCKETS.some((b) => b.id === k)

const COLUMNS: Array<{ id: string; label: string; sort?: WorklistSort }> = [
  { id: 'patient', label: 'Patient', sort: 'name' },
  { id: 'mrn', label: 'MRN', sort: 'mrn' },
  { id: 'flags', label: 'Flags' },
  { id: 'variant', label: 'Variant' },
  { id: 'next', label: 'Next study' },
  { id: 'due', label: 'Due window', sort: 'due' },
  { id: 'result', label: 'Last result', sort: 'result' },
  { id: 'dose', label: 'Cumulative dose', sort: 'dose' },
]

const ROW_HEIGHT = 48
/** The sticky header row's height (px, as in styles.css `.grid__row--head`). */
const HEAD_HEIGHT = 44

export function Worklist({ today, onOpen, onRecord, onAddPatient, onLoadDemo }: Props) {
  const [bucket, setBucket] = useState<WorklistBucket>('now')
  const [searchText, setSearchText] = useState('')
  const [variant, setVariant] = useState<VariantId | ''>('')
  const [sort, setSort] = useState<WorklistSort>('due')
  const [descending, setDescending] = useState(false)
  const [active, setActive] = useState(0)
  const search = useDebounced(searchText.trim(), 150)
  const summaryFilter: WorklistSummaryFilter = {
    bucket,
    ...(search ? { search } : {}),
    ...(variant ? { variant } : {}),
  }
  const filter: WorklistFilter = { ...summaryFilter, sort, descending }
  const summary = useWorklistSummary(summaryFilter)
  const counts = summary.data?.counts ?? null
  const total = summary.data?.total ?? 0
  const scrollRef = useRef<HTMLDivElement>(null)
  const searchRef = useRef<HTMLInputElement>(null)

  // We do not use the React Compiler; useVirtualizer is TanStack's documented hook.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    // The rows scroll under the sticky header row, inside the same scrolling grid.
    scrollMargin: HEAD_HEIGHT,
    scrollPaddingStart: HEAD_HEIGHT,
  })
  const virtualRows = virtualizer.getVirtualItems()
  // The pages on screen, the active row's and the first (Enter in the search box opens row 0).
  const wanted = new Set<number>([0, Math.floor(active / WORKLIST_PAGE)])
  for (const v of virtualRows) wanted.add(Math.floor(v.index / WORKLIST_PAGE))
  const pages = useWorklistPages(
    filter,
    [...wanted].filter((p) => p * WORKLIST_PAGE < total).sort((x, y) => x - y),
  )
  const rowAt = (index: number): WorklistRow | undefined =>
    pages.loaded.get(Math.floor(index / WORKLIST_PAGE))?.[index % WORKLIST_PAGE]
  const error = summary.error ?? pages.error
  // The active row is named as the grid's active descendant only while it is rendered.
  const activeRendered = virtualRows.some((v) => v.index === active) && rowAt(active) !== undefined
  const [loadingDemo, setLoadingDemo] = useState(false)
  const [calendarOpen, setCalendarOpen] = useState(false)
  const [exportNote, setExportNote] = useState<string | null>(null)
  const [exporting, setExporting] = useState(false)
  // The tab and filter in words, for file titles and messages.
  const filterWords = [
    BUCKET_LABELS[bucket],
    variant ? variantLabel(variant) : null,
    search ? `“${search}”` : null,
  ]
    .filter(Boolean)
    .join(', ')

  async function exportCsv() {
    setExporting(true)
    const r = await call('worklist.export', { ...summaryFilter, sort, descending })
    setExporting(false)
    if (!r.ok) return setExportNote(`The worklist was not exported: ${r.error.message}`)
    downloadText(worklistFileName(bucket, today), worklistCsv(r.value.rows, today))
    setExportNote(
      `Saved ${r.value.rows.length} ${r.value.rows.length === 1 ? 'row' : 'rows'} of ${filterWords} as CSV${
        r.value.truncated ? ' (cut at the export limit)' : ''
      }.`,
    )
  }

  useEffect(() => setActive(0), [bucket, search, variant, sort, descending])

  useShortcut('/', () => searchRef.current?.focus(), { byCharacter: true })

  function move(to: number) {
    const next = Math.max(0, Math.min(total - 1, to))
    setActive(next)
    virtualizer.scrollToIndex(next, { align: 'auto' })
  }

  // The grid's own keys, while focus is on it.
  const gridKeys = useShortcut<HTMLDivElement>(
    ['down', 'up', 'pagedown', 'pageup', 'home', 'end', 'enter', 'r', 'shift+r'],
    (e) => {
      const row = rowAt(active)
      switch (e.key) {
        case 'ArrowDown':
          return move(active + 1)
        case 'ArrowUp':
          return move(active - 1)
        case 'PageDown':
          return move(active + 10)
        case 'PageUp':
          return move(active - 10)
        case 'Home':
          return move(0)
        case 'End':
          return move(total - 1)
        case 'Enter':
          if (row) onOpen(row.patientId)
          return
        default:
          if (row) onRecord(row.patientId)
      }
    },
  )

  function sortBy(s: WorklistSort) {
    if (s === sort) setDescending((d) => !d)
    else {
      setSort(s)
      setDescending(s === 'dose')
    }
  }

  return (
    <section className="panel worklist" aria-labelledby="worklist-title">
      <div className="panel__head">
        <h2 id="worklist-title">Worklist</h2>
        <div className="worklist__tools">
          <input
            ref={searchRef}
            type="search"
            className="search"
            aria-label="Find a patient by name or MRN"
            placeholder="Find name or MRN  ( / )"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' || e.key === 'Enter') {
                e.preventDefault()
                document.getElementById('worklist-grid')?.focus()
                // Open the first match only once the list shows this very search (not the
                // previous one, still on screen while the typing settles).
                if (
                  e.key === 'Enter' &&
                  total > 0 &&
                  !summary.isPlaceholderData &&
                  search === searchText.trim()
                ) {
                  const row = rowAt(0)
                  if (row) onOpen(row.patientId)
                }
              }
            }}
          />
          <label className="inline-label">
            Variant
            <select value={variant} onChange={(e) => setVariant(e.target.value as VariantId | '')}>
              <option value="">All variants</option>
              {VARIANT_OPTIONS.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.label}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button"
            disabled={exporting || total === 0}
            onClick={() => void exportCsv()}
          >
            Export CSV
          </button>
          <button
            type="button"
            className="button"
            disabled={total === 0}
            onClick={() => setCalendarOpen(true)}
          >
            Calendar (.ics)…
          </button>
        </div>
      </div>
      {exportNote && (
        <p className="notice" role="status" data-testid="worklist-export-note">
          {exportNote}
        </p>
      )}
      <CalendarDialog
        isOpen={calendarOpen}
        scope={{ kind: 'worklist', ...summaryFilter, title: `pNET follow-up: ${filterWords}` }}
        what={`the ${total} ${total === 1 ? 'patient' : 'patients'} of ${filterWords}`}
        onClose={(message) => {
          setCalendarOpen(false)
          if (message) setExportNote(message)
        }}
      />

      <Tabs
        selectedKey={bucket}
        onSelectionChange={(key) => {
          if (!isBucket(key)) return
          setBucket(key)
          setSearchText('')
        }}
      >
        <TabList className="tabs" aria-label="Due status">
          {BUCKETS.map((b) => (
            <Tab
              key={b.id}
              id={b.id}
              // A search lists every patient whatever the bucket: no tab is highlighted then,
              // and choosing one (even the current one) ends the search.
              className={({ isSelected }) => (isSelected && !search ? 'tab tab--active' : 'tab')}
              onPress={() => setSearchText('')}
              data-testid={`bucket-${b.id}`}
            >
              {b.label} <span className="tab__count">{counts ? b.count(counts) : '…'}</span>
            </Tab>
          ))}
        </TabList>
        {/* Keyed by the bucket: React Aria names a panel once, so each tab gets its own (the
            tab's aria-controls then points at the panel on screen). */}
        <TabPanel key={bucket} id={bucket} className="worklist__panel">
          {search && (
            <p className="worklist__note" role="status">
              {total} patient{total === 1 ? '' : 's'} matching “{search}”, with or without a scheduled study.
            </p>
          )}
          {error && <p role="alert">{errorText(error)}</p>}

          <div
            id="worklist-grid"
            className={total === 0 && counts ? 'grid grid--empty' : 'grid'}
            role="grid"
            aria-label="Worklist"
            aria-rowcount={total + 1}
            aria-colcount={COLUMNS.length}
            aria-activedescendant={total > 0 && activeRendered ? `wl-row-${active}` : undefined}
            tabIndex={0}
            ref={(el) => {
              gridKeys(el)
              scrollRef.current = el
            }}
            data-testid="worklist"
          >
            <div className="grid__head" role="rowgroup">
              <div className="grid__row grid__row--head" role="row" aria-rowindex={1}>
                {COLUMNS.map((c, i) => (
                  <div
                    key={c.id}
                    role="columnheader"
                    aria-colindex={i + 1}
                    className={`grid__cell grid__cell--${c.id}`}
                    aria-sort={
                      c.sort && c.sort === sort ? (descending ? 'descending' : 'ascending') : undefined
                    }
                  >
                    {c.sort ? (
                      <button className="sort" onClick={() => sortBy(c.sort!)}>
                        {c.label}
                        <span aria-hidden="true">{c.sort === sort ? (descending ? ' ▼' : ' ▲') : ''}</span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </div>
                ))}
              </div>
            </div>
            <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualRows.map((v) => {
                const row = rowAt(v.index)
                return (
                  <div
                    key={v.key}
                    id={`wl-row-${v.index}`}
                    role="row"
                    aria-rowindex={v.index + 2}
                    aria-selected={v.index === active}
                    className={v.index === active ? 'grid__row grid__row--active' : 'grid__row'}
                    style={{
                      position: 'absolute',
                      top: 0,
                      left: 0,
                      right: 0,
                      height: ROW_HEIGHT,
                      transform: `translateY(${v.start - HEAD_HEIGHT}px)`,
                    }}
                    onClick={() => setActive(v.index)}
                    onDoubleClick={() => row && onOpen(row.patientId)}
                    data-testid="worklist-row"
                  >
                    {row ? (
                      <Cells row={row} today={today} onOpen={onOpen} />
                    ) : (
                      <div role="gridcell" aria-colindex={1} className="grid__cell">
                        Loading…
                      </div>
                    )}
                  </div>
                )
              })}
            </div>
          </div>
          {total === 0 && counts && (
            <EmptyState
              searching={search !== ''}
              bucket={bucket}
              patients={counts.patients}
              scheduled={counts.scheduled}
              onAddPatient={onAddPatient}
              loadingDemo={loadingDemo}
              onLoadDemo={async () => {
                setLoadingDemo(true)
                await onLoadDemo()
                setLoadingDemo(false)
              }}
              onShowAll={() => setBucket('all')}
            />
          )}
        </TabPanel>
      </Tabs>
      <p className="keys">
        <kbd>↑</kbd>
        <kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>R</kbd> record a result · <kbd>/</kbd> find
      </p>
      <LeftSurveillance count={counts?.left ?? null} search={search} onOpen={onOpen} />
    </section>
  )
}

interface EmptyProps {
  searching: boolean
  bucket: WorklistBucket
  patients: number
  scheduled: number
  loadingDemo: boolean
  onAddPatient: () => void
  onLoadDemo: () => Promise<void>
  onShowAll: () => void
}

/** What an empty list means, and what to do next. */
function EmptyState(p: EmptyProps) {
  if (p.searching) {
    return (
      <div className="empty" data-testid="worklist-empty">
        <p>No patient matches. Check the spelling, or add the patient with “Add patient” above.</p>
      </div>
    )
  }
  if (p.patients === 0) {
    return (
      <div className="empty" data-testid="worklist-empty">
        <p>
          <strong>The log has no patients yet.</strong> Add your first patient: the app then recommends the
          next study and puts it on this list when it falls due. Or load ten invented demo patients to see the
          worklist at work (they can be removed with one button).
        </p>
        <div className="form__actions">
          <button type="button" className="button button--primary" onClick={p.onAddPatient}>
            Add the first patient
          </button>
          <button
            type="button"
            className="button"
            disabled={p.loadingDemo}
            onClick={() => void p.onLoadDemo()}
          >
            {p.loadingDemo ? 'Loading the demo…' : 'Load the demo patients'}
          </button>
        </div>
      </div>
    )
  }
  return (
    <div className="empty" data-testid="worklist-empty">
      <p>
        No patient in “{BUCKET_LABELS[p.bucket]}”.{' '}
        {p.scheduled > 0
          ? `${p.scheduled} ${p.scheduled === 1 ? 'study is' : 'studies are'} scheduled in all.`
          : 'No study is scheduled for any patient.'}{' '}
        Find a patient by name or MRN above, or add one.
      </p>
      <div className="form__actions">
        {p.bucket !== 'all' && p.scheduled > 0 && (
          <button type="button" className="button" onClick={p.onShowAll}>
            Show all scheduled
          </button>
        )}
        <button type="button" className="button" onClick={p.onAddPatient}>
          Add a patient
        </button>
      </div>
    </div>
  )
}

/** The flags a reader should see before opening the record, as short badges with their full words. */
function Flags({ row }: { row: WorklistRow }) {
  const flags: Array<{ key: string; short: string; long: string; tone: string }> = []
  if (row.flags.mriContraindicated)
    flags.push({ key: 'mri', short: 'no MRI', long: 'MRI contraindicated', tone: 'danger' })
  if (row.flags.newSymptoms)
    flags.push({ key: 'symptoms', short: 'symptoms', long: 'New symptoms recorded', tone: 'warn' })
  if (row.flags.requestNotAppropriate)
    flags.push({
      key: 'request',
      short: 'request',
      long: 'The requested study is not appropriate',
      tone: 'warn',
    })
  if (row.item?.overridden)
    flags.push({
      key: 'override',
      short: 'override',
      long: 'The radiologist changed the suggestion',
      tone: 'info',
    })
  if (flags.length === 0) return <span className="visually-hidden">none</span>
  return (
    <ul className="flags">
      {flags.map((f) => (
        <li key={f.key} className={`badge badge--${f.tone}`} title={f.long} data-flag={f.key}>
          <span aria-hidden="true">{f.short}</span>
          <span className="visually-hidden">{f.long}</span>
        </li>
      ))}
    </ul>
  )
}

function Cells({ row, today, onOpen }: { row: WorklistRow; today: string; onOpen: (id: number) => void }) {
  const status = row.item ? windowStatus(row.item.due, today) : null
  const next = row.item
    ? row.item.procedure
      ? procedureShortName(row.item.procedure)
      : row.item.reason
    : null
  return (
    <>
      <div role="gridcell" aria-colindex={1} className="grid__cell grid__cell--patient">
        <button className="link" tabIndex={-1} onClick={() => onOpen(row.patientId)}>
          {row.name}
        </button>
        {row.isDemo && <span className="badge">demo</span>}
      </div>
      <div role="gridcell" aria-colindex={2} className="grid__cell grid__cell--mrn mono">
        {row.mrn}
      </div>
      <div role="gridcell" aria-colindex={3} className="grid__cell grid__cell--flags" data-testid="flags">
        <Flags row={row} />
      </div>
      <div role="gridcell" aria-colindex={4} className="grid__cell grid__cell--variant">
        {variantLabel(row.variant)}
      </div>
      <div
        role="gridcell"
        aria-colindex={5}
        className="grid__cell grid__cell--next"
        title={next ?? undefined}
      >
        {next ?? <span className="muted">none scheduled</span>}
      </div>
      <div role="gridcell" aria-colindex={6} className="grid__cell grid__cell--due mono">
        {row.item && status ? (
          <>
            <span className={`status status--${status.status}`}>{status.label}</span>{' '}
            <span className="due__dates">
              {row.item.due.from} → {row.item.due.to}
            </span>
          </>
        ) : (
          '—'
        )}
      </div>
      <div
        role="gridcell"
        aria-colindex={7}
        className="grid__cell grid__cell--result"
        title={row.lastStudyDate ? `Study of ${row.lastStudyDate}` : undefined}
      >
        {row.lastResult ? resultLabel(row.lastResult) : '—'}
      </div>
      <div role="gridcell" aria-colindex={8} className="grid__cell grid__cell--dose mono">
        {formatMsv(row.cumulativeMsv, row.doseEstimated, row.doseIncomplete)}
      </div>
    </>
  )
}

/** Patients who left surveillance, with why, who and when: they are never just gone from the lists. */
function LeftSurveillance({
  count,
  search,
  onOpen,
}: {
  count: number | null
  search: string
  onOpen: (patientId: number) => void
}) {
  const [open, setOpen] = useState(false)
  const left = useLeftSurveillance(search, open)
  return (
    <details
      className="history"
      data-testid="left-list"
      onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary data-testid="left-summary">
        Left surveillance <span className="tab__count">{count ?? '…'}</span>
      </summary>
      {left.data && left.data.items.length === 0 && (
        <p className="muted">No patient has left surveillance.</p>
      )}
      <ul>
        {left.data?.items.map((r) => (
          <li key={r.patientId} data-testid="left-row">
            <button className="button button--quiet" onClick={() => onOpen(r.patientId)}>
              {r.name}
            </button>{' '}
            <span className="mono muted">{r.mrn}</span> · left {r.exit.date}: {exitText(r.exit)} · recorded by{' '}
            {r.exit.recordedBy}
          </li>
        ))}
      </ul>
    </details>
  )
}
