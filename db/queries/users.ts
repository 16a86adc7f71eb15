import type { UserRole } from '../../engine'
import { DbError } from '../errors'
import { cached } from '../stmt'
import type { ReadableDb, WritableDb } from '../tx'
import type { UserRecord } from '../types'

// The accounts table (migration 100). Every write is a service's, in its audited write transaction
// (electron/backend/services/users.ts). Nothing here returns the password hash but `passwordHashOf`.

interface UserRow {
  id: number
  name: string
  initials: string
  role: UserRole
  active: number
  created_at: string
  changed_at: string
}

const COLUMNS = 'id, name, initials, role, active, created_at, changed_at'

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  name: r.name,
  initials: r.initials,
  role: r.role,
  active: r.active === 1,
  createdAt: r.created_at,
  changedAt: r.changed_at,
})

export function listUsers(db: ReadableDb): UserRecord[] {
  return (
    cached(db, `SELECT ${COLUMNS} FROM app_user ORDER BY name COLLATE NOCASE, id`).all() as UserRow[]
  ).map(toUser)
}

/**
 * Whether the log has its accounts table: a log opened read-only (recovery mode) before migration
 * 100 ran on it has none.
 */
export function hasUsersTable(db: ReadableDb): boolean {
  return (
    cached(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'app_user'")
      .pluck()
      .get() === 1
  )
}

export function countUsers(db: ReadableDb): number {
  return cached(db, 'SELECT count(*) FROM app_user').pluck().get() as number
}

export function getUser(db: ReadableDb, id: number): UserRecord | null {
  const r = cached(db, `SELECT ${COLUMNS} FROM app_user WHERE id = ?`).get(id) as UserRow | undefined
  return r ? toUser(r) : null
}

export function requireUser(db: ReadableDb, id: number): UserRecord {
  const u = getUser(db, id)
  if (!u) throw new DbError('NOT_FOUND', `There is no account with id ${id}.`)
  return u
}

/** The account a sign-in names: by its name or its initials (neither depends on case). */
export function findUserByLogin(db: ReadableDb, login: string): UserRecord | null {
  const r = cached(
    db,
    `SELECT ${COLUMNS} FROM app_user WHERE name = @login OR initials = @login ORDER BY id LIMIT 1`,
  ).get({
    login: login.trim(),
  }) as UserRow | undefined
  return r ? toUser(r) : null
}

/** The stored `scrypt$N$r$p$salt$hash` of an account (only the password check reads it). */
export function passwordHashOf(db: ReadableDb, id: number): string | null {
  return (
    (cached(db, 'SELECT password_hash FROM app_user WHERE id = ?').pluck().get(id) as string | undefined) ??
    null
  )
}

/** Active radiologists other than `except`: the last one may not be disabled or demoted. */
export function otherActiveRadiologists(db: ReadableDb, except: number): number {
  return cached(db, "SELECT count(*) FROM app_user WHERE role = 'radiologist' AND active = 1 AND id <> ?")
    .pluck()
    .get(except) as number
}

/** An account with this name or these initials (ignoring case), other than `except`. */
export function clashingUser(
  db: ReadableDb,
  name: string,
  initials: string,
  except: number | null,
): { field: 'name' | 'initials' } | null {
  const r = cached(
    db,
    'SELECT name = @name AS sameName FROM app_user WHERE (name = @name OR initials = @initials) AND id IS NOT @except ORDER BY sameName DESC LIMIT 1',
  ).get({ name, initials, except }) as { sameName: number } | undefined
  return r ? { field: r.sameName ? 'name' : 'initials' } : null
}

export function insertUser(
  tx: WritableDb,
  u: { name: string; initials: string; role: UserRole; passwordHash: string; at: string },
): number {
  return Number(
    cached(
      tx,
      `INSERT INTO app_user (name, initials, role, password_hash, active, created_at, changed_at)
       VALUES (@name, @initials, @role, @passwordHash, 1, @at, @at)`,
    ).run(u).lastInsertRowid,
  )
}

export function updateUserRow(
  tx: WritableDb,
  id: number,
  u: { name: string; initials: string; role: UserRole; active: boolean; at: string },
): void {
  cached(
    tx,
    `UPDATE app_user SET name = @name, initials = @initials, role = @role, active = @active, changed_at = @at
     WHERE id = @id`,
  ).run({ ...u, active: u.active ? 1 : 0, id })
}

export function setPasswordHash(tx: WritableDb, id: number, passwordHash: string, at: string): void {
  cached(tx, 'UPDATE app_user SET password_hash = ?, changed_at = ? WHERE id = ?').run(passwordHash, at, id)
}
