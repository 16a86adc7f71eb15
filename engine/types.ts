// The domain types of the engine: what a case is (the `pnet-case/1` interchange format, see
// docs/case-format.md) and what an evaluation says. Every list of allowed values is exported
// as a const array too, so the database, the API schemas and the UI use the same spelling.
//
// Honesty rule: a fact we do not have is `null` (or absent), never `false`. The engine reads
// `null` as "unknown" and says so; it never turns it into a default.

/** A calendar date `YYYY-MM-DD`: no time, no zone. */
export type IsoDate = string

// ---------------------------------------------------------------------------------------------
// Allowed values
// ---------------------------------------------------------------------------------------------

/** Procedure ids of CASE-FORMAT (ACR naming, one id per study type). */
export const PROCEDURE_IDS = [
  'mri-abdomen-pelvis-without-and-with-iv-contrast',
  'ct-abdomen-pelvis-with-iv-contrast',
  'dotatate-pet-ct-skull-base-to-mid-thigh',
  'endoscopic-us',
  'fdg-pet-ct-skull-base-to-mid-thigh',
  'in111-pentetreotide-spect-ct',
  'ct-chest-with-iv-contrast',
  'ct-chest-without-iv-contrast',
  'us-abdomen',
  'mri-targeted-region',
] as const
export type ProcedureId = (typeof PROCEDURE_IDS)[number]

export const VARIANT_IDS = [
  'initial-staging',
  'follow-up-non-liver-dominant',
  'follow-up-liver-dominant',
  'post-resection-surveillance',
  'untreated-surveillance',
] as const
export type VariantId = (typeof VARIANT_IDS)[number]

export const STUDY_RESULTS = [
  'response',
  'stable',
  'progression',
  'indeterminate',
  'no-evidence-of-disease',
] as const
export type StudyResult = (typeof STUDY_RESULTS)[number]

export const TREATMENT_KINDS = [
  'resection',
  'prrt',
  'somatostatin-analog',
  'targeted-therapy',
  'chemotherapy',
  'liver-directed',
  'radiation',
  'ablation',
] as const
export type TreatmentKind = (typeof TREATMENT_KINDS)[number]

export const GRADES = ['G1', 'G2', 'G3'] as const
export type Grade = (typeof GRADES)[number]

export const BURDENS = ['liver-dominant', 'non-liver-dominant'] as const
export type Burden = (typeof BURDENS)[number]

export const MODALITIES = ['CT', 'MR', 'PET/CT', 'NM', 'US', 'XR'] as const
export type Modality = (typeof MODALITIES)[number]

export const DOSE_REGIONS = [
  'head',
  'neck',
  'chest',
  'abdomen',
  'pelvis',
  'abdomen-pelvis',
  'chest-abdomen-pelvis',
] as const
export type DoseRegion = (typeof DOSE_REGIONS)[number]

export const AGENTS = ['ga68-dotatate', 'cu64-dotatate', 'in111-pentetreotide', 'f18-fdg'] as const
export type Agent = (typeof AGENTS)[number]

/**
 * Symptom codes the engine knows. `symptoms[]` is an open list of strings; a code outside this
 * list is kept (and the case-file reader warns about it). Every one of these, and any unknown
 * code, counts as a symptom that may suggest recurrence after resection.
 */
export const SYMPTOMS = [
  'new-localized-bone-pain',
  'new-localized-symptoms',
  'rising-biomarkers',
  'jaundice',
  'new-abdominal-pain',
  'flushing',
  'diarrhea',
] as const
export type KnownSymptom = (typeof SYMPTOMS)[number]

export const LESION_ROLES = ['target', 'non-target', 'new'] as const
export type LesionRole = (typeof LESION_ROLES)[number]

export const LESION_STATUSES = ['present', 'absent', 'unequivocal-progression'] as const
export type LesionStatus = (typeof LESION_STATUSES)[number]

