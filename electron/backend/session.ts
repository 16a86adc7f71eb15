import { auditedSession } from './services/audited'
import { countUsers, findUserByLogin, getUser, hasUsersTable, passwordHashOf } from '../../db/queries/users'
import { readOnlyReason, writeTx, type ReadableDb } from '../../db/tx'
import type { UserRecord } from '../../db/types'
import { IDLE_LOCK_MINUTES, userActor } from '../../engine'
import { ACCESS, allowed } from '../contract/access'
import type { CallName } from '../contract/calls'
import type { Handlers, SessionView } from '../contract/contract'
import { ApiFailure } from '../contract/dispatch'
import type { Jobs } from './jobs'
import type { AppLog } from './log'
import { decoyHash, verifyPassword, type ScryptCost } from './passwords'
import { getSettings } from './services/settings'

// The sign-in in front of the open log (docs/security.md). One UserSession per transport
// connection (the Electron window, the web host's token): who is signed in and when the window was
// last used. Before any call that is not `open` (electron/contract/access.ts) the session must be
// signed in, not idle past the idle lock (then it locks, and the call is refused), the account
// still active, and its role must reach the call's level; otherwise SIGNED_OUT or FORBIDDEN, before
// the handler runs, so nothing is read or changed. The UI's own idle timer is a convenience.
//
// In-process callers (tests, benchmarks) use the back end's handlers with a session that is not
// enforced: the same calls, the operating-system account as the actor until someone signs in.

/** Failed sign-ins in a row after which every further try waits THROTTLE_MS after the last one. */
export const MAX_FAILURES = 5
export const THROTTLE_MS = 30_000

/** Shared by the connections of one back end: a wrong password anywhere counts. */
export class SignInThrottle {
  private failures = 0
  private last = 0
  check(now: number): void {
    if (this.failures < MAX_FAILURES) return
    const wait = this.last + THROTTLE_MS - now
    if (wait > 0)
      throw new ApiFailure({
        code: 'TOO_MANY_ATTEMPTS',
        message: `Too many failed sign-ins: try again in ${Math.ceil(wait / 1000)} seconds.`,
      })
  }
  failed(now: number): void {
    this.failures++
    this.last = now
  }
  succeeded(): void {
    this.failures = 0
  }
}

export interface SessionOptions {
  readonly now: () => Date
  readonly cost: ScryptCost
  /** The operating-system account: the actor while nobody is signed in. */
  readonly osUser: string
  readonly transport: 'electron' | 'web'
  readonly log: AppLog
  readonly throttle: SignInThrottle
  /** Refuse calls unless signed in (every transport connection); off for in-process callers. */
  readonly enforce: boolean
  /** A shorter idle lock than the setting (tests: PNET_IDLE_LOCK_SECONDS), in milliseconds. */
  readonly idleMsCap?: number
  /**
   * The back end's jobs: while an exclusive one (a CSV import) holds the connection in its
   * transaction, a sign-in, sign-out or lock takes effect at once and its audit row is written
   * when the job has ended, never inside the job's transaction (a cancel would roll it back).
   */
  readonly jobs?: Pick<Jobs, 'held' | 'whenFree'>
}

const SIGN_IN_FAILED = 'The name or the password is wrong.'

export class UserSession {
  private user: UserRecord | null = null
  private locked: { name: string; initials: string } | null = null
  private lastUse = 0
  private decoy: Promise<string> | null = null
  private changes = 0

  constructor(readonly opts: SessionOptions) {}

  get enforced(): boolean {
    return this.opts.enforce
  }

  /**
   * Moves on at every sign-in, sign-out and lock: a call that waited (behind a CSV import) while
   * it moved was made by a session that has ended, and is refused rather than run as someone else.
   */
  get epoch(): number {
    return this.changes
  }

  /** The audit actor of this connection's calls: the signed-in account, else the OS account. */
  actorName(): string {
    return this.user ? userActor(this.user) : this.opts.osUser
  }

  signedIn(): UserRecord | null {
    return this.user
  }

  idleMs(db: ReadableDb): number {
    const minutes = getSettings(db).idleLockMinutes ?? IDLE_LOCK_MINUTES.default
    return Math.min(minutes * 60_000, this.opts.idleMsCap ?? Number.POSITIVE_INFINITY)
  }

  view(db: ReadableDb | null): SessionView {
    if (!db || accountsState(db) !== 'checked')
      return { state: 'log-unavailable', user: null, lockedUser: null, idleMs: 0 }
    const state: SessionView['state'] = this.user
      ? 'signed-in'
      : this.locked
        ? 'locked'
        : countUsers(db) === 0
          ? 'no-accounts'
          : 'signed-out'
    return {
      state,
      user: this.user,
      lockedUser: this.user ? null : this.locked,
      idleMs: this.idleMs(db),
    }
  }

