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

/**
 * Runs `fn` in one IMMEDIATE transaction (the write lock is taken up front, so a busy database
 * fails at the start, before any work) and turns SQLite's failure codes into DbErrors with
 * messages a user can act on. Either everything in `fn` is stored or nothing is.
 *
 * Services own their transactions: a service calls `writeTx` once per command and passes the
 * `WritableDb` it receives to every query and to the audit helper. (Called inside another
 * `writeTx`, better-sqlite3 runs it as a savepoint of the outer transaction.)
 */
export function writeTx<T>(db: ReadableDb, fn: (tx: WritableDb) => T): T {
  try {
    return db.transaction(() => fn(db as WritableDb)).immediate()
  } catch (e) {
    throw translateSqliteError(e)
  }
}

export function translateSqliteError(e: unknown): unknown {
  if (e instanceof DbError) return e
  const code = (e as { code?: unknown }).code
  const message = e instanceof Error ? e.message : String(e)
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new DbError(
      'DB_BUSY',
      'The follow-up log is busy (another window or program is writing). Nothing was saved; try again.',
    )
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
    return new DbError(
      'DB_CONSTRAINT',
      `The change was refused by the database and nothing was saved (${message}).`,
    )
  }
  return e
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
  if (db.inTransaction) throw new DbError('DB_BUSY', 'Another change is being written; try again.')
  try {
    db.exec('BEGIN IMMEDIATE')
  } catch (e) {
    throw translateSqliteError(e)
  }
  try {
    const value = await fn(db as WritableDb)
    db.exec('COMMIT')
    return value
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK')
    throw translateSqliteError(e)
  }
}