export const RATINGS = [
  'usually-appropriate',
  'may-be-appropriate',
  'usually-not-appropriate',
  'not-loaded',
] as const
export type Rating = (typeof RATINGS)[number]

/** ACR Relative Radiation Level symbols (adult bands in `RRL_BANDS` of the guideline pack). */
export const RRL_LEVELS = ['O', '☢', '☢☢', '☢☢☢', '☢☢☢☢', '☢☢☢☢☢'] as const
export type RrlLevel = (typeof RRL_LEVELS)[number]

/** Where a rating comes from: the founding article, a source read directly, or nowhere yet. */
export const PROVENANCES = ['seed', 'seen', 'not-loaded'] as const
export type Provenance = (typeof PROVENANCES)[number]

export const NEXT_ACTIONS = ['image', 'tumor-board', 'clinician-review', 'end-surveillance'] as const
export type NextAction = (typeof NEXT_ACTIONS)[number]

export const RECIST_CATEGORIES = ['CR', 'PR', 'SD', 'PD', 'NE'] as const
export type RecistCategory = (typeof RECIST_CATEGORIES)[number]

export const FOLLOW_UP_STATUSES = ['upcoming', 'due', 'overdue'] as const
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number]

export const K_FACTOR_SETS = ['aapm96', 'icrp103'] as const
export type KFactorSet = (typeof K_FACTOR_SETS)[number]

export const DOSE_METHODS = [
  'recorded',
  'dlp-k',
  'activity-coefficient',
  'typical',
  'non-ionizing',
  'unknown',
] as const
export type DoseMethod = (typeof DOSE_METHODS)[number]

/** Stable alert codes. The UI maps each to words; the database stores the code. */
export const ALERT_CODES = [
  // classification
  'outside-topic',
  'missing-facts',
  'suspected-recurrence',
  'atypical-for-surveillance',
  // constraints and feasibility
  'mri-contraindicated',
  'gadolinium-contraindicated',
  'iodinated-contrast-contraindicated',
  'no-verified-alternative',
  'egfr-below-30',
  'egfr-30-to-44',
  // findings
  'progression',
  /** Progression on the latest read study, already answered by a treatment started after it. */
  'progression-answered',
  'new-lesion',
  'indeterminate-finding',
  'clinical-progression-suspected',
  'size-over-2cm',
  'result-derived-from-recist',
  'recist-disagrees-with-read',
  'recist-not-evaluable',
  'unread-study',
  'study-after-as-of',
  // the founding article's pitfalls
  'priors-not-available',
  'pancreas-protocol',
  'functional-correlation',
  'extra-abdominal-symptoms',
  'post-treatment-change',
  // requests
  'requested-study-not-appropriate',
  'requested-study-contraindicated',
  'prefer-sstr-pet',
  // scheduling and provenance
  'baseline-imaging-now',
  'staging-study-on-file',
  'follow-up-overdue',
  'interval-secondary-source',
  'ten-years-after-resection',
  // dose
  'dose-unknown',
  // site rules (never the ACR's)
  'site-rule-growth-rate',
] as const
export type AlertCode = (typeof ALERT_CODES)[number]

// ---------------------------------------------------------------------------------------------
// Input: a case
// ---------------------------------------------------------------------------------------------

export interface Diagnosis {
  date: IsoDate | null
  /** Histologically confirmed pNET; `false` = only suspected; `null` = not recorded. */
  confirmed: boolean | null
  grade: Grade | null
  /** A hormone syndrome is present. */
  functional: boolean | null
  /** Largest diameter of the primary at diagnosis, mm. */
  primarySizeMm: number | null
}

export interface Treatment {
  kind: TreatmentKind
  date: IsoDate | null
  /** Only for `resection`: true when no residual disease is known. */
  completeResection?: boolean | null
}

export interface Lesion {
  id: string
  organ: string
  nodal: boolean
  role: LesionRole
  /** Long axis, or short axis for a lymph node, mm. */
  diameterMm?: number | null
  /** For a non-target lesion recorded without a size. */
  status?: LesionStatus | null
}

