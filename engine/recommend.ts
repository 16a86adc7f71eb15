// Variant + history + constraints + asOf -> the next action, study, alternatives, interval, due
// window, alerts and rationale.
//
// Follow-up of non-liver-dominant disease follows the founding article (source `seed`) branch by
// branch. The other variants do only what their facts support (domain-facts §1.3 and §8): each
// has one verified study, so when it is ruled out the case goes to a clinician, and nothing
// without a verified rating is ever chosen.
import { classify, type Classification } from './classify'
import { addMonths } from './dates'
import { gatherFacts, type CaseFacts } from './facts'
import { ACR_PNET, type IntervalEntry, type LoadedPack, type LoadedVariant } from './guideline'
import { RESULT_LABELS, TREATMENT_LABELS } from './labels'
import { alternativesOf, choiceFor, exclusion, offeredOf, push } from './choice'
import { S, step } from './rationaleSteps'
import { dueWindow, followUpStatusOf } from './schedule'
import type {
  AlertCode,
  AnchorKind,
  Case,
  Constraints,
  IsoDate,
  MonthInterval,
  NextStep,
  ProcedureId,
  RationaleStep,
  Rating,
  Study,
  StudyResult,
  TreatmentKind,
} from './types'

export interface Recommendation {
  next: NextStep
  alerts: AlertCode[]
  rationale: RationaleStep[]
  inputsMissing: string[]
}

export interface RecommendContext {
  classification?: Classification
  facts?: CaseFacts
}

const MRI: ProcedureId = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const CT: ProcedureId = 'ct-abdomen-pelvis-with-iv-contrast'
const NONE: readonly ProcedureId[] = Object.freeze([])

/** A step with case-specific words. */
function dyn(text: string, source: string, rule: string): RationaleStep {
  return { text, source, rule }
}

interface VariantSteps {
  routine: RationaleStep | null
  short: RationaleStep | null
}
const variantStepCache = new WeakMap<LoadedVariant, VariantSteps>()

function variantSteps(v: LoadedVariant): VariantSteps {
  let cached = variantStepCache.get(v)
  if (!cached) {
    const r = v.intervals.routine
    const s = v.intervals.short
    cached = {
      routine:
        v.id === 'post-resection-surveillance'
          ? S.postResectionRoutine
          : r
            ? step(
                `Stable or responding disease: repeat imaging ${r.min} to ${r.max} months after the latest read study.`,
                r.source,
                'interval.routine',
              )
            : null,
      short: s
        ? step(
            `Indeterminate finding: a short-interval study ${s.min} to ${s.max} months after it shows whether it changes.`,
            s.source,
            'interval.short',
          )
        : null,
    }
    variantStepCache.set(v, cached)
  }
  return cached
}

const RATING_WORDS: Readonly<Record<Rating, string>> = {
  'usually-appropriate': 'usually appropriate',
  'may-be-appropriate': 'may be appropriate',
  'usually-not-appropriate': 'usually not appropriate',
  'not-loaded': 'not loaded',
}

function hasSymptom(symptoms: readonly string[] | null, code: string): boolean {
  return symptoms !== null && symptoms.includes(code)
}

/** Largest current size of the untreated primary, mm (latest measured pancreatic lesion, else at diagnosis). */
function untreatedSizeMm(c: Case, studies: readonly Study[]): number | null {
  let date: IsoDate | null = null
  let size: number | null = null
  for (const s of studies) {
    if (!s.lesions || s.lesions.length === 0) continue
    let best: number | null = null
    for (const l of s.lesions) {
      if (l.nodal || typeof l.diameterMm !== 'number' || !l.organ.toLowerCase().includes('pancrea')) continue
      if (best === null || l.diameterMm > best) best = l.diameterMm
    }
    if (best !== null && (date === null || s.date > date || (s.date === date && best > (size ?? 0)))) {
      date = s.date
      size = best
    }
  }
  return size ?? c.diagnosis.primarySizeMm
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
  return recommendInto(c, asOf, pack, cls, facts, [], [])
}

/**
 * `recommend` with everything supplied, appending to the caller's `alerts` and `rationale`
 * (the batch path of `evaluate`: no intermediate copies).
 */
