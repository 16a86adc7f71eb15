// The study the referrer asked for, checked against the variant, the patient and the next step.
// These checks add alerts and rationale; they never change the recommendation.
import { alert, alertSaying } from '../alerts'
import { exclusion } from '../choice'
import type { LoadedPack, LoadedVariant } from '../guideline'
import { RATING_WORDS } from '../labels'
import { RATIONALE } from '../rationaleSteps'
import type { Alert, Case, NextStep, RationaleStep } from '../types'
import { caseStep, NOTHING, type Findings } from './findings'

const EXCLUSION_WORDS = {
  mri: 'MRI is contraindicated',
  gadolinium: 'gadolinium contrast is contraindicated',
  iodinated: 'iodinated contrast is contraindicated',
} as const

/**
 * Does the requested study fit? Every request gets a step that names it and its rating for the
 * variant: rated appropriate (with how it relates to the recommended study; the rating's source),
 * not rated, or rated usually not appropriate (an alert naming the study and its rating;
 * endoscopic US in non-liver-dominant follow-up: `seed`); ruled out by the patient's constraints
 * (app rule); In-111 pentetreotide, which SSTR PET replaces (`snmmi_auc`); PET for routine
 * surveillance after resection (`nccn_digest_a`). `v` is `null` when no variant fits.
 */
export function requestChecks(c: Case, pack: LoadedPack, v: LoadedVariant | null, next: NextStep): Findings {
  const req = c.requestedProcedure
  if (req === null || req === undefined) return NOTHING
  const alerts: Alert[] = []
  const rationale: RationaleStep[] = []
  const label = pack.procedure[req].label
  const row = v === null ? null : v.rating[req]
  if (v === null || row === null) {
    const text = `The requested ${label} cannot be checked: the case fits no variant.`
    alerts.push(alertSaying('requested-study-not-appropriate', text))
    rationale.push(caseStep(text, 'app-rule', 'request.not-rated'))
  } else if (row.rating === 'not-loaded') {
    alerts.push(
      alertSaying(
        'requested-study-not-appropriate',
        `The requested ${label} has no verified rating for this variant (not loaded); the engine does not endorse it.`,
      ),
    )
    rationale.push(
      caseStep(
        `The requested ${label} has no verified rating for this variant, so the engine does not endorse it.`,
        'app-rule',
        'request.not-rated',
      ),
    )
  } else if (row.rating === 'usually-not-appropriate') {
    alerts.push(
      alertSaying(
        'requested-study-not-appropriate',
        `The requested ${label} is rated ${RATING_WORDS[row.rating]} for this variant.`,
      ),
    )
    rationale.push(
      req === 'endoscopic-us' && v.fromSeed
        ? RATIONALE.eusNotAppropriate
        : caseStep(
            `The requested ${label} is rated ${RATING_WORDS[row.rating]} for this variant.`,
            row.source ?? 'app-rule',
            'request.not-appropriate',
          ),
    )
  } else {
    rationale.push(
      caseStep(
        `The requested ${label} is rated ${RATING_WORDS[row.rating]} for this variant; ${requestVersusNext(pack, req, next)}.`,
        row.source ?? v.source,
        'request.appropriate',
      ),
    )
  }
  const why = exclusion(pack, req, c.constraints)
  if (why !== null) {
    const text = `The requested ${label} is ruled out for this patient: ${EXCLUSION_WORDS[why]}.`
    alerts.push(alertSaying('requested-study-contraindicated', text))
    rationale.push(caseStep(text, 'app-rule', 'request.contraindicated'))
  }
  if (req === 'in111-pentetreotide-spect-ct') {
    alerts.push(alert('prefer-sstr-pet'))
    rationale.push(RATIONALE.in111)
  }
  if (
    v?.id === 'post-resection-surveillance' &&
    (req === 'dotatate-pet-ct-skull-base-to-mid-thigh' || req === 'fdg-pet-ct-skull-base-to-mid-thigh')
  ) {
    rationale.push(RATIONALE.petAfterResection)
  }
  return { alerts: alerts, rationale: rationale, missing: [] }
}

/** How an appropriately rated request relates to the recommended next step, in words. */
function requestVersusNext(
  pack: LoadedPack,
  req: NonNullable<Case['requestedProcedure']>,
  next: NextStep,
): string {
  if (next.procedure === req) return 'it is the recommended study'
  if (next.alternatives.includes(req)) {
    return next.procedure === null
      ? 'it is one of the options for the review'
      : `it is an alternative to the recommended ${pack.procedure[next.procedure].label}`
  }
  if (next.additions.includes(req)) return 'the tumour board may add it'
  if (next.procedure !== null) return `the recommended study is ${pack.procedure[next.procedure].label}`
  return 'the next step is not a study chosen by the engine'
}
