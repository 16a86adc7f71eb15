import fs from 'node:fs'
import { isPlainSqlite, openDb, type LogKey } from '../../db/cipher'
import { DbError, type DbErrorCode } from '../../db/errors'
import {
  addKeychainEntry,
  keyFromRecoveryKey,
  keychainUsable,
  keyStoreFileOf,
  MIN_PASSPHRASE,
  readKeyFile,
  setUpKey,
  unlockWithKeychain,
  unlockWithPassphrase,
  writeKeys,
  type OsKeychain,
} from '../../db/keystore'
import { CALLS } from '../contract/calls'
import type { Handlers, VaultStatusView } from '../contract/contract'
import { ApiFailure } from '../contract/dispatch'
import type { ErrorCode } from '../contract/result'
import { openBackend, type Backend } from './backend'
import { describeError, logFileFor, openLog, type AppLog } from './log'

// The lock in front of the back end (docs/privacy.md). Until the log's key is known, every call
// but the unlock calls answers NOT_UNLOCKED: the log is not even opened. Then:
// - desktop (a keychain passed in by electron/main): a new log, or a plain one, is set up at once
//   (key wrapped by the keychain; the recovery key waits for the renderer to show it); a key file
//   with a keychain entry opens without asking; otherwise the unlock screen asks;
// - browser mode (no keychain): the unlock screen asks for a passphrase (set-up, unlock) or the
//   recovery key; a wrong one answers KEY_WRONG and changes nothing.
// Then the calls go to this transport's connection of the back end (`Backend.connect`): a named
// account signs in (electron/backend/session.ts) before anything else is answered.

export type BackendOptions = Omit<Parameters<typeof openBackend>[0], 'key'>

export interface VaultBackend {
  /** Every call; NOT_UNLOCKED until the log is unlocked. */
  readonly handlers: Handlers
  readonly dataFile: string
  readonly log: AppLog
  /** The open back end, once unlocked. */
  backend(): Backend | null
  /** Resolves with the back end when the log is unlocked. */
  readonly unlocked: Promise<Backend>
  /** Resolves when the desktop's own attempt (keychain set-up or unlock) has finished. */
  readonly ready: Promise<void>
  /** What stopped that attempt other than a key problem (e.g. LOG_LOCKED), to show and quit. */
  startFailure(): unknown
  status(): VaultStatusView
  close(): void
}

