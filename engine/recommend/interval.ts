// When the next study is due: the end of post-resection surveillance, the interval and what it
// counts from, the changes clinical suspicion and new localized symptoms make, and the due window.
import { addMonths } from '../dates'
import { readFirst, type CaseFacts, type ReadStudy } from '../facts'
import type { IntervalEntry, LoadedPack, LoadedVariant } from '../guideline'
import { dueWindow, followUpStatusOf } from '../schedule'
import type { Alert, Case, IsoDate, NextStep, ProcedureId, RationaleStep } from '../types'
import type { Study, Treatment } from '../types'
import { CARRY_ON, NO_PROCEDURES, NOTHING, type Settling, type Step } from './findings'
import { labels } from './handover'
import type { DatedTreatment } from './history'
import { postTreatmentChangePossible } from './history'

export type Anchor = NonNullable<NextStep['anchor']>

/** The interval, what it counts from, and the studies put first among the alternatives. */
export interface Plan {
  readonly interval: IntervalEntry
  readonly anchor: Anchor
  /** Offered studies to list first among the alternatives, or `null`. */
  readonly front: readonly ProcedureId[] | null
}

export interface Planned extends Step {
  readonly plan: Plan
}

/**
 * Post-resection surveillance: ten years after the resection routine imaging ends
 * (`nccn_digest_b`, `commnets_jama`); an unknown resection date is a missing input.
 */
export function surveillanceEndStep(
  pack: LoadedPack,
  v: LoadedVariant,
  resectionDate: IsoDate | null,
  asOf: IsoDate,
): Settling {
  if (v.id !== 'post-resection-surveillance') return CARRY_ON
  if (resectionDate === null)
    return { findings: { alerts: [], rationale: [], missing: ['treatments.date'] }, next: null }
  const stop = v.stopAfterYears
  if (!stop || addMonths(resectionDate, stop.years * 12) > asOf) return CARRY_ON
  return {
    findings: {
      alerts: [pack.alerts['ten-years-after-resection']],
      rationale: [pack.say.endSurveillance([stop.years], stop.source), pack.steps.tenYears],
      missing: [],
    },
    next: {
      action: 'end-surveillance',
      procedure: null,
      alternatives: [],
      intervalMonths: null,
      due: null,
      anchor: { date: resectionDate, kind: 'resection' },
      status: null,
      additions: NO_PROCEDURES,
    },
  }
}

/**
 * The interval and its anchor, from the variant's intervals in the pack (each with its source):
 * - initial staging: the staging study now, whatever is on file (staging is recorded as not
 *   complete; a study that may already be the staging study is named in an alert);
 * - response to a new treatment;
 * - a short interval for an indeterminate finding, with DOTATATE PET/CT in front when the variant
 *   offers it (`seed`, else the SNMMI note `snmmi_auc`);
 * - the routine interval after a stable or responding study;
 * - the first study after a resection, or after a treatment (the response assessment);
 * - otherwise a baseline study now.
 * `plan: null` when a read study has no interval in this variant.
 */
