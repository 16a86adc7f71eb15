import type { Actor } from '../../db/audit'
import { recordBackup } from '../../db/backup'
import { auditActors } from '../../db/queries/audit'
import { manualBackupInBackground } from '../../db/background'
import type { DB } from '../../db/open'
import { LATEST_SCHEMA_VERSION } from '../../db/migrations/index'
import { DbError } from '../../db/errors'
import { MIN_PASSPHRASE } from '../../db/keystore'
import { getNote, listBiomarkers } from '../../db/queries/biomarkers'
import { listItems } from '../../db/queries/followups'
import { getPatient, listPatients, requirePatient } from '../../db/queries/patients'
import {
  countRecommendations,
  currentDecision,
  getRecommendation,
  listRecommendationSummaries,
} from '../../db/queries/recommendations'
import { listStudies, listWithdrawnStudies } from '../../db/queries/studies'
import {
  prepareWorklistPage,
  worklistCounts,
  worklistPage,
  worklistSize,
  type WorklistDates,
} from '../../db/queries/worklist'
import { readOnlyReason, type ReadableDb } from '../../db/tx'
import type { PatientInput } from '../../db/types'
import { addDays } from '../../engine'
import {
  RECOMMENDATION_PAGE,
  type CurrentRecommendation,
  type Handlers,
  type LogStatusView,
  type StoredRecommendation,
  type VaultStatusView,
} from '../contract/contract'
import { ApiFailure, invalid } from '../contract/dispatch'
import { adherenceReport, patientAdherence } from './services/adherence'
import { atCall } from './services/audited'
import { auditExport, auditList, recordExport, recordRead } from './services/auditView'
import { addBiomarker, removeBiomarker, setNote } from './services/biomarkers'
import { demoStatus, loadDemo, removeDemo } from './services/demo'
import { doseViewFor, markRedose, startRedose } from './services/dose'
import {
  markPatientError,
  markStudyError,
  markTreatmentError,
  restorePatient,
  restoreStudy,
  restoreTreatment,
  undoLastChange,
  updateStudy,
  updateTreatment,
} from './services/corrections'
import {
  doneElsewhere,
  leaveSurveillance,
  recordDecision,
  reopenSurveillance,
  overrideItem,
  recordStudy,
  setItemStatus,
  setResult,
  type FollowUpContext,
} from './services/followup'
import { patientDateProblems } from './services/checks'
import { commitCsv, previewCsv, type ImportContext } from './services/csvImport'
import {
  findInPacs,
  importDroppedFiles,
  importFromPacs,
  readDroppedFiles,
  removePacsEndpoint,
  removeProcedureMapping,
  savePacsEndpoint,
  saveProcedureMapping,
} from './services/pacs'
import { listEndpoints, listMappings } from '../../db/queries/interop'
import { listUsers } from '../../db/queries/users'
import { DEFAULT_SCRYPT_COST, type ScryptCost } from './passwords'
import { SignInThrottle, UserSession } from './session'
import { createFirstUser, createUser, setPassword, updateUser, type UsersContext } from './services/users'
import { Jobs } from './jobs'
import { Uploads } from './uploads'
import { calendarExport, fhirExport, worklistRows, type ExportContext } from './services/exports'
import { createPatient, updatePatient } from './services/patients'
import { engineSettingsOf, getSettings, lifecycleSettingsOf, updateSettings } from './services/settings'
import {
  activePack,
  adoptPack,
  comparePack,
  importPack,
  packListing,
  reevaluateOpenCases,
  revertPack,
} from './services/packs'
import { currentExit, listExits, listTreatmentRecords } from '../../db/queries/lifecycle'
import { leftPage } from '../../db/queries/surveillance'
import { lastUndoHead } from '../../db/queries/undo'

