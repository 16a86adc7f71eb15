// Variant + history + constraints + asOf -> the next action, study, alternatives, interval, due
// window, alerts and rationale.
//
// Follow-up of non-liver-dominant disease follows the founding article (source `seed`) branch by
// branch. The other variants do only what their facts support (domain-facts §1.3 and §8): each
// has one verified study, so when it is ruled out the case goes to a clinician, and nothing
// without a verified rating is ever chosen.
//
// The decision is a pipeline of small pure steps, called in order by `recommendationSteps`. Each
// returns its own findings (alerts, rationale, missing inputs); a step that settles the next step
// (tumour board, clinician review, end of surveillance) ends the pipeline. The request checks
// always run last. `mergeFindings` joins the findings once, de-duplicating there.
import { feasibleStudies } from '../choice'
import { classify, type Classification } from '../classify'
import { gatherFacts, type CaseFacts } from '../facts'
import { ACR_PNET, type LoadedPack, type LoadedVariant } from '../guideline'
import type { Alert, AlertCode, Case, IsoDate, NextStep, RationaleStep } from '../types'
import { chosenStudyChecks, contraindicationFindings } from './constraints'
import { mergeFindings, NO_PROCEDURES, type Findings } from './findings'
import {
  clinicianReview,
  noFeasibleStudyStep,
  noRoutineStudyStep,
  noVariantStep,
  progressionStep,
  untreatedSizeStep,
} from './handover'
import { historyFindings, latestReadAfter } from './history'
import {
  intervalStep,
  localizedSymptomsStep,
  scheduleStep,
  suspicionStep,
  surveillanceEndStep,
} from './interval'
import { requestChecks } from './request'
import { pitfallFindings, studyChoiceStep } from './studyChoice'

/**
 * The steps of the pipeline, bound once. Under tsx, which runs `npm run bench:engine`, each call
 * into another module goes through two getters; the pipeline makes about twenty such calls per
 * case, and binding them here made the bench about 15% faster (measured, 3 interleaved runs).
 */
const STEP = Object.freeze({
  feasibleStudies,
  contraindications: contraindicationFindings,
  surveillanceEnd: surveillanceEndStep,
  latestReadAfter,
  history: historyFindings,
  progression: progressionStep,
  untreatedSize: untreatedSizeStep,
  noFeasibleStudy: noFeasibleStudyStep,
  noRoutineStudy: noRoutineStudyStep,
  interval: intervalStep,
  suspicion: suspicionStep,
  localizedSymptoms: localizedSymptomsStep,
  studyChoice: studyChoiceStep,
  chosenStudyChecks,
  pitfalls: pitfallFindings,
  schedule: scheduleStep,
  requestChecks,
  noVariant: noVariantStep,
  clinicianReview,
  mergeFindings,
})

export interface Recommendation {
  next: NextStep
  alerts: AlertCode[]
  alertDetails: Alert[]
  rationale: RationaleStep[]
  inputsMissing: string[]
}

export interface RecommendContext {
  classification?: Classification
  facts?: CaseFacts
}

/** The next step, and the findings of every step that ran, in order and not yet merged. */
export interface RecommendationSteps {
  next: NextStep
  steps: Findings[]
}

/**
 * The next step for a case.
 *
 * @example recommend(nl01, '2026-06-15').next
 * // { action: 'image', procedure: 'mri-abdomen-pelvis-without-and-with-iv-contrast',
 * //   alternatives: ['ct-abdomen-pelvis-with-iv-contrast', 'dotatate-pet-ct-skull-base-to-mid-thigh'],
 * //   intervalMonths: { min: 6, max: 12 }, due: { from: '2026-09-12', to: '2027-03-12' }, ... }
 */
export function recommend(
  c: Case,
  asOf: IsoDate,
  pack: LoadedPack = ACR_PNET,
  context: RecommendContext = {},
): Recommendation {
  const facts = context.facts ?? gatherFacts(c, asOf)
  const cls = context.classification ?? classify(c, asOf, facts.latestRead)
  const { next, steps } = recommendationSteps(c, asOf, pack, cls, facts)
  const { alerts, alertDetails, rationale, inputsMissing } = STEP.mergeFindings(steps)
  return { next, alerts, alertDetails, rationale, inputsMissing }
}

