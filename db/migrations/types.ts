import type Database from 'better-sqlite3'

export interface Migration {
  /** Numbered in steps of 10; stored in `PRAGMA user_version` once applied. */
  readonly version: number
  readonly name: string
  readonly up: (db: Database.Database) => void
}