export function intervalStep(
  c: Case,
  asOf: IsoDate,
  pack: LoadedPack,
  v: LoadedVariant,
  facts: CaseFacts,
  latest: ReadStudy | null,
  resectionDate: IsoDate | null,
  newTreatment: DatedTreatment | null,
  feasible: readonly ProcedureId[],
): Step & { readonly plan: Plan | null } {
  const { routine, short, baseline, afterResection } = v.intervals
  if (v.id === 'initial-staging') return stagingPlan(c, asOf, pack, v, facts, latest)
  const result = latest === null ? null : latest.result
  if (newTreatment !== null && routine) {
    return planned([], [intervalWords(pack, 'afterNewTreatment', routine)], routine, {
      date: newTreatment.date,
      kind: 'treatment',
    })
  }
  if (latest !== null && result === 'indeterminate' && short) {
    const alerts: Alert[] = [pack.alerts['indeterminate-finding'], pack.alerts['functional-correlation']]
    const rationale: RationaleStep[] = [intervalWords(pack, 'shortInterval', short)]
    const offer = v.offers.indeterminate
    let front: readonly ProcedureId[] | null = null
    if (offer && anyFeasible(offer.procedures, feasible)) {
      front = offer.procedures
      rationale.push(pack.say.functionalOffered([labels(pack, offer.procedures)], offer.source))
    } else rationale.push(pack.steps.functionalSnmmi)
    if (postTreatmentChangePossible(c, asOf, v)) {
      alerts.push(pack.alerts['post-treatment-change'])
      rationale.push(v.fromSeed ? pack.steps.postTreatment : pack.steps.postTreatmentRule)
    }
    return planned(alerts, rationale, short, { date: latest.date, kind: 'latest-read-study' }, front)
  }
  if (latest !== null && result !== 'indeterminate' && routine) {
    const words = v.id === 'post-resection-surveillance' ? 'postResectionRoutine' : 'routineInterval'
    return planned([], [intervalWords(pack, words, routine)], routine, {
      date: latest.date,
      kind: 'latest-read-study',
    })
  }
  if (latest === null && resectionDate !== null && afterResection) {
    return planned([], [intervalWords(pack, 'afterResection', afterResection)], afterResection, {
      date: resectionDate,
      kind: 'resection',
    })
  }
  if (latest === null && routine && followsTreatment(v)) {
    const t = latestTreatment(c, asOf)
    if (t !== null && t.date !== null) {
      const step = pack.say.firstResponse(
        [pack.words.treatments[t.kind], t.date, routine.min, routine.max],
        routine.source,
      )
      return planned([], [step], routine, {
        date: t.date,
        kind: 'treatment',
      })
    }
    if (t !== null) {
      return {
        findings: { alerts: [], rationale: [pack.steps.responseUndated], missing: ['treatments.date'] },
        plan: { interval: baseline, anchor: { date: asOf, kind: 'as-of' }, front: null },
      }
    }
  }
  if (latest === null) {
    return planned([pack.alerts['baseline-imaging-now']], [pack.steps.baselineNow], baseline, {
      date: asOf,
      kind: 'as-of',
    })
  }
  // A read study with no interval for its result in this variant.
  return { findings: { alerts: [], rationale: [pack.steps.noInterval], missing: [] }, plan: null }
}

/** The follow-up variants of treated disease: the first study after treatment assesses the response. */
function followsTreatment(v: LoadedVariant): boolean {
  return v.id === 'follow-up-non-liver-dominant' || v.id === 'follow-up-liver-dominant'
}

/** The latest treatment given by `asOf` (dated first; an undated one only when none is dated). */
function latestTreatment(c: Case, asOf: IsoDate): { kind: Treatment['kind']; date: IsoDate | null } | null {
  let dated: { kind: Treatment['kind']; date: IsoDate } | null = null
  let undated: Treatment['kind'] | null = null
  for (const t of c.treatments ?? []) {
    if (t.date === null) undated ??= t.kind
    else if (t.date <= asOf && (dated === null || t.date > dated.date)) dated = { kind: t.kind, date: t.date }
  }
  return dated ?? (undated === null ? null : { kind: undated, date: null })
}

/**
 * Initial staging: staging is recorded as not complete, so the variant's staging study is due
 * now (app rule). A recorded fact is never overridden by a guess: a read study on file that may
 * already be the staging study (done on or after the diagnosis, or the diagnosis date unknown) is
 * named in an alert, and the radiologist records staging as complete if it is.
 */
function stagingPlan(
  c: Case,
  asOf: IsoDate,
  pack: LoadedPack,
  v: LoadedVariant,
  facts: CaseFacts,
  latest: ReadStudy | null,
): Planned {
  const alerts: Alert[] = []
  const rationale: RationaleStep[] = [latest === null ? pack.steps.stagingNow : pack.steps.stagingNowRead]
  if (latest === null) alerts.push(pack.alerts['baseline-imaging-now'])
  const dx = c.diagnosis.date
  let candidate: { date: IsoDate; procedure: ProcedureId; result: NonNullable<Study['result']> } | null = null
  for (const s of facts.studies) {
    if (s.result === null || s.date > asOf || (dx !== null && s.date < dx)) continue
    // The newest read study; on one day the one `gatherFacts` would take (readFirst), so the
    // order of the studies in the input never changes which one is named.
    if (
      candidate === null ||
      s.date > candidate.date ||
      (s.date === candidate.date && readFirst(s, candidate))
    ) {
      candidate = { date: s.date, procedure: s.procedure, result: s.result }
    }
  }
  if (candidate !== null) {
    const study = pack.procedure[candidate.procedure].label
    const result = pack.words.results[candidate.result]
    alerts.push(pack.alertSay.stagingOnFile([study, candidate.date]))
    rationale.push(
      dx === null
        ? pack.say.stagingOnFileUndated([study, candidate.date, result])
        : pack.say.stagingOnFile([study, candidate.date, result, dx]),
    )
  }
  return planned(alerts, rationale, v.intervals.baseline, { date: asOf, kind: 'as-of' })
}

