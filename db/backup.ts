import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { cipherKeyOf, isPlainSqlite, openDb, type LogKey } from './cipher'
import {
  appendAudit,
  auditHead,
  auditKeyOf,
  hashText,
  keyedFrom,
  setAuditKey,
  type Actor,
  type AuditHead,
} from './audit'
import { DbError } from './errors'
import { fullCheck } from './integrity'
import { createPrivateFile, ensurePrivateDir, writeFileAtomic } from './integrity-files'
import type { DB } from './open'
import { readOnlyReason, translateSqliteError, writeTx, type ReadableDb } from './tx'

/** What a backup holds, written beside it as `<backup>.manifest.json` and compared at restore. */
export interface BackupManifest {
  readonly format: 'pnet-backup/1'
  readonly createdAt: string
  /** The log it was taken from. */
  readonly source: string
  readonly bytes: number
  readonly sha256: string
  readonly schemaVersion: number
  readonly counts: BackupCounts
  /** The audit head of the copy (equal to the source's when it was taken): the anchor for a restore. */
  readonly auditHead: AuditHead | null
  readonly keyedFrom: number | null
}

export interface BackupCounts {
  readonly patients: number
  readonly studies: number
  readonly items: number
  readonly audit: number
}

export interface BackupMade {
  readonly file: string
  readonly bytes: number
  readonly manifest: BackupManifest
}

export interface BackupOptions {
  /** Told when the copy starts and when its check starts (a job's progress). */
  readonly onPhase?: (phase: string) => void
  /** Asked between the phases: true stops the backup (nothing kept). */
  readonly cancelled?: () => boolean
}

export const manifestFileOf = (backup: string): string => `${backup}.manifest.json`

/** Daily backups kept (the newest days) and manual ones (the newest). */
export const KEEP_DAILY = 14
export const KEEP_MANUAL = 10

function tableExists(db: ReadableDb, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck().get(name) === 1
}

export function countsOf(db: ReadableDb): BackupCounts {
  const count = (t: string): number =>
    tableExists(db, t) ? (db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number) : 0
  return {
    patients: count('patient'),
    studies: count('study'),
    items: count('followup_item'),
    audit: count('audit_log'),
  }
}

/** The SHA-256 of a file, read a MB at a time (a backup can be larger than any buffer). */
export function sha256Of(file: string): string {
  const h = createHash('sha256')
  const fd = fs.openSync(file, 'r')
  try {
    const buf = Buffer.alloc(1024 * 1024)
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null)
      if (n === 0) break
      h.update(buf.subarray(0, n))
    }
  } finally {
    fs.closeSync(fd)
  }
  return h.digest('hex')
}

/**
 * Writes a consistent copy of the log to `target` (SQLite's VACUUM INTO, safe while the app is
 * running) under a temporary name, then checks the COPY in full: integrity_check, the whole audit
 * chain (with the log's key), every record against its audit row, and counts and audit head equal
 * to the source's. The copy of an encrypted log is encrypted with the same key (SQLite3MultipleCiphers
 * writes VACUUM INTO's target with the source's cipher) and is opened with that key to be checked;
 * a copy that came out plain is refused. Only a copy that passes gets its final name (and its manifest); anything else is
 * removed and the failure named. A crash never leaves a half-written file under a backup's name.
 */
