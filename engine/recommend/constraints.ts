// The patient's constraints: what is ruled out, and what must be checked before the chosen study
// is ordered (unknown contraindications, kidney function and contrast).
import { wholeYearsBetween } from '../dates'
import type { LoadedPack, ProcedureEntry } from '../guideline'
import type { Alert, Constraints, IsoDate, RationaleStep } from '../types'
import { NOTHING, type Findings } from './findings'

/**
 * The contraindications recorded for the patient, each an alert and a step saying which studies
 * it leaves out (MRI: `bmj_cied`; gadolinium: app rule; iodinated contrast: `premed`). Only a
 * recorded `true` counts; unknown is checked later against the chosen study.
 */
export function contraindicationFindings(pack: LoadedPack, constraints: Constraints): Findings {
  const mri = constraints.mriContraindicated === true
  const gadolinium = constraints.gadoliniumContraindicated === true
  const iodinated = constraints.iodinatedContrastContraindicated === true
  if (!mri && !gadolinium && !iodinated) return NOTHING
  const alerts: Alert[] = []
  const rationale: RationaleStep[] = []
  if (mri) {
    alerts.push(pack.alerts['mri-contraindicated'])
    rationale.push(pack.steps.mriContraindicated)
  }
  if (gadolinium) {
    alerts.push(pack.alerts['gadolinium-contraindicated'])
    rationale.push(pack.steps.gadoliniumContraindicated)
  }
  if (iodinated) {
    alerts.push(pack.alerts['iodinated-contrast-contraindicated'])
    rationale.push(pack.steps.iodinatedContraindicated)
  }
  return { alerts: alerts, rationale: rationale, missing: [] }
}

/**
 * What must be confirmed before the chosen study is ordered: MRI safety and contrast safety when
 * unknown (app rule, missing inputs), and kidney function against the contrast agent (ACR-NKF
 * consensus `acr_nkf_iodine` / `acr_nkf_gadolinium`; an unknown eGFR matters for iodinated
 * contrast when the patient is over 60 or of unknown age, `acr_manual_risk`).
 */
export function chosenStudyChecks(
  pack: LoadedPack,
  study: ProcedureEntry,
  constraints: Constraints,
  birthDate: IsoDate | null,
  asOf: IsoDate,
): Findings {
  const alerts: Alert[] = []
  const rationale: RationaleStep[] = []
  const missing: string[] = []
  if (study.modality === 'MR' && constraints.mriContraindicated === null) {
    missing.push('constraints.mriContraindicated')
    rationale.push(pack.steps.mriUnknown)
  }
  if (study.contrast === 'gadolinium' && constraints.gadoliniumContraindicated === null) {
    missing.push('constraints.gadoliniumContraindicated')
    rationale.push(pack.steps.contrastUnknown)
  } else if (study.contrast === 'iodinated' && constraints.iodinatedContrastContraindicated === null) {
    missing.push('constraints.iodinatedContrastContraindicated')
    rationale.push(pack.steps.contrastUnknown)
  }
  const egfr = constraints.eGFR
  if (egfr !== null && egfr < 30 && study.contrast !== null) {
    alerts.push(pack.alerts['egfr-below-30'])
    rationale.push(study.contrast === 'iodinated' ? pack.steps.egfr30Iodinated : pack.steps.egfr30Gadolinium)
  } else if (egfr !== null && egfr < 45 && study.contrast === 'iodinated') {
    alerts.push(pack.alerts['egfr-30-to-44'])
    rationale.push(pack.steps.egfr3044Iodinated)
  } else if (egfr === null && study.contrast === 'iodinated' && !(ageYears(birthDate, asOf) <= 60)) {
    // Age over 60 (or unknown) is one of the risk factors that call for a kidney check first.
    missing.push('constraints.eGFR')
    rationale.push(pack.steps.egfrUnknown)
  }
  if (alerts.length === 0 && rationale.length === 0 && missing.length === 0) return NOTHING
  return { alerts: alerts, rationale: rationale, missing: missing }
}

/** Whole years from `birthDate` to `asOf`; NaN when the birth date is unknown. */
function ageYears(birthDate: IsoDate | null, asOf: IsoDate): number {
  return birthDate === null ? Number.NaN : wholeYearsBetween(birthDate, asOf)
}
