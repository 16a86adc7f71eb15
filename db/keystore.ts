import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { KEY_BYTES, newLogKey, type LogKey } from './cipher'
import { DbError } from './errors'
import { ensurePrivateDir, writeFileAtomic } from './integrity-files'

// Where the log's key lives (docs/privacy.md). The key itself is random (db/cipher.ts) and is
// never written in clear: the key file beside the log holds it only WRAPPED, once per way in:
// - `keychain`: wrapped by the operating system's keychain (Electron `safeStorage`: DPAPI on
//   Windows, the Keychain on macOS, libsecret/kwallet on Linux) — the desktop app opens with it
//   without asking anything;
// - `passphrase`: AES-256-GCM under a key scrypt derives from a passphrase the person types
//   (browser mode, or a desktop whose keychain is unavailable);
// A wrong passphrase fails GCM's authentication: KEY_WRONG, nothing changed. The recovery key
// (below) is the key itself, printed once at set-up: it opens the log and its backups anywhere.

/** The part of Electron's `safeStorage` the key store uses; main passes the real one. */
export interface OsKeychain {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only: 'basic_text' means no keyring is running (the wrap would protect nothing). */
  getSelectedStorageBackend?(): string
}

export interface ScryptParams {
  readonly N: number
  readonly r: number
  readonly p: number
}

/**
 * scrypt's cost for the passphrase: N = 2^17, r = 8, p = 1 (128 MiB, OWASP's first choice for
 * scrypt); the time it takes here is printed by `npm run bench:crypto`.
 */
export const PASSPHRASE_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 }

export const MIN_PASSPHRASE = 12

interface Sealed {
  readonly kdf: 'scrypt'
  readonly N: number
  readonly r: number
  readonly p: number
  readonly salt: string
  readonly iv: string
  readonly tag: string
  readonly data: string
}

export interface KeyFile {
  readonly format: 'pnet-log-key/1'
  readonly cipher: string
  /** HMAC of a fixed label under the key: tells a key that belongs to this file from another. */
  readonly keyId: string
  readonly createdAt: string
  readonly keychain?: { readonly backend: string | null; readonly wrapped: string }
  readonly passphrase?: Sealed
}

export const keyStoreFileOf = (logFile: string): string => `${logFile}.keys.json`

export type KeyFileRead =
  { kind: 'absent' } | { kind: 'present'; keys: KeyFile } | { kind: 'damaged'; reason: string }

export function keyIdOf(key: LogKey): string {
  return createHmac('sha256', key).update('pnet-log-key-id').digest('hex').slice(0, 32)
}

function isSealed(v: unknown): v is Sealed {
  const s = v as Sealed
  return (
    typeof s === 'object' &&
    s !== null &&
    s.kdf === 'scrypt' &&
    [s.N, s.r, s.p].every((n) => Number.isInteger(n) && n > 0) &&
    [s.salt, s.iv, s.tag, s.data].every((x) => typeof x === 'string')
  )
}