export function openVaultBackend(opts: BackendOptions & { keychain?: OsKeychain }): VaultBackend {
  const log = opts.log ?? openLog(logFileFor(opts.dataFile))
  const base = { ...opts, log }
  const keyFile = keyStoreFileOf(opts.dataFile)
  let backend: Backend | null = null
  /** This transport's connection to the open back end (its own sign-in session). */
  let connection: Handlers | null = null
  let pendingRecovery: string | null = null
  let problem: string | null = null
  let failure: unknown = null
  let resolveUnlocked!: (b: Backend) => void
  const unlocked = new Promise<Backend>((r) => (resolveUnlocked = r))

  const logExists = (): boolean => {
    try {
      return fs.statSync(opts.dataFile).size > 0
    } catch {
      return false
    }
  }

  const status = (): VaultStatusView => {
    const read = readKeyFile(opts.dataFile)
    const plain = logExists() && isPlainSqlite(opts.dataFile)
    const state: VaultStatusView['state'] = backend
      ? 'unlocked'
      : read.kind === 'present'
        ? 'locked'
        : read.kind === 'damaged'
          ? 'key-file-damaged'
          : logExists() && !plain
            ? 'key-file-missing'
            : 'set-up'
    const keys = read.kind === 'present' ? read.keys : null
    return {
      state,
      transport: opts.transport,
      plainLogFound: !backend && read.kind === 'absent' && plain,
      ways: keys
        ? [
            ...(keys.keychain ? ['keychain' as const] : []),
            ...(keys.passphrase ? ['passphrase' as const] : []),
          ]
        : [],
      recoveryKeyPending: pendingRecovery !== null,
      problem,
      keyFile,
      dataFile: opts.dataFile,
      minPassphrase: MIN_PASSPHRASE,
    }
  }

  /** Opens the back end with the key (a wrong key answers KEY_WRONG and leaves everything as it was). */
  const openWith = (key: LogKey): void => {
    if (logExists() && !isPlainSqlite(opts.dataFile))
      openDb(opts.dataFile, key, { readonly: true, fileMustExist: true }).close()
    backend = openBackend({ ...base, key, vaultStatus: status })
    connection = backend.connect()
    problem = null
    resolveUnlocked(backend)
  }

  /** The keychain, unless it is unusable here and a passphrase protects the key instead. */
  const usableKeychain = (passphrase: string | undefined): boolean =>
    opts.keychain !== undefined && (passphrase === undefined || keychainUsable(opts.keychain))

  const refuseIfOpen = (): void => {
    if (backend) throw new ApiFailure({ code: 'CONFLICT', message: 'The log is already unlocked.' })
  }

  const setUp = async (passphrase: string | undefined): Promise<VaultStatusView> => {
    refuseIfOpen()
    const s = status()
    if (s.state !== 'set-up')
      throw new ApiFailure({
        code: 'CONFLICT',
        message: 'This log already has a key: unlock it with its passphrase or recovery key.',
      })
    if (passphrase === undefined && !opts.keychain)
      throw new ApiFailure({ code: 'PASSPHRASE_WEAK', message: 'Choose a passphrase to protect the log.' })
    const made = await setUpKey(
      opts.dataFile,
      {
        ...(usableKeychain(passphrase) ? { keychain: opts.keychain! } : {}),
        ...(passphrase !== undefined ? { passphrase } : {}),
      },
      (opts.now ?? (() => new Date()))(),
    )
    pendingRecovery = made.recoveryKey
    try {
      openWith(made.key)
    } catch (e) {
      // The log did not open. While it is still plain (or absent) the key file is removed again,
      // so the next start asks the same question; once it is encrypted the key file stays (it is
      // the only way in besides the recovery key, which `vault.recoveryKey` still answers).
      if (!logExists() || isPlainSqlite(opts.dataFile)) {
        fs.rmSync(keyFile, { force: true })
        pendingRecovery = null
      }
      throw e
    }
    log.info(`set up encryption for ${opts.dataFile}; key file ${keyFile}`)
    return status()
  }

  const unlock = async (passphrase: string): Promise<VaultStatusView> => {
    refuseIfOpen()
    const key = await unlockWithPassphrase(opts.dataFile, passphrase)
    openWith(key)
    if (opts.keychain && keychainUsable(opts.keychain) && !readKeyFileHasKeychain()) tryAddKeychain(key)
    return status()
  }

  const readKeyFileHasKeychain = (): boolean => {
    const r = readKeyFile(opts.dataFile)
    return r.kind === 'present' && r.keys.keychain !== undefined
  }

  const tryAddKeychain = (key: LogKey): void => {
    try {
      addKeychainEntry(opts.dataFile, key, opts.keychain!)
    } catch (e) {
      log.error(`the key could not be added to the keychain: ${describeError(e)}`)
    }
  }

  const recover = async (recoveryKey: string, passphrase: string | undefined): Promise<VaultStatusView> => {
    refuseIfOpen()
    const key = keyFromRecoveryKey(recoveryKey)
    if (!logExists() || isPlainSqlite(opts.dataFile))
      throw new ApiFailure({
        code: 'NOT_FOUND',
        message: `There is no encrypted log at ${opts.dataFile} to open.`,
      })
    if (passphrase === undefined && !opts.keychain)
      throw new ApiFailure({ code: 'PASSPHRASE_WEAK', message: 'Choose a new passphrase for this log.' })
    // The key must open the log before anything is written.
    openDb(opts.dataFile, key, { readonly: true, fileMustExist: true }).close()
    await writeKeys(
      opts.dataFile,
      key,
      {
        ...(usableKeychain(passphrase) ? { keychain: opts.keychain! } : {}),
        ...(passphrase !== undefined ? { passphrase } : {}),
      },
      (opts.now ?? (() => new Date()))(),
      true,
    )
    openWith(key)
    log.info(`opened ${opts.dataFile} with its recovery key; a new key file was written`)
    return status()
  }

  // The desktop opens without asking when it can: a new or plain log is set up with the keychain,
  // a key file with a keychain entry is unwrapped. Calls wait for this first step.
  const ready: Promise<void> = (async () => {
    const s = status()
    if (s.state === 'key-file-missing' || s.state === 'key-file-damaged')
      log.error(
        `${opts.dataFile} is not a plain SQLite log and its key file ${keyFile} is ${s.state === 'key-file-missing' ? 'missing' : 'damaged'}: only the recovery key opens it (or it is not a pNET Follow-up log)`,
      )
    if (!opts.keychain) return
    try {
      if (s.state === 'set-up') await setUp(undefined)
      else if (s.state === 'locked') {
        const key = unlockWithKeychain(opts.dataFile, opts.keychain)
        if (key) openWith(key)
      }
    } catch (e) {
      log.error(`the log could not be opened through the keychain: ${describeError(e)}`)
      // A key problem is the unlock screen's to solve; anything else (another process has the log,
      // a full disk) stops the start with its message, as before encryption.
      if (e instanceof DbError && KEY_CODES.has(e.code)) problem = e.message
      else failure = e
    }
  })()

  // One unlock at a time (a double click must not open the log twice).
  let queue: Promise<unknown> = Promise.resolve()
  const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn)
    queue = run.catch(() => undefined)
    return run
  }

  const handlers: Record<string, (req: never) => unknown> = {}
  for (const name of CALLS) {
    handlers[name] = async (req: never) => {
      await ready
      const r = req as { passphrase?: string; recoveryKey?: string }
      if (name === 'vault.status') return status()
      if (name === 'vault.setUp') return oneAtATime(() => setUp(r.passphrase))
      if (name === 'vault.unlock') return oneAtATime(() => unlock(r.passphrase!))
      if (name === 'vault.recover') return oneAtATime(() => recover(r.recoveryKey!, r.passphrase))
      if (name === 'vault.recoveryKey') {
        if (!pendingRecovery)
          throw new ApiFailure({
            code: 'NOT_FOUND',
            message: 'The recovery key was shown at set-up and is not kept.',
          })
        return { recoveryKey: pendingRecovery }
      }
      if (name === 'vault.recoveryKeySaved') {
        pendingRecovery = null
        return status()
      }
      if (!backend || !connection)
        throw new ApiFailure({
          code: 'NOT_UNLOCKED',
          message: 'The follow-up log is locked: unlock it first (nothing was read or changed).',
        })
      return (connection[name] as (r: never) => unknown)(req)
    }
  }

  return {
    handlers: wrapKeyErrors(handlers as unknown as Handlers),
    dataFile: opts.dataFile,
    log,
    backend: () => backend,
    unlocked,
    ready,
    startFailure: () => failure,
    status,
    close: () => backend?.close(),
  }
}

