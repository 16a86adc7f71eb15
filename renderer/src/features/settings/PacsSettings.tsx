import { useId, useState } from 'react'
import type { PacsEndpointRecord } from '../../../../electron/contract/contract'
import { errorText } from '../../data/fetch'
import { useRemovePacs, useSavePacs } from '../../data/mutations'
import { usePacsEndpoints } from '../../data/queries'

type Auth = PacsEndpointRecord['auth']

/**
 * The PACS (DICOMweb) servers the patient page can search: base address, optional basic or bearer
 * credentials, and a timeout. A stored password or token is never shown again: leave the field
 * empty to keep it.
 */
export function PacsSettings({ onSaved }: { onSaved: (message: string) => void }) {
  const { data: endpoints, error } = usePacsEndpoints()
  const [editing, setEditing] = useState<PacsEndpointRecord | 'new' | null>(null)
  const remove = useRemovePacs()
  return (
    <div className="pacs-settings" data-testid="pacs-settings">
      {error && <p role="alert">{errorText(error)}</p>}
      {endpoints && endpoints.length === 0 && <p className="muted">No PACS yet.</p>}
      {endpoints && endpoints.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">DICOMweb address</th>
              <th scope="col">Sign-in</th>
              <th scope="col">Timeout</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {endpoints.map((e) => (
              <tr key={e.id}>
                <td>{e.name}</td>
                <td className="mono">{e.baseUrl}</td>
                <td>
                  {e.auth === 'none' ? 'none' : e.auth === 'basic' ? `basic (${e.username})` : 'bearer token'}
                </td>
                <td>{e.timeoutMs / 1000} s</td>
                <td>
                  <button className="button button--quiet" onClick={() => setEditing(e)}>
                    Edit
                  </button>{' '}
                  <button
                    className="button button--quiet"
                    onClick={async () => {
                      const r = await remove.run({ id: e.id })
                      onSaved(r.ok ? `Removed the PACS “${e.name}”.` : r.error.message)
                    }}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing ? (
        <EndpointForm
          key={editing === 'new' ? 'new' : editing.id}
          endpoint={editing === 'new' ? null : editing}
          onDone={(m) => {
            setEditing(null)
            if (m) onSaved(m)
          }}
        />
      ) : (
        <button className="button" onClick={() => setEditing('new')}>
          Add a PACS
        </button>
      )}
    </div>
  )
}

function EndpointForm({
  endpoint,
  onDone,
}: {
  endpoint: PacsEndpointRecord | null
  onDone: (message: string | null) => void
}) {
  const ids = useId()
  const save = useSavePacs()
  const [name, setName] = useState(endpoint?.name ?? '')
  const [baseUrl, setBaseUrl] = useState(endpoint?.baseUrl ?? '')
  const [auth, setAuth] = useState<Auth>(endpoint?.auth ?? 'none')
  const [username, setUsername] = useState(endpoint?.username ?? '')
  const [secret, setSecret] = useState('')
  const [timeout, setTimeoutS] = useState(String((endpoint?.timeoutMs ?? 10_000) / 1000))
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [message, setMessage] = useState<string | null>(null)
  const err = (k: string) =>
    errors[`endpoint.${k}`] ? (
      <span className="field__error" id={`${ids}-${k}-error`}>
        {errors[`endpoint.${k}`]}
      </span>
    ) : null
  return (
    <form
      className="form"
      aria-label={endpoint ? `Edit the PACS ${endpoint.name}` : 'Add a PACS'}
      onSubmit={async (e) => {
        e.preventDefault()
        const seconds = Number(timeout)
        const r = await save.run({
          ...(endpoint ? { id: endpoint.id } : {}),
          endpoint: {
            name,
            baseUrl,
            auth,
            username: auth === 'basic' ? username || null : null,
            ...(auth === 'none'
              ? { secret: null }
              : secret
                ? { secret }
                : endpoint?.hasSecret
                  ? {}
                  : { secret: null }),
            timeoutMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : NaN,
          },
        })
        if (!r.ok) {
          setErrors(r.error.fields ?? {})
          setMessage(r.error.message)
          return
        }
        onDone(`PACS “${r.value.name}” saved.`)
      }}
    >
      <label className="field">
        <span className="field__label">Name</span>
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={!!errors['endpoint.name']}
        />
        {err('name')}
      </label>
      <label className="field">
        <span className="field__label">DICOMweb base address</span>
        <input
          value={baseUrl}
          placeholder="https://pacs.example.org/dicom-web"
          onChange={(e) => setBaseUrl(e.target.value)}
          aria-invalid={!!errors['endpoint.baseUrl']}
        />
        {err('baseUrl')}
      </label>
      <label className="field">
        <span className="field__label">Sign-in</span>
        <select value={auth} onChange={(e) => setAuth(e.target.value as Auth)}>
          <option value="none">None</option>
          <option value="basic">User name and password (basic)</option>
          <option value="bearer">Token (bearer)</option>
        </select>
      </label>
      {auth === 'basic' && (
        <label className="field">
          <span className="field__label">User name</span>
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
          {err('username')}
        </label>
      )}
      {auth !== 'none' && (
        <label className="field">
          <span className="field__label">{auth === 'basic' ? 'Password' : 'Token'}</span>
          <input
            type="password"
            value={secret}
            autoComplete="new-password"
            placeholder={endpoint?.hasSecret ? 'stored — leave empty to keep it' : ''}
            onChange={(e) => setSecret(e.target.value)}
          />
          {err('secret')}
        </label>
      )}
      <label className="field">
        <span className="field__label">Timeout (seconds)</span>
        <input
          type="number"
          min={0.5}
          max={120}
          step={0.5}
          value={timeout}
          onChange={(e) => setTimeoutS(e.target.value)}
        />
        {err('timeoutMs')}
      </label>
      {message && (
        <p className="field__error" role="alert">
          {message}
        </p>
      )}
      <div className="form__actions">
        <button type="button" className="button" onClick={() => onDone(null)}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={save.isPending}>
          Save PACS
        </button>
      </div>
    </form>
  )
}
