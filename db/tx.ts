import fs from 'node:fs'
import path from 'node:path'
import { DbError } from './errors'
import type { DB } from './open'

// "Needs a write" is a type. Query functions that only read take a `ReadableDb`: any connection
// to the log (what `openDatabase` returns, or a read-only copy). Query functions that write take a
// `WritableDb`, and the only way to get one is to be inside `writeTx`, which opens the IMMEDIATE
// transaction the write (and its audit row) runs in. A write query called with the plain opened
// database does not compile (test/unit/writable-db.spec.test.ts). The brand exists only for the
// type checker; at run time it is the same better-sqlite3 connection. Model: Signal-Desktop's
// ReadableDB/WritableDB (with one connection there is nothing to keep reads away from, so only the
// writable side carries a brand).
declare const writableBrand: unique symbol

/** A connection that may be read: every opened log. Nothing can be written through it by a query. */
export type ReadableDb = DB

/**
 * A connection inside a write transaction. Only `writeTx` hands one out; queries that write
 * require it, so a write cannot happen outside a transaction (nor, therefore, without its audit row
 * in the same transaction). A WritableDb is also a ReadableDb.
 */
export type WritableDb = ReadableDb & { readonly [writableBrand]: true }

/** What `writeTx` knows about a connection besides SQLite: read-only mode and commit hooks. */
interface ConnectionState {
  /** Set when the log is in recovery mode: every write is refused with LOG_READ_ONLY and this text. */
  readOnly: string | null
  /** Run after each outermost commit (the audit anchor is written here), in order. */
  readonly afterCommit: Array<(db: ReadableDb) => void>
  /** The log file as opened: a write first checks the path still names it. */
  identity: { file: string; dev: number; ino: number } | null
  /** What the outermost transaction under way keeps for its commit (`beforeCommit`), else null. */
  pending: Array<(tx: WritableDb) => void> | null
}

const STATE = new WeakMap<ReadableDb, ConnectionState>()

function stateOf(db: ReadableDb): ConnectionState {
  let s = STATE.get(db)
  if (!s) {
    s = { readOnly: null, afterCommit: [], identity: null, pending: null }
    STATE.set(db, s)
  }
  return s
}

/**
 * Puts a connection in read-only (recovery) mode, or takes it out (null). `reason` is the sentence
 * every refused write carries: what was found and since when.
 */
export function setReadOnly(db: ReadableDb, reason: string | null): void {
  stateOf(db).readOnly = reason
}

export function readOnlyReason(db: ReadableDb): string | null {
  return STATE.get(db)?.readOnly ?? null
}

/**
 * Remembers which file the connection has open, so a write after the log was moved, renamed or
 * deleted is refused (DB_MOVED) instead of going into a -wal beside a path that no longer holds it.
 */
export function rememberFile(db: ReadableDb, file: string): void {
  const st = fs.statSync(file)
  stateOf(db).identity = { file, dev: st.dev, ino: st.ino }
}

function assertUnmoved(id: { file: string; dev: number; ino: number }): void {
  let st: fs.Stats | null = null
  try {
    st = fs.statSync(id.file)
  } catch {
    st = null
  }
  if (!st || st.ino !== id.ino || st.dev !== id.dev)
    throw moved(id.file, { cause: new Error('the log file at this path is not the one opened') })
}

/**
 * Registers `fn` to run after every outermost `writeTx` that committed, before `writeTx` returns
 * (so before the caller acknowledges the write). A hook must not throw: the commit has happened.
 */
export function onCommit(db: ReadableDb, fn: (db: ReadableDb) => void): void {
  stateOf(db).afterCommit.push(fn)
}

/**
 * Registers `fn` to run at the end of the outermost transaction under way, inside it, before it
 * commits (a write the transaction owes, e.g. an audit row no later row of it carried). Only in a
 * `writeTx`; a transaction that fails runs none.
 */
export function beforeCommit(tx: WritableDb, fn: (tx: WritableDb) => void): void {
  const pending = STATE.get(tx)?.pending
  if (!pending) throw new Error('beforeCommit runs only inside writeTx')
  pending.push(fn)
}

