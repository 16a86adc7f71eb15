// The follow-up log's code lists, each declared once. The database stores these codes, the API
// contract derives `z.enum(LIST)` from them, db/types.ts takes its types from them, and every label
// map is a `Record<Code, string>`, so a code without words is a compile error.
// (The engine's own lists, from the case format, are in types.ts.)

/** What made the engine produce a recommendation. */
export const RECOMMENDATION_TRIGGERS = [
  'study-recorded',
  'result-entered',
  'facts-changed',
  'manual',
  'guideline-pack-changed',
] as const
export type RecommendationTrigger = (typeof RECOMMENDATION_TRIGGERS)[number]

/** How a radiologist closes a scheduled follow-up item by hand. */
export const CLOSING_STATUSES = ['done', 'cancelled', 'deferred'] as const
export type ClosingStatus = (typeof CLOSING_STATUSES)[number]

/** Every state of a follow-up item: open (`scheduled`) or closed. */
export const ITEM_STATUSES = ['scheduled', ...CLOSING_STATUSES] as const
export type ItemStatus = (typeof ITEM_STATUSES)[number]

/** Why a radiologist closed an item by hand (`followup.setStatus`). */
export const MANUAL_STATUS_REASON_CODES = [
  'done-elsewhere',
  'patient-declined',
  'patient-request',
  'clinical-change',
  'scheduling',
  'end-of-surveillance',
  'duplicate',
  'other',
] as const
export type ManualStatusReasonCode = (typeof MANUAL_STATUS_REASON_CODES)[number]

/**
 * Why the follow-up lifecycle (engine/followup/reconcile.ts) closed an item. Every one but
 * `left-surveillance` is followed at once by the next step.
 */
export const LIFECYCLE_CLOSE_REASONS = [
  'study-recorded',
  'done-elsewhere',
  'result-entered',
  'decision-recorded',
  'superseded',
  'cancelled',
  'deferred',
  'left-surveillance',
] as const
export type LifecycleCloseReason = (typeof LIFECYCLE_CLOSE_REASONS)[number]

/** Why an item was closed: by the lifecycle, or (in logs written before it) by hand. */
export const STATUS_REASON_CODES = [
  'study-recorded',
  'result-entered',
  'decision-recorded',
  'superseded',
  'cancelled',
  'deferred',
  'left-surveillance',
  ...MANUAL_STATUS_REASON_CODES,
] as const
export type StatusReasonCode = (typeof STATUS_REASON_CODES)[number]

/** Why the radiologist changed the suggested study or window. */
export const OVERRIDE_REASON_CODES = [
  'clinician-decision',
  'patient-preference',
  'contraindication',
  'other',
] as const
export type OverrideReasonCode = (typeof OVERRIDE_REASON_CODES)[number]

/** The worklist's views of the open items (`now` = overdue and due). */
export const WORKLIST_BUCKETS = [
  'now',
  'overdue',
  'due',
  'upcoming-30',
  'upcoming-90',
  'all',
  'attention',
] as const
export type WorklistBucket = (typeof WORKLIST_BUCKETS)[number]

export const WORKLIST_SORTS = ['due', 'name', 'mrn', 'result', 'dose'] as const
export type WorklistSort = (typeof WORKLIST_SORTS)[number]

/** A worklist row's value under a sort (null sorts last, whichever the direction). */
export type WorklistSortKey = string | number | null

/**
 * The value a worklist row is ordered by under `sort`: what a keyset page's cursor names (with the
 * patient id, which breaks ties). One definition for the back end's export and the renderer.
 */
export function worklistSortKey(
  row: {
    name: string
    mrn: string
    lastResult: string | null
    cumulativeMsv: number | null
    item: { due: { from: string } } | null
  },
  sort: WorklistSort,
): WorklistSortKey {
  switch (sort) {
    case 'due':
      return row.item?.due.from ?? null
    case 'name':
      return row.name
    case 'mrn':
      return row.mrn
    case 'result':
      return row.lastResult
    case 'dose':
      return row.cumulativeMsv
  }
}

export const THEMES = ['dark', 'light'] as const
export type Theme = (typeof THEMES)[number]

/**
 * What a follow-up item asks the radiologist to do. The code, never the item's display text,
 * decides how an item behaves (stored in `followup_item.kind`, see docs/data.md):
 *
 * - `imaging`: the next study at the variant's interval, counted from the latest read study or
 *   from the resection ("Next study in 6–12 months").
 * - `imaging-now`: a study due now: baseline imaging, or imaging for a suspected progression.
 * - `treatment-response`: imaging of the response to a new treatment, counted from when the
 *   treatment began.
 * - `enter-result`: the newest study has no result yet; the plan depends on it.
 * - `tumor-board`: a tumour board review, due now.
 * - `clinician-review`: the case needs a radiologist's review (no verified plan), due now.
 *
 * Every kind but `imaging` and `treatment-response` is due from the day it is opened and keeps that
 * first window while it stays open, so it can become overdue.
 */
export const FOLLOW_UP_ITEM_KINDS = [
  'imaging',
  'imaging-now',
  'treatment-response',
  'enter-result',
  'tumor-board',
  'clinician-review',
] as const
export type FollowUpItemKind = (typeof FOLLOW_UP_ITEM_KINDS)[number]

/** Why a patient left surveillance (`surveillance_exit.reason_code`, migration 40). */
export const SURVEILLANCE_EXIT_REASONS = [
  'surveillance-completed',
  'discharged-elsewhere',
  'deceased',
  'declined-imaging',
  'lost-to-follow-up',
  'other',
] as const
export type SurveillanceExitReason = (typeof SURVEILLANCE_EXIT_REASONS)[number]

