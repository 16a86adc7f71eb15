import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setReadOnly } from '../../../db/tx'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import { DEFAULT_SCRYPT_COST, hashPassword, verifyPassword } from '../../../electron/backend/passwords'
import { MAX_FAILURES, THROTTLE_MS } from '../../../electron/backend/session'
import { ACCESS, allowed } from '../../../electron/contract/access'
import { CALLS, type CallName } from '../../../electron/contract/calls'
import type { Handlers, RequestOf, ResultOf } from '../../../electron/contract/contract'
import { ApiFailure, dispatch } from '../../../electron/contract/dispatch'
import type { ErrorCode, Result } from '../../../electron/contract/result'
import { USER_ROLES, type UserRole } from '../../../engine'
import { USER_ROLES_V100 } from '../../../db/migrations/0100-users'
import { patientInput, tempDir } from '../../helpers/db'
import { dumpContent, FIRST_ACCOUNT, mriStudy, signedIn, TEST_SCRYPT_COST } from '../../helpers/logfiles'

// Issue 13: the back end refuses what the signed-in account may not do, per call and per
// connection, whatever the UI shows (electron/contract/access.ts, electron/backend/session.ts).

let backend: Backend
let cleanup: () => void
let clock: number

beforeEach(() => {
  const t = tempDir('pnet-access-')
  cleanup = t.cleanup
  clock = Date.parse('2026-11-24T12:00:00.000Z')
  backend = openBackend({
    dataFile: path.join(t.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    user: 'os.account',
    now: () => new Date((clock += 10)),
    passwordCost: TEST_SCRYPT_COST,
    backgroundCheck: false,
  })
})
afterEach(() => {
  backend.close()
  cleanup()
})

async function call<K extends CallName>(
  h: Handlers,
  name: K,
  req: RequestOf<K>,
): Promise<Result<ResultOf<K>>> {
  return (await dispatch(h, name, req, (l) => console.error(l))) as Result<ResultOf<K>>
}
const fieldsOf = (u: { id: number; name: string; initials: string; role: UserRole; active: boolean }) => ({
  id: u.id,
  name: u.name,
  initials: u.initials,
  role: u.role,
  active: u.active,
})
async function ok<K extends CallName>(h: Handlers, name: K, req: RequestOf<K>): Promise<ResultOf<K>> {
  const r = await call(h, name, req)
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`)
  return r.value
}
/** The handler's answer to a request the gate sees before any check of its own (the gate runs first). */
async function gateAnswer(h: Handlers, name: CallName, req: unknown = {}): Promise<ErrorCode | 'passed'> {
  try {
    await (h[name] as (r: unknown) => unknown)(req)
    return 'passed'
  } catch (e) {
    if (e instanceof ApiFailure && (e.error.code === 'SIGNED_OUT' || e.error.code === 'FORBIDDEN'))
      return e.error.code
    return 'passed'
  }
}
const audit = (): { actor: string; action: string; entity: string; entity_id: number | null }[] =>
  backend.db.prepare('SELECT actor, action, entity, entity_id FROM audit_log ORDER BY id').all() as never

/** A log with a patient and a study, made in-process (no sign-in there). */
async function seed(): Promise<void> {
  const p = await ok(backend.handlers, 'patients.create', patientInput())
  await ok(backend.handlers, 'studies.record', { patientId: p.id, study: mriStudy('2026-06-01') })
}

describe('the access map', () => {
  it('classifies every call, and the roles reach what they should', () => {
    expect(Object.keys(ACCESS).sort()).toEqual([...CALLS].sort())
    expect(USER_ROLES).toEqual(USER_ROLES_V100)
    for (const call of CALLS) {
      expect(allowed('radiologist', call)).toBe(true)
      expect(allowed('coordinator', call)).toBe(ACCESS[call] !== 'admin')
      expect(allowed('read-only', call)).toBe(!['write', 'admin'].includes(ACCESS[call]))
    }
    // Display settings for everyone, the clinical ones for radiologists.
    expect(allowed('read-only', 'settings.update', { theme: 'light', idleLockMinutes: 5 })).toBe(true)
    expect(allowed('coordinator', 'settings.update', { kFactors: 'icrp103' })).toBe(false)
    expect(allowed('radiologist', 'settings.update', { siteRules: {} })).toBe(true)
  })
})

describe('signed out', () => {
  it.each([...CALLS].filter((c) => ACCESS[c] !== 'open'))(
    '%s is refused with SIGNED_OUT and changes nothing',
    async (name) => {
      await seed()
      const conn = backend.connect()
      const before = dumpContent(backend.db)
      expect(await gateAnswer(conn, name)).toBe('SIGNED_OUT')
      expect(dumpContent(backend.db)).toBe(before)
    },
  )

  it('open calls are answered: the first account is made and signed in at once', async () => {
    const conn = backend.connect()
    expect((await ok(conn, 'session.status', {})).state).toBe('no-accounts')
    expect((await call(conn, 'patients.list', { limit: 50, offset: 0 })).ok).toBe(false)
    const s = await ok(conn, 'session.createFirst', { ...FIRST_ACCOUNT, initials: 'tr' })
    expect(s).toMatchObject({
      state: 'signed-in',
      user: { name: FIRST_ACCOUNT.name, initials: 'TR', role: 'radiologist' },
    })
    expect(s.idleMs).toBe(10 * 60_000)
    // A second "first" account is refused.
    expect(
      await call(backend.connect(), 'session.createFirst', {
        name: 'X',
        initials: 'X',
        password: 'another password',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    })
    // Another connection (another window or token) is still signed out.
    expect((await ok(backend.connect(), 'session.status', {})).state).toBe('signed-out')
  })
})

describe('roles', () => {
  it('a read-only account is refused every write and admin call with FORBIDDEN, and nothing changes', async () => {
    await seed()
    const admin = await signedIn(backend)
    await ok(admin, 'users.create', {
      name: 'Reader',
      initials: 'RD',
      role: 'read-only',
      password: 'reader password',
    })
    const reader = await signedIn(backend, { login: 'reader', password: 'reader password' })
    const before = dumpContent(backend.db)
    const refused = CALLS.filter((c) => ['write', 'admin'].includes(ACCESS[c]))
    expect(refused.length).toBeGreaterThan(40)
    for (const name of refused) expect([name, await gateAnswer(reader, name)]).toEqual([name, 'FORBIDDEN'])
    expect(dumpContent(backend.db)).toBe(before)
    // Through dispatch, as a transport calls: a real write, refused.
    expect(await call(reader, 'patients.create', patientInput({ mrn: 'RO-1' }))).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    })
    expect(await call(reader, 'settings.update', { kFactors: 'icrp103' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    })
    expect((await ok(reader, 'settings.update', { theme: 'light' })).theme).toBe('light')
    expect((await ok(reader, 'patients.list', { limit: 50, offset: 0 })).total).toBeGreaterThan(0)
  })

  it('a coordinator writes patient data but does not manage accounts or the guideline pack', async () => {
    const admin = await signedIn(backend)
    await ok(admin, 'users.create', {
      name: 'Coordinator',
      initials: 'CO',
      role: 'coordinator',
      password: 'coordinator pw',
    })
    const co = await signedIn(backend, { login: 'CO', password: 'coordinator pw' })
    expect((await call(co, 'patients.create', patientInput({ mrn: 'CO-1' }))).ok).toBe(true)
    expect(await call(co, 'users.list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await call(co, 'packs.revert', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('the audit actor is the signed-in account', async () => {
    const conn = await signedIn(backend)
    await ok(conn, 'patients.create', patientInput({ mrn: 'AU-1' }))
    const rows = audit()
    expect(rows.find((r) => r.action === 'patient.create')?.actor).toBe(`user:1 TR ${FIRST_ACCOUNT.name}`)
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['user.create', 'session.firstAccount']))
  })
})

describe('accounts', () => {
  it('are never deleted; the last active radiologist is neither disabled nor demoted', async () => {
    const admin = await signedIn(backend)
    const me = (await ok(admin, 'session.status', {})).user!
    for (const change of [{ active: false }, { role: 'coordinator' as const }])
      expect(await call(admin, 'users.update', { ...fieldsOf(me), ...change })).toMatchObject({
        ok: false,
        error: { code: 'CONFLICT' },
      })
    const other = await ok(admin, 'users.create', {
      name: 'Dr B',
      initials: 'B',
      role: 'radiologist',
      password: 'second password',
    })
    const off = await ok(admin, 'users.update', { ...fieldsOf(other), active: false })
    expect(off.active).toBe(false)
    expect(
      await call(backend.connect(), 'session.signIn', { login: 'B', password: 'second password' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'SIGN_IN_FAILED' },
    })
    expect(() => backend.db.prepare('DELETE FROM app_user WHERE id = ?').run(other.id)).toThrow(
      /never deleted/,
    )
    // The table itself refuses a role outside the list and initials with a space (the audit actor).
    const set = (sql: string) => () => backend.db.prepare(sql).run(other.id)
    expect(set("UPDATE app_user SET role = 'admin' WHERE id = ?")).toThrow(/CHECK/)
    expect(set("UPDATE app_user SET initials = 'A B' WHERE id = ?")).toThrow(/CHECK/)
    expect(
      audit()
        .filter((r) => r.entity === 'user_account')
        .map((r) => r.action),
    ).toEqual(['user.create', 'user.create', 'user.disable'])
  })

  it('a disabled account is signed out at its next call; names and initials are unique', async () => {
    const admin = await signedIn(backend)
    const co = await ok(admin, 'users.create', {
      name: 'Co',
      initials: 'CO',
      role: 'coordinator',
      password: 'coordinator pw',
    })
    const other = await signedIn(backend, { login: 'co', password: 'coordinator pw' })
    await ok(admin, 'users.update', { ...fieldsOf(co), active: false })
    expect(await call(other, 'patients.list', { limit: 50, offset: 0 })).toMatchObject({
      ok: false,
      error: { code: 'SIGNED_OUT' },
    })
    expect(
      await call(admin, 'users.create', {
        name: 'co',
        initials: 'ZZ',
        role: 'coordinator',
        password: 'some password',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', fields: { name: expect.any(String) } },
    })
  })

  it('a password change needs the current one; a reset by a radiologist does not', async () => {
    const admin = await signedIn(backend)
    expect(
      await call(admin, 'users.changePassword', { current: 'wrong', password: 'a new password' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'SIGN_IN_FAILED', fields: { current: expect.any(String) } },
    })
    await ok(admin, 'users.changePassword', { current: FIRST_ACCOUNT.password, password: 'a new password' })
    expect(
      (await call(backend.connect(), 'session.signIn', { login: 'TR', password: FIRST_ACCOUNT.password })).ok,
    ).toBe(false)
    expect(
      (await call(backend.connect(), 'session.signIn', { login: 'TR', password: 'a new password' })).ok,
    ).toBe(true)
    const b = await ok(admin, 'users.create', {
      name: 'Dr B',
      initials: 'B',
      role: 'read-only',
      password: 'second password',
    })
    await ok(admin, 'users.resetPassword', { id: b.id, password: 'reset password' })
    expect(
      (await call(backend.connect(), 'session.signIn', { login: 'b', password: 'reset password' })).ok,
    ).toBe(true)
    expect(audit().map((r) => r.action)).toEqual(
      expect.arrayContaining(['user.changePassword', 'user.resetPassword']),
    )
    // The hash is never shown.
    expect(JSON.stringify(await ok(admin, 'users.list', {}))).not.toMatch(/scrypt/)
  })
})

describe('sign-in', () => {
  it('gives one message for an unknown name and a wrong password, then waits after repeated failures', async () => {
    await signedIn(backend)
    const conn = backend.connect()
    const a = await call(conn, 'session.signIn', { login: 'nobody', password: 'whatever' })
    const b = await call(conn, 'session.signIn', { login: 'TR', password: 'wrong password' })
    expect(a).toEqual(b)
    for (let i = 2; i < MAX_FAILURES; i++)
      await call(conn, 'session.signIn', { login: 'TR', password: 'wrong' })
    const right = { login: 'TR', password: FIRST_ACCOUNT.password }
    expect(await call(conn, 'session.signIn', right)).toMatchObject({
      ok: false,
      error: { code: 'TOO_MANY_ATTEMPTS' },
    })
    clock += THROTTLE_MS
    expect((await call(conn, 'session.signIn', right)).ok).toBe(true)
    expect(audit().filter((r) => r.action === 'session.signInFailed')).toHaveLength(MAX_FAILURES)
    expect(audit().find((r) => r.action === 'session.signInFailed')?.actor).toBe('os.account')
  })

  it('locks after the idle time: the next call is refused and the session is locked', async () => {
    const conn = await signedIn(backend)
    await ok(conn, 'settings.update', { idleLockMinutes: 2 })
    await ok(conn, 'patients.list', { limit: 50, offset: 0 })
    clock += 2 * 60_000 + 1000
    expect(await call(conn, 'patients.list', { limit: 50, offset: 0 })).toMatchObject({
      ok: false,
      error: { code: 'SIGNED_OUT' },
    })
    expect(await ok(conn, 'session.status', {})).toMatchObject({
      state: 'locked',
      lockedUser: { initials: 'TR' },
    })
    expect(audit().at(-1)).toMatchObject({ action: 'session.idleLock', entity: 'session', entity_id: 1 })
    await ok(conn, 'session.signIn', { login: 'TR', password: FIRST_ACCOUNT.password })
    // Use (a call, or the UI's touch on keys and pointer) keeps it open.
    clock += 60_000
    await ok(conn, 'session.touch', {})
    clock += 90_000
    expect((await call(conn, 'patients.list', { limit: 50, offset: 0 })).ok).toBe(true)
  })

  it('the app polling its jobs is not use: the idle lock comes all the same', async () => {
    const conn = await signedIn(backend)
    await ok(conn, 'settings.update', { idleLockMinutes: 2 })
    // The top bar asks for its jobs every 5 s: after 2 minutes of that and nothing else, locked.
    let polled = 0
    for (; polled < 60; polled++) {
      clock += 5_000
      if (!(await call(conn, 'jobs.list', {})).ok) break
    }
    expect(polled).toBeGreaterThanOrEqual(23) // 2 minutes of polls, then the lock
    expect(polled).toBeLessThan(25)
    expect(await call(conn, 'patients.list', { limit: 50, offset: 0 })).toMatchObject({
      ok: false,
      error: { code: 'SIGNED_OUT' },
    })
    expect(audit().at(-1)).toMatchObject({ action: 'session.idleLock' })
  })

  it('the Lock and sign-out are audited and refuse patient calls at once', async () => {
    const conn = await signedIn(backend)
    await ok(conn, 'session.lock', {})
    expect(await call(conn, 'worklist.summary', { bucket: 'now' })).toMatchObject({
      ok: false,
      error: { code: 'SIGNED_OUT' },
    })
    expect(await gateAnswer(conn, 'patients.list')).toBe('SIGNED_OUT')
    await ok(conn, 'session.signIn', { login: 'TR', password: FIRST_ACCOUNT.password })
    await ok(conn, 'session.signOut', {})
    expect((await ok(conn, 'session.status', {})).state).toBe('signed-out')
    expect(audit().map((r) => r.action)).toEqual(
      expect.arrayContaining(['session.lock', 'session.signIn', 'session.signOut']),
    )
  })
})

describe('recovery mode', () => {
  it('a read-only log without accounts (none can be made) is read without a sign-in, and changes nothing', async () => {
    await seed()
    const conn = backend.connect()
    setReadOnly(backend.db, 'The log failed its check (test).')
    try {
      expect((await ok(conn, 'session.status', {})).state).toBe('log-unavailable')
      expect((await ok(conn, 'patients.list', { limit: 5, offset: 0 })).total).toBe(1)
      expect(await call(conn, 'patients.create', patientInput({ mrn: 'RO-2' }))).toMatchObject({
        ok: false,
        error: { code: 'LOG_READ_ONLY' },
      })
    } finally {
      setReadOnly(backend.db, null)
    }
    // With accounts, recovery mode still asks for a sign-in.
    await signedIn(backend)
    setReadOnly(backend.db, 'The log failed its check (test).')
    try {
      expect(await gateAnswer(backend.connect(), 'patients.list')).toBe('SIGNED_OUT')
    } finally {
      setReadOnly(backend.db, null)
    }
  })
})

describe('passwords', () => {
  it('are scrypt with a salt of their own and the cost stored with the hash; the default cost is the real one', async () => {
    const a = await hashPassword('same password', TEST_SCRYPT_COST)
    const b = await hashPassword('same password', TEST_SCRYPT_COST)
    expect(a).not.toBe(b)
    expect(a.startsWith(`scrypt$${TEST_SCRYPT_COST.N}$${TEST_SCRYPT_COST.r}$${TEST_SCRYPT_COST.p}$`)).toBe(
      true,
    )
    expect(await verifyPassword('same password', a)).toBe(true)
    expect(await verifyPassword('same passworD', a)).toBe(false)
    expect(DEFAULT_SCRYPT_COST.N).toBeGreaterThanOrEqual(2 ** 15)
    const real = await hashPassword('x'.repeat(12))
    expect(real.startsWith(`scrypt$${DEFAULT_SCRYPT_COST.N}$`)).toBe(true)
  })
})
