// Records as the rest of the app sees them (camelCase, booleans, null = unknown).
// Pure types: the renderer and the API contract import them with `import type`.

import type {
  Agent,
  Burden,
  DoseRegion,
  Grade,
  IsoDate,
  LesionRole,
  LesionStatus,
  ProcedureId,
  StudyResult,
  TreatmentKind,
  VariantId,
} from '../engine'
import type {
  Biomarker,
  BoardDecision,
  DeferralReason,
  FollowUpItemKind,
  SurveillanceExitReason,
  UserRole,
} from '../engine'

export type { BoardDecision, DeferralReason, SurveillanceExitReason }
import type {
  ClosingStatus,
  ItemStatus,
  ManualStatusReasonCode,
  OverrideReasonCode,
  RecommendationTrigger,
  StatusReasonCode,
  WorklistBucket,
  WorklistSort,
  WorklistSortKey,
} from '../engine'

export type {
  ClosingStatus,
  ItemStatus,
  ManualStatusReasonCode,
  OverrideReasonCode,
  RecommendationTrigger,
  StatusReasonCode,
  WorklistBucket,
  WorklistSort,
  WorklistSortKey,
}

export type {
  Agent,
  Burden,
  DoseRegion,
  FollowUpItemKind,
  Grade,
  IsoDate,
  LesionRole,
  LesionStatus,
  ProcedureId,
  StudyResult,
  TreatmentKind,
  VariantId,
}

export interface TreatmentFacts {
  kind: TreatmentKind
  date: IsoDate | null
  /** Only for resection: true when no known residual disease; null when unknown. */
  completeResection: boolean | null
}

export interface DiagnosisFacts {
  date: IsoDate | null
  confirmed: boolean | null
  grade: Grade | null
  functional: boolean | null
  primarySizeMm: number | null
}

export interface ConstraintFacts {
  mriContraindicated: boolean | null
  mriReason: string | null
  iodinatedContrastContraindicated: boolean | null
  gadoliniumContraindicated: boolean | null
  eGFR: number | null
}

/** What a person types in to create or edit a patient. */
export interface PatientInput {
  mrn: string
  name: string
  birthDate: IsoDate | null
  weightKg: number | null
  diagnosis: DiagnosisFacts
  stagingComplete: boolean | null
  activeSurveillance: boolean | null
  burden: Burden | null
  suspectedRecurrence: boolean | null
  /** New symptoms; [] = asked, none; null = not asked (unknown). */
  symptoms: string[] | null
  constraints: ConstraintFacts
  treatments: TreatmentFacts[]
  requestedProcedure: ProcedureId | null
}

export interface PatientRecord extends PatientInput {
  id: number
  isDemo: boolean
  /** Moves on with every change of the record (db/audit.ts, NEXT_VERSION); a change names the version it saw. */
  version: number
  /** Set when the patient was marked as entered in error (then every view skips them). */
  enteredInError: EnteredInError | null
  createdAt: string
  updatedAt: string
}

export interface PatientSummary {
  id: number
  mrn: string
  name: string
  birthDate: IsoDate | null
  isDemo: boolean
  createdAt: string
}

export interface Page<T> {
  items: T[]
  total: number
}

/** A RECIST 1.1 measurement as read on one study. */
export interface LesionInput {
  /** The reader's label, stable across studies (e.g. T1, N2). */
  id: string
  organ: string
  nodal: boolean
  role: LesionRole
  /** Long axis; short axis for lymph nodes. null when a status is given instead. */
  diameterMm: number | null
  status: LesionStatus | null
}

/** What was recorded about a study's radiation; every field may be unknown. */
export interface DoseInput {
  effectiveMsv: number | null
  ctdiVolMgy: number | null
  dlpMgyCm: number | null
  region: DoseRegion | null
  activityMbq: number | null
  agent: Agent | null
}

export interface StudyInput {
  date: IsoDate
  procedure: ProcedureId
  /** The reader's impression; null = not read yet. */
  result: StudyResult | null
  lesions: LesionInput[]
  dose: DoseInput
  note: string | null
}

/** What a Radiation Dose SR said about one irradiation event (or a radiopharmaceutical administration). */
export interface DoseEventInput {
  /** The dose report's SOP Instance UID. */
  sopInstanceUid: string
  /** Irradiation Event UID (CT) or Radiopharmaceutical Administration Event UID. */
  eventUid: string
  kind: 'ct' | 'radiopharmaceutical'
  ctdiVolMgy: number | null
  dlpMgyCm: number | null
  /** Our region code for the event's target region; null when the report's region is not one of ours. */
  region: DoseRegion | null
  /** The target region as the report wrote it (code meaning). */
  targetRegion: string | null
  /** The protocol or acquisition the report named, if any. */
  protocol: string | null
  agent: Agent | null
  /** The radiopharmaceutical as the report wrote it. */
  agentText: string | null
  activityMbq: number | null
}

export interface DoseEventRecord extends DoseEventInput {
  id: number
}

