import { z } from 'zod'
import type { CallName } from './calls'

export type { CallName }
import type { Result } from './result'
import {
  biomarkerInput,
  boardDecision,
  explicitStudy,
  id,
  isoDate,
  noteText,
  patientInput,
  reasonText,
  safeText,
  surveillanceExit,
  treatmentInput,
  trimmedText,
  version,
} from './schemas'
import type {
  BiomarkerRecord,
  FollowUpItem,
  PatientNote,
  PacsEndpointRecord,
  ProcedureMappingRecord,
  Page,
  PatientRecord,
  PatientSummary,
  RecommendationRecord,
  RecommendationSummary,
  StudyRecord,
  SurveillanceExitRecord,
  TreatmentRecord,
  WithdrawnStudy,
  WorklistCounts,
  UserRecord,
  WorklistRow,
} from '../../db/types'
import type { LeftRowData } from '../../db/queries/surveillance'
import type { AuditListEntry } from '../../db/queries/audit'
import type { StaleCase } from '../../db/queries/packs'
import type { GuidelinePackRecord } from '../../db/types'
import type { GuidelineRef, PlanChange } from '../../engine'
import type { AdherenceSummary, ProcedureId, StepTiming } from '../../engine'
import type { Decision, Fulfilment, Guard } from '../../engine'
import type { DoseAvoided, DoseProjection } from '../../engine'
import type { SourceEntry } from '../../engine'
import type { DoseLedger, EstimateWorking, Evaluation, KFactorSet } from '../../engine'
import { K_FACTOR_SETS, PROCEDURE_IDS, STUDY_RESULTS, VARIANT_IDS } from '../../engine'
import type { ApiError } from './result'
import {
  AUDIT_KINDS,
  NOTED_EXPORTS,
  CSV_IMPORT_FIELDS,
  type CsvImportField,
  CALENDAR_IDENTITIES,
  CLOSING_STATUSES,
  DEFERRAL_REASONS,
  MANUAL_STATUS_REASON_CODES,
  OVERRIDE_REASON_CODES,
  THEMES,
  USER_ROLES,
  IDLE_LOCK_MINUTES,
  MIN_PASSWORD,
  WORKLIST_BUCKETS,
  WORKLIST_SORTS,
  type Theme,
} from '../../engine'

export type * from '../../db/types'
export type * from '../../engine'
export type { AdherenceSummary, StepTiming, Fulfilment, Guard }
export type { StudyRequest } from './schemas'
export type { Theme }

// The one contract between the UI and the back end: every call's request schema and result type,
// declared once. Both transports (Electron IPC and the loopback web host) serve exactly this.

export interface AppInfo {
  version: string
  transport: 'electron' | 'web'
  dataFile: string
  /** The app's log file (`logs/pnet.log` beside the data file): failures, never patient data. */
  logFile: string
  schemaVersion: number
  today: string
  backupDir: string
  /** Why today's automatic backup failed, if it did. */
  backupError: string | null
  /** Whether the log may be written, and what its checks found. */
  log: LogStatusView
}

/** A problem a check found in the log (db/integrity.ts). */
export interface LogProblemView {
  code: string
  message: string
  /** From when the log cannot be trusted (the last good change), when known. */
  since: string | null
}

/** The encrypted log's lock (docs/privacy.md): what the unlock screen shows. */
export interface VaultStatusView {
  /**
   * set-up: no key yet (a new log, or a plain one to encrypt) — choose a passphrase;
   * locked: the key file is there, type the passphrase (or the recovery key);
   * key-file-missing / key-file-damaged: only the recovery key opens the log;
   * unlocked: open; plain: a log without encryption (tests only).
   */
  state: 'set-up' | 'locked' | 'key-file-missing' | 'key-file-damaged' | 'unlocked' | 'plain'
  /** Browser mode asks for a passphrase; the desktop opens through the keychain when it can. */
  transport: 'electron' | 'web'
  /** A plain log from before encryption is there and will be encrypted at set-up. */
  plainLogFound: boolean
  /** The ways the key file offers (a desktop key file may have no passphrase). */
  ways: Array<'keychain' | 'passphrase'>
  /** The recovery key of a new set-up is waiting to be shown and printed (once). */
  recoveryKeyPending: boolean
  /** What went wrong the last time, e.g. the keychain could not unwrap the key. */
  problem: string | null
  keyFile: string
  dataFile: string
  minPassphrase: number
}

/** The log's state: writable, read-only (recovery mode) or unavailable (only a restore is possible). */
export interface LogStatusView {
  mode: 'writable' | 'read-only' | 'unavailable'
  problems: LogProblemView[]
  /** When the log was put in this mode. */
  since: string
  /** The full check after open is still running. */
  checking: boolean
  checkedAt: string | null
  /** After a restore: the backup restored and where the previous files were kept. */
  restored: { from: string; setAside: string[]; at: string } | null
}

/** A backup the restore screen lists. */
export interface BackupView {
  file: string
  name: string
  kind: 'daily' | 'manual' | 'before-migration' | 'other'
  createdAt: string
  bytes: number
  patients: number | null
  auditHead: { seq: number; hash: string } | null
  checked: boolean
}

/**
 * The engine's answer as stored: the evaluation plus every source it cites, resolved (title, URL,
 * kind) at the time, so a past decision reads the same after the guideline pack changes.
 */
export type StoredEvaluation = Evaluation & { sources: Record<string, SourceEntry> }
export type StoredRecommendation = RecommendationRecord<StoredEvaluation>
/**
 * The current recommendation as the patient page gets it: whole but for the case it was evaluated
 * on (`inputs`: the patient's facts and every study again, which the page has already); the case
 * comes with it from `recommendations.get`.
 */
export type CurrentRecommendation = Omit<StoredRecommendation, 'inputs'>

/** Recommendations the patient page gets with the patient (summaries), newest first. */
export const RECOMMENDATION_PAGE = 20
/** The largest page `recommendations.page` answers. */
export const RECOMMENDATION_PAGE_MAX = 100

