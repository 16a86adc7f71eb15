import type Database from 'better-sqlite3-multiple-ciphers'

export interface Migration {
  /** Increasing (mostly in steps of 10; 65 was fitted in after 60 had shipped); stored in `PRAGMA user_version` once applied. */
  readonly version: number
  readonly name: string
  /** `progress`, when given, hears how far a migration that converts rows has got. */
  readonly up: (db: Database.Database, progress?: (done: number, total: number) => void) => void
  /**
   * The migration rebuilds a table that others refer to (SQLite's 12-step table change): the
   * pending migrations then run with foreign keys off, and every reference is checked before the
   * transaction commits.
   */
  readonly foreignKeysOff?: boolean
}
