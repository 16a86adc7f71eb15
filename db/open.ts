import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3-multiple-ciphers'
import {
  auditHead,
  auditKeyOf,
  keyedFrom,
  keyIdOf,
  setAuditKey,
  startKeyedChain,
  type Actor,
  type AuditHead,
} from './audit'
import { backupTo, recordBackup, removePartialsOf, type BackupMade } from './backup'
import { cipherKeyOf, isPlainSqlite, openDb, type LogKey } from './cipher'
import { encryptPlainLog } from './encrypt-plain'
import { DbError, type DbErrorCode } from './errors'
import { releaseBackground, runInBackground, type BackgroundRun } from './background'
import { discardCopy, probeLog, removeStaleViews, type Problem, type ProbeResult } from './integrity'
import {
  createKey,
  createPrivateFile,
  ensurePrivateDir,
  makeAnchor,
  makePrivate,
  removeSideTemporaries,
  writeAnchor,
} from './integrity-files'
import { onDamage } from './integrity-guard'
import { acquireLogLock, type LogLock } from './lock'
import { MIGRATIONS } from './migrations'
import { registerSearchFunctions } from './queries/search'
import type { Migration } from './migrations/types'
import {
  onCommit,
  rememberFile,
  setReadOnly,
  translateFsError,
  translateSqliteError,
  writeTx,
  type ReadableDb,
} from './tx'

/** A better-sqlite3 connection (see db/tx.ts for ReadableDb and WritableDb). */
export type DB = Database.Database

export interface OpenOptions {
  /** For tests: run a different migration list. */
  readonly migrations?: readonly Migration[]
  /** Milliseconds a write waits for another connection's lock before failing with DB_BUSY. */
  readonly busyTimeoutMs?: number
  /**
   * The log's encryption key (db/cipher.ts). The app always passes one; a plain log found with a
   * key is encrypted in place first (db/encrypt-plain.ts). Null or absent: a plain log (tests).
   */
  readonly key?: LogKey | null
  /**
   * Up to this size SQLite's quick_check runs before open (default QUICK_CHECK_AT_OPEN_BYTES;
   * `openDatabase` always runs it); a larger log is checked in the background after open.
   */
  readonly quickCheckUpTo?: number
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

const PROBLEM_CODE: Record<Problem['code'], DbErrorCode> = {
  NOT_DATABASE: 'DB_NOT_DATABASE',
  FROM_FUTURE: 'DB_FROM_FUTURE',
  CORRUPT: 'DB_CORRUPT',
  WAL_DAMAGED: 'DB_CORRUPT',
  SCHEMA_CHANGED: 'LOG_READ_ONLY',
  AUDIT_BROKEN: 'LOG_READ_ONLY',
  ROLLED_BACK: 'LOG_READ_ONLY',
  ANCHOR_PROBLEM: 'LOG_READ_ONLY',
  KEY_PROBLEM: 'LOG_READ_ONLY',
  KEY_WRONG: 'KEY_WRONG',
  RECORD_CHANGED: 'LOG_READ_ONLY',
  LOG_MISSING: 'DB_MOVED',
}

/** A refusal of the probe as a DbError (the first problem's code and message). */
export function refusal(problems: readonly Problem[]): DbError {
  const p = problems[0]!
  const more = problems.length > 1 ? ` (${problems.length - 1} more problems found.)` : ''
  return new DbError(PROBLEM_CODE[p.code], `${p.message}${more}`)
}

/**
 * Opens (creating if needed) the follow-up log at `file` for writing and brings its schema up to
 * date — only after `probeLog` has passed it on a copy (db/integrity.ts): a file from a newer app
 * version, a damaged, tampered or rolled-back file is refused (thrown) before anything can write
 * to it, so refusing never changes the file or its -wal/-shm. (`openLogSession` opens such a log
 * read-only instead.)
 *
 * The connection comes back as a `ReadableDb`: reads may use it directly; every write goes
 * through `writeTx`, the only source of a `WritableDb`.
 */
export function openDatabase(file: string, options: OpenOptions = {}): ReadableDb {
  const migrations = options.migrations ?? MIGRATIONS
  if (file !== ':memory:') {
    ensurePrivateDir(path.dirname(path.resolve(file)))
    const probe = probeLog(
      file,
      migrations,
      new Date(),
      options.key ?? null,
      options.quickCheckUpTo ?? Infinity,
    )
    discardCopy(probe.copy)
    if (probe.verdict === 'refused' || probe.verdict === 'read-only') throw refusal(probe.problems)
    if (options.key && probe.verdict === 'ok' && isPlainSqlite(file))
      encryptPlainLog(file, options.key, { auditKey: probe.key })
  }
  return openChecked(file, migrations, options.busyTimeoutMs ?? 5000, options.key ?? null)
}

/** Opens a file the probe passed (or a new one, created 0600). */
function openChecked(
  file: string,
  migrations: readonly Migration[],
  busyTimeoutMs: number,
  key: LogKey | null,
  auditKey: Buffer | null = null,
): ReadableDb {
  if (file !== ':memory:' && !fs.existsSync(file)) {
    try {
      createPrivateFile(file)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw openError(e, file)
    }
  }
  let db: DB
  try {
    db = openDb(file, key)
  } catch (e) {
    throw openError(e, file)
  }
  try {
    try {
      applyPragmas(db, busyTimeoutMs)
    } catch (e) {
      throw openError(e, file)
    }
    // The checked copy taken before a migration checks the keyed audit chain: it needs its key.
    if (auditKey) setAuditKey(db, auditKey)
    migrate(db, migrations, file)
    // Foreign keys and the other settings are on again after any migration.
    assertPragmas(db)
    if (file !== ':memory:') {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) makePrivate(f)
      rememberFile(db, file)
    }
    return db
  } catch (e) {
    db.close()
    throw e
  }
}

