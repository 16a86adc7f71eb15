// @vitest-environment happy-dom
import '@testing-library/jest-dom/vitest'
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PnetApi } from '../../../electron/contract/contract'
import { useWorklistSummary, worklistSummaryQuery } from '../../../renderer/src/data/queries'
import { useTypeAhead } from '../../../renderer/src/features/worklist/useTypeAhead'
import { render } from '../../helpers/render'

// The worklist's type-ahead against a fake back end whose answers the test releases one by one:
// a key is read at once, keys typed while a read is out wait for its answer and are read together,
// and what the list says about its figures names the search they answer.

interface Pending {
  search: string
  answer: () => void
  /** How many times the search had rendered when this read reached the back end. */
  renders: number
}
let reads: Pending[]
let renders = 0

beforeEach(() => {
  reads = []
  renders = 0
  window.pnet = new Proxy({} as PnetApi, {
    get: (_t, name: string) => (req: { search?: string }) =>
      name === 'worklist.summary'
        ? new Promise((resolve) =>
            reads.push({
              search: req.search ?? '',
              renders,
              answer: () =>
                resolve({
                  ok: true,
                  value: {
                    counts: {},
                    total: (req.search ?? '').length,
                    exact: true,
                  },
                }),
            }),
          )
        : Promise.resolve({ ok: true, value: {} }),
  })
})
afterEach(() => {
  cleanup()
  delete window.pnet
})

function Search() {
  renders++
  const qc = useQueryClient()
  const [text, setText] = useState('')
  const filter = (search: string) => ({ bucket: 'now' as const, ...(search ? { search } : {}) })
  const { search, typed } = useTypeAhead(text, (s) => void qc.prefetchQuery(worklistSummaryQuery(filter(s))))
  const summary = useWorklistSummary(filter(search))
  return (
    <>
      <input
        aria-label="find"
        value={text}
        onChange={(e) => {
          typed(e.target.value)
          setText(e.target.value)
        }}
      />
      <p data-testid="note">
        {summary.data ? `${summary.data.total} matching “${summary.data.filter.search ?? ''}”` : 'reading'}
      </p>
    </>
  )
}

const type = (value: string) => fireEvent.change(screen.getByLabelText('find'), { target: { value } })
async function answerNext(): Promise<void> {
  await act(async () => {
    reads.shift()!.answer()
    await Promise.resolve()
  })
}

describe('type-ahead', () => {
  it('reads the first key at once and the keys typed meanwhile together, one read at a time', async () => {
    render(<Search />)
    await waitFor(() => expect(reads.map((r) => r.search)).toEqual(['']))
    await answerNext()
    type('c')
    await waitFor(() => expect(reads.map((r) => r.search)).toEqual(['c']))
    // Typed while "c" is being read: nothing more is sent yet.
    type('cu')
    type('cur')
    await new Promise((r) => setTimeout(r, 20))
    expect(reads.map((r) => r.search)).toEqual(['c'])
    // The figures on screen still say which search they answer.
    expect(screen.getByTestId('note')).toHaveTextContent('0 matching “”')
    await answerNext()
    await waitFor(() => expect(reads.map((r) => r.search)).toEqual(['cur']))
    // "c" answered, "cur" on its way: the note names "c", not the text typed.
    expect(screen.getByTestId('note')).toHaveTextContent('1 matching “c”')
    await answerNext()
    await waitFor(() => expect(screen.getByTestId('note')).toHaveTextContent('3 matching “cur”'))
    expect(reads).toEqual([])
  })

  it('sends the read of a key typed while nothing is read before the list renders again', async () => {
    render(<Search />)
    await waitFor(() => expect(reads).toHaveLength(1))
    await answerNext()
    const before = renders
    type('cu')
    await waitFor(() => expect(reads.map((r) => r.search)).toEqual(['cu']))
    // Sent from the change handler: the search had not rendered again for "cu" yet.
    expect(reads[0]!.renders).toBe(before)
    // One read, not a second one from the render that follows.
    await answerNext()
    await waitFor(() => expect(screen.getByTestId('note')).toHaveTextContent('2 matching “cu”'))
    expect(reads).toEqual([])
  })

  it('reads a search answered before from its answer, without a call', async () => {
    render(<Search />)
    await waitFor(() => expect(reads).toHaveLength(1))
    await answerNext()
    type('ab')
    await waitFor(() => expect(reads).toHaveLength(1))
    await answerNext()
    await waitFor(() => expect(screen.getByTestId('note')).toHaveTextContent('2 matching “ab”'))
    type('')
    await waitFor(() => expect(screen.getByTestId('note')).toHaveTextContent('0 matching “”'))
    expect(reads).toEqual([])
  })
})
