import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { AppInfo, BackupView, LogStatusView } from '../../../../electron/contract/contract'
import { call } from '../../api'
import { fetchValue } from '../../data/fetch'

// Recovery mode (docs/data.md, "Recovery"): a banner that says what the log's checks found and
// since when, and the restore screen that lists the backups and restores one (the current files
// are kept aside by the back end, never overwritten).

const STATUS_KEY = ['recovery', 'log-status'] as const
const BACKUPS_KEY = ['recovery', 'backups'] as const

function useLogStatus(initial: LogStatusView) {
  return useQuery({
    queryKey: STATUS_KEY,
    queryFn: () => fetchValue('log.status', {}),
    initialData: initial,
    // Damage found by the check after open turns the log read-only while the app runs.
    refetchInterval: initial.mode === 'writable' ? 15_000 : false,
    refetchOnWindowFocus: 'always',
  })
}

const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : 'unknown')

function mib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

/** The banner above the app while the log is read-only (and a notice after a restore). */
export function RecoveryBanner({ log }: { log: LogStatusView }) {
  const { data: status } = useLogStatus(log)
  const [restoring, setRestoring] = useState(false)
  const s = status ?? log
  if (s.mode === 'writable') {
    if (!s.restored) return null
    return (
      <div className="demo-banner" role="status">
        <span>
          <strong>Restored</strong> from {s.restored.from} on {when(s.restored.at)}. The previous files are
          kept as {s.restored.setAside.join(', ') || 'nothing (there were none)'}.
        </span>
      </div>
    )
  }
  return (
    <div className="demo-banner recovery-banner" role="alert">
      <div>
        <p>
          <strong>The follow-up log is read-only</strong> since {when(s.since)}: its checks found a problem,
          so nothing can be saved until it is restored. Nothing has been changed in it.
        </p>
        <ul>
          {s.problems.map((p, i) => (
            <li key={i}>
              {p.message}
              {p.since ? ` (last trusted change: ${when(p.since)})` : ''} <code>{p.code}</code>
            </li>
          ))}
        </ul>
        {restoring ? <RestorePanel onDone={() => setRestoring(false)} /> : null}
      </div>
      {!restoring && (
        <button className="button" onClick={() => setRestoring(true)}>
          Restore a backup…
        </button>
      )}
    </div>
  )
}

/** The whole window when the log could not be opened at all: what was found, and the restore. */
export function RecoveryScreen({ info }: { info: AppInfo }) {
  return (
    <main className="shell shell--center">
      <div className="panel">
        <h1>pNET Follow-up cannot use its log</h1>
        <p>
          The follow-up log at <code>{info.dataFile}</code> could not be opened. It has not been changed.
        </p>
        <ul>
          {info.log.problems.map((p, i) => (
            <li key={i}>
              {p.message} <code>{p.code}</code>
            </li>
          ))}
        </ul>
        <RestorePanel onDone={() => undefined} />
        <p className="muted">Details: {info.logFile}</p>
      </div>
    </main>
  )
}

function RestorePanel({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient()
  const { data: backups, error } = useQuery({
    queryKey: BACKUPS_KEY,
    queryFn: () => fetchValue('log.backups', {}),
  })
  const [chosen, setChosen] = useState<BackupView | null>(null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<string | null>(null)

  const restore = async (b: BackupView) => {
    setBusy(true)
    setMessage(null)
    const r = await call('log.restore', { file: b.file })
    setBusy(false)
    if (!r.ok) {
      setMessage(`Not restored: ${r.error.message}`)
      return
    }
    setChosen(null)
    onDone()
    // Everything the app shows came from the old log.
    await qc.invalidateQueries()
  }

  if (error) return <p role="alert">The backups cannot be listed: {error.message}</p>
  if (!backups) return <p className="muted">Listing backups…</p>
  if (backups.length === 0) return <p>There are no backups beside the log.</p>
  return (
    <section aria-label="Restore a backup">
      <h2>Restore a backup</h2>
      <p>
        The backup is checked in full first. The current files are kept aside under new names, never
        overwritten.
      </p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Taken</th>
            <th scope="col">Kind</th>
            <th scope="col">Size</th>
            <th scope="col">Patients</th>
            <th scope="col">Audit head</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {backups.map((b) => (
            <tr key={b.file}>
              <td>{when(b.createdAt)}</td>
              <td>
                {b.kind}
                {b.checked ? '' : ' (no manifest)'}
              </td>
              <td>{mib(b.bytes)}</td>
              <td>{b.patients ?? 'unknown'}</td>
              <td>{b.auditHead ? `#${b.auditHead.seq} ${b.auditHead.hash.slice(0, 12)}…` : 'none'}</td>
              <td>
                {chosen?.file === b.file ? (
                  <button className="button button--primary" disabled={busy} onClick={() => void restore(b)}>
                    {busy ? 'Restoring…' : `Restore ${b.name}`}
                  </button>
                ) : (
                  <button className="button" disabled={busy} onClick={() => setChosen(b)}>
                    Choose
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {message && <p role="alert">{message}</p>}
    </section>
  )
}
