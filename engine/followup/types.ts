// The follow-up lifecycle as data: what a next step is, what can happen to it, and what the pure
// state machine (./reconcile.ts) decides. No I/O, no clock: every date is given.
//
// The one invariant (docs/followup-lifecycle.md): a patient in the log is always in exactly one of
//   - has ONE open next step (an imaging window, a result to enter, a tumour board, a review), or
//   - has LEFT surveillance with a recorded reason, person and date.
// Only a decision of type `close-with-outcome` leaves a patient without an open step, and it
// always carries a surveillance exit.

import type {
  DeferralReason,
  FollowUpItemKind,
  LifecycleCloseReason,
  ManualStatusReasonCode,
  SurveillanceExitReason,
} from '../codes'
import type { DueWindow, IsoDate, ProcedureId, StudyResult, TreatmentKind } from '../types'

export type { DeferralReason, FollowUpItemKind, SurveillanceExitReason }
export {
  DEFERRAL_REASONS,
  SURVEILLANCE_EXIT_REASONS,
  LIFECYCLE_CLOSE_REASONS as CLOSE_REASONS,
} from '../codes'

/** Imaging kinds: a study is what fulfils them. */
export const IMAGING_KINDS = [
  'imaging',
  'imaging-now',
  'treatment-response',
] as const satisfies readonly FollowUpItemKind[]

/** Kinds due from the day they are opened; while open they keep that first window. */
export const DUE_NOW_KINDS = [
  'imaging-now',
  'enter-result',
  'tumor-board',
  'clinician-review',
] as const satisfies readonly FollowUpItemKind[]

/** Kinds a person decides (they are closed by recording the decision, never by a study). */
export const DECISION_KINDS = [
  'tumor-board',
  'clinician-review',
] as const satisfies readonly FollowUpItemKind[]

export function isImagingKind(k: FollowUpItemKind): boolean {
  return (IMAGING_KINDS as readonly string[]).includes(k)
}
export function isDueNowKind(k: FollowUpItemKind): boolean {
  return (DUE_NOW_KINDS as readonly string[]).includes(k)
}
export function isDecisionKind(k: FollowUpItemKind): boolean {
  return (DECISION_KINDS as readonly string[]).includes(k)
}

export interface SurveillanceExit {
  reasonCode: SurveillanceExitReason
  /** Required for `other`; optional words otherwise. */
  text: string | null
  /** For `lost-to-follow-up`: how many attempts to reach the patient were made. */
  attempts: number | null
  /** The day the patient left (a calendar date). */
  date: IsoDate
}

/** How an item was closed (`status`) and why (`reasonCode`). */
export type CloseReason = LifecycleCloseReason
export type CloseStatus = 'done' | 'cancelled' | 'deferred'

/** The radiologist's choice kept beside the suggestion. */
export interface StepOverride {
  procedure: ProcedureId | null
  due: DueWindow | null
  reasonCode: 'clinician-decision' | 'patient-preference' | 'contraindication' | 'other'
  text: string | null
}

/** A next step as the state machine sees it: what the log holds for the open item. */
export interface Step {
  kind: FollowUpItemKind
  /** The suggestion. */
  procedure: ProcedureId | null
  due: DueWindow
  /** Display text only; nothing decides by it. */
  reason: string
  /** For `enter-result`: the study whose result is awaited. */
  studyId: number | null
  override: StepOverride | null
  /** For a deferral successor: why it was deferred. */
  deferralReason: DeferralReason | null
}

/** The open item: a stored step with its id. */
export interface OpenStep extends Step {
  id: number
}

/** A study as the fulfilment rule needs it. */
export interface StudyFact {
  id: number
  date: IsoDate
  procedure: ProcedureId
  /** The reader's result, or the one the engine derived from RECIST; null = not read yet. */
  result: StudyResult | null
}

/** A tumour board's or a review's decision (what the board chose; see ./decision.ts). */
export type BoardDecision =
  | { type: 'new-treatment'; treatment: { kind: TreatmentKind; date: IsoDate } }
  | { type: 'continue-surveillance'; procedure: ProcedureId; due: DueWindow }
  | { type: 'further-imaging'; procedure: ProcedureId; due: DueWindow }
  | { type: 'leave-surveillance'; exit: SurveillanceExit }

