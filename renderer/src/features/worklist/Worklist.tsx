import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type {
  VariantId,
  WorklistBucket,
  WorklistRow,
  WorklistSort,
} from '../../../../electron/contract/contract'
import { WORKLIST_BUCKETS } from '../../../../engine/codes'
import {
  BUCKET_LABELS,
  formatMsv,
  procedureShortName,
  resultLabel,
  variantLabel,
  VARIANT_OPTIONS,
  windowStatus,
} from '../../domain/labels'
import { useDebounced } from './useDebounced'
import { useWorklist, type WorklistFilter } from './useWorklist'

interface Props {
  today: string
  refreshKey: number
  onOpen: (patientId: number) => void
  onRecord: (patientId: number) => void
}

type Counts = NonNullable<ReturnType<typeof useWorklist>['counts']>

const BUCKET_COUNT: Record<WorklistBucket, (c: Counts) => number> = {
  now: (c) => c.overdue + c.due,
  overdue: (c) => c.overdue,
  due: (c) => c.due,
  'upcoming-30': (c) => c.upcoming30,
  'upcoming-90': (c) => c.upcoming90,
  all: (c) => c.scheduled,
}

const BUCKETS = WORKLIST_BUCKETS.map((id) => ({ id, label: BUCKET_LABELS[id], count: BUCKET_COUNT[id] }))

const COLUMNS: Array<{ id: string; label: string; sort?: WorklistSort }> = [
  { id: 'patient', label: 'Patient', sort: 'name' },
  { id: 'mrn', label: 'MRN', sort: 'mrn' },
  { id: 'variant', label: 'Variant' },
  { id: 'next', label: 'Next study' },
  { id: 'due', label: 'Due window', sort: 'due' },
  { id: 'result', label: 'Last result', sort: 'result' },
  { id: 'dose', label: 'Cumulative dose', sort: 'dose' },
]

const ROW_HEIGHT = 48

