import { useState } from 'react'
import { useForm } from 'react-hook-form'
import type { UserRecord } from '../../../../electron/contract/contract'
import { MIN_PASSWORD, USER_ROLES, type UserRole } from '../../../../engine'
import { Field } from '../../components/Field'
import { Select } from '../../components/Select'
import { errorText } from '../../data/fetch'
import { useCreateUser, useResetPassword, useUpdateUser } from '../../data/mutations'
import { useUsers } from '../../data/queries'
import { ROLE_LABELS } from '../../domain/labels'
import { useCurrentUser } from '../signin/SignIn'

// The accounts of the log (a radiologist's screen; the back end refuses the calls to anyone else).
// Accounts are never deleted, only disabled: the audit trail keeps naming them.

const ROLE_OPTIONS = USER_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))

interface Props {
  onBack: () => void
}

export function UsersPage({ onBack }: Props) {
  const { data: users, error } = useUsers()
  const [notice, setNotice] = useState<string | null>(null)
  return (
    <section className="panel settings" aria-labelledby="users-title" data-testid="users">
      <div className="panel__head">
        <h2 id="users-title">Users</h2>
        <button type="button" className="button button--quiet" onClick={onBack}>
          ← Worklist
        </button>
      </div>
      <p className="muted">
        Radiologists manage the accounts and the guideline pack; coordinators record studies and steps;
        read-only accounts read and export. An account is never deleted: disable it, and the audit trail still
        names it. The last active radiologist cannot be disabled or given another role.
      </p>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error && <p role="alert">{errorText(error)}</p>}
      {users && (
        <table className="table" aria-label="Accounts">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Initials</th>
              <th scope="col">Role</th>
              <th scope="col">State</th>
              <th scope="col">Changes</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <UserRow key={`${u.id}:${u.changedAt}`} user={u} onNotice={setNotice} />
            ))}
          </tbody>
        </table>
      )}
      <fieldset className="settings__group">
        <legend>Add an account</legend>
        <AddUser onNotice={setNotice} />
      </fieldset>
    </section>
  )
}

function UserRow({ user, onNotice }: { user: UserRecord; onNotice: (m: string) => void }) {
  const me = useCurrentUser()
  const update = useUpdateUser()
  const reset = useResetPassword()
  const [role, setRole] = useState<UserRole>(user.role)
  const [password, setPassword] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const save = async (change: Partial<Pick<UserRecord, 'role' | 'active'>>, done: string) => {
    const r = await update.run({
      id: user.id,
      name: user.name,
      initials: user.initials,
      role: change.role ?? user.role,
      active: change.active ?? user.active,
    })
    if (r.ok) {
      setProblem(null)
      onNotice(done)
    } else setProblem(r.error.message)
  }
  const label = `${user.name} (${user.initials})`
  return (
    <tr data-testid="user-row">
      <th scope="row">
        {user.name}
        {user.id === me.id ? ' (you)' : ''}
      </th>
      <td>{user.initials}</td>
      <td>
        <Select
          label={`Role of ${label}`}
          options={ROLE_OPTIONS}
          value={role}
          onChange={(e) => setRole(e.target.value as UserRole)}
        />
        {role !== user.role && (
          <button
            type="button"
            className="button"
            disabled={update.isPending}
            onClick={() => void save({ role }, `${label} is now: ${ROLE_LABELS[role].toLowerCase()}.`)}
          >
            Save role
          </button>
        )}
      </td>
      <td>{user.active ? 'Active' : 'Disabled'}</td>
      <td>
        <button
          type="button"
          className="button"
          disabled={update.isPending}
          onClick={() =>
            void save(
              { active: !user.active },
              user.active ? `${label} is disabled: it can no longer sign in.` : `${label} can sign in again.`,
            )
          }
        >
          {user.active ? `Disable ${user.initials}` : `Enable ${user.initials}`}
        </button>
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault()
            const r = await reset.run({ id: user.id, password })
            if (r.ok) {
              setPassword('')
              setProblem(null)
              onNotice(`A new password was set for ${label}. Tell them in person.`)
            } else setProblem(r.error.fields?.['password'] ?? r.error.message)
          }}
        >
          <Field
            label={`New password for ${label}`}
            type="password"
            autoComplete="new-password"
            hint={`At least ${MIN_PASSWORD} characters`}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit" className="button" disabled={reset.isPending || password === ''}>
            Reset password
          </button>
        </form>
        {problem && <p role="alert">{problem}</p>}
      </td>
    </tr>
  )
}

interface NewUser {
  name: string
  initials: string
  role: UserRole
  password: string
}

function AddUser({ onNotice }: { onNotice: (m: string) => void }) {
  const create = useCreateUser()
  const { register, handleSubmit, setError, reset, formState } = useForm<NewUser>({
    defaultValues: { name: '', initials: '', role: 'coordinator', password: '' },
  })
  const submit = handleSubmit(async (v) => {
    const r = await create.run(v)
    if (r.ok) {
      reset()
      onNotice(`Added ${r.value.name} (${r.value.initials}), ${ROLE_LABELS[r.value.role].toLowerCase()}.`)
      return
    }
    const fields = r.error.fields ?? {}
    let placed = false
    for (const k of ['name', 'initials', 'role', 'password'] as const)
      if (fields[k]) {
        setError(k, { message: fields[k] })
        placed = true
      }
    if (!placed) setError('name', { message: r.error.message })
  })
  const err = formState.errors
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Field label="Name" placeholder="Dr A. Smith" error={err.name?.message} {...register('name')} />
      <Field
        label="Initials"
        hint="1 to 4 letters or digits"
        error={err.initials?.message}
        {...register('initials')}
      />
      <Select label="Role" options={ROLE_OPTIONS} error={err.role?.message} {...register('role')} />
      <Field
        label="Password"
        type="password"
        autoComplete="new-password"
        hint={`At least ${MIN_PASSWORD} characters; they change it under Settings`}
        error={err.password?.message}
        {...register('password')}
      />
      <div className="form__actions">
        <button className="button button--primary" type="submit" disabled={formState.isSubmitting}>
          Add account
        </button>
      </div>
    </form>
  )
}
