import { useIsFetching, useQueryClient } from '@tanstack/react-query'
import { Suspense, useEffect, useRef, useState } from 'react'
import type { Settings } from '../../../electron/contract/contract'
import { isConnected } from '../api'
import { queryKeys } from '../data/keys'
import { useBackup, useLoadDemo, useRemoveDemo, useUpdateSettings } from '../data/mutations'
import { useAppInfo, useDemoStatus, useSettings } from '../data/queries'
import { RecoveryBanner, RecoveryScreen } from '../features/recovery/Recovery'
import { BackgroundJobs } from '../features/jobs/BackgroundJobs'
import { Worklist } from '../features/worklist/Worklist'
import { INITIAL_WORKLIST_VIEW, type WorklistView } from '../features/worklist/worklistView'
import { SignedInUser, useCan } from '../features/signin/SignIn'
import { useLock } from '../data/mutations'
import { FirstRun } from './FirstRun'
import {
  AuditPage,
  CsvImport,
  FollowUpSheet,
  PacksPage,
  PatientForm,
  PatientPage,
  preloadScreens,
  SettingsPage,
  UsersPage,
} from './screens'
import { useShortcut } from './shortcuts'

type View =
  | { name: 'worklist' }
  | { name: 'patient'; id: number; record: boolean; notice?: string }
  | { name: 'new-patient'; form: number }
  | { name: 'settings' }
  | { name: 'packs' }
  | { name: 'sheet'; id: number }
  | { name: 'import' }
  | { name: 'audit' }
  | { name: 'users' }

/** The element the patient page's skip link moves focus to. */
const MAIN_ID = 'main-content'