/** Everything the patient page shows, read in one call. */
export interface PatientDetail {
  patient: PatientRecord
  /** Oldest first. */
  studies: StudyRecord[]
  /**
   * The current recommendation (evaluation with its cited sources; without the case, which
   * `recommendations.get` answers with), or null before the first.
   */
  current: CurrentRecommendation | null
  /**
   * The newest recommendations (at most RECOMMENDATION_PAGE), without case and evaluation, newest
   * first; the first one is the current one unless superseded. Older ones: `recommendations.page`;
   * one whole: `recommendations.get`.
   */
  recommendations: RecommendationSummary[]
  /** How many recommendations the patient has in all. */
  recommendationCount: number
  /** Newest first. */
  items: FollowUpItem[]
  dose: DoseView
  /** The current exit from surveillance, if the patient left (then no item is open). */
  exit: SurveillanceExitRecord | null
  /** Every exit, reopened ones included, newest first. */
  exits: SurveillanceExitRecord[]
  /** Treatments with their ids, the ones entered in error included (see `enteredInError`). */
  treatments: TreatmentRecord[]
  /** Studies marked as entered in error (kept, hidden from the engine, restorable). */
  withdrawnStudies: WithdrawnStudy[]
  /** The last change that `patients.undo` would reverse, if any. */
  undo: { command: string; at: string; actor: string; mine: boolean } | null
  /** Biomarker values by marker, oldest first within each (the engine reads none). */
  biomarkers: BiomarkerRecord[]
  /** The radiologist's free-text note, or null. */
  note: PatientNote | null
  /** On time / early / late of each of the patient's closed imaging steps, whenever done. */
  adherence: AdherenceReport
}

/** What the follow-up lifecycle decided (engine/followup/reconcile.ts), in words. */
export interface LifecycleOutcome {
  type: Decision['type']
  guard: Guard
  reason: string
  /** Why the study did or did not fulfil the open step (when a study was stored). */
  fulfilment: Fulfilment | null
}

/** The answer of a command on a patient's follow-up (a correction, a decision, an exit). */
export interface StepResult {
  /** The item the command closed, if any. */
  closed: FollowUpItem | null
  /** The open item now; null only when the patient left surveillance. */
  next: FollowUpItem | null
  lifecycle: LifecycleOutcome
}

/** A patient who left surveillance, for the worklist's list (with the reason, person and date). */
export type LeftRow = LeftRowData

/** One closed imaging step and how its study fell against the window in force. */
export interface AdherenceItem {
  itemId: number
  patientId: number
  name: string
  mrn: string
  /** The window in force when it closed (the radiologist's override, else the suggestion). */
  window: { from: string; to: string }
  /** The study that fulfilled it. */
  studyId: number
  studyDate: string
  timing: StepTiming
}

export interface AdherenceReport {
  from: string
  to: string
  /** Counts every closed imaging step whose study is dated in [from, to]. */
  summary: AdherenceSummary
  /** The steps counted, newest study first (at most 500; `summary.steps` counts them all). */
  items: AdherenceItem[]
}

/** The patient's radiation history and what the current plan would add. */
export interface DoseView {
  ledger: DoseLedger
  /**
   * How each of the ledger's estimates was worked out (same order as `ledger.studies`), with the
   * pack and settings the ledger used: what the screens show as its arithmetic.
   */
  working: EstimateWorking[]
  /** Typical CT dose avoided by each MRI done while CT was also usually appropriate. */
  avoided: DoseAvoided
  projection: {
    years: number
    /** The current recommendation's study at the variant's routine interval; null when it schedules no imaging. */
    plan: DoseProjection | null
    mri: DoseProjection
    ct: DoseProjection
  }
  kFactors: KFactorSet
  cu64DotatateMsvPerMbq: number | null
}

export interface RecordStudyResult {
  study: StudyRecord
  recommendation: StoredRecommendation
  /** The item this study fulfilled and closed, if one was open. */
  closedItem: FollowUpItem | null
  /** The open item now; null only when the patient has left surveillance. */
  nextItem: FollowUpItem | null
  /** What the lifecycle decided, with why the study did or did not fulfil the open step. */
  lifecycle: LifecycleOutcome
}

export interface Settings {
  theme: Theme
  kFactors: KFactorSet
  /** Site value for Cu-64 DOTATATE, mSv/MBq; null until the site enters one. */
  cu64DotatateMsvPerMbq: number | null
  /** The first-run choice (demo log or empty) has been made. */
  firstRunDone: boolean
  /**
   * A study fulfils the open imaging step when dated no earlier than this many days before the
   * step's window opens (default 30); an earlier study is history.
   */
  fulfilmentMarginDays: number
  /**
   * The site's choice per site rule of the guideline pack (by rule id). A rule not named is as the
   * pack ships it (the built-in GREPONET growth-rate rule ships off). Site rules add alerts only.
   */
  siteRules: Record<string, boolean>
  /** Minutes without use after which the app locks and asks the account's password again (1–60). */
  idleLockMinutes: number
}

/**
 * The sign-in state of this window (electron/backend/session.ts): no account yet (the first one is
 * made now), nobody signed in, locked (by hand or after the idle time; `lockedUser` was signed in),
 * or signed in. `log-unavailable`: the log could not be opened (only the recovery calls are
 * answered), or it is in recovery mode (read-only) without accounts, so none can be checked or made.
 */
export interface SessionView {
  state: 'no-accounts' | 'signed-out' | 'locked' | 'signed-in' | 'log-unavailable'
  user: UserRecord | null
  lockedUser: { name: string; initials: string } | null
  /** The idle time after which the back end locks this window, in milliseconds. */
  idleMs: number
}

/** A pack in the log, or the built-in pack before the log stored it (`id: null`). */
export type PackRow = Omit<GuidelinePackRecord, 'id' | 'importedAt'> & {
  id: number | null
  importedAt: string | null
}

export type { StaleCase }

