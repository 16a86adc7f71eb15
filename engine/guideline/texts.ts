// The sentences the rules say, as the pack must provide them: every rationale step and every alert
// has a name here with the rule that says it and the `{placeholders}` the rule fills in. The words
// themselves are the pack's (`rationale`, `alerts`, `alertVariants`, `words` of the pack document);
// this file is the contract between the rules (code) and the pack (data), and the pack schema
// (./packSchema.ts) checks a pack against it: every name present, no unknown name, no placeholder
// the rule does not fill, a source where the pack gives it and none where the rule takes it from
// the data (a rating's, an interval's or an offer's own source).
import { ALERT_CODES, type AlertCode, type RationaleStep } from '../types'

/**
 * `source: 'pack'`: the pack names the step's source. `source: 'data'`: the step cites the source
 * of the rating, interval or offer it speaks of, so the pack gives words only.
 */
interface StepSpec {
  readonly rule: string
  readonly params: readonly string[]
  readonly source: 'pack' | 'data'
}

function fixed(rule: string): { rule: string; params: readonly []; source: 'pack' } {
  return { rule, params: [], source: 'pack' }
}
function said<const P extends readonly string[], const S extends 'pack' | 'data' = 'pack'>(
  rule: string,
  params: P,
  source?: S,
): { rule: string; params: P; source: S } {
  return { rule, params, source: (source ?? 'pack') as S }
}

/** Every rationale step: its name in the pack, the rule that says it, and what the rule fills in. */
export const RATIONALE_SPEC = {
  // classification and handover
  variant: said('classify', ['title'], 'data'),
  outside: fixed('outside-topic'),
  missing: fixed('missing-facts'),
  noFeasible: fixed('no-verified-alternative'),
  noRoutineStudy: fixed('review.no-routine-study'),
  reviewRuledOut: said('review.option', ['study', 'rating', 'reason'], 'data'),
  reviewOffered: said('review.option', ['study', 'rating', 'uses'], 'data'),
  reviewNotOffered: said('review.option', ['study', 'rating'], 'data'),
  hybridCtWithoutContrast: fixed('review.option-ct-part'),
  reviewDose: said('review.option-dose', ['study', 'msv', 'mbq'], 'data'),
  reviewDoseNoWeight: said('review.option-dose', ['study', 'msv', 'mbq'], 'data'),
  // surveillance end
  endSurveillance: said('post-resection.stop', ['years'], 'data'),
  tenYears: fixed('post-resection.stop'),
  // progression
  progressionSeed: fixed('progression.tumor-board'),
  progressionOther: fixed('progression.tumor-board'),
  progressionOffer: said('progression.offer', ['studies'], 'data'),
  progressionNewTreatment: said('progression.new-treatment', ['treatment', 'date']),
  overTwoCm: fixed('untreated.size'),
  // history
  resultDerived: said('result.derived', ['date', 'category', 'result']),
  recistMismatch: said('result.recist-mismatch', ['category', 'result']),
  recistNotEvaluable: said('result.recist-not-evaluable', ['date', 'lesions', 'baselineDate']),
  unread: said('result.unread', ['date']),
  futureStudy: fixed('input.future-study'),
  futureStudies: said('input.future-study', ['count']),
  latest: said('history.latest', ['study', 'date', 'result']),
  latestDerived: said('history.latest-derived', ['study', 'date', 'result']),
  // constraints
  mriContraindicated: fixed('constraint.mri'),
  gadoliniumContraindicated: fixed('constraint.gadolinium'),
  iodinatedContraindicated: fixed('constraint.iodinated'),
  egfr30Iodinated: fixed('constraint.egfr'),
  egfr30Gadolinium: fixed('constraint.egfr'),
  egfr3044Iodinated: fixed('constraint.egfr'),
  egfrUnknown: fixed('constraint.egfr'),
  mriUnknown: fixed('constraint.unknown'),
  contrastUnknown: fixed('constraint.unknown'),
  // intervals
  stagingNow: fixed('staging.now'),
  stagingNowRead: fixed('staging.now'),
  stagingOnFile: said('staging.study-on-file', ['study', 'date', 'result', 'diagnosis']),
  stagingOnFileUndated: said('staging.study-on-file', ['study', 'date', 'result']),
  afterNewTreatment: said('interval.after-new-treatment', ['min', 'max'], 'data'),
  shortInterval: said('interval.short', ['min', 'max'], 'data'),
  routineInterval: said('interval.routine', ['min', 'max'], 'data'),
  postResectionRoutine: said('interval.routine', ['min', 'max'], 'data'),
  afterResection: said('interval.after-resection', ['min', 'max'], 'data'),
  firstResponse: said('interval.first-response', ['treatment', 'date', 'min', 'max'], 'data'),
  responseUndated: fixed('interval.first-response'),
  baselineNow: fixed('interval.baseline'),
  noInterval: fixed('interval.none'),
  functionalOffered: said('indeterminate.functional', ['studies'], 'data'),
  functionalSnmmi: fixed('indeterminate.functional'),
  suspicion: fixed('suspicion.now'),
  suspicionSstr: said('suspicion.sstr-pet', ['studies']),
  localizedOffered: said('pitfall.extra-abdominal', ['studies'], 'data'),
  localizedOther: fixed('pitfall.extra-abdominal'),
  scheduleDue: said('schedule.due', ['from', 'to', 'min', 'max', 'anchor', 'anchorDate', 'status', 'asOf']),
  // the study chosen and its pitfalls
  bestMri: fixed('choose.mri'),
  ctWhenNoMri: fixed('choose.ct-when-mri-contraindicated'),
  chooseBest: said('choose.best-feasible', ['study', 'rating'], 'data'),
  chooseOutranks: said('choose.ranked', ['study', 'rating', 'other', 'otherRating'], 'data'),
  onlyVerified: fixed('candidates.verified-only'),
  priors: fixed('pitfall.priors'),
  priorsRule: fixed('pitfall.priors'),
  protocol: fixed('pitfall.protocol'),
  protocolRule: fixed('pitfall.protocol'),
  postTreatment: fixed('pitfall.post-treatment-change'),
  postTreatmentRule: fixed('pitfall.post-treatment-change'),
  // requests
  requestNoVariant: said('request.not-rated', ['study']),
  requestNotRated: said('request.not-rated', ['study']),
  requestNotAppropriate: said('request.not-appropriate', ['study', 'rating'], 'data'),
  requestAppropriate: said('request.appropriate', ['study', 'rating', 'relation'], 'data'),
  requestContraindicated: said('request.contraindicated', ['study', 'reason']),
  eusNotAppropriate: fixed('request.eus'),
  in111: fixed('request.in111'),
  petAfterResection: fixed('request.pet-after-resection'),
  // dose
  doseUnknown: fixed('dose.unknown'),
  dosesUnknown: said('dose.unknown', ['count']),
  // site rules
  siteRuleGrowth: said('site-rule.growth-rate', ['rate', 'threshold', 'from', 'to', 'months'], 'data'),
} as const satisfies Record<string, StepSpec>

