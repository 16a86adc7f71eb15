// What a different guideline pack changes for one case: the same case on the same day evaluated
// under the pack in use and under the candidate, compared by what the radiologist acts on (the
// action, the study, the due window, the alerts), with the candidate's own words for why.
import type {
  AlertCode,
  DueWindow,
  Evaluation,
  MonthInterval,
  NextAction,
  ProcedureId,
  RationaleStep,
} from './types'

export interface PlanSummary {
  action: NextAction
  procedure: ProcedureId | null
  due: DueWindow | null
  intervalMonths: MonthInterval | null
  alerts: readonly AlertCode[]
}

export const PLAN_ASPECTS = ['action', 'study', 'window', 'alerts'] as const
export type PlanAspect = (typeof PLAN_ASPECTS)[number]

export interface PlanChange {
  /** What differs, in the order above. */
  changed: PlanAspect[]
  before: PlanSummary
  after: PlanSummary
  alertsAdded: AlertCode[]
  alertsRemoved: AlertCode[]
  /** The candidate's rationale steps that the pack in use does not give: why the plan moves. */
  reasons: RationaleStep[]
}

function summary(e: Evaluation): PlanSummary {
  return {
    action: e.next.action,
    procedure: e.next.procedure,
    due: e.next.due,
    intervalMonths: e.next.intervalMonths,
    alerts: e.alerts,
  }
}

const sameWindow = (a: DueWindow | null, b: DueWindow | null): boolean =>
  a === b || (a !== null && b !== null && a.from === b.from && a.to === b.to)

/**
 * The change between two evaluations of the same case, or `null` when the action, study, window
 * and alerts are all the same (a reworded step alone does not move a case).
 *
 * @example comparePlans(evaluate(c, d, current), evaluate(c, d, candidate))?.changed // ['study']
 */
export function comparePlans(before: Evaluation, after: Evaluation): PlanChange | null {
  const changed: PlanAspect[] = []
  if (before.next.action !== after.next.action) changed.push('action')
  if (before.next.procedure !== after.next.procedure) changed.push('study')
  if (!sameWindow(before.next.due, after.next.due)) changed.push('window')
  const alertsAdded = after.alerts.filter((a) => !before.alerts.includes(a))
  const alertsRemoved = before.alerts.filter((a) => !after.alerts.includes(a))
  if (alertsAdded.length > 0 || alertsRemoved.length > 0) changed.push('alerts')
  if (changed.length === 0) return null
  const said = new Set(before.rationale.map((r) => r.text))
  return {
    changed,
    before: summary(before),
    after: summary(after),
    alertsAdded,
    alertsRemoved,
    reasons: after.rationale.filter((r) => !said.has(r.text) && r.rule !== 'schedule.due'),
  }
}
