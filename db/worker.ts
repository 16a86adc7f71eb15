import { parentPort } from 'node:worker_threads'
import type Database from 'better-sqlite3-multiple-ciphers'
import { setAuditKey } from './audit'
import { backupTo } from './backup'
import { openDb } from './cipher'
import { DbError } from './errors'
import { fullCheckSteps, type Problem } from './integrity'
import type { WorkerEvent, WorkerRequest } from './background'

// The background worker (db/background.ts): the full check after open and every backup run here,
// on the worker's own connection to the log (WAL: its reads never block the app's writes, and the
// app's calls never wait behind them). One request at a time; each opens and closes its own
// connection. Cancelling sets the request's shared flag, read between steps.

const port = parentPort
if (!port) throw new Error('db/worker.ts runs as a worker thread only')

function post(e: WorkerEvent): void {
  port!.postMessage(e)
}

function keyOf(k: Uint8Array | null): Buffer | null {
  return k ? Buffer.from(k) : null
}

function cancelled(req: WorkerRequest): boolean {
  return Atomics.load(new Int32Array(req.cancel), 0) !== 0
}

/** Runs `fn` with a read-only connection to the log, flagged open meanwhile (releaseBackground). */
function withConnection<T>(req: WorkerRequest, fn: (db: Database.Database) => T): T {
  const flags = new Int32Array(req.cancel)
  Atomics.store(flags, 1, 1)
  try {
    const db = openDb(req.file, keyOf(req.cipherKey), { readonly: true, fileMustExist: true })
    try {
      setAuditKey(db, keyOf(req.auditKey))
      return fn(db)
    } finally {
      db.close()
    }
  } finally {
    Atomics.store(flags, 1, 0)
    Atomics.notify(flags, 1)
  }
}

function check(req: WorkerRequest): void {
  if (cancelled(req)) return post({ id: req.id, type: 'done', result: null })
  withConnection(req, (db) => {
    // One snapshot for the whole check: a record and its audit row are always read together.
    db.exec('BEGIN')
    let steps = 0
    try {
      for (const problems of fullCheckSteps(db)) {
        steps++
        if (problems.length > 0) post({ id: req.id, type: 'problems', problems })
        if (steps % 20 === 0)
          post({ id: req.id, type: 'progress', phase: 'checking the log', done: steps, total: null })
        if (cancelled(req)) break
      }
    } catch (e) {
      const p: Problem = {
        code: 'CORRUPT',
        message: `The follow-up log could not be read in full (${(e as { code?: string }).code ?? String(e)}).`,
        since: null,
      }
      post({ id: req.id, type: 'problems', problems: [p] })
    } finally {
      if (db.inTransaction) db.exec('COMMIT')
    }
  })
  post({ id: req.id, type: 'done', result: null })
}

function backup(req: WorkerRequest): void {
  if (!req.target || !req.now) throw new Error('a backup request names its target and time')
  const { target, now } = req
  if (cancelled(req)) throw new DbError('CANCELLED', 'The backup was cancelled; nothing was kept.')
  const made = withConnection(req, (db) =>
    backupTo(db, target, new Date(now), {
      onPhase: (phase) => post({ id: req.id, type: 'progress', phase, done: 0, total: null }),
      cancelled: () => cancelled(req),
    }),
  )
  post({ id: req.id, type: 'done', result: made })
}

port.on('message', (req: WorkerRequest) => {
  try {
    if (req.kind === 'check') check(req)
    else backup(req)
  } catch (e) {
    post({
      id: req.id,
      type: 'error',
      error: {
        code: e instanceof DbError ? e.code : ((e as { code?: string }).code ?? 'INTERNAL'),
        message: e instanceof Error ? e.message : String(e),
      },
    })
  }
})
