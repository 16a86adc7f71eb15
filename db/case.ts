import type { Case, Study } from '../engine'
import type { PatientRecord, StudyRecord } from './types'

/**
 * A stored patient and studies as the engine's `Case` (the `pnet-case/1` shape). Unknown stays
 * unknown: every null in the log is passed on as null, never as false.
 */
export function toCase(p: PatientRecord, studies: readonly StudyRecord[]): Case {
  return {
    id: `patient-${p.id}`,
    birthDate: p.birthDate,
    weightKg: p.weightKg,
    diagnosis: { ...p.diagnosis },
    stagingComplete: p.stagingComplete,
    treatments: p.treatments.map((t) =>
      t.kind === 'resection'
        ? { kind: t.kind, date: t.date, completeResection: t.completeResection }
        : { kind: t.kind, date: t.date },
    ),
    activeSurveillance: p.activeSurveillance,
    burden: p.burden,
    suspectedRecurrence: p.suspectedRecurrence,
    symptoms: p.symptoms === null ? null : [...p.symptoms],
    constraints: {
      mriContraindicated: p.constraints.mriContraindicated,
      iodinatedContrastContraindicated: p.constraints.iodinatedContrastContraindicated,
      gadoliniumContraindicated: p.constraints.gadoliniumContraindicated,
      eGFR: p.constraints.eGFR,
    },
    requestedProcedure: p.requestedProcedure,
    studies: studies.map(toStudy),
  }
}

/** One stored study as the engine reads it (its dose with the dose report’s CT events). */
export function toStudy(s: StudyRecord): Study {
  return {
    date: s.date,
    procedure: s.procedure,
    result: s.result,
    lesions: s.lesions.map((l) => ({ ...l })),
    dose: doseOf(s),
  }
}

/** The dose as recorded, with the dose report's CT events when it gave any. */
function doseOf(s: StudyRecord): Study['dose'] {
  const ct = s.doseEvents.filter((e) => e.kind === 'ct')
  if (ct.length === 0) return { ...s.dose }
  return {
    ...s.dose,
    events: ct.map((e) => ({ dlpMgyCm: e.dlpMgyCm, ctdiVolMgy: e.ctdiVolMgy, region: e.region })),
  }
}
