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

// The closed imaging steps of a period: the steps closed by their study (recorded, or done
// elsewhere) whose study is dated in [from, to], of one patient or of all, newest study first; a
// study or patient entered in error is not counted. Read by the studies' date (`study_by_date`,
// migration 175; one patient's by `study_patient_date`), so the cost is the period's, not the log's.
// The statement names the patient only when there is one (an ":patientId IS NULL OR …" condition
// made SQLite read every step of the log).
const periodSteps = (columns: string, patient: boolean, limit: boolean) => `
  SELECT ${columns}
    FROM study s
    JOIN followup_item f ON f.fulfilled_by_study_id = s.id
    JOIN patient p ON p.id = f.patient_id
   WHERE s.date >= :from AND s.date <= :to AND s.entered_in_error_at IS NULL
     ${patient ? 'AND s.patient_id = :patientId' : ''}
     AND f.status = 'done' AND f.status_reason_code IN ('study-recorded', 'done-elsewhere')
     AND f.kind IN ('imaging', 'imaging-now', 'treatment-response')
     AND p.entered_in_error_at IS NULL
   ORDER BY s.date DESC, f.id DESC
   ${limit ? 'LIMIT :limit' : ''}`

type Period = { from: IsoDate; to: IsoDate; patientId?: number }
const paramsOf = (q: Period) =>
  q.patientId === undefined ? { from: q.from, to: q.to } : { from: q.from, to: q.to, patientId: q.patientId }

/** A closed step's window (the override in force, else the suggestion) and its study's date. */
export interface StepTimes {
  window: { from: IsoDate; to: IsoDate }
  studyDate: IsoDate
}

/** The window and study date of every closed imaging step of the period: what its summary needs. */
export function fulfilledStepTimes(db: ReadableDb, q: Period): StepTimes[] {
  const out: StepTimes[] = []
  const rows = cached(
    db,
    periodSteps(
      `coalesce(f.override_due_from, f.due_from), coalesce(f.override_due_to, f.due_to), s.date`,
      q.patientId !== undefined,
      false,
    ),
  )
    .raw()
    .iterate(paramsOf(q)) as IterableIterator<[IsoDate, IsoDate, IsoDate]>
  for (const [from, to, studyDate] of rows) out.push({ window: { from, to }, studyDate })
  return out
}

/** The first `limit` closed imaging steps of the period, newest study first, with their patient. */
export function fulfilledSteps(db: ReadableDb, q: Period, limit: number): FulfilledStep[] {
  const rows = cached(
    db,
    periodSteps(
      `f.id AS item_id, f.patient_id, p.name, p.mrn,
       coalesce(f.override_due_from, f.due_from) AS due_from, coalesce(f.override_due_to, f.due_to) AS due_to,
       s.id AS study_id, s.date AS study_date`,
      q.patientId !== undefined,
      true,
    ),
  ).all({ ...paramsOf(q), limit }) as Array<{
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
