import { useCallback, useEffect, useState } from 'react'
import type { AppInfo, Settings } from '../../../electron/contract/contract'
import { call, isConnected } from '../api'
import { PatientPage } from '../features/patient/PatientPage'
import { PatientForm } from '../features/patients/PatientForm'
import { Worklist } from '../features/worklist/Worklist'
import { FirstRun } from './FirstRun'

type View =
  | { name: 'worklist' }
  | { name: 'patient'; id: number; record: boolean; notice?: string }
  | { name: 'new-patient' }

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null)
  const [settings, setSettings] = useState<Settings | null>(null)
  const [view, setView] = useState<View>({ name: 'worklist' })
  const [refreshKey, setRefreshKey] = useState(0)
  const [notice, setNotice] = useState<string | null>(null)
  const [hasDemo, setHasDemo] = useState(false)

  const refresh = useCallback(() => setRefreshKey((k) => k + 1), [])

  useEffect(() => {
    if (!isConnected()) return
    void call('app.info', {}).then((r) => r.ok && setInfo(r.value))
    void call('settings.get', {}).then((r) => r.ok && setSettings(r.value))
  }, [])

  // The calendar day moves on while the app stays open: re-read it when the window regains focus
  // and every minute, and refresh the lists when it changes.
  useEffect(() => {
    if (!isConnected()) return
    const check = () =>
      void call('app.info', {}).then((r) => {
        if (!r.ok) return
        setInfo((old) => {
          if (old && old.today !== r.value.today) setRefreshKey((k) => k + 1)
          return old && old.today === r.value.today ? old : r.value
        })
      })
    const timer = window.setInterval(check, 60_000)
    window.addEventListener('focus', check)
    return () => {
      window.clearInterval(timer)
      window.removeEventListener('focus', check)
    }
  }, [])

  useEffect(() => {
    if (!isConnected()) return
    void call('worklist.summary', { bucket: 'all', search: 'DEMO-' }).then(
      (r) => r.ok && setHasDemo(r.value.total > 0),
    )
  }, [refreshKey])

  useEffect(() => {
    if (settings) document.documentElement.dataset['theme'] = settings.theme
  }, [settings])

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
  if (!info || !settings) return <p className="muted">Loading…</p>

  const saveSettings = async (patch: Partial<Settings>) => {
    const r = await call('settings.update', patch)
    if (r.ok) setSettings(r.value)
    return r
  }

  if (!settings.firstRunDone) {
    return (
      <FirstRun
        onChosen={async (demo) => {
          if (demo) await call('demo.load', {})
          await saveSettings({ firstRunDone: true })
          refresh()
        }}
      />
    )
  }

  const openPatient = (id: number, record = false, notice?: string) => {
    setNotice(null)
    setView({ name: 'patient', id, record, ...(notice ? { notice } : {}) })
  }
  const toWorklist = () => {
    setNotice(null)
    setView({ name: 'worklist' })
  }

  return (
    <div className="shell">
      <header className="topbar">
        <h1>
          <button className="link topbar__home" onClick={toWorklist}>
            pNET Follow-up
          </button>
        </h1>
        <span
          className="topbar__meta"
          title={`Follow-up log: ${info.dataFile}\nError details: ${info.logFile}`}
        >
          Today {info.today}
        </span>
        <button
          className="button button--quiet"
          onClick={() => void saveSettings({ theme: settings.theme === 'dark' ? 'light' : 'dark' })}
          aria-label={`Switch to the ${settings.theme === 'dark' ? 'light' : 'dark'} theme`}
        >
          {settings.theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </button>
        <button
          className="button button--quiet"
          onClick={async () => {
            const r = await call('app.backup', {})
            setNotice(
              r.ok ? `Backup written and checked: ${r.value.file}` : `Backup failed: ${r.error.message}`,
            )
          }}
        >
          Back up now
        </button>
        <button
          className="button button--primary"
          onClick={() => {
            setNotice(null)
            setView({ name: 'new-patient' })
          }}
        >
          Add patient
        </button>
      </header>
      {info.backupError && (
        <div className="demo-banner" role="alert">
          <span>
            <strong>Today’s automatic backup failed:</strong> {info.backupError} The log itself is unchanged;
            use “Back up now” or ask IT to check {info.backupDir}.
          </span>
        </div>
      )}
      {hasDemo && (
        <div className="demo-banner" role="note">
          <span>
            <strong>Demo log:</strong> the patients marked “demo” are invented, for trying the app.
          </span>
          <button
            className="button"
            onClick={async () => {
              const r = await call('demo.remove', {})
              if (r.ok) {
                toWorklist()
                setNotice(`Removed ${r.value.removed} demo patients.`)
                refresh()
              }
            }}
          >
            Remove demo patients
          </button>
        </div>
      )}
      <main className="content">
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {view.name === 'worklist' && (
          <Worklist
            today={info.today}
            refreshKey={refreshKey}
            onOpen={(id) => openPatient(id)}
            onRecord={(id) => openPatient(id, true)}
          />
        )}
        {view.name === 'new-patient' && (
          <PatientForm
            onCancel={toWorklist}
            onSaved={(p) => {
              refresh()
              openPatient(p.id, false, `Added ${p.name} (MRN ${p.mrn}).`)
            }}
          />
        )}
        {view.name === 'patient' && (
          <PatientPage
            key={view.id}
            patientId={view.id}
            today={info.today}
            startRecording={view.record}
            initialNotice={view.notice ?? null}
            onBack={toWorklist}
            onChanged={refresh}
          />
        )}
      </main>
    </div>
  )
}
