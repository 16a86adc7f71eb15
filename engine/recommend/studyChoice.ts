// Which study to order, the alternatives, and the founding article's pitfalls for that order.
import { alternativesTo } from '../choice'
import type { LoadedPack, LoadedVariant } from '../guideline'
import { RATIONALE } from '../rationaleSteps'
import type { AlertCode, Constraints, ProcedureId, RationaleStep, Rating } from '../types'
import { caseStep, type Findings, type Step } from './findings'

const MRI: ProcedureId = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const CT: ProcedureId = 'ct-abdomen-pelvis-with-iv-contrast'

const RATING_WORDS: Readonly<Record<Rating, string>> = {
  'usually-appropriate': 'usually appropriate',
  'may-be-appropriate': 'may be appropriate',
  'usually-not-appropriate': 'usually not appropriate',
  'not-loaded': 'not loaded',
}

export interface StudyChoice extends Step {
  readonly procedure: ProcedureId
  readonly alternatives: readonly ProcedureId[]
}

/**
 * The best feasible candidate (the pack ranks them), the other feasible ones as alternatives with
 * `front` listed first, and why: the founding article's MRI, or CT when MRI is contraindicated
 * (`seed`), else the candidate's verified rating and its source. Never called with no feasible study.
 */
export function studyChoiceStep(
  pack: LoadedPack,
  v: LoadedVariant,
  feasible: readonly ProcedureId[],
  front: readonly ProcedureId[] | null,
  constraints: Constraints,
): StudyChoice {
  const procedure = feasible[0] as ProcedureId
  const rationale: RationaleStep[] = [whyThisStudy(pack, v, procedure, constraints)]
  if (v.candidates.length === 1) rationale.push(RATIONALE.onlyVerified)
  return {
    findings: { alerts: [], rationale: rationale, missing: [] },
    procedure,
    alternatives: alternativesTo(feasible, front),
  }
}

function whyThisStudy(
  pack: LoadedPack,
  v: LoadedVariant,
  procedure: ProcedureId,
  constraints: Constraints,
): RationaleStep {
  const seedVariant = v.id === 'follow-up-non-liver-dominant'
  if (seedVariant && procedure === MRI) return RATIONALE.bestMri
  if (seedVariant && procedure === CT && constraints.mriContraindicated === true) return RATIONALE.ctWhenNoMri
  const row = v.rating[procedure]
  return caseStep(
    `${pack.procedure[procedure].label} is the best feasible study with a verified rating for this variant (${RATING_WORDS[row.rating]}).`,
    row.source ?? v.source,
    'choose.best-feasible',
  )
}

/**
 * The founding article's pitfalls for this order (`seed`): without priors, true progression is
 * hard to tell from post-treatment change; abdominal MRI and CT need a multiphasic pancreas protocol.
 */
export function pitfallFindings(studiesOnFile: number, procedure: ProcedureId): Findings {
  const alerts: AlertCode[] = []
  const rationale: RationaleStep[] = []
  if (studiesOnFile === 0) {
    alerts.push('priors-not-available')
    rationale.push(RATIONALE.priors)
  }
  if (procedure === MRI || procedure === CT) {
    alerts.push('pancreas-protocol')
    rationale.push(RATIONALE.protocol)
  }
  return { alerts: alerts, rationale: rationale, missing: [] }
}
