import { toCase } from '../../../db/case'
import type { ReadableDb, WritableDb } from '../../../db/tx'
import { requirePatient } from '../../../db/queries/patients'
import { listStudies } from '../../../db/queries/studies'
import { allPatientIds, writeDoseSummary } from '../../../db/queries/summary'
import { doseAvoided, doseLedger, projectDose } from '../../../engine'
import type { DoseLedger, EngineSettings, IsoDate, LoadedPack, ProcedureId } from '../../../engine'
import type { PatientRecord, StudyRecord } from '../../../db/types'
import type { DoseView, Settings, StoredRecommendation } from '../../contract/contract'
import { engineSettingsOf } from './settings'

/** A patient's dose ledger from what is stored, with the current dose settings. */
export function ledgerFor(
  db: ReadableDb,
  patientId: number,
  settings: EngineSettings,
  pack: LoadedPack,
): DoseLedger {
  const patient = requirePatient(db, patientId)
  return doseLedger(toCase(patient, listStudies(db, patientId)).studies, {
    ...settings,
    pack,
    weightKg: patient.weightKg,
  })
}

/**
 * Recomputes every patient's cumulative dose after the conversion settings changed (k-factor set,
 * site coefficients). Recommendations are not touched: past dose never changes a recommendation.
 * Runs in the settings change's write transaction.
 */
export function refreshDoseSummaries(tx: WritableDb, settings: EngineSettings, pack: LoadedPack): void {
  for (const id of allPatientIds(tx)) {
    const l = ledgerFor(tx, id, settings, pack)
    writeDoseSummary(tx, id, {
      cumulativeMsv: l.cumulativeMsv,
      doseEstimated: l.estimated,
      doseIncomplete: l.unknownStudies.length > 0 || l.incompleteStudies.length > 0,
    })
  }
}

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const CT = 'ct-abdomen-pelvis-with-iv-contrast'
const PROJECTION_YEARS = 5

/**
 * The dose view of a patient: the ledger, the dose avoided by MRI where CT was also usually
 * appropriate, and what 5 more years of the current plan would add with MRI versus CT.
 */
export function doseViewFor(
  patient: PatientRecord,
  studies: readonly StudyRecord[],
  current: StoredRecommendation | null,
  settings: Settings,
  asOf: IsoDate,
  pack: LoadedPack,
): DoseView {
  const engineSettings = engineSettingsOf(settings)
  const options = { ...engineSettings, pack, weightKg: patient.weightKg, asOf }
  const caseStudies = toCase(patient, studies).studies
  const ledger = doseLedger(caseStudies, options)
  const ratings = current?.output.ratings ?? []
  // Long-term cadence: the variant's routine interval (a baseline or short interval is one-off).
  const variant = current?.output.variant ?? null
  const routine = variant ? pack.variants[variant].intervals.routine : null
  const interval = routine ? { min: routine.min, max: routine.max } : ROUTINE
  const planned = current?.output.next.action === 'image' ? current.output.next.procedure : null
  const project = (procedure: ProcedureId) =>
    projectDose({ procedure, intervalMonths: interval, years: PROJECTION_YEARS, options })
  return {
    ledger,
    avoided: doseAvoided(caseStudies, ratings, options),
    projection: {
      years: PROJECTION_YEARS,
      plan: planned ? project(planned) : null,
      mri: project(MRI),
      ct: project(CT),
    },
    kFactors: settings.kFactors,
    cu64DotatateMsvPerMbq: settings.cu64DotatateMsvPerMbq,
  }
}

/** The founding article's routine interval, used when the variant has none. */
const ROUTINE = { min: 6, max: 12 }