function planned(
  alerts: readonly Alert[],
  rationale: readonly RationaleStep[],
  interval: IntervalEntry,
  anchor: Anchor,
  front: readonly ProcedureId[] | null = null,
): Planned {
  return {
    findings: { alerts: alerts, rationale: rationale, missing: [] },
    plan: { interval, anchor, front },
  }
}

/** An interval's sentence, citing the interval's own source. */
function intervalWords(
  pack: LoadedPack,
  name: 'afterNewTreatment' | 'shortInterval' | 'routineInterval' | 'postResectionRoutine' | 'afterResection',
  iv: IntervalEntry,
): RationaleStep {
  return pack.say[name]([iv.min, iv.max], iv.source)
}

/**
 * Progression suspected on clinical or biochemical grounds (`suspectedRecurrence`, rising
 * biomarkers): image now, from the baseline interval (app rule), with SSTR PET in front when the
 * variant offers it (`snmmi_auc`).
 */
export function suspicionStep(
  pack: LoadedPack,
  c: Case,
  asOf: IsoDate,
  v: LoadedVariant,
  feasible: readonly ProcedureId[],
  plan: Plan,
): Planned {
  if (c.suspectedRecurrence !== true && !hasSymptom(c, 'rising-biomarkers'))
    return { findings: NOTHING, plan }
  const rationale: RationaleStep[] = [pack.steps.suspicion]
  let { interval, anchor, front } = plan
  if (anchor.kind !== 'as-of') {
    interval = v.intervals.baseline
    anchor = { date: asOf, kind: 'as-of' }
  }
  const offer = v.offers.clinicalSuspicion
  if (offer && anyFeasible(offer.procedures, feasible)) {
    front = offer.procedures
    rationale.push(pack.say.suspicionSstr([labels(pack, offer.procedures)]))
  }
  return {
    findings: { alerts: [pack.alerts['clinical-progression-suspected']], rationale: rationale, missing: [] },
    plan: { interval, anchor, front },
  }
}

/**
 * New localized symptoms (bone pain or others) can mean disease outside the abdomen (founding
 * article pitfall, `seed`): the variant's offer goes in front unless an offer is there already;
 * without one the radiologist decides (app rule).
 */
export function localizedSymptomsStep(
  pack: LoadedPack,
  c: Case,
  v: LoadedVariant,
  feasible: readonly ProcedureId[],
  plan: Plan,
): Planned {
  if (!hasSymptom(c, 'new-localized-bone-pain') && !hasSymptom(c, 'new-localized-symptoms'))
    return { findings: NOTHING, plan }
  const offer = v.offers.localizedSymptoms
  if (offer && anyFeasible(offer.procedures, feasible)) {
    return {
      findings: {
        alerts: [pack.alerts['extra-abdominal-symptoms']],
        rationale: [pack.say.localizedOffered([labels(pack, offer.procedures)], offer.source)],
        missing: [],
      },
      plan:
        plan.front === null
          ? { interval: plan.interval, anchor: plan.anchor, front: offer.procedures }
          : plan,
    }
  }
  return {
    findings: {
      alerts: [pack.alerts['extra-abdominal-symptoms']],
      rationale: [pack.steps.localizedOther],
      missing: [],
    },
    plan,
  }
}

/**
 * The due window (calendar months from the anchor, computed) and where `asOf` falls in it; an
 * alert when the interval rests on a secondary source or the study is overdue.
 */
export function scheduleStep(
  pack: LoadedPack,
  asOf: IsoDate,
  plan: Plan,
): Step & Pick<NextStep, 'intervalMonths' | 'due' | 'anchor' | 'status'> {
  const { interval, anchor } = plan
  const due = dueWindow(anchor.date, interval)
  const status = followUpStatusOf(due, asOf)
  const alerts: Alert[] = []
  if (pack.sources[interval.source]?.kind === 'secondary')
    alerts.push(pack.alerts['interval-secondary-source'])
  if (status === 'overdue') alerts.push(pack.alerts['follow-up-overdue'])
  const when = pack.say.scheduleDue([
    due.from,
    due.to,
    interval.min,
    interval.max,
    pack.words.anchors[anchor.kind],
    anchor.date,
    status,
    asOf,
  ])
  return {
    findings: { alerts: alerts, rationale: [when], missing: [] },
    intervalMonths: { min: interval.min, max: interval.max },
    due,
    anchor,
    status,
  }
}

function hasSymptom(c: Case, code: string): boolean {
  return c.symptoms !== null && c.symptoms.includes(code)
}

function anyFeasible(offered: readonly ProcedureId[], feasible: readonly ProcedureId[]): boolean {
  for (const p of offered) if (feasible.includes(p)) return true
  return false
}
