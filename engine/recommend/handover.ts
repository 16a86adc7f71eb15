// The steps that can hand the case to people instead of choosing a study: the tumour board
// (progression, an untreated tumour above 2 cm) or a clinician (no variant, staging already read,
// nothing verified feasible).
import type { Classification } from '../classify'
import type { CaseFacts, ReadStudy } from '../facts'
import type { LoadedVariant } from '../guideline'
import { TREATMENT_LABELS } from '../labels'
import { RATIONALE } from '../rationaleSteps'
import type { AlertCode, Case, IsoDate, NextStep, ProcedureId, RationaleStep, Study } from '../types'
import { CARRY_ON, caseStep, NOTHING, type Settling, type Step } from './findings'
import { postTreatmentChangePossible, treatmentSince, type DatedTreatment } from './history'

/**
 * No variant fits: a clinician decides (app rule). The step says whether a missing fact or the
 * facts themselves keep the case outside the pack.
 */
export function noVariantStep(cls: Classification): Step & { readonly next: NextStep } {
  const missingFact = cls.inputsMissing.length > 0 && !cls.alerts.includes('outside-topic')
  return {
    findings: { alerts: [], rationale: [missingFact ? RATIONALE.missing : RATIONALE.outside], missing: [] },
    next: clinicianReview(),
  }
}

export interface ProgressionOutcome extends Settling {
  /** A new line of treatment started after the progression: the board has acted; follow it up. */
  readonly newTreatment: DatedTreatment | null
}

const NO_PROGRESSION: ProgressionOutcome = Object.freeze({
  findings: NOTHING,
  next: null,
  newTreatment: null,
})

/**
 * Progression on the latest read study: the tumour board (founding article `seed` for
 * non-liver-dominant follow-up, an app rule elsewhere), offered the variant's feasible
 * progression studies; the new-lesion and post-treatment-change alerts. When a new treatment has
 * started since and the variant has a routine interval, the board has acted: carry on with
 * `newTreatment` (app rule).
 */
export function progressionStep(
  c: Case,
  asOf: IsoDate,
  v: LoadedVariant,
  facts: CaseFacts,
  latest: ReadStudy | null,
  feasible: readonly ProcedureId[],
): ProgressionOutcome {
  if (latest === null || latest.result !== 'progression') return NO_PROGRESSION
  const alerts: AlertCode[] = ['progression']
  const rationale: RationaleStep[] = []
  if (facts.response !== null && facts.response.newLesions && facts.response.date === latest.date) {
    alerts.push('new-lesion')
  }
  rationale.push(
    v.id === 'follow-up-non-liver-dominant' ? RATIONALE.progressionSeed : RATIONALE.progressionOther,
  )
  const offer = v.offers.progression
  const offered = offer === null ? [] : offer.procedures.filter((p) => feasible.includes(p))
  if (offered.length > 0) rationale.push(RATIONALE.progressionOffer)
  if (postTreatmentChangePossible(c, asOf, v)) {
    alerts.push('post-treatment-change')
    rationale.push(RATIONALE.postTreatment)
  }
  const newTreatment = treatmentSince(c, latest.date, asOf)
  if (newTreatment === null || !v.intervals.routine) {
    return {
      findings: { alerts: alerts, rationale: rationale, missing: [] },
      next: tumourBoard(offered),
      newTreatment: null,
    }
  }
  // The progression is history now, answered by the new treatment: said as such, not as a live alert.
  alerts[0] = 'progression-answered'
  rationale.push(
    caseStep(
      `A new treatment (${TREATMENT_LABELS[newTreatment.kind]}, ${newTreatment.date}) started after this progression, so the tumour board has acted; the next study assesses response to it.`,
      'app-rule',
      'progression.new-treatment',
    ),
  )
  return { findings: { alerts: alerts, rationale: rationale, missing: [] }, next: null, newTreatment }
}

/**
 * Untreated surveillance: above 2 cm the tumour board reviews the tumour (`small_pnet_review`);
 * an unknown size is a missing input.
 */
export function untreatedSizeStep(c: Case, v: LoadedVariant, studies: readonly Study[]): Settling {
  if (v.id !== 'untreated-surveillance') return CARRY_ON
  const size = untreatedSizeMm(c, studies)
  if (size === null)
    return { findings: { alerts: [], rationale: [], missing: ['diagnosis.primarySizeMm'] }, next: null }
  if (size <= 20) return CARRY_ON
  return {
    findings: { alerts: ['size-over-2cm'], rationale: [RATIONALE.overTwoCm], missing: [] },
    next: tumourBoard([]),
  }
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

/** Initial staging with a read study on file: staging is done, and this variant has no interval (app rule). */
export function stagingOnFileStep(v: LoadedVariant, latest: ReadStudy | null): Settling {
  if (v.id !== 'initial-staging' || latest === null) return CARRY_ON
  return {
    findings: { alerts: [], rationale: [RATIONALE.stagingOnFile], missing: [] },
    next: clinicianReview(),
  }
}

/**
 * Every verified study of the variant is ruled out: the radiologist chooses, since a study
 * without a verified rating is never put in its place (app rule).
 */
export function noFeasibleStudyStep(feasible: readonly ProcedureId[]): Settling {
  if (feasible.length > 0) return CARRY_ON
  return {
    findings: { alerts: ['no-verified-alternative'], rationale: [RATIONALE.noFeasible], missing: [] },
    next: clinicianReview(),
  }
}

// The next steps that are not imaging.

/** A clinician decides: no study is chosen. */
export function clinicianReview(): NextStep {
  return {
    action: 'clinician-review',
    procedure: null,
    alternatives: [],
    intervalMonths: null,
    due: null,
    anchor: null,
    status: null,
  }
}

/** The multidisciplinary tumour board, with the studies it is offered (possibly none). */
function tumourBoard(offered: readonly ProcedureId[]): NextStep {
  return {
    action: 'tumor-board',
    procedure: null,
    alternatives: offered,
    intervalMonths: null,
    due: null,
    anchor: null,
    status: null,
  }
}