  /**
   * Before a call: refused (SIGNED_OUT, FORBIDDEN) unless this connection may make it now. A call
   * after the idle time locks the session first. Passing calls count as use.
   */
  require(db: ReadableDb, call: CallName, request: unknown): void {
    if (ACCESS[call] === 'open') return
    if (!this.user) {
      if (!this.opts.enforce) return
      throw new ApiFailure({
        code: 'SIGNED_OUT',
        message: this.locked
          ? 'The app is locked: sign in again to continue (nothing was read or changed).'
          : 'Sign in first (nothing was read or changed).',
      })
    }
    const now = this.opts.now().getTime()
    if (this.opts.enforce && now - this.lastUse > this.idleMs(db)) {
      this.lock(db, 'session.idleLock')
      throw new ApiFailure({
        code: 'SIGNED_OUT',
        message:
          'The app locked itself after a time without use: sign in again to continue (nothing was read or changed).',
      })
    }
    // The account as stored now: disabled or given another role by a radiologist meanwhile.
    const current = getUser(db, this.user.id)
    if (!current || !current.active) {
      this.user = null
      this.locked = null
      this.changes++
      throw new ApiFailure({
        code: 'SIGNED_OUT',
        message: 'This account has been disabled (nothing was read or changed).',
      })
    }
    this.user = current
    if (this.opts.enforce && !allowed(current.role, call, request))
      throw new ApiFailure({
        code: 'FORBIDDEN',
        message: `A ${current.role} account cannot do this (nothing was changed).`,
      })
    // The app's own polling (a job's progress, the top bar's list of jobs) is not use: the idle
    // lock is enforced here too, whatever the window does on its own.
    if (!PASSIVE_CALLS.has(call)) this.lastUse = now
  }

  /** Signs in by name or initials; the same answer for an unknown name and a wrong password. */
  async signIn(db: ReadableDb, login: string, password: string): Promise<SessionView> {
    const { throttle } = this.opts
    throttle.check(this.opts.now().getTime())
    const found = findUserByLogin(db, login)
    const stored = found ? passwordHashOf(db, found.id) : null
    // An unknown name is checked against a decoy, so it takes as long as a wrong password.
    const good = await verifyPassword(password, stored ?? (await (this.decoy ??= decoyHash(this.opts.cost))))
    if (!found || !stored || !good || !found.active) {
      throttle.failed(this.opts.now().getTime())
      this.audit(db, 'session.signInFailed', found?.id ?? null, { transport: this.opts.transport })
      throw new ApiFailure({ code: 'SIGN_IN_FAILED', message: SIGN_IN_FAILED })
    }
    throttle.succeeded()
    this.start(db, found, 'session.signIn')
    return this.view(db)
  }

  /** Signs this connection in as an account just made (the first account). */
  start(db: ReadableDb, user: UserRecord, action: 'session.signIn' | 'session.firstAccount'): void {
    if (this.user && this.user.id !== user.id) this.end(db, 'session.signOut')
    this.user = user
    this.changes++
    this.locked = null
    this.lastUse = this.opts.now().getTime()
    this.audit(db, action, user.id, { transport: this.opts.transport })
  }

  signOut(db: ReadableDb): SessionView {
    this.end(db, 'session.signOut')
    this.locked = null
    return this.view(db)
  }

  /** Locks at once (the Lock button, the shortcut, the idle time): the account's password opens it. */
  lock(db: ReadableDb, action: 'session.lock' | 'session.idleLock' = 'session.lock'): SessionView {
    const was = this.user
    this.end(db, action)
    if (was) this.locked = { name: was.name, initials: was.initials }
    return this.view(db)
  }

  /** Checks the signed-in account's password (a change of it asks the current one). */
  async checkOwnPassword(db: ReadableDb, password: string): Promise<UserRecord> {
    const user = this.user
    if (!user) throw new ApiFailure({ code: 'SIGNED_OUT', message: 'Sign in first (nothing was changed).' })
    this.opts.throttle.check(this.opts.now().getTime())
    const stored = passwordHashOf(db, user.id)
    if (!stored || !(await verifyPassword(password, stored))) {
      this.opts.throttle.failed(this.opts.now().getTime())
      throw new ApiFailure({
        code: 'SIGN_IN_FAILED',
        message: 'The current password is wrong; nothing was changed.',
        fields: { current: 'The current password is wrong.' },
      })
    }
    this.opts.throttle.succeeded()
    return user
  }

