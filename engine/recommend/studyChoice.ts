// Which study to order, the alternatives, and the founding article's pitfalls for that order.
import { alert } from '../alerts'
import { alternativesTo } from '../choice'
import type { LoadedPack, LoadedVariant } from '../guideline'
import { RATING_WORDS } from '../labels'
import { RATIONALE } from '../rationaleSteps'
import type { Alert, Constraints, ProcedureId, RationaleStep } from '../types'
import { caseStep, type Findings, type Step } from './findings'

const MRI: ProcedureId = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const CT: ProcedureId = 'ct-abdomen-pelvis-with-iv-contrast'

export interface StudyChoice extends Step {
  readonly procedure: ProcedureId
  readonly alternatives: readonly ProcedureId[]
}

/**
 * The best feasible study the source offers as the routine one (the pack ranks them), the other
 * feasible ones as alternatives with `front` listed first, and why: the founding article's MRI,
 * or CT when MRI is contraindicated (`seed`), else the candidate's verified rating and its source.
 * Called only when a routine study is feasible (`noRoutineStudyStep` settles the case otherwise).
 */
export function studyChoiceStep(
  pack: LoadedPack,
  v: LoadedVariant,
  feasible: readonly ProcedureId[],
  front: readonly ProcedureId[] | null,
  constraints: Constraints,
): StudyChoice {
  let procedure = feasible[0] as ProcedureId
  for (const p of feasible) {
    if (v.routine.includes(p)) {
      procedure = p
      break
    }
  }
  const rationale: RationaleStep[] = [whyThisStudy(pack, v, procedure, constraints)]
  if (v.candidates.length === 1) rationale.push(RATIONALE.onlyVerified)
  return {
    findings: { alerts: [], rationale: rationale, missing: [] },
    procedure,
    alternatives: alternativesTo(feasible, front, procedure),
  }
}

function whyThisStudy(
  pack: LoadedPack,
  v: LoadedVariant,
  procedure: ProcedureId,
  constraints: Constraints,
): RationaleStep {
  if (v.fromSeed && procedure === MRI) return RATIONALE.bestMri
  if (v.fromSeed && procedure === CT && constraints.mriContraindicated === true) return RATIONALE.ctWhenNoMri
  const row = v.rating[procedure]
  return caseStep(
    `${pack.procedure[procedure].label} is the best feasible study with a verified rating for this variant (${RATING_WORDS[row.rating]}).`,
    row.source ?? v.source,
    'choose.best-feasible',
  )
}

/**
 * The pitfalls for this order: without priors, true progression is hard to tell from
 * post-treatment change; abdominal MRI and CT need a multiphasic pancreas protocol. The founding
 * article (`seed`) gives them for its own variant; in the variants it excludes they are engine
 * rules, and say so.
 */
export function pitfallFindings(v: LoadedVariant, studiesOnFile: number, procedure: ProcedureId): Findings {
  const alerts: Alert[] = []
  const rationale: RationaleStep[] = []
  if (studiesOnFile === 0) {
    alerts.push(alert('priors-not-available'))
    rationale.push(v.fromSeed ? RATIONALE.priors : RATIONALE.priorsRule)
  }
  if (procedure === MRI || procedure === CT) {
    alerts.push(alert('pancreas-protocol'))
    rationale.push(v.fromSeed ? RATIONALE.protocol : RATIONALE.protocolRule)
  }
  return { alerts: alerts, rationale: rationale, missing: [] }
}
