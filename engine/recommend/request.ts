// The study the referrer asked for, checked against the variant, the patient and the next step.
// These checks add alerts and rationale; they never change the recommendation.
import { exclusion } from '../choice'
import type { LoadedPack, LoadedVariant } from '../guideline'
import type { Alert, Case, NextStep, ProcedureId, RationaleStep } from '../types'
import { NOTHING, type Findings } from './findings'

/**
 * Does the requested study fit? Every request gets a step that names it and its rating for the
 * variant: rated appropriate (with how it relates to the recommended study; the rating's source),
 * not rated, or rated usually not appropriate (an alert naming the study and its rating;
 * endoscopic US in non-liver-dominant follow-up: the founding article's words); ruled out by the
 * patient's constraints (app rule); In-111 pentetreotide, which SSTR PET replaces; PET for routine
 * surveillance after resection. `v` is `null` when no variant fits.
 */
export function requestChecks(c: Case, pack: LoadedPack, v: LoadedVariant | null, next: NextStep): Findings {
  const req = c.requestedProcedure
  if (req === null || req === undefined) return NOTHING
  const alerts: Alert[] = []
  const rationale: RationaleStep[] = []
  const study = pack.procedure[req].label
  const row = v === null ? null : v.rating[req]
  if (v === null || row === null) {
    alerts.push(pack.alertSay.requestNoVariant([study]))
    rationale.push(pack.say.requestNoVariant([study]))
  } else if (row.rating === 'not-loaded') {
    alerts.push(pack.alertSay.requestNotRated([study]))
    rationale.push(pack.say.requestNotRated([study]))
  } else if (row.rating === 'usually-not-appropriate') {
    const rating = pack.words.ratings[row.rating]
    alerts.push(pack.alertSay.requestNotAppropriate([study, rating]))
    rationale.push(
      req === 'endoscopic-us' && v.fromSeed
        ? pack.steps.eusNotAppropriate
        : pack.say.requestNotAppropriate([study, rating], row.source ?? 'app-rule'),
    )
  } else {
    rationale.push(
      pack.say.requestAppropriate(
        [study, pack.words.ratings[row.rating], relationToNext(pack, req, next)],
        row.source ?? v.source,
      ),
    )
  }
  const why = exclusion(pack, req, c.constraints)
  if (why !== null) {
    const reason = pack.words.exclusions[why]
    alerts.push(pack.alertSay.requestContraindicated([study, reason]))
    rationale.push(pack.say.requestContraindicated([study, reason]))
  }
  if (req === 'in111-pentetreotide-spect-ct') {
    alerts.push(pack.alerts['prefer-sstr-pet'])
    rationale.push(pack.steps.in111)
  }
  if (
    v?.id === 'post-resection-surveillance' &&
    (req === 'dotatate-pet-ct-skull-base-to-mid-thigh' || req === 'fdg-pet-ct-skull-base-to-mid-thigh')
  ) {
    rationale.push(pack.steps.petAfterResection)
  }
  return { alerts: alerts, rationale: rationale, missing: [] }
}

/** How an appropriately rated request relates to the recommended next step, in words. */
function relationToNext(pack: LoadedPack, req: ProcedureId, next: NextStep): string {
  const w = pack.words.relations
  if (next.procedure === req) return w.recommended
  if (next.alternatives.includes(req)) {
    return next.procedure === null
      ? w.option
      : pack.phrase('relations', 'alternative', { study: pack.procedure[next.procedure].label })
  }
  if (next.additions.includes(req)) return w.addition
  if (next.procedure !== null)
    return pack.phrase('relations', 'other', { study: pack.procedure[next.procedure].label })
  return w['no-study']
}
