import { cached } from '../stmt'
import type { ReadableDb } from '../tx'
import type { IsoDate, Page, SurveillanceExitReason } from '../types'
import { IS_DEMO } from './patients'
import { searchCondition } from './search'

// Read models of the follow-up lifecycle: patients who left surveillance (the worklist's list),
// and the closed imaging steps with the study that fulfilled them (adherence).

export interface LeftRowData {
  patientId: number
  name: string
  mrn: string
  isDemo: boolean
  exit: {
    id: number
    reasonCode: SurveillanceExitReason
    text: string | null
    attempts: number | null
    date: IsoDate
    recordedBy: string
    recordedAt: string
  }
}

interface LeftSqlRow {
  patient_id: number
  name: string
  mrn: string
  is_demo: number
  exit_id: number
  reason_code: SurveillanceExitReason
  reason_text: string | null
  attempts: number | null
  left_on: string
  recorded_by: string
  recorded_at: string
}

/** Patients who left surveillance (current exits), newest exit first; patients in error left out. */
export function leftPage(
  db: ReadableDb,
  q: { search?: string; limit: number; offset: number },
): Page<LeftRowData> {
  const search = searchCondition(q.search)
  const where = `e.reopened_at IS NULL AND p.entered_in_error_at IS NULL${search ? ` AND ${search.sql}` : ''}`
  const from = 'surveillance_exit e JOIN patient p ON p.id = e.patient_id'
  const rows = cached(
    db,
    `SELECT p.id AS patient_id, p.name, p.mrn, ${IS_DEMO} AS is_demo, e.id AS exit_id, e.reason_code,
       e.reason_text, e.attempts, e.left_on, e.recorded_by, e.recorded_at
     FROM ${from} WHERE ${where} ORDER BY e.left_on DESC, e.id DESC LIMIT :limit OFFSET :offset`,
  ).all({ ...search?.params, limit: q.limit, offset: q.offset }) as LeftSqlRow[]
  const total = cached(db, `SELECT count(*) FROM ${from} WHERE ${where}`)
    .pluck()
    .get({ ...search?.params }) as number
  return {
    items: rows.map((r) => ({
      patientId: r.patient_id,
      name: r.name,
      mrn: r.mrn,
      isDemo: r.is_demo === 1,
      exit: {
        id: r.exit_id,
        reasonCode: r.reason_code,
        text: r.reason_text,
        attempts: r.attempts,
        date: r.left_on,
        recordedBy: r.recorded_by,
        recordedAt: r.recorded_at,
      },
    })),
    total,
  }
}

export interface FulfilledStep {
  itemId: number
  patientId: number
  name: string
  mrn: string
  /** The window in force when it closed: the radiologist's override, else the suggestion. */
  window: { from: IsoDate; to: IsoDate }
  /** The study that fulfilled the step (recorded here, or done elsewhere). */
  studyId: number
  studyDate: IsoDate
}

/**
 * Imaging steps closed by their study (recorded, or done elsewhere) whose study is dated in
 * [from, to], of one patient or of all, newest study first; a study or patient entered in error is
 * not counted.
 */
export function fulfilledSteps(
  db: ReadableDb,
  q: { from: IsoDate; to: IsoDate; patientId?: number },
): FulfilledStep[] {
  // One patient's steps are read by the patient's index: the statement names the patient only when
  // there is one (an ":patientId IS NULL OR …" condition made SQLite read every step of the log).
  const rows = cached(
    db,
    `SELECT f.id AS item_id, f.patient_id, p.name, p.mrn,
       coalesce(f.override_due_from, f.due_from) AS due_from, coalesce(f.override_due_to, f.due_to) AS due_to,
       s.id AS study_id, s.date AS study_date
     FROM followup_item f
     JOIN study s ON s.id = f.fulfilled_by_study_id
     JOIN patient p ON p.id = f.patient_id
     WHERE f.status = 'done' AND f.status_reason_code IN ('study-recorded', 'done-elsewhere')
       AND f.kind IN ('imaging', 'imaging-now', 'treatment-response')
       AND s.entered_in_error_at IS NULL AND p.entered_in_error_at IS NULL
       AND s.date >= :from AND s.date <= :to
       ${q.patientId === undefined ? '' : 'AND f.patient_id = :patientId'}
     ORDER BY s.date DESC, f.id DESC`,
  ).all(
    q.patientId === undefined
      ? { from: q.from, to: q.to }
      : { from: q.from, to: q.to, patientId: q.patientId },
  ) as Array<{
    item_id: number
    patient_id: number
    name: string
    mrn: string
    due_from: string
    due_to: string
    study_id: number
    study_date: string
  }>
  return rows.map((r) => ({
    itemId: r.item_id,
    patientId: r.patient_id,
    name: r.name,
    mrn: r.mrn,
    window: { from: r.due_from, to: r.due_to },
    studyId: r.study_id,
    studyDate: r.study_date,
  }))
}
