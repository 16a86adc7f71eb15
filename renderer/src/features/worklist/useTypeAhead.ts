import { useIsFetching, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { queryKeys } from '../../data/keys'

/**
 * The search the worklist reads for what is typed: the text itself as soon as no search is being
 * read, otherwise the latest text once the search in flight has answered. The first key of a burst
 * is read at once (no wait), and a burst of keys (typing, a paste, a held key) costs at most one
 * read per answer, never one per key: while a read is out, keys only update the text waiting.
 * Answers are cached per search, so one that lands late never shows in place of a newer one.
 *
 * `typed` is for the search box's change handler: a key typed while nothing is being read has its
 * reads sent there and then (`read`, with the trimmed text) and becomes the search, before React
 * renders the list again — the render then finds its reads in flight (or answered).
 */
export function useTypeAhead(
  text: string,
  read: (search: string) => void,
): { search: string; typed: (text: string) => void } {
  const qc = useQueryClient()
  const reading = useIsFetching({ queryKey: queryKeys.worklist.summaryAll }) > 0
  const [search, setSearch] = useState(text)
  // Adjusting state while rendering (React's pattern for state that follows a prop): the list
  // reads the new text in this same render, with no effect and no timer in between.
  if (search !== text && !reading) setSearch(text)
  const typed = (next: string) => {
    if (qc.isFetching({ queryKey: queryKeys.worklist.summaryAll }) > 0) return
    // The search the list reads from now on: the render that follows reads this very text.
    read(next.trim())
    setSearch(next.trim())
  }
  return { search, typed }
}
