// The follow-up lifecycle: pure state machine, fulfilment rule, next step, exits, adherence.
export * from './types'
export { reconcile } from './reconcile'
export {
  fulfilment,
  effectiveDue,
  effectiveProcedure,
  MODALITY_GROUP,
  MODALITY_GROUP_LABELS,
  type ModalityGroup,
} from './fulfilment'
export { stepFor } from './step'
export { describeExit, exitProblem, EXIT_REASON_LABELS } from './exit'
export {
  stepTiming,
  summarizeAdherence,
  WITHIN_HEALTH_WINDOW,
  type AdherenceSummary,
  type StepTiming,
  type Timeliness,
} from './adherence'