export function recommendInto(
  c: Case,
  asOf: IsoDate,
  pack: LoadedPack,
  cls: Classification,
  facts: CaseFacts,
  alerts: AlertCode[],
  rationale: RationaleStep[],
): Recommendation {
  const inputsMissing: string[] = []
  const k: Constraints = c.constraints

  const out: Recommendation = { next: REVIEW, alerts, rationale, inputsMissing }

  if (cls.variant === null) {
    rationale.push(
      cls.inputsMissing.length > 0 && !cls.alerts.includes('outside-topic') ? S.missing : S.outside,
    )
    return finish(out, c, pack, cls, REVIEW)
  }
  const v = pack.variants[cls.variant]
  const isSeedVariant = v.id === 'follow-up-non-liver-dominant'
  const isFollowUp = isSeedVariant || v.id === 'follow-up-liver-dominant'

  // Constraints: which candidates are feasible.
  if (k.mriContraindicated === true) {
    alerts.push('mri-contraindicated')
    rationale.push(S.mriContraindicated)
  }
  if (k.gadoliniumContraindicated === true) {
    alerts.push('gadolinium-contraindicated')
    rationale.push(S.gadoliniumContraindicated)
  }
  if (k.iodinatedContrastContraindicated === true) {
    alerts.push('iodinated-contrast-contraindicated')
    rationale.push(S.iodinatedContraindicated)
  }
  const choice = choiceFor(pack, v, k)
  const feasible = choice.feasible

  // Ten years after the resection, routine surveillance ends.
  let rDate: IsoDate | null = null
  if (v.id === 'post-resection-surveillance') {
    rDate = cls.resectionDate
    const stop = v.stopAfterYears
    if (stop && rDate !== null && addMonths(rDate, stop.years * 12) <= asOf) {
      alerts.push('ten-years-after-resection')
      rationale.push(S.endSurveillance, S.tenYears)
      return finish(out, c, pack, cls, {
        action: 'end-surveillance',
        procedure: null,
        alternatives: NONE,
        intervalMonths: null,
        due: null,
        anchor: { date: rDate, kind: 'resection' },
        status: null,
      })
    }
    if (rDate === null) inputsMissing.push('treatments.date')
  }

  // The latest read study (after the resection, for post-resection surveillance).
  let latest = facts.latestRead
  if (latest !== null && rDate !== null && latest.date <= rDate) latest = null
  const result: StudyResult | null = latest === null ? null : latest.result

  if (facts.derived !== null && latest !== null && latest.derived) {
    alerts.push('result-derived-from-recist')
    rationale.push(
      dyn(
        `The study of ${facts.derived.date} has measurements but no reader\u2019s result; RECIST 1.1 gives ${facts.derived.fromCategory}, taken here as "${RESULT_LABELS[facts.derived.result]}". The reader should confirm.`,
        'recist_thresholds',
        'result.derived',
      ),
    )
  }
  if (facts.recistDisagrees && facts.response !== null && latest !== null) {
    alerts.push('recist-disagrees-with-read')
    rationale.push(
      dyn(
        `RECIST 1.1 on the measurements (${facts.response.category}) does not match the reader\u2019s impression ("${RESULT_LABELS[latest.result]}"); the plan follows the reader. Please check.`,
        'recist_thresholds',
        'result.recist-mismatch',
      ),
    )
  }
  if (facts.unread !== null) {
    alerts.push('unread-study')
    rationale.push(
      dyn(
        `The study of ${facts.unread.date} has not been read yet; this plan rests on the last read study and will change once it is read.`,
        'app-rule',
        'result.unread',
      ),
    )
  }
  if (facts.futureStudies > 0) {
    alerts.push('study-after-as-of')
    rationale.push(
      dyn(
        `${facts.futureStudies} ${facts.futureStudies === 1 ? 'study is' : 'studies are'} dated after the evaluation date and left out.`,
        'app-rule',
        'input.future-study',
      ),
    )
  }
  if (latest !== null) {
    rationale.push(
      dyn(
        `Latest read study: ${pack.procedure[latest.procedure].label} on ${latest.date}, ${RESULT_LABELS[latest.result]}.`,
        'app-rule',
        'history.latest',
      ),
    )
  }
  const postTreatmentRisk =
    isFollowUp && (result === 'progression' || result === 'indeterminate') && hadPrrtOrRadiation(c, asOf)

  // Progression: tumour board, unless a new treatment has started since (the board has decided).
  const newTreatment =
    result === 'progression' && latest !== null ? treatmentSince(c, latest.date, asOf) : null
  if (result === 'progression') {
    alerts.push('progression')
    if (facts.response !== null && facts.response.newLesions && facts.response.date === latest?.date) {
      alerts.push('new-lesion')
    }
    rationale.push(isSeedVariant ? S.progressionSeed : S.progressionOther)
    const offer = v.offers.progression
    const offered = offer ? offeredOf(choice, offer.procedures) : NONE
    if (offered.length > 0) rationale.push(S.progressionOffer)
    if (postTreatmentRisk) {
      alerts.push('post-treatment-change')
      rationale.push(S.postTreatment)
    }
    if (newTreatment !== null && v.intervals.routine) {
      rationale.push(
        dyn(
          `A new treatment (${TREATMENT_LABELS[newTreatment.kind]}, ${newTreatment.date}) started after this progression, so the tumour board has acted; the next study assesses response to it.`,
          'app-rule',
          'progression.new-treatment',
        ),
      )
    } else
      return finish(out, c, pack, cls, {
        action: 'tumor-board',
        procedure: null,
        alternatives: offered,
        intervalMonths: null,
        due: null,
        anchor: null,
        status: null,
      })
  }

  // Untreated tumour above 2 cm: tumour board.
  if (v.id === 'untreated-surveillance') {
    const size = untreatedSizeMm(c, facts.studies)
    if (size === null) inputsMissing.push('diagnosis.primarySizeMm')
    else if (size > 20) {
      alerts.push('size-over-2cm')
      rationale.push(S.overTwoCm)
      return finish(out, c, pack, cls, {
        action: 'tumor-board',
        procedure: null,
        alternatives: NONE,
        intervalMonths: null,
        due: null,
        anchor: null,
        status: null,
      })
    }
  }

  // Staging already read: the staging variant has no follow-up interval.
  if (v.id === 'initial-staging' && latest !== null) {
    rationale.push(S.stagingOnFile)
    return finish(out, c, pack, cls, REVIEW)
  }

  // Nothing verified is feasible: hand over.
  if (feasible.length === 0) {
    alerts.push('no-verified-alternative')
    rationale.push(S.noFeasible)
    return finish(out, c, pack, cls, REVIEW)
  }

  // Interval and anchor.
  const steps = variantSteps(v)
  let interval: IntervalEntry
  let anchor: NextStep['anchor']
  let front: readonly ProcedureId[] | null = null
  if (newTreatment !== null && v.intervals.routine) {
    interval = v.intervals.routine
    anchor = { date: newTreatment.date, kind: 'treatment' }
    rationale.push(
      dyn(
        `Response to the new treatment: image ${interval.min} to ${interval.max} months after it started, as for any treated disease under follow-up.`,
        interval.source,
        'interval.after-new-treatment',
      ),
    )
  } else if (result === 'indeterminate' && v.intervals.short) {
    interval = v.intervals.short
    anchor = { date: (latest as { date: IsoDate }).date, kind: 'latest-read-study' }
    alerts.push('indeterminate-finding', 'functional-correlation')
    if (steps.short) rationale.push(steps.short)
    const offer = v.offers.indeterminate
    if (offer && anyIn(offer.procedures, feasible)) {
      front = offer.procedures
      rationale.push(S.functionalSeed)
    } else rationale.push(S.functionalSnmmi)
    if (postTreatmentRisk) {
      alerts.push('post-treatment-change')
      rationale.push(S.postTreatment)
    }
  } else if (result !== null && result !== 'indeterminate' && v.intervals.routine) {
    interval = v.intervals.routine
    anchor = { date: (latest as { date: IsoDate }).date, kind: 'latest-read-study' }
    if (steps.routine) rationale.push(steps.routine)
  } else if (result === null && rDate !== null && v.intervals.afterResection) {
    interval = v.intervals.afterResection
    anchor = { date: rDate, kind: 'resection' }
    rationale.push(S.afterResection)
  } else if (result === null) {
    interval = v.intervals.baseline
    anchor = { date: asOf, kind: 'as-of' }
    alerts.push('baseline-imaging-now')
    rationale.push(S.baselineNow)
  } else {
    // A read study with no interval for its result in this variant.
    rationale.push(S.stagingOnFile)
    return finish(out, c, pack, cls, REVIEW)
  }

  // Clinical or biochemical suspicion of progression: image now.
  if (c.suspectedRecurrence === true || hasSymptom(c.symptoms, 'rising-biomarkers')) {
    alerts.push('clinical-progression-suspected')
    rationale.push(S.suspicion)
    if (anchor.kind !== 'as-of') {
      interval = v.intervals.baseline
      anchor = { date: asOf, kind: 'as-of' }
    }
    const offer = v.offers.clinicalSuspicion
    if (offer && anyIn(offer.procedures, feasible)) {
      front = offer.procedures
      rationale.push(S.suspicionSstr)
    }
  }
  if (hasSymptom(c.symptoms, 'new-localized-bone-pain') || hasSymptom(c.symptoms, 'new-localized-symptoms')) {
    alerts.push('extra-abdominal-symptoms')
    const offer = v.offers.localizedSymptoms
    if (offer && anyIn(offer.procedures, feasible)) {
      if (front === null) front = offer.procedures
      rationale.push(S.localizedSeed)
    } else rationale.push(S.localizedOther)
  }

  // The study: the best feasible candidate.
  const procedure = feasible[0] as ProcedureId
  const alternatives = alternativesOf(choice, front)

  if (isSeedVariant && procedure === MRI) rationale.push(S.bestMri)
  else if (isSeedVariant && procedure === CT && k.mriContraindicated === true) rationale.push(S.ctWhenNoMri)
  else {
    const row = v.rating[procedure]
    rationale.push(
      dyn(
        `${pack.procedure[procedure].label} is the best feasible study with a verified rating for this variant (${RATING_WORDS[row.rating]}).`,
        row.source ?? v.source,
        'choose.best-feasible',
      ),
    )
  }
  if (v.candidates.length === 1) rationale.push(S.onlyVerified)

  // Unknown constraints that matter for the chosen study.
  const proc = pack.procedure[procedure]
  if (proc.modality === 'MR' && k.mriContraindicated === null) {
    inputsMissing.push('constraints.mriContraindicated')
    rationale.push(S.mriUnknown)
  }
  if (
    (proc.contrast === 'gadolinium' && k.gadoliniumContraindicated === null) ||
    (proc.contrast === 'iodinated' && k.iodinatedContrastContraindicated === null)
  ) {
    inputsMissing.push(
      proc.contrast === 'gadolinium'
        ? 'constraints.gadoliniumContraindicated'
        : 'constraints.iodinatedContrastContraindicated',
    )
    rationale.push(S.contrastUnknown)
  }
  // Kidney function and contrast.
  const egfr = k.eGFR
  if (egfr !== null && egfr < 30 && proc.contrast !== null) {
    alerts.push('egfr-below-30')
    rationale.push(proc.contrast === 'iodinated' ? S.egfr30Iodinated : S.egfr30Gadolinium)
  } else if (egfr !== null && egfr < 45 && proc.contrast === 'iodinated') {
    alerts.push('egfr-30-to-44')
    rationale.push(S.egfr3044Iodinated)
  } else if (egfr === null && proc.contrast === 'iodinated' && !(ageYears(c.birthDate, asOf) <= 60)) {
    // Age over 60 (or unknown) is one of the risk factors that call for a kidney check first.
    inputsMissing.push('constraints.eGFR')
    rationale.push(S.egfrUnknown)
  }

  // The article's pitfalls that apply to this order.
  if (facts.studies.length === 0) {
    alerts.push('priors-not-available')
    rationale.push(S.priors)
  }
  if (procedure === MRI || procedure === CT) {
    alerts.push('pancreas-protocol')
    rationale.push(S.protocol)
  }

  // When.
  const due = dueWindow(anchor.date, interval)
  const status = followUpStatusOf(due, asOf)
  if (pack.sources[interval.source]?.kind === 'secondary') alerts.push('interval-secondary-source')
  if (status === 'overdue') alerts.push('follow-up-overdue')
  rationale.push(
    dyn(
      `Due between ${due.from} and ${due.to} (${interval.min}-${interval.max} months from ${anchorWords(anchor.kind)} ${anchor.date}); ${status} on ${asOf}.`,
      'computed',
      'schedule.due',
    ),
  )

  return finish(out, c, pack, cls, {
    action: 'image',
    procedure,
    alternatives,
    intervalMonths: monthsOf(interval),
    due,
    anchor,
    status,
  })
}

