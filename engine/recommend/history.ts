// The imaging and treatment history as the recommendation sees it: which read study counts, what
// the engine says about the history, and the treatments that matter for the next step.
import type { CaseFacts, ReadStudy } from '../facts'
import type { LoadedPack, LoadedVariant } from '../guideline'
import type { Alert, Case, IsoDate, RationaleStep, TreatmentKind } from '../types'
import type { Findings } from './findings'

/**
 * The read study the plan rests on: the latest read one, or none when it is not after the
 * resection that post-resection surveillance counts from (`resectionDate`, else `null`).
 */
export function latestReadAfter(facts: CaseFacts, resectionDate: IsoDate | null): ReadStudy | null {
  const latest = facts.latestRead
  return latest !== null && resectionDate !== null && latest.date <= resectionDate ? null : latest
}

/**
 * What the history says before any decision (RECIST 1.1 `recist_thresholds`, app rules): a
 * result derived from RECIST, RECIST disagreeing with the reader, a newer unread study, studies
 * dated after `asOf` that were left out, and the latest read study the plan rests on.
 */
export function historyFindings(pack: LoadedPack, facts: CaseFacts, latest: ReadStudy | null): Findings {
  const alerts: Alert[] = []
  const rationale: RationaleStep[] = []
  const results = pack.words.results
  if (facts.derived !== null && latest !== null && latest.derived) {
    alerts.push(pack.alerts['result-derived-from-recist'])
    rationale.push(
      pack.say.resultDerived([facts.derived.date, facts.derived.fromCategory, results[facts.derived.result]]),
    )
  }
  if (facts.recistDisagrees && facts.response !== null && latest !== null) {
    alerts.push(pack.alerts['recist-disagrees-with-read'])
    rationale.push(pack.say.recistMismatch([facts.response.category, results[latest.result]]))
  }
  if (facts.unread !== null) {
    alerts.push(pack.alerts['unread-study'])
    rationale.push(pack.say.unread([facts.unread.date]))
  }
  if (facts.futureStudies > 0) {
    alerts.push(pack.alerts['study-after-as-of'])
    rationale.push(
      facts.futureStudies === 1 ? pack.steps.futureStudy : pack.say.futureStudies([facts.futureStudies]),
    )
  }
  const r = facts.response
  if (r !== null && r.category === 'NE' && !r.baselineOnly) {
    const lesions = notEvaluableWords(pack, r.unmeasuredTargets, r.unassessedNonTargets)
    alerts.push(pack.alertSay.recistNotEvaluable([r.date, lesions]))
    rationale.push(pack.say.recistNotEvaluable([r.date, lesions, r.baselineDate]))
  }
  if (latest !== null) {
    const params = [pack.procedure[latest.procedure].label, latest.date, results[latest.result]] as const
    rationale.push(latest.derived ? pack.say.latestDerived(params) : pack.say.latest(params))
  }
  return { alerts: alerts, rationale: rationale, missing: [] }
}

function lesionList(pack: LoadedPack, ids: readonly string[]): string {
  return ids.length === 1
    ? pack.phrase('lesions', 'one', { id: ids[0] as string })
    : pack.phrase('lesions', 'many', { ids: ids.join(', ') })
}

/** Which lesions kept RECIST from assessing the response, in words. */
function notEvaluableWords(
  pack: LoadedPack,
  targets: readonly string[],
  nonTargets: readonly string[],
): string {
  const parts: string[] = []
  if (targets.length > 0) parts.push(pack.phrase('lesions', 'target', { lesions: lesionList(pack, targets) }))
  if (nonTargets.length > 0)
    parts.push(pack.phrase('lesions', 'non-target', { lesions: lesionList(pack, nonTargets) }))
  return parts.length > 0 ? parts.join('; ') : pack.words.lesions.unknown
}

export interface DatedTreatment {
  kind: TreatmentKind
  date: IsoDate
}

/** The latest treatment dated after `after` and not after `asOf` (a new line of treatment). */
export function treatmentSince(c: Case, after: IsoDate, asOf: IsoDate): DatedTreatment | null {
  let latest: DatedTreatment | null = null
  for (const t of c.treatments ?? []) {
    if (t.date !== null && t.date > after && t.date <= asOf && (latest === null || t.date > latest.date)) {
      latest = { kind: t.kind, date: t.date }
    }
  }
  return latest
}

/** PRRT or radiation given by `asOf` (an undated one counts): their after-effects mimic progression. */
function hadPrrtOrRadiation(c: Case, asOf: IsoDate): boolean {
  if (c.treatments === null) return false
  for (const t of c.treatments) {
    if ((t.kind === 'prrt' || t.kind === 'radiation') && (t.date === null || t.date <= asOf)) return true
  }
  return false
}

/**
 * Could a worrying finding be the after-effect of treatment? In the follow-up variants, after
 * PRRT or radiation (the founding article's pitfall, `seed`).
 */
export function postTreatmentChangePossible(c: Case, asOf: IsoDate, v: LoadedVariant): boolean {
  return (
    (v.id === 'follow-up-non-liver-dominant' || v.id === 'follow-up-liver-dominant') &&
    hadPrrtOrRadiation(c, asOf)
  )
}