export type RationaleName = keyof typeof RATIONALE_SPEC
type Spec = typeof RATIONALE_SPEC
/** The steps whose words and source are both the pack's, with nothing to fill in. */
export type FixedStepName = {
  [K in RationaleName]: Spec[K]['params'] extends readonly []
    ? Spec[K]['source'] extends 'pack'
      ? K
      : never
    : never
}[RationaleName]
export type SaidStepName = Exclude<RationaleName, FixedStepName>
/** One value per name of a `params` list, in its order (a tuple of the same length). */
type Values<T extends readonly unknown[]> = { readonly [I in keyof T]: string | number }
/** What a rule fills into a step: one value per placeholder, in the order of its `params`. */
export type StepParams<K extends RationaleName> = Values<Spec[K]['params']>

/** Alerts whose words depend on the case: the alert code and what the rule fills in. */
export const ALERT_VARIANT_SPEC = {
  noRoutineStudy: { code: 'no-verified-alternative', params: ['options'] },
  stagingOnFile: { code: 'staging-study-on-file', params: ['study', 'date'] },
  recistNotEvaluable: { code: 'recist-not-evaluable', params: ['date', 'lesions'] },
  requestNoVariant: { code: 'requested-study-not-appropriate', params: ['study'] },
  requestNotRated: { code: 'requested-study-not-appropriate', params: ['study'] },
  requestNotAppropriate: { code: 'requested-study-not-appropriate', params: ['study', 'rating'] },
  requestContraindicated: { code: 'requested-study-contraindicated', params: ['study', 'reason'] },
  missingFacts: { code: 'missing-facts', params: ['facts'] },
  siteRuleGrowth: { code: 'site-rule-growth-rate', params: ['rate', 'threshold', 'short'] },
} as const satisfies Record<string, { code: AlertCode; params: readonly string[] }>