/** What an imported study carries beyond a typed one (PACS or a DICOM file). */
export interface ImportedStudyFacts {
  studyInstanceUid: string
  accessionNumber: string | null
  /** 'rdsr' when the dose fields were read from a dose report. */
  doseSource: 'rdsr' | null
  events: DoseEventInput[]
}

export interface StudyRecord extends StudyInput {
  id: number
  patientId: number
  /** DICOM Study Instance UID of an imported study (unique in the log); null for a typed one. */
  studyInstanceUid: string | null
  accessionNumber: string | null
  /** Where the dose fields came from: 'rdsr' (a Radiation Dose SR), or null (entered by a person). */
  doseSource: 'rdsr' | null
  /** The dose report's events, oldest first; [] for a typed study. */
  doseEvents: DoseEventRecord[]
  createdAt: string
  /** Set when the study was marked as entered in error (then views and the engine skip it). */
  enteredInError: EnteredInError | null
  /** Moves on with every change of the record (db/audit.ts, NEXT_VERSION); a change names the version it saw. */
  version: number
}

export interface RecommendationRecord<Output = unknown> {
  id: number
  patientId: number
  createdAt: string
  asOf: IsoDate
  trigger: RecommendationTrigger
  packId: string
  packVersion: string
  variant: VariantId | null
  action: string
  procedure: ProcedureId | null
  intervalMonths: { min: number; max: number } | null
  due: { from: IsoDate; to: IsoDate } | null
  /** The case exactly as the engine saw it. */
  inputs: unknown
  /** The engine's whole answer: ratings, alerts, rationale with sources. */
  output: Output
  supersededBy: number | null
  supersededAt: string | null
}

/** A recommendation without its case and evaluation: what a list of them shows. */
export type RecommendationSummary = Omit<RecommendationRecord, 'inputs' | 'output'>

export interface FollowUpOverride {
  procedure: ProcedureId | null
  due: { from: IsoDate; to: IsoDate } | null
  reasonCode: OverrideReasonCode
  text: string | null
}

export interface FollowUpItem {
  id: number
  patientId: number
  recommendationId: number | null
  /** What the item asks for. Behaviour follows this code, never `reason`. */
  kind: FollowUpItemKind
  /** What the engine suggested. */
  procedure: ProcedureId | null
  due: { from: IsoDate; to: IsoDate }
  /** Display text only (e.g. "Next study in 6–12 months"); nothing may compare it. */
  reason: string
  status: ItemStatus
  statusReasonCode: StatusReasonCode | null
  statusReasonText: string | null
  fulfilledByStudyId: number | null
  /** What the radiologist chose instead, with why; null when the suggestion stands. */
  override: FollowUpOverride | null
  /** For a result step: the study whose result is awaited. */
  studyId: number | null
  /** For the successor of a deferral: why it was deferred (a code; the UI shows words). */
  deferralReason: DeferralReason | null
  /** For a closed board or review: the decision recorded. */
  decision: RecordedDecision | null
  createdAt: string
  updatedAt: string
  /** Moves on with every change of the record (db/audit.ts, NEXT_VERSION); a change names the version it saw. */
  version: number
}

export interface WorklistQuery {
  bucket: WorklistBucket
  /** Type-ahead: a prefix of the name or the MRN. When given, every patient can match. */
  search?: string
  variant?: VariantId
  sort: WorklistSort
  descending: boolean
  limit: number
  /**
   * The position to start at (a jump to a position with no page read next to it), found in the
   * list's sparse key index (db/queries/worklist.ts `jumpRows`); exact unless the log changed since
   * the index was built, when it may be off by the rows added or removed before it.
   */
  offset?: number
  /** Where a keyset page starts (takes the place of `offset`; the usual way to page). */
  cursor?: WorklistCursor
}

/**
 * Where a keyset page of the worklist starts: just after or just before a row (its sort key, as
 * `worklistSortKey` reads it from the row, and its patient id), or at the end of the list (the
 * last rows, read backwards). Rows always come back in the list's order.
 */
export type WorklistCursor =
  { at: 'after' | 'before'; key: WorklistSortKey; patientId: number } | { at: 'end' }

export interface WorklistRow {
  patientId: number
  name: string
  mrn: string
  isDemo: boolean
  variant: VariantId | null
  lastStudyDate: IsoDate | null
  lastResult: StudyResult | null
  /** The last result was derived from the study's RECIST measurements, not read. */
  lastResultDerived: boolean
  cumulativeMsv: number | null
  doseEstimated: boolean
  doseIncomplete: boolean
  /** The open follow-up item; null when the patient has none. */
  item: {
    id: number
    kind: FollowUpItemKind
    procedure: ProcedureId | null
    due: { from: IsoDate; to: IsoDate }
    overridden: boolean
    reason: string
  } | null
  /** What the reader should know before opening the record (the flags column). */
  flags: WorklistFlags
}

