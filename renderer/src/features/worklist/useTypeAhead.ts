import { useIsFetching } from '@tanstack/react-query'
import { useState } from 'react'
import { queryKeys } from '../../data/keys'

/**
 * The search the worklist reads for what is typed: the text itself as soon as no search is being
 * read, otherwise the latest text once the search in flight has answered. The first key of a burst
 * is read at once (no wait), and a burst of keys (typing, a paste, a held key) costs at most one
 * read per answer, never one per key: while a read is out, keys only update the text waiting.
 * Answers are cached per search, so one that lands late never shows in place of a newer one.
 */
export function useTypeAhead(text: string): string {
  const reading = useIsFetching({ queryKey: queryKeys.worklist.summaryAll }) > 0
  const [search, setSearch] = useState(text)
  // Adjusting state while rendering (React's pattern for state that follows a prop): the list
  // reads the new text in this same render, with no effect and no timer in between.
  if (search !== text && !reading) setSearch(text)
  return search
}