/** A failure to open or set up, named (a full disk at start-up is DB_DISK_FULL, not "disk I/O error"). */
function openError(e: unknown, file: string): unknown {
  if ((e as NodeJS.ErrnoException).code === 'ENOSPC')
    return translateSqliteError(Object.assign(new Error('ENOSPC'), { code: 'SQLITE_FULL' }), file)
  const t = translateSqliteError(e, file)
  if (t instanceof DbError) {
    return new DbError(t.code, startMessage(t.message), { cause: e })
  }
  return t
}

/** A write failure's message, reworded for a log that could not be opened. */
function startMessage(m: string): string {
  return m
    .replace('Nothing was saved. ', 'The log could not be opened. ')
    .replace('then save again: the app resumes as soon as there is room.', 'then start the app again.')
}

export function applyPragmas(db: DB, busyTimeoutMs: number): void {
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('temp_store = MEMORY')
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`)
  // The function the type-ahead table's triggers call (openDb registers it too; a connection made
  // another way, e.g. from a serialized copy, gets it here).
  registerSearchFunctions(db)
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
      for (const m of pending)
        m.up(db, (done, total) => {
          // A long conversion says how far it has got (the window is not up yet).
          if (total >= 10_000) console.error(`Upgrading the follow-up log (${m.name}): ${done} of ${total}`)
        })
      const broken = db.pragma('foreign_key_check') as unknown[]
      if (broken.length > 0)
        throw new DbError('DB_CORRUPT', `Migration left ${broken.length} broken references.`)
      db.pragma(`user_version = ${pending[pending.length - 1]!.version}`)
    }).immediate()
  } catch (e) {
    throw translateSqliteError(e, file)
  } finally {
    if (fkOff) db.pragma('foreign_keys = ON')
  }
  const fk = db.pragma('foreign_key_check') as unknown[]
  if (fk.length > 0) throw new DbError('DB_CORRUPT', `Migration left ${fk.length} broken references.`)
}

// The copy a migration took on this connection's open: recorded in the audit trail once the
// session has its actor and keyed chain (`writableSession`).
const MIGRATION_COPY = new WeakMap<DB, { made: BackupMade; from: number; to: number }>()

function backupBeforeMigration(db: DB, file: string, from: number, to: number): void {
  const target = `${file}.before-v${to}-from-v${from}.sqlite`
  removePartialsOf(target)
  if (!fs.existsSync(target)) MIGRATION_COPY.set(db, { made: backupTo(db, target), from, to })
}

// ---- The session: lock, probe, open writable or read-only, anchor, background check -------------

export type LogMode = 'writable' | 'read-only' | 'unavailable'

export interface LogStatus {
  readonly mode: LogMode
  /** What was found (empty when writable). */
  readonly problems: readonly Problem[]
  /** When the log was put in this mode. */
  readonly since: string
  /** The full check after open is still running. */
  readonly checking: boolean
  /** When the full check last passed, if it has. */
  readonly checkedAt: string | null
}

export interface LogSession {
  readonly file: string
  /** The connection: the log itself when writable; a checked copy, read-only, in recovery mode. */
  readonly db: ReadableDb | null
  readonly lock: LogLock
  status(): LogStatus
  /** Resolves when the full check after open has finished (at once when there is none). */
  readonly checked: Promise<void>
  /** Closes the connection (without checkpointing a log found damaged) and releases the lock. */
  close(): void
}

export interface SessionOptions extends OpenOptions {
  readonly transport: string
  /** Writes the keyed-chain marker (and a restore's audit row) as this actor. */
  readonly actor: Actor
  /** Run the full check after open (default true). */
  readonly backgroundCheck?: boolean
  /** Called for each problem found after open (the log has then gone read-only). */
  readonly onProblem?: (p: Problem) => void
  /** Called when the full check after open could not run (the worker is missing or stopped). */
  readonly onCheckError?: (e: unknown) => void
  /** Called when the anchor could not be written after a commit (the commit itself is kept). */
  readonly onAnchorError?: (e: unknown) => void
  /** A lock already held (a restore reopens under the same lock). */
  readonly lock?: LogLock
  /** Where the backups are: plain ones are encrypted too when a plain log is encrypted. */
  readonly backupDir?: string
  /** Called after a plain log was encrypted in place. */
  readonly onEncrypted?: () => void
}

/** The reason every refused write carries. */
export function readOnlyReason(problems: readonly Problem[], since: string): string {
  const p = problems[0]
  const what = p ? p.message : 'a check failed'
  return `The follow-up log is open read-only since ${since} because ${lowerFirst(what)} Nothing was saved; restore a backup (see the banner) to continue.`
}

function lowerFirst(s: string): string {
  return s.length > 0 && /^(The|A|An|Audit|Patient|Study)\b/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s
}

/**
 * Opens the log the way the app does: takes the single-writer lock (LOG_LOCKED if another process
 * has it), removes temporaries a crash left, probes the log on a copy, and then
 * - opens it for writing (key, keyed chain, anchor after each commit, full check in the background);
 * - or, when the probe found damage, tampering or lost commits, opens the checked COPY read-only
 *   (every write refused with LOG_READ_ONLY naming what was found); the log itself is not touched;
 * - or, when it cannot be read at all, holds no connection (`unavailable`): restoring is possible.
 */
export function openLogSession(file: string, opts: SessionOptions): LogSession {
  const migrations = opts.migrations ?? MIGRATIONS
  const now = (): Date => opts.actor.now()
  try {
    ensurePrivateDir(path.dirname(path.resolve(file)))
  } catch (e) {
    throw startError(e, file)
  }
  const lock = opts.lock ?? acquireLogLock(file, opts.transport, now())
  const key = opts.key ?? null
  try {
    removeSideTemporaries(file)
    removeStaleViews(file)
    const probeNow = (): ProbeResult => probeLog(file, migrations, now(), key, opts.quickCheckUpTo)
    let probe = probeNow()
    if (key && probe.verdict === 'ok' && isPlainSqlite(file)) {
      // A plain log from before encryption, checked: encrypted in place, then probed again.
      encryptPlainLog(file, key, {
        auditKey: probe.key,
        ...(opts.backupDir ? { backupDir: opts.backupDir } : {}),
      })
      opts.onEncrypted?.()
      probe = probeNow()
    }
    if (probe.verdict === 'new' || probe.verdict === 'ok')
      return writableSession(file, probe, lock, migrations, opts)
    return recoverySession(file, probe, lock, now(), key)
  } catch (e) {
    if (!opts.lock) lock.release()
    throw startError(e, file)
  }
}

/** A file-system failure while opening, named (full disk, read-only medium). */
function startError(e: unknown, file: string): unknown {
  const t = translateFsError(e, file)
  if (t instanceof DbError && t !== e) return new DbError(t.code, startMessage(t.message), { cause: e })
  return t
}

function recoverySession(
  file: string,
  probe: ProbeResult,
  lock: LogLock,
  at: Date,
  key: LogKey | null,
): LogSession {
  const since = at.toISOString()
  let db: ReadableDb | null = null
  let mode: LogMode = 'unavailable'
  if (probe.verdict === 'read-only' && probe.copy) {
    try {
      db = openDb(probe.copy, isPlainSqlite(probe.copy) ? null : key, { readonly: true, fileMustExist: true })
      setAuditKey(db, probe.key)
      setReadOnly(db, readOnlyReason(probe.problems, since))
      mode = 'read-only'
    } catch {
      db = null
    }
  }
  const status: LogStatus = { mode, problems: probe.problems, since, checking: false, checkedAt: null }
  return {
    file,
    db,
    lock,
    status: () => status,
    checked: Promise.resolve(),
    close: () => {
      if (db?.open) db.close()
      discardCopy(probe.copy)
      lock.release()
    },
  }
}

function writableSession(
  file: string,
  probe: ProbeResult,
  lock: LogLock,
  migrations: readonly Migration[],
  opts: SessionOptions,
): LogSession {
  const now = (): Date => opts.actor.now()
  const db = openChecked(file, migrations, opts.busyTimeoutMs ?? 5000, opts.key ?? null, probe.key ?? null)
  let status: LogStatus = {
    mode: 'writable',
    problems: [],
    since: now().toISOString(),
    checking: opts.backgroundCheck !== false,
    checkedAt: null,
  }
  let closed = false
  try {
    // The key (created on first open) and the keyed chain.
    const key = probe.key ?? createKey(file)
    setAuditKey(db, key)
    let kf = keyedFrom(db)
    let last: AuditHead | null = auditHead(db)
    const writeCurrentAnchor = (): void => {
      writeAnchor(file, makeAnchor(last, kf, kf === null ? null : keyIdOf(key), key, now()))
    }
    // Before the chain is keyed, the anchor holds the plain head (a crash between key and marker
    // leaves a consistent state that the next open continues from).
    if (!probe.anchor || kf === null) writeCurrentAnchor()
    onCommit(db, () => {
      if (kf === null) kf = keyedFrom(db)
      const head = auditHead(db)
      if (head?.seq === last?.seq && head?.hash === last?.hash) return
      last = head
      try {
        writeCurrentAnchor()
      } catch (e) {
        opts.onAnchorError?.(e)
      }
    })
    if (kf === null) {
      writeTx(db, (tx) => startKeyedChain(tx, opts.actor))
    }
    const copy = MIGRATION_COPY.get(db)
    if (copy) {
      MIGRATION_COPY.delete(db)
      recordBackup(db, opts.actor, 'before-migration', copy.made, {
        fromSchema: copy.from,
        toSchema: copy.to,
      })
    }
  } catch (e) {
    db.close()
    throw e
  }

  const goReadOnly = (p: Problem): void => {
    const problems = [...status.problems, p]
    const since = status.mode === 'writable' ? now().toISOString() : status.since
    status = { ...status, mode: 'read-only', problems, since }
    setReadOnly(db, readOnlyReason(problems, since))
    opts.onProblem?.(p)
  }
  onDamage(db, goReadOnly)

  // The full check runs in the worker on its own connection (db/background.ts): calls and writes
  // go on meanwhile; what it finds puts the log in recovery mode at once (goReadOnly).
  let run: BackgroundRun | null = null
  const checked =
    opts.backgroundCheck === false
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          run = runInBackground(
            { kind: 'check', file, cipherKey: cipherKeyOf(db), auditKey: auditKeyOf(db) },
            (e) => {
              if (closed || e.type !== 'problems') return
              for (const p of e.problems) goReadOnly(p)
            },
          )
          run.done.then(
            () => {
              if (!closed)
                status = {
                  ...status,
                  checking: false,
                  checkedAt: status.mode === 'writable' ? now().toISOString() : null,
                }
              resolve()
            },
            (e: unknown) => {
              const code = (e as { code?: string }).code ?? ''
              if (!closed && !/^(SQLITE_CORRUPT|SQLITE_NOTADB|DB_CORRUPT|KEY_WRONG)/.test(code)) {
                // Not damage: the check did not run (the worker is missing, or the log was busy).
                // Said in the app's log file; checkedAt stays null.
                status = { ...status, checking: false }
                opts.onCheckError?.(e)
              } else if (!closed) {
                goReadOnly({
                  code: 'CORRUPT',
                  message: `The follow-up log could not be checked in full (${code}: ${e instanceof Error ? e.message : String(e)}).`,
                  since: null,
                })
                status = { ...status, checking: false }
              }
              resolve()
            },
          )
        })

  return {
    file,
    db,
    lock,
    status: () => status,
    checked,
    close: () => {
      closed = true
      run?.cancel()
      releaseBackground(file)
      if (db.open) {
        if (status.mode === 'writable') db.close()
        else closeWithoutCheckpoint(db, file)
      }
      if (!opts.lock) lock.release()
    },
  }
}

/**
 * Closes a connection to a log found damaged after open without SQLite's checkpoint on close (which
 * would fold the -wal into the file and delete it): a second, read-only connection is open while
 * the first closes, so the first is not the last; the read-only one cannot checkpoint.
 */
function closeWithoutCheckpoint(db: DB, file: string): void {
  let guard: DB | null = null
  try {
    guard = openDb(file, cipherKeyOf(db), { readonly: true, fileMustExist: true })
    guard.prepare('SELECT 1').get()
  } catch {
    guard = null
  }
  db.close()
  guard?.close()
}