/** The Guideline packs screen: every pack, the one in use, and the open cases still on another. */
export interface PackListing {
  packs: PackRow[]
  active: GuidelineRef
  /** The active pack's site rules (the site's, not the ACR's), each with whether it is on. */
  siteRules: {
    id: string
    title: string
    /** As the pack ships it. */
    enabledInPack: boolean
    /** As the site has it now. */
    on: boolean
    source: { key: string; title: string; url: string | null }
  }[]
  /** Open cases whose current recommendation came from another pack than the active one (at most 500). */
  stale: StaleCase[]
}

/** A dry run of a candidate pack over every open case: nothing is written. */
export interface PackComparison {
  from: GuidelineRef
  to: GuidelineRef
  asOf: string
  openCases: number
  /** Each open case whose action, study, window or alerts would change, with before, after and why. */
  changed: (PlanChange & { patientId: number; name: string; mrn: string })[]
}

/** What adopting (or reverting to) a pack did. */
export interface PackAdoption {
  pack: GuidelinePackRecord
  /** The pack in use before (what a revert goes back to). */
  previous: GuidelinePackRecord
  /** Open cases given a new recommendation under the pack. */
  reevaluated: number
  /** Of those, how many open steps changed (retargeted, or closed and replaced). */
  stepsChanged: number
}

/** A file an export call writes; the renderer saves it (features/export/save.ts). */
export interface ExportFile {
  fileName: string
  /** e.g. `text/calendar;charset=utf-8`. */
  mediaType: string
  text: string
}

// ---------------------------------------------------------------------------------------------
// Long jobs (electron/backend/jobs.ts): a call starts one and answers its status at once; the
// renderer reads `jobs.status` until it is done, failed or cancelled.
// ---------------------------------------------------------------------------------------------

export interface JobProgress {
  /** What the job is doing, in a few words ("reading rows", "importing"). */
  phase: string
  done: number
  /** null while the amount of work is not known yet. */
  total: number | null
}

/** A CSV file read and checked, nothing imported yet (docs/interop.md). */
export interface CsvPreview {
  headers: string[]
  /** Each header's field as used for this preview (null: not imported). */
  mapping: Record<string, CsvImportField | null>
  /** What the headers alone suggest. */
  suggested: Record<string, CsvImportField | null>
  /** The fields a column can be mapped to, with their words. */
  fields: { key: CsvImportField; label: string }[]
  records: number
  patients: number
  studies: number
  /** Patients whose MRN is already in the log (skipped, never merged); the first 200. */
  skipped: { row: number; mrn: string }[]
  skippedCount: number
  /** Every problem by row and column (the first 1000); nothing is imported while there is one. */
  problems: { row: number; column: string | null; field: CsvImportField | null; message: string }[]
  problemCount: number
  /** The first patients as they will be stored. */
  sample: { row: number; mrn: string; name: string; birthDate: string | null; studies: number }[]
}

export interface CsvImportResult {
  patients: number
  studies: number
  skipped: number
}

/** A study the PACS (or a dropped folder) has for the patient, with what the app makes of it. */
export interface FoundStudy {
  studyInstanceUid: string
  /** YYYY-MM-DD, or null when the PACS gave no valid date. */
  date: string | null
  modalities: string[]
  /** The modality that decides the procedure (PT before CT in a PET/CT). */
  modality: string | null
  description: string | null
  accessionNumber: string | null
  bodyParts: string[]
  /** Radiation Dose SRs found in the study (CT and radiopharmaceutical). */
  doseReports: number
  /** What the mapping table says; null: not mapped (the person chooses). */
  suggested: { procedure: ProcedureId; mappingId: number } | null
  /** Already in the log: `imported` (live), `entered-in-error` (kept, hidden), or `no`. */
  inLog: 'no' | 'imported' | 'entered-in-error'
  /** A study typed by hand on the same date is in the log: perhaps this one (check before importing). */
  sameDayTyped: boolean
}

export interface PacsFindResult {
  endpoint: string
  patientId: string
  studies: FoundStudy[]
}

/** One DICOM file of a drop, read: a dose report of a study, or why not. */
export interface DroppedFile {
  name: string
  ok: boolean
  kind: 'ct' | 'radiopharmaceutical' | null
  studyInstanceUid: string | null
  error: { code: string; message: string } | null
  /** How long reading it took (ms). */
  ms: number
}

export interface DicomReadResult {
  files: DroppedFile[]
  studies: FoundStudy[]
}

export interface StudiesImportResult {
  imported: {
    studyInstanceUid: string
    studyId: number
    date: string
    procedure: ProcedureId
    doseFromRdsr: boolean
  }[]
  skipped: { studyInstanceUid: string; why: string }[]
  doseReports: number
  /** Notes a person should read (an agent that is not one of ours, a region unknown, …). */
  notes: string[]
}

/** Every kind of job and what it answers when done. */
export interface JobResults {
  'csv-preview': CsvPreview
  'csv-import': CsvImportResult
  'pacs-find': PacsFindResult
  'pacs-import': StudiesImportResult
  'dicom-read': DicomReadResult
  'dicom-import': StudiesImportResult
  /** A checked backup (Back up now, or the day's first one), taken in the background. */
  backup: BackupResult
  /** Every patient's cumulative dose worked out again after a dose-setting change. */
  redose: { patients: number }
}

export interface BackupResult {
  file: string
  bytes: number
}
export type JobKind = keyof JobResults
export type JobResultOf<K extends JobKind> = JobResults[K]
export type JobResult = { [K in JobKind]: { kind: K } & JobResults[K] }[JobKind]

export interface JobStatus {
  id: string
  kind: JobKind
  state: 'running' | 'done' | 'failed' | 'cancelled'
  progress: JobProgress
  result: JobResult | null
  error: ApiError | null
  startedAt: string
  finishedAt: string | null
}

/** Files are sent in pieces (a piece fits one call of either transport). */
export const UPLOAD_LIMITS = {
  /** Characters per piece (text, or base64 for binary files). */
  chunk: 600_000,
  /** Bytes per file. */
  file: 256 * 1024 * 1024,
} as const

