import type Database from 'better-sqlite3'

export interface Migration {
  /** Increasing (mostly in steps of 10; 65 was fitted in after 60 had shipped); stored in `PRAGMA user_version` once applied. */
  readonly version: number
  readonly name: string
  readonly up: (db: Database.Database) => void
}
