import { cached } from '../stmt'
import { DbError } from '../errors'
import type { ReadableDb, WritableDb } from '../tx'
import type {
  EnteredInError,
  IsoDate,
  SurveillanceExitReason,
  SurveillanceExitRecord,
  TreatmentFacts,
  TreatmentRecord,
} from '../types'
import { NEXT_VERSION } from '../audit'

// The follow-up lifecycle's records (migration 40): surveillance exits, "entered in error" marks
// on studies, treatments and patients, and treatments by id. Reads take any connection; writes
// take the WritableDb of the caller's write transaction. No transaction, no audit here.

interface ExitRow {
  id: number
  patient_id: number
  reason_code: SurveillanceExitReason
  reason_text: string | null
  attempts: number | null
  left_on: string
  recorded_by: string
  recorded_at: string
  reopened_at: string | null
  reopened_by: string | null
  reopen_reason: string | null
  version: number
}

function toExit(r: ExitRow): SurveillanceExitRecord {
  return {
    id: r.id,
    patientId: r.patient_id,
    reasonCode: r.reason_code,
    text: r.reason_text,
    attempts: r.attempts,
    date: r.left_on,
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
    reopenedAt: r.reopened_at,
    reopenedBy: r.reopened_by,
    reopenReason: r.reopen_reason,
    version: r.version,
  }
}

export function getExit(db: ReadableDb, id: number): SurveillanceExitRecord | null {
  const row = cached(db, 'SELECT * FROM surveillance_exit WHERE id = ?').get(id) as ExitRow | undefined
  return row ? toExit(row) : null
}

export function requireExit(db: ReadableDb, id: number): SurveillanceExitRecord {
  const e = getExit(db, id)
  if (!e) throw new DbError('NOT_FOUND', `No surveillance exit with id ${id}.`)
  return e
}

/** The patient's current exit (left and not reopened), if any. */
export function currentExit(db: ReadableDb, patientId: number): SurveillanceExitRecord | null {
  const row = cached(db, 'SELECT * FROM surveillance_exit WHERE patient_id = ? AND reopened_at IS NULL').get(
    patientId,
  ) as ExitRow | undefined
  return row ? toExit(row) : null
}

/** Every exit of the patient, newest first (reopened ones included). */
export function listExits(db: ReadableDb, patientId: number): SurveillanceExitRecord[] {
  return (
    cached(db, 'SELECT * FROM surveillance_exit WHERE patient_id = ? ORDER BY id DESC').all(
      patientId,
    ) as ExitRow[]
  ).map(toExit)
}

export function insertExit(
  db: WritableDb,
  patientId: number,
  e: { reasonCode: SurveillanceExitReason; text: string | null; attempts: number | null; date: IsoDate },
  by: string,
  at: string,
): number {
  return Number(
    cached(
      db,
      `INSERT INTO surveillance_exit (patient_id, reason_code, reason_text, attempts, left_on, recorded_by,
           recorded_at, version)
         VALUES (@patientId, @reason, @text, @attempts, @date, @by, @at, ${NEXT_VERSION})`,
    ).run({ patientId, reason: e.reasonCode, text: e.text, attempts: e.attempts, date: e.date, by, at })
      .lastInsertRowid,
  )
}

export function reopenExit(db: WritableDb, id: number, by: string, at: string, reason: string | null): void {
  cached(
    db,
    `UPDATE surveillance_exit SET reopened_at = @at, reopened_by = @by, reopen_reason = @reason,
       version = ${NEXT_VERSION}
     WHERE id = @id AND reopened_at IS NULL`,
  ).run({ id, by, at, reason })
}

// ---------------------------------------------------------------------------------------------
// Entered in error
// ---------------------------------------------------------------------------------------------

export type ErrorMarkable = 'study' | 'treatment' | 'patient'

