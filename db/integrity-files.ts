import { createHmac, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AuditHead } from './audit'

// The small files beside the log (docs/data.md, "Side files"): the audit key, the anchor and the
// lock. All are created 0600 whatever the umask; folders the app creates are 0700.

export const keyFileOf = (file: string): string => `${file}.key`
export const anchorFileOf = (file: string): string => `${file}.anchor`
export const lockFileOf = (file: string): string => `${file}.lock`

export const PRIVATE_FILE = 0o600
export const PRIVATE_DIR = 0o700

/**
 * Creates `dir` (and missing parents) as 0700. Folders that already existed are left as they are
 * (the person chose them); only the ones made here are set, whatever the umask.
 */
export function ensurePrivateDir(dir: string): void {
  const abs = path.resolve(dir)
  const first = fs.mkdirSync(abs, { recursive: true, mode: PRIVATE_DIR })
  if (first === undefined) return
  let d = abs
  const made: string[] = []
  while (d.length >= first.length) {
    made.push(d)
    const up = path.dirname(d)
    if (up === d) break
    d = up
  }
  for (const m of made) fs.chmodSync(m, PRIVATE_DIR)
}

/** Creates an empty file readable by its owner only (fails if it exists). */
export function createPrivateFile(file: string): void {
  const fd = fs.openSync(file, 'wx', PRIVATE_FILE)
  try {
    fs.fchmodSync(fd, PRIVATE_FILE)
  } finally {
    fs.closeSync(fd)
  }
}

/** Sets a file the app owns to 0600 (a log from an older version may have been 0644). */
export function makePrivate(file: string): void {
  try {
    if ((fs.statSync(file).mode & 0o777) !== PRIVATE_FILE) fs.chmodSync(file, PRIVATE_FILE)
  } catch {
    // Missing (a -shm not yet made) or not ours: nothing to tighten.
  }
}

/**
 * Writes `text` to `file` so that a crash leaves the old content or the new, never a mix:
 * a 0600 temporary beside it, synced, renamed over, the folder synced. A failed write removes its
 * temporary and throws.
 */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp`
  let fd: number | null = null
  try {
    fd = fs.openSync(tmp, 'w', PRIVATE_FILE)
    fs.fchmodSync(fd, PRIVATE_FILE)
    fs.writeSync(fd, text)
    fs.fsyncSync(fd)
    fs.closeSync(fd)
    fd = null
    fs.renameSync(tmp, file)
  } catch (e) {
    if (fd !== null) fs.closeSync(fd)
    fs.rmSync(tmp, { force: true })
    throw e
  }
  syncDir(path.dirname(file))
}

function syncDir(dir: string): void {
  if (process.platform === 'win32') return
  let fd: number | null = null
  try {
    fd = fs.openSync(dir, 'r')
    fs.fsyncSync(fd)
  } catch {
    // Some file systems refuse fsync on a folder; the rename itself is still atomic.
  } finally {
    if (fd !== null) fs.closeSync(fd)
  }
}

// ---- The audit key -----------------------------------------------------------------------------

export type KeyRead =
  | { readonly kind: 'present'; readonly key: Buffer }
  | { readonly kind: 'missing' }
  | { readonly kind: 'damaged'; readonly detail: string }

/**
 * The log's audit key: 32 random bytes, hex, in `<log>.key` (0600) until the OS keychain takes
 * over. Whoever can read it can re-hash the chain, so it is kept out of the log and its backups.
 */
export function readKey(file: string): KeyRead {
  const kf = keyFileOf(file)
  let text: string
  try {
    text = fs.readFileSync(kf, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' }
    return { kind: 'damaged', detail: `cannot read ${kf}: ${(e as Error).message}` }
  }
  const hex = text.trim()
  if (!/^[0-9a-f]{64}$/.test(hex)) return { kind: 'damaged', detail: `${kf} does not hold a key` }
  makePrivate(kf)
  return { kind: 'present', key: Buffer.from(hex, 'hex') }
}

/** Creates a new key file (0600). Fails if one exists: a key is never replaced. */
export function createKey(file: string): Buffer {
  const key = randomBytes(32)
  const kf = keyFileOf(file)
  const fd = fs.openSync(kf, 'wx', PRIVATE_FILE)
  try {
    fs.fchmodSync(fd, PRIVATE_FILE)
    fs.writeSync(fd, `${key.toString('hex')}\n`)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  return key
}

// ---- The anchor --------------------------------------------------------------------------------

/**
 * The audit head as last committed, kept outside the log: a log that lost its last commits, was
 * rolled back to an older copy, or had its chain rewritten no longer reaches it.
 */
export interface Anchor {
  readonly format: 'pnet-anchor/1'
  /** The audit head after the last commit (null: the log had no audit row yet). */
  readonly head: AuditHead | null
  /** The first keyed row and the key's id, once the chain is keyed. */
  readonly keyedFrom: number | null
  readonly keyId: string | null
  /** When it was written (UTC). */
  readonly at: string
  /** HMAC-SHA256 of the above with the log's key (null before there was a key). */
  readonly mac: string | null
}

export type AnchorRead =
  | { readonly kind: 'present'; readonly anchor: Anchor }
  | { readonly kind: 'missing' }
  | { readonly kind: 'damaged'; readonly detail: string }

function anchorMac(key: Buffer, a: Omit<Anchor, 'mac' | 'format' | 'at'>): string {
  return createHmac('sha256', key)
    .update(
      JSON.stringify(['pnet-anchor/1', a.head?.seq ?? null, a.head?.hash ?? null, a.keyedFrom, a.keyId]),
    )
    .digest('hex')
}

export function makeAnchor(
  head: AuditHead | null,
  keyedFrom: number | null,
  keyId: string | null,
  key: Buffer | null,
  at: Date,
): Anchor {
  const body = { head, keyedFrom, keyId }
  return { format: 'pnet-anchor/1', ...body, at: at.toISOString(), mac: key ? anchorMac(key, body) : null }
}

/** Whether the anchor's MAC matches (an anchor without MAC passes only when there is no key). */
export function anchorSigned(a: Anchor, key: Buffer | null): boolean {
  if (!key) return a.mac === null
  return a.mac === anchorMac(key, a)
}

export function readAnchor(file: string): AnchorRead {
  const af = anchorFileOf(file)
  let text: string
  try {
    text = fs.readFileSync(af, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' }
    return { kind: 'damaged', detail: `cannot read ${af}: ${(e as Error).message}` }
  }
  try {
    const a = JSON.parse(text) as Anchor
    const headOk =
      a.head === null ||
      (typeof a.head === 'object' &&
        Number.isInteger(a.head.seq) &&
        typeof a.head.hash === 'string' &&
        /^[0-9a-f]{64}$/.test(a.head.hash))
    if (a.format !== 'pnet-anchor/1' || !headOk) throw new Error('unexpected content')
    return { kind: 'present', anchor: a }
  } catch (e) {
    return { kind: 'damaged', detail: `${af} is not an anchor (${(e as Error).message})` }
  }
}

export function writeAnchor(file: string, anchor: Anchor): void {
  writeFileAtomic(anchorFileOf(file), `${JSON.stringify(anchor)}\n`)
}

/** Temporaries a crash may leave beside the log (anchor and lock writes). */
export function removeSideTemporaries(file: string): void {
  for (const f of [`${anchorFileOf(file)}.tmp`, `${lockFileOf(file)}.tmp`]) fs.rmSync(f, { force: true })
}

export function hostName(): string {
  try {
    return os.hostname()
  } catch {
    return 'unknown-host'
  }
}