/**
 * A token of the outermost `writeTx` under way on the connection (a new one for each), or null
 * outside one: what a transaction leaves for its own later writes is told apart from what a failed
 * one left.
 */
export function currentTx(db: ReadableDb): object | null {
  return STATE.get(db)?.pending ?? null
}

/**
 * Runs `fn` in one IMMEDIATE transaction (the write lock is taken up front, so a busy database
 * fails at the start, before any work) and turns SQLite's failure codes into DbErrors with
 * messages a user can act on. Either everything in `fn` is stored or nothing is.
 *
 * A connection in read-only (recovery) mode refuses before anything runs (LOG_READ_ONLY).
 *
 * Services own their transactions: a service calls `writeTx` once per command and passes the
 * `WritableDb` it receives to every query and to the audit helper. (Called inside another
 * `writeTx`, better-sqlite3 runs it as a savepoint of the outer transaction.)
 */
export function writeTx<T>(db: ReadableDb, fn: (tx: WritableDb) => T): T {
  const state = STATE.get(db)
  if (state?.readOnly) throw new DbError('LOG_READ_ONLY', state.readOnly)
  const outermost = !db.inTransaction
  if (outermost && state?.identity) assertUnmoved(state.identity)
  let result: T
  const st = outermost ? stateOf(db) : null
  try {
    result = db
      .transaction(() => {
        if (st) st.pending = []
        const r = fn(db as WritableDb)
        // The last writes of the transaction (`beforeCommit`), in order; one may add another.
        for (let i = 0; st?.pending && i < st.pending.length; i++) st.pending[i]!(db as WritableDb)
        return r
      })
      .immediate()
  } catch (e) {
    throw translateSqliteError(e, db.name)
  } finally {
    if (st) st.pending = null
  }
  if (outermost && state) for (const hook of state.afterCommit) hook(db)
  return result
}

/** Free bytes on the disk holding `file`, or null when the system cannot say. */
export function freeBytes(file: string): number | null {
  try {
    const s = fs.statfsSync(path.dirname(path.resolve(file)))
    return s.bavail * s.bsize
  } catch {
    return null
  }
}

/** Below this much free space an I/O error is reported as a full disk. */
const NEARLY_FULL = 1024 * 1024

function constraintText(code: string): string {
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return 'a record with the same identifying value already exists'
    case 'SQLITE_CONSTRAINT_CHECK':
      return 'a value is outside what the log accepts'
    case 'SQLITE_CONSTRAINT_NOTNULL':
      return 'a required value is missing'
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return 'it refers to a record that does not exist (or is still referred to)'
    case 'SQLITE_CONSTRAINT_TRIGGER':
      return 'the log keeps its history and never changes or removes it'
    default:
      return 'it does not fit the rules the log keeps'
  }
}

/**
 * SQLite's failures as DbErrors with a code per cause and a sentence that says what to do. The raw
 * SQLite message is never shown to the person (it stays as the error's `cause`, for the log file).
 * `file` is the log's path, named in the messages.
 */
export function translateSqliteError(e: unknown, file = ''): unknown {
  if (e instanceof DbError) return e
  const code = (e as { code?: unknown }).code
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e
  const where = file && file !== ':memory:' ? path.dirname(path.resolve(file)) : 'the disk'
  const cause = { cause: e }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new DbError(
      'DB_BUSY',
      'The follow-up log is locked by another program (or another window is writing). Nothing was saved; ' +
        'try again in a moment, and close other programs that have the log open if it persists.',
      cause,
    )
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new DbError(
      'DB_CONSTRAINT',
      `The change was refused and nothing was saved: ${constraintText(code)}.`,
      cause,
    )
  }
  if (code === 'SQLITE_FULL') return diskFull(where, cause)
  if (code === 'SQLITE_READONLY_DBMOVED') return moved(file, cause)
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_CANTOPEN_')) {
    if (file && file !== ':memory:' && !fs.existsSync(file)) return moved(file, cause)
    if (!writable(file)) return readOnlyMedia(where, cause)
    const free = file ? freeBytes(file) : null
    if (free !== null && free < NEARLY_FULL) return diskFull(where, cause)
    return moved(file, cause)
  }
  if (code.startsWith('SQLITE_READONLY') && (code !== 'SQLITE_READONLY' || !writable(file)))
    return readOnlyMedia(where, cause)
  if (code.startsWith('SQLITE_IOERR')) {
    if (file && file !== ':memory:' && !fs.existsSync(file)) return moved(file, cause)
    const free = file ? freeBytes(file) : null
    if (free !== null && free < NEARLY_FULL) return diskFull(where, cause)
    return new DbError(
      'DB_IO',
      `The disk holding the follow-up log (${where}) reported an error. Nothing was saved. Check the disk ` +
        '(or its connection, for an external or network drive) and try again.',
      cause,
    )
  }
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_')) {
    return new DbError(
      'DB_CORRUPT',
      'The follow-up log is damaged. Nothing was saved. Restart the app: it will open the log read-only ' +
        'and offer to restore a backup.',
      cause,
    )
  }
  return e
}

