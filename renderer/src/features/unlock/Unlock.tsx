import { useEffect, useState, type ReactNode } from 'react'
import { useForm } from 'react-hook-form'
import type { VaultStatusView } from '../../../../electron/contract/contract'
import { call, isConnected } from '../../api'

// The unlock screen (docs/privacy.md): shown before anything else while the encrypted log is
// locked. The back end refuses every other call until it is unlocked, so this screen is a
// convenience, not the protection. A sign-in of named users comes after it, on the open log.

type Mode = 'passphrase' | 'recovery'

let atStart: ReturnType<typeof readVaultStatus> | null = null
const readVaultStatus = () => call('vault.status', {})

/** The lock's state as the page loads: read once, first of the start-up reads (app/startup.ts). */
export function vaultStatusAtStart(): ReturnType<typeof readVaultStatus> {
  atStart ??= readVaultStatus()
  return atStart
}

export function UnlockGate({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<VaultStatusView | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  useEffect(() => {
    if (!isConnected()) return
    void vaultStatusAtStart().then((r) => (r.ok ? setStatus(r.value) : setFailure(r.error.message)))
  }, [])
  if (!isConnected()) return <>{children}</>
  if (failure)
    return (
      <main className="shell shell--center">
        <p role="alert">{failure}</p>
      </main>
    )
  if (!status)
    return (
      <main className="shell shell--center" aria-busy="true">
        <p>Opening the follow-up log…</p>
      </main>
    )
  if (status.state === 'unlocked' || status.state === 'plain') {
    if (status.recoveryKeyPending) return <RecoveryKeySheet onSaved={setStatus} />
    return <>{children}</>
  }
  return <UnlockScreen status={status} onOpened={setStatus} />
}

interface PassForm {
  passphrase: string
  confirm: string
  recoveryKey: string
}

function UnlockScreen({
  status,
  onOpened,
}: {
  status: VaultStatusView
  onOpened: (s: VaultStatusView) => void
}) {
  const onlyRecovery = status.state === 'key-file-missing' || status.state === 'key-file-damaged'
  const [mode, setMode] = useState<Mode>(onlyRecovery ? 'recovery' : 'passphrase')
  const { register, handleSubmit, setError, formState } = useForm<PassForm>({
    defaultValues: { passphrase: '', confirm: '', recoveryKey: '' },
  })
  const setUp = status.state === 'set-up'
  // A new passphrase is chosen at set-up and after a recovery (the desktop keychain needs none).
  const choosing = setUp || mode === 'recovery'
  const needsPassphrase =
    status.transport === 'web' || !status.ways.includes('keychain') || status.problem !== null

  const submit = handleSubmit(async (v) => {
    if (choosing && needsPassphrase && v.passphrase !== v.confirm) {
      setError('confirm', { message: 'The two passphrases differ.' })
      return
    }
    const r = setUp
      ? await call('vault.setUp', needsPassphrase ? { passphrase: v.passphrase } : {})
      : mode === 'recovery'
        ? await call('vault.recover', {
            recoveryKey: v.recoveryKey,
            ...(needsPassphrase ? { passphrase: v.passphrase } : {}),
          })
        : await call('vault.unlock', { passphrase: v.passphrase })
    if (r.ok) return onOpened(r.value)
    const field = r.error.code === 'KEY_WRONG' && mode === 'recovery' ? 'recoveryKey' : 'passphrase'
    setError(field, { message: r.error.message })
  })

  const title = setUp
    ? 'Protect the follow-up log'
    : mode === 'recovery'
      ? 'Open with the recovery key'
      : 'Unlock the follow-up log'
  const err = formState.errors
  return (
    <main className="shell shell--center">
      <section className="panel unlock" aria-labelledby="unlock-title">
        <h1 id="unlock-title">{title}</h1>
        {setUp ? (
          <p>
            The log on this computer is kept encrypted.
            {status.plainLogFound
              ? ' The log found here is not encrypted yet: it is encrypted now, after a checked copy, and the unencrypted files are overwritten and removed.'
              : ''}{' '}
            Choose a passphrase of at least {status.minPassphrase} characters; it is asked each time the log
            is opened in the browser. A recovery key is shown next: print it.
          </p>
        ) : mode === 'recovery' ? (
          <p>
            {status.state === 'key-file-missing'
              ? `The key file ${status.keyFile} is missing. `
              : status.state === 'key-file-damaged'
                ? `The key file ${status.keyFile} is damaged. `
                : ''}
            Type the recovery key printed when the log was set up (14 groups of 4 characters). A new key file
            is written{needsPassphrase ? ' protected by the new passphrase you choose' : ''}.
          </p>
        ) : (
          <p>Type the log’s passphrase. Nothing can be read or changed until the log is unlocked.</p>
        )}
        {status.problem ? <p className="notice">{status.problem}</p> : null}
        <form onSubmit={(e) => void submit(e)} noValidate>
          {mode === 'recovery' ? (
            <Field id="unlock-recoveryKey" label="Recovery key" error={err.recoveryKey?.message}>
              <input
                id="unlock-recoveryKey"
                autoComplete="off"
                spellCheck={false}
                {...register('recoveryKey', { required: 'Type the recovery key.' })}
              />
            </Field>
          ) : null}
          {mode === 'passphrase' || needsPassphrase ? (
            <Field
              id="unlock-passphrase"
              label={choosing ? 'New passphrase' : 'Passphrase'}
              error={err.passphrase?.message}
            >
              <input
                id="unlock-passphrase"
                type="password"
                autoComplete={choosing ? 'new-password' : 'current-password'}
                {...register('passphrase', { required: 'Type the passphrase.' })}
              />
            </Field>
          ) : null}
          {choosing && needsPassphrase ? (
            <Field id="unlock-confirm" label="The passphrase again" error={err.confirm?.message}>
              <input
                id="unlock-confirm"
                type="password"
                autoComplete="new-password"
                {...register('confirm')}
              />
            </Field>
          ) : null}
          <div className="form__actions">
            <button className="button button--primary" type="submit" disabled={formState.isSubmitting}>
              {setUp ? 'Encrypt and open' : 'Unlock'}
            </button>
            {!setUp && !onlyRecovery ? (
              <button
                className="button"
                type="button"
                onClick={() => setMode(mode === 'recovery' ? 'passphrase' : 'recovery')}
              >
                {mode === 'recovery' ? 'Use the passphrase' : 'Open with recovery key'}
              </button>
            ) : null}
          </div>
        </form>
      </section>
    </main>
  )
}

function Field({
  id,
  label,
  error,
  children,
}: {
  id: string
  label: string
  error: string | undefined
  children: ReactNode
}) {
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  )
}

