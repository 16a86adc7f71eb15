// What each step of the recommendation returns, and the one place where the steps' findings are
// merged. A step never appends to a list it does not own: it returns its own `Findings`.
import type { Alert, AlertCode, NextStep, ProcedureId, RationaleStep } from '../types'

/** What one step adds to the recommendation: alerts, rationale steps and missing inputs, in order. */
export interface Findings {
  readonly alerts: readonly Alert[]
  readonly rationale: readonly RationaleStep[]
  /** Fields that would change the decision and are unknown (`inputsMissing`). */
  readonly missing: readonly string[]
}

/**
 * What a step that decides something returns: its findings, and what it decided. (Nested, not
 * spread into one object: `{ ...findings, more }` is very slow on V8 11.)
 */
export interface Step {
  readonly findings: Findings
}

/** A step that may settle the next step. `next: null` means the pipeline carries on. */
export interface Settling extends Step {
  readonly next: NextStep | null
}

const EMPTY: readonly never[] = Object.freeze([])

/** No studies (a shared, frozen empty list). */
export const NO_PROCEDURES: readonly ProcedureId[] = EMPTY

/** A step that found nothing to say. */
export const NOTHING: Findings = Object.freeze({ alerts: EMPTY, rationale: EMPTY, missing: EMPTY })

/** A step that settles nothing and says nothing: the pipeline carries on. */
export const CARRY_ON: Settling = Object.freeze({ findings: NOTHING, next: null })

/** A rationale step whose words depend on the case (the fixed ones are in `../rationaleSteps`). */
export function caseStep(text: string, source: string, rule: string): RationaleStep {
  return { text, source, rule }
}

export interface Merged {
  alerts: AlertCode[]
  /** The alerts with their words, in the order of `alerts`. */
  alertDetails: Alert[]
  rationale: RationaleStep[]
  inputsMissing: string[]
}

/**
 * The findings of the steps, in the order given. Alerts and missing inputs are de-duplicated here
 * and only here (the first occurrence keeps its place); rationale steps are kept as they come,
 * each step saying each thing once.
 */
export function mergeFindings(steps: readonly Findings[]): Merged {
  const alerts: AlertCode[] = []
  const alertDetails: Alert[] = []
  const rationale: RationaleStep[] = []
  const inputsMissing: string[] = []
  // Indexed loops: `for...of` over these small arrays of mixed kinds costs more than the rest of
  // the recommendation (npm run bench:engine).
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as Findings
    for (let j = 0; j < s.alerts.length; j++) {
      const a = s.alerts[j] as Alert
      if (!alerts.includes(a.code)) {
        alerts.push(a.code)
        alertDetails.push(a)
      }
    }
    for (let j = 0; j < s.rationale.length; j++) rationale.push(s.rationale[j] as RationaleStep)
    for (let j = 0; j < s.missing.length; j++) {
      const m = s.missing[j] as string
      if (!inputsMissing.includes(m)) inputsMissing.push(m)
    }
  }
  return { alerts, alertDetails, rationale, inputsMissing }
}
