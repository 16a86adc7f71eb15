import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { setAuditKey } from './audit'
import { countsOf, manifestFileOf, readManifest, sha256Of } from './backup'
import { isPlainSqlite, openDb, shredFile, type LogKey } from './cipher'
import { DbError } from './errors'
import { fullCheck } from './integrity'
import { createPrivateFile, writeFileAtomic } from './integrity-files'

// Encrypting a plain log from before encryption (docs/privacy.md, "An existing plain log").
//
// 1. The plain log's row counts are read through a READ-ONLY connection: nothing is written to it.
// 2. The closed log's files (the database and its -wal) are copied to `<log>.encrypting` (0600, same
//    folder: no plain temporary is made elsewhere), streamed from disk to disk (no image of the log
//    in one buffer: a 100k-patient log is larger than any). The copy's -wal is folded into it
//    (`journal_mode = DELETE`), then it is encrypted IN PLACE with SQLite3MultipleCiphers'
//    `PRAGMA rekey`, which rebuilds the file with a VACUUM whose temporary database is kept in
//    memory and whose journal is off (`forRekey`): no plain page is written anywhere else. That
//    needs free memory about the size of the log, checked first (`needsMemory`).
// 3. The encrypted copy is checked with the key: integrity_check, cipher_integrity_check (every
//    page's HMAC), the same row counts as the plain log, and the full check of db/integrity.ts (the
//    whole audit chain, every record against its last audit row, foreign keys). Anything else:
//    the copy is removed and the plain log left exactly as it was (DB_CORRUPT, named).
// 4. `<log>.encrypting.ok` records that the copy passed; the plain files are moved aside
//    (`<log>.plain-old`, `-wal`, `-shm`: a hard link / renames, so a crash never loses the data),
//    the copy is renamed over the log, and the plain files are overwritten and removed.
// 5. Plain backups in the backups folder and pre-migration copies beside the log go the same way
//    (each encrypted, checked, swapped; its manifest's checksum rewritten).
// A crash at any step is finished or undone by `finishEncryption` at the next open.

export interface EncryptOptions {
  /** The audit chain's key (the log's `.key` file), for the full check of the copy. */
  readonly auditKey: Buffer | null
  /** Plain backups here are encrypted too. */
  readonly backupDir?: string
}

export interface EncryptDone {
  readonly counts: ReturnType<typeof countsOf>
  /** Backups and pre-migration copies that were plain and are now encrypted. */
  readonly backups: string[]
}

const encryptingOf = (file: string): string => `${file}.encrypting`
const okOf = (file: string): string => `${file}.encrypting.ok`
const plainOldOf = (file: string): string => `${file}.plain-old`

/** Encrypts the plain log `file` in place with `key` (see above). The log must be closed. */
export function encryptPlainLog(file: string, key: LogKey, opts: EncryptOptions): EncryptDone {
  finishEncryption(file)
  if (!isPlainSqlite(file)) throw new DbError('CONFLICT', `${file} is not a plain log; nothing was done.`)
  const counts = encryptFile(file, key, opts.auditKey, true)
  const backups: string[] = []
  for (const b of plainBackups(file, opts.backupDir)) {
    encryptFile(b, key, opts.auditKey, false)
    rewriteManifest(b)
    backups.push(b)
  }
  return { counts, backups }
}

function plainBackups(file: string, backupDir: string | undefined): string[] {
  const out: string[] = []
  const list = (dir: string, keep: (f: string) => boolean): void => {
    let names: string[] = []
    try {
      names = fs.readdirSync(dir)
    } catch {
      return
    }
    for (const f of names) if (keep(f) && isPlainSqlite(path.join(dir, f))) out.push(path.join(dir, f))
  }
  if (backupDir) list(backupDir, (f) => f.endsWith('.sqlite'))
  const base = path.basename(file)
  list(
    path.dirname(file),
    (f) => f.startsWith(`${base}.before-v`) || (f.startsWith(`${base}.set-aside-`) && !/-(wal|shm)$/.test(f)),
  )
  return out
}

