import { randomUUID } from 'node:crypto'
import type { JobKind, JobProgress, JobResultOf, JobStatus } from '../contract/contract'
import { ApiFailure } from '../contract/dispatch'
import type { ApiError } from '../contract/result'

// Long jobs (a CSV import, PACS queries, RDSR fetches, a folder of DICOM files): started by a call
// that answers at once with the job's id, then read with `jobs.status` (progress, then the result
// or the error) and stopped with `jobs.cancel`. A job checks its `signal` between steps and at
// every network call; a cancelled or failed job has changed nothing (each job's writes are one
// transaction, rolled back when it stops).
//
// The write gate: a job that holds a write transaction across its steps (`exclusive`) must be the
// only user of the connection meanwhile, or another call's writes and reads would run inside its
// transaction. Every call except `jobs.*` waits at the gate while such a job runs.

export interface JobHandle {
  readonly signal: AbortSignal
  /** Reports progress; `total` null while unknown. */
  progress(phase: string, done: number, total: number | null): void
  /** Throws a CANCELLED failure when the job was cancelled. */
  checkCancelled(): void
  /** Lets other work run (progress reads, cancel) and then checks for cancellation. */
  breathe(): Promise<void>
  /**
   * Runs `fn` (synchronous reads or one `writeTx`) once no exclusive job holds the connection; an
   * exclusive job's own calls run at once.
   */
  db<T>(fn: () => T): Promise<T>
}

interface Entry {
  status: JobStatus
  controller: AbortController
}

/** How long a finished job's answer is kept for `jobs.status`. */
const KEEP_MS = 30 * 60_000
const KEEP_FINISHED = 50

export const CANCELLED: ApiError = { code: 'CANCELLED', message: 'Cancelled; nothing was changed.' }

/** Each kind of job as a person would name it (in a message about what is running). */
export const JOB_NAMES: Record<JobKind, string> = {
  'csv-preview': 'the check of a CSV file',
  'csv-import': 'a CSV import',
  'pacs-find': 'a PACS search',
  'pacs-import': 'an import from the PACS',
  'dicom-read': 'the reading of DICOM files',
  'dicom-import': 'an import of DICOM files',
  backup: 'a backup',
  redose: 'the update of cumulative doses',
}

export class Jobs {
  private readonly jobs = new Map<string, Entry>()
  private gate: Promise<void> | null = null

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Resolves when no exclusive job holds the connection. */
  async waitForGate(): Promise<void> {
    while (this.gate) await this.gate
  }

