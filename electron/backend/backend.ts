import os from 'node:os'
import path from 'node:path'
import { openDatabase } from '../../db/open'
import type { ReadableDb } from '../../db/tx'
import type { Handlers } from '../contract/contract'
import { dailyBackup } from '../../db/backup'
import { createHandlers, localToday } from './handlers'
import { Jobs } from './jobs'
import { describeError, logFileFor, openLog, type AppLog } from './log'
import { Uploads } from './uploads'

export interface Backend {
  readonly db: ReadableDb
  readonly handlers: Handlers
  readonly dataFile: string
  /** The app's log file (failures only, never patient data), in `logs/` beside the data file. */
  readonly log: AppLog
  /** Long jobs (CSV import, PACS): their status is also read through `jobs.status`. */
  readonly jobs: Jobs
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

/** Opens the log and builds the handlers: the same back end behind either transport. */
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
}): Backend {
  const log = opts.log ?? openLog(logFileFor(opts.dataFile))
  const db = openDatabase(
    opts.dataFile,
    opts.busyTimeoutMs !== undefined ? { busyTimeoutMs: opts.busyTimeoutMs } : {},
  )
  log.info(`pNET Follow-up ${opts.version} (${opts.transport}) opened ${opts.dataFile}`)
  const user = opts.user ?? safeUserName()
  const now = opts.now ?? (() => new Date())
  const backupDir = path.join(path.dirname(opts.dataFile), 'backups')
  // A checked copy per day, taken at open. A failed backup is reported, never fatal: the log
  // itself is untouched by it.
  let backupError: string | null = null
  try {
    dailyBackup(db, backupDir, localToday(now()))
  } catch (e) {
    backupError = e instanceof Error ? e.message : String(e)
    log.error(`daily backup to ${backupDir} failed: ${describeError(e)}`)
  }
  const jobs = new Jobs(now)
  const handlers = createHandlers({
    jobs,
    uploads: new Uploads(),
    db,
    actor: { user, now },
    transport: opts.transport,
    dataFile: opts.dataFile,
    logFile: log.file,
    version: opts.version,
    backupDir,
    backupError,
  })
  return {
    db,
    handlers,
    dataFile: opts.dataFile,
    log,
    jobs,
    close: () => {
      if (db.open) db.close()
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