const monthsCache = new WeakMap<IntervalEntry, MonthInterval>()
/** The `{ min, max }` of a pack interval, shared and frozen (one per pack entry). */
function monthsOf(interval: IntervalEntry): MonthInterval {
  let m = monthsCache.get(interval)
  if (!m) {
    m = Object.freeze({ min: interval.min, max: interval.max })
    monthsCache.set(interval, m)
  }
  return m
}

const REVIEW: NextStep = Object.freeze({
  action: 'clinician-review',
  procedure: null,
  alternatives: NONE,
  intervalMonths: null,
  due: null,
  anchor: null,
  status: null,
})

function finish(
  out: Recommendation,
  c: Case,
  pack: LoadedPack,
  cls: Classification,
  next: NextStep,
): Recommendation {
  checkRequested(
    c,
    pack,
    cls.variant === null ? null : pack.variants[cls.variant],
    c.constraints,
    out.alerts,
    out.rationale,
  )
  out.next = next
  return out
}

function anyIn(list: readonly ProcedureId[], set: readonly ProcedureId[]): boolean {
  for (const p of list) if (set.includes(p)) return true
  return false
}

function hadPrrtOrRadiation(c: Case, asOf: IsoDate): boolean {
  if (c.treatments === null) return false
  for (const t of c.treatments) {
    if ((t.kind === 'prrt' || t.kind === 'radiation') && (t.date === null || t.date <= asOf)) return true
  }
  return false
}