export function readKeyFile(logFile: string): KeyFileRead {
  let text: string
  try {
    text = fs.readFileSync(keyStoreFileOf(logFile), 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' }
    return {
      kind: 'damaged',
      reason: `it cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    }
  }
  let v: KeyFile
  try {
    v = JSON.parse(text) as KeyFile
  } catch {
    return { kind: 'damaged', reason: 'it is not valid JSON' }
  }
  if (typeof v !== 'object' || v === null || v.format !== 'pnet-log-key/1' || typeof v.keyId !== 'string')
    return { kind: 'damaged', reason: 'it is not a pNET Follow-up key file' }
  if (v.passphrase !== undefined && !isSealed(v.passphrase))
    return { kind: 'damaged', reason: 'its passphrase entry is damaged' }
  if (
    v.keychain !== undefined &&
    (typeof v.keychain !== 'object' || v.keychain === null || typeof v.keychain.wrapped !== 'string')
  )
    return { kind: 'damaged', reason: 'its keychain entry is damaged' }
  return { kind: 'present', keys: v }
}

/** The key file, or KEY_FILE_MISSING / KEY_FILE_DAMAGED naming the file. */
export function requireKeyFile(logFile: string): KeyFile {
  const r = readKeyFile(logFile)
  const name = keyStoreFileOf(logFile)
  if (r.kind === 'absent')
    throw new DbError(
      'KEY_FILE_MISSING',
      `The key file ${name} is missing, so the encrypted log cannot be opened. Put it back, or open the log with its recovery key.`,
    )
  if (r.kind === 'damaged')
    throw new DbError(
      'KEY_FILE_DAMAGED',
      `The key file ${name} is damaged (${r.reason}). Open the log with its recovery key; nothing was changed.`,
    )
  return r.keys
}

function writeKeyFile(logFile: string, keys: KeyFile): void {
  ensurePrivateDir(path.dirname(path.resolve(logFile)))
  writeFileAtomic(keyStoreFileOf(logFile), `${JSON.stringify(keys, null, 2)}\n`)
}

function derive(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      secret.normalize('NFC'),
      salt,
      32,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 32 * 1024 * 1024 },
      (err, out) => (err ? reject(err) : resolve(out)),
    ),
  )
}

async function seal(key: LogKey, secret: string, params: ScryptParams): Promise<Sealed> {
  const salt = randomBytes(16)
  const iv = randomBytes(12)
  const kek = await derive(secret, salt, params)
  const c = createCipheriv('aes-256-gcm', kek, iv)
  c.setAAD(Buffer.from('pnet-log-key/1'))
  const data = Buffer.concat([c.update(key), c.final()])
  return {
    kdf: 'scrypt',
    ...params,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: c.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  }
}

/** The key, or null when `secret` is not the one it was sealed with (GCM authentication fails). */
async function unseal(s: Sealed, secret: string): Promise<LogKey | null> {
  const kek = await derive(secret, Buffer.from(s.salt, 'base64'), s)
  try {
    const d = createDecipheriv('aes-256-gcm', kek, Buffer.from(s.iv, 'base64'))
    d.setAAD(Buffer.from('pnet-log-key/1'))
    d.setAuthTag(Buffer.from(s.tag, 'base64'))
    const key = Buffer.concat([d.update(Buffer.from(s.data, 'base64')), d.final()])
    return key.length === KEY_BYTES ? key : null
  } catch {
    return null
  }
}

function checkedKey(keys: KeyFile, key: LogKey | null, what: string): LogKey {
  if (!key || !timingSafeEqual(Buffer.from(keyIdOf(key)), Buffer.from(keys.keyId.padEnd(32).slice(0, 32))))
    throw new DbError('KEY_WRONG', `${what} does not open this log. Nothing was changed; try again.`)
  return key
}

// ---- The recovery key: the log's key itself, printed ------------------------------------------
//
// 256 bits as 52 base32 characters plus a 4-character check, in 14 groups of 4. It opens the log
// and every backup with nothing else (no key file, no keychain), which is what a recovery key is
// for; so it is shown once at set-up, printed, and kept like the key to a records room.

const B32 = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789' // no I, O, 0, 1: nothing to misread on paper

function base32(bytes: Buffer): string {
  let bits = 0
  let acc = 0
  let out = ''
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff
    bits += 8
    while (bits >= 5) {
      out += B32[(acc >> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31]
  return out
}

function checkOf(key: LogKey): string {
  return base32(createHmac('sha256', 'pnet-recovery-check').update(key).digest().subarray(0, 3)).slice(0, 4)
}

export function recoveryKeyOf(key: LogKey): string {
  return `${base32(key)}${checkOf(key)}`.match(/.{4}/g)!.join('-')
}

/** The key a typed recovery key holds (case, spaces and dashes ignored), or KEY_WRONG naming why. */
export function keyFromRecoveryKey(typed: string): LogKey {
  const s = typed.toUpperCase().replace(/[\s-]/g, '')
  const bad = [...s].find((c) => !B32.includes(c))
  if (s.length !== 56 || bad !== undefined)
    throw new DbError(
      'KEY_WRONG',
      bad !== undefined
        ? `A recovery key has no "${bad}" (it uses A–Z without I and O, and 2–9). Check it and try again.`
        : `A recovery key is 56 letters and digits in 14 groups of 4 (as printed); this one has ${s.length}.`,
    )
  let bits = 0
  let acc = 0
  const out: number[] = []
  for (const c of s.slice(0, 52)) {
    acc = ((acc << 5) | B32.indexOf(c)) & 0xffff
    bits += 5
    if (bits >= 8) {
      out.push((acc >> (bits - 8)) & 255)
      bits -= 8
    }
  }
  const key = Buffer.from(out.slice(0, KEY_BYTES))
  if (checkOf(key) !== s.slice(52))
    throw new DbError(
      'KEY_WRONG',
      'That recovery key has a typing mistake (its check group does not match). Check each group and try again.',
    )
  return key
}

// ---- Setting up and unlocking -------------------------------------------------------------------

export interface KeySetUp {
  readonly key: LogKey
  /** Shown once (printable); never stored. */
  readonly recoveryKey: string
}

function keychainReady(keychain: OsKeychain): string | null {
  if (!keychain.isEncryptionAvailable())
    throw new DbError(
      'KEYCHAIN_UNAVAILABLE',
      "This computer's keychain cannot protect the log's key. Use a passphrase instead.",
    )
  let backend: string | null = null
  try {
    // Linux only (Electron); elsewhere the method is absent.
    backend = keychain.getSelectedStorageBackend?.() ?? null
  } catch {
    backend = null
  }
  if (backend === 'basic_text')
    throw new DbError(
      'KEYCHAIN_UNAVAILABLE',
      'No keyring is running on this computer (Electron would store the key with a fixed password). Start the desktop keyring, or use a passphrase.',
    )
  return backend
}

/** Whether the keychain can protect a key here (available, and not Linux's basic_text). */
export function keychainUsable(keychain: OsKeychain): boolean {
  try {
    keychainReady(keychain)
    return true
  } catch {
    return false
  }
}

function keychainEntry(key: LogKey, keychain: OsKeychain): NonNullable<KeyFile['keychain']> {
  const backend = keychainReady(keychain)
  return { backend, wrapped: keychain.encryptString(key.toString('hex')).toString('base64') }
}

export function assertPassphrase(passphrase: string): void {
  if ([...passphrase.normalize('NFC')].length < MIN_PASSPHRASE)
    throw new DbError(
      'PASSPHRASE_WEAK',
      `The passphrase must be at least ${MIN_PASSPHRASE} characters (a few words are easiest to remember).`,
    )
}

/**
 * Writes the key file for `key` with the keychain and/or passphrase entries asked for. `replace`:
 * a key file already there is kept aside as `<name>.replaced-<instant>` (a recovery), else refused.
 */
export async function writeKeys(
  logFile: string,
  key: LogKey,
  how: { keychain?: OsKeychain; passphrase?: string },
  now: Date = new Date(),
  replace = false,
): Promise<KeyFile> {
  const name = keyStoreFileOf(logFile)
  if (readKeyFile(logFile).kind !== 'absent') {
    if (!replace) throw new DbError('CONFLICT', `The key file ${name} already exists; it was not replaced.`)
    fs.renameSync(name, `${name}.replaced-${now.toISOString().replace(/[:.]/g, '-')}`)
  }
  if (!how.keychain && how.passphrase === undefined)
    throw new DbError('KEYCHAIN_UNAVAILABLE', 'A passphrase is needed to protect the log here.')
  if (how.passphrase !== undefined) assertPassphrase(how.passphrase)
  const keys: KeyFile = {
    format: 'pnet-log-key/1',
    cipher: 'SQLCipher 4 (cipher=sqlcipher, legacy=4), raw 256-bit key',
    keyId: keyIdOf(key),
    createdAt: now.toISOString(),
    ...(how.keychain ? { keychain: keychainEntry(key, how.keychain) } : {}),
    ...(how.passphrase !== undefined
      ? { passphrase: await seal(key, how.passphrase, PASSPHRASE_SCRYPT) }
      : {}),
  }
  writeKeyFile(logFile, keys)
  return keys
}

/** A new random key for a new (or a plain, about to be encrypted) log, its key file and recovery key. */
export async function setUpKey(
  logFile: string,
  how: { keychain?: OsKeychain; passphrase?: string },
  now: Date = new Date(),
): Promise<KeySetUp> {
  const key = newLogKey()
  await writeKeys(logFile, key, how, now)
  return { key, recoveryKey: recoveryKeyOf(key) }
}

/** The key through the keychain; null when the key file has no keychain entry (ask instead). */
export function unlockWithKeychain(logFile: string, keychain: OsKeychain): LogKey | null {
  const keys = requireKeyFile(logFile)
  if (!keys.keychain) return null
  keychainReady(keychain)
  let hex: string
  try {
    hex = keychain.decryptString(Buffer.from(keys.keychain.wrapped, 'base64'))
  } catch (e) {
    throw new DbError(
      'KEY_WRONG',
      "This computer's keychain cannot unwrap the log's key (it was set up under another account or computer). Open the log with its recovery key.",
      { cause: e },
    )
  }
  const key = /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : null
  return checkedKey(keys, key, "The keychain's key")
}

export async function unlockWithPassphrase(logFile: string, passphrase: string): Promise<LogKey> {
  const keys = requireKeyFile(logFile)
  if (!keys.passphrase)
    throw new DbError(
      'KEY_WRONG',
      'This log has no passphrase (it is opened through the desktop keychain). Open it with its recovery key.',
    )
  return checkedKey(keys, await unseal(keys.passphrase, passphrase), 'That passphrase')
}

/** Adds (or replaces) the keychain entry for an unlocked key: the next start asks nothing. */
export function addKeychainEntry(logFile: string, key: LogKey, keychain: OsKeychain): void {
  const keys = requireKeyFile(logFile)
  checkedKey(keys, key, 'The key')
  writeKeyFile(logFile, { ...keys, keychain: keychainEntry(key, keychain) })
}
