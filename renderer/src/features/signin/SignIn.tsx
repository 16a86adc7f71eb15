import { useQueryClient } from '@tanstack/react-query'
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react'
import { useForm } from 'react-hook-form'
import type { SessionView, UserRecord } from '../../../../electron/contract/contract'
import { MIN_PASSWORD, roleReaches, type Access } from '../../../../engine'
import { call, isConnected, onSignedOut } from '../../api'
import { Field } from '../../components/Field'
import { queryKeys } from '../../data/keys'
import { useCreateFirstAccount, useSignIn } from '../../data/mutations'
import { useSession } from '../../data/queries'
import { ROLE_LABELS } from '../../domain/labels'

// The sign-in (docs/security.md), after the vault's unlock and before the app: the first account
// of a new log, the sign-in, and the lock (by hand, Ctrl+L / Cmd+L, or after the idle time). The
// back end refuses every patient call until an account is signed in, and locks by itself after the
// idle time; this screen and the idle timer here are the convenience, not the protection.

const SessionContext = createContext<UserRecord | null>(null)

/** The signed-in account (inside the gate, always one). */
export function useCurrentUser(): UserRecord {
  const user = useContext(SessionContext)
  if (!user) throw new Error('useCurrentUser outside the sign-in gate')
  return user
}

/**
 * Whether the signed-in account may make calls of this level, and if not, why (for the title of a
 * greyed-out control). The back end refuses them anyway.
 */
export function useCan(access: Access): { allowed: boolean; reason: string | undefined } {
  const user = useContext(SessionContext)
  const allowed = user === null || roleReaches(user.role, access)
  return {
    allowed,
    reason: allowed
      ? undefined
      : access === 'admin'
        ? 'Only a radiologist account can do this.'
        : 'A read-only account cannot change the log.',
  }
}

/** The signed-in account in the top bar: "Dr A. Smith (AS)" and the role. */
export function SignedInUser() {
  const user = useContext(SessionContext)
  if (!user) return null
  return (
    <span className="topbar__user" data-testid="signed-in-user">
      {user.name} ({user.initials}) · {ROLE_LABELS[user.role]}
    </span>
  )
}

export function SignInGate({ children }: { children: ReactNode }) {
  const connected = isConnected()
  const qc = useQueryClient()
  const { data: session, error } = useSession(connected)
  // Any call refused with SIGNED_OUT (locked after the idle time, another window's change): read
  // the session again, which shows the sign-in screen.
  useEffect(() => onSignedOut(() => void qc.invalidateQueries({ queryKey: queryKeys.session })), [qc])
  if (!connected) return <>{children}</>
  if (error)
    return (
      <main className="shell shell--center">
        <p role="alert">{error.message}</p>
      </main>
    )
  if (!session)
    return (
      <main className="shell shell--center" aria-busy="true">
        <p>Opening the follow-up log…</p>
      </main>
    )
  if (session.state === 'log-unavailable') return <>{children}</>
  if (session.state === 'no-accounts') return <FirstAccountScreen />
  if (session.state !== 'signed-in' || !session.user) return <SignInScreen session={session} />
  return (
    <SessionContext.Provider value={session.user}>
      <IdleLock idleMs={session.idleMs} />
      {children}
    </SessionContext.Provider>
  )
}

interface SignInForm {
  login: string
  password: string
}

function SignInScreen({ session }: { session: SessionView }) {
  const signIn = useSignIn()
  const locked = session.state === 'locked' ? session.lockedUser : null
  const { register, handleSubmit, setError, formState } = useForm<SignInForm>({
    defaultValues: { login: locked?.initials ?? '', password: '' },
  })
  const submit = handleSubmit(async (v) => {
    const r = await signIn.run(v)
    if (!r.ok) setError('password', { message: r.error.message })
  })
  return (
    <main className="shell shell--center">
      <section className="panel unlock" aria-labelledby="signin-title">
        <h1 id="signin-title">{locked ? 'The app is locked' : 'Sign in'}</h1>
        <p>
          {locked
            ? `${locked.name} (${locked.initials}) was signed in. Type the password to go on, or sign in as another account.`
            : 'Sign in with your name or initials and your password. Each change is recorded under your name.'}
        </p>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Field
            label="Name or initials"
            autoComplete="username"
            error={formState.errors.login?.message}
            {...register('login', { required: 'Type your name or initials.' })}
          />
          <Field
            label="Password"
            type="password"
            autoComplete="current-password"
            autoFocus
            error={formState.errors.password?.message}
            {...register('password', { required: 'Type your password.' })}
          />
          <div className="form__actions">
            <button className="button button--primary" type="submit" disabled={formState.isSubmitting}>
              Sign in
            </button>
          </div>
        </form>
      </section>
    </main>
  )
}

