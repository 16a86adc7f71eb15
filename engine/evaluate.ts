// The whole decision for one case: variant, ratings, next step, RECIST, alerts, rationale, dose.
import { alert, alertSaying } from './alerts'
import { classify } from './classify'
import { isIsoDate } from './dates'
import { doseSummary } from './dose'
import { gatherFacts } from './facts'
import { ACR_PNET, type LoadedPack, type LoadedVariant } from './guideline'
import { recommendationSteps } from './recommend'
import { mergeFindings, NOTHING, type Findings } from './recommend/findings'
import type {
  Alert,
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

/** The facts the engine may ask for, in words. */
const FACT_WORDS: Readonly<Record<string, string>> = {
  treatments: 'the treatment history',
  'treatments.date': 'treatment dates',
  'treatments.completeResection': 'whether the resection was complete',
  'diagnosis.confirmed': 'histological confirmation of the diagnosis',
  'diagnosis.primarySizeMm': 'the size of the primary tumour',
  burden: 'where most of the tumour lies (liver or elsewhere)',
  activeSurveillance: 'whether the tumour is under active surveillance',
  stagingComplete: 'whether staging is complete',
  suspectedRecurrence: 'whether recurrence is suspected',
  symptoms: 'whether there are symptoms (none is an answer)',
  'constraints.mriContraindicated': 'whether MRI is safe for the patient',
  'constraints.gadoliniumContraindicated': 'whether gadolinium contrast is safe for the patient',
  'constraints.iodinatedContrastContraindicated': 'whether iodinated contrast is safe for the patient',
  'constraints.eGFR': 'kidney function (eGFR)',
}

function factWords(field: string): string {
  return `${FACT_WORDS[field] ?? field} (${field})`
}

/**
 * The `missing-facts` alert in words: each missing fact by name, and what it is needed for
 * (placing the case, or the decision once placed: choosing the step, or ordering the study).
 */
function missingFactsAlert(placed: boolean, placing: readonly string[], deciding: readonly string[]): Alert {
  const parts: string[] = []
  const toOrder: string[] = []
  const toTime: string[] = []
  const toChoose: string[] = []
  for (const f of deciding) {
    if (placing.includes(f)) continue
    ;(f.startsWith('constraints.') ? toOrder : f === 'treatments.date' ? toTime : toChoose).push(factWords(f))
  }
  if (placing.length > 0) {
    parts.push(
      `${placed ? 'to confirm the case belongs to its variant' : 'to place the case'}: ${placing.map(factWords).join('; ')}`,
    )
  }
  if (toChoose.length > 0) parts.push(`to choose the next step: ${toChoose.join('; ')}`)
  if (toTime.length > 0) parts.push(`to time the next study: ${toTime.join('; ')}`)
  if (toOrder.length > 0) parts.push(`before ordering the study: ${toOrder.join('; ')}`)
  return alertSaying('missing-facts', `Not recorded — ${parts.join('. ')}.`)
}

/** The dose ledger's word when some study's dose is unknown (`detectnet_label`). */
function doseFindings(dose: DoseSummary): Findings {
  const unknown = dose.unknownStudies.length
  if (unknown === 0) return NOTHING
  return {
    alerts: [alert('dose-unknown')],
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
  const rec = recommendationSteps(c, asOf, pack, cls, facts)
  // Missing facts, with what each is needed for: one alert, where the classification puts it, or
  // after the decision's findings when only the decision lacks a fact.
  let deciding: string[] | null = null
  for (const s of rec.steps) for (const m of s.missing) (deciding ??= []).push(m)
  const missing =
    cls.inputsMissing.length > 0 || deciding !== null
      ? missingFactsAlert(cls.variant !== null, cls.inputsMissing, deciding ?? [])
      : null
  const classAlerts: Alert[] = []
  for (const code of cls.alerts) classAlerts.push(code === 'missing-facts' && missing ? missing : alert(code))
  const classification: Findings = {
    alerts: classAlerts,
    rationale: cls.variant === null ? [] : [variantStep(pack.variants[cls.variant])],
    missing: cls.inputsMissing,
  }
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
  // One merge, in order: classification, decision, dose; then `missing-facts` when only the
  // decision found a missing input.
  const { alerts, alertDetails, rationale, inputsMissing } = mergeFindings([
    classification,
    ...rec.steps,
    doseFindings(dose),
    missing !== null ? { alerts: [missing], rationale: [], missing: [] } : NOTHING,
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
    alertDetails,
    asOf,
    inputsMissing,
    derivedResults: facts.derived === null ? NO_DERIVED : [facts.derived],
    studyDoses,
  }
}