export interface StudyDose {
  effectiveMsv?: number | null
  ctdiVolMgy?: number | null
  dlpMgyCm?: number | null
  region?: DoseRegion | null
  activityMbq?: number | null
  agent?: Agent | null
  /**
   * The CT irradiation events of the study (from its Radiation Dose SR): when any has a DLP, the CT
   * part is the sum over events of DLP × k of the event's own region, not the study total × one k.
   */
  events?: readonly DoseEvent[] | null
}

/** One CT irradiation event (a series) as a dose report gave it. */
export interface DoseEvent {
  dlpMgyCm?: number | null
  ctdiVolMgy?: number | null
  region?: DoseRegion | null
}

export interface Study {
  date: IsoDate
  procedure: ProcedureId
  /** The reader's impression; `null` = not read yet. */
  result: StudyResult | null
  lesions?: readonly Lesion[] | null
  dose?: StudyDose | null
}

export interface Constraints {
  mriContraindicated: boolean | null
  iodinatedContrastContraindicated: boolean | null
  gadoliniumContraindicated: boolean | null
  /** mL/min/1.73 m². */
  eGFR: number | null
}

export interface Case {
  id: string
  birthDate: IsoDate | null
  weightKg: number | null
  diagnosis: Diagnosis
  stagingComplete: boolean | null
  /** `null` = treatment history unknown (not the same as "none"). */
  treatments: readonly Treatment[] | null
  activeSurveillance: boolean | null
  burden: Burden | null
  suspectedRecurrence: boolean | null
  /** `null` = not recorded; `[]` = none. */
  symptoms: readonly string[] | null
  constraints: Constraints
  requestedProcedure?: ProcedureId | null
  /** Imaging already done, any order. */
  studies: readonly Study[]
}

// ---------------------------------------------------------------------------------------------
// Output: an evaluation
// ---------------------------------------------------------------------------------------------

export interface MonthInterval {
  min: number
  max: number
}

export interface DueWindow {
  from: IsoDate
  to: IsoDate
}

/** An alert: its stable code and our words for this case (naming the study, fact or lesion). */
export interface Alert {
  code: AlertCode
  text: string
}

/** One step of the decision: our own plain words, where it comes from, and the rule that fired. */
export interface RationaleStep {
  text: string
  /** A key of the guideline pack's `sources` (e.g. `seed`, `gighz_liver`, `app-rule`). */
  source: string
  rule: string
}

export interface RatingRow {
  procedure: ProcedureId
  rating: Rating
  rrl: RrlLevel | null
  provenance: Provenance
  /** Source key of the rating; `null` when not loaded. */
  source: string | null
}

/** What a follow-up interval is counted from. */
export type AnchorKind = 'latest-read-study' | 'as-of' | 'resection' | 'treatment'

export interface NextStep {
  action: NextAction
  procedure: ProcedureId | null
  /** Studies that may be done instead of `procedure` (for a review: the options left). */
  alternatives: readonly ProcedureId[]
  intervalMonths: MonthInterval | null
  due: DueWindow | null
  /** What the interval is counted from. */
  anchor: { date: IsoDate; kind: AnchorKind } | null
  /** Where `asOf` falls relative to `due`. */
  status: FollowUpStatus | null
  /**
   * Studies that may be added to the step, not done instead of it: e.g. DOTATATE PET/CT before
   * further PRRT, offered to the tumour board after progression.
   */
  additions: readonly ProcedureId[]
}

export type TargetResponse = 'CR' | 'PR' | 'SD' | 'PD' | 'NE' | 'none'
export type NonTargetResponse = 'CR' | 'non-CR/non-PD' | 'PD' | 'NE' | 'none'

