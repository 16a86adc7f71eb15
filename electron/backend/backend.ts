import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { auditKeyOf, type Actor } from '../../db/audit'
import type { LogKey } from '../../db/cipher'
import { dailyBackupInBackground } from '../../db/background'
import { dailyBackupFile, listBackups, recordBackup, removePartialBackups } from '../../db/backup'
import { DbError } from '../../db/errors'
import { ensurePrivateDir, readKey } from '../../db/integrity-files'
import { recordRestore, restoreFiles, type RestoreDone } from '../../db/integrity-restore'
import { acquireLogLock, type LogLock } from '../../db/lock'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../db/migrations'
import { openLogSession, type DB, type LogSession } from '../../db/open'
import { translateFsError, type ReadableDb } from '../../db/tx'
import { CALLS } from '../contract/calls'
import type { Handlers, LogStatusView, VaultStatusView } from '../contract/contract'
import { ApiFailure } from '../contract/dispatch'
import { createHandlers, localToday, publicError } from './handlers'
import { JOB_NAMES, Jobs } from './jobs'
import { describeError, logFileFor, openLog, type AppLog } from './log'
import { startRedose } from './services/dose'
import { activePack } from './services/packs'
import { engineSettingsOf, getSettings } from './services/settings'
import { appActor } from '../../engine'
import { Uploads } from './uploads'
import { DEFAULT_SCRYPT_COST, type ScryptCost } from './passwords'
import { gated, SignInThrottle, UserSession } from './session'

export interface Backend {
  /** The open log (a read-only copy in recovery mode); LOG_UNAVAILABLE when it could not be opened. */
  readonly db: ReadableDb
  /**
   * Stable across restores: each call goes to the log as it is now. For in-process callers (tests,
   * benchmarks): the sign-in is not enforced here. A transport serves `connect()`'s handlers.
   */
  readonly handlers: Handlers
  /**
   * The handlers of one transport connection (the Electron window, the web host's token), with its
   * own sign-in session: every call but the open ones needs a signed-in account whose role reaches
   * it (electron/contract/access.ts, electron/backend/session.ts).
   */
  connect(): Handlers
  readonly dataFile: string
  /** The app's log file (failures only, never patient data), in `logs/` beside the data file. */
  readonly log: AppLog
  /** Long jobs (CSV import, PACS): their status is also read through `jobs.status`. */
  readonly jobs: Jobs
  /** Writable, read-only (recovery) or unavailable, with what was found. */
  status(): LogStatusView
  /** Resolves when the full check after open (and the daily backup after it) has finished. */
  readonly checked: Promise<void>
  close(): void
}

export const DATA_FILE_NAME = 'pnet-followup.sqlite'

/**
 * Where the follow-up log lives: `--data=FILE` on the command line, else `PNET_DATA_FILE`, else
 * the default folder (Electron's userData, or the web host's choice).
 */
export function resolveDataFile(argv: readonly string[], env: NodeJS.ProcessEnv, defaultDir: string): string {
  const flag = argv.find((a) => a.startsWith('--data='))
  const chosen = flag ? flag.slice('--data='.length) : env['PNET_DATA_FILE']
  return path.resolve(chosen && chosen.trim() ? chosen : path.join(defaultDir, DATA_FILE_NAME))
}

/**
 * Opens the log and builds the handlers: the same back end behind either transport.
 *
 * Takes the log's single-writer lock (LOG_LOCKED, thrown, names the process that has it), removes
 * what a killed backup left, and opens the log through its checks (db/open.ts `openLogSession`).
 * A log that fails them opens read-only (or not at all) with the problem named in `status()`;
 * the restore calls work in every state. The daily backup is taken after the full check passed.
 */
