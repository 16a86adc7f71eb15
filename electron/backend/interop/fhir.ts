import {
  ACR_PNET,
  DOSE_METHOD_LABELS,
  NEXT_ACTION_LABELS,
  type IsoDate,
  type ProcedureId,
  type StudyDoseEstimate,
} from '../../../engine'
import type { FollowUpItem, PatientRecord, StudyRecord } from '../../../db/types'
import type { StoredRecommendation } from '../../contract/contract'

// A patient's follow-up plan as a FHIR R4 Bundle (type `collection`): the Patient, the current
// recommendation as a ServiceRequest with `intent: proposal` (IHE Radiology's follow-up
// recommendation idea: `occurrencePeriod` is the due window, the reasons are `reasonCode`, the
// guideline pack and version are `instantiatesCanonical` and `supportingInfo`), and one dose
// Observation per study with a recorded or estimated dose (code LOINC 73569-6 as the FHIR
// Radiation Dose Summary IG uses it; components coded with DICOM's DCM codes). Only the fields
// written here are typed: the output is checked against the official R4 JSON schema in the tests
// (test/unit/api/interop-fhir.test.ts), so a field the schema does not know fails there.

export const FHIR_SYSTEMS = {
  /** The app's own code system for its procedure ids (docs/interop.md). */
  procedure: 'urn:pnet-followup:procedure',
  /** The MRN as the app stores it; a site mapping to its own identifier system is not done here. */
  mrn: 'urn:pnet-followup:mrn',
  guideline: 'urn:pnet-followup:guideline',
  loinc: 'http://loinc.org',
  dcm: 'http://dicom.nema.org/resources/ontology/DCM',
  snomed: 'http://snomed.info/sct',
  ucum: 'http://unitsofmeasure.org',
  dicomUid: 'urn:dicom:uid',
} as const

interface Coding {
  system: string
  code: string
  display?: string
}
interface CodeableConcept {
  coding?: Coding[]
  text?: string
}
interface Reference {
  reference?: string
  display?: string
}
interface Quantity {
  value: number
  unit: string
  system: string
  code: string
}
interface Annotation {
  text: string
}

export interface FhirPatient {
  resourceType: 'Patient'
  id: string
  identifier: { system: string; value: string }[]
  name: { text: string }[]
  birthDate?: IsoDate
}

export interface FhirServiceRequest {
  resourceType: 'ServiceRequest'
  id: string
  status: 'draft'
  intent: 'proposal'
  category: CodeableConcept[]
  code: CodeableConcept
  subject: Reference
  occurrencePeriod?: { start: IsoDate; end: IsoDate }
  authoredOn: string
  reasonCode: CodeableConcept[]
  instantiatesCanonical: string[]
  supportingInfo: Reference[]
  note: Annotation[]
}

export interface FhirObservation {
  resourceType: 'Observation'
  id: string
  status: 'final'
  code: CodeableConcept
  subject: Reference
  effectiveDateTime: IsoDate
  identifier?: { system: string; value: string }[]
  method?: CodeableConcept
  valueQuantity?: Quantity
  component: { code: CodeableConcept; valueQuantity: Quantity }[]
  note?: Annotation[]
}

export type FhirResource = FhirPatient | FhirServiceRequest | FhirObservation

export interface FhirBundle {
  resourceType: 'Bundle'
  id: string
  type: 'collection'
  timestamp: string
  entry: { fullUrl: string; resource: FhirResource }[]
}

export interface FhirInput {
  patient: PatientRecord
  studies: readonly StudyRecord[]
  /** The dose ledger's estimate per study (`index` into `studies`). */
  doses: readonly StudyDoseEstimate[]
  recommendation: StoredRecommendation | null
  /** The open follow-up step; its override (the radiologist's choice) is what is planned. */
  item: FollowUpItem | null
  now: Date
  /** A fresh UUID per resource (crypto.randomUUID in the app; a counter in tests). */
  uuid: () => string
}

const quantity = (value: number, code: string): Quantity => ({
  value,
  unit: code,
  system: FHIR_SYSTEMS.ucum,
  code,
})

const dcm = (code: string, display: string): CodeableConcept => ({
  coding: [{ system: FHIR_SYSTEMS.dcm, code, display }],
  text: display,
})

function procedureConcept(id: ProcedureId): CodeableConcept {
  const name = ACR_PNET.procedure[id].acrName
  return { coding: [{ system: FHIR_SYSTEMS.procedure, code: id, display: name }], text: name }
}