/** Why a step was deferred (`followup_item.deferral_reason_code`, migration 40). */
export const DEFERRAL_REASONS = ['patient-request', 'clinical-change', 'scheduling', 'other'] as const
export type DeferralReason = (typeof DEFERRAL_REASONS)[number]

/** What a tumour board or a review decided (engine/followup/types.ts `BoardDecision`). */
export const DECISION_TYPES = [
  'new-treatment',
  'continue-surveillance',
  'further-imaging',
  'leave-surveillance',
] as const
export type DecisionType = (typeof DECISION_TYPES)[number]
/**
 * The biomarkers a radiologist can record for a patient (`biomarker.marker`, migration 60). The
 * values are kept and shown as a trend; the engine reads none of them and infers nothing (a rise
 * the radiologist judges relevant is recorded as the `rising-biomarkers` symptom).
 */
export const BIOMARKERS = [
  'chromogranin-a',
  'pancreastatin',
  'nse',
  'urine-5-hiaa',
  'plasma-5-hiaa',
  'serotonin',
  'gastrin',
  'insulin',
  'glucagon',
  'vip',
] as const
export type Biomarker = (typeof BIOMARKERS)[number]

/**
 * How much of the patient a calendar event names (docs/interop.md): initials and MRN by default,
 * the MRN alone, or the full name and MRN when the person exporting chooses it.
 */
export const CALENDAR_IDENTITIES = ['initials-mrn', 'mrn', 'name-mrn'] as const
export type CalendarIdentity = (typeof CALENDAR_IDENTITIES)[number]

/**
 * The fields a CSV import can fill (docs/interop.md): a column is mapped to one of these, or to
 * none. Patient fields are the case schema's paths; `treatment.*` adds one treatment per row and
 * `study.*` one study per row.
 */
export const CSV_IMPORT_FIELDS = [
  'mrn',
  'name',
  'birthDate',
  'weightKg',
  'diagnosis.date',
  'diagnosis.confirmed',
  'diagnosis.grade',
  'diagnosis.functional',
  'diagnosis.primarySizeMm',
  'stagingComplete',
  'activeSurveillance',
  'burden',
  'suspectedRecurrence',
  'symptoms',
  'constraints.mriContraindicated',
  'constraints.mriReason',
  'constraints.iodinatedContrastContraindicated',
  'constraints.gadoliniumContraindicated',
  'constraints.eGFR',
  'requestedProcedure',
  'treatment.kind',
  'treatment.date',
  'treatment.completeResection',
  'study.date',
  'study.procedure',
  'study.result',
  'study.ctdiVolMgy',
  'study.dlpMgyCm',
  'study.region',
  'study.activityMbq',
  'study.agent',
  'study.effectiveMsv',
  'study.note',
] as const
export type CsvImportField = (typeof CSV_IMPORT_FIELDS)[number]

/**
 * The kinds of change the audit trail can be filtered by (docs/data.md, "Reading the audit
 * trail"). Each `audit_log.action` belongs to exactly one (db/queries/audit.ts `auditKindOf`);
 * an action no rule names is `other`, so a new action is still listed and filterable.
 */
export const AUDIT_KINDS = [
  'created',
  'changed',
  'removed',
  'result',
  'followup-decision',
  'marked-in-error',
  'restored',
  'undone',
  'recommendation',
  'import',
  'guideline-pack',
  'settings',
  'read',
  'export',
  'backup',
  'account',
  'session',
  'log',
  'other',
] as const
export type AuditKind = (typeof AUDIT_KINDS)[number]

/**
 * Exports the renderer makes itself (the dose ledger's CSV, the printed or saved follow-up sheet):
 * the renderer tells the back end (`audit.noteExport`) so the audit trail records them like the
 * exports the back end writes.
 */
export const NOTED_EXPORTS = ['dose-csv', 'sheet-print', 'sheet-pdf'] as const
export type NotedExport = (typeof NOTED_EXPORTS)[number]

/**
 * The roles of a named account (issue 13, docs/security.md): a radiologist may do everything,
 * including managing accounts, the guideline pack and the site's settings; a coordinator records
 * and schedules but does not manage; a read-only account reads and exports.
 */
export const USER_ROLES = ['radiologist', 'coordinator', 'read-only'] as const
export type UserRole = (typeof USER_ROLES)[number]

/** Shortest account password (characters). */
export const MIN_PASSWORD = 10

/** Bounds of the idle lock (a setting of the log), in minutes. */
export const IDLE_LOCK_MINUTES = { min: 1, max: 60, default: 10 } as const

/**
 * How far a call reaches (electron/contract/access.ts classifies every call): `open` to anyone at
 * the window, `self` and `read` to every signed-in account, `write` to radiologists and
 * coordinators, `admin` to radiologists.
 */
export const ACCESS_LEVELS = ['open', 'self', 'read', 'write', 'admin'] as const
export type Access = (typeof ACCESS_LEVELS)[number]

/** The levels each role reaches (the back end enforces it; the UI greys out the rest). */
export const ROLE_REACH: Record<UserRole, readonly Access[]> = {
  radiologist: ['open', 'self', 'read', 'write', 'admin'],
  coordinator: ['open', 'self', 'read', 'write'],
  'read-only': ['open', 'self', 'read'],
}

export function roleReaches(role: UserRole, access: Access): boolean {
  return ROLE_REACH[role].includes(access)
}