const jobId = z.uuid({ error: 'A job id is a UUID.' })
const uploadId = z.uuid({ error: 'An upload id is a UUID.' })
const csvMapping = z.record(
  z.string().max(200),
  z.enum(CSV_IMPORT_FIELDS, { error: 'Map the column to a field from the list, or to none.' }).nullable(),
)

const studyChoices = z
  .array(
    z.strictObject({
      studyInstanceUid: z
        .string()
        .regex(/^[0-9.]{1,64}$/, { error: 'A Study Instance UID is digits and dots.' }),
      procedure: z.enum(PROCEDURE_IDS, { error: 'Choose a procedure for every study.' }),
    }),
  )
  .min(1, { error: 'Tick at least one study.' })
  .max(500)

const pacsEndpoint = z
  .strictObject({
    name: trimmedText(80).min(1, { error: 'Name the PACS.' }),
    baseUrl: z
      .string()
      .trim()
      .max(500)
      .regex(/^https?:\/\/[^\s/?#]+[^\s?#]*$/, {
        error: 'Give the DICOMweb base address, e.g. https://pacs.example.org/dicom-web',
      }),
    auth: z.enum(['none', 'basic', 'bearer'], { error: 'Choose none, basic or bearer.' }),
    username: trimmedText(200).min(1, { error: 'Give the user name, or none.' }).nullable(),
    /** Omitted on an edit: the stored one is kept. */
    secret: safeText(4000, 'Give the password or token, or none.').nullable().optional(),
    timeoutMs: z
      .number({ error: 'Give the timeout in milliseconds.' })
      .int()
      .min(500, { error: 'The timeout is at least 0.5 s.' })
      .max(120_000, { error: 'The timeout is at most 120 s.' }),
  })
  .superRefine((e, ctx) => {
    if (e.auth === 'basic' && !e.username)
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'Basic authentication needs a user name.' })
  })

export type { AuditListEntry }

/** The audit trail's filter (one definition for its pages and its export). */
const auditFilter = {
  /** Only the entries about this patient (their record and everything that belongs to it). */
  patientId: id.nullable().optional(),
  /** Only this person's entries, as recorded. */
  actor: safeText(200).nullable().optional(),
  /** Calendar days where the reader sits, both included. */
  from: isoDate.nullable().optional(),
  to: isoDate.nullable().optional(),
  kinds: z
    .array(z.enum(AUDIT_KINDS, { error: 'Choose a kind of change from the list.' }))
    .max(AUDIT_KINDS.length)
    .optional(),
}

/** The audit trail's filter, without paging (what an export covers). */
export type AuditExportFilter = z.output<z.ZodObject<typeof auditFilter>>

export interface AuditListPage {
  entries: AuditListEntry[]
  /** The `beforeId` of the next page; null at the end. */
  next: number | null
  /** How many entries the filter selects, counted up to 10 000 (`totalCapped`: more). */
  total: number
  totalCapped: boolean
}

/** The worklist's tab and filter (one definition for its pages, counts and exports). */
const worklistFilter = {
  bucket: z.enum(WORKLIST_BUCKETS),
  search: trimmedText(100).optional(),
  variant: z.enum(VARIANT_IDS).optional(),
}
/**
 * Where a keyset page of the worklist starts: just after or just before a row (its sort key as
 * `worklistSortKey` reads it, and its patient id), or at the end (the last rows, read backwards).
 */
const worklistCursor = z.discriminatedUnion('at', [
  z.strictObject({
    at: z.enum(['after', 'before']),
    key: z.union([z.string().max(200), z.number().finite(), z.null()]),
    patientId: id,
  }),
  z.strictObject({ at: z.literal('end') }),
])
/** The worklist's tab and filter, without sort or paging (what an export covers). */
export type WorklistExportFilter = z.output<z.ZodObject<typeof worklistFilter>>

interface CallSpec<Req extends z.ZodType, Res> {
  request: Req
  /** Phantom: carries the result type only. */
  result?: Res
}

/** `spec<Result>()(requestSchema)`: the result type is named, the request type is inferred. */
/** A passphrase as typed (its strength is judged by the back end, which names what is wrong). */
const passphrase = z
  .string()
  .min(1, { error: 'Type the passphrase.' })
  .max(1024, { error: 'Keep the passphrase under 1024 characters.' })

/** A new account's name, initials and password (`session.createFirst`, `users.create`). */
const accountFields = {
  name: trimmedText(80).min(1, { error: 'Type the name, e.g. Dr A. Smith.' }),
  initials: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{1,4}$/, { error: 'Initials are 1 to 4 letters or digits, e.g. AS.' }),
  password: z
    .string()
    .min(MIN_PASSWORD, { error: `A password has at least ${MIN_PASSWORD} characters.` })
    .max(200, { error: 'A password is at most 200 characters.' }),
}

const spec =
  <Res>() =>
  <Req extends z.ZodType>(request: Req): CallSpec<Req, Res> => ({ request })

