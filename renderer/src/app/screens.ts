import { lazy } from 'react'

// The screens other than the worklist, each in a chunk of its own: the first screen's script is
// only what the worklist needs, so a cold start parses less before the first rows. Once the first
// screen has its data, the chunks are read in the background (`preloadScreens`), so opening a
// patient later does not wait for one.

const chunks = {
  patient: () => import('../features/patient/PatientPage'),
  patientForm: () => import('../features/patients/PatientForm'),
  settings: () => import('../features/settings/SettingsPage'),
  packs: () => import('../features/packs/PacksPage'),
  audit: () => import('../features/audit/AuditPage'),
  users: () => import('../features/users/UsersPage'),
  csvImport: () => import('../features/import/CsvImport'),
  sheet: () => import('../features/sheet/FollowUpSheet'),
}

export const PatientPage = lazy(() => chunks.patient().then((m) => ({ default: m.PatientPage })))
export const PatientForm = lazy(() => chunks.patientForm().then((m) => ({ default: m.PatientForm })))
export const SettingsPage = lazy(() => chunks.settings().then((m) => ({ default: m.SettingsPage })))
export const PacksPage = lazy(() => chunks.packs().then((m) => ({ default: m.PacksPage })))
export const AuditPage = lazy(() => chunks.audit().then((m) => ({ default: m.AuditPage })))
export const UsersPage = lazy(() => chunks.users().then((m) => ({ default: m.UsersPage })))
export const CsvImport = lazy(() => chunks.csvImport().then((m) => ({ default: m.CsvImport })))
export const FollowUpSheet = lazy(() => chunks.sheet().then((m) => ({ default: m.FollowUpSheet })))

let preloaded = false

/** Reads every screen's chunk once the main thread is idle (the module cache keeps them). */
export function preloadScreens(): void {
  if (preloaded) return
  preloaded = true
  const all = () => {
    for (const load of Object.values(chunks)) void load()
  }
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(all, { timeout: 2000 })
  else setTimeout(all, 0)
}