  private end(db: ReadableDb, action: string): void {
    const was = this.user
    if (!was) return
    this.audit(db, action, was.id, { transport: this.opts.transport })
    this.user = null
    this.changes++
  }

  /**
   * A sign-in, sign-out, lock or failed sign-in in the audit trail, named by the account (the
   * actor is the account for its own events, the OS account for a failed try). In recovery mode
   * (read-only) nothing can be written: the app's log file keeps it instead.
   */
  private audit(db: ReadableDb, action: string, userId: number | null, after: Record<string, unknown>): void {
    if (readOnlyReason(db) !== null) {
      this.opts.log.info(`${action} (account ${userId ?? 'unknown'}) not audited: the log is read-only`)
      return
    }
    const user = userId !== null ? getUser(db, userId) : null
    const actor = {
      user: action === 'session.signInFailed' || !user ? this.opts.osUser : userActor(user),
      now: this.opts.now,
    }
    const jobs = this.opts.jobs
    if (!jobs?.held) {
      writeTx(db, (tx) => auditedSession(tx, actor, { action, userId, what: after }))
      return
    }
    // Written after the job, with the time it happened (the row's own time is when it was written).
    const what = { ...after, occurredAt: this.opts.now().toISOString() }
    jobs.whenFree(
      () => {
        if (readOnlyReason(db) !== null)
          this.opts.log.info(`${action} (account ${userId ?? 'unknown'}) not audited: the log is read-only`)
        else writeTx(db, (tx) => auditedSession(tx, actor, { action, userId, what }))
      },
      (e) =>
        this.opts.log.error(
          `${action} (account ${userId ?? 'unknown'}) could not be audited: ${e instanceof Error ? e.message : String(e)}`,
        ),
    )
  }
}

/**
 * The handlers of one connection: each call passes `session.require` (the access gate) before its
 * handler; `open` calls always reach it. While the log cannot be opened (no connection to check
 * accounts against) the calls go through: every one but the recovery calls answers LOG_UNAVAILABLE.
 */
/** Calls the renderer makes by itself on a timer: they do not count as use for the idle lock. */
const PASSIVE_CALLS: ReadonlySet<CallName> = new Set(['jobs.status', 'jobs.list'])

/**
 * Whether accounts can be checked on this connection's log: `checked` (the gate applies),
 * `none-possible` (recovery mode on a log with no accounts, or opened before migration 100 could
 * run: none can be made either, so the log is as it was before accounts existed, behind the vault
 * only, and nothing can be changed), or `unreadable` (recovery mode on a log whose accounts cannot
 * be read: its schema or pages are damaged).
 */
export function accountsState(db: ReadableDb): 'checked' | 'none-possible' | 'unreadable' {
  if (readOnlyReason(db) === null) return 'checked'
  try {
    return !hasUsersTable(db) || countUsers(db) === 0 ? 'none-possible' : 'checked'
  } catch {
    return 'unreadable'
  }
}

/** What stays possible when the accounts cannot be read: seeing the backups and restoring one. */
const RECOVERY_CALLS: ReadonlySet<CallName> = new Set(['log.backups', 'log.restore'])

/**
 * A damaged log whose accounts cannot be read fails closed: nobody can sign in, so no patient data
 * is read; a change is refused as on any read-only log; the backups can be seen and one restored.
 */
function refuseUnreadable(call: CallName): void {
  if (ACCESS[call] === 'open' || RECOVERY_CALLS.has(call)) return
  if (ACCESS[call] === 'write' || ACCESS[call] === 'admin')
    throw new ApiFailure({
      code: 'LOG_READ_ONLY',
      message: 'The follow-up log is damaged and open read-only: nothing can be changed. Restore a backup.',
    })
  throw new ApiFailure({
    code: 'SIGNED_OUT',
    message:
      'The accounts in the follow-up log cannot be read (the log is damaged), so nobody can sign in. Restore a backup.',
  })
}

export function gated(handlers: Handlers, session: UserSession, db: () => ReadableDb | null): Handlers {
  const out: Record<string, (req: never) => unknown> = {}
  for (const [name, h] of Object.entries(handlers) as [CallName, (req: never) => unknown][]) {
    out[name] = (req: never) => {
      const d = db()
      if (d) {
        const state = accountsState(d)
        if (state === 'unreadable') refuseUnreadable(name)
        else if (state === 'checked') session.require(d, name, req)
      }
      return h(req)
    }
  }
  return out as unknown as Handlers
}
