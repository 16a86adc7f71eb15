// Which study to order, the alternatives, and the founding article's pitfalls for that order.
import { alternativesTo } from '../choice'
import type { LoadedPack, LoadedVariant } from '../guideline'
import type { Alert, Constraints, ProcedureId, RationaleStep } from '../types'
import type { Findings, Step } from './findings'

const MRI: ProcedureId = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const CT: ProcedureId = 'ct-abdomen-pelvis-with-iv-contrast'

export interface StudyChoice extends Step {
  readonly procedure: ProcedureId
  readonly alternatives: readonly ProcedureId[]
}

/**
 * The best feasible study the source offers as the routine one (the pack ranks them), the other
 * feasible ones as alternatives with `front` listed first, and why: the founding article's MRI,
 * or CT when MRI is contraindicated (`seed`, while the pack rates them usually appropriate), else
 * the candidate's rating and its source, and each feasible study it was ranked above for a better
 * rating. Called only when a routine study is feasible (`noRoutineStudyStep` settles it otherwise).
 */
export function studyChoiceStep(
  pack: LoadedPack,
  v: LoadedVariant,
  feasible: readonly ProcedureId[],
  front: readonly ProcedureId[] | null,
  constraints: Constraints,
): StudyChoice {
  let procedure = feasible[0] as ProcedureId
  for (let i = 0; i < feasible.length; i++) {
    const p = feasible[i] as ProcedureId
    if (v.routine.includes(p)) {
      procedure = p
      break
    }
  }
  const rationale: RationaleStep[] = [whyThisStudy(pack, v, procedure, constraints)]
  const chosen = v.rating[procedure]
  for (let i = 0; i < feasible.length; i++) {
    const p = feasible[i] as ProcedureId
    const other = v.rating[p]
    if (p === procedure || other.rating === chosen.rating || !v.routine.includes(p)) continue
    rationale.push(
      pack.say.chooseOutranks(
        [
          pack.procedure[procedure].label,
          pack.words.ratings[chosen.rating],
          pack.procedure[p].label,
          pack.words.ratings[other.rating],
        ],
        other.source ?? v.source,
      ),
    )
  }
  if (v.candidates.length === 1) rationale.push(pack.steps.onlyVerified)
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
  const row = v.rating[procedure]
  const ua = row.rating === 'usually-appropriate'
  if (v.fromSeed && ua && procedure === MRI) return pack.steps.bestMri
  if (v.fromSeed && ua && procedure === CT && constraints.mriContraindicated === true)
    return pack.steps.ctWhenNoMri
  return pack.say.chooseBest(
    [pack.procedure[procedure].label, pack.words.ratings[row.rating]],
    row.source ?? v.source,
  )
}

/**
 * The pitfalls for this order: without priors, true progression is hard to tell from
 * post-treatment change; abdominal MRI and CT need a multiphasic pancreas protocol. The founding
 * article (`seed`) gives them for its own variant; in the variants it excludes they are engine
 * rules, and say so.
 */
export function pitfallFindings(
  pack: LoadedPack,
  v: LoadedVariant,
  studiesOnFile: number,
  procedure: ProcedureId,
): Findings {
  const alerts: Alert[] = []
  const rationale: RationaleStep[] = []
  if (studiesOnFile === 0) {
    alerts.push(pack.alerts['priors-not-available'])
    rationale.push(v.fromSeed ? pack.steps.priors : pack.steps.priorsRule)
  }
  if (procedure === MRI || procedure === CT) {
    alerts.push(pack.alerts['pancreas-protocol'])
    rationale.push(v.fromSeed ? pack.steps.protocol : pack.steps.protocolRule)
  }
  return { alerts: alerts, rationale: rationale, missing: [] }
}
