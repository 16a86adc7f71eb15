import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { auditKeyOf } from './audit'
import { dailyBackupFile, manualBackupFile, pruneBackups, removeBackup, type BackupMade } from './backup'
import { cipherKeyOf } from './cipher'
import { DbError } from './errors'
import type { Problem } from './integrity'
import type { DB } from './open'

// Work on the log that takes time in proportion to its size — the full check after open and each
// backup (VACUUM INTO, then the copy's full check) — runs in one worker thread (db/worker.ts) with
// its own read-only connection: the app's calls never wait behind it (docs/data.md, "Integrity").
// The worker is made on first use and stays idle (unreferenced) between requests.

/** The worker could not be started or stopped: the work did not run (nothing was found or changed). */
export class BackgroundUnavailable extends Error {
  override readonly name = 'BackgroundUnavailable'
}

export interface WorkerRequest {
  readonly id: number
  readonly kind: 'check' | 'backup'
  readonly file: string
  readonly cipherKey: Uint8Array | null
  readonly auditKey: Uint8Array | null
  /**
   * Two Int32 flags: [0] non-zero asks the worker to stop at its next step; [1] is 1 while the
   * worker holds a connection for this request (`releaseBackground` waits for it).
   */
  readonly cancel: SharedArrayBuffer
  readonly target?: string
  readonly now?: string
}

export type WorkerEvent =
  | { id: number; type: 'progress'; phase: string; done: number; total: number | null }
  | { id: number; type: 'problems'; problems: Problem[] }
  | { id: number; type: 'done'; result: BackupMade | null }
  | { id: number; type: 'error'; error: { code: string; message: string } }

interface Pending {
  readonly file: string
  readonly flags: Int32Array
  readonly onEvent: (e: WorkerEvent) => void
  readonly resolve: (r: BackupMade | null) => void
  readonly reject: (e: unknown) => void
}

let worker: Worker | null = null
let nextId = 1
const pending = new Map<number, Pending>()

/**
 * The worker: built beside the bundle (out/main/dbworker.js, electron.vite.config.ts), else the
 * source (db/worker.ts) through tsx (tests, benches); PNET_DB_WORKER names another path.
 */
function startWorker(): Worker {
  const override = process.env['PNET_DB_WORKER']
  // The bundle may put this module in out/main/chunks/: the worker is beside it or one folder up.
  const built =
    override && override.endsWith('.js')
      ? override
      : ([path.join(__dirname, 'dbworker.js'), path.join(__dirname, '..', 'dbworker.js')].find((f) =>
          fs.existsSync(f),
        ) ?? path.join(__dirname, 'dbworker.js'))
  const source = override && override.endsWith('.ts') ? override : path.join(__dirname, 'worker.ts')
  let w: Worker
  if (fs.existsSync(built)) w = new Worker(built)
  else if (fs.existsSync(source))
    w = new Worker(
      `require(${JSON.stringify(createRequire(__filename).resolve('tsx/cjs/api'))}).register();` +
        `require(${JSON.stringify(source)})`,
      // No compile cache on disk (it would go to the temporary folder).
      { eval: true, env: { ...process.env, TSX_DISABLE_CACHE: '1' } },
    )
  else throw new BackgroundUnavailable(`the background worker is missing (${built})`)
  w.on('message', (e: WorkerEvent) => {
    const p = pending.get(e.id)
    if (!p) return
    if (e.type === 'done' || e.type === 'error') {
      pending.delete(e.id)
      if (pending.size === 0) w.unref()
      if (e.type === 'done') p.resolve(e.result)
      else p.reject(new DbError(e.error.code as DbError['code'], e.error.message))
    } else p.onEvent(e)
  })
  const fail = (err: unknown): void => {
    if (worker === w) worker = null
    for (const [id, p] of pending) {
      pending.delete(id)
      p.reject(
        new BackgroundUnavailable(
          `the background worker stopped (${err instanceof Error ? err.message : String(err)})`,
        ),
      )
    }
  }
  w.on('error', fail)
  w.on('exit', (code) => fail(new Error(`the background worker stopped (exit ${code})`)))
  return w
}

export interface BackgroundRun {
  readonly done: Promise<BackupMade | null>
  /** Asks the worker to stop at its next step. */
  cancel(): void
}

