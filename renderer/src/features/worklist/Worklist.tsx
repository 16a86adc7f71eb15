import {
  createContext,
  memo,
  useCallback,
  useContext,
  useLayoutEffect,
  useRef,
  useState,
  type Dispatch,
  type ReactNode,
  type RefObject,
  type SetStateAction,
} from 'react'
import { Tab, TabList, Tabs } from 'react-aria-components'
import { useQueryClient } from '@tanstack/react-query'
import type {
  VariantId,
  WorklistBucket,
  WorklistCounts,
  WorklistSort,
} from '../../../../electron/contract/contract'
import { WORKLIST_BUCKETS } from '../../../../engine'
import { useShortcut } from '../../app/shortcuts'
import { errorText } from '../../data/fetch'
import { readWorklistAhead, useWorklistPages, useWorklistSummary } from '../../data/queries'
import { BUCKET_LABELS, VARIANT_OPTIONS } from '../../domain/labels'
import { Adherence } from './Adherence'
import { EmptyState } from './EmptyState'
import { LeftSurveillance } from './LeftSurveillance'
import { WorklistExports } from './WorklistExports'
import { useTypeAhead } from './useTypeAhead'
import { WorklistGrid } from './WorklistGrid'
import { worklistFilters, type WorklistView } from './worklistView'

