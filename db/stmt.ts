import type Database from 'better-sqlite3-multiple-ciphers'
import type { DB } from './open'

const caches = new WeakMap<DB, Map<string, Database.Statement>>()

/** A prepared statement for `sql`, compiled once per connection (hot paths such as the worklist). */
export function cached(db: DB, sql: string): Database.Statement {
  let cache = caches.get(db)
  if (!cache) caches.set(db, (cache = new Map()))
  let stmt = cache.get(sql)
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql)))
  return stmt
}

const rawCaches = new WeakMap<DB, Map<string, { stmt: Database.Statement; names: string[] }>>()

/**
 * The rows of `sql` as objects: the same keys in the same order and the same values as
 * `cached(db, sql).all(...params)`, built from the statement's raw rows. The objects better-sqlite3
 * builds for wide rows cost several times more to make and to turn into JSON, which counts where a
 * patient's whole history is read (their studies, the state an undo keeps).
 */
export function allRows<T = Record<string, unknown>>(db: DB, sql: string, ...params: unknown[]): T[] {
  const { columns, rows } = rawRows(db, sql, ...params)
  return rows.map((r) => {
    const o: Record<string, unknown> = {}
    for (let i = 0; i < columns.length; i++) o[columns[i]!] = r[i]
    return o as T
  })
}

/**
 * The rows of `sql` as better-sqlite3's raw rows (each row's values in column order) with the
 * column names once: what `allRows` makes its objects from.
 */
export function rawRows(
  db: DB,
  sql: string,
  ...params: unknown[]
): { columns: readonly string[]; rows: unknown[][] } {
  let cache = rawCaches.get(db)
  if (!cache) rawCaches.set(db, (cache = new Map()))
  let c = cache.get(sql)
  if (!c) {
    const stmt = db.prepare(sql).raw(true)
    cache.set(sql, (c = { stmt, names: stmt.columns().map((col) => col.name) }))
  }
  return { columns: c.names, rows: c.stmt.all(...params) as unknown[][] }
}
