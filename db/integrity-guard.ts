import { DbError } from './errors'
import { recordProblem, type CheckedEntity, type Problem } from './integrity'
import type { ReadableDb } from './tx'

// Damage found while the log is in use (by the write-time guard or the background check) is
// reported to whoever opened the connection (db/open.ts's session), which puts the log in
// read-only mode with the problem named.

const LISTENERS = new WeakMap<ReadableDb, (p: Problem) => void>()

export function onDamage(db: ReadableDb, fn: (p: Problem) => void): void {
  LISTENERS.set(db, fn)
}

export function reportDamage(db: ReadableDb, p: Problem): void {
  LISTENERS.get(db)?.(p)
}

/**
 * Before a change builds on a record: it must still be what its last audit row says. If not, the
 * damage is reported (the log goes read-only) and the write refused with LOG_READ_ONLY.
 */
export function guardRecord(db: ReadableDb, entity: CheckedEntity, id: number, current: unknown): void {
  const p = recordProblem(db, entity, id, current)
  if (!p) return
  reportDamage(db, p)
  throw new DbError(
    'LOG_READ_ONLY',
    `Nothing was saved: ${p.message} The log is now read-only; restore a backup from the banner.`,
  )
}
