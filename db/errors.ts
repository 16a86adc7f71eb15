/** Stable codes the UI and tests rely on. Messages are written for the person at the screen. */
export type DbErrorCode =
  | 'DB_FROM_FUTURE'
  | 'DB_CORRUPT'
  | 'DB_NOT_DATABASE'
  | 'DB_SETTINGS'
  | 'DB_BUSY'
  | 'DB_CONSTRAINT'
  | 'NOT_FOUND'
  | 'CONFLICT'

export class DbError extends Error {
  override readonly name = 'DbError'
  constructor(
    readonly code: DbErrorCode,
    message: string,
  ) {
    super(message)
  }
}
