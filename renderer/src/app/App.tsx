import { useEffect, useState } from 'react'
import type { AppInfo } from '../../../electron/api/contract'
import { call, isConnected } from '../api'
import { NewPatientForm } from '../features/patients/NewPatientForm'
import { PatientList } from '../features/patients/PatientList'

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null)
  const [adding, setAdding] = useState(false)
  const [version, setVersion] = useState(0)
  const [notice, setNotice] = useState<string | null>(null)

  useEffect(() => {
    if (!isConnected()) return
    void call('app.info', {}).then((r) => r.ok && setInfo(r.value))
  }, [])

  if (!isConnected()) {
    return (
      <main className="shell shell--center">
        <div className="panel">
          <h1>pNET Follow-up</h1>
          <p>
            This page is not connected to the app. Open the full address the app printed when it started (it
            ends in a session token).
          </p>
        </div>
      </main>
    )
  }

  return (
    <div className="shell">
      <header className="topbar">
        <h1>pNET Follow-up</h1>
        {info && (
          <span className="topbar__meta" title={info.dataFile}>
            Today {info.today}
          </span>
        )}
        <button className="button button--primary" onClick={() => setAdding(true)} disabled={adding}>
          Add patient
        </button>
      </header>
      <main className="content">
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {adding && (
          <NewPatientForm
            onCancel={() => setAdding(false)}
            onCreated={(p) => {
              setAdding(false)
              setNotice(`Added ${p.name} (MRN ${p.mrn}).`)
              setVersion((v) => v + 1)
            }}
          />
        )}
        <PatientList version={version} />
      </main>
    </div>
  )
}