export type AlertVariantName = keyof typeof ALERT_VARIANT_SPEC
/** What a rule fills into an alert: one value per placeholder, in the order of its `params`. */
export type AlertParams<K extends AlertVariantName> = Values<(typeof ALERT_VARIANT_SPEC)[K]['params']>

/** Vocabulary the rules put into sentences, by group: every key of each group is required. */
export const WORD_SPEC = {
  ratings: ['usually-appropriate', 'may-be-appropriate', 'usually-not-appropriate', 'not-loaded'],
  results: ['response', 'stable', 'progression', 'indeterminate', 'no-evidence-of-disease'],
  treatments: [
    'resection',
    'prrt',
    'somatostatin-analog',
    'targeted-therapy',
    'chemotherapy',
    'liver-directed',
    'radiation',
    'ablation',
  ],
  exclusions: ['mri', 'gadolinium', 'iodinated'],
  offers: ['progression', 'indeterminate', 'clinicalSuspicion', 'localizedSymptoms'],
  anchors: ['latest-read-study', 'resection', 'treatment', 'as-of'],
  relations: ['recommended', 'alternative', 'option', 'addition', 'other', 'no-study'],
  purposes: ['place', 'confirm', 'choose', 'time', 'order'],
  lesions: ['target', 'non-target', 'one', 'many', 'unknown'],
  facts: [
    'treatments',
    'treatments.date',
    'treatments.completeResection',
    'diagnosis.confirmed',
    'diagnosis.primarySizeMm',
    'burden',
    'activeSurveillance',
    'stagingComplete',
    'suspectedRecurrence',
    'symptoms',
    'constraints.mriContraindicated',
    'constraints.gadoliniumContraindicated',
    'constraints.iodinatedContrastContraindicated',
    'constraints.eGFR',
  ],
} as const

/** Placeholders a word may hold (only these groups' words are templates). */
export const WORD_PARAMS: Readonly<
  Partial<Record<keyof typeof WORD_SPEC, Readonly<Record<string, readonly string[]>>>>
> = {
  relations: { alternative: ['study'], other: ['study'] },
  purposes: { place: ['facts'], confirm: ['facts'], choose: ['facts'], time: ['facts'], order: ['facts'] },
  lesions: { target: ['lesions'], 'non-target': ['lesions'], one: ['id'], many: ['ids'] },
}

export type WordGroup = keyof typeof WORD_SPEC
export type Words = { readonly [G in WordGroup]: Readonly<Record<(typeof WORD_SPEC)[G][number], string>> }

/** The `{name}` placeholders of a text, in order. */
export function placeholders(text: string): string[] {
  const out: string[] = []
  const re = /\{([A-Za-z][A-Za-z0-9]*)\}/g
  let m: RegExpExecArray | null
  while ((m = re.exec(text)) !== null) out.push(m[1] as string)
  return out
}

/**
 * A text with its placeholders split out once and filled by a loop (the hot path of every
 * evaluation). Values come positionally, in the order of the rule's `params` (`names`): array
 * reads stay fast where named lookups on many differently shaped objects would not.
 */
export type Filler = (values: readonly (string | number)[]) => string

export function compile(text: string, names: readonly string[]): Filler {
  const parts: string[] = []
  const slots: number[] = []
  const re = /\{([A-Za-z][A-Za-z0-9]*)\}/g
  let last = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(text)) !== null) {
    parts.push(text.slice(last, m.index))
    slots.push(names.indexOf(m[1] as string))
    last = m.index + m[0].length
  }
  parts.push(text.slice(last))
  if (slots.length === 0) return () => text
  const head = parts[0] as string
  return (values) => {
    let out = head
    for (let i = 0; i < slots.length; i++)
      out += String(values[slots[i] as number]) + (parts[i + 1] as string)
    return out
  }
}

/** A text filled from named values (the few words with a placeholder; not on the hot path). */
export function fillNamed(text: string, values: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (all, k: string) =>
    k in values ? String(values[k]) : all,
  )
}

export const ALERT_CODE_LIST: readonly AlertCode[] = ALERT_CODES

export type { RationaleStep }
