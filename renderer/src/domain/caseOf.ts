import type { StudyRecord } from '../../../electron/contract/contract'
import type { Study } from '../../../engine'

/** Stored studies in the engine's shape, for display helpers (RECIST timepoints). */
export function toCaseStudies(studies: readonly StudyRecord[]): Study[] {
  return studies.map((s) => ({
    date: s.date,
    procedure: s.procedure,
    result: s.result,
    lesions: s.lesions,
    dose: s.dose,
  }))
}
