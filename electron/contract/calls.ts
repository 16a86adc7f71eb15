// The names of every call between the UI and the back end. No dependencies: the preload script
// builds `window.pnet` from this list, and `contract.ts` must declare exactly these calls.

export const CALLS = [
  'app.info',
  'app.backup',
  'patients.list',
  'patients.get',
  'patients.create',
  'patients.update',
  'patients.detail',
  'recommendations.page',
  'recommendations.get',
  'studies.record',
  'studies.setResult',
  'studies.update',
  'studies.markError',
  'studies.restore',
  'treatments.update',
  'treatments.markError',
  'treatments.restore',
  'patients.markError',
  'patients.restore',
  'patients.undo',
  'followup.doneElsewhere',
  'followup.recordDecision',
  'surveillance.leave',
  'surveillance.reopen',
  'worklist.left',
  'followup.adherence',
  'biomarkers.add',
  'biomarkers.remove',
  'notes.set',
  'followup.setStatus',
  'followup.override',
  'worklist.page',
  'worklist.summary',
  'packs.list',
  'packs.import',
  'packs.compare',
  'packs.adopt',
  'packs.revert',
  'settings.get',
  'settings.update',
  'worklist.export',
  'exports.calendar',
  'exports.fhir',
  'app.savePdf',
  'uploads.begin',
  'uploads.chunk',
  'csvImport.preview',
  'csvImport.commit',
  'pacs.list',
  'pacs.save',
  'pacs.remove',
  'mappings.list',
  'mappings.save',
  'mappings.remove',
  'pacs.find',
  'pacs.import',
  'dicomFiles.read',
  'dicomFiles.import',
  'jobs.status',
  'jobs.list',
  'jobs.cancel',
  'demo.status',
  'demo.load',
  'demo.remove',
  'log.status',
  'log.backups',
  'log.restore',
  'vault.status',
  'vault.setUp',
  'vault.unlock',
  'vault.recover',
  'vault.recoveryKey',
  'vault.recoveryKeySaved',
] as const

export type CallName = (typeof CALLS)[number]

/** IPC channel names carry an app prefix so they cannot collide with anything else. */
export const CHANNEL_PREFIX = 'pnet:'

export function channelOf(call: CallName): string {
  return CHANNEL_PREFIX + call
}

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && (CALLS as readonly string[]).includes(name)
}