  /**
   * For a call that works in steps (a first scrollbar jump into a long list builds its key index):
   * lets the calls waiting meanwhile run, then resolves once no exclusive job holds the connection.
   */
  async letCallsThrough(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve))
    await this.waitForGate()
  }

  /** Whether an exclusive job holds the connection now. */
  get held(): boolean {
    return this.gate !== null
  }

  /**
   * Runs `write` once no exclusive job holds the connection (at once when none does), so it is
   * never part of that job's transaction (which a cancel rolls back). A failure goes to `failed`.
   */
  whenFree(write: () => void, failed: (e: unknown) => void): void {
    if (!this.gate) {
      write()
      return
    }
    void this.waitForGate().then(() => {
      // Another exclusive job may have taken the connection in between: wait for it too.
      if (this.gate) {
        this.whenFree(write, failed)
        return
      }
      try {
        write()
      } catch (e) {
        failed(e)
      }
    })
  }

  /**
   * Starts a job and returns its status at once. `exclusive` jobs hold the write gate from the
   * start until they end (the caller's other work then waits, see above).
   */
  start<K extends JobKind>(
    kind: K,
    run: (job: JobHandle) => Promise<JobResultOf<K>>,
    opts: { exclusive?: boolean } = {},
  ): JobStatus {
    this.prune()
    const id = randomUUID()
    const controller = new AbortController()
    const status: JobStatus = {
      id,
      kind,
      state: 'running',
      progress: { phase: 'starting', done: 0, total: null },
      result: null,
      error: null,
      startedAt: this.now().toISOString(),
      finishedAt: null,
    }
    this.jobs.set(id, { status, controller })
    const handle: JobHandle = {
      signal: controller.signal,
      progress: (phase, done, total) => {
        status.progress = { phase, done, total } satisfies JobProgress
      },
      checkCancelled: () => {
        if (controller.signal.aborted) throw new ApiFailure(CANCELLED)
      },
      breathe: async () => {
        await new Promise<void>((resolve) => setImmediate(resolve))
        if (controller.signal.aborted) throw new ApiFailure(CANCELLED)
      },
      db: async (fn) => {
        if (!opts.exclusive) await this.waitForGate()
        return fn()
      },
    }
    // An exclusive job queues behind the one before it (if any) and holds the gate until it ends.
    let release: () => void = () => undefined
    let before: Promise<void> | null = null
    if (opts.exclusive) {
      before = this.gate
      const held = new Promise<void>((resolve) => (release = resolve))
      const chained = before ? before.then(() => held) : held
      this.gate = chained
      void chained.then(() => {
        if (this.gate === chained) this.gate = null
      })
    }
    void (async () => {
      try {
        // Let the starting call answer first.
        await new Promise<void>((resolve) => setImmediate(resolve))
        if (before) await before
        const result = await run(handle)
        status.result = { kind, ...result } as JobStatus['result']
        status.state = 'done'
      } catch (e) {
        if (controller.signal.aborted || (e instanceof ApiFailure && e.error.code === 'CANCELLED')) {
          status.state = 'cancelled'
          status.error = CANCELLED
        } else {
          status.state = 'failed'
          status.error =
            e instanceof ApiFailure
              ? e.error
              : {
                  code: 'INTERNAL',
                  message: `The job failed and nothing was changed (${e instanceof Error ? e.message : String(e)}).`,
                }
        }
      } finally {
        status.finishedAt = this.now().toISOString()
        release()
      }
    })()
    return { ...status }
  }

  status(id: string): JobStatus {
    const e = this.jobs.get(id)
    if (!e)
      throw new ApiFailure({ code: 'NOT_FOUND', message: 'No such job (it may have finished long ago).' })
    return { ...e.status, progress: { ...e.status.progress } }
  }

  /** Running jobs and those finished less than `recentMs` ago, oldest first. */
  list(recentMs = 60_000): JobStatus[] {
    const since = this.now().getTime() - recentMs
    return [...this.jobs.values()]
      .filter((e) => e.status.finishedAt === null || Date.parse(e.status.finishedAt) >= since)
      .map((e) => this.status(e.status.id))
  }

  /** The jobs running now, oldest first. */
  runningNow(): JobStatus[] {
    return [...this.jobs.values()]
      .filter((e) => e.status.state === 'running')
      .map((e) => this.status(e.status.id))
  }

  /** A running job of this kind, if any. */
  running(kind: JobKind): JobStatus | null {
    const e = [...this.jobs.values()].find((x) => x.status.kind === kind && x.status.state === 'running')
    return e ? this.status(e.status.id) : null
  }

  cancel(id: string): JobStatus {
    const e = this.jobs.get(id)
    if (!e)
      throw new ApiFailure({ code: 'NOT_FOUND', message: 'No such job (it may have finished long ago).' })
    if (e.status.state === 'running') e.controller.abort()
    return this.status(id)
  }

  /** Waits until the job has finished (tests, benchmarks), at most `timeoutMs`. */
  async settled(id: string, timeoutMs = 300_000): Promise<JobStatus> {
    const until = Date.now() + timeoutMs
    while (Date.now() < until) {
      const s = this.status(id)
      if (s.state !== 'running') return s
      await new Promise((r) => setTimeout(r, 5))
    }
    throw new Error(`job ${id} still running after ${timeoutMs} ms`)
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((e) => e.status.state !== 'running')
    const cutoff = this.now().getTime() - KEEP_MS
    finished.forEach((e, i) => {
      const old = e.status.finishedAt !== null && Date.parse(e.status.finishedAt) < cutoff
      if (old || finished.length - i > KEEP_FINISHED) this.jobs.delete(e.status.id)
    })
  }
}
