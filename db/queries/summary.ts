import type { DB } from '../open'
import type { PatientSummaryFacts } from '../types'

/**
 * The per-patient summary the worklist shows (variant, last result, cumulative dose) is computed
 * by the engine and kept on the patient row, in the same transaction as the change that moved it.
 * One row per patient is what lets the worklist page through 100k patients in milliseconds.
 */
export function writeSummary(db: DB, patientId: number, s: PatientSummaryFacts): void {
  db.prepare(
    `UPDATE patient SET variant = ?, last_study_date = ?, last_result = ?, cumulative_msv = ?, dose_estimated = ?,
       dose_incomplete = ? WHERE id = ?`,
  ).run(
    s.variant,
    s.lastStudyDate,
    s.lastResult,
    s.cumulativeMsv,
    s.doseEstimated ? 1 : 0,
    s.doseIncomplete ? 1 : 0,
    patientId,
  )
}

/** Only the dose part of the summary (after the dose settings changed). */
export function writeDoseSummary(
  db: DB,
  patientId: number,
  s: Pick<PatientSummaryFacts, 'cumulativeMsv' | 'doseEstimated' | 'doseIncomplete'>,
): void {
  db.prepare(
    'UPDATE patient SET cumulative_msv = ?, dose_estimated = ?, dose_incomplete = ? WHERE id = ?',
  ).run(s.cumulativeMsv, s.doseEstimated ? 1 : 0, s.doseIncomplete ? 1 : 0, patientId)
}

export function allPatientIds(db: DB): number[] {
  return db.prepare('SELECT id FROM patient ORDER BY id').pluck().all() as number[]
}
