// @vitest-environment happy-dom
import '@testing-library/jest-dom/vitest'
import { cleanup, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { JobStatus, PnetApi } from '../../../electron/contract/contract'
import { BackgroundJobs } from '../../../renderer/src/features/jobs/BackgroundJobs'
import { render } from '../../helpers/render'

// The top bar's background jobs: a running backup or re-dose shows its phase and progress, and its
// end is said once (with the backup's file); the back end is a fake `window.pnet`.

let jobs: JobStatus[]

const job = (over: Partial<JobStatus>): JobStatus => ({
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'backup',
  state: 'running',
  progress: { phase: 'copying the log', done: 0, total: null },
  result: null,
  error: null,
  startedAt: '2026-11-24T12:00:00.000Z',
  finishedAt: null,
  ...over,
})

beforeEach(() => {
  jobs = []
  window.pnet = new Proxy({} as PnetApi, {
    get: (_t, name: string) => async () =>
      name === 'jobs.list' ? { ok: true, value: jobs } : { ok: true, value: {} },
  })
})
afterEach(() => {
  cleanup()
  delete window.pnet
})

describe('background jobs in the top bar', () => {
  it('shows a running backup, then says it was written and checked', async () => {
    jobs = [job({})]
    render(<BackgroundJobs />)
    expect(await screen.findByText(/Backup: copying the log/)).toBeInTheDocument()
    jobs = [
      job({
        state: 'done',
        result: { kind: 'backup', file: '/data/backups/pnet-followup-manual-x.sqlite', bytes: 10 },
        finishedAt: '2026-11-24T12:00:05.000Z',
      }),
    ]
    await waitFor(
      () =>
        expect(screen.getByRole('status')).toHaveTextContent(
          'Backup written and checked: /data/backups/pnet-followup-manual-x.sqlite',
        ),
      { timeout: 4000 },
    )
    expect(screen.queryByText(/copying the log/)).not.toBeInTheDocument()
  })

  it('says while doses are worked out again that the worklist may still show old ones', async () => {
    jobs = [
      job({
        kind: 'redose',
        progress: { phase: 'working out cumulative doses with the new settings', done: 2000, total: 10000 },
      }),
    ]
    render(<BackgroundJobs />)
    expect(await screen.findByText(/2,000 of 10,000/)).toBeInTheDocument()
    expect(screen.getByText(/may still show some patients’ cumulative dose/)).toBeInTheDocument()
  })

  it('shows a CSV import that goes on after its screen was left, and says what it added', async () => {
    jobs = [job({ kind: 'csv-import', progress: { phase: 'importing', done: 450, total: 1000 } })]
    render(<BackgroundJobs />)
    expect(await screen.findByText(/CSV import: importing/)).toBeInTheDocument()
    expect(screen.getByText(/450 of 1,000/)).toBeInTheDocument()
    jobs = [
      job({
        kind: 'csv-import',
        state: 'done',
        result: { kind: 'csv-import', patients: 1000, studies: 2400, skipped: 0 },
        finishedAt: '2026-11-24T12:01:00.000Z',
      }),
    ]
    await waitFor(
      () =>
        expect(screen.getByRole('status')).toHaveTextContent(
          'CSV import finished: 1,000 patients and 2,400 studies added.',
        ),
      { timeout: 4000 },
    )
  })

  it('shows nothing when no background job runs or ended while shown', async () => {
    jobs = [job({ state: 'done', finishedAt: '2026-11-24T12:00:05.000Z' })]
    render(<BackgroundJobs />)
    await new Promise((r) => setTimeout(r, 50))
    expect(screen.queryByTestId('background-jobs')).not.toBeInTheDocument()
  })
})