export function Worklist({ today, refreshKey, onOpen, onRecord }: Props) {
  const [bucket, setBucket] = useState<WorklistBucket>('now')
  const [searchText, setSearchText] = useState('')
  const [variant, setVariant] = useState<VariantId | ''>('')
  const [sort, setSort] = useState<WorklistSort>('due')
  const [descending, setDescending] = useState(false)
  const [active, setActive] = useState(0)
  const search = useDebounced(searchText.trim(), 150)
  const filter: WorklistFilter = {
    bucket,
    sort,
    descending,
    ...(search ? { search } : {}),
    ...(variant ? { variant } : {}),
  }
  const { counts, total, error, rowAt } = useWorklist(filter, refreshKey)
  const scrollRef = useRef<HTMLDivElement>(null)
  const searchRef = useRef<HTMLInputElement>(null)

  // We do not use the React Compiler; useVirtualizer is TanStack's documented hook.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  })

  useEffect(() => setActive(0), [bucket, search, variant, sort, descending])

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === '/' && document.activeElement?.tagName !== 'INPUT') {
        e.preventDefault()
        searchRef.current?.focus()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  function move(to: number) {
    const next = Math.max(0, Math.min(total - 1, to))
    setActive(next)
    virtualizer.scrollToIndex(next, { align: 'auto' })
  }

  function onGridKey(e: KeyboardEvent) {
    const row = rowAt(active)
    switch (e.key) {
      case 'ArrowDown':
        move(active + 1)
        break
      case 'ArrowUp':
        move(active - 1)
        break
      case 'PageDown':
        move(active + 10)
        break
      case 'PageUp':
        move(active - 10)
        break
      case 'Home':
        move(0)
        break
      case 'End':
        move(total - 1)
        break
      case 'Enter':
        if (row) onOpen(row.patientId)
        break
      case 'r':
      case 'R':
        if (row) onRecord(row.patientId)
        break
      default:
        return
    }
    e.preventDefault()
  }

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
                if (e.key === 'Enter' && total > 0 && search === searchText.trim()) {
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
        </div>
      </div>

      <div className="tabs" role="tablist" aria-label="Due status">
        {BUCKETS.map((b) => (
          <button
            key={b.id}
            role="tab"
            aria-selected={bucket === b.id && !search}
            className={bucket === b.id && !search ? 'tab tab--active' : 'tab'}
            onClick={() => {
              setBucket(b.id)
              setSearchText('')
            }}
            data-testid={`bucket-${b.id}`}
          >
            {b.label} <span className="tab__count">{counts ? b.count(counts) : '…'}</span>
          </button>
        ))}
      </div>
      {search && (
        <p className="worklist__note" role="status">
          {total} patient{total === 1 ? '' : 's'} matching “{search}”, with or without a scheduled study.
        </p>
      )}
      {error && <p role="alert">{error}</p>}

      <div
        id="worklist-grid"
        className="grid"
        role="grid"
        aria-label="Worklist"
        aria-rowcount={total + 1}
        aria-activedescendant={total > 0 ? `wl-row-${active}` : undefined}
        tabIndex={0}
        onKeyDown={onGridKey}
        data-testid="worklist"
      >
        <div className="grid__row grid__row--head" role="row" aria-rowindex={1}>
          {COLUMNS.map((c) => (
            <div
              key={c.id}
              role="columnheader"
              className={`grid__cell grid__cell--${c.id}`}
              aria-sort={c.sort && c.sort === sort ? (descending ? 'descending' : 'ascending') : undefined}
            >
              {c.sort ? (
                <button className="sort" onClick={() => sortBy(c.sort!)}>
                  {c.label}
                  {c.sort === sort ? (descending ? ' ▼' : ' ▲') : ''}
                </button>
              ) : (
                c.label
              )}
            </div>
          ))}
        </div>
        <div ref={scrollRef} className="grid__body">
          {total === 0 && counts && (
            <p className="empty">{search ? 'No patient matches.' : 'Nothing in this list.'}</p>
          )}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((v) => {
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
                    transform: `translateY(${v.start}px)`,
                  }}
                  onClick={() => setActive(v.index)}
                  onDoubleClick={() => row && onOpen(row.patientId)}
                  data-testid="worklist-row"
                >
                  {row ? (
                    <Cells row={row} today={today} onOpen={onOpen} />
                  ) : (
                    <div className="grid__cell">Loading…</div>
                  )}
                </div>
              )
            })}
          </div>
        </div>
      </div>
      <p className="keys">
        <kbd>↑</kbd>
        <kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>R</kbd> record a result · <kbd>/</kbd> find
      </p>
    </section>
  )
}

function Cells({ row, today, onOpen }: { row: WorklistRow; today: string; onOpen: (id: number) => void }) {
  const status = row.item ? windowStatus(row.item.due, today) : null
  return (
    <>
      <div role="gridcell" className="grid__cell grid__cell--patient">
        <button className="link" tabIndex={-1} onClick={() => onOpen(row.patientId)}>
          {row.name}
        </button>
        {row.isDemo && <span className="badge">demo</span>}
      </div>
      <div role="gridcell" className="grid__cell grid__cell--mrn mono">
        {row.mrn}
      </div>
      <div role="gridcell" className="grid__cell grid__cell--variant">
        {variantLabel(row.variant)}
      </div>
      <div role="gridcell" className="grid__cell grid__cell--next">
        {row.item ? (
          <>
            {row.item.procedure ? procedureShortName(row.item.procedure) : row.item.reason}
            {row.item.overridden && (
              <span className="badge badge--info" title="The radiologist changed the suggestion">
                override
              </span>
            )}
          </>
        ) : (
          <span className="muted">none scheduled</span>
        )}
      </div>
      <div role="gridcell" className="grid__cell grid__cell--due mono">
        {row.item && status ? (
          <>
            <span className={`status status--${status.status}`}>{status.label}</span> {row.item.due.from} →{' '}
            {row.item.due.to}
          </>
        ) : (
          '—'
        )}
      </div>
      <div
        role="gridcell"
        className="grid__cell grid__cell--result"
        title={row.lastStudyDate ? `Study of ${row.lastStudyDate}` : undefined}
      >
        {row.lastResult ? resultLabel(row.lastResult) : '—'}
      </div>
      <div role="gridcell" className="grid__cell grid__cell--dose mono">
        {formatMsv(row.cumulativeMsv, row.doseEstimated, row.doseIncomplete)}
      </div>
    </>
  )
}
