// Which of a variant's candidate studies are feasible under a patient's contraindications, and
// the alternatives built from them.
import type { LoadedPack, LoadedVariant } from './guideline'
import type { Constraints, ProcedureId } from './types'

export type Exclusion = 'mri' | 'gadolinium' | 'iodinated' | null

/** The variant's candidates (best first) that the patient's contraindications leave. */
export function feasibleStudies(
  pack: LoadedPack,
  v: LoadedVariant,
  constraints: Constraints,
): readonly ProcedureId[] {
  const feasible: ProcedureId[] = []
  for (const p of v.candidates) if (exclusion(pack, p, constraints) === null) feasible.push(p)
  return feasible
}

/**
 * The alternatives to the chosen study: the feasible studies of `front` first, in its order, then
 * the other feasible ones; each once.
 */
export function alternativesTo(
  feasible: readonly ProcedureId[],
  front: readonly ProcedureId[] | null,
  chosen: ProcedureId,
): readonly ProcedureId[] {
  const out: ProcedureId[] = []
  if (front) for (const p of front) if (p !== chosen && feasible.includes(p) && !out.includes(p)) out.push(p)
  for (const p of feasible) if (p !== chosen && !out.includes(p)) out.push(p)
  return out
}

/** Why a study is ruled out for this patient, or null when it is feasible. */
export function exclusion(pack: LoadedPack, p: ProcedureId, constraints: Constraints): Exclusion {
  const proc = pack.procedure[p]
  if (proc.modality === 'MR' && constraints.mriContraindicated === true) return 'mri'
  if (proc.contrast === 'gadolinium' && constraints.gadoliniumContraindicated === true) return 'gadolinium'
  if (proc.contrast === 'iodinated' && constraints.iodinatedContrastContraindicated === true)
    return 'iodinated'
  return null
}
