import { useCallback, useEffect, useRef, useState } from 'react'
import type { WorklistCounts, WorklistQuery, WorklistRow } from '../../../../electron/contract/contract'
import { call } from '../../api'

export type WorklistFilter = Omit<WorklistQuery, 'limit' | 'offset'>

const PAGE = 100

/**
 * Pages of the worklist fetched on demand, as the virtual list scrolls. A change of filter
 * starts over: counts and total are read once, rows a page at a time.
 */
export function useWorklist(filter: WorklistFilter, refreshKey: number) {
  const [counts, setCounts] = useState<WorklistCounts | null>(null)
  const [total, setTotal] = useState(0)
  const [error, setError] = useState<string | null>(null)
  const [, setTick] = useState(0)
  const pages = useRef(new Map<number, WorklistRow[] | 'loading'>())
  const generation = useRef(0)
  const key = JSON.stringify(filter)

  useEffect(() => {
    const gen = ++generation.current
    pages.current = new Map()
    const f = JSON.parse(key) as WorklistFilter
    void call('worklist.summary', { bucket: f.bucket, search: f.search, variant: f.variant }).then((r) => {
      if (gen !== generation.current) return
      if (r.ok) {
        setCounts(r.value.counts)
        setTotal(r.value.total)
        setError(null)
      } else setError(r.error.message)
      setTick((t) => t + 1)
    })
  }, [key, refreshKey])

  const rowAt = useCallback(
    (index: number): WorklistRow | undefined => {
      const p = Math.floor(index / PAGE)
      const page = pages.current.get(p)
      if (page === undefined) {
        pages.current.set(p, 'loading')
        const gen = generation.current
        const f = JSON.parse(key) as WorklistFilter
        void call('worklist.page', { ...f, limit: PAGE, offset: p * PAGE }).then((r) => {
          if (gen !== generation.current) return
          if (r.ok) pages.current.set(p, r.value)
          else {
            pages.current.delete(p)
            setError(r.error.message)
          }
          setTick((t) => t + 1)
        })
        return undefined
      }
      return page === 'loading' ? undefined : page[index % PAGE]
    },
    [key],
  )

  return { counts, total, error, rowAt }
}
