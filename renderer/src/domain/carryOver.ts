import type { LesionInput, StudyRecord } from '../../../electron/contract/contract'

// Which lesions a new study starts with. The reader re-measures the same targets study after
// study, but not every study measures them: a DOTATATE PET/CT after an MRI usually sizes nothing,
// and a PET/CT may have no lesion rows at all. Carrying from "the previous study" would then force
// the PET/CT to size or remove every target before it saves, and give the next MRI nothing to
// carry. So lesions come from the latest study that measured any of them, and a study may leave a
// carried lesion unmeasured (RECIST then calls that timepoint not evaluable, NE).

/** A lesion row counts as measured when it has a size or (a non-target) a status. */
export function isMeasured(l: LesionInput): boolean {
  return l.diameterMm !== null || l.status !== null
}

/**
 * The study whose lesions a new study carries over: the latest (by date, then as entered) that
 * measured at least one lesion; null when none did. `studies` is in any order.
 */
export function studyToCarryFrom(studies: readonly StudyRecord[]): StudyRecord | null {
  let best: StudyRecord | null = null
  for (const s of studies) {
    if (!s.lesions.some(isMeasured)) continue
    if (best === null || s.date > best.date || (s.date === best.date && s.id > best.id)) best = s
  }
  return best
}

/**
 * The lesions a new study starts with, unmeasured: the targets and non-targets of
 * `studyToCarryFrom` (a lesion once new is followed under its own label as it was recorded then).
 */
export function carriedLesions(
  studies: readonly StudyRecord[],
): Array<Pick<LesionInput, 'id' | 'organ' | 'nodal' | 'role'>> {
  const from = studyToCarryFrom(studies)
  if (!from) return []
  return from.lesions
    .filter((l) => l.role !== 'new')
    .map((l) => ({ id: l.id, organ: l.organ, nodal: l.nodal, role: l.role }))
}
