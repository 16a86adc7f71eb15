import { useEffect, useState } from 'react'
import type { Page, PatientSummary } from '../../../../electron/api/contract'
import { call } from '../../api'

interface Props {
  /** Changes whenever the list must be read again (e.g. after a save). */
  version: number
}

export function PatientList({ version }: Props) {
  const [query, setQuery] = useState('')
  const [page, setPage] = useState<Page<PatientSummary> | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    void call('patients.list', { query, limit: 200, offset: 0 }).then((r) => {
      if (!live) return
      if (r.ok) {
        setPage(r.value)
        setError(null)
      } else setError(r.error.message)
    })
    return () => {
      live = false
    }
  }, [query, version])

  return (
    <section className="panel" aria-labelledby="patients-title">
      <div className="panel__head">
        <h2 id="patients-title">Patients {page && <span className="count">{page.total}</span>}</h2>
        <input
          type="search"
          className="search"
          aria-label="Search patients by name or MRN"
          placeholder="Search name or MRN"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      {error && <p role="alert">{error}</p>}
      {page && page.items.length === 0 && (
        <p className="empty">{query ? 'No patient matches.' : 'No patients yet.'}</p>
      )}
      {page && page.items.length > 0 && (
        <table className="table" data-testid="patient-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">MRN</th>
              <th scope="col">Birth date</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((p) => (
              <tr key={p.id} data-testid="patient-row">
                <td>
                  {p.name} {p.isDemo && <span className="badge">demo</span>}
                </td>
                <td className="mono">{p.mrn}</td>
                <td className="mono">{p.birthDate ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