export interface HandlerContext {
  /** The log as opened: handlers read through it; every write is a service's `writeTx`. */
  readonly db: ReadableDb
  /** Who is at the keyboard (the operating-system account) and the clock. */
  readonly actor: Actor
  readonly transport: 'electron' | 'web'
  readonly dataFile: string
  /** The app's log file, shown so a person can find "the details". */
  readonly logFile: string
  readonly version: string
  /** Where daily and manual backups go. */
  readonly backupDir: string
  /** Why today's automatic backup failed, if it did (it is taken after the check at open). */
  readonly backupError: () => string | null
  /** The log's mode and what its checks found. */
  readonly logStatus: () => LogStatusView
  /** The lock's state once the log is open (default: a plain log without encryption, tests). */
  readonly vaultStatus?: () => VaultStatusView
  /** Long jobs and files on their way in (a fresh set when not given). */
  readonly jobs?: Jobs
  readonly uploads?: Uploads
  /**
   * Who is signed in at this connection (electron/backend/session.ts); the actor above names the
   * account. Default: a session that is not enforced (in-process callers, tests).
   */
  readonly session?: UserSession
  /** Save as PDF (the desktop app's main process passes it; absent: UNAVAILABLE, browser mode). */
  readonly savePdf?: (fileName: string) => Promise<{ file: string } | { cancelled: true }>
  /** The scrypt cost of new passwords (default: DEFAULT_SCRYPT_COST; tests pass a cheap one). */
  readonly passwordCost?: ScryptCost
}

function alreadyOpen(): never {
  throw new ApiFailure({ code: 'CONFLICT', message: 'The log is already open.' })
}

/** Today's calendar date where the reader sits (local time), as YYYY-MM-DD. */
export function localToday(now: Date): string {
  const y = now.getFullYear()
  const m = String(now.getMonth() + 1).padStart(2, '0')
  const d = String(now.getDate()).padStart(2, '0')
  return `${y}-${m}-${d}`
}

/**
 * Checks that need today's date or several fields at once (the schema checks each field alone).
 * Errors are keyed like the schema's: the field's path in the request (`at` is `patient.` when the
 * facts are nested in it, as in `patients.update`).
 */
function checkPatient(input: PatientInput, today: string, at = ''): void {
  const problems = patientDateProblems(input, today)
  const fields = Object.fromEntries(Object.entries(problems).map(([k, v]) => [`${at}${k}`, v]))
  const first = Object.values(fields)[0]
  if (first) throw invalid(first, fields)
}

/**
 * The database's errors that a person can act on become the call's answer (`ApiFailure`); any
 * other failure stays internal and is logged by `dispatch` without the request.
 */
function withPublicErrors(handlers: Handlers): Handlers {
  const wrapped: Record<string, (req: never) => unknown> = {}
  for (const [name, handler] of Object.entries(handlers) as [string, (req: never) => unknown][]) {
    wrapped[name] = async (req: never) => {
      try {
        return await handler(req)
      } catch (e) {
        throw publicError(e)
      }
    }
  }
  return wrapped as unknown as Handlers
}

export function publicError(e: unknown): unknown {
  if (!(e instanceof DbError)) return e
  switch (e.code) {
    case 'NOT_FOUND':
    case 'CONFLICT':
    case 'DB_BUSY':
    case 'DB_CONSTRAINT':
    case 'DB_DISK_FULL':
    case 'DB_READ_ONLY_MEDIA':
    case 'DB_MOVED':
    case 'DB_IO':
    case 'DB_CORRUPT':
    case 'LOG_READ_ONLY':
    case 'LOG_UNAVAILABLE':
    case 'LOG_LOCKED':
    case 'STALE':
    case 'KEY_WRONG':
    case 'KEY_FILE_MISSING':
    case 'KEY_FILE_DAMAGED':
    case 'KEYCHAIN_UNAVAILABLE':
    case 'NOT_UNLOCKED':
    case 'PASSPHRASE_WEAK':
    case 'CANCELLED':
      return new ApiFailure({ code: e.code, message: e.message })
    default:
      return e
  }
}

/**
 * Calls answered while an exclusive job holds the connection: they do not touch the log, or only
 * read accounts and settings (which the job does not change) and write their audit row once the
 * job has ended (electron/backend/session.ts): locking, signing in or out never waits for an import.
 */
