// The answer envelope of every call. Errors cross the transport as data, never as a throw
// (Electron keeps only the message of an error thrown from a handler).

export type ErrorCode =
  | 'INVALID_REQUEST'
  | 'UNKNOWN_CALL'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'DB_BUSY'
  | 'DB_CONSTRAINT'
  /** Not available here (a desktop-only call in the browser) or a remote server that did not answer. */
  | 'UNAVAILABLE'
  /** A file that is not what it should be (not DICOM, truncated, a CSV that cannot be read). */
  | 'BAD_FILE'
  /** A long job stopped on request; nothing was changed. */
  | 'CANCELLED'
  | 'INTERNAL'

export interface ApiError {
  code: ErrorCode
  /** One sentence for the person at the screen. */
  message: string
  /** Field path (e.g. `diagnosis.grade`) -> what is wrong with it, for messages next to the field. */
  fields?: Record<string, string>
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError }
