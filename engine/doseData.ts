// Dose facts that are rules, not guideline data: which tracers each procedure can be done with, and
// which study avoids which. The coefficients, k-factors, default activities and typical doses are
// the guideline pack's (`agents`, `kFactors`, `procedures[].typical`, `procedures[].ctRegion`).
import type { Agent, ProcedureId } from './types'

/**
 * The radiopharmaceuticals each procedure can be done with (its label and the pack's typical
 * agent): a DOTATATE PET/CT is Ga-68 or Cu-64 DOTATATE, never F-18 FDG. Procedures without a
 * radiopharmaceutical have none. `studyEntrySchema` refuses an agent that does not fit, so a study
 * is never dosed with another tracer's coefficient.
 */
export const PROCEDURE_AGENTS: Readonly<Record<ProcedureId, readonly Agent[]>> = {
  'mri-abdomen-pelvis-without-and-with-iv-contrast': [],
  'ct-abdomen-pelvis-with-iv-contrast': [],
  'dotatate-pet-ct-skull-base-to-mid-thigh': ['ga68-dotatate', 'cu64-dotatate'],
  'endoscopic-us': [],
  'fdg-pet-ct-skull-base-to-mid-thigh': ['f18-fdg'],
  'in111-pentetreotide-spect-ct': ['in111-pentetreotide'],
  'ct-chest-with-iv-contrast': [],
  'ct-chest-without-iv-contrast': [],
  'us-abdomen': [],
  'mri-targeted-region': [],
}

/**
 * A non-ionising study that replaced an ionising one rated alike in the same variant:
 * each MRI of the abdomen and pelvis done while CT of the abdomen and pelvis was also usually
 * appropriate avoided one typical CT dose.
 */
export const DOSE_AVOIDANCE_PAIRS: readonly { done: ProcedureId; instead: ProcedureId }[] = [
  { done: 'mri-abdomen-pelvis-without-and-with-iv-contrast', instead: 'ct-abdomen-pelvis-with-iv-contrast' },
]
