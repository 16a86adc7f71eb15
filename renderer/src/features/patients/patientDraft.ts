import { numberField } from '../../domain/numbers'
import type {
  PatientInput,
  PatientRecord,
  ProcedureId,
  TreatmentKind,
} from '../../../../electron/contract/contract'

/** A yes/no fact that may be unknown: the form never turns "not answered" into "no". */
export type Tri = '' | 'yes' | 'no'

export interface TreatmentDraft {
  kind: TreatmentKind
  date: string
  completeResection: Tri
}

/** The form's fields, exactly as typed or chosen. */
export interface PatientDraft {
  mrn: string
  name: string
  birthDate: string
  weightKg: string
  dxDate: string
  dxConfirmed: Tri
  grade: '' | 'G1' | 'G2' | 'G3'
  functional: Tri
  primarySizeMm: string
  burden: '' | 'liver-dominant' | 'non-liver-dominant'
  stagingComplete: Tri
  activeSurveillance: Tri
  suspectedRecurrence: Tri
  /** Were new symptoms asked about: '' not asked (unknown), 'no' none, 'yes' some (ticked). */
  symptomsAsked: Tri
  symptoms: string[]
  treatments: TreatmentDraft[]
  mriContraindicated: Tri
  mriReason: string
  iodinatedContrastContraindicated: Tri
  gadoliniumContraindicated: Tri
  eGFR: string
  requestedProcedure: '' | ProcedureId
}

export const EMPTY_DRAFT: PatientDraft = {
  mrn: '',
  name: '',
  birthDate: '',
  weightKg: '',
  dxDate: '',
  dxConfirmed: '',
  grade: '',
  functional: '',
  primarySizeMm: '',
  burden: '',
  stagingComplete: '',
  activeSurveillance: '',
  suspectedRecurrence: '',
  symptomsAsked: '',
  symptoms: [],
  treatments: [],
  mriContraindicated: '',
  mriReason: '',
  iodinatedContrastContraindicated: '',
  gadoliniumContraindicated: '',
  eGFR: '',
  requestedProcedure: '',
}

const triOf = (v: boolean | null): Tri => (v === null ? '' : v ? 'yes' : 'no')
const boolOf = (t: Tri): boolean | null => (t === '' ? null : t === 'yes')
const text = (v: string | number | null): string => (v === null ? '' : String(v))

export function recordToDraft(p: PatientRecord): PatientDraft {
  return {
    mrn: p.mrn,
    name: p.name,
    birthDate: text(p.birthDate),
    weightKg: text(p.weightKg),
    dxDate: text(p.diagnosis.date),
    dxConfirmed: triOf(p.diagnosis.confirmed),
    grade: p.diagnosis.grade ?? '',
    functional: triOf(p.diagnosis.functional),
    primarySizeMm: text(p.diagnosis.primarySizeMm),
    burden: p.burden ?? '',
    stagingComplete: triOf(p.stagingComplete),
    activeSurveillance: triOf(p.activeSurveillance),
    suspectedRecurrence: triOf(p.suspectedRecurrence),
    symptomsAsked: p.symptoms === null ? '' : p.symptoms.length ? 'yes' : 'no',
    symptoms: [...(p.symptoms ?? [])],
    treatments: p.treatments.map((t) => ({
      kind: t.kind,
      date: text(t.date),
      completeResection: triOf(t.completeResection),
    })),
    mriContraindicated: triOf(p.constraints.mriContraindicated),
    mriReason: text(p.constraints.mriReason),
    iodinatedContrastContraindicated: triOf(p.constraints.iodinatedContrastContraindicated),
    gadoliniumContraindicated: triOf(p.constraints.gadoliniumContraindicated),
    eGFR: text(p.constraints.eGFR),
    requestedProcedure: p.requestedProcedure ?? '',
  }
}

const dateOrNull = (s: string): string | null => (s.trim() === '' ? null : s.trim())

/**
 * Turns the form into a request. Only what cannot be sent at all (text in a number field) is
 * caught here; every other rule is the back end's, and its messages are shown next to the fields
 * under the same keys (`diagnosis.grade`, `treatments.0.date`, ...).
 */
export function draftToInput(d: PatientDraft): { input: PatientInput } | { fields: Record<string, string> } {
  const fields: Record<string, string> = {}
  const weightKg = numberField(d.weightKg, 'weightKg', 'Weight (kg)', fields)
  const primarySizeMm = numberField(d.primarySizeMm, 'diagnosis.primarySizeMm', 'Primary size (mm)', fields)
  const eGFR = numberField(d.eGFR, 'constraints.eGFR', 'eGFR', fields)
  if (d.symptomsAsked === 'yes' && d.symptoms.length === 0) {
    fields['symptoms'] = 'Tick at least one symptom, or choose None.'
  }
  if (Object.keys(fields).length) return { fields }
  return {
    input: {
      mrn: d.mrn.trim(),
      name: d.name.trim(),
      birthDate: dateOrNull(d.birthDate),
      weightKg,
      diagnosis: {
        date: dateOrNull(d.dxDate),
        confirmed: boolOf(d.dxConfirmed),
        grade: d.grade === '' ? null : d.grade,
        functional: boolOf(d.functional),
        primarySizeMm,
      },
      stagingComplete: boolOf(d.stagingComplete),
      activeSurveillance: boolOf(d.activeSurveillance),
      burden: d.burden === '' ? null : d.burden,
      suspectedRecurrence: boolOf(d.suspectedRecurrence),
      symptoms: d.symptomsAsked === '' ? null : d.symptomsAsked === 'no' ? [] : d.symptoms,
      constraints: {
        mriContraindicated: boolOf(d.mriContraindicated),
        mriReason: d.mriContraindicated === 'yes' && d.mriReason.trim() ? d.mriReason.trim() : null,
        iodinatedContrastContraindicated: boolOf(d.iodinatedContrastContraindicated),
        gadoliniumContraindicated: boolOf(d.gadoliniumContraindicated),
        eGFR,
      },
      treatments: d.treatments.map((t) => ({
        kind: t.kind,
        date: dateOrNull(t.date),
        completeResection: t.kind === 'resection' ? boolOf(t.completeResection) : null,
      })),
      requestedProcedure: d.requestedProcedure === '' ? null : d.requestedProcedure,
    },
  }
}