/** What happened, that the open item may have to follow. */
export type LifecycleEvent =
  /** A study was stored (entered by hand). */
  | { type: 'study-recorded'; study: StudyFact }
  /** A study done at another centre was stored for the open imaging item. */
  | { type: 'done-elsewhere'; study: StudyFact }
  /** The result of a stored study was entered or changed. */
  | { type: 'result-entered'; study: StudyFact }
  /** Facts changed: patient edited, a study or treatment corrected or withdrawn, an undo. */
  | { type: 'facts-changed' }
  /** The radiologist cancels the open step (its successor opens at once), with the reason. */
  | { type: 'cancel'; reasonCode: ManualStatusReasonCode; text: string | null }
  /** The radiologist moves the open step to a later window. */
  | { type: 'defer'; due: DueWindow; reasonCode: DeferralReason; text: string | null }
  /** The board's (or review's) decision on the open decision step. */
  | { type: 'decision'; date: IsoDate; decision: BoardDecision }
  /** The patient leaves surveillance. */
  | { type: 'leave'; exit: SurveillanceExit }
  /** A patient who had left is under surveillance again. */
  | { type: 'reopen' }

export interface ReconcileInput {
  /** The patient's open item, if any. */
  open: OpenStep | null
  /** The step the current recommendation calls for (./step.ts `stepFor`). */
  wanted: Step
  event: LifecycleEvent
  /** Whether the patient has left surveillance (an exit is recorded and not reopened). */
  left: boolean
  /**
   * Kinds of decision steps (board, review) whose decision was recorded since the latest study
   * was entered: the engine asking for the same again is already answered.
   */
  decidedSinceLatestStudy: readonly FollowUpItemKind[]
  /** Ids of the patient's studies still in the log (not withdrawn), with their results. */
  studies: readonly StudyFact[]
  asOf: IsoDate
  settings: LifecycleSettings
}

export interface LifecycleSettings {
  /** A study fulfils an imaging step when dated no earlier than this many days before its window. */
  fulfilmentMarginDays: number
}

export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = { fulfilmentMarginDays: 30 }

/** Why a study did or did not fulfil the open item. */
export interface Fulfilment {
  fulfils: boolean
  guard: FulfilmentGuard
  reason: string
}

export type FulfilmentGuard =
  | 'no-open-step'
  | 'not-an-imaging-step'
  | 'result-step-for-other-study'
  | 'other-modality-group'
  | 'before-window-margin'
  | 'same-group-in-time'
  | 'done-elsewhere-declared'

/** Every rule of the state machine, by name. */
export const GUARDS = [
  // no open step
  'left-surveillance',
  'no-open-step',
  'surveillance-reopened',
  'already-under-surveillance',
  // studies
  'study-fulfils-step',
  'done-elsewhere',
  'history-does-not-replace-step',
  'result-awaited',
  'result-entered',
  'awaited-study-withdrawn',
  'board-awaits-decision',
  // facts and suggestion
  'already-decided',
  'same-step',
  'suggestion-changed',
  'imaging-kind-changed',
  'step-superseded',
  // commands
  'cancel-reopens-guideline-step',
  'deferral-window-in-past',
  'deferral-window-invalid',
  'deferred',
  'not-a-decision-step',
  'done-elsewhere-needs-imaging-step',
  'decision-recorded',
  'decision-not-reflected',
  'decision-leaves-surveillance',
  'decision-window-in-past',
  'decision-date-in-future',
  'treatment-date-in-future',
  'leave-surveillance',
  'exit-needs-text',
  'exit-needs-attempts',
  'exit-date-in-future',
  'nothing-open',
] as const
export type Guard = (typeof GUARDS)[number]

/** What to close, and how. */
export interface Close {
  status: CloseStatus
  /** A lifecycle code, or for a cancellation the reason the person gave. */
  reasonCode: CloseReason | ManualStatusReasonCode
  /** The study that fulfilled it (done by a study). */
  studyId: number | null
  text: string | null
}

/** A step to open: a suggestion, maybe with the person's override. */
export type NewStep = Step

/**
 * The state machine's answer. Each carries the guard that fired and plain words saying why.
 * Services apply it as is; they decide nothing themselves.
 */
export type Decision = { guard: Guard; reason: string; fulfilment?: Fulfilment } & (
  | { type: 'keep' }
  | { type: 'retarget'; to: Pick<Step, 'kind' | 'procedure' | 'due' | 'reason' | 'studyId'> }
  | { type: 'open'; open: NewStep }
  | { type: 'close-and-open'; close: Close; open: NewStep }
  | { type: 'close-with-outcome'; close: Close | null; exit: SurveillanceExit }
  | { type: 'none' }
  | { type: 'refuse'; code: 'CONFLICT' | 'INVALID'; field?: string }
)