/** Whole years from `birthDate` to `asOf`; NaN when the birth date is unknown. */
function ageYears(birthDate: IsoDate | null, asOf: IsoDate): number {
  if (birthDate === null) return Number.NaN
  const years = Number(asOf.slice(0, 4)) - Number(birthDate.slice(0, 4))
  return asOf.slice(5) < birthDate.slice(5) ? years - 1 : years
}

function anchorWords(kind: AnchorKind): string {
  switch (kind) {
    case 'latest-read-study':
      return 'the latest read study,'
    case 'resection':
      return 'the resection,'
    case 'treatment':
      return 'the start of the new treatment,'
    case 'as-of':
      return 'the evaluation date,'
  }
}

/** The latest treatment dated after `after` and not after `asOf` (a new line of treatment). */
function treatmentSince(
  c: Case,
  after: IsoDate,
  asOf: IsoDate,
): { kind: TreatmentKind; date: IsoDate } | null {
  let found: { kind: TreatmentKind; date: IsoDate } | null = null
  for (const t of c.treatments ?? []) {
    if (t.date !== null && t.date > after && t.date <= asOf && (found === null || t.date > found.date)) {
      found = { kind: t.kind, date: t.date }
    }
  }
  return found
}

/** Does the requested study fit? Adds alerts and rationale; never changes the recommendation. */
function checkRequested(
  c: Case,
  pack: LoadedPack,
  v: LoadedVariant | null,
  k: Constraints,
  alerts: AlertCode[],
  rationale: RationaleStep[],
): void {
  const req = c.requestedProcedure
  if (req === null || req === undefined) return
  const label = pack.procedure[req].label
  const row = v === null ? null : v.rating[req]
  if (row === null || row.rating === 'not-loaded') {
    push(alerts, 'requested-study-not-appropriate')
    rationale.push(
      dyn(
        v === null
          ? `The requested ${label} cannot be checked: the case fits no variant.`
          : `The requested ${label} has no verified rating for this variant, so the engine does not endorse it.`,
        'app-rule',
        'request.not-rated',
      ),
    )
  } else if (row.rating === 'usually-not-appropriate') {
    push(alerts, 'requested-study-not-appropriate')
    rationale.push(
      req === 'endoscopic-us' && v?.id === 'follow-up-non-liver-dominant'
        ? S.eusNotAppropriate
        : dyn(
            `The requested ${label} is rated usually not appropriate for this variant.`,
            row.source ?? 'app-rule',
            'request.not-appropriate',
          ),
    )
  }
  if (exclusion(pack, req, k) !== null) {
    push(alerts, 'requested-study-contraindicated')
    rationale.push(
      dyn(
        `The requested ${label} is ruled out by the patient\u2019s constraints.`,
        'app-rule',
        'request.contraindicated',
      ),
    )
  }
  if (req === 'in111-pentetreotide-spect-ct') {
    push(alerts, 'prefer-sstr-pet')
    rationale.push(S.in111)
  }
  if (
    v?.id === 'post-resection-surveillance' &&
    (req === 'dotatate-pet-ct-skull-base-to-mid-thigh' || req === 'fdg-pet-ct-skull-base-to-mid-thigh')
  ) {
    rationale.push(S.petAfterResection)
  }
}
