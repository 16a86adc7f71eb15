// Which of a variant's candidate studies are feasible under a patient's contraindications, and
// the alternative lists built from them. A variant has at most 8 contraindication combinations,
// so each list is built once and shared (frozen) by every evaluation: this is the engine's hot path.
import type { LoadedPack, LoadedVariant } from './guideline'
import type { Constraints, ProcedureId } from './types'

export type Exclusion = 'mri' | 'gadolinium' | 'iodinated' | null

/**
 * The feasible candidates of a variant under a set of contraindications, and the alternative
 * lists built from them. There are only 8 combinations per variant, so each is built once and
 * shared (frozen) by every evaluation.
 */
export interface Choice {
  feasible: readonly ProcedureId[]
  /** Alternatives (all feasible but the first), keyed by the offer put in front (or none). */
  alternatives: Map<readonly ProcedureId[] | null, readonly ProcedureId[]>
  offered: Map<readonly ProcedureId[], readonly ProcedureId[]>
}
const choiceCache = new WeakMap<LoadedVariant, Choice[]>()

export function choiceFor(pack: LoadedPack, v: LoadedVariant, k: Constraints): Choice {
  const mask =
    (k.mriContraindicated === true ? 1 : 0) |
    (k.gadoliniumContraindicated === true ? 2 : 0) |
    (k.iodinatedContrastContraindicated === true ? 4 : 0)
  let byMask = choiceCache.get(v)
  if (!byMask) {
    byMask = []
    choiceCache.set(v, byMask)
  }
  let choice = byMask[mask]
  if (!choice) {
    const feasible: ProcedureId[] = []
    for (const p of v.candidates) if (exclusion(pack, p, k) === null) feasible.push(p)
    choice = { feasible: Object.freeze(feasible), alternatives: new Map(), offered: new Map() }
    byMask[mask] = choice
  }
  return choice
}

export function alternativesOf(choice: Choice, front: readonly ProcedureId[] | null): readonly ProcedureId[] {
  let list = choice.alternatives.get(front)
  if (!list) {
    const feasible = choice.feasible
    const first = feasible[0]
    const out: ProcedureId[] = []
    if (front) for (const p of front) if (p !== first && feasible.includes(p)) push(out, p)
    for (const p of feasible) if (p !== first) push(out, p)
    list = Object.freeze(out)
    choice.alternatives.set(front, list)
  }
  return list
}

export function offeredOf(choice: Choice, procedures: readonly ProcedureId[]): readonly ProcedureId[] {
  let list = choice.offered.get(procedures)
  if (!list) {
    const out: ProcedureId[] = []
    for (const p of procedures) if (choice.feasible.includes(p)) out.push(p)
    list = Object.freeze(out)
    choice.offered.set(procedures, list)
  }
  return list
}

/** Appends `item` unless the list already holds it. */
export function push<T>(list: T[], item: T): void {
  if (!list.includes(item)) list.push(item)
}

/** Why a study is ruled out for this patient, or null when it is feasible. */
export function exclusion(pack: LoadedPack, p: ProcedureId, k: Constraints): Exclusion {
  const proc = pack.procedure[p]
  if (proc.modality === 'MR' && k.mriContraindicated === true) return 'mri'
  if (proc.contrast === 'gadolinium' && k.gadoliniumContraindicated === true) return 'gadolinium'
  if (proc.contrast === 'iodinated' && k.iodinatedContrastContraindicated === true) return 'iodinated'
  return null
}