export function App() {
  const connected = isConnected()
  const qc = useQueryClient()
  const { data: info } = useAppInfo(connected)
  const { data: settings } = useSettings(connected)
  const { data: demo } = useDemoStatus(connected && settings?.firstRunDone === true)
  const updateSettings = useUpdateSettings()
  const loadDemo = useLoadDemo()
  const removeDemo = useRemoveDemo()
  const backup = useBackup()
  const lock = useLock()
  const write = useCan('write')
  const admin = useCan('admin')
  // Ctrl+L / Cmd+L locks at once (the back end then refuses every patient call until a sign-in).
  useShortcut('mod+l', () => void lock.run({}), { enabled: connected })
  const [view, setView] = useState<View>({ name: 'worklist' })
  const [notice, setNotice] = useState<string | null>(null)
  // The worklist's tab, search, filter, sort and selected row outlive a visit to a patient.
  const [worklistView, setWorklistView] = useState<WorklistView>(INITIAL_WORKLIST_VIEW)

  // Lists and pages are "as of today": when the calendar day moves on, read them again.
  const today = info?.today
  const lastToday = useRef(today)
  useEffect(() => {
    if (lastToday.current !== undefined && today !== undefined && lastToday.current !== today) {
      void qc.invalidateQueries({ queryKey: queryKeys.worklist.all })
      void qc.invalidateQueries({ queryKey: queryKeys.patients.all })
    }
    if (today !== undefined) lastToday.current = today
  }, [today, qc])

  useEffect(() => {
    if (settings) document.documentElement.dataset['theme'] = settings.theme
  }, [settings])

  // The other screens' chunks, once the first screen has what it reads (app/screens.ts).
  const idle = useIsFetching() === 0
  useEffect(() => {
    if (idle && info && settings) preloadScreens()
  }, [idle, info, settings])

  if (!connected) {
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
  if (info?.log.mode === 'unavailable') return <RecoveryScreen info={info} />
  if (!info || !settings) return <p className="muted">Loading…</p>

  const saveSettings = (patch: Partial<Settings>) => updateSettings.run(patch)

  if (!settings.firstRunDone) {
    return (
      <FirstRun
        onChosen={async (withDemo) => {
          if (withDemo) await loadDemo.run({})
          await saveSettings({ firstRunDone: true })
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
  // Each press of Add patient starts a fresh form, even over one already open.
  const addPatient = () => {
    setNotice(null)
    setView((v) => ({ name: 'new-patient', form: v.name === 'new-patient' ? v.form + 1 : 0 }))
  }
  const openSettings = () => {
    setNotice(null)
    setView({ name: 'settings' })
  }
  const openPacks = () => {
    setNotice(null)
    setView({ name: 'packs' })
  }
  const startDemo = async () => {
    const r = await loadDemo.run({})
    setNotice(
      r.ok ? `Loaded ${r.value.patients} demo patients.` : `The demo was not loaded: ${r.error.message}`,
    )
  }

  return (
    <div className={view.name === 'sheet' ? 'shell shell--sheet' : 'shell'}>
      {view.name === 'patient' && (
        <a
          className="skip-link"
          href={`#${MAIN_ID}`}
          onClick={(e) => {
            // Focus moves without touching the address (the app navigates by state, not by URL).
            e.preventDefault()
            document.getElementById(MAIN_ID)?.focus()
          }}
        >
          Skip to the patient record
        </a>
      )}
      <header className="masthead">
        <div className="topbar">
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
            disabled={!write.allowed}
            title={write.reason}
            onClick={async () => {
              const r = await backup.run({})
              // The backup runs in the background; the top bar shows its progress and its end.
              if (r.ok) void qc.invalidateQueries({ queryKey: queryKeys.jobs })
              else setNotice(`Backup failed: ${r.error.message}`)
            }}
          >
            Back up now
          </button>
          <button
            className="button button--quiet"
            onClick={openPacks}
            aria-current={view.name === 'packs' ? 'page' : undefined}
          >
            Guideline packs
          </button>
          <button
            className="button button--quiet"
            disabled={!write.allowed}
            title={write.reason}
            onClick={() => {
              setNotice(null)
              setView({ name: 'import' })
            }}
            aria-current={view.name === 'import' ? 'page' : undefined}
          >
            Import CSV
          </button>
          <button
            className="button button--quiet"
            onClick={() => {
              setNotice(null)
              setView({ name: 'audit' })
            }}
            aria-current={view.name === 'audit' ? 'page' : undefined}
          >
            Audit trail
          </button>
          <button
            className="button button--quiet"
            onClick={openSettings}
            aria-current={view.name === 'settings' ? 'page' : undefined}
          >
            Settings
          </button>
          {admin.allowed && (
            <button
              className="button button--quiet"
              onClick={() => {
                setNotice(null)
                setView({ name: 'users' })
              }}
              aria-current={view.name === 'users' ? 'page' : undefined}
            >
              Users
            </button>
          )}
          <button
            className="button button--primary"
            onClick={addPatient}
            disabled={!write.allowed}
            title={write.reason}
          >
            Add patient
          </button>
          <SignedInUser />
          <button
            className="button button--quiet"
            onClick={() => void lock.run({})}
            aria-keyshortcuts="Control+L Meta+L"
            title="Lock now (Ctrl+L / Cmd+L): your password opens it again"
          >
            Lock
          </button>
        </div>
        <BackgroundJobs />
        {!write.allowed && (
          <div className="demo-banner" role="note" data-testid="read-only-banner">
            <span>
              <strong>Read-only account:</strong> you can read, search and export. Changes to the log are not
              available to this account (the app refuses them).
            </span>
          </div>
        )}
        <RecoveryBanner log={info.log} />
        {info.backupError && (
          <div className="demo-banner" role="alert">
            <span>
              <strong>Today’s automatic backup failed:</strong> {info.backupError} The log itself is
              unchanged; use “Back up now” or ask IT to check {info.backupDir}.
            </span>
          </div>
        )}
        {demo && demo.patients > 0 && (
          <div className="demo-banner" role="note">
            <span>
              <strong>Demo log:</strong> the patients marked “demo” are invented, for trying the app.
            </span>
            <button
              className="button"
              disabled={removeDemo.isPending || !admin.allowed}
              title={admin.reason}
              onClick={async () => {
                const r = await removeDemo.run({})
                if (r.ok) {
                  toWorklist()
                  setNotice(`Removed ${r.value.removed} demo patients.`)
                } else setNotice(`The demo patients were not removed: ${r.error.message}`)
              }}
            >
              Remove demo patients
            </button>
          </div>
        )}
      </header>
      <main className="content" id={MAIN_ID} tabIndex={-1}>
        <Suspense fallback={<p className="muted">Loading…</p>}>
          {notice && (
            <p className="notice" role="status">
              {notice}
            </p>
          )}
          {view.name === 'worklist' && (
            <Worklist
              today={info.today}
              view={worklistView}
              onView={setWorklistView}
              onOpen={(id) => openPatient(id)}
              onRecord={(id) => openPatient(id, true)}
              onAddPatient={addPatient}
              onLoadDemo={startDemo}
            />
          )}
          {view.name === 'new-patient' && (
            <PatientForm
              key={view.form}
              onCancel={toWorklist}
              onSaved={(p) => openPatient(p.id, false, `Added ${p.name} (MRN ${p.mrn}).`)}
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
              onOpenSettings={openSettings}
              onOpenSheet={() => setView({ name: 'sheet', id: view.id })}
            />
          )}
          {view.name === 'import' && (
            <CsvImport
              onBack={toWorklist}
              onDone={(m) => {
                setView({ name: 'worklist' })
                setNotice(m)
              }}
            />
          )}
          {view.name === 'sheet' && (
            <FollowUpSheet
              patientId={view.id}
              today={info.today}
              transport={info.transport}
              onBack={() => setView({ name: 'patient', id: view.id, record: false })}
            />
          )}
          {view.name === 'audit' && <AuditPage today={info.today} onBack={toWorklist} />}
          {view.name === 'packs' && <PacksPage onBack={toWorklist} onOpenPatient={(id) => openPatient(id)} />}
          {view.name === 'users' && <UsersPage onBack={toWorklist} />}
          {view.name === 'settings' && (
            <SettingsPage settings={settings} info={info} onSaved={(m) => setNotice(m)} onBack={toWorklist} />
          )}
        </Suspense>
      </main>
    </div>
  )
}