/** Sends one request to the worker; `onEvent` gets its progress and problems as they come. */
export function runInBackground(
  req: Omit<WorkerRequest, 'id' | 'cancel'>,
  onEvent: (e: WorkerEvent) => void = () => undefined,
): BackgroundRun {
  const cancel = new SharedArrayBuffer(8)
  const flags = new Int32Array(cancel)
  const id = nextId++
  const done = new Promise<BackupMade | null>((resolve, reject) => {
    pending.set(id, { file: req.file, flags, onEvent, resolve, reject })
  })
  try {
    worker ??= startWorker()
    worker.ref()
    worker.postMessage({ ...req, id, cancel } satisfies WorkerRequest)
  } catch (e) {
    pending.get(id)?.reject(e instanceof BackgroundUnavailable ? e : new BackgroundUnavailable(String(e)))
    pending.delete(id)
  }
  return { done, cancel: () => Atomics.store(flags, 0, 1) }
}

/**
 * Before the app closes the log: stops every request on `file` at its next step and waits (at
 * most `timeoutMs`) until the worker has closed its connections, so the app's own connection is
 * the last one and its close folds the -wal back into the log as usual. (A single long statement —
 * the page check or the copy of a very large log — may outlast the wait: the -wal then stays until
 * the next close, which is safe.)
 */
export function releaseBackground(file: string, timeoutMs = 5000): void {
  const until = Date.now() + timeoutMs
  for (const p of pending.values()) {
    if (p.file !== file) continue
    Atomics.store(p.flags, 0, 1)
    const left = until - Date.now()
    if (left > 0) Atomics.wait(p.flags, 1, 1, left)
  }
}

export interface BackupJob {
  /** The phase reached ('copying the log', 'checking the copy'). */
  readonly onPhase?: (phase: string) => void
  /**
   * Asked once the backup passed its check: false (the log was found damaged meanwhile) removes
   * it, and the backup fails with LOG_READ_ONLY — no backup is kept once damage is known.
   */
  readonly stillGood?: () => boolean
  /** Aborting stops the backup at its next step (nothing kept). */
  readonly signal?: AbortSignal
}

/**
 * A checked backup of the log `db` is open on (db/backup.ts `backupTo`), taken by the worker on its
 * own connection: the app's calls go on meanwhile. Resolves with the backup once it passed its check.
 */
export async function backupInBackground(
  db: DB,
  target: string,
  now: Date,
  job: BackupJob = {},
): Promise<BackupMade> {
  const run = runInBackground(
    {
      kind: 'backup',
      file: db.name,
      cipherKey: cipherKeyOf(db),
      auditKey: auditKeyOf(db),
      target,
      now: now.toISOString(),
    },
    (e) => {
      if (e.type === 'progress') job.onPhase?.(e.phase)
    },
  )
  const stop = (): void => run.cancel()
  job.signal?.addEventListener('abort', stop)
  try {
    const made = await run.done
    if (!made) throw new DbError('DB_CORRUPT', 'The backup was not written.')
    if (job.stillGood && !job.stillGood()) {
      removeBackup(made.file)
      throw new DbError(
        'LOG_READ_ONLY',
        'The backup was not kept: the log was found damaged while it was being taken (see the banner).',
      )
    }
    return made
  } finally {
    job.signal?.removeEventListener('abort', stop)
  }
}

/** Today's backup (db/backup.ts `dailyBackup`), in the background; null when it exists already. */
export async function dailyBackupInBackground(
  db: DB,
  dir: string,
  today: string,
  now: Date,
  job: BackupJob = {},
): Promise<BackupMade | null> {
  const target = dailyBackupFile(dir, today)
  if (fs.existsSync(target)) return null
  const made = await backupInBackground(db, target, now, job)
  pruneBackups(dir)
  return made
}

/** _Back up now_ (db/backup.ts `manualBackup`), in the background. */
export async function manualBackupInBackground(
  db: DB,
  dir: string,
  now: Date,
  job: BackupJob = {},
): Promise<BackupMade> {
  const made = await backupInBackground(db, manualBackupFile(dir, now), now, job)
  pruneBackups(dir)
  return made
}
