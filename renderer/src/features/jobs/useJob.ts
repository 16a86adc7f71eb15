import { useQuery } from '@tanstack/react-query'
import type { JobStatus } from '../../../../electron/contract/contract'
import { fetchValue } from '../../data/fetch'

/** A long job's status, read every 200 ms while it runs (null: no job). */
export function useJob(started: JobStatus | null) {
  const { data } = useQuery({
    queryKey: ['job', started?.id ?? null],
    queryFn: () => fetchValue('jobs.status', { jobId: started!.id }),
    enabled: started !== null,
    initialData: started ?? undefined,
    refetchInterval: (q) => (q.state.data?.state === 'running' ? 200 : false),
  })
  return started ? (data ?? started) : null
}
