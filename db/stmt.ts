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