const GATE_FREE = new Set<string>([
  'jobs.status',
  'jobs.list',
  'jobs.cancel',
  'uploads.begin',
  'uploads.chunk',
  'session.status',
  'session.signIn',
  'session.signOut',
  'session.lock',
  'session.touch',
])

/** Refuses (SIGNED_OUT) a call whose session signed out, locked or changed hands since `epoch`. */
function sameSession(session: UserSession | undefined, epoch: number | undefined, message: string): void {
  if (session && session.epoch !== epoch) throw new ApiFailure({ code: 'SIGNED_OUT', message })
}

/**
 * Every call that may touch the log waits while an exclusive job (a CSV import holding its write
 * transaction across steps) runs, so it never reads or writes inside that transaction. A call that
 * waited while its session signed out, locked or changed hands is refused (SIGNED_OUT, nothing
 * done): it would otherwise run, and be audited, under whoever is signed in when the job ends.
 */
function withGate(handlers: Handlers, jobs: Jobs, session: UserSession | undefined): Handlers {
  const wrapped: Record<string, (req: never) => unknown> = {}
  for (const [name, handler] of Object.entries(handlers) as [string, (req: never) => unknown][]) {
    wrapped[name] = GATE_FREE.has(name)
      ? handler
      : async (req: never) => {
          const epoch = session?.epoch
          await jobs.waitForGate()
          sameSession(
            session,
            epoch,
            'The session ended (signed out or locked) while this waited for an import to finish; nothing was read or changed.',
          )
          return handler(req)
        }
  }
  return wrapped as unknown as Handlers
}

export function createHandlers(ctx: HandlerContext): Handlers {
  const jobs = ctx.jobs ?? new Jobs(ctx.actor.now)
  return withPublicErrors(withGate(buildHandlers(ctx, jobs, ctx.uploads ?? new Uploads()), jobs, ctx.session))
}

