import { zodResolver } from '@hookform/resolvers/zod'
import { patientFactsSchema, type Burden, type Grade } from '../../../../engine'
import type { PatientInput, PatientRecord, ProcedureId } from '../../../../electron/contract/contract'
import { caseResolver, type Converted, type FieldFor } from '../../components/formErrors'
import { numberText, readNumberAt } from '../../domain/numbers'
import { boolOf, triOf, type Tri } from '../../domain/tri'
import { draftToTreatment, treatmentToDraft, type TreatmentDraft } from '../treatments/treatmentDraft'

export type { Tri }

/**
 * The form's fields, exactly as typed or chosen, under the request's names (`diagnosis.grade`,
 * `constraints.eGFR`, `treatments.0.date`), so every error lands on its field.
 */
export interface PatientDraft {
  mrn: string
  name: string
  birthDate: string
  weightKg: string
  diagnosis: {
    date: string
    confirmed: Tri
    grade: '' | Grade
    functional: Tri
    primarySizeMm: string
  }
  burden: '' | Burden
  stagingComplete: Tri
  activeSurveillance: Tri
  suspectedRecurrence: Tri
  /** Were new symptoms asked about: '' not asked (unknown), 'no' none, 'yes' some (ticked). */
  symptomsAsked: Tri
  /** The ticked symptoms; their errors are shown on "New symptoms" (`symptomsAsked`). */
  symptoms: string[]
  treatments: TreatmentDraft[]
  constraints: {
    mriContraindicated: Tri
    mriReason: string
    iodinatedContrastContraindicated: Tri
    gadoliniumContraindicated: Tri
    eGFR: string
  }
  requestedProcedure: '' | ProcedureId
}

export const EMPTY_DRAFT: PatientDraft = {
  mrn: '',
  name: '',
  birthDate: '',
  weightKg: '',
  diagnosis: { date: '', confirmed: '', grade: '', functional: '', primarySizeMm: '' },
  burden: '',
  stagingComplete: '',
  activeSurveillance: '',
  suspectedRecurrence: '',
  symptomsAsked: '',
  symptoms: [],
  treatments: [],
  constraints: {
    mriContraindicated: '',
    mriReason: '',
    iodinatedContrastContraindicated: '',
    gadoliniumContraindicated: '',
    eGFR: '',
  },
  requestedProcedure: '',
}

const textOf = (v: string | null): string => v ?? ''

export function recordToDraft(p: PatientRecord): PatientDraft {
  return {
    mrn: p.mrn,
    name: p.name,
    birthDate: textOf(p.birthDate),
    weightKg: numberText(p.weightKg),
    diagnosis: {
      date: textOf(p.diagnosis.date),
      confirmed: triOf(p.diagnosis.confirmed),
      grade: p.diagnosis.grade ?? '',
      functional: triOf(p.diagnosis.functional),
      primarySizeMm: numberText(p.diagnosis.primarySizeMm),
    },
    burden: p.burden ?? '',
    stagingComplete: triOf(p.stagingComplete),
    activeSurveillance: triOf(p.activeSurveillance),
    suspectedRecurrence: triOf(p.suspectedRecurrence),
    symptomsAsked: p.symptoms === null ? '' : p.symptoms.length ? 'yes' : 'no',
    symptoms: [...(p.symptoms ?? [])],
    treatments: p.treatments.map(treatmentToDraft),
    constraints: {
      mriContraindicated: triOf(p.constraints.mriContraindicated),
      mriReason: textOf(p.constraints.mriReason),
      iodinatedContrastContraindicated: triOf(p.constraints.iodinatedContrastContraindicated),
      gadoliniumContraindicated: triOf(p.constraints.gadoliniumContraindicated),
      eGFR: numberText(p.constraints.eGFR),
    },
    requestedProcedure: p.requestedProcedure ?? '',
  }
}

const dateOrNull = (s: string): string | null => (s.trim() === '' ? null : s.trim())

/**
 * Turns the form into a request. Only what cannot be sent at all is refused here (text in a number
 * field; "yes" to new symptoms with none ticked); every other rule is the case schema's, checked by
 * the resolver and again by the back end.
 */
export function draftToInput(d: PatientDraft): Converted<PatientInput> {
  const refused: Record<string, string> = {}
  const mriContraindicated = boolOf(d.constraints.mriContraindicated)
  if (d.symptomsAsked === 'yes' && d.symptoms.length === 0) {
    refused['symptoms'] = 'Tick at least one symptom, or choose None.'
  }
  const input: PatientInput = {
    mrn: d.mrn.trim(),
    name: d.name.trim(),
    birthDate: dateOrNull(d.birthDate),
    weightKg: readNumberAt(d.weightKg, 'weightKg', refused),
    diagnosis: {
      date: dateOrNull(d.diagnosis.date),
      confirmed: boolOf(d.diagnosis.confirmed),
      grade: d.diagnosis.grade === '' ? null : d.diagnosis.grade,
      functional: boolOf(d.diagnosis.functional),
      primarySizeMm: readNumberAt(d.diagnosis.primarySizeMm, 'diagnosis.primarySizeMm', refused),
    },
    stagingComplete: boolOf(d.stagingComplete),
    activeSurveillance: boolOf(d.activeSurveillance),
    burden: d.burden === '' ? null : d.burden,
    suspectedRecurrence: boolOf(d.suspectedRecurrence),
    symptoms: d.symptomsAsked === '' ? null : d.symptomsAsked === 'no' ? [] : d.symptoms,
    constraints: {
      mriContraindicated,
      mriReason:
        mriContraindicated === true && d.constraints.mriReason.trim() ? d.constraints.mriReason.trim() : null,
      iodinatedContrastContraindicated: boolOf(d.constraints.iodinatedContrastContraindicated),
      gadoliniumContraindicated: boolOf(d.constraints.gadoliniumContraindicated),
      eGFR: readNumberAt(d.constraints.eGFR, 'constraints.eGFR', refused),
    },
    treatments: d.treatments.map(draftToTreatment),
    requestedProcedure: d.requestedProcedure === '' ? null : d.requestedProcedure,
  }
  return { input, refused }
}

/** The form read into a request and checked with the shared `patientFactsSchema`. */
export const patientResolver = caseResolver(draftToInput, zodResolver(patientFactsSchema))

/** The fields the form always shows, by request path. */
const ALWAYS_SHOWN = new Set([
  'mrn',
  'name',
  'birthDate',
  'weightKg',
  'diagnosis.date',
  'diagnosis.confirmed',
  'diagnosis.grade',
  'diagnosis.functional',
  'diagnosis.primarySizeMm',
  'burden',
  'stagingComplete',
  'activeSurveillance',
  'suspectedRecurrence',
  'symptoms',
  'constraints.mriContraindicated',
  'constraints.iodinatedContrastContraindicated',
  'constraints.gadoliniumContraindicated',
  'constraints.eGFR',
  'requestedProcedure',
])

/**
 * Where the form shows an error for a path of the patient facts, as the form is now; null when it
 * has no field for it (a hidden field, a symptom code, a whole section): the summary shows those.
 */
export const patientFieldFor: FieldFor<PatientDraft> = (path, d) => {
  if (ALWAYS_SHOWN.has(path)) return path
  if (path === 'constraints.mriReason') return d.constraints.mriContraindicated === 'yes' ? path : null
  const treatment = /^treatments\.(\d+)\.(kind|date|completeResection)$/.exec(path)
  if (treatment) {
    const t = d.treatments[Number(treatment[1])]
    if (!t) return null
    return treatment[2] !== 'completeResection' || t.kind === 'resection' ? path : null
  }
  return null
}