/** The recovery key, shown once after set-up, to print or write down. */
function RecoveryKeySheet({ onSaved }: { onSaved: (s: VaultStatusView) => void }) {
  const [key, setKey] = useState<string | null>(null)
  const [confirmed, setConfirmed] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  useEffect(() => {
    void call('vault.recoveryKey', {}).then((r) =>
      r.ok ? setKey(r.value.recoveryKey) : setFailure(r.error.message),
    )
  }, [])
  const done = async () => {
    const r = await call('vault.recoveryKeySaved', {})
    if (r.ok) onSaved(r.value)
    else setFailure(r.error.message)
  }
  return (
    <main className="shell shell--center">
      <section className="panel recovery-key" aria-labelledby="recovery-key-title">
        <h1 id="recovery-key-title">The log’s recovery key</h1>
        <p>
          With this key the log and every backup open on any computer, even without its key file or
          passphrase. Print it or write it down, keep it locked away like the key to a records room, and do
          not store it on this computer. It is shown only now.
        </p>
        {failure ? <p role="alert">{failure}</p> : null}
        {key ? (
          <p className="recovery-key__groups" data-testid="recovery-key" aria-label="Recovery key">
            {key.split('-').map((g, i) => (
              <span key={i}>{g} </span>
            ))}
          </p>
        ) : null}
        <div className="form__actions">
          <button className="button" type="button" onClick={() => window.print()}>
            Print
          </button>
        </div>
        <label>
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> I
          have printed or written down the recovery key
        </label>
        <div className="form__actions">
          <button
            className="button button--primary"
            type="button"
            disabled={!confirmed}
            onClick={() => void done()}
          >
            Continue
          </button>
        </div>
      </section>
    </main>
  )
}