interface AccountForm {
  name: string
  initials: string
  password: string
  confirm: string
}

function FirstAccountScreen() {
  const create = useCreateFirstAccount()
  const { register, handleSubmit, setError, formState } = useForm<AccountForm>({
    defaultValues: { name: '', initials: '', password: '', confirm: '' },
  })
  const submit = handleSubmit(async (v) => {
    if (v.password !== v.confirm) {
      setError('confirm', { message: 'The two passwords differ.' })
      return
    }
    const r = await create.run({ name: v.name, initials: v.initials, password: v.password })
    if (r.ok) return
    const fields = r.error.fields ?? {}
    let placed = false
    for (const k of ['name', 'initials', 'password'] as const)
      if (fields[k]) {
        setError(k, { message: fields[k] })
        placed = true
      }
    if (!placed) setError('password', { message: r.error.message })
  })
  const err = formState.errors
  return (
    <main className="shell shell--center">
      <section className="panel unlock" aria-labelledby="first-account-title">
        <h1 id="first-account-title">Create the first account</h1>
        <p>
          This log has no accounts yet. The first one is a radiologist’s: it can add the other accounts
          (radiologists, coordinators, read-only) on the Users screen. Each change in the log is recorded
          under the account that made it.
        </p>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Field
            label="Name"
            placeholder="Dr A. Smith"
            autoComplete="name"
            error={err.name?.message}
            {...register('name', { required: 'Type the name.' })}
          />
          <Field
            label="Initials"
            hint="1 to 4 letters or digits, e.g. AS"
            error={err.initials?.message}
            {...register('initials', { required: 'Type the initials.' })}
          />
          <Field
            label="Password"
            type="password"
            autoComplete="new-password"
            hint={`At least ${MIN_PASSWORD} characters`}
            error={err.password?.message}
            {...register('password', { required: 'Choose a password.' })}
          />
          <Field
            label="The password again"
            type="password"
            autoComplete="new-password"
            error={err.confirm?.message}
            {...register('confirm', { required: 'Type the password again.' })}
          />
          <div className="form__actions">
            <button className="button button--primary" type="submit" disabled={formState.isSubmitting}>
              Create the account and sign in
            </button>
          </div>
        </form>
      </section>
    </main>
  )
}

/** How often, at most, use of the window is reported to the back end (its idle timer restarts). */
const TOUCH_EVERY_MS = 20_000

/**
 * Locks the window after `idleMs` without a key, click or pointer move; reports use to the back
 * end now and then (`session.touch`), whose own timer is the one that counts.
 */
function IdleLock({ idleMs }: { idleMs: number }) {
  const qc = useQueryClient()
  const last = useRef({ use: 0, touch: 0 })
  useEffect(() => {
    last.current = { use: Date.now(), touch: Date.now() }
    const touchEvery = Math.min(TOUCH_EVERY_MS, Math.max(1000, idleMs / 4))
    const used = () => {
      const now = Date.now()
      last.current.use = now
      if (now - last.current.touch >= touchEvery) {
        last.current.touch = now
        void call('session.touch', {})
      }
    }
    const events = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const
    for (const e of events) window.addEventListener(e, used, { passive: true })
    const timer = window.setInterval(
      () => {
        if (Date.now() - last.current.use < idleMs) return
        void call('session.lock', {}).then((r) => {
          qc.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.session[0] })
          if (r.ok) qc.setQueryData(queryKeys.session, r.value)
          else void qc.invalidateQueries({ queryKey: queryKeys.session })
        })
      },
      Math.min(5000, Math.max(500, idleMs / 10)),
    )
    return () => {
      for (const e of events) window.removeEventListener(e, used)
      window.clearInterval(timer)
    }
  }, [idleMs, qc])
  return null
}