/**
 * The pipeline: the decision's steps for the case's variant, then the checks of the requested
 * study. `evaluate` merges the steps' findings with the classification's and the dose's.
 */
export function recommendationSteps(
  c: Case,
  asOf: IsoDate,
  pack: LoadedPack,
  cls: Classification,
  facts: CaseFacts,
): RecommendationSteps {
  const v = cls.variant === null ? null : pack.variants[cls.variant]
  const decision = v === null ? noVariant(pack, cls) : decide(c, asOf, pack, cls, v, facts)
  decision.steps.push(STEP.requestChecks(c, pack, v, decision.next))
  return decision
}

function noVariant(pack: LoadedPack, cls: Classification): RecommendationSteps {
  const step = STEP.noVariant(pack, cls)
  return { next: step.next, steps: [step.findings] }
}

/** The decision for a case in variant `v`: each step in order, until one settles the next step. */
function decide(
  c: Case,
  asOf: IsoDate,
  pack: LoadedPack,
  cls: Classification,
  v: LoadedVariant,
  facts: CaseFacts,
): RecommendationSteps {
  const constraints = c.constraints
  const feasible = STEP.feasibleStudies(pack, v, constraints)
  const resectionDate = v.id === 'post-resection-surveillance' ? cls.resectionDate : null
  const steps: Findings[] = [STEP.contraindications(pack, constraints)]

  const end = STEP.surveillanceEnd(pack, v, resectionDate, asOf)
  steps.push(end.findings)
  if (end.next !== null) return { next: end.next, steps }

  const latest = STEP.latestReadAfter(facts, resectionDate)
  steps.push(STEP.history(pack, facts, latest))

  const progression = STEP.progression(pack, c, asOf, v, facts, latest, feasible)
  steps.push(progression.findings)
  if (progression.next !== null) return { next: progression.next, steps }

  const size = STEP.untreatedSize(pack, c, v, facts.studies)
  steps.push(size.findings)
  if (size.next !== null) return { next: size.next, steps }

  const nothingFeasible = STEP.noFeasibleStudy(pack, feasible)
  steps.push(nothingFeasible.findings)
  if (nothingFeasible.next !== null) return { next: nothingFeasible.next, steps }

  const noRoutine = STEP.noRoutineStudy(c, pack, v, feasible)
  steps.push(noRoutine.findings)
  if (noRoutine.next !== null) return { next: noRoutine.next, steps }

  const interval = STEP.interval(
    c,
    asOf,
    pack,
    v,
    facts,
    latest,
    resectionDate,
    progression.newTreatment,
    feasible,
  )
  steps.push(interval.findings)
  if (interval.plan === null) return { next: STEP.clinicianReview(), steps }

  const suspicion = STEP.suspicion(pack, c, asOf, v, feasible, interval.plan)
  const localized = STEP.localizedSymptoms(pack, c, v, feasible, suspicion.plan)
  const plan = localized.plan
  const choice = STEP.studyChoice(pack, v, feasible, plan.front, constraints)
  const checks = STEP.chosenStudyChecks(
    pack,
    pack.procedure[choice.procedure],
    constraints,
    c.birthDate,
    asOf,
  )
  const pitfalls = STEP.pitfalls(pack, v, facts.studies.length, choice.procedure)
  const schedule = STEP.schedule(pack, asOf, plan)
  steps.push(suspicion.findings, localized.findings, choice.findings, checks, pitfalls, schedule.findings)
  return {
    next: {
      action: 'image',
      procedure: choice.procedure,
      alternatives: choice.alternatives,
      intervalMonths: schedule.intervalMonths,
      due: schedule.due,
      anchor: schedule.anchor,
      status: schedule.status,
      additions: NO_PROCEDURES,
    },
    steps,
  }
}
