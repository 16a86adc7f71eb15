// The answer envelope of every call. Errors cross the transport as data, never as a throw
// (Electron keeps only the message of an error thrown from a handler).

export type ErrorCode =
  | 'INVALID_REQUEST'
  | 'UNKNOWN_CALL'
  /** Not allowed for the signed-in account's role (or not from this window). */
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'DB_BUSY'
  | 'DB_CONSTRAINT'
  /** The disk holding the log (or a backup) is full; nothing was saved. */
  | 'DB_DISK_FULL'
  /** The log's disk, share or folder cannot be written. */
  | 'DB_READ_ONLY_MEDIA'
  /** The log file was moved or deleted while the app used it. */
  | 'DB_MOVED'
  /** The disk reported an error. */
  | 'DB_IO'
  | 'DB_CORRUPT'
  /** The log is in recovery mode (read-only); the message says what was found and since when. */
  | 'LOG_READ_ONLY'
  /** The log could not be opened; only restoring a backup is possible. */
  | 'LOG_UNAVAILABLE'
  /** Another process has the log open. */
  | 'LOG_LOCKED'
  /** The record was changed by someone else since it was opened. */
  | 'STALE'
  /** Not available here (a desktop-only call in the browser) or a remote server that did not answer. */
  | 'UNAVAILABLE'
  /** A file that is not what it should be (not DICOM, truncated, a CSV that cannot be read). */
  | 'BAD_FILE'
  /** A long job stopped on request; nothing was changed. */
  | 'CANCELLED'
  /** The key, passphrase or recovery key does not open the log; nothing was changed. */
  | 'KEY_WRONG'
  /** The key file beside the encrypted log is missing. */
  | 'KEY_FILE_MISSING'
  /** The key file beside the log is damaged or not a pNET key file. */
  | 'KEY_FILE_DAMAGED'
  /** The operating system's keychain cannot protect the key on this computer. */
  | 'KEYCHAIN_UNAVAILABLE'
  /** The log is encrypted and not unlocked yet: only the unlock calls are answered. */
  | 'NOT_UNLOCKED'
  /** The passphrase is too short. */
  | 'PASSPHRASE_WEAK'
  /** Nobody is signed in, or the session was locked (by hand or after the idle time): sign in again. */
  | 'SIGNED_OUT'
  /** The name or the password is wrong (one answer for both, so names cannot be guessed). */
  | 'SIGN_IN_FAILED'
  /** Too many failed sign-ins in a row: the next try waits a little. */
  | 'TOO_MANY_ATTEMPTS'
  | 'INTERNAL'

export interface ApiError {
  code: ErrorCode
  /** One sentence for the person at the screen. */
  message: string
  /** Field path (e.g. `diagnosis.grade`) -> what is wrong with it, for messages next to the field. */
  fields?: Record<string, string>
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError }
