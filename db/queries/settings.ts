import { cached } from '../stmt'
import type { ReadableDb, WritableDb } from '../tx'

/** A JSON value stored under `key`, or `fallback` when absent or unreadable. */
export function readSetting<T>(db: ReadableDb, key: string, fallback: T): T {
  const raw = cached(db, 'SELECT value FROM setting WHERE key = ?').pluck().get(key) as string | undefined
  if (raw === undefined) return fallback
  try {
    return JSON.parse(raw) as T
  } catch {
    return fallback
  }
}

/** Stores a JSON value, in the caller's write transaction (settings changes are audited). */
export function writeSetting(db: WritableDb, key: string, value: unknown): void {
  cached(
    db,
    'INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, JSON.stringify(value))
}

/** Removes a stored value, in the caller's write transaction. */
export function removeSetting(db: WritableDb, key: string): void {
  cached(db, 'DELETE FROM setting WHERE key = ?').run(key)
}