const MARK_SQL: Record<ErrorMarkable, string> = {
  study: `UPDATE study SET entered_in_error_at = @at, entered_in_error_by = @by, entered_in_error_reason = @reason,
    version = ${NEXT_VERSION} WHERE id = @id`,
  treatment: `UPDATE treatment SET entered_in_error_at = @at, entered_in_error_by = @by,
    entered_in_error_reason = @reason, version = ${NEXT_VERSION} WHERE id = @id`,
  patient: `UPDATE patient SET entered_in_error_at = @at, entered_in_error_by = @by,
    entered_in_error_reason = @reason, version = ${NEXT_VERSION} WHERE id = @id`,
}

/** Marks a record as entered in error (who, when, why), or restores it (`mark` null). */
export function setEnteredInError(
  db: WritableDb,
  table: ErrorMarkable,
  id: number,
  mark: EnteredInError | null,
): void {
  cached(db, MARK_SQL[table]).run({
    id,
    at: mark?.at ?? null,
    by: mark?.by ?? null,
    reason: mark?.reason ?? null,
  })
}

export function errorMark(r: {
  entered_in_error_at: string | null
  entered_in_error_by: string | null
  entered_in_error_reason: string | null
}): EnteredInError | null {
  return r.entered_in_error_at
    ? { at: r.entered_in_error_at, by: r.entered_in_error_by ?? '', reason: r.entered_in_error_reason ?? '' }
    : null
}

// ---------------------------------------------------------------------------------------------
// Treatments by id
// ---------------------------------------------------------------------------------------------

interface TreatmentRow {
  id: number
  patient_id: number
  kind: TreatmentFacts['kind']
  date: string | null
  complete_resection: number | null
  entered_in_error_at: string | null
  entered_in_error_by: string | null
  entered_in_error_reason: string | null
  version: number
}

function toTreatment(r: TreatmentRow): TreatmentRecord {
  return {
    id: r.id,
    patientId: r.patient_id,
    kind: r.kind,
    date: r.date,
    completeResection: r.complete_resection === null ? null : r.complete_resection === 1,
    enteredInError: errorMark(r),
    version: r.version,
  }
}

export function getTreatment(db: ReadableDb, id: number): TreatmentRecord | null {
  const row = cached(db, 'SELECT * FROM treatment WHERE id = ?').get(id) as TreatmentRow | undefined
  return row ? toTreatment(row) : null
}

export function requireTreatment(db: ReadableDb, id: number): TreatmentRecord {
  const t = getTreatment(db, id)
  if (!t) throw new DbError('NOT_FOUND', `No treatment with id ${id}.`)
  return t
}

/** Every treatment of the patient, the ones entered in error included, by date. */
export function listTreatmentRecords(db: ReadableDb, patientId: number): TreatmentRecord[] {
  return (
    cached(db, 'SELECT * FROM treatment WHERE patient_id = ? ORDER BY date, id').all(
      patientId,
    ) as TreatmentRow[]
  ).map(toTreatment)
}

export function insertTreatment(db: WritableDb, patientId: number, t: TreatmentFacts): number {
  return Number(
    cached(
      db,
      `INSERT INTO treatment (patient_id, kind, date, complete_resection, version)
         VALUES (@patientId, @kind, @date, @complete, ${NEXT_VERSION})`,
    ).run({
      patientId,
      kind: t.kind,
      date: t.date,
      complete: t.kind === 'resection' && t.completeResection !== null ? (t.completeResection ? 1 : 0) : null,
    }).lastInsertRowid,
  )
}

export function updateTreatment(db: WritableDb, id: number, t: TreatmentFacts): void {
  cached(
    db,
    `UPDATE treatment SET kind = @kind, date = @date, complete_resection = @complete, version = ${NEXT_VERSION}
     WHERE id = @id`,
  ).run({
    id,
    kind: t.kind,
    date: t.date,
    complete: t.kind === 'resection' && t.completeResection !== null ? (t.completeResection ? 1 : 0) : null,
  })
}

/**
 * Marks a change of the patient's record that is not a facts edit (one of its treatments changed):
 * `updated_at` says when, and the record's version moves on, so a patient form opened before the
 * change (it saves the treatments whole) is stale.
 */
export function touchPatient(db: WritableDb, id: number, at: string): void {
  cached(db, `UPDATE patient SET updated_at = @at, version = ${NEXT_VERSION} WHERE id = @id`).run({ id, at })
}
