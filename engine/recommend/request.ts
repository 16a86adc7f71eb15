// The study the referrer asked for, checked against the variant and the patient. These checks
// add alerts and rationale; they never change the recommendation.
import { exclusion } from '../choice'
import type { LoadedPack, LoadedVariant } from '../guideline'
import { RATIONALE } from '../rationaleSteps'
import type { AlertCode, Case, RationaleStep } from '../types'
import { caseStep, NOTHING, type Findings } from './findings'

/**
 * Does the requested study fit? Not rated, or rated usually not appropriate, for the variant
 * (app rule; endoscopic US in non-liver-dominant follow-up: `seed`); ruled out by the patient's
 * constraints (app rule); In-111 pentetreotide, which SSTR PET replaces (`snmmi_auc`); PET for
 * routine surveillance after resection (`nccn_digest_a`). `v` is `null` when no variant fits.
 */
export function requestChecks(c: Case, pack: LoadedPack, v: LoadedVariant | null): Findings {
  const req = c.requestedProcedure
  if (req === null || req === undefined) return NOTHING
  const alerts: AlertCode[] = []
  const rationale: RationaleStep[] = []
  const label = pack.procedure[req].label
  const row = v === null ? null : v.rating[req]
  if (row === null || row.rating === 'not-loaded') {
    alerts.push('requested-study-not-appropriate')
    rationale.push(
      caseStep(
        v === null
          ? `The requested ${label} cannot be checked: the case fits no variant.`
          : `The requested ${label} has no verified rating for this variant, so the engine does not endorse it.`,
        'app-rule',
        'request.not-rated',
      ),
    )
  } else if (row.rating === 'usually-not-appropriate') {
    alerts.push('requested-study-not-appropriate')
    rationale.push(
      req === 'endoscopic-us' && v?.id === 'follow-up-non-liver-dominant'
        ? RATIONALE.eusNotAppropriate
        : caseStep(
            `The requested ${label} is rated usually not appropriate for this variant.`,
            row.source ?? 'app-rule',
            'request.not-appropriate',
          ),
    )
  }
  if (exclusion(pack, req, c.constraints) !== null) {
    alerts.push('requested-study-contraindicated')
    rationale.push(
      caseStep(
        `The requested ${label} is ruled out by the patient\u2019s constraints.`,
        'app-rule',
        'request.contraindicated',
      ),
    )
  }
  if (req === 'in111-pentetreotide-spect-ct') {
    alerts.push('prefer-sstr-pet')
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
