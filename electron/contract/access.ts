import { roleReaches, type Access, type UserRole } from '../../engine'
import type { CallName } from './calls'

// Who may make each call (docs/security.md). Every call is classified here, once: a call added to
// calls.ts without a class does not compile. The back end enforces it per connection
// (electron/backend/session.ts) before a handler runs; the UI only greys out what would be refused.
//
// - open:  answered to anyone at the window, signed in or not (the vault, the sign-in itself, what
//          the start and recovery screens need; no patient data).
// - self:  any signed-in account, whatever its role: its own password, the lock's keep-alive, the
//          display settings (theme, idle lock; a clinical setting needs a radiologist, below).
// - read:  any signed-in account: patient data and the lists, exports.
// - write: radiologists and coordinators: every change of patient data, imports, backups.
// - admin: radiologists only: accounts, the guideline pack, the site's configuration, the demo,
//          restoring a backup.
// (The levels and what each role reaches are engine/codes.ts ACCESS_LEVELS and ROLE_REACH.)
export type { Access }

export const ACCESS: Record<CallName, Access> = {
  'app.info': 'open',
  'app.backup': 'write',
  'patients.list': 'read',
  'patients.get': 'read',
  'patients.create': 'write',
  'patients.update': 'write',
  'patients.detail': 'read',
  'recommendations.page': 'read',
  'recommendations.get': 'read',
  'studies.record': 'write',
  'studies.setResult': 'write',
  'studies.update': 'write',
  'studies.markError': 'write',
  'studies.restore': 'write',
  'treatments.update': 'write',
  'treatments.markError': 'write',
  'treatments.restore': 'write',
  'patients.markError': 'write',
  'patients.restore': 'write',
  'patients.undo': 'write',
  'followup.doneElsewhere': 'write',
  'followup.recordDecision': 'write',
  'surveillance.leave': 'write',
  'surveillance.reopen': 'write',
  'worklist.left': 'read',
  'followup.adherence': 'read',
  'biomarkers.add': 'write',
  'biomarkers.remove': 'write',
  'notes.set': 'write',
  'followup.setStatus': 'write',
  'followup.override': 'write',
  'worklist.page': 'read',
  'worklist.summary': 'read',
  'packs.list': 'read',
  'packs.import': 'admin',
  'packs.compare': 'read',
  'packs.adopt': 'admin',
  'packs.revert': 'admin',
  'settings.get': 'read',
  // Theme and idle lock for every account; the clinical settings need a radiologist (ADMIN_SETTINGS).
  'settings.update': 'self',
  'worklist.export': 'read',
  'exports.calendar': 'read',
  'exports.fhir': 'read',
  // The audit trail is readable by every signed-in account (a patient's history of changes is on
  // the patient page); its CSV is an export like the others. `audit.noteExport` only records an
  // export the renderer made itself, so it is allowed wherever exporting is.
  'audit.list': 'read',
  'audit.actors': 'read',
  'audit.export': 'read',
  'audit.noteExport': 'read',
  'app.savePdf': 'read',
  'uploads.begin': 'write',
  'uploads.chunk': 'write',
  'csvImport.preview': 'write',
  'csvImport.commit': 'write',
  'pacs.list': 'read',
  'pacs.save': 'admin',
  'pacs.remove': 'admin',
  'mappings.list': 'read',
  'mappings.save': 'admin',
  'mappings.remove': 'admin',
  'pacs.find': 'read',
  'pacs.import': 'write',
  'dicomFiles.read': 'write',
  'dicomFiles.import': 'write',
  'jobs.status': 'read',
  'jobs.list': 'read',
  'jobs.cancel': 'write',
  'demo.status': 'read',
  'demo.load': 'admin',
  'demo.remove': 'admin',
  // The recovery screen reads the log's state; a restore is a radiologist's (or anyone's while the
  // log cannot be opened at all: then there are no accounts to check, and nothing else is answered).
  'log.status': 'open',
  'log.backups': 'read',
  'log.restore': 'admin',
  'vault.status': 'open',
  'vault.setUp': 'open',
  'vault.unlock': 'open',
  'vault.recover': 'open',
  'vault.recoveryKey': 'open',
  'vault.recoveryKeySaved': 'open',
  'session.status': 'open',
  'session.createFirst': 'open',
  'session.signIn': 'open',
  'session.signOut': 'open',
  'session.lock': 'open',
  'session.touch': 'self',
  'users.list': 'admin',
  'users.create': 'admin',
  'users.update': 'admin',
  'users.resetPassword': 'admin',
  'users.changePassword': 'self',
}

/** The settings only a radiologist may change (they change what the engine or the dose ledger says). */
export const ADMIN_SETTINGS = [
  'kFactors',
  'cu64DotatateMsvPerMbq',
  'fulfilmentMarginDays',
  'siteRules',
] as const

/** Whether an account of this role may make the call (with this request, for `settings.update`). */
export function allowed(role: UserRole, call: CallName, request?: unknown): boolean {
  if (!roleReaches(role, ACCESS[call])) return false
  if (call === 'settings.update' && role !== 'radiologist' && request !== null && typeof request === 'object')
    return !ADMIN_SETTINGS.some((k) => (request as Record<string, unknown>)[k] !== undefined)
  return true
}
