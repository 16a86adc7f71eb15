/** Stable codes the UI and tests rely on. Messages are written for the person at the screen. */
export type DbErrorCode =
  | 'DB_FROM_FUTURE'
  | 'DB_CORRUPT'
  | 'DB_NOT_DATABASE'
  | 'DB_SETTINGS'
  | 'DB_BUSY'
  | 'DB_CONSTRAINT'
  /** The disk holding the log (or a backup) has no space left; nothing was saved. */
  | 'DB_DISK_FULL'
  /** The log's file or folder cannot be written (read-only disk, share or permissions). */
  | 'DB_READ_ONLY_MEDIA'
  /** The log file was moved, renamed or deleted while the app had it open. */
  | 'DB_MOVED'
  /** The disk reported a read or write error. */
  | 'DB_IO'
  /** The log is open read-only because a check found damage, tampering or lost commits. */
  | 'LOG_READ_ONLY'
  /** The log could not be opened at all (refused); only restoring a backup is possible. */
  | 'LOG_UNAVAILABLE'
  /** Another process (app or web host) has the log open. */
  | 'LOG_LOCKED'
  /** The record was changed by someone else since the person opened it. */
  | 'STALE'
  | 'NOT_FOUND'
  | 'CONFLICT'
  /** The key, passphrase or recovery key does not open the log (nothing was changed). */
  | 'KEY_WRONG'
  /** The key file beside an encrypted log is missing. */
  | 'KEY_FILE_MISSING'
  /** The key file beside the log cannot be read or is not a pNET key file. */
  | 'KEY_FILE_DAMAGED'
  /** The operating system's keychain (Electron safeStorage) cannot protect the key here. */
  | 'KEYCHAIN_UNAVAILABLE'
  /** The log is encrypted and not unlocked yet: every other call is refused. */
  | 'NOT_UNLOCKED'
  /** A passphrase too short to protect the log. */
  | 'PASSPHRASE_WEAK'
  /** A background job (a backup) was stopped on request; nothing was kept. */
  | 'CANCELLED'

export class DbError extends Error {
  override readonly name = 'DbError'
  constructor(
    readonly code: DbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
