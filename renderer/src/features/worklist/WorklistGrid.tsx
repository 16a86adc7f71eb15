import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useLayoutEffect, useMemo, useRef } from 'react'
import type { WorklistRow, WorklistSort } from '../../../../electron/contract/contract'
import { useShortcut } from '../../app/shortcuts'
import { errorText } from '../../data/fetch'
import type { WorklistFilter } from '../../data/keys'
import { useWorklistPages, WORKLIST_PAGE } from '../../data/queries'
import { Cells } from './Cells'

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
/** Rows beyond those in view whose page is read ahead. */
const READ_AHEAD = 40
/** The sticky header row's height (px, as in styles.css `.grid__row--head`). */
const HEAD_HEIGHT = 44

interface Props {
  today: string
  filter: WorklistFilter
  /** Rows in the list (the summary's total for the filter). */
  total: number
  /** The total is exact; false when a search matches more rows than the list shows. */
  exact: boolean
  /** The summary has been read: an empty list is really empty. */
  counted: boolean
  active: number
  onActive: (index: number) => void
  onSort: (sort: WorklistSort) => void
  onOpen: (patientId: number) => void
  onRecord: (patientId: number) => void
}

/**
 * The worklist grid: one focusable scrolling region with a sticky header row and virtual rows,
 * read as one query per page of rows in view (each a seek from the page beside it); arrows, Page Up/Down, Home/End move the selected
 * row, Enter opens it, R records a result.
 */
export function WorklistGrid({
  today,
  filter,
  total,
  exact,
  counted,
  active,
  onActive,
  onSort,
  onOpen,
  onRecord,
}: Props) {
  const scrollRef = useRef<HTMLDivElement>(null)
  // The rows' handlers, the same functions from render to render (the latest props behind them):
  // a row re-renders only when its own row, position or selection changes, not on every scroll.
  const handlers = useRef({ onActive, onOpen })
  useLayoutEffect(() => {
    handlers.current = { onActive, onOpen }
  })
  const rowActions = useMemo<RowActions>(
    () => ({
      select: (index) => handlers.current.onActive(index),
      open: (patientId) => handlers.current.onOpen(patientId),
    }),
    [],
  )

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
  // And the pages just beyond the rows in view, read ahead while scrolling (each a seek from the
  // page beside it once that one is in).
  const first = virtualRows[0]?.index
  const last = virtualRows.at(-1)?.index
  if (first !== undefined && last !== undefined) {
    wanted.add(Math.floor(Math.max(0, first - READ_AHEAD) / WORKLIST_PAGE))
    wanted.add(Math.floor((last + READ_AHEAD) / WORKLIST_PAGE))
  }
  const pages = useWorklistPages(
    filter,
    [...wanted].filter((p) => p * WORKLIST_PAGE < total).sort((x, y) => x - y),
    { total, exact },
  )
  const rowAt = (index: number): WorklistRow | undefined =>
    pages.loaded.get(Math.floor(index / WORKLIST_PAGE))?.[index % WORKLIST_PAGE]
  // The active row is named as the grid's active descendant only while it is rendered.
  const activeRendered = virtualRows.some((v) => v.index === active) && rowAt(active) !== undefined

  // Back from a patient: the row selected before is scrolled into view once the list has rows.
  const restored = useRef(false)
  useEffect(() => {
    if (restored.current || total === 0) return
    restored.current = true
    if (active > 0) virtualizer.scrollToIndex(Math.min(active, total - 1), { align: 'center' })
  }, [total, active, virtualizer])

  function move(to: number) {
    const next = Math.max(0, Math.min(total - 1, to))
    onActive(next)
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

  return (
    <>
      {pages.error && <p role="alert">{errorText(pages.error)}</p>}
      <div
        id="worklist-grid"
        className={total === 0 && counted ? 'grid grid--empty' : 'grid'}
        role="grid"
        aria-label="Worklist"
        // A search showing the first rows of more matches has no known row count (-1 says so).
        aria-rowcount={exact ? total + 1 : -1}
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
                  c.sort && c.sort === filter.sort
                    ? filter.descending
                      ? 'descending'
                      : 'ascending'
                    : undefined
                }
              >
                {c.sort ? (
                  <button className="sort" onClick={() => onSort(c.sort!)}>
                    {c.label}
                    <span aria-hidden="true">
                      {c.sort === filter.sort ? (filter.descending ? ' ▼' : ' ▲') : ''}
                    </span>
                  </button>
                ) : (
                  c.label
                )}
              </div>
            ))}
          </div>
        </div>
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualRows.map((v) => (
            <GridRow
              key={v.key}
              index={v.index}
              top={v.start - HEAD_HEIGHT}
              row={rowAt(v.index)}
              active={v.index === active}
              today={today}
              actions={rowActions}
            />
          ))}
        </div>
      </div>
    </>
  )
}

interface RowActions {
  select: (index: number) => void
  open: (patientId: number) => void
}

/** One row of the grid at its place in the list: the patient's cells, or "Loading…" until its page is in. */
const GridRow = memo(function GridRow({
  index,
  top,
  row,
  active,
  today,
  actions,
}: {
  index: number
  /** Its offset in the rows' group (px). */
  top: number
  row: WorklistRow | undefined
  active: boolean
  today: string
  actions: RowActions
}) {
  return (
    <div
      id={`wl-row-${index}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={active}
      className={active ? 'grid__row grid__row--active' : 'grid__row'}
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        right: 0,
        height: ROW_HEIGHT,
        transform: `translateY(${top}px)`,
      }}
      onClick={() => actions.select(index)}
      onDoubleClick={() => row && actions.open(row.patientId)}
      data-testid="worklist-row"
    >
      {row ? (
        <Cells row={row} today={today} onOpen={actions.open} />
      ) : (
        <div role="gridcell" aria-colindex={1} className="grid__cell">
          Loading…
        </div>
      )}
    </div>
  )
})