function buildHandlers(ctx: HandlerContext, jobs: Jobs, uploads: Uploads): Handlers {
  const { db, actor } = ctx
  const today = (): string => localToday(actor.now())
  const vaultStatus = (): VaultStatusView =>
    ctx.vaultStatus?.() ?? {
      state: 'plain',
      transport: ctx.transport,
      plainLogFound: false,
      ways: [],
      recoveryKeyPending: false,
      problem: null,
      keyFile: '',
      dataFile: ctx.dataFile,
      minPassphrase: MIN_PASSPHRASE,
    }
  const fu: FollowUpContext = {
    db,
    actor,
    today,
    pack: () => activePack(db),
    engineSettings: () => engineSettingsOf(getSettings(db)),
    lifecycleSettings: () => lifecycleSettingsOf(getSettings(db)),
  }
  const worklistDates = (): WorklistDates => {
    const t = today()
    return { today: t, in30Days: addDays(t, 30), in90Days: addDays(t, 90) }
  }
  const exportsCtx: ExportContext = { db, now: actor.now, today, dates: worklistDates }
  const access = { db, actor }
  const importCtx: ImportContext = { ...fu, jobs, uploads }
  const cost = ctx.passwordCost ?? DEFAULT_SCRYPT_COST
  const session =
    ctx.session ??
    new UserSession({
      now: actor.now,
      cost,
      osUser: actor.user,
      transport: ctx.transport,
      log: { file: ctx.logFile, error: () => undefined, warn: () => undefined, info: () => undefined },
      throttle: new SignInThrottle(),
      enforce: false,
      jobs,
    })
  const users: UsersContext = { db, actor, cost }
  const own = (): number => {
    const u = session.signedIn()
    if (!u) throw new ApiFailure({ code: 'SIGNED_OUT', message: 'Sign in first (nothing was changed).' })
    return u.id
  }

  return {
    'app.info': () => ({
      version: ctx.version,
      transport: ctx.transport,
      dataFile: ctx.dataFile,
      logFile: ctx.logFile,
      schemaVersion: LATEST_SCHEMA_VERSION,
      today: today(),
      backupDir: ctx.backupDir,
      backupError: ctx.backupError(),
      log: ctx.logStatus(),
    }),
    // A checked backup in the background worker; one started meanwhile waits for the one before.
    'app.backup': () => {
      const who = atCall({ actor }).actor
      return jobs.start('backup', async (job) => {
        job.progress('waiting for the background check', 0, null)
        try {
          const made = await manualBackupInBackground(db as DB, ctx.backupDir, actor.now(), {
            onPhase: (phase) => job.progress(phase, 0, null),
            signal: job.signal,
            stillGood: () => ctx.logStatus().mode === 'writable',
          })
          await jobs.waitForGate()
          recordBackup(db, who, 'manual', made)
          return { file: made.file, bytes: made.bytes }
        } catch (e) {
          throw publicError(e)
        }
      })
    },
    'patients.list': (req) => listPatients(db, req),
    'patients.get': (req) => {
      const patient = requirePatient(db, req.id)
      recordRead(access, 'read.facts', patient.id)
      return patient
    },
    'patients.create': (req) => {
      checkPatient(req, today())
      return createPatient(fu, req)
    },
    'patients.update': (req) => {
      checkPatient(req.patient, today(), 'patient.')
      if (!getPatient(db, req.id)) throw invalid(`No patient with id ${req.id}.`)
      return updatePatient(fu, req.id, req.patient, req.version)
    },
    'patients.detail': (req) => {
      const patient = requirePatient(db, req.id)
      recordRead(access, 'read.patient', patient.id)
      const studies = listStudies(db, req.id)
      const current = currentDecision(db, req.id) as CurrentRecommendation | null
      const undo = lastUndoHead(db, req.id)
      return {
        patient,
        studies,
        current,
        recommendations: listRecommendationSummaries(db, req.id, { limit: RECOMMENDATION_PAGE }),
        recommendationCount: countRecommendations(db, req.id),
        items: listItems(db, req.id),
        dose: doseViewFor(patient, studies, current, getSettings(db), today(), activePack(db)),
        exit: currentExit(db, req.id),
        exits: listExits(db, req.id),
        treatments: listTreatmentRecords(db, req.id),
        withdrawnStudies: listWithdrawnStudies(db, req.id),
        undo: undo
          ? { command: undo.command, at: undo.at, actor: undo.actor, mine: undo.actor === actor.user }
          : null,
        biomarkers: listBiomarkers(db, req.id),
        note: getNote(db, req.id),
        adherence: patientAdherence(db, req.id),
      }
    },
    'recommendations.page': (req) => {
      requirePatient(db, req.patientId)
      const page = listRecommendationSummaries(db, req.patientId, {
        beforeId: req.beforeId,
        limit: req.limit + 1,
      })
      return { recommendations: page.slice(0, req.limit), more: page.length > req.limit }
    },
    'recommendations.get': (req) => {
      const r = getRecommendation(db, req.id)
      if (!r) throw invalid(`No recommendation with id ${req.id}.`)
      recordRead(access, 'read.recommendation', r.patientId, { recommendationId: r.id })
      return r as StoredRecommendation
    },
    'biomarkers.add': (req) => {
      if (req.biomarker.date > today())
        throw invalid('The date is in the future.', { 'biomarker.date': 'The date is in the future.' })
      return addBiomarker({ db, actor }, req.patientId, req.biomarker)
    },
    'biomarkers.remove': (req) => removeBiomarker({ db, actor }, req.id, req.version),
    'notes.set': (req) => ({ note: setNote({ db, actor }, req.patientId, req.version, req.text) }),
    'studies.record': (req) => recordStudy(fu, req.patientId, req.study),
    'studies.setResult': (req) => setResult(fu, req.studyId, req.version, req.result),
    'studies.update': (req) => updateStudy(fu, req.studyId, req.version, req.study),
    'studies.markError': (req) => markStudyError(fu, req.studyId, req.version, req.reason),
    'studies.restore': (req) => restoreStudy(fu, req.studyId, req.version),
    'treatments.update': (req) => updateTreatment(fu, req.treatmentId, req.version, req.treatment),
    'treatments.markError': (req) => markTreatmentError(fu, req.treatmentId, req.version, req.reason),
    'treatments.restore': (req) => restoreTreatment(fu, req.treatmentId, req.version),
    'patients.markError': (req) => markPatientError(fu, req.id, req.version, req.reason),
    'patients.restore': (req) => restorePatient(fu, req.id, req.version),
    'patients.undo': (req) => undoLastChange(fu, req.patientId),
    'followup.doneElsewhere': (req) => doneElsewhere(fu, req.itemId, req.version, req.study),
    'followup.recordDecision': (req) => recordDecision(fu, req),
    'surveillance.leave': (req) => leaveSurveillance(fu, req.patientId, req.exit),
    'surveillance.reopen': (req) =>
      reopenSurveillance(fu, req.patientId, { exitId: req.exitId, version: req.version }, req.reason),
    'worklist.left': (req) => leftPage(db, req),
    'followup.adherence': (req) => adherenceReport(db, req),
    'followup.setStatus': (req) => setItemStatus(fu, req),
    'followup.override': (req) =>
      overrideItem(fu, req.itemId, req.version, {
        procedure: req.procedure,
        due: req.due,
        reasonCode: req.reasonCode,
        text: req.text,
      }),
    'worklist.page': async (req) => {
      const dates = worklistDates()
      // A first jump into a long list builds its key index in steps, other calls answered between
      // them (and it may wait behind an import): a session that ended or changed hands meanwhile
      // gets no rows, as for any call that waited (withGate).
      const epoch = session.epoch
      await prepareWorklistPage(db, req, dates, () => jobs.letCallsThrough())
      sameSession(
        session,
        epoch,
        'The session ended (signed out or locked) while this list was being read; nothing was shown.',
      )
      return worklistPage(db, req, dates)
    },
    'worklist.summary': (req) => {
      const dates = worklistDates()
      return { counts: worklistCounts(db, dates), ...worklistSize(db, req, dates) }
    },
    'settings.get': () => getSettings(db),
    'settings.update': (req) => {
      const after = updateSettings(
        db,
        actor,
        req,
        // Every patient's dose is worked out again by the `redose` job, in batches.
        (tx) => markRedose(tx, actor.now()),
        (tx) => reevaluateOpenCases({ ...fu, engineSettings: () => engineSettingsOf(getSettings(tx)) }, tx),
      )
      startRedose(db, jobs, fu.engineSettings, fu.pack)
      return after
    },
    'packs.list': () => packListing(db),
    'packs.import': (req) => importPack(fu, req.text),
    'packs.compare': (req) => comparePack(fu, req.id),
    'packs.adopt': (req) => adoptPack(fu, req.id),
    'packs.revert': () => revertPack(fu),
    'worklist.export': ({ sort, descending, ...filter }) => {
      const out = worklistRows(exportsCtx, filter, sort, descending)
      recordExport(access, 'export.worklist-csv', null, {
        filter,
        sort,
        descending,
        rows: out.rows.length,
        truncated: out.truncated,
      })
      return out
    },
    'exports.calendar': (req) => {
      const file = calendarExport(exportsCtx, req)
      const { scope } = req
      recordExport(access, 'export.calendar', scope.kind === 'patient' ? scope.patientId : null, {
        file: file.fileName,
        scope: scope.kind === 'patient' ? { kind: 'patient' } : { ...scope, title: undefined },
        identify: req.identify,
        events: file.events,
      })
      return file
    },
    'exports.fhir': (req) => {
      const file = fhirExport(exportsCtx, req.patientId)
      recordExport(access, 'export.fhir', req.patientId, { file: file.fileName })
      return file
    },
    'audit.list': (req) => auditList(db, req),
    'audit.actors': () => auditActors(db),
    'audit.export': (req) => auditExport(access, req),
    'audit.noteExport': (req) => {
      requirePatient(db, req.patientId)
      recordExport(access, `export.${req.what}`, req.patientId, { file: req.fileName ?? null })
      return { recorded: readOnlyReason(db) === null }
    },
    'app.savePdf': (req) => {
      if (ctx.savePdf) return ctx.savePdf(req.fileName)
      throw new ApiFailure({
        code: 'UNAVAILABLE',
        message: 'Save as PDF needs the desktop app. In the browser, use Print and choose “Save as PDF”.',
      })
    },
    'uploads.begin': (req) => uploads.begin(req.name, req.size, req.encoding),
    'uploads.chunk': (req) => uploads.chunk(req.uploadId, req.index, req.data),
    'csvImport.preview': (req) => previewCsv(importCtx, req.uploadId, req.mapping),
    'csvImport.commit': (req) => commitCsv(importCtx, req.uploadId, req.mapping),
    'pacs.list': () => listEndpoints(db),
    'pacs.save': (req) => savePacsEndpoint(db, actor, req.id ?? null, req.endpoint),
    'pacs.remove': (req) => removePacsEndpoint(db, actor, req.id),
    'mappings.list': () => listMappings(db),
    'mappings.save': (req) => saveProcedureMapping(db, actor, req.id ?? null, req.mapping),
    'mappings.remove': (req) => removeProcedureMapping(db, actor, req.id),
    'pacs.find': (req) => findInPacs(importCtx, req.patientId, req.endpointId),
    'pacs.import': (req) => importFromPacs(importCtx, req.patientId, req.endpointId, req.studies),
    'dicomFiles.read': (req) => readDroppedFiles(importCtx, req.patientId, req.uploadIds),
    'dicomFiles.import': (req) => importDroppedFiles(importCtx, req.patientId, req.uploadIds, req.studies),
    'jobs.status': (req) => jobs.status(req.jobId),
    'jobs.list': () => jobs.list(),
    'jobs.cancel': (req) => jobs.cancel(req.jobId),
    'demo.status': () => demoStatus(db),
    'demo.load': () => loadDemo(fu),
    'demo.remove': () => removeDemo(fu),
    // Answered by the back end itself (electron/backend/backend.ts), in every state of the log.
    'log.status': () => ctx.logStatus(),
    'log.backups': () => {
      throw new Error('log.backups is answered by the back end')
    },
    'log.restore': () => {
      throw new Error('log.restore is answered by the back end')
    },
    // The lock is answered by electron/backend/vault.ts in front of these handlers; they are
    // reached only once the log is open (unlocked, or a plain log in the tests).
    'vault.status': () => vaultStatus(),
    'vault.setUp': () => alreadyOpen(),
    'vault.unlock': () => alreadyOpen(),
    'vault.recover': () => alreadyOpen(),
    'vault.recoveryKey': () => {
      throw new ApiFailure({
        code: 'NOT_FOUND',
        message: 'The recovery key was shown at set-up and is not kept.',
      })
    },
    'vault.recoveryKeySaved': () => vaultStatus(),
    'session.status': () => session.view(db),
    'session.createFirst': async (req) => {
      const user = await createFirstUser(users, req)
      session.start(db, user, 'session.firstAccount')
      return session.view(db)
    },
    'session.signIn': (req) => session.signIn(db, req.login, req.password),
    'session.signOut': () => session.signOut(db),
    'session.lock': () => session.lock(db),
    'session.touch': () => session.view(db),
    'users.list': () => listUsers(db),
    'users.create': (req) => createUser(users, req),
    'users.update': ({ id, ...input }) => updateUser(users, id, input),
    'users.resetPassword': (req) => setPassword(users, req.id, req.password, 'user.resetPassword'),
    'users.changePassword': async (req) => {
      const id = own()
      await session.checkOwnPassword(db, req.current)
      await setPassword(users, id, req.password, 'user.changePassword')
      return session.view(db)
    },
  }
}
