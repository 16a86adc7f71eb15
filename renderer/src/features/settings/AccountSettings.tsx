import { useState } from 'react'
import { useForm } from 'react-hook-form'
import { IDLE_LOCK_MINUTES, MIN_PASSWORD } from '../../../../engine'
import { Field } from '../../components/Field'
import { useChangeOwnPassword, useUpdateSettings } from '../../data/mutations'
import { ROLE_LABELS } from '../../domain/labels'
import { useCurrentUser } from '../signin/SignIn'

interface PasswordForm {
  current: string
  password: string
  confirm: string
}

/** The signed-in account: its own password (the current one is asked) and the idle lock. */
export function AccountSettings({
  idleLockMinutes,
  onSaved,
}: {
  idleLockMinutes: number
  onSaved: (message: string) => void
}) {
  const me = useCurrentUser()
  const change = useChangeOwnPassword()
  const update = useUpdateSettings()
  const [minutes, setMinutes] = useState(String(idleLockMinutes))
  const [minutesError, setMinutesError] = useState<string | undefined>()
  const { register, handleSubmit, setError, reset, formState } = useForm<PasswordForm>({
    defaultValues: { current: '', password: '', confirm: '' },
  })
  const submit = handleSubmit(async (v) => {
    if (v.password !== v.confirm) {
      setError('confirm', { message: 'The two passwords differ.' })
      return
    }
    const r = await change.run({ current: v.current, password: v.password })
    if (r.ok) {
      reset()
      onSaved('Your password was changed.')
      return
    }
    const fields = r.error.fields ?? {}
    if (fields['current']) setError('current', { message: fields['current'] })
    else setError('password', { message: fields['password'] ?? r.error.message })
  })
  const err = formState.errors
  return (
    <>
      <p>
        Signed in as <strong>{me.name}</strong> ({me.initials}), {ROLE_LABELS[me.role].toLowerCase()}.
      </p>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault()
          const n = Number(minutes)
          const r = await update.run({ idleLockMinutes: n })
          if (r.ok) {
            setMinutesError(undefined)
            onSaved(`The app now locks after ${n} minute${n === 1 ? '' : 's'} without use.`)
          } else setMinutesError(r.error.fields?.['idleLockMinutes'] ?? r.error.message)
        }}
        noValidate
      >
        <Field
          label="Lock after this many minutes without use"
          type="number"
          inputMode="numeric"
          min={IDLE_LOCK_MINUTES.min}
          max={IDLE_LOCK_MINUTES.max}
          hint={`${IDLE_LOCK_MINUTES.min} to ${IDLE_LOCK_MINUTES.max} minutes, for every account of this log`}
          value={minutes}
          error={minutesError}
          onChange={(e) => setMinutes(e.target.value)}
        />
        <button type="submit" className="button" disabled={update.isPending}>
          Save idle lock
        </button>
      </form>
      <form onSubmit={(e) => void submit(e)} noValidate aria-label="Change your password">
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          error={err.current?.message}
          {...register('current', { required: 'Type your current password.' })}
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          hint={`At least ${MIN_PASSWORD} characters`}
          error={err.password?.message}
          {...register('password', { required: 'Choose a new password.' })}
        />
        <Field
          label="The new password again"
          type="password"
          autoComplete="new-password"
          error={err.confirm?.message}
          {...register('confirm', { required: 'Type the new password again.' })}
        />
        <div className="form__actions">
          <button className="button" type="submit" disabled={formState.isSubmitting}>
            Change password
          </button>
        </div>
      </form>
    </>
  )
}
