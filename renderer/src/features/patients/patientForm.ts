import type { PatientInput } from '../../../../electron/api/contract'

/** The form's text fields, exactly as typed. */
export interface PatientDraft {
  mrn: string
  name: string
  birthDate: string
  weightKg: string
}

export const EMPTY_DRAFT: PatientDraft = { mrn: '', name: '', birthDate: '', weightKg: '' }

/**
 * Turns what was typed into a request. Only obviously malformed numbers are caught here; every
 * other rule is the back end's, whose messages are shown next to the fields. Facts the form does
 * not ask for stay unknown (null), never false.
 */
export function draftToInput(d: PatientDraft): { input: PatientInput } | { fields: Record<string, string> } {
  const fields: Record<string, string> = {}
  const weight = d.weightKg.trim()
  const weightKg = weight === '' ? null : Number(weight)
  if (weightKg !== null && !Number.isFinite(weightKg)) fields['weightKg'] = 'Weight (kg) must be a number.'
  if (Object.keys(fields).length) return { fields }
  return {
    input: {
      mrn: d.mrn.trim(),
      name: d.name.trim(),
      birthDate: d.birthDate.trim() === '' ? null : d.birthDate.trim(),
      weightKg,
      diagnosis: { date: null, confirmed: null, grade: null, functional: null, primarySizeMm: null },
      stagingComplete: null,
      activeSurveillance: null,
      burden: null,
      suspectedRecurrence: null,
      symptoms: [],
      constraints: {
        mriContraindicated: null,
        mriReason: null,
        iodinatedContrastContraindicated: null,
        gadoliniumContraindicated: null,
        eGFR: null,
      },
      treatments: [],
      requestedProcedure: null,
    },
  }
}
