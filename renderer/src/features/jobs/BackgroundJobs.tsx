import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useRef, useState } from 'react'
import type { JobStatus } from '../../../../electron/contract/contract'
import { fetchValue } from '../../data/fetch'
import { queryKeys } from '../../data/keys'
import { JobProgress } from './JobProgress'

/**
 * The background jobs the top bar shows (the others have their own screen). A CSV import is shown
 * too: it goes on when its screen is left or the app is locked, and can take minutes.
 */
const SHOWN = new Set<JobStatus['kind']>(['backup', 'redose', 'csv-import'])

const LABEL: Partial<Record<JobStatus['kind'], string>> = {
  backup: 'Backup',
  redose: 'Cumulative doses',
  'csv-import': 'CSV import',
}

/** What a finished job says. */
function finishedText(j: JobStatus): string {
  if (j.state !== 'done') return `${LABEL[j.kind] ?? 'Job'} failed: ${j.error?.message ?? 'stopped'}`
  if (j.result?.kind === 'backup') return `Backup written and checked: ${j.result.file}`
  if (j.result?.kind === 'redose')
    return `Cumulative doses worked out again with the new settings for ${j.result.patients.toLocaleString('en')} patients.`
  if (j.result?.kind === 'csv-import')
    return `CSV import finished: ${j.result.patients.toLocaleString('en')} patients and ${j.result.studies.toLocaleString('en')} studies added.`
  return `${LABEL[j.kind] ?? 'Job'} finished.`
}

/**
 * The top bar's progress of background jobs: a backup (Back up now, or the day's first one), the
 * re-dose after a dose-setting change and a CSV import. Read every second while one runs (every 5 s otherwise);
 * says when each finishes, and reads the worklist again after a re-dose or an import.
 */
export function BackgroundJobs() {
  const qc = useQueryClient()
  const seenRunning = useRef(new Set<string>())
  const [finished, setFinished] = useState<JobStatus[]>([])
  const { data } = useQuery({
    queryKey: queryKeys.jobs,
    queryFn: async () => {
      const list = (await fetchValue('jobs.list', {})).filter((j) => SHOWN.has(j.kind))
      // A job seen running that has now ended: say so, and read what it changed again.
      const done: JobStatus[] = []
      for (const j of list) {
        if (j.state === 'running') seenRunning.current.add(j.id)
        else if (seenRunning.current.delete(j.id)) done.push(j)
      }
      if (done.length > 0) {
        setFinished((f) => [...f, ...done].slice(-3))
        if (done.some((j) => j.kind === 'redose' || j.kind === 'csv-import')) {
          void qc.invalidateQueries({ queryKey: queryKeys.worklist.all })
          void qc.invalidateQueries({ queryKey: queryKeys.patients.all })
        }
      }
      return list
    },
    refetchInterval: (q) => (q.state.data?.some((j) => j.state === 'running') ? 1000 : 5000),
  })
  const jobs = data ?? []

  const running = jobs.filter((j) => j.state === 'running')
  if (running.length === 0 && finished.length === 0) return null
  return (
    <div className="background-jobs" data-testid="background-jobs">
      {running.map((j) => (
        <div key={j.id}>
          <JobProgress label={LABEL[j.kind] ?? 'Job'} progress={j.progress} />
          {j.kind === 'redose' && (
            <p className="background-jobs__note">
              Until this finishes, the worklist may still show some patients’ cumulative dose worked out with
              the old settings; each patient’s own page already uses the new ones.
            </p>
          )}
        </div>
      ))}
      {finished.length > 0 && (
        <div role="status" className="background-jobs__done">
          {finished.map((j) => (
            <p key={j.id}>
              {finishedText(j)}{' '}
              <button
                type="button"
                className="link"
                onClick={() => setFinished((f) => f.filter((x) => x.id !== j.id))}
              >
                Dismiss
              </button>
            </p>
          ))}
        </div>
      )}
    </div>
  )
}