export function openBackend(opts: {
  dataFile: string
  transport: 'electron' | 'web'
  version: string
  now?: () => Date
  user?: string
  /** How long a write waits for another program's lock before answering DB_BUSY (default 5 s). */
  busyTimeoutMs?: number
  /** Where failures are written; default `logs/pnet.log` beside the data file. */
  log?: AppLog
  /** Run the full check after open (default true; the daily backup waits for it). */
  backgroundCheck?: boolean
  /** Take the day's first backup after the check (default true; benchmarks that only time calls turn it off). */
  dailyBackup?: boolean
  /** Up to this size SQLite's quick_check runs before open (db/open.ts; tests set it low). */
  quickCheckUpTo?: number
  /**
   * The log's encryption key, unlocked (electron/backend/vault.ts). The app always opens through
   * the vault; null or absent opens a plain log (tests).
   */
  key?: LogKey | null
  /** The lock's state, answered by `vault.status` once open (electron/backend/vault.ts). */
  vaultStatus?: () => VaultStatusView
  /** The scrypt cost of new account passwords (default DEFAULT_SCRYPT_COST; tests pass a cheap one). */
  passwordCost?: ScryptCost
  /** Save as PDF: the desktop app's main process prints its window (electron/main/app.ts). */
  savePdf?: (fileName: string) => Promise<{ file: string } | { cancelled: true }>
  /** Lock a connection after at most this long without use, shorter than the setting (tests). */
  idleMsCap?: number
}): Backend {
  const key = opts.key ?? null
  const log = opts.log ?? openLog(logFileFor(opts.dataFile))
  const user = opts.user ?? safeUserName()
  const now = opts.now ?? (() => new Date())
  // What the log writes of itself, with nobody signed in (the keyed chain's marker, the copy before
  // an upgrade, today's backup), names the app, not a person.
  const appItself: Actor = { user: appActor(user), now }
  const throttle = new SignInThrottle()
  const passwordCost = opts.passwordCost ?? DEFAULT_SCRYPT_COST
  const backupDir = path.join(path.dirname(opts.dataFile), 'backups')
  try {
    ensurePrivateDir(path.dirname(opts.dataFile))
  } catch (e) {
    throw translateFsError(e, opts.dataFile)
  }
  const lock: LogLock = acquireLogLock(opts.dataFile, opts.transport, now())
  // Long jobs and files on their way in outlive a restore (a job reads the log as it is then).
  const jobs = new Jobs(now)
  const uploads = new Uploads()

  let session: LogSession
  let backupError: string | null = null
  let restored: LogStatusView['restored'] = null
  let checked: Promise<void> = Promise.resolve()

  const open = (): void => {
    for (const f of removePartialBackups(backupDir)) log.info(`removed the unfinished backup ${f}`)
    session = openLogSession(opts.dataFile, {
      transport: opts.transport,
      actor: appItself,
      lock,
      key,
      backupDir,
      onEncrypted: () => log.info(`encrypted the plain log ${opts.dataFile} and its plain backups in place`),
      ...(opts.busyTimeoutMs !== undefined ? { busyTimeoutMs: opts.busyTimeoutMs } : {}),
      ...(opts.backgroundCheck !== undefined ? { backgroundCheck: opts.backgroundCheck } : {}),
      ...(opts.quickCheckUpTo !== undefined ? { quickCheckUpTo: opts.quickCheckUpTo } : {}),
      onProblem: (p) => log.error(`the follow-up log is now read-only: ${p.code} ${p.message}`),
      onAnchorError: (e) => log.error(`the audit anchor could not be written: ${describeError(e)}`),
      onCheckError: (e) => log.error(`the full check after open did not run: ${describeError(e)}`),
    })
    const s = session.status()
    if (s.mode === 'writable')
      log.info(`pNET Follow-up ${opts.version} (${opts.transport}) opened ${opts.dataFile}`)
    else
      log.error(
        `pNET Follow-up ${opts.version} (${opts.transport}) opened ${opts.dataFile} ${s.mode}: ` +
          s.problems.map((p) => `${p.code} ${p.message}`).join(' | '),
      )
    const thisSession = session
    const sdb = session.db
    // A re-dose a crash interrupted (electron/backend/services/dose.ts) finishes now.
    if (sdb && session.status().mode === 'writable')
      startRedose(
        sdb,
        jobs,
        () => engineSettingsOf(getSettings(sdb)),
        () => activePack(sdb),
      )
    checked = session.checked.then(async () => {
      // A checked copy per day, taken once the full check passed, by the background worker (a
      // `backup` job, shown in the top bar). A failed backup is reported, never fatal: the log
      // itself is untouched by it.
      if (opts.dailyBackup === false) return
      if (thisSession !== session || thisSession.status().mode !== 'writable' || !sdb?.open) return
      const today = localToday(now())
      if (fs.existsSync(dailyBackupFile(backupDir, today))) return
      let finished: () => void = () => undefined
      const done = new Promise<void>((resolve) => (finished = resolve))
      jobs.start('backup', async (job) => {
        try {
          const made = await dailyBackupInBackground(sdb as DB, backupDir, today, now(), {
            onPhase: (phase) => job.progress(`today's backup: ${phase}`, 0, null),
            stillGood: () => thisSession.status().mode === 'writable',
          })
          // Its audit row is written outside any long import's transaction (after it ends).
          if (made && thisSession.db?.open) {
            await jobs.waitForGate()
            recordBackup(thisSession.db, appItself, 'daily', made)
          }
          backupError = null
          return { file: made?.file ?? dailyBackupFile(backupDir, today), bytes: made?.bytes ?? 0 }
        } catch (e) {
          // Stopped because the log was closed: tried again at the next open.
          if (e instanceof DbError && e.code === 'CANCELLED') throw publicError(e)
          backupError = e instanceof Error ? e.message : String(e)
          log.error(`daily backup to ${backupDir} failed: ${describeError(e)}`)
          throw publicError(e)
        } finally {
          finished()
        }
      })
      await done
    })
  }

  const status = (): LogStatusView => {
    const s = session.status()
    return {
      mode: s.mode,
      problems: s.problems.map((p) => ({ code: p.code, message: p.message, since: p.since })),
      since: s.since,
      checking: s.checking,
      checkedAt: s.checkedAt,
      restored,
    }
  }

  const handlersFor = (db: ReadableDb, signIn: UserSession, signInActor: Actor): Handlers =>
    createHandlers({
      jobs,
      uploads,
      db,
      // The actor of each call is whoever is signed in at this connection (the OS account before).
      actor: signInActor,
      session: signIn,
      passwordCost,
      ...(opts.savePdf ? { savePdf: opts.savePdf } : {}),
      transport: opts.transport,
      dataFile: opts.dataFile,
      logFile: log.file,
      version: opts.version,
      backupDir,
      backupError: () => backupError,
      logStatus: status,
      ...(opts.vaultStatus ? { vaultStatus: opts.vaultStatus } : {}),
    })

  /** No connection: every data call answers LOG_UNAVAILABLE with what was found. */
  const unavailableHandlers = (): Handlers => {
    const out: Record<string, (req: never) => unknown> = {}
    for (const name of CALLS) {
      if (name === 'app.info') {
        out[name] = () => ({
          version: opts.version,
          transport: opts.transport,
          dataFile: opts.dataFile,
          logFile: log.file,
          schemaVersion: LATEST_SCHEMA_VERSION,
          today: localToday(now()),
          backupDir,
          backupError,
          log: status(),
        })
        continue
      }
      out[name] = () => {
        const p = session.status().problems[0]
        throw new ApiFailure({
          code: 'LOG_UNAVAILABLE',
          message: `${p ? p.message : 'The follow-up log could not be opened.'} Restore a backup to continue.`,
        })
      }
    }
    return out as unknown as Handlers
  }

  const restore = (file: string, who: Actor): LogStatusView => {
    // A job works on the open log (an import's transaction, the worker's copy, a re-dose in
    // steps): replacing the log under it would lose its work or mix two logs. Nothing is done.
    const busy = jobs.runningNow()
    if (busy.length > 0) {
      const names = [...new Set(busy.map((j) => JOB_NAMES[j.kind]))]
      const one = names.length === 1
      // A re-dose cannot be cancelled (old and new doses would stand side by side).
      const cancel = busy.some((j) => j.kind !== 'redose') ? `, or cancel ${one ? 'it' : 'them'}` : ''
      throw new ApiFailure({
        code: 'DB_BUSY',
        message: `Not restored: ${names.join(' and ')} ${one ? 'is' : 'are'} running on the log. Wait until ${one ? 'it ends' : 'they end'}${cancel}, then restore again; nothing was changed.`,
      })
    }
    const known = listBackups(backupDir, opts.dataFile, key).find((b) => b.file === file)
    if (!known)
      throw new ApiFailure({
        code: 'NOT_FOUND',
        message: 'That backup is not in the list; choose one again.',
      })
    const auditKey = session.db ? auditKeyOf(session.db) : null
    const keyRead = readKey(opts.dataFile)
    const useKey = auditKey ?? (keyRead.kind === 'present' ? keyRead.key : null)
    session.close()
    let done: RestoreDone
    try {
      done = restoreFiles(opts.dataFile, file, useKey, MIGRATIONS, now(), key)
    } catch (e) {
      // Nothing was moved when the backup failed its check: reopen the log as it was.
      open()
      throw e
    }
    log.info(
      `restored ${opts.dataFile} from ${file}; the previous files were kept as ${done.setAside.join(', ')}`,
    )
    restored = { from: file, setAside: done.setAside, at: now().toISOString() }
    open()
    if (session.db && session.status().mode === 'writable') recordRestore(session.db, who, done)
    return status()
  }

  try {
    open()
  } catch (e) {
    lock.release()
    throw e
  }

  /** The handlers of one connection: its own sign-in session, its handlers rebuilt after a restore. */
  const connection = (enforce: boolean): Handlers => {
    const signIn = new UserSession({
      now,
      cost: passwordCost,
      osUser: user,
      transport: opts.transport,
      log,
      throttle,
      enforce,
      jobs,
      ...(opts.idleMsCap !== undefined ? { idleMsCap: opts.idleMsCap } : {}),
    })
    const signInActor: Actor = {
      get user() {
        return signIn.actorName()
      },
      now,
    }
    let built: { for: LogSession; handlers: Handlers } | null = null
    const current = (): Handlers => {
      if (!session.db) return unavailableHandlers()
      if (built?.for !== session)
        built = { for: session, handlers: handlersFor(session.db, signIn, signInActor) }
      return built.handlers
    }
    const handlers: Record<string, (req: never) => unknown> = {}
    for (const name of CALLS) {
      handlers[name] = (req: never) => {
        if (name === 'log.status') return status()
        if (name === 'log.backups') return listBackups(backupDir, opts.dataFile, key)
        if (name === 'log.restore') return restore((req as { file: string }).file, signInActor)
        if (name === 'session.status' && !session.db) return signIn.view(null)
        if (name === 'app.backup' && session.status().mode !== 'writable')
          throw new ApiFailure({
            code: session.db ? 'LOG_READ_ONLY' : 'LOG_UNAVAILABLE',
            message:
              'No backup is taken while the log is in recovery mode: it would not pass its check, and older good backups must be kept.',
          })
        return (current()[name] as (r: never) => unknown)(req)
      }
    }
    return gated(handlers as unknown as Handlers, signIn, () => session.db)
  }

  const handlers = connection(false)

  return {
    get db(): ReadableDb {
      if (!session.db) throw new DbError('LOG_UNAVAILABLE', 'The follow-up log could not be opened.')
      return session.db
    },
    handlers,
    connect: () => connection(true),
    dataFile: opts.dataFile,
    log,
    jobs,
    status,
    get checked() {
      return checked
    },
    close: () => {
      session.close()
      lock.release()
    },
  }
}

function safeUserName(): string {
  try {
    return os.userInfo().username || 'unknown'
  } catch {
    return 'unknown'
  }
}