/** Whether the log file and its folder can be written (false: a read-only disk, share or folder). */
function writable(file: string): boolean {
  if (!file || file === ':memory:') return true
  try {
    fs.accessSync(file, fs.constants.W_OK)
    fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK)
    return true
  } catch {
    return false
  }
}

function readOnlyMedia(where: string, cause: { cause: unknown }): DbError {
  return new DbError(
    'DB_READ_ONLY_MEDIA',
    `The follow-up log cannot be written: ${where} is read-only (a locked or read-only disk, share or ` +
      'folder permissions). Nothing was saved. Make the folder writable, or move the log to a writable ' +
      'disk, and start the app again.',
    cause,
  )
}

/**
 * A file-system failure (Node's errno codes) as a named DbError: a full disk, a read-only medium
 * or missing permissions; anything else is returned unchanged.
 */
export function translateFsError(e: unknown, file: string): unknown {
  const code = (e as NodeJS.ErrnoException).code
  const where = path.dirname(path.resolve(file))
  const cause = { cause: e }
  if (code === 'ENOSPC' || code === 'EDQUOT') return diskFull(where, cause)
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return readOnlyMedia(where, cause)
  return e
}

function diskFull(where: string, cause: { cause: unknown }): DbError {
  return new DbError(
    'DB_DISK_FULL',
    `The disk holding the follow-up log (${where}) is full. Nothing was saved. Free some space on it ` +
      '(empty the trash, remove large files), then save again: the app resumes as soon as there is room.',
    cause,
  )
}

function moved(file: string, cause: { cause: unknown }): DbError {
  return new DbError(
    'DB_MOVED',
    `The follow-up log ${file} was moved, renamed or deleted while the app was using it. Nothing was saved. ` +
      'Put it back where it was (or start the app with its new location) and restart the app.',
    cause,
  )
}

/**
 * One IMMEDIATE transaction held across the awaits of `fn`, for a long job that reports progress
 * and can be cancelled between its steps (a CSV import): either everything `fn` wrote is committed
 * when it returns, or, when it throws (a bad row, a cancel), nothing is. `writeTx` inside it runs
 * as a savepoint of this transaction.
 *
 * The connection is shared: while `fn` awaits, nothing else may use it, or its reads and writes
 * would run inside this transaction. The caller guarantees that (the back end's job gate,
 * electron/backend/jobs.ts); a second one started meanwhile is refused.
 */
export async function longWriteTx<T>(db: ReadableDb, fn: (tx: WritableDb) => Promise<T>): Promise<T> {
  const state = STATE.get(db)
  if (state?.readOnly) throw new DbError('LOG_READ_ONLY', state.readOnly)
  if (db.inTransaction) throw new DbError('DB_BUSY', 'Another change is being written; try again.')
  if (state?.identity) assertUnmoved(state.identity)
  try {
    db.exec('BEGIN IMMEDIATE')
  } catch (e) {
    throw translateSqliteError(e, db.name)
  }
  let value: T
  try {
    value = await fn(db as WritableDb)
    db.exec('COMMIT')
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK')
    throw translateSqliteError(e, db.name)
  }
  if (state) for (const hook of state.afterCommit) hook(db)
  return value
}
