import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import Database from 'better-sqlite3-multiple-ciphers'
import { DbError } from './errors'
import { registerSearchFunctions } from './queries/search'

// Encryption at rest (docs/privacy.md). The log, its -wal and every backup are SQLCipher v4
// files, written by SQLite3MultipleCiphers (the SQLite inside better-sqlite3-multiple-ciphers)
// with `cipher = 'sqlcipher'` and `legacy = 4`: AES-256-CBC per page, HMAC-SHA512 per page, a
// random per-file salt and per-page IV. That is the format the `sqlcipher` command line and
// DB Browser for SQLite (SQLCipher 4 defaults) open, so a log stays readable without this app.
// The key is a random 256-bit value passed raw (`x'…'`), so SQLCipher's own PBKDF2 step is not
// used: the key is never derived from something a person chose, except through the key store's
// scrypt (db/keystore.ts) in browser mode.

/** The log's key: 32 random bytes. */
export type LogKey = Buffer

export const KEY_BYTES = 32

/** What the key file and docs/privacy.md name as the log's format. */
export const CIPHER_NAME = 'SQLCipher 4 (SQLite3MultipleCiphers cipher=sqlcipher, legacy=4)'

const keys = new WeakMap<Database.Database, LogKey>()

/** A new random log key. */
export function newLogKey(): LogKey {
  return randomBytes(KEY_BYTES)
}

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES)
    throw new DbError('KEY_WRONG', `The log's key must be ${KEY_BYTES} bytes; this one is not.`)
}

/**
 * Sets the cipher and key on a fresh connection (before its first read). The key goes in as hex
 * built from bytes, never from text a person typed, so nothing can break out of the pragma.
 */
export function applyCipher(db: Database.Database, key: LogKey | null): void {
  if (!key) return
  assertKey(key)
  db.pragma(`cipher = 'sqlcipher'`)
  db.pragma('legacy = 4')
  db.pragma(`key = "x'${key.toString('hex')}'"`)
  keys.set(db, key)
}

/** The key a connection was opened with (null: a plain connection, tests and in-memory only). */
export function cipherKeyOf(db: Database.Database): LogKey | null {
  return keys.get(db) ?? null
}

/** The page cache of every connection the app opens, in KiB (64 MiB). */
const PAGE_CACHE_KIB = 64 * 1024

/**
 * Opens `file` with `key` (null: plain) and reads its schema once, so a wrong key is found here:
 * KEY_WRONG, nothing written. `:memory:` databases are never keyed.
 */
export function openDb(file: string, key: LogKey | null, options?: Database.Options): Database.Database {
  const db = new Database(file, options)
  try {
    registerSearchFunctions(db)
    if (file !== ':memory:') applyCipher(db, key)
    // SQLite's default page cache is 2 MB. Each page read past it is read from the file again and,
    // in an encrypted log, decrypted and its HMAC checked again: with 64 MiB, a check of a large
    // log reads each page far fewer times (integrity_check of a 33 MB encrypted log: 1.8 s with
    // 2 MB, 0.9 s with 64 MiB) and the worklist's indexes stay decrypted between calls.
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`)
    if (key && file !== ':memory:') db.prepare('SELECT count(*) FROM sqlite_schema').get()
    return db
  } catch (e) {
    db.close()
    if (key && (e as { code?: string }).code === 'SQLITE_NOTADB')
      throw new DbError(
        'KEY_WRONG',
        `The key does not open ${file}: it belongs to another log, or the file is not a pNET Follow-up log. Nothing was changed.`,
        { cause: e },
      )
    throw e
  }
}

const HEADER = Buffer.from('SQLite format 3\0', 'latin1')

/** True when `file` starts with SQLite's plain header (an unencrypted database). */
export function isPlainSqlite(file: string): boolean {
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch {
    return false
  }
  try {
    const head = Buffer.alloc(16)
    return fs.readSync(fd, head, 0, 16, 0) === 16 && head.equals(HEADER)
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Overwrites a file's bytes in place with random data, syncs, then removes it. On a spinning disk
 * or a plain ext4/NTFS volume this replaces the data blocks; on an SSD (wear levelling), a
 * copy-on-write file system (btrfs, APFS, ZFS) or with snapshots the old blocks may survive
 * elsewhere: docs/privacy.md says so. A missing file is nothing to do.
 */
export function shredFile(file: string): void {
  let fd: number
  try {
    fd = fs.openSync(file, 'r+')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
    throw e
  }
  try {
    const size = fs.fstatSync(fd).size
    const chunk = 1024 * 1024
    for (let at = 0; at < size; at += chunk) {
      const n = Math.min(chunk, size - at)
      fs.writeSync(fd, randomBytes(n), 0, n, at)
    }
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.rmSync(file, { force: true })
}
