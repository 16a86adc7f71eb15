import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3-multiple-ciphers'
import { isPlainSqlite, openDb, type LogKey } from './cipher'
import { appendAudit, auditHead, keyedFrom, keyIdOf, setAuditKey, type Actor, type AuditHead } from './audit'
import { readManifest, sha256Of } from './backup'
import { DbError } from './errors'
import { copyForCheck, discardCopy, fullCheck, schemaDifference } from './integrity'
import { anchorFileOf, createPrivateFile, makeAnchor, writeAnchor } from './integrity-files'
import type { Migration } from './migrations/types'
import { writeTx, type ReadableDb } from './tx'

// Restoring a backup (the recovery screen): the backup is checked in full first, the current
// files are kept aside under new names (never overwritten, never deleted), the backup is copied
// into place, and the anchor is set to the backup's audit head. The session then reopens the log
// and records the restore in the audit trail.

export interface RestoreDone {
  readonly from: string
  /** Where the files that were in place are kept (empty when there were none). */
  readonly setAside: string[]
  readonly head: AuditHead | null
}

/** Checks a backup in full, on a copy; throws DB_CORRUPT naming what failed. */
export function checkBackup(
  backup: string,
  key: Buffer | null,
  migrations: readonly Migration[],
  /** The log's encryption key (null: a plain log). */
  cipherKey: LogKey | null = null,
): AuditHead | null {
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0
  const manifest = readManifest(backup)
  const name = path.basename(backup)
  if (manifest && manifest.sha256 !== sha256Of(backup))
    throw new DbError(
      'DB_CORRUPT',
      `The backup ${name} changed since it was taken (its checksum does not match); it was not restored.`,
    )
  const copy = copyForCheck(backup)
  let db: Database.Database | null = null
  try {
    db = openDb(copy, isPlainSqlite(copy) ? null : cipherKey, { fileMustExist: true })
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > latest)
      throw new DbError(
        'DB_FROM_FUTURE',
        `The backup ${name} was written by a newer version (schema ${version}).`,
      )
    const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map(
      (r) => r.integrity_check,
    )
    if (integrity.join() !== 'ok')
      throw new DbError('DB_CORRUPT', `The backup ${name} is damaged (${integrity[0]}).`)
    const schema = schemaDifference(db, migrations, version)
    if (schema) throw new DbError('DB_CORRUPT', `The backup ${name} has a changed structure (${schema}).`)
    const kf = keyedFrom(db)
    if (kf !== null && !key)
      throw new DbError('DB_CORRUPT', `The backup ${name} cannot be checked without the log's key file.`)
    setAuditKey(db, key)
    const problems = fullCheck(db)
    if (problems.length > 0)
      throw new DbError('DB_CORRUPT', `The backup ${name} does not pass its checks: ${problems[0]!.message}`)
    const head = auditHead(db)
    if (manifest && JSON.stringify(manifest.auditHead) !== JSON.stringify(head))
      throw new DbError('DB_CORRUPT', `The backup ${name} does not hold the audit head its manifest names.`)
    return head
  } catch (e) {
    if (e instanceof DbError) throw e
    throw new DbError(
      'DB_CORRUPT',
      `The backup ${name} cannot be read (${(e as { code?: string }).code ?? String(e)}).`,
      {
        cause: e,
      },
    )
  } finally {
    if (db?.open) db.close()
    discardCopy(copy)
  }
}

/**
 * Puts `backup` in place of `file` (the session on `file` must be closed; the lock stays held).
 * The log, its -wal and -shm and its anchor are renamed to `<file>.set-aside-<instant>…`.
 */
export function restoreFiles(
  file: string,
  backup: string,
  key: Buffer | null,
  migrations: readonly Migration[],
  now: Date,
  cipherKey: LogKey | null = null,
): RestoreDone {
  const head = checkBackup(backup, key, migrations, cipherKey)
  const stamp = now.toISOString().replace(/[:.]/g, '-')
  let base = `${file}.set-aside-${stamp}`
  for (let n = 2; fs.existsSync(base) || fs.existsSync(`${base}-wal`); n++)
    base = `${file}.set-aside-${stamp}-${n}`
  const setAside: string[] = []
  for (const [from, to] of [
    [file, base],
    [`${file}-wal`, `${base}-wal`],
    [`${file}-shm`, `${base}-shm`],
    [anchorFileOf(file), `${base}.anchor`],
  ] as const) {
    if (!fs.existsSync(from)) continue
    fs.renameSync(from, to)
    setAside.push(to)
  }
  const tmp = `${file}.restoring`
  fs.rmSync(tmp, { force: true })
  createPrivateFile(tmp)
  fs.copyFileSync(backup, tmp)
  const fd = fs.openSync(tmp, 'r+')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, file)
  const check = openDb(file, isPlainSqlite(file) ? null : cipherKey, { readonly: true, fileMustExist: true })
  let kf: number | null
  try {
    kf = keyedFrom(check)
  } finally {
    check.close()
  }
  writeAnchor(file, makeAnchor(head, kf, kf !== null && key ? keyIdOf(key) : null, key, now))
  return { from: backup, setAside, head }
}

/** The restore's own audit row, on the reopened log. */
export function recordRestore(db: ReadableDb, actor: Actor, done: RestoreDone): void {
  writeTx(db, (tx) =>
    appendAudit(tx, actor, {
      action: 'log.restore',
      entity: 'log',
      entityId: null,
      before: { setAside: done.setAside.map((f) => path.basename(f)) },
      after: { from: path.basename(done.from), head: done.head },
    }),
  )
}
