import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DbError } from '../../../db/errors'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../db/migrations'
import { assertPragmas, openDatabase } from '../../../db/open'
import { tempDir } from '../../helpers/db'

let dir: string
let cleanup: () => void
beforeEach(() => ({ dir, cleanup } = tempDir()))
afterEach(() => cleanup())

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex')

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    return e instanceof DbError ? e.code : `not a DbError: ${String(e)}`
  }
  return undefined
}

describe('openDatabase', () => {
  it('creates a new log at the latest schema with durable settings', () => {
    const db = openDatabase(path.join(dir, 'nested', 'log.sqlite'))
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('temp_store', { simple: true })).toBe(2)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    db.close()
  })

  it('makes every table STRICT', () => {
    const db = openDatabase(path.join(dir, 'log.sqlite'))
    const tables = db
      .prepare(
        "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'",
      )
      .all() as Array<{ name: string; strict: number }>
    expect(tables.length).toBeGreaterThanOrEqual(10)
    expect(tables.filter((t) => t.strict !== 1).map((t) => t.name)).toEqual([])
    db.close()
  })

  it('refuses a connection whose settings did not take', () => {
    const fake = {
      memory: false,
      pragma: (name: string) =>
        name === 'synchronous' ? 1 : name === 'journal_mode' ? 'wal' : name === 'temp_store' ? 2 : 1,
    }
    expect(codeOf(() => assertPragmas(fake as never))).toBe('DB_SETTINGS')
  })

  it('refuses a log from a newer version and leaves the file byte-identical', () => {
    const file = path.join(dir, 'future.sqlite')
    const raw = new Database(file)
    raw.exec('CREATE TABLE t (x INTEGER) STRICT')
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 10}`)
    raw.close()
    const before = sha(file)
    let message = ''
    try {
      openDatabase(file)
    } catch (e) {
      expect(e).toBeInstanceOf(DbError)
      expect((e as DbError).code).toBe('DB_FROM_FUTURE')
      message = (e as Error).message
    }
    expect(message).toMatch(/newer version/)
    expect(message).toMatch(/has not been changed/)
    expect(sha(file)).toBe(before)
    expect(fs.existsSync(file + '-wal')).toBe(false)
  })

  it('refuses a file that is not a database, without changing it', () => {
    const file = path.join(dir, 'notes.sqlite')
    fs.writeFileSync(file, 'these are not the rows you are looking for'.repeat(200))
    const before = sha(file)
    expect(codeOf(() => openDatabase(file))).toBe('DB_NOT_DATABASE')
    expect(sha(file)).toBe(before)
  })

  it('refuses a damaged database without changing it', () => {
    const file = path.join(dir, 'damaged.sqlite')
    const db = openDatabase(file)
    const insert = db.prepare('INSERT INTO setting (key, value) VALUES (?, \'"x"\')')
    for (let i = 0; i < 2000; i++) insert.run(`key-${i}-${'x'.repeat(100)}`)
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const bytes = fs.readFileSync(file)
    // Scribble over the middle of the file: b-tree pages of the setting table and its index.
    for (let i = 8192; i < 16384; i++) bytes[i] = 0xa5
    fs.writeFileSync(file, bytes)
    const before = sha(file)
    expect(['DB_CORRUPT', 'DB_NOT_DATABASE']).toContain(codeOf(() => openDatabase(file)))
    expect(sha(file)).toBe(before)
  })

  it('applies migrations in one transaction: a failing step leaves the old version and nothing half-made', () => {
    const file = path.join(dir, 'log.sqlite')
    openDatabase(file).close()
    const broken = [
      ...MIGRATIONS,
      {
        version: LATEST_SCHEMA_VERSION + 10,
        name: 'adds a table then fails',
        up: (db: Database.Database) => {
          db.exec('CREATE TABLE half_made (x INTEGER) STRICT')
          throw new Error('boom')
        },
      },
    ]
    expect(() => openDatabase(file, { migrations: broken })).toThrow('boom')
    const db = openDatabase(file)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half_made'").pluck().get()).toBe(0)
    db.close()
  })

  it('keeps a checked copy of a log that holds data before upgrading it', () => {
    const file = path.join(dir, 'log.sqlite')
    const db = openDatabase(file)
    db.prepare("INSERT INTO setting (key, value) VALUES ('theme', '\"dark\"')").run()
    db.close()
    const next = [...MIGRATIONS, { version: LATEST_SCHEMA_VERSION + 10, name: 'noop', up: () => undefined }]
    openDatabase(file, { migrations: next }).close()
    const copies = fs.readdirSync(dir).filter((f) => f.includes('.before-v') && f.endsWith('.sqlite'))
    expect(copies).toHaveLength(1)
    const copy = new Database(path.join(dir, copies[0]!), { readonly: true })
    expect(copy.prepare("SELECT value FROM setting WHERE key = 'theme'").pluck().get()).toBe('"dark"')
    expect(copy.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    copy.close()
  })
})