function rewriteManifest(backup: string): void {
  const m = readManifest(backup)
  if (!m) return
  const sha256 = sha256Of(backup)
  writeFileAtomic(
    manifestFileOf(backup),
    `${JSON.stringify({ ...m, bytes: fs.statSync(backup).size, sha256 }, null, 2)}\n`,
  )
}

/** Steps 1–4 for one file; returns the counts it holds. */
function encryptFile(
  file: string,
  key: LogKey,
  auditKey: Buffer | null,
  isLog: boolean,
): ReturnType<typeof countsOf> {
  const tmp = encryptingOf(file)
  // 1. The plain log's counts, read-only.
  let counts: ReturnType<typeof countsOf>
  const sides = ['-wal', '-shm'].filter((s) => !fs.existsSync(`${file}${s}`))
  const src = new Database(file, { readonly: true, fileMustExist: true })
  try {
    counts = countsOf(src)
  } finally {
    src.close()
    // A read-only connection to a WAL file leaves the -wal/-shm it had to make: not ours to keep.
    for (const s of sides) fs.rmSync(`${file}${s}`, { force: true })
  }
  needsMemory(file)
  // 2. The closed log's files copied beside it (private), its -wal folded in, then encrypted in place.
  const shredCopy = (): void => {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) shredFile(f)
  }
  shredCopy()
  try {
    copyPrivate(file, tmp)
    if (fs.existsSync(`${file}-wal`)) copyPrivate(`${file}-wal`, `${tmp}-wal`)
    const w = new Database(tmp, { fileMustExist: true })
    try {
      forRekey(w)
      w.pragma(`cipher = 'sqlcipher'`)
      w.pragma('legacy = 4')
      w.pragma(`rekey = "x'${key.toString('hex')}'"`)
    } finally {
      w.close()
    }
    // 3. Checked with the key.
    if (isPlainSqlite(tmp)) throw new DbError('DB_CORRUPT', 'the copy came out unencrypted')
    const c = openDb(tmp, key, { fileMustExist: true })
    try {
      const integrity = (c.pragma('integrity_check') as Array<{ integrity_check: string }>).map(
        (r) => r.integrity_check,
      )
      if (integrity.join() !== 'ok') throw new DbError('DB_CORRUPT', `integrity_check: ${integrity[0]}`)
      const pages = c.pragma('cipher_integrity_check') as unknown[]
      if (pages.length > 0) throw new DbError('DB_CORRUPT', `${pages.length} pages fail their HMAC`)
      if (JSON.stringify(countsOf(c)) !== JSON.stringify(counts))
        throw new DbError('DB_CORRUPT', 'the copy holds different row counts')
      setAuditKey(c, auditKey)
      const problems = fullCheck(c)
      if (problems.length > 0) throw new DbError('DB_CORRUPT', problems[0]!.message)
    } finally {
      c.close()
    }
    fsyncFile(tmp)
  } catch (e) {
    shredCopy()
    throw new DbError(
      'DB_CORRUPT',
      `${path.basename(file)} was not encrypted: the encrypted copy failed its check (${e instanceof Error ? e.message : String(e)}). The plain file is unchanged.`,
      { cause: e },
    )
  }
  writeFileAtomic(okOf(file), `${JSON.stringify({ counts, isLog })}\n`)
  swapIn(file)
  return counts
}

/**
 * Sets up the connection that encrypts the plain copy in place so that no plain page is written
 * anywhere else. `rekey` rebuilds the file (SQLCipher's pages keep 80 bytes a plain page has not,
 * so it runs a VACUUM): that VACUUM's temporary database is kept in memory (else SQLite writes a
 * plain copy of the whole log to /var/tmp or the system's temp folder), and its rollback journal
 * is off (else the plain pages go to `<copy>-journal`). `journal_mode = OFF` is refused by
 * better-sqlite3's defensive mode unless the connection is in unsafe mode; the copy is thrown
 * away on any failure, so it needs no rollback. Memory: about the size of the log, once.
 */
export function forRekey(w: Database.Database): void {
  w.pragma('journal_mode = DELETE')
  w.unsafeMode(true)
  const mode = w.pragma('journal_mode = OFF', { simple: true }) as string
  w.pragma('temp_store = MEMORY')
  if (mode !== 'off' || (w.pragma('temp_store', { simple: true }) as number) !== 2)
    throw new DbError('DB_SETTINGS', `the copy could not be set up for encryption (journal ${mode})`)
}