interface Props {
  today: string
  /** What the list shows; kept by the app while a patient is open. */
  view: WorklistView
  onView: Dispatch<SetStateAction<WorklistView>>
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

/**
 * The tab panel's contents (the search note, the grid, the empty state). They change with every key
 * and answer; passed by context, they re-render alone, while the tabs and the panel itself render
 * only when a tab, a count or the search's presence changes.
 */
const PanelContext = createContext<ReactNode>(null)
function PanelContents() {
  return useContext(PanelContext)
}

/** The due-status tabs with their counts, and the panel of the selected one. */
interface TabsProps {
  bucket: WorklistBucket
  counts: WorklistCounts | null
  searching: boolean
  onView: (patch: Partial<WorklistView>) => void
}
const WorklistTabs = memo(function WorklistTabs({ bucket, counts, searching, onView }: TabsProps) {
  const tabList = useRef<HTMLDivElement>(null)
  return (
    <Tabs
      selectedKey={bucket}
      onSelectionChange={(key) => {
        if (!isBucket(key)) return
        onView({ bucket: key, searchText: '', active: 0 })
      }}
    >
      <TabList ref={tabList} className="tabs" aria-label="Due status">
        {BUCKETS.map((b) => (
          <Tab
            key={b.id}
            id={b.id}
            // A search lists every patient whatever the bucket: no tab is highlighted then,
            // and choosing one (even the current one) ends the search.
            className={({ isSelected }) => (isSelected && !searching ? 'tab tab--active' : 'tab')}
            onPress={() => onView({ searchText: '' })}
            data-testid={`bucket-${b.id}`}
          >
            {b.label} <span className="tab__count">{counts ? b.count(counts) : '…'}</span>
          </Tab>
        ))}
      </TabList>
      {/* Keyed by the bucket: each tab's list starts at its top. */}
      <SelectedPanel key={bucket} tabList={tabList} />
    </Tabs>
  )
}, sameTabs)

/**
 * The selected tab's panel: role tabpanel, under the id the selected tab's `aria-controls` names,
 * labelled by that tab. Not React Aria's TabPanel: that one watches every change below it for a
 * focusable child (a MutationObserver whose check forces a style recalculation), and with the
 * virtual grid inside it took about a fifth of the main thread while the list scrolled, and more
 * on every key typed. This panel always holds the focusable grid, so it needs no tab stop itself.
 */
export function SelectedPanel({ tabList }: { tabList: RefObject<HTMLDivElement | null> }) {
  const panel = useRef<HTMLDivElement>(null)
  // The ids are React Aria's, which it gives the tabs a commit after they mount: they are copied
  // from the selected tab now and whenever a tab's selection or ids change (the tab list's few
  // nodes and attributes are watched, not the list below; React does not set these two attributes).
  useLayoutEffect(() => {
    const list = tabList.current
    const el = panel.current
    if (!list || !el) return
    const copy = () => {
      const tab = list.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')
      const id = tab?.getAttribute('aria-controls')
      if (id) el.id = id
      else el.removeAttribute('id')
      if (tab?.id) el.setAttribute('aria-labelledby', tab.id)
      else el.removeAttribute('aria-labelledby')
    }
    copy()
    const watch = new MutationObserver(copy)
    watch.observe(list, {
      subtree: true,
      attributes: true,
      childList: true,
      attributeFilter: ['aria-selected', 'aria-controls', 'id'],
    })
    return () => watch.disconnect()
  }, [tabList])
  return (
    <div ref={panel} role="tabpanel" className="worklist__panel">
      <PanelContents />
    </div>
  )
}

/** The tabs show the same: a new answer with the same counts does not render them again. */
function sameTabs(a: TabsProps, b: TabsProps): boolean {
  return (
    a.bucket === b.bucket &&
    a.searching === b.searching &&
    a.onView === b.onView &&
    BUCKETS.every((t) => (a.counts ? t.count(a.counts) : null) === (b.counts ? t.count(b.counts) : null))
  )
}

/**
 * The worklist: the due-status tabs with counts, search and variant filter over the virtual grid,
 * the patients who left surveillance, and the adherence figures.
 */
export function Worklist({ today, view, onView, onOpen, onRecord, onAddPatient, onLoadDemo }: Props) {
  const { bucket, searchText, variant, sort, descending, active } = view
  // A new tab, filter, sort or search selects the first row again.
  const set = useCallback((patch: Partial<WorklistView>) => onView((v) => ({ ...v, ...patch })), [onView])
  // Type-ahead: a key is read at once; keys typed while a search is being read wait for its answer
  // and are then read together (at most one search in flight).
  const qc = useQueryClient()
  const { search, typed } = useTypeAhead(searchText.trim(), (text) =>
    readWorklistAhead(qc, worklistFilters(view, text)),
  )
  const { summary: summaryFilter, rows: filter } = worklistFilters(view, search)
  const summary = useWorklistSummary(summaryFilter)
  const counts = summary.data?.counts ?? null
  const total = summary.data?.total ?? 0
  const exact = summary.data?.exact ?? true
  // The search the figures on screen answer (the one typed may still be read).
  const counted = summary.data?.filter.search ?? ''
  // The first row, for Enter in the search box (the grid reads the same page).
  const first = useWorklistPages(filter, total > 0 ? [0] : [], { total, exact }).loaded.get(0)?.[0]
  const [loadingDemo, setLoadingDemo] = useState(false)

  useShortcut('/', () => document.getElementById('worklist-search')?.focus(), { byCharacter: true })

  function sortBy(s: WorklistSort) {
    if (s === sort) set({ descending: !descending, active: 0 })
    else set({ sort: s, descending: s === 'dose', active: 0 })
  }

  // The selected tab's panel: what the list shows for the filter.
  const panel = (
    <>
      {counted && (
        <p className="worklist__note" role="status">
          {exact ? (
            <>
              {total} patient{total === 1 ? '' : 's'} matching “{counted}”, with or without a scheduled study.
            </>
          ) : (
            <>
              {total.toLocaleString('en')}+ patients matching “{counted}”: the list shows the first{' '}
              {total.toLocaleString('en')}. Type more of the name or MRN to narrow it.
            </>
          )}
        </p>
      )}
      {summary.error && <p role="alert">{errorText(summary.error)}</p>}
      <WorklistGrid
        today={today}
        filter={filter}
        total={total}
        exact={exact}
        counted={counts !== null}
        active={active}
        onActive={(i) => set({ active: i })}
        onSort={sortBy}
        onOpen={onOpen}
        onRecord={onRecord}
      />
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
          onShowAll={() => set({ bucket: 'all', active: 0 })}
        />
      )}
    </>
  )

  return (
    <>
      <section className="panel worklist" aria-labelledby="worklist-title">
        <div className="panel__head">
          <h2 id="worklist-title">Worklist</h2>
          <div className="worklist__tools">
            <input
              id="worklist-search"
              type="search"
              className="search"
              aria-label="Find a patient by name or MRN"
              placeholder="Find name or MRN  ( / )"
              value={searchText}
              onChange={(e) => {
                typed(e.target.value)
                set({ searchText: e.target.value, active: 0 })
              }}
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
                    search === searchText.trim() &&
                    first
                  ) {
                    onOpen(first.patientId)
                  }
                }
              }}
            />
            <label className="inline-label">
              Variant
              <select
                value={variant}
                onChange={(e) => set({ variant: e.target.value as VariantId | '', active: 0 })}
              >
                <option value="">All variants</option>
                {VARIANT_OPTIONS.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.label}
                  </option>
                ))}
              </select>
            </label>
            <WorklistExports
              filter={summaryFilter}
              sort={sort}
              descending={descending}
              total={total}
              exact={exact}
              today={today}
            />
          </div>
        </div>

        <PanelContext.Provider value={panel}>
          <WorklistTabs bucket={bucket} counts={counts} searching={search !== ''} onView={set} />
        </PanelContext.Provider>
        <p className="keys">
          <kbd>↑</kbd>
          <kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>R</kbd> record a result · <kbd>/</kbd> find
        </p>
        <LeftSurveillance
          count={counts?.left ?? null}
          search={search}
          open={view.leftOpen}
          onToggle={(open) => open !== view.leftOpen && set({ leftOpen: open })}
          onOpen={onOpen}
        />
      </section>
      <Adherence today={today} period={view.period} onPeriod={(period) => set({ period })} onOpen={onOpen} />
    </>
  )
}
