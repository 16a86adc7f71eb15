import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { DbError } from './errors'
import { hostName, lockFileOf, PRIVATE_FILE } from './integrity-files'
import { translateFsError } from './tx'

// One writer per log, whatever the transport: `<log>.lock` beside the log holds the pid, host and
// start time of the process that has it open. It is created atomically (a complete temporary file
// hard-linked into place, which fails if a lock exists); a lock left by a dead process on this host
// is taken over; a live one (or one from another host, which cannot be checked) is named in the
// refusal.

export interface LockHolder {
  readonly pid: number
  readonly host: string
  readonly startedAt: string
  readonly transport: string
  /** Unique per acquisition, so a process releases only its own lock. */
  readonly nonce: string
}

export interface LogLock {
  readonly file: string
  readonly holder: LockHolder
  release(): void
}

function readHolder(lockFile: string): LockHolder | 'missing' | 'unreadable' {
  let text: string
  try {
    text = fs.readFileSync(lockFile, 'utf8')
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable'
  }
  try {
    const h = JSON.parse(text) as LockHolder
    if (!Number.isInteger(h.pid) || typeof h.host !== 'string') return 'unreadable'
    return h
  } catch {
    return 'unreadable'
  }
}

/** Whether a process with this pid runs on this host. */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Creates the lock file with its whole content, atomically; false if a lock exists. */
function tryCreate(lockFile: string, holder: LockHolder): boolean {
  const tmp = `${lockFile}.${holder.nonce}.tmp`
  const fd = fs.openSync(tmp, 'wx', PRIVATE_FILE)
  try {
    fs.fchmodSync(fd, PRIVATE_FILE)
    fs.writeSync(fd, `${JSON.stringify(holder)}\n`)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  try {
    fs.linkSync(tmp, lockFile)
    return true
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
      // A file system without hard links: exclusive create (a reader may briefly see it empty).
      try {
        fs.writeFileSync(lockFile, `${JSON.stringify(holder)}\n`, { flag: 'wx', mode: PRIVATE_FILE })
        return true
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false
        throw e2
      }
    }
    throw e
  } finally {
    fs.rmSync(tmp, { force: true })
  }
}

function describeHolder(h: LockHolder): string {
  const what = h.transport === 'web' ? 'the browser-mode host' : 'the app'
  return `${what}, process ${h.pid} on ${h.host}, since ${h.startedAt}`
}

/**
 * Takes the log's lock or refuses with LOG_LOCKED naming the process that holds it.
 */
export function acquireLogLock(file: string, transport: string, now: Date = new Date()): LogLock {
  try {
    return acquire(file, transport, now)
  } catch (e) {
    const t = translateFsError(e, file)
    if (t instanceof DbError && t !== e)
      throw new DbError(
        t.code,
        t.message
          .replace('Nothing was saved. ', 'The log could not be opened. ')
          .replace('then save again: the app resumes as soon as there is room.', 'then start the app again.'),
        {
          cause: e,
        },
      )
    throw e
  }
}

function acquire(file: string, transport: string, now: Date): LogLock {
  const lockFile = lockFileOf(file)
  const holder: LockHolder = {
    pid: process.pid,
    host: hostName(),
    startedAt: now.toISOString(),
    transport,
    nonce: randomBytes(8).toString('hex'),
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(lockFile, holder)) {
      return {
        file: lockFile,
        holder,
        release: () => {
          const h = readHolder(lockFile)
          if (typeof h === 'object' && h.nonce === holder.nonce) fs.rmSync(lockFile, { force: true })
        },
      }
    }
    const current = readHolder(lockFile)
    if (current === 'missing') continue
    if (current === 'unreadable') {
      // Being written by a file system without links, or left torn by a crash: wait, then take over.
      if (attempt < 2) {
        sleep(50)
        continue
      }
      takeOver(lockFile, null)
      continue
    }
    if (current.host === holder.host && !processAlive(current.pid)) {
      takeOver(lockFile, current)
      continue
    }
    const sameHost = current.host === holder.host
    throw new DbError(
      'LOG_LOCKED',
      `The follow-up log ${file} is already open in ${describeHolder(current)}. Only one program may use it at a ` +
        `time, so nothing can be lost between them: use that one, or close it and start again.` +
        (sameHost
          ? ''
          : ` If ${current.host} no longer runs pNET Follow-up (it crashed or was switched off), delete ${lockFile}.`),
    )
  }
  throw new DbError(
    'LOG_LOCKED',
    `The lock file ${lockFile} keeps changing; another program is starting on the log.`,
  )
}

/**
 * Removes a stale lock, only if it is still the one that was judged stale: it is renamed aside
 * (atomic), read again, and put back if another process had replaced it meanwhile.
 */
function takeOver(lockFile: string, stale: LockHolder | null): void {
  const aside = `${lockFile}.stale-${randomBytes(6).toString('hex')}`
  try {
    fs.renameSync(lockFile, aside)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
    throw e
  }
  const moved = readHolder(aside)
  const same =
    stale === null ? moved === 'unreadable' : typeof moved === 'object' && moved.nonce === stale.nonce
  if (!same) {
    try {
      fs.linkSync(aside, lockFile)
    } catch {
      // Someone else created a lock meanwhile; theirs stays.
    }
  }
  fs.rmSync(aside, { force: true })
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}