/** One dose Observation for a study, or null when nothing was recorded or estimated. */
function doseObservation(
  study: StudyRecord,
  e: StudyDoseEstimate | undefined,
  subject: Reference,
  id: string,
): FhirObservation | null {
  const d = study.dose
  const component: FhirObservation['component'] = []
  if (d.ctdiVolMgy !== null)
    component.push({ code: dcm('113830', 'Mean CTDIvol'), valueQuantity: quantity(d.ctdiVolMgy, 'mGy') })
  if (d.dlpMgyCm !== null)
    component.push({ code: dcm('113838', 'DLP'), valueQuantity: quantity(d.dlpMgyCm, 'mGy.cm') })
  if (d.activityMbq !== null)
    component.push({
      code: dcm('113507', 'Administered activity'),
      valueQuantity: quantity(d.activityMbq, 'MBq'),
    })
  const hasEstimate = e !== undefined && e.msv !== null && e.method !== 'non-ionizing'
  if (component.length === 0 && !hasEstimate) return null
  const notes: Annotation[] = []
  if (e && hasEstimate) {
    notes.push({
      text: `Effective dose ${e.estimated ? 'estimated' : 'as recorded'} (${DOSE_METHOD_LABELS[e.method]}); a population estimate for a reference adult, not this patient's risk.`,
    })
    if (e.incomplete) notes.push({ text: 'Part of the dose is unknown: the value is a lower bound.' })
  }
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: {
      coding: [
        {
          system: FHIR_SYSTEMS.loinc,
          code: '73569-6',
          display: 'Radiation exposure and protection information',
        },
      ],
      text: `Radiation dose: ${ACR_PNET.procedure[study.procedure].acrName}`,
    },
    subject,
    effectiveDateTime: study.date,
    ...(e && hasEstimate
      ? {
          method: { text: DOSE_METHOD_LABELS[e.method] },
          valueQuantity: quantity(e.msv as number, 'mSv'),
        }
      : {}),
    component,
    ...(notes.length ? { note: notes } : {}),
  }
}

/** The Bundle for one patient. */
export function fhirBundle(input: FhirInput): FhirBundle {
  const { patient, recommendation: rec, item } = input
  const patientId = input.uuid()
  const patientUrl = `urn:uuid:${patientId}`
  const subject: Reference = { reference: patientUrl, display: `MRN ${patient.mrn}` }
  const entries: FhirBundle['entry'] = [
    {
      fullUrl: patientUrl,
      resource: {
        resourceType: 'Patient',
        id: patientId,
        identifier: [{ system: FHIR_SYSTEMS.mrn, value: patient.mrn }],
        name: [{ text: patient.name }],
        ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
      },
    },
  ]

  const doseRefs: Reference[] = []
  const byIndex = new Map(input.doses.map((e) => [e.index, e]))
  input.studies.forEach((s, i) => {
    const id = input.uuid()
    const obs = doseObservation(s, byIndex.get(i), subject, id)
    if (!obs) return
    const url = `urn:uuid:${id}`
    entries.push({ fullUrl: url, resource: obs })
    doseRefs.push({ reference: url, display: `Dose of the ${s.date} study` })
  })

  if (rec) {
    const e = rec.output
    const override = item?.override ?? null
    const procedure = override?.procedure ?? item?.procedure ?? e.next.procedure
    const due = override?.due ?? item?.due ?? e.next.due
    const notes: Annotation[] = [
      {
        text: 'A follow-up recommendation from pNET Follow-up for the radiologist and the referring clinician: a proposal, not an order.',
      },
    ]
    if (override) {
      const suggested = e.next.procedure ? ACR_PNET.procedure[e.next.procedure].acrName : 'no study'
      notes.push({
        text: `Changed by the radiologist (${override.reasonCode}${override.text ? `: ${override.text}` : ''}); the guideline suggested ${suggested}${e.next.due ? `, ${e.next.due.from} to ${e.next.due.to}` : ''}.`,
      })
    }
    const id = input.uuid()
    entries.push({
      fullUrl: `urn:uuid:${id}`,
      resource: {
        resourceType: 'ServiceRequest',
        id,
        status: 'draft',
        intent: 'proposal',
        category: [{ coding: [{ system: FHIR_SYSTEMS.snomed, code: '363679005', display: 'Imaging' }] }],
        code:
          e.next.action === 'image' && procedure
            ? procedureConcept(procedure)
            : { text: NEXT_ACTION_LABELS[e.next.action] },
        subject,
        ...(due ? { occurrencePeriod: { start: due.from, end: due.to } } : {}),
        authoredOn: rec.createdAt,
        reasonCode: e.rationale.map((step) => {
          const source = e.sources[step.source]
          return { text: source ? `${step.text} (source: ${source.title})` : step.text }
        }),
        instantiatesCanonical: [`${FHIR_SYSTEMS.guideline}:${rec.packId}|${rec.packVersion}`],
        supportingInfo: [{ display: `Guideline pack ${rec.packId} version ${rec.packVersion}` }, ...doseRefs],
        note: notes,
      },
    })
  }

  return {
    resourceType: 'Bundle',
    id: input.uuid(),
    type: 'collection',
    timestamp: input.now.toISOString(),
    entry: entries,
  }
}
