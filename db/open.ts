import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { backupTo } from './backup'
import { DbError } from './errors'
import { MIGRATIONS } from './migrations'
import type { Migration } from './migrations/types'
import type { ReadableDb } from './tx'

/** A better-sqlite3 connection (see db/tx.ts for ReadableDb and WritableDb). */
export type DB = Database.Database

export interface OpenOptions {
  /** For tests: run a different migration list. */
  readonly migrations?: readonly Migration[]
  /** Milliseconds a write waits for another connection's lock before failing with DB_BUSY. */
  readonly busyTimeoutMs?: number
}

/**
 * The settings every connection must have. They are set, then read back: a connection that does
 * not have them is refused rather than used (a WAL file with synchronous=NORMAL can lose the last
 * commits on power loss, see docs/data.md).
 */
const REQUIRED_PRAGMAS: ReadonlyArray<readonly [string, string | number]> = [
  ['journal_mode', 'wal'],
  ['synchronous', 2],
  ['foreign_keys', 1],
  ['temp_store', 2],
]

/**
 * Opens (creating if needed) the follow-up log at `file` and brings its schema up to date.
 *
 * Order matters: a file from a newer app version or a damaged file is refused before anything
 * is written to it, so refusing never changes the file.
 *
 * The connection comes back as a `ReadableDb`: reads may use it directly; every write goes
 * through `writeTx`, the only source of a `WritableDb`.
 */
export function openDatabase(file: string, options: OpenOptions = {}): ReadableDb {
  const migrations = options.migrations ?? MIGRATIONS
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const db = new Database(file)
  try {
    let version: number
    try {
      version = db.pragma('user_version', { simple: true }) as number
    } catch (e) {
      throw classifyOpenError(e, file)
    }
    if (version > latest) {
      throw new DbError(
        'DB_FROM_FUTURE',
        `The follow-up log at ${file} was written by a newer version of pNET Follow-up (schema ${version}; ` +
          `this version knows up to ${latest}). It has not been changed. Install the newer version to open it.`,
      )
    }
    const check = quickCheck(db, file)
    if (check !== 'ok') {
      throw new DbError(
        'DB_CORRUPT',
        `The follow-up log at ${file} failed its integrity check (${check}). It has not been changed; ` +
          `restore it from a backup or contact support.`,
      )
    }
    applyPragmas(db, options.busyTimeoutMs ?? 5000)
    migrate(db, migrations, file)
    // Foreign keys and the other settings are on again after any migration.
    assertPragmas(db)
    return db
  } catch (e) {
    db.close()
    throw e
  }
}

function quickCheck(db: DB, file: string): string {
  try {
    const rows = db.pragma('quick_check') as Array<{ quick_check: string }>
    return rows.map((r) => r.quick_check).join('; ')
  } catch (e) {
    throw classifyOpenError(e, file)
  }
}

function classifyOpenError(e: unknown, file: string): Error {
  const code = (e as { code?: string }).code
  if (code === 'SQLITE_NOTADB') {
    return new DbError('DB_NOT_DATABASE', `${file} is not a pNET Follow-up log (not a SQLite database).`)
  }
  if (code === 'SQLITE_CORRUPT') {
    return new DbError('DB_CORRUPT', `The follow-up log at ${file} is damaged. It has not been changed.`)
  }
  return e instanceof Error ? e : new Error(String(e))
}

export function applyPragmas(db: DB, busyTimeoutMs: number): void {
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('temp_store = MEMORY')
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`)
  assertPragmas(db)
}

/** Reads each required setting back and refuses the connection if one did not take. */
export function assertPragmas(db: Pick<DB, 'pragma' | 'memory'>): void {
  for (const [name, want] of REQUIRED_PRAGMAS) {
    // An in-memory database cannot use WAL; it is only used by tests.
    if (name === 'journal_mode' && db.memory) continue
    const got = db.pragma(name, { simple: true })
    if (String(got).toLowerCase() !== String(want)) {
      throw new DbError(
        'DB_SETTINGS',
        `Database setting ${name} is ${String(got)}, expected ${String(want)}.`,
      )
    }
  }
}

/**
 * Applies every pending migration in ONE transaction and sets `user_version` inside it: a crash
 * leaves the file at the old version or the new one, never between. A log that already holds data
 * is copied first (`<file>.before-v<N>.sqlite`, checked) so an upgrade can always be undone.
 */
function migrate(db: DB, migrations: readonly Migration[], file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number
  const pending = migrations.filter((m) => m.version > current)
  if (pending.length === 0) return
  if (current > 0 && !db.memory)
    backupBeforeMigration(db, file, current, pending[pending.length - 1]!.version)
  // A migration that rebuilds a referenced table needs foreign keys off while it runs (SQLite's
  // documented 12-step table change; the pragma cannot change inside a transaction). Every
  // reference is checked inside the transaction, so a broken one rolls the whole upgrade back.
  const fkOff = pending.some((m) => m.foreignKeysOff === true)
  if (fkOff) db.pragma('foreign_keys = OFF')
  try {
    db.transaction(() => {
      for (const m of pending) m.up(db)
      const broken = db.pragma('foreign_key_check') as unknown[]
      if (broken.length > 0)
        throw new DbError('DB_CORRUPT', `Migration left ${broken.length} broken references.`)
      db.pragma(`user_version = ${pending[pending.length - 1]!.version}`)
    }).immediate()
  } finally {
    if (fkOff) db.pragma('foreign_keys = ON')
  }
  const fk = db.pragma('foreign_key_check') as unknown[]
  if (fk.length > 0) throw new DbError('DB_CORRUPT', `Migration left ${fk.length} broken references.`)
}

function backupBeforeMigration(db: DB, file: string, from: number, to: number): void {
  const target = `${file}.before-v${to}-from-v${from}.sqlite`
  if (!fs.existsSync(target)) backupTo(db, target)
}
