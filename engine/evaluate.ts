// The whole decision for one case: variant, ratings, next step, RECIST, alerts, rationale, dose.
import { classify } from './classify'
import { isIsoDate } from './dates'
import { doseSummary } from './dose'
import { gatherFacts } from './facts'
import { ACR_PNET, type LoadedPack, type LoadedVariant } from './guideline'
import { recommendationSteps } from './recommend'
import { siteRuleFindings } from './siteRules'
import { mergeFindings, NOTHING, type Findings } from './recommend/findings'
import type {
  Alert,
  AlertCode,
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
function variantStep(pack: LoadedPack, v: LoadedVariant): RationaleStep {
  let s = variantStepCache.get(v)
  if (!s) {
    s = Object.freeze(pack.say.variant([v.title], v.source))
    variantStepCache.set(v, s)
  }
  return s
}

/**
 * The `missing-facts` alert in words: each missing fact by name, and what it is needed for
 * (placing the case, or the decision once placed: choosing the step, timing it, ordering the study).
 */
const NO_ALERTS: readonly Alert[] = Object.freeze([])
const NO_STEPS: readonly RationaleStep[] = Object.freeze([])
const NO_FIELDS: readonly string[] = Object.freeze([])

/** The missing-facts alerts already worded, per pack: the same facts give the same words. */
const missingWords = new WeakMap<LoadedPack, Map<string, Alert>>()

function missingFactsAlert(
  pack: LoadedPack,
  placed: boolean,
  placing: readonly string[],
  deciding: readonly string[],
): Alert {
  let cache = missingWords.get(pack)
  if (cache === undefined) {
    cache = new Map()
    missingWords.set(pack, cache)
  }
  const key =
    placing.length === 0 && deciding.length === 1
      ? (deciding[0] as string)
      : `${placed ? 1 : 0}${placing.join(',')}|${deciding.join(',')}`
  let a = cache.get(key)
  if (a === undefined) {
    a = Object.freeze(wordMissingFacts(pack, placed, placing, deciding))
    cache.set(key, a)
  }
  return a
}

function wordMissingFacts(
  pack: LoadedPack,
  placed: boolean,
  placing: readonly string[],
  deciding: readonly string[],
): Alert {
  const facts = pack.words.facts as Readonly<Record<string, string>>
  const name = (f: string): string => `${facts[f] ?? f} (${f})`
  const groups = {
    place: [] as string[],
    confirm: [] as string[],
    choose: [] as string[],
    time: [] as string[],
    order: [] as string[],
  }
  for (const f of placing) (placed ? groups.confirm : groups.place).push(name(f))
  for (const f of deciding) {
    if (placing.includes(f)) continue
    ;(f.startsWith('constraints.')
      ? groups.order
      : f === 'treatments.date'
        ? groups.time
        : groups.choose
    ).push(name(f))
  }
  const parts: string[] = []
  for (const k of ['place', 'confirm', 'choose', 'time', 'order'] as const) {
    if (groups[k].length > 0) parts.push(pack.phrase('purposes', k, { facts: groups[k].join('; ') }))
  }
  return pack.alertSay.missingFacts([parts.join('. ')])
}

/** The dose ledger's word when some study's dose is unknown. */
function doseFindings(pack: LoadedPack, dose: DoseSummary): Findings {
  const unknown = dose.unknownStudies.length
  if (unknown === 0) return NOTHING
  return {
    alerts: [pack.alerts['dose-unknown']],
    rationale: [unknown === 1 ? pack.steps.doseUnknown : pack.say.dosesUnknown([unknown])],
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
  // (Indexed loops and no spread: this runs once per case in batch jobs, npm run bench:engine.)
  const steps = rec.steps
  let deciding: string[] | null = null
  for (let i = 0; i < steps.length; i++) {
    const m = (steps[i] as Findings).missing
    for (let j = 0; j < m.length; j++) (deciding ??= []).push(m[j] as string)
  }
  const missing =
    cls.inputsMissing.length > 0 || deciding !== null
      ? missingFactsAlert(pack, cls.variant !== null, cls.inputsMissing, deciding ?? NO_FIELDS)
      : null
  let classAlerts: readonly Alert[] = NO_ALERTS
  if (cls.alerts.length > 0) {
    const list: Alert[] = []
    for (let i = 0; i < cls.alerts.length; i++) {
      const code = cls.alerts[i] as AlertCode
      list.push(code === 'missing-facts' && missing !== null ? missing : pack.alerts[code])
    }
    classAlerts = list
  }
  const classification: Findings = {
    alerts: classAlerts,
    rationale: cls.variant === null ? [] : [variantStep(pack, pack.variants[cls.variant])],
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
  const all: Findings[] = [classification]
  for (let i = 0; i < steps.length; i++) all.push(steps[i] as Findings)
  all.push(siteRuleFindings(pack, settings, rec.next, facts.response))
  all.push(doseFindings(pack, dose))
  if (missing !== null) all.push({ alerts: [missing], rationale: NO_STEPS, missing: NO_FIELDS })
  const { alerts, alertDetails, rationale, inputsMissing } = mergeFindings(all)

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
