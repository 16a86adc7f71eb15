// The whole decision for one case: variant, ratings, next step, RECIST, alerts, rationale, dose.
import { classify } from './classify'
import { isIsoDate } from './dates'
import { doseSummary } from './dose'
import { gatherFacts } from './facts'
import { ACR_PNET, type LoadedPack, type LoadedVariant } from './guideline'
import { recommendationSteps } from './recommend'
import { mergeFindings, NOTHING, type Findings } from './recommend/findings'
import type {
  Case,
  DoseSummary,
  EngineSettings,
  Evaluation,
  IsoDate,
  RationaleStep,
  RatingRow,
  StudyDoseEstimate,
} from './types'

const NO_RATINGS: readonly RatingRow[] = Object.freeze([])
const NO_DERIVED = Object.freeze([]) as readonly never[]

const variantStepCache = new WeakMap<LoadedVariant, RationaleStep>()
function variantStep(v: LoadedVariant): RationaleStep {
  let s = variantStepCache.get(v)
  if (!s) {
    s = Object.freeze({ text: `Variant: ${v.title}.`, source: v.source, rule: 'classify' })
    variantStepCache.set(v, s)
  }
  return s
}

/** The dose ledger's word when some study's dose is unknown (`detectnet_label`). */
function doseFindings(dose: DoseSummary): Findings {
  const unknown = dose.unknownStudies.length
  if (unknown === 0) return NOTHING
  return {
    alerts: ['dose-unknown'],
    rationale: [
      {
        text: `The dose of ${unknown} ${unknown === 1 ? 'study is' : 'studies are'} unknown (no coefficient for the agent, e.g. Cu-64 DOTATATE); enter a site value to count it.`,
        source: 'detectnet_label',
        rule: 'dose.unknown',
      },
    ],
    missing: [],
  }
}

/**
 * Evaluate one case as of a day with a guideline pack. Pure and deterministic: the same case,
 * `asOf`, pack and settings always give a deep-equal result, and the case is never modified.
 *
 * @example
 * const e = evaluate(nl01, '2026-06-15', ACR_PNET)
 * e.variant // 'follow-up-non-liver-dominant'
 * e.next.due // { from: '2026-09-12', to: '2027-03-12' }
 */
export function evaluate(
  c: Case,
  asOf: IsoDate,
  pack: LoadedPack = ACR_PNET,
  settings: EngineSettings = {},
): Evaluation {
  if (!isIsoDate(asOf))
    throw new RangeError(`asOf is not a calendar date (YYYY-MM-DD): ${JSON.stringify(asOf)}`)
  const facts = gatherFacts(c, asOf)
  const cls = classify(c, asOf, facts.latestRead)
  const classification = {
    alerts: cls.alerts,
    rationale: cls.variant === null ? [] : [variantStep(pack.variants[cls.variant])],
    missing: cls.inputsMissing,
  }
  const rec = recommendationSteps(c, asOf, pack, cls, facts)
  const studyDoses: StudyDoseEstimate[] = []
  const dose = doseSummary(
    c.studies,
    pack,
    asOf,
    c.weightKg,
    settings.kFactors ?? 'aapm96',
    settings.siteCoefficients?.['cu64-dotatate'],
    studyDoses,
  )
  // One merge, in order: classification, decision, dose; then `missing-facts` when the decision
  // found a missing input.
  const { alerts, rationale, inputsMissing } = mergeFindings([
    classification,
    ...rec.steps,
    doseFindings(dose),
    rec.steps.some((s) => s.missing.length > 0)
      ? { alerts: ['missing-facts'], rationale: [], missing: [] }
      : NOTHING,
  ])

  return {
    id: c.id,
    variant: cls.variant,
    variantReasons: cls.reasons,
    ratings: cls.variant === null ? NO_RATINGS : pack.variants[cls.variant].ratings,
    next: rec.next,
    response: facts.response,
    alerts,
    rationale,
    dose,
    guideline: pack.ref,
    asOf,
    inputsMissing,
    derivedResults: facts.derived === null ? NO_DERIVED : [facts.derived],
    studyDoses,
  }
}