/** RECIST 1.1 at one timepoint. The first six fields are CASE-FORMAT's `response`. */
export interface RecistResponse {
  category: RecistCategory
  sumMm: number | null
  baselineSumMm: number | null
  /** Smallest sum recorded before this timepoint (the baseline counts): the reference for PD. */
  nadirSumMm: number | null
  changeFromBaselinePct: number | null
  changeFromNadirPct: number | null
  date: IsoDate
  baselineDate: IsoDate
  targetResponse: TargetResponse
  nonTargetResponse: NonTargetResponse
  newLesions: boolean
  /** Only the baseline has been measured: no response can be assessed yet. */
  baselineOnly: boolean
  /** No measurable target at baseline: the category follows the non-target table. */
  nonTargetOnly: boolean
  /** Tumour growth rate from the previous fully measured timepoint, %/month. */
  tgrPctPerMonth: number | null
  /** The earlier timepoint the growth rate is counted from. */
  tgrFromDate: IsoDate | null
  /** Baseline target lesions (ids) without a measurement at this timepoint. */
  unmeasuredTargets: readonly string[]
  /** Baseline non-target lesions (ids) not assessed at this timepoint. */
  unassessedNonTargets: readonly string[]
  notes: readonly string[]
}

export interface DoseEstimate {
  /** Effective dose, mSv (rounded to 0.001); `null` = unknown. */
  msv: number | null
  method: DoseMethod
  /** A default or typical value stood in for something not recorded. */
  estimated: boolean
  /** Part of the study (the CT part of a hybrid study) is unknown: `msv` is a lower bound. */
  incomplete: boolean
  modality: Modality
  radiopharmaceuticalMsv: number | null
  ctMsv: number | null
  activityMbq: number | null
  agent: Agent | null
  kFactor: number | null
  region: DoseRegion | null
  flags: readonly string[]
  sources: readonly string[]
}

export interface StudyDoseEstimate extends DoseEstimate {
  /** Position of the study in the case's `studies[]`. */
  index: number
  date: IsoDate
  procedure: ProcedureId
}

export interface StudyRef {
  index: number
  date: IsoDate
  procedure: ProcedureId
}

export type DoseByModality = Record<Modality, number>

/** CASE-FORMAT's `dose` (first three fields) plus which studies it could not count fully. */
export interface DoseSummary {
  cumulativeMsv: number
  byModality: DoseByModality
  estimated: boolean
  unknownStudies: readonly StudyRef[]
  incompleteStudies: readonly StudyRef[]
}

export interface DoseLedger extends DoseSummary {
  studies: readonly StudyDoseEstimate[]
}

export interface DerivedResult {
  date: IsoDate
  procedure: ProcedureId
  result: StudyResult
  fromCategory: RecistCategory
}

export interface GuidelineRef {
  id: string
  version: string
}

export interface Evaluation {
  id: string
  variant: VariantId | null
  variantReasons: readonly string[]
  ratings: readonly RatingRow[]
  next: NextStep
  response: RecistResponse | null
  alerts: readonly AlertCode[]
  rationale: readonly RationaleStep[]
  dose: DoseSummary
  // Extras for the UI and the stored recommendation.
  /** The alerts in `alerts`' order, each with its words for this case. */
  alertDetails: readonly Alert[]
  guideline: GuidelineRef
  asOf: IsoDate
  inputsMissing: readonly string[]
  derivedResults: readonly DerivedResult[]
  studyDoses: readonly StudyDoseEstimate[]
}

export interface EngineSettings {
  /** CT DLP-to-effective-dose conversion set (domain-facts §4). Default `aapm96`. */
  kFactors?: KFactorSet
  /** Site-provided effective-dose coefficients (mSv/MBq) for agents without a known one. */
  siteCoefficients?: { 'cu64-dotatate'?: number }
  /**
   * The site's choice per site rule of the pack (by id): on or off. A rule not named here is as
   * the pack ships it (`enabled`). Site rules add alerts and never change the study or window.
   */
  siteRules?: Readonly<Record<string, boolean>>
}
