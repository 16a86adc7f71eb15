// The steps that can hand the case to people instead of choosing a study: the tumour board
// (progression, an untreated tumour above 2 cm) or a clinician (no variant, nothing verified
// feasible, no routine study the source offers left).
import { exclusion } from '../choice'
import type { Classification } from '../classify'
import { typicalProcedureDose } from '../dose'
import type { CaseFacts, ReadStudy } from '../facts'
import type { LoadedPack, LoadedVariant } from '../guideline'
import type { Alert, Case, IsoDate, NextStep, ProcedureId, RationaleStep, Study } from '../types'
import { CARRY_ON, NO_PROCEDURES, NOTHING, type Settling, type Step } from './findings'
import { postTreatmentChangePossible, treatmentSince, type DatedTreatment } from './history'

/**
 * No variant fits: a clinician decides (app rule). The step says whether a missing fact or the
 * facts themselves keep the case outside the pack.
 */
export function noVariantStep(pack: LoadedPack, cls: Classification): Step & { readonly next: NextStep } {
  const missingFact = cls.inputsMissing.length > 0 && !cls.alerts.includes('outside-topic')
  return {
    findings: { alerts: [], rationale: [missingFact ? pack.steps.missing : pack.steps.outside], missing: [] },
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
  pack: LoadedPack,
  c: Case,
  asOf: IsoDate,
  v: LoadedVariant,
  facts: CaseFacts,
  latest: ReadStudy | null,
  feasible: readonly ProcedureId[],
): ProgressionOutcome {
  if (latest === null || latest.result !== 'progression') return NO_PROGRESSION
  const alerts: Alert[] = [pack.alerts['progression']]
  const rationale: RationaleStep[] = []
  if (facts.response !== null && facts.response.newLesions && facts.response.date === latest.date) {
    alerts.push(pack.alerts['new-lesion'])
  }
  rationale.push(v.fromSeed ? pack.steps.progressionSeed : pack.steps.progressionOther)
  const offer = v.offers.progression
  const offered = offer === null ? [] : offer.procedures.filter((p) => feasible.includes(p))
  if (offer !== null && offered.length > 0) {
    rationale.push(pack.say.progressionOffer([labels(pack, offered)], offer.source))
  }
  if (postTreatmentChangePossible(c, asOf, v)) {
    alerts.push(pack.alerts['post-treatment-change'])
    rationale.push(v.fromSeed ? pack.steps.postTreatment : pack.steps.postTreatmentRule)
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
  alerts[0] = pack.alerts['progression-answered']
  rationale.push(
    pack.say.progressionNewTreatment([pack.words.treatments[newTreatment.kind], newTreatment.date]),
  )
  return { findings: { alerts: alerts, rationale: rationale, missing: [] }, next: null, newTreatment }
}

/**
 * Untreated surveillance: above 2 cm the tumour board reviews the tumour (`small_pnet_review`);
 * an unknown size is a missing input.
 */
export function untreatedSizeStep(
  pack: LoadedPack,
  c: Case,
  v: LoadedVariant,
  studies: readonly Study[],
): Settling {
  if (v.id !== 'untreated-surveillance') return CARRY_ON
  const size = untreatedSizeMm(c, studies)
  if (size === null)
    return { findings: { alerts: [], rationale: [], missing: ['diagnosis.primarySizeMm'] }, next: null }
  if (size <= 20) return CARRY_ON
  return {
    findings: { alerts: [pack.alerts['size-over-2cm']], rationale: [pack.steps.overTwoCm], missing: [] },
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

/**
 * Every verified study of the variant is ruled out: the radiologist chooses, since a study
 * without a verified rating is never put in its place (app rule).
 */
export function noFeasibleStudyStep(pack: LoadedPack, feasible: readonly ProcedureId[]): Settling {
  if (feasible.length > 0) return CARRY_ON
  return {
    findings: {
      alerts: [pack.alerts['no-verified-alternative']],
      rationale: [pack.steps.noFeasible],
      missing: [],
    },
    next: clinicianReview(),
  }
}

const SITUATIONS = ['progression', 'indeterminate', 'clinicalSuspicion', 'localizedSymptoms'] as const

/** Procedure labels, joined for a sentence. */
export function labels(pack: LoadedPack, ps: readonly ProcedureId[]): string {
  let out = ''
  for (const p of ps) out = out === '' ? pack.procedure[p].label : `${out}, ${pack.procedure[p].label}`
  return out
}

/**
 * The studies the variant's source offers as the routine study are all ruled out, and other rated
 * studies are left (non-liver-dominant follow-up with MRI and iodinated contrast ruled out leaves
 * DOTATATE PET/CT, which the founding article offers only in particular situations). The source
 * gives no fallback, so no study is chosen: a clinician reviews the options, each listed with its
 * rating, why it is out or what the source offers it for, and, for a hybrid study, what its CT
 * part needs and what it adds in dose (app rule).
 */
export function noRoutineStudyStep(
  c: Case,
  pack: LoadedPack,
  v: LoadedVariant,
  feasible: readonly ProcedureId[],
): Settling {
  if (feasible.length === 0) return CARRY_ON
  for (let i = 0; i < v.routine.length; i++)
    if (feasible.includes(v.routine[i] as ProcedureId)) return CARRY_ON
  const rationale: RationaleStep[] = [pack.steps.noRoutineStudy]
  for (const p of v.candidates) {
    const row = v.rating[p]
    const proc = pack.procedure[p]
    const rating = pack.words.ratings[row.rating]
    const source = row.source ?? v.source
    const why = exclusion(pack, p, c.constraints)
    if (why !== null) {
      rationale.push(pack.say.reviewRuledOut([proc.label, rating, pack.words.exclusions[why]], source))
      continue
    }
    const uses: string[] = []
    for (const k of SITUATIONS) if (v.offers[k]?.procedures.includes(p)) uses.push(pack.words.offers[k])
    rationale.push(
      uses.length > 0
        ? pack.say.reviewOffered([proc.label, rating, uses.join('; ')], source)
        : pack.say.reviewNotOffered([proc.label, rating], source),
    )
    if (proc.modality !== 'PET/CT' && proc.modality !== 'NM') continue
    if (c.constraints.iodinatedContrastContraindicated === true)
      rationale.push(pack.steps.hybridCtWithoutContrast)
    const dose = typicalProcedureDose(p, { pack, weightKg: c.weightKg })
    if (dose.radiopharmaceuticalMsv !== null) {
      rationale.push(
        pack.say[c.weightKg === null ? 'reviewDoseNoWeight' : 'reviewDose'](
          [proc.label, dose.radiopharmaceuticalMsv, dose.activityMbq ?? 0],
          dose.sources[dose.sources.length - 1] ?? 'computed',
        ),
      )
    }
  }
  return {
    findings: {
      alerts: [pack.alertSay.noRoutineStudy([labels(pack, feasible)])],
      rationale,
      missing: [],
    },
    next: { ...clinicianReview(), alternatives: feasible },
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
    additions: NO_PROCEDURES,
  }
}

/** The multidisciplinary tumour board, with the studies it may add (possibly none). */
function tumourBoard(offered: readonly ProcedureId[]): NextStep {
  return {
    action: 'tumor-board',
    procedure: null,
    alternatives: [],
    intervalMonths: null,
    due: null,
    anchor: null,
    status: null,
    additions: offered,
  }
}