export function backupTo(
  db: DB,
  target: string,
  now: Date = new Date(),
  opts: BackupOptions = {},
): BackupMade {
  // A temporary name of this attempt's own: an app that was closed while its background worker was
  // still copying (a long statement outlasts the close's wait, db/background.ts) may still be
  // writing its temporary when the next start backs up to the same target, and the two must not
  // write, check or remove each other's file.
  const tmp = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.partial`
  const stopIfCancelled = (): void => {
    if (opts.cancelled?.()) throw new DbError('CANCELLED', 'The backup was cancelled; nothing was kept.')
  }
  try {
    ensurePrivateDir(path.dirname(target))
    createPrivateFile(tmp)
    opts.onPhase?.('copying the log')
    db.prepare('VACUUM INTO ?').run(tmp)
    stopIfCancelled()
    opts.onPhase?.('checking the copy')
    const manifest = checkCopy(db, tmp, now)
    stopIfCancelled()
    keepUnder(tmp, target)
    writeFileAtomic(manifestFileOf(target), `${JSON.stringify(manifest, null, 2)}\n`)
    return { file: target, bytes: manifest.bytes, manifest }
  } catch (e) {
    fs.rmSync(tmp, { force: true })
    if (e instanceof DbError) throw e
    const t = translateSqliteError(e, target)
    if (t instanceof DbError)
      throw new DbError(
        t.code,
        `The backup was not written. ${t.message.replace(/ Nothing was saved\./, '').replace(/then save again: .*$/, 'then back up again.')}`,
        {
          cause: e,
        },
      )
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC')
      throw new DbError(
        'DB_DISK_FULL',
        `The backup was not written: the disk holding ${path.dirname(target)} is full. Free some space and back up again.`,
        { cause: e },
      )
    throw e
  }
}

/**
 * Gives the checked copy its final name, never over a file there: a backup another writer finished
 * first under that name (with its own manifest) is kept, and this copy is dropped (DB_BUSY). A hard
 * link is the atomic "create if absent"; where the file system has none (FAT, exFAT), a rename after
 * a check for the name.
 */
function keepUnder(tmp: string, target: string): void {
  const taken = (): never => {
    throw new DbError(
      'DB_BUSY',
      `The backup was not kept: ${path.basename(target)} was written at the same time by another run of the app, and that one was kept.`,
    )
  }
  try {
    fs.linkSync(tmp, target)
    fs.rmSync(tmp, { force: true })
    return
  } catch (e) {
    // Any other refusal (no links on this file system or share, whatever code it gives): rename.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') taken()
  }
  if (fs.existsSync(target)) taken()
  fs.renameSync(tmp, target)
}

/**
 * Whether a `*.partial` in a backup folder is what a killed backup left: one of the versions before
 * attempts had names of their own, this process's own (no backup of this process runs while the
 * log is opened), or one whose process has ended. An attempt of another running process (an app
 * closed while its worker was still copying) is left to finish or fail on its own.
 */
function leftByKilledBackup(name: string): boolean {
  const m = /\.(\d+)-[0-9a-f]{8}\.partial$/.exec(name)
  if (!m) return true
  const pid = Number(m[1])
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return false
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/**
 * Removes what killed backups to `target` left (their `<target>.<attempt>.partial` temporaries, and
 * `<target>.partial` of versions before attempts had names of their own).
 */
export function removePartialsOf(target: string): void {
  const dir = path.dirname(target)
  const base = `${path.basename(target)}.`
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return
  }
  for (const f of names)
    if (f.startsWith(base) && f.endsWith('.partial') && leftByKilledBackup(f))
      fs.rmSync(path.join(dir, f), { force: true })
}

function checkCopy(source: DB, copyFile: string, now: Date): BackupManifest {
  const key = cipherKeyOf(source)
  if (key && isPlainSqlite(copyFile))
    throw new DbError('DB_CORRUPT', 'The backup was not kept: it came out unencrypted.')
  const copy = openDb(copyFile, key, { readonly: true })
  try {
    setAuditKey(copy, auditKeyOf(source))
    const integrity = (copy.pragma('integrity_check') as Array<{ integrity_check: string }>).map(
      (r) => r.integrity_check,
    )
    if (integrity.join() !== 'ok')
      throw new DbError('DB_CORRUPT', `The backup failed its check (${integrity[0]}); it was not kept.`)
    const problems = fullCheck(copy, { pages: false })
    if (problems.length > 0)
      throw new DbError(
        'DB_CORRUPT',
        `The backup was not kept: the log it was taken from does not pass its checks (${problems[0]!.message}).`,
      )
    const counts = countsOf(copy)
    const head = tableExists(copy, 'audit_log') ? auditHead(copy) : null
    if (!sameAsSource(source, counts, head))
      throw new DbError(
        'DB_CORRUPT',
        'The backup was not kept: its record counts or audit head differ from the log it was taken from.',
      )
    const bytes = fs.statSync(copyFile).size
    return {
      format: 'pnet-backup/1',
      createdAt: now.toISOString(),
      source: source.name,
      bytes,
      sha256: sha256Of(copyFile),
      schemaVersion: copy.pragma('user_version', { simple: true }) as number,
      counts,
      auditHead: head,
      keyedFrom: tableExists(copy, 'audit_log') ? keyedFrom(copy) : null,
    }
  } finally {
    copy.close()
  }
}

/**
 * Whether the copy is the source as it was: same counts and audit head when the source has not
 * changed since (read in one snapshot); when the app wrote meanwhile (a backup taken in the
 * background, db/background.ts), the copy's head must be the source's row of that number, same
 * hash (the copy's own full check vouches for the rest).
 */
function sameAsSource(source: DB, counts: BackupCounts, head: AuditHead | null): boolean {
  const hasAudit = tableExists(source, 'audit_log')
  return source.transaction(() => {
    const sourceHead = hasAudit ? auditHead(source) : null
    if (JSON.stringify(head) === JSON.stringify(sourceHead))
      return JSON.stringify(counts) === JSON.stringify(countsOf(source))
    if (!head || !sourceHead || sourceHead.seq < head.seq) return false
    const hash = source.prepare('SELECT hash FROM audit_log WHERE id = ?').pluck().get(head.seq) as
      Buffer | string | undefined
    return hash !== undefined && hashText(hash) === head.hash
  })()
}

const DAILY = /^pnet-followup-(\d{4}-\d{2}-\d{2})\.sqlite$/
const MANUAL = /^pnet-followup-manual-.+\.sqlite$/

/**
 * Removes `*.partial` temporaries killed backups left in `dir` (`leftByKilledBackup`) and their
 * manifests' temporaries.
 */
export function removePartialBackups(dir: string): string[] {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  const gone = names.filter(
    (f) => (f.endsWith('.partial') && leftByKilledBackup(f)) || f.endsWith('.manifest.json.tmp'),
  )
  for (const f of gone) fs.rmSync(path.join(dir, f), { force: true })
  return gone
}

/** Removes a backup and its manifest. */
export function removeBackup(file: string): void {
  fs.rmSync(file, { force: true })
  fs.rmSync(manifestFileOf(file), { force: true })
}

/** Keeps the newest `keepDaily` daily backups and the newest `keepManual` manual ones. */
export function pruneBackups(dir: string, keepDaily = KEEP_DAILY, keepManual = KEEP_MANUAL): void {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return // The folder is gone (the log was moved meanwhile): nothing to prune.
  }
  const days = names.filter((f) => DAILY.test(f)).sort()
  for (const old of days.slice(0, Math.max(0, days.length - keepDaily))) removeBackup(path.join(dir, old))
  const manual = names.filter((f) => MANUAL.test(f)).sort()
  for (const old of manual.slice(0, Math.max(0, manual.length - keepManual)))
    removeBackup(path.join(dir, old))
}

/** Where the day's backup goes. */
export function dailyBackupFile(dir: string, today: string): string {
  return path.join(dir, `pnet-followup-${today}.sqlite`)
}

/** Where a manual backup taken at `now` goes. */
export function manualBackupFile(dir: string, now: Date): string {
  return path.join(dir, `pnet-followup-manual-${now.toISOString().replace(/[:.]/g, '-')}.sqlite`)
}

/**
 * One checked backup per calendar day in `dir` (taken when the log is opened), keeping the newest
 * `keep` days (and the newest KEEP_MANUAL manual ones). Returns the new backup, or null when
 * today's already exists.
 */
export function dailyBackup(
  db: DB,
  dir: string,
  today: string,
  keep = KEEP_DAILY,
  now?: Date,
): BackupMade | null {
  const target = dailyBackupFile(dir, today)
  if (fs.existsSync(target)) return null
  const made = backupTo(db, target, now)
  pruneBackups(dir, keep)
  return made
}

/** Which backup an audit row records: _Back up now_, the daily one, the copy before a migration. */
export type BackupKind = 'manual' | 'daily' | 'before-migration'

/**
 * Records a backup in the audit trail (`backup.manual`, `backup.daily`, `backup.before-migration`):
 * the file's name, size and checksum and the audit head it holds; no patient data. Written after the
 * copy was checked, so the copy itself ends one row before it. A log in recovery mode takes no
 * backup (and could not record one).
 */
export function recordBackup(
  db: ReadableDb,
  actor: Actor,
  kind: BackupKind,
  made: BackupMade,
  more: Record<string, unknown> = {},
): void {
  if (readOnlyReason(db)) return
  writeTx(db, (tx) =>
    appendAudit(tx, actor, {
      action: `backup.${kind}`,
      entity: 'log',
      entityId: null,
      before: null,
      after: {
        file: path.basename(made.file),
        bytes: made.bytes,
        sha256: made.manifest.sha256,
        auditHead: made.manifest.auditHead?.seq ?? null,
        ...more,
      },
    }),
  )
}

/** A manual backup (_Back up now_), pruned with the others. */
export function manualBackup(db: DB, dir: string, now: Date): BackupMade {
  const made = backupTo(db, manualBackupFile(dir, now), now)
  pruneBackups(dir)
  return made
}

/** A backup as the restore screen lists it. */
export interface BackupEntry {
  readonly file: string
  readonly name: string
  readonly kind: 'daily' | 'manual' | 'before-migration' | 'other'
  /** When it was taken (manifest), else the file's modification time. */
  readonly createdAt: string
  readonly bytes: number
  readonly patients: number | null
  readonly auditHead: AuditHead | null
  /** A manifest was written when it was taken (it passed the full check then). */
  readonly checked: boolean
}

export function readManifest(file: string): BackupManifest | null {
  try {
    const m = JSON.parse(fs.readFileSync(manifestFileOf(file), 'utf8')) as BackupManifest
    return m.format === 'pnet-backup/1' ? m : null
  } catch {
    return null
  }
}

/**
 * The backups in `dir` (and the pre-migration copies beside the log), newest first. `key` reads
 * the counts of encrypted backups that have no manifest.
 */
export function listBackups(dir: string, logFile: string, key: LogKey | null = null): BackupEntry[] {
  const files: string[] = []
  try {
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.sqlite')) files.push(path.join(dir, f))
  } catch {
    // No backups folder yet.
  }
  try {
    const base = path.basename(logFile)
    for (const f of fs.readdirSync(path.dirname(logFile)))
      if (f.startsWith(`${base}.before-v`) && f.endsWith('.sqlite'))
        files.push(path.join(path.dirname(logFile), f))
  } catch {
    // The log's folder is unreadable: only the backups folder is listed.
  }
  const entries = files.map((file): BackupEntry => {
    const name = path.basename(file)
    const kind = DAILY.test(name)
      ? 'daily'
      : MANUAL.test(name)
        ? 'manual'
        : name.includes('.before-v')
          ? 'before-migration'
          : 'other'
    const stat = fs.statSync(file)
    const m = readManifest(file)
    if (m) {
      return {
        file,
        name,
        kind,
        createdAt: m.createdAt,
        bytes: stat.size,
        patients: m.counts.patients,
        auditHead: m.auditHead,
        checked: true,
      }
    }
    let patients: number | null = null
    let head: AuditHead | null = null
    try {
      const b = openDb(file, isPlainSqlite(file) ? null : key, { readonly: true, fileMustExist: true })
      try {
        patients = countsOf(b).patients
        head = tableExists(b, 'audit_log') ? auditHead(b) : null
      } finally {
        b.close()
      }
    } catch {
      // Unreadable: listed without counts; a restore checks it in full anyway.
    }
    return {
      file,
      name,
      kind,
      createdAt: stat.mtime.toISOString(),
      bytes: stat.size,
      patients,
      auditHead: head,
      checked: false,
    }
  })
  return entries.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
}