/** The worklist's flags for a patient (the override is `item.overridden`). */
export interface WorklistFlags {
  /** MRI is recorded as contraindicated. */
  mriContraindicated: boolean
  /** New symptoms were recorded (any symptom code). */
  newSymptoms: boolean
  /** The current recommendation says the requested study is not appropriate or ruled out. */
  requestNotAppropriate: boolean
}

export interface WorklistCounts {
  overdue: number
  due: number
  upcoming30: number
  upcoming90: number
  scheduled: number
  /** Open steps that are not a plain scheduled study (see db/queries/worklist.ts `NEEDS_ATTENTION`). */
  attention: number
  /** Patients who left surveillance. */
  left: number
  patients: number
}

/** What the patient summary columns hold (see db/queries/summary.ts). */
export interface PatientSummaryFacts {
  variant: VariantId | null
  lastStudyDate: IsoDate | null
  lastResult: StudyResult | null
  /** The last result was derived from the study's RECIST measurements, not read. */
  lastResultDerived: boolean
  cumulativeMsv: number | null
  doseEstimated: boolean
  doseIncomplete: boolean
}

/** Who marked a record as entered in error, when and why. */
export interface EnteredInError {
  at: string
  by: string
  reason: string
}

/** A board's or review's decision as stored on the closed item. */
export interface RecordedDecision {
  date: IsoDate
  decision: BoardDecision
}

/** A patient who left surveillance: reason, person and date; reopening is kept on the record. */
export interface SurveillanceExitRecord {
  id: number
  patientId: number
  reasonCode: SurveillanceExitReason
  text: string | null
  attempts: number | null
  /** The day the patient left. */
  date: IsoDate
  recordedBy: string
  recordedAt: string
  reopenedAt: string | null
  reopenedBy: string | null
  reopenReason: string | null
  /** Moves on with every change of the record (db/audit.ts, NEXT_VERSION); a change names the version it saw. */
  version: number
}

/** A treatment with its id (for edits and corrections). */
export interface TreatmentRecord extends TreatmentFacts {
  id: number
  patientId: number
  enteredInError: EnteredInError | null
  /** Moves on with every change of the record (db/audit.ts, NEXT_VERSION); a change names the version it saw. */
  version: number
}

/** A study marked as entered in error: kept, hidden from views and the engine, restorable. */
export type WithdrawnStudy = StudyRecord & { enteredInError: EnteredInError }
/** One biomarker value as entered (`biomarkers.add`). The engine reads none of them. */
export interface BiomarkerInput {
  date: IsoDate
  marker: Biomarker
  value: number
  unit: string
}

export interface BiomarkerRecord extends BiomarkerInput {
  id: number
  patientId: number
  createdAt: string
  /** Moves on with every change of the record (db/audit.ts, NEXT_VERSION); a change names the version it saw. */
  version: number
}

/** The patient's free-text note (one per patient). */
export interface PatientNote {
  patientId: number
  text: string
  updatedAt: string
  /** Moves on with every change of the record (db/audit.ts, NEXT_VERSION); a change names the version it saw. */
  version: number
}

/** A guideline pack document kept in the log (migration 70, docs/guideline-pack.md). */
export interface GuidelinePackRecord {
  id: number
  packId: string
  version: string
  title: string
  /** SHA-256 of the stored document text, hex. */
  sha256: string
  /** The pack shipped with the app (stored when a site first adopted another one). */
  builtIn: boolean
  importedAt: string
  importedBy: string
  active: boolean
  activatedAt: string | null
  activatedBy: string | null
  /** The pack that was active before this one was adopted (what a revert goes back to). */
  previousId: number | null
}

/** A DICOMweb server as entered (`secret` undefined on an edit: keep the stored one). */
export interface PacsEndpointInput {
  name: string
  baseUrl: string
  auth: 'none' | 'basic' | 'bearer'
  username: string | null
  /** Password (basic) or token (bearer); never returned. */
  secret?: string | null
  timeoutMs: number
}

/** A DICOMweb server as the UI sees it: whether a secret is stored, never the secret. */
export interface PacsEndpointRecord {
  id: number
  name: string
  baseUrl: string
  auth: 'none' | 'basic' | 'bearer'
  username: string | null
  hasSecret: boolean
  timeoutMs: number
  createdAt: string
  updatedAt: string
}

/**
 * A procedure mapping rule: a study of `modality` whose description holds every keyword (and none
 * of the `-word`s) and, when `bodyPart` is given, a series of that body part, is `procedure`.
 */
export interface ProcedureMappingInput {
  modality: string
  keywords: string
  bodyPart: string
  procedure: ProcedureId
}

export interface ProcedureMappingRecord extends ProcedureMappingInput {
  id: number
  createdAt: string
}

/** A named account (migration 100); the password hash never leaves db/queries/users.ts but to check it. */
export interface UserRecord {
  id: number
  name: string
  initials: string
  role: UserRole
  active: boolean
  createdAt: string
  changedAt: string
}
