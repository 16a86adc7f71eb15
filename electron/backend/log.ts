// The app's own log file: what went wrong, for whoever supports the installation. A packaged app
// keeps no console, so failures (a call that crashed, a failed backup, a log that would not open)
// are written here, in `logs/` beside the follow-up log (the SQLite file).
//
// NEVER patient data. Callers write what failed and where (call name, error and stack), never a
// request, a record or a value a person typed. `test/unit/api/log.test.ts` checks that.
//
// `electron-log/node` is electron-log without Electron (it never imports `electron`), so this
// runs, and is tested, under plain Node in either transport.
import fs from 'node:fs'
import path from 'node:path'
import electronLog from 'electron-log/node'

export const LOG_DIR_NAME = 'logs'
export const LOG_FILE_NAME = 'pnet.log'
/** Size at which the log is rotated. */
export const LOG_MAX_BYTES = 1024 * 1024
/** Files kept: `pnet.log` and `pnet.1.log` … `pnet.4.log` (newest first). */
export const LOG_FILES_KEPT = 5

export interface AppLog {
  /** Absolute path of the current log file. */
  readonly file: string
  error(line: string): void
  warn(line: string): void
  info(line: string): void
}

export interface LogOptions {
  /** Rotate when the file would grow past this (default 1 MiB). */
  maxBytes?: number
  /** How many files to keep, the current one included (default 5). */
  keep?: number
  /** Also print errors and warnings on the console (default true: the terminal of `npm start`). */
  console?: boolean
}

/** Where the log of a given follow-up log file goes: `<its folder>/logs/pnet.log`. */
export function logFileFor(dataFile: string): string {
  return path.join(path.dirname(path.resolve(dataFile)), LOG_DIR_NAME, LOG_FILE_NAME)
}

/** `pnet.log` → `pnet.3.log`. */
function rotatedName(file: string, n: number): string {
  const { dir, name, ext } = path.parse(file)
  return path.join(dir, `${name}.${n}${ext}`)
}

/**
 * Shifts `pnet.log` → `pnet.1.log` → … and drops the oldest, so at most `keep` files remain.
 * Never throws: a log that cannot rotate keeps growing rather than taking the app down.
 */
export function rotate(file: string, keep: number): void {
  try {
    fs.rmSync(rotatedName(file, keep - 1), { force: true })
    for (let n = keep - 2; n >= 1; n--) {
      const from = rotatedName(file, n)
      if (fs.existsSync(from)) fs.renameSync(from, rotatedName(file, n + 1))
    }
    if (keep > 1) fs.renameSync(file, rotatedName(file, 1))
    else fs.rmSync(file, { force: true })
  } catch {
    // Left as is: the next write appends to the current file.
  }
}

let instances = 0

/** Opens (creating its folder when needed) a rotating log at `file`. */
export function openLog(file: string, opts: LogOptions = {}): AppLog {
  const absolute = path.resolve(file)
  const keep = Math.max(1, opts.keep ?? LOG_FILES_KEPT)
  const logger = electronLog.create({ logId: `pnet-${++instances}` })
  // electron-log would otherwise look for the app's name to build its default path; ours is fixed.
  logger.transports.file.setAppName('pNET Follow-up')
  logger.transports.file.resolvePathFn = () => absolute
  logger.transports.file.maxSize = opts.maxBytes ?? LOG_MAX_BYTES
  logger.transports.file.archiveLogFn = (current) => rotate(current.toString(), keep)
  logger.transports.file.level = 'info'
  logger.transports.file.format = '[{iso}] [{level}] {text}'
  logger.transports.file.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' }
  logger.transports.console.level = opts.console === false ? false : 'warn'
  // Nothing leaves this computer, and nothing goes to a window: file (and console) only.
  for (const other of [logger.transports.ipc, logger.transports.remote] as ({ level: unknown } | undefined)[])
    if (other) other.level = false
  return {
    file: absolute,
    error: (line) => logger.error(line),
    warn: (line) => logger.warn(line),
    info: (line) => logger.info(line),
  }
}

/** Describes a failure for the log: its name, message and stack; nothing else. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`
  return String(e)
}
