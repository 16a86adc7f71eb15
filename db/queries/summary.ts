import { cached } from '../stmt'
import type { ReadableDb, WritableDb } from '../tx'
import type { PatientSummaryFacts } from '../types'

/**
 * The per-patient summary the worklist shows (variant, last result, cumulative dose) is computed
 * by the engine and kept on the patient row, in the same transaction as the change that moved it.
 * One row per patient is what lets the worklist page through 100k patients in milliseconds.
 */
export function writeSummary(db: WritableDb, patientId: number, s: PatientSummaryFacts): void {
  cached(
    db,
    `UPDATE patient SET variant = @variant, last_study_date = @lastStudyDate, last_result = @lastResult,
       last_result_derived = @lastResultDerived,
       cumulative_msv = @cumulativeMsv, dose_estimated = @doseEstimated, dose_incomplete = @doseIncomplete
     WHERE id = @patientId`,
  ).run({
    patientId,
    variant: s.variant,
    lastStudyDate: s.lastStudyDate,
    lastResult: s.lastResult,
    lastResultDerived: s.lastResultDerived ? 1 : 0,
    cumulativeMsv: s.cumulativeMsv,
    doseEstimated: s.doseEstimated ? 1 : 0,
    doseIncomplete: s.doseIncomplete ? 1 : 0,
  })
}

/** Only the dose part of the summary (after the dose settings changed). */
export function writeDoseSummary(
  db: WritableDb,
  patientId: number,
  s: Pick<PatientSummaryFacts, 'cumulativeMsv' | 'doseEstimated' | 'doseIncomplete'>,
): void {
  cached(
    db,
    'UPDATE patient SET cumulative_msv = ?, dose_estimated = ?, dose_incomplete = ? WHERE id = ?',
  ).run(s.cumulativeMsv, s.doseEstimated ? 1 : 0, s.doseIncomplete ? 1 : 0, patientId)
}

export function allPatientIds(db: ReadableDb): number[] {
  return cached(db, 'SELECT id FROM patient ORDER BY id').pluck().all() as number[]
}

/** How many patients the log holds (every row, entered in error too: the re-dose counts them all). */
export function patientCount(db: ReadableDb): number {
  return cached(db, 'SELECT count(*) FROM patient').pluck().get() as number
}

/** The next `limit` patient ids after `after`, in id order (a re-dose's batch). */
export function patientIdsAfter(db: ReadableDb, after: number, limit: number): number[] {
  return cached(db, 'SELECT id FROM patient WHERE id > ? ORDER BY id LIMIT ?')
    .pluck()
    .all(after, limit) as number[]
}