export const contract = {
  'app.info': spec<AppInfo>()(z.strictObject({})),
  /** Starts a checked backup (a job: `backup`) and answers at once; the job answers the file. */
  'app.backup': spec<JobStatus>()(z.strictObject({})),
  'patients.list': spec<Page<PatientSummary>>()(
    z.strictObject({
      query: safeText(100).optional(),
      limit: z.number().int().min(1).max(500),
      offset: z.number().int().min(0),
    }),
  ),
  'patients.get': spec<PatientRecord>()(z.strictObject({ id })),
  'patients.create': spec<PatientRecord>()(patientInput),
  'patients.update': spec<PatientRecord>()(
    z.strictObject({
      id,
      /** The version the person edited (PatientRecord.version); a stale one is refused (STALE). */
      version,
      patient: patientInput,
    }),
  ),
  'patients.detail': spec<PatientDetail>()(z.strictObject({ id })),
  /** A page of a patient's recommendations (summaries), newest first, older than `beforeId`. */
  'recommendations.page': spec<{ recommendations: RecommendationSummary[]; more: boolean }>()(
    z.strictObject({
      patientId: id,
      beforeId: id.nullable(),
      limit: z.number().int().min(1).max(RECOMMENDATION_PAGE_MAX),
    }),
  ),
  /** One stored recommendation whole: the case it read, the evaluation and the sources it cited. */
  'recommendations.get': spec<StoredRecommendation>()(z.strictObject({ id })),
  /** `study.result` must be chosen: a result, or `not-read-yet`. */
  'studies.record': spec<RecordStudyResult>()(z.strictObject({ patientId: id, study: explicitStudy })),
  // Every call that changes a stored record names the `version` of it the person saw (the study's,
  // the treatment's, the item's…); one changed by someone else since is refused with STALE.
  /** Edits a stored study (date, procedure, result, lesions, dose, note); re-runs the engine. */
  'studies.update': spec<RecordStudyResult>()(z.strictObject({ studyId: id, version, study: explicitStudy })),
  /** Marks a study as entered in error: kept in the log and audit, hidden from views and the engine. */
  'studies.markError': spec<StepResult>()(z.strictObject({ studyId: id, version, reason: reasonText })),
  'studies.restore': spec<StepResult>()(z.strictObject({ studyId: id, version })),
  /** Treatment changes give the patient's record a new version too (it lists the treatments). */
  'treatments.update': spec<StepResult>()(
    z.strictObject({ treatmentId: id, version, treatment: treatmentInput }),
  ),
  'treatments.markError': spec<StepResult>()(
    z.strictObject({ treatmentId: id, version, reason: reasonText }),
  ),
  'treatments.restore': spec<StepResult>()(z.strictObject({ treatmentId: id, version })),
  'patients.markError': spec<PatientRecord>()(z.strictObject({ id, version, reason: reasonText })),
  'patients.restore': spec<PatientRecord>()(z.strictObject({ id, version })),
  /** Reverses the most recent change of the patient, when this actor made it. */
  'patients.undo': spec<StepResult & { undone: { command: string; at: string } }>()(
    z.strictObject({ patientId: id }),
  ),
  'studies.setResult': spec<RecordStudyResult>()(
    z.strictObject({
      studyId: id,
      version,
      result: z.enum(STUDY_RESULTS, { error: 'Choose a result from the list.' }),
    }),
  ),
  'biomarkers.add': spec<BiomarkerRecord>()(z.strictObject({ patientId: id, biomarker: biomarkerInput })),
  'biomarkers.remove': spec<BiomarkerRecord>()(z.strictObject({ id, version })),
  /** `version`: the note's version the person saw, null when they saw no note. */
  'notes.set': spec<{ note: PatientNote | null }>()(
    z.strictObject({ patientId: id, version: version.nullable(), text: noteText }),
  ),
  /**
   * Cancels the open step (the guideline's next step opens at once) or defers it to a new window
   * (today or later; the reason a DEFERRAL_REASONS code). `done` is not a status a person sets
   * here: an imaging step done elsewhere records the outside study (`followup.doneElsewhere`), a
   * board or review records its decision (`followup.recordDecision`).
   */
  'followup.setStatus': spec<StepResult & { closed: FollowUpItem }>()(
    z
      .strictObject({
        itemId: id,
        version,
        status: z.enum(CLOSING_STATUSES, { error: 'Status is done, cancelled or deferred.' }),
        reasonCode: z.enum(MANUAL_STATUS_REASON_CODES, { error: 'Choose a reason from the list.' }),
        reasonText: trimmedText(500).nullable(),
        /** For `deferred`: the new window. */
        newDue: z.strictObject({ from: isoDate, to: isoDate }).nullable(),
      })
      .superRefine((r, ctx) => {
        if (r.reasonCode === 'other' && !r.reasonText) {
          ctx.addIssue({ code: 'custom', path: ['reasonText'], message: 'Say why, in a few words.' })
        }
        if (r.status === 'done') {
          ctx.addIssue({
            code: 'custom',
            path: ['status'],
            message:
              'Say what was done: “Done elsewhere” records the outside study; a tumour board or review records its decision.',
          })
        }
        if (r.status === 'deferred' && !(DEFERRAL_REASONS as readonly string[]).includes(r.reasonCode)) {
          ctx.addIssue({
            code: 'custom',
            path: ['reasonCode'],
            message: 'Choose why it is deferred: patient request, clinical change, scheduling or other.',
          })
        }
        if (
          r.status === 'cancelled' &&
          (r.reasonCode === 'end-of-surveillance' || r.reasonCode === 'patient-declined')
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['reasonCode'],
            message:
              'To stop following the patient, choose “Leave surveillance” with the reason and date; a cancelled step is replaced by the next one.',
          })
        }
        if (r.status === 'deferred' && !r.newDue) {
          ctx.addIssue({ code: 'custom', path: ['newDue'], message: 'Give the new due window.' })
        }
        if (r.status !== 'deferred' && r.newDue) {
          ctx.addIssue({
            code: 'custom',
            path: ['newDue'],
            message: 'A new window is only given when deferring.',
          })
        }
        if (r.newDue && r.newDue.from > r.newDue.to) {
          ctx.addIssue({
            code: 'custom',
            path: ['newDue', 'to'],
            message: 'The window ends before it starts.',
          })
        }
      }),
  ),
  /** The open imaging step was done at another centre: the outside study is recorded as any study. */
  'followup.doneElsewhere': spec<RecordStudyResult>()(
    z.strictObject({ itemId: id, version, study: explicitStudy }),
  ),
  /** A tumour board's or review's decision on the open step; sets the next step. */
  'followup.recordDecision': spec<StepResult>()(
    z.strictObject({ itemId: id, version, date: isoDate, decision: boardDecision }),
  ),
  /** The patient leaves surveillance (reason, words, attempts, date); the open step closes. */
  'surveillance.leave': spec<StepResult>()(z.strictObject({ patientId: id, exit: surveillanceExit })),
  /** A patient who had left is followed again: the guideline's next step opens. `exitId` and
   * `version` name the current exit the person saw. */
  'surveillance.reopen': spec<StepResult>()(
    z.strictObject({ patientId: id, exitId: id, version, reason: trimmedText(500).nullable() }),
  ),
  /** Patients who left surveillance, with the reason, newest exit first. */
  'worklist.left': spec<Page<LeftRow>>()(
    z.strictObject({
      search: trimmedText(100).optional(),
      limit: z.number().int().min(1).max(500),
      offset: z.number().int().min(0),
    }),
  ),
  /** On time / early / late per closed imaging step whose study falls in the period. */
  'followup.adherence': spec<AdherenceReport>()(
    z
      .strictObject({ from: isoDate, to: isoDate })
      .refine((r) => r.from <= r.to, { error: 'The period ends before it starts.', path: ['to'] }),
  ),
  'followup.override': spec<FollowUpItem>()(
    z
      .strictObject({
        itemId: id,
        version,
        procedure: z.enum(PROCEDURE_IDS, { error: 'Choose a study from the list.' }).nullable(),
        due: z.strictObject({ from: isoDate, to: isoDate }).nullable(),
        reasonCode: z.enum(OVERRIDE_REASON_CODES, { error: 'Choose a reason from the list.' }),
        text: trimmedText(500).nullable(),
      })
      .superRefine((r, ctx) => {
        if (r.procedure === null && r.due === null) {
          ctx.addIssue({
            code: 'custom',
            path: ['procedure'],
            message: 'Change the study, the window, or both.',
          })
        }
        if (r.reasonCode === 'other' && !r.text) {
          ctx.addIssue({ code: 'custom', path: ['text'], message: 'Say why, in a few words.' })
        }
        if (r.due && r.due.from > r.due.to) {
          ctx.addIssue({ code: 'custom', path: ['due', 'to'], message: 'The window ends before it starts.' })
        }
      }),
  ),
  /**
   * A page of the worklist: from a `cursor` (keyset paging, the usual way: a page deep in the list
   * costs what the first one costs), or `offset` rows from the start (a jump to a position with no
   * page read beside it: found in the list's sparse key index and read by cursor, so it costs what
   * a first page costs too, after the index's one pass); neither is the first page.
   */
  'worklist.page': spec<WorklistRow[]>()(
    z
      .strictObject({
        ...worklistFilter,
        sort: z.enum(WORKLIST_SORTS),
        descending: z.boolean(),
        limit: z.number().int().min(1).max(500),
        offset: z.number().int().min(0).optional(),
        cursor: worklistCursor.optional(),
      })
      .refine((r) => !(r.cursor && r.offset), {
        error: 'Give a cursor or an offset, not both.',
        path: ['offset'],
      }),
  ),
  /**
   * The tabs' counts and the list's length for the filter. `exact` is false for a search matching
   * more than 1,000 patients: `total` is then 1,000, the rows the list shows ("1,000+").
   */
  'worklist.summary': spec<{ counts: WorklistCounts; total: number; exact: boolean }>()(
    z.strictObject(worklistFilter),
  ),
  /** The packs in the log, the one in use, and the open cases whose recommendation came from another. */
  'packs.list': spec<PackListing>()(z.strictObject({})),
  /** Imports a pack document (the file's text): checked in full, stored inactive, audited. */
  'packs.import': spec<GuidelinePackRecord>()(
    z.strictObject({
      text: z
        .string({ error: 'Choose a pack file.' })
        .min(2, { error: 'The file is empty.' })
        .max(900_000, { error: 'The file is too large for a guideline pack (at most 900 kB).' }),
    }),
  ),
  /** Dry run: what the pack (`id`; null = the built-in pack) would change for every open case. */
  'packs.compare': spec<PackComparison>()(z.strictObject({ id: id.nullable() })),
  /** Makes the pack the one in use; every open case is re-evaluated under it, in one transaction. */
  'packs.adopt': spec<PackAdoption>()(z.strictObject({ id: id.nullable() })),
  /** Goes back to the pack in use before the current one, the same way. */
  'packs.revert': spec<PackAdoption>()(z.strictObject({})),
  'settings.get': spec<Settings>()(z.strictObject({})),
  'settings.update': spec<Settings>()(
    z.strictObject({
      theme: z.enum(THEMES).optional(),
      kFactors: z.enum(K_FACTOR_SETS).optional(),
      cu64DotatateMsvPerMbq: z
        .number({ error: 'Enter mSv per MBq as a number, e.g. 0.03.' })
        .min(0.001, { error: 'Use mSv per MBq, e.g. 0.03 (at least 0.001).' })
        .max(1, { error: 'Use mSv per MBq, e.g. 0.03 (at most 1).' })
        .nullable()
        .optional(),
      firstRunDone: z.boolean().optional(),
      fulfilmentMarginDays: z
        .number({ error: 'Enter the margin as a whole number of days.' })
        .int({ error: 'Enter the margin as a whole number of days.' })
        .min(0, { error: 'The margin is at least 0 days.' })
        .max(365, { error: 'The margin is at most 365 days.' })
        .optional(),
      siteRules: z
        .record(
          z
            .string()
            .regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'Unknown site rule.' })
            .max(64),
          z.boolean({ error: 'On or off.' }),
        )
        .optional(),
      idleLockMinutes: z
        .number({ error: 'Enter the idle time in whole minutes.' })
        .int({ error: 'Enter the idle time in whole minutes.' })
        .min(IDLE_LOCK_MINUTES.min, {
          error: `The app locks after at least ${IDLE_LOCK_MINUTES.min} minute.`,
        })
        .max(IDLE_LOCK_MINUTES.max, {
          error: `The app locks after at most ${IDLE_LOCK_MINUTES.max} minutes.`,
        })
        .optional(),
    }),
  ),
  /** Every row of the worklist's tab and filter, in the order shown (the renderer writes the CSV). */
  'worklist.export': spec<{ rows: WorklistRow[]; truncated: boolean }>()(
    z.strictObject({ ...worklistFilter, sort: z.enum(WORKLIST_SORTS), descending: z.boolean() }),
  ),
  /**
   * The open steps of the worklist's tab and filter, or of one patient, as an `.ics` file: one
   * event per due window with a reminder `reminderDays` before it; the patient named only as far
   * as `identify` says (initials and MRN by default).
   */
  'exports.calendar': spec<ExportFile & { events: number }>()(
    z.strictObject({
      scope: z.discriminatedUnion(
        'kind',
        [
          z.strictObject({
            kind: z.literal('worklist'),
            ...worklistFilter,
            title: trimmedText(120).min(1, { error: 'Give the calendar a title.' }),
          }),
          z.strictObject({ kind: z.literal('patient'), patientId: id }),
        ],
        { error: 'Say whether the worklist or one patient goes in the calendar.' },
      ),
      identify: z.enum(CALENDAR_IDENTITIES, { error: 'Choose how the patient is named.' }),
      reminderDays: z
        .number({ error: 'Give the reminder in whole days.' })
        .int({ error: 'Give the reminder in whole days.' })
        .min(0, { error: 'The reminder is 0 days or more before the window.' })
        .max(90, { error: 'The reminder is at most 90 days before the window.' }),
    }),
  ),
  /** The patient's current recommendation and dose history as a FHIR R4 Bundle (JSON). */
  'exports.fhir': spec<ExportFile>()(z.strictObject({ patientId: id })),
  /**
   * Saves the page now shown as a PDF (Electron's printToPDF, then a save dialog). Only the desktop
   * app answers it; in the browser the browser's own print dialog saves PDFs (UNAVAILABLE here).
   */
  'app.savePdf': spec<{ file: string } | { cancelled: true }>()(
    z.strictObject({ fileName: trimmedText(200).min(1, { error: 'Give the file a name.' }) }),
  ),
  /**
   * A page of the audit trail, newest first (ids below `beforeId`), overall or for one patient,
   * filtered by person, days and kinds of change (docs/data.md, "Reading the audit trail").
   */
  'audit.list': spec<AuditListPage>()(
    z
      .strictObject({
        ...auditFilter,
        beforeId: id.nullable().optional(),
        limit: z.number().int().min(1).max(200),
      })
      .refine((f) => !f.from || !f.to || f.from <= f.to, {
        error: 'The first day is after the last day.',
        path: ['from'],
      }),
  ),
  /** Everyone who has an entry in the audit trail, as recorded (the filter by person). */
  'audit.actors': spec<string[]>()(z.strictObject({})),
  /** Every entry the filter selects (the renderer writes the CSV); the export is itself audited. */
  'audit.export': spec<{ entries: AuditListEntry[]; truncated: boolean }>()(
    z.strictObject(auditFilter).refine((f) => !f.from || !f.to || f.from <= f.to, {
      error: 'The first day is after the last day.',
      path: ['from'],
    }),
  ),
  /** Records an export the renderer made itself (the dose CSV, the printed or saved sheet). */
  'audit.noteExport': spec<{ recorded: boolean }>()(
    z.strictObject({
      what: z.enum(NOTED_EXPORTS, { error: 'Say which export was made.' }),
      patientId: id,
      fileName: trimmedText(200).nullable().optional(),
    }),
  ),
  /** Starts sending a file to the back end (a CSV list, DICOM files); the pieces follow. */
  'uploads.begin': spec<{ uploadId: string }>()(
    z.strictObject({
      name: trimmedText(255).min(1, { error: 'The file has no name.' }),
      size: z.number().int().min(0).max(UPLOAD_LIMITS.file, { error: 'The file is larger than 256 MB.' }),
      encoding: z.enum(['text', 'base64']),
    }),
  ),
  /** The next piece of an upload, in order from 0. */
  'uploads.chunk': spec<{ received: number }>()(
    z.strictObject({
      uploadId,
      index: z.number().int().min(0),
      data: z.string().max(UPLOAD_LIMITS.chunk),
    }),
  ),
  /**
   * Reads an uploaded CSV and checks every row with the case schema (a job: `csv-preview`).
   * Without `mapping`, columns are mapped by their headers. Nothing is imported.
   */
  'csvImport.preview': spec<JobStatus>()(z.strictObject({ uploadId, mapping: csvMapping.optional() })),
  /**
   * Imports the checked CSV (a job: `csv-import`): every patient and study in one transaction,
   * through the same path as a typed one, audited; or nothing when a row has a problem or the job
   * is cancelled. MRNs already in the log are skipped.
   */
  'csvImport.commit': spec<JobStatus>()(z.strictObject({ uploadId, mapping: csvMapping })),
  /** The PACS endpoints (DICOMweb); their secrets are never returned. */
  'pacs.list': spec<PacsEndpointRecord[]>()(z.strictObject({})),
  'pacs.save': spec<PacsEndpointRecord>()(z.strictObject({ id: id.optional(), endpoint: pacsEndpoint })),
  'pacs.remove': spec<{ removed: number }>()(z.strictObject({ id })),
  /** The procedure mapping table (study description / modality / body part → procedure). */
  'mappings.list': spec<ProcedureMappingRecord[]>()(z.strictObject({})),
  'mappings.save': spec<ProcedureMappingRecord>()(
    z.strictObject({
      id: id.optional(),
      mapping: z.strictObject({
        modality: z
          .string()
          .trim()
          .toUpperCase()
          .regex(/^[A-Z]{2,16}$/, { error: 'A modality is its DICOM code, e.g. CT, MR, PT.' }),
        keywords: trimmedText(200),
        bodyPart: trimmedText(64).toUpperCase(),
        procedure: z.enum(PROCEDURE_IDS, { error: 'Choose a procedure from the list.' }),
      }),
    }),
  ),
  'mappings.remove': spec<{ removed: number }>()(z.strictObject({ id })),
  /** The patient's studies on a PACS, by MRN as Patient ID (a job: `pacs-find`). */
  'pacs.find': spec<JobStatus>()(z.strictObject({ patientId: id, endpointId: id })),
  /**
   * Imports the ticked studies with their dose reports (a job: `pacs-import`): each a study as a
   * typed one is (engine, follow-up step, audit), with its Study Instance UID; one already in the
   * log is skipped. All of them or none.
   */
  'pacs.import': spec<JobStatus>()(z.strictObject({ patientId: id, endpointId: id, studies: studyChoices })),
  /** Reads dropped DICOM files as dose reports (a job: `dicom-read`); imports nothing. */
  'dicomFiles.read': spec<JobStatus>()(
    z.strictObject({ patientId: id, uploadIds: z.array(uploadId).min(1).max(5000) }),
  ),
  /** Imports the studies of dropped dose reports (a job: `dicom-import`): all or none. */
  'dicomFiles.import': spec<JobStatus>()(
    z.strictObject({ patientId: id, uploadIds: z.array(uploadId).min(1).max(5000), studies: studyChoices }),
  ),
  'jobs.status': spec<JobStatus>()(z.strictObject({ jobId })),
  /** The jobs running now and those finished in the last minute (the top bar's progress). */
  'jobs.list': spec<JobStatus[]>()(z.strictObject({})),
  /** Stops a running job; what it had done is rolled back. */
  'jobs.cancel': spec<JobStatus>()(z.strictObject({ jobId })),
  /** How many patients the demo log loaded are still there (recorded by the back end, not guessed). */
  'demo.status': spec<{ patients: number }>()(z.strictObject({})),
  'demo.load': spec<{ patients: number }>()(z.strictObject({})),
  'demo.remove': spec<{ removed: number }>()(z.strictObject({})),
  /** The log's mode and what its checks found (the recovery banner). */
  'log.status': spec<LogStatusView>()(z.strictObject({})),
  /** The backups a restore can use, newest first. */
  'log.backups': spec<BackupView[]>()(z.strictObject({})),
  /**
   * Restores the log from one of the listed backups (checked in full first); the current files are
   * kept aside under new names, never overwritten.
   */
  'log.restore': spec<LogStatusView>()(z.strictObject({ file: safeText(4096, 'Choose a backup.') })),
  /** Whether the log is unlocked; answered in every state. */
  'vault.status': spec<VaultStatusView>()(z.strictObject({})),
  /** First start (or a plain log to encrypt): makes the key; a passphrase in browser mode. */
  'vault.setUp': spec<VaultStatusView>()(z.strictObject({ passphrase: passphrase.optional() })),
  'vault.unlock': spec<VaultStatusView>()(z.strictObject({ passphrase })),
  /** Opens the log with its recovery key and writes a new key file (a new passphrase in browser mode). */
  'vault.recover': spec<VaultStatusView>()(
    z.strictObject({
      recoveryKey: z.string().max(200, { error: 'A recovery key is 14 groups of 4 characters.' }),
      passphrase: passphrase.optional(),
    }),
  ),
  /** The recovery key of a new set-up, while it has not been confirmed as saved. */
  'vault.recoveryKey': spec<{ recoveryKey: string }>()(z.strictObject({})),
  'vault.recoveryKeySaved': spec<VaultStatusView>()(z.strictObject({})),
  /** Who is signed in at this window (answered in every state once the log is open). */
  'session.status': spec<SessionView>()(z.strictObject({})),
  /** The first account of a log that has none: a radiologist, signed in at once. */
  'session.createFirst': spec<SessionView>()(z.strictObject(accountFields)),
  /** Signs in by name or initials; a wrong name or password get the same answer. */
  'session.signIn': spec<SessionView>()(
    z.strictObject({
      login: trimmedText(80).min(1, { error: 'Type your name or initials.' }),
      password: z
        .string()
        .min(1, { error: 'Type your password.' })
        .max(200, { error: 'A password is at most 200 characters.' }),
    }),
  ),
  'session.signOut': spec<SessionView>()(z.strictObject({})),
  /** Locks this window at once: the account's password (or another account) opens it again. */
  'session.lock': spec<SessionView>()(z.strictObject({})),
  /** The person is still at the window (keys, pointer): the idle time starts again. */
  'session.touch': spec<SessionView>()(z.strictObject({})),
  'users.list': spec<UserRecord[]>()(z.strictObject({})),
  'users.create': spec<UserRecord>()(
    z.strictObject({ ...accountFields, role: z.enum(USER_ROLES, { error: 'Choose a role.' }) }),
  ),
  /** Changes an account's name, initials, role, or disables / enables it (accounts are never deleted). */
  'users.update': spec<UserRecord>()(
    z.strictObject({
      id,
      name: accountFields.name,
      initials: accountFields.initials,
      role: z.enum(USER_ROLES, { error: 'Choose a role.' }),
      active: z.boolean(),
    }),
  ),
  /** A radiologist sets a new password for an account (e.g. a forgotten one). */
  'users.resetPassword': spec<UserRecord>()(z.strictObject({ id, password: accountFields.password })),
  /** The signed-in account changes its own password; the current one is asked. */
  'users.changePassword': spec<SessionView>()(
    z.strictObject({
      current: z.string().min(1, { error: 'Type your current password.' }).max(200),
      password: accountFields.password,
    }),
  ),
} satisfies { [K in CallName]: CallSpec<z.ZodType, unknown> }

type Contract = typeof contract

export type RequestOf<K extends CallName> = z.input<Contract[K]['request']>
export type ParsedRequestOf<K extends CallName> = z.output<Contract[K]['request']>
export type ResultOf<K extends CallName> = NonNullable<Contract[K]['result']>

/** What `window.pnet` offers, whichever transport is underneath. */
export type PnetApi = { [K in CallName]: (request: RequestOf<K>) => Promise<Result<ResultOf<K>>> }

/** What the back end implements for each call (sync or async). */
export type Handlers = {
  [K in CallName]: (request: ParsedRequestOf<K>) => ResultOf<K> | Promise<ResultOf<K>>
}
