// The engine's public API. Pure TypeScript: no I/O, no clock, no Electron, no database.
// Every function that depends on "today" takes it as `asOf` (a calendar date `YYYY-MM-DD`).
// See engine/README.md.

export * from './types'
export * from './codes'
export { actorLabel, appActor, parseActor, userActor, type ActorAccount } from './actor'

// The whole decision
export { evaluate } from './evaluate'
export { classify, type Classification, type LatestRead } from './classify'
export { recommend, type Recommendation, type RecommendContext } from './recommend'
export { gatherFacts, type CaseFacts, type ReadStudy } from './facts'
export { comparePlans, PLAN_ASPECTS, type PlanAspect, type PlanChange, type PlanSummary } from './packDiff'

// The follow-up lifecycle: state machine, fulfilment, next step, exits, adherence
export * from './followup'

// Guideline pack: the document (a versioned JSON file), its schema, and the loaded pack
export {
  ACR_PNET,
  ACR_PNET_DATA,
  ALERT_WORDS,
  AGENT_DATA,
  K_FACTORS,
  DEFAULT_CT_REGION,
  loadPack,
  validatePack,
  parsePack,
  packSchema,
  packJsonSchema,
  PACK_FORMAT,
  SOURCE_KINDS,
  PackValidationError,
  RATIONALE_SPEC,
  ALERT_VARIANT_SPEC,
  WORD_SPEC,
  type LoadedPack,
  type LoadedVariant,
  type ParsedPack,
  type RationaleName,
  type Words,
} from './guideline'
export type {
  AgentData,
  CellEntry,
  GuidelinePackData,
  IntervalEntry,
  OfferEntry,
  PackDocument,
  PackProblem,
  ProcedureEntry,
  RrlBand,
  SiteRuleEntry,
  SourceEntry,
  SourceKind,
  TypicalDose,
  VariantEntry,
} from './guideline'

// RECIST 1.1 and growth rate
export {
  assessRecist,
  recist,
  tumourGrowthRate,
  resultFromCategory,
  MAX_TARGETS,
  MAX_TARGETS_PER_ORGAN,
  type RecistAssessment,
  type RecistTimepoint,
} from './recist'

// Scheduling and calendar dates
export {
  dueWindow,
  nthDueDate,
  scheduleDates,
  followUpStatus,
  followUpStatusOf,
  type FollowUpState,
} from './schedule'
export {
  addMonths,
  addDays,
  daysBetween,
  isIsoDate,
  parseIsoDate,
  formatIsoDate,
  daysInMonth,
  dayNumber,
  fromDayNumber,
  toDayNumber,
} from './dates'

// Dose
export {
  estimateStudyDose,
  estimateWorking,
  eventDoses,
  doseLedger,
  typicalProcedureDose,
  projectDose,
  doseAvoided,
  zeroByModality,
  type DoseOptions,
  type EventDose,
  type EstimateWorking,
  type DoseProjection,
  type DoseAvoided,
} from './dose'
export { PROCEDURE_AGENTS } from './doseData'

// The case declared once: named limits and the zod schemas of the file, the API and the forms
export {
  ACTIVITY_MBQ,
  CALENDAR_RANGE,
  STUDY_DATE_FROM,
  CTDIVOL_MGY,
  DIAMETER_MM,
  DLP_MGY_CM,
  EFFECTIVE_MSV,
  EGFR,
  LIST_LIMITS,
  NUMBER_LIMITS,
  PRIMARY_SIZE_MM,
  TEXT_LIMITS,
  WEIGHT_KG,
  calendarDate,
  caseFileJsonSchema,
  caseFileSchema,
  caseSchema,
  constraintsSchema,
  diagnosisSchema,
  doseSchema,
  isCalendarDate,
  lesionSchema,
  measure,
  patientFactsSchema,
  safeString,
  studyEntrySchema,
  treatmentSchema,
  UNSAFE_TEXT,
  unsafeText,
  type NumberLimit,
  type PatientFacts,
  type StudyEntry,
} from './caseSchema'

// Interchange files
export {
  parseCaseFile,
  toEvaluationFile,
  evaluateCaseFile,
  CASE_FORMAT,
  EVALUATION_FORMAT,
  type CaseFile,
  type EvaluationFile,
  type FileProblem,
  type ParseResult,
} from './caseFile'

// Words for codes
export {
  TREATMENT_LABELS,
  RESULT_LABELS,
  RATING_WORDS,
  DOSE_METHOD_LABELS,
  NEXT_ACTION_LABELS,
} from './labels'
