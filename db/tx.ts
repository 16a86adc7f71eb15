import { DbError } from './errors'
import type { DB } from './open'

/**
 * Runs `fn` in one IMMEDIATE transaction (the write lock is taken up front, so a busy database
 * fails at the start, before any work) and turns SQLite's failure codes into DbErrors with
 * messages a user can act on. Either everything in `fn` is stored or nothing is.
 */
export function writeTx<T>(db: DB, fn: () => T): T {
  try {
    return db.transaction(fn).immediate()
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