const KEY_CODES = new Set<DbErrorCode>([
  'KEY_WRONG',
  'KEY_FILE_MISSING',
  'KEY_FILE_DAMAGED',
  'KEYCHAIN_UNAVAILABLE',
  'PASSPHRASE_WEAK',
])

const PUBLIC = new Set<DbErrorCode>([
  'KEY_WRONG',
  'KEY_FILE_MISSING',
  'KEY_FILE_DAMAGED',
  'KEYCHAIN_UNAVAILABLE',
  'PASSPHRASE_WEAK',
  'NOT_UNLOCKED',
  'CONFLICT',
  'LOG_LOCKED',
  'DB_CORRUPT',
  'DB_DISK_FULL',
  'DB_READ_ONLY_MEDIA',
  'DB_IO',
])

/** Key errors become the call's answer (a wrong passphrase is the person's to fix). */
function wrapKeyErrors(handlers: Handlers): Handlers {
  const out: Record<string, (req: never) => unknown> = {}
  for (const [name, h] of Object.entries(handlers) as [string, (req: never) => unknown][]) {
    out[name] = async (req: never) => {
      try {
        return await h(req)
      } catch (e) {
        if (e instanceof DbError && PUBLIC.has(e.code))
          throw new ApiFailure({ code: e.code as ErrorCode, message: e.message })
        throw e
      }
    }
  }
  return out as unknown as Handlers
}
