import type { Actor } from '../../../db/audit'
import {
  clashingUser,
  countUsers,
  insertUser,
  otherActiveRadiologists,
  requireUser,
  setPasswordHash,
  updateUserRow,
} from '../../../db/queries/users'
import { writeTx, type ReadableDb } from '../../../db/tx'
import type { UserRecord } from '../../../db/types'
import type { UserRole } from '../../../engine'
import { ApiFailure, invalid } from '../../contract/dispatch'
import { hashPassword, type ScryptCost } from '../passwords'
import { auditedAccount } from './audited'

// Named accounts (docs/security.md). Every change is one write transaction with its audit row
// (services/audited.ts `auditedAccount`). No account is ever deleted (the table's trigger refuses
// it): it is disabled. The last active radiologist can be neither disabled nor given another role,
// so the log always has someone who can manage it.

export interface UsersContext {
  readonly db: ReadableDb
  readonly actor: Actor
  readonly cost: ScryptCost
}

export interface AccountInput {
  name: string
  initials: string
  role: UserRole
  active: boolean
}

function refuseClash(db: ReadableDb, name: string, initials: string, except: number | null): void {
  const clash = clashingUser(db, name, initials, except)
  if (!clash) return
  if (clash.field === 'name')
    throw invalid('Another account has this name.', { name: 'Another account has this name.' })
  throw invalid('Another account has these initials.', { initials: 'Another account has these initials.' })
}

/** The first account of a log that has none: always a radiologist. CONFLICT once one exists. */
export async function createFirstUser(
  ctx: UsersContext,
  input: { name: string; initials: string; password: string },
): Promise<UserRecord> {
  const passwordHash = await hashPassword(input.password, ctx.cost)
  return writeTx(ctx.db, (tx) => {
    if (countUsers(tx) > 0)
      throw new ApiFailure({ code: 'CONFLICT', message: 'This log already has accounts: sign in instead.' })
    return auditedAccount(tx, ctx.actor, {
      action: 'user.create',
      id: null,
      write: () =>
        insertUser(tx, { ...input, role: 'radiologist', passwordHash, at: ctx.actor.now().toISOString() }),
    })
  })
}

export async function createUser(
  ctx: UsersContext,
  input: { name: string; initials: string; role: UserRole; password: string },
): Promise<UserRecord> {
  refuseClash(ctx.db, input.name, input.initials, null)
  const passwordHash = await hashPassword(input.password, ctx.cost)
  return writeTx(ctx.db, (tx) => {
    refuseClash(tx, input.name, input.initials, null)
    return auditedAccount(tx, ctx.actor, {
      action: 'user.create',
      id: null,
      write: () => insertUser(tx, { ...input, passwordHash, at: ctx.actor.now().toISOString() }),
    })
  })
}

/** Name, initials, role, disabled or enabled. */
export function updateUser(ctx: UsersContext, id: number, input: AccountInput): UserRecord {
  return writeTx(ctx.db, (tx) => {
    const before = requireUser(tx, id)
    refuseClash(tx, input.name, input.initials, id)
    const stillRadiologist = input.active && input.role === 'radiologist'
    if (
      before.active &&
      before.role === 'radiologist' &&
      !stillRadiologist &&
      otherActiveRadiologists(tx, id) === 0
    )
      throw new ApiFailure({
        code: 'CONFLICT',
        message: `${before.name} is the last active radiologist: make another account a radiologist first. Nothing was changed.`,
      })
    const action =
      before.active !== input.active ? (input.active ? 'user.enable' : 'user.disable') : 'user.update'
    return auditedAccount(tx, ctx.actor, {
      action,
      id,
      write: () => {
        updateUserRow(tx, id, { ...input, at: ctx.actor.now().toISOString() })
        return id
      },
    })
  })
}

/** A new password for an account: set by a radiologist (reset) or by the account itself (change). */
export async function setPassword(
  ctx: UsersContext,
  id: number,
  password: string,
  action: 'user.resetPassword' | 'user.changePassword',
): Promise<UserRecord> {
  requireUser(ctx.db, id)
  const passwordHash = await hashPassword(password, ctx.cost)
  return writeTx(ctx.db, (tx) =>
    auditedAccount(tx, ctx.actor, {
      action,
      id,
      write: () => {
        setPasswordHash(tx, id, passwordHash, ctx.actor.now().toISOString())
        return id
      },
    }),
  )
}