/**
 * Refuses, before anything is written, a log whose encryption would need more memory than is free
 * (`forRekey`: the rebuild's temporary database is held in memory, about the size of the log and
 * its -wal), with what to do instead of running the computer out of memory halfway.
 */
function needsMemory(file: string): void {
  const size = [file, `${file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0)
  const need = size + 256 * 1024 * 1024
  const free = typeof process.availableMemory === 'function' ? process.availableMemory() : os.freemem()
  if (need > free) {
    const gb = (n: number): string => `${(n / 1e9).toFixed(1)} GB`
    throw new DbError(
      'CONFLICT',
      `Encrypting ${path.basename(file)} needs about ${gb(need)} of free memory and ${gb(free)} is free. Close other programs (or start the app on a computer with more memory) and set up the passphrase again; the log has not been changed.`,
    )
  }
}

/**
 * Copies `from` into a new private (0600) file `to`, a few MB at a time (never readable by others,
 * whatever the mode of `from`). Not flushed: a crash before the encrypted copy is checked and
 * flushed (`fsyncFile` after step 3) throws the copy away anyway (`finishEncryption`).
 */
function copyPrivate(from: string, to: string): void {
  createPrivateFile(to)
  const src = fs.openSync(from, 'r')
  const dst = fs.openSync(to, 'r+')
  try {
    const chunk = Buffer.allocUnsafe(8 * 1024 * 1024)
    for (let at = 0; ;) {
      const n = fs.readSync(src, chunk, 0, chunk.length, at)
      if (n === 0) break
      for (let w = 0; w < n;) w += fs.writeSync(dst, chunk, w, n - w, at + w)
      at += n
    }
    chunk.fill(0)
  } finally {
    fs.closeSync(src)
    fs.closeSync(dst)
  }
}

function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** Step 4: plain files aside, the checked copy in place, the plain files overwritten and removed. */
function swapIn(file: string): void {
  const old = plainOldOf(file)
  if (isPlainSqlite(file) && !fs.existsSync(old)) fs.linkSync(file, old)
  for (const side of ['-wal', '-shm'])
    if (fs.existsSync(`${file}${side}`)) fs.renameSync(`${file}${side}`, `${old}${side}`)
  fs.renameSync(encryptingOf(file), file)
  // The copy was switched to a rollback journal before it was encrypted: a -wal or -shm of it still
  // here (a crash before that switch was checked) is not part of the encrypted log.
  for (const f of [`${encryptingOf(file)}-wal`, `${encryptingOf(file)}-shm`]) shredFile(f)
  fs.rmSync(okOf(file), { force: true })
  for (const f of [old, `${old}-wal`, `${old}-shm`]) shredFile(f)
}

/**
 * Finishes or undoes an encryption a crash interrupted: a checked copy (`.encrypting.ok`) is
 * swapped in; an unchecked one is overwritten and removed; plain leftovers beside an encrypted log
 * are overwritten and removed.
 */
export function finishEncryption(file: string): void {
  const tmp = encryptingOf(file)
  const old = plainOldOf(file)
  if (fs.existsSync(okOf(file)) && fs.existsSync(tmp)) return swapIn(file)
  fs.rmSync(okOf(file), { force: true })
  // The unchecked copy and its -wal/-shm (a plain copy of the log's last changes) are overwritten
  // and removed, whether or not the copy itself is still there.
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) shredFile(f)
  if (fs.existsSync(old)) {
    if (isPlainSqlite(file) && fs.statSync(old).ino === fs.statSync(file).ino) {
      // Crashed right after the hard link: the log is still the plain original. Undo the aside.
      fs.rmSync(old)
      for (const side of ['-wal', '-shm'])
        if (fs.existsSync(`${old}${side}`) && !fs.existsSync(`${file}${side}`))
          fs.renameSync(`${old}${side}`, `${file}${side}`)
    } else if (!isPlainSqlite(file)) {
      for (const f of [old, `${old}-wal`, `${old}-shm`]) shredFile(f)
    }
  }
}
