import { cached } from '../stmt'
import { DbError } from '../errors'
import { fromBool, toBool } from '../rows'
import type { ReadableDb, WritableDb } from '../tx'
import type {
  EnteredInError,
  Page,
  PatientInput,
  PatientRecord,
  PatientSummary,
  TreatmentFacts,
} from '../types'
import { errorMark } from './lifecycle'
import { searchCondition } from './search'
import { NEXT_VERSION } from '../audit'

interface PatientRow {
  id: number
  mrn: string
  name: string
  birth_date: string | null
  weight_kg: number | null
  staging_complete: number | null
  active_surveillance: number | null
  burden: PatientRecord['burden']
  suspected_recurrence: number | null
  symptoms_asked: number
  requested_procedure: PatientRecord['requestedProcedure']
  is_demo: number
  version: number
  created_at: string
  updated_at: string
  d_date: string | null
  d_confirmed: number | null
  d_grade: PatientRecord['diagnosis']['grade']
  d_functional: number | null
  d_primary_size_mm: number | null
  c_mri: number | null
  c_mri_reason: string | null
  c_iodinated: number | null
  c_gadolinium: number | null
  c_egfr: number | null
  entered_in_error_at: string | null
  entered_in_error_by: string | null
  entered_in_error_reason: string | null
}

/** 1 when the demo log loaded the patient (the back end's record of it, never a guess from the MRN). */
export const IS_DEMO = 'EXISTS (SELECT 1 FROM demo_patients dp WHERE dp.patient_id = p.id)'

const SELECT_PATIENT = `
  SELECT p.*, ${IS_DEMO} AS is_demo, d.date AS d_date, d.confirmed AS d_confirmed, d.grade AS d_grade,
         d.functional AS d_functional, d.primary_size_mm AS d_primary_size_mm,
         c.mri_contraindicated AS c_mri, c.mri_reason AS c_mri_reason,
         c.iodinated_contrast_contraindicated AS c_iodinated,
         c.gadolinium_contraindicated AS c_gadolinium, c.egfr AS c_egfr
  FROM patient p
  LEFT JOIN diagnosis d ON d.patient_id = p.id
  LEFT JOIN patient_constraint c ON c.patient_id = p.id
  WHERE p.id = ?`

interface TreatmentRow {
  kind: TreatmentFacts['kind']
  date: string | null
  complete_resection: number | null
}

function toRecord(r: PatientRow, symptoms: string[], treatments: TreatmentFacts[]): PatientRecord {
  const symptomsKnown = r.symptoms_asked === 1
  return {
    id: r.id,
    mrn: r.mrn,
    name: r.name,
    birthDate: r.birth_date,
    weightKg: r.weight_kg,
    diagnosis: {
      date: r.d_date,
      confirmed: toBool(r.d_confirmed),
      grade: r.d_grade,
      functional: toBool(r.d_functional),
      primarySizeMm: r.d_primary_size_mm,
    },
    stagingComplete: toBool(r.staging_complete),
    activeSurveillance: toBool(r.active_surveillance),
    burden: r.burden,
    suspectedRecurrence: toBool(r.suspected_recurrence),
    symptoms: symptomsKnown ? symptoms : null,
    constraints: {
      mriContraindicated: toBool(r.c_mri),
      mriReason: r.c_mri_reason,
      iodinatedContrastContraindicated: toBool(r.c_iodinated),
      gadoliniumContraindicated: toBool(r.c_gadolinium),
      eGFR: r.c_egfr,
    },
    treatments,
    requestedProcedure: r.requested_procedure,
    isDemo: r.is_demo === 1,
    version: r.version,
    enteredInError: errorMark(r),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

export function getPatient(db: ReadableDb, id: number): PatientRecord | null {
  const row = cached(db, SELECT_PATIENT).get(id) as PatientRow | undefined
  if (!row) return null
  const symptoms = cached(db, 'SELECT code FROM patient_symptom WHERE patient_id = ? ORDER BY code')
    .pluck()
    .all(id) as string[]
  const treatments = (
    cached(
      db,
      `SELECT kind, date, complete_resection FROM treatment
         WHERE patient_id = ? AND entered_in_error_at IS NULL ORDER BY date, id`,
    ).all(id) as TreatmentRow[]
  ).map((t) => ({ kind: t.kind, date: t.date, completeResection: toBool(t.complete_resection) }))
  return toRecord(row, symptoms, treatments)
}

export function requirePatient(db: ReadableDb, id: number): PatientRecord {
  const p = getPatient(db, id)
  if (!p) throw new DbError('NOT_FOUND', `No patient with id ${id}.`)
  return p
}

/** Refuses (CONFLICT) an MRN another patient already has, whatever its letter case. */
export function assertMrnFree(db: ReadableDb, mrn: string, exceptId: number | null): void {
  const other = cached(db, 'SELECT id FROM patient WHERE mrn = ? COLLATE NOCASE').pluck().get(mrn) as
    number | undefined
  if (other !== undefined && other !== exceptId) {
    throw new DbError('CONFLICT', `Another patient already has MRN ${mrn}. MRNs must be unique.`)
  }
}

/**
 * Inserts a patient row with every fact of `input` (in the caller's write transaction) and returns
 * its id. The caller checks the MRN first (`assertMrnFree`); the unique index refuses a duplicate
 * anyway.
 */
export function insertPatient(
  db: WritableDb,
  input: PatientInput,
  at: string,
  opts: { isDemo?: boolean } = {},
): number {
  const id = Number(
    cached(
      db,
      `INSERT INTO patient (mrn, name, version, created_at, updated_at)
         VALUES (@mrn, @name, ${NEXT_VERSION}, @at, @at)`,
    ).run({ mrn: input.mrn, name: input.name, at }).lastInsertRowid,
  )
  if (opts.isDemo) cached(db, 'INSERT INTO demo_patients (patient_id) VALUES (?)').run(id)
  writePatientFacts(db, id, input, at)
  return id
}

/** Writes every fact of `input` to an existing patient row and its tables (in the caller's write transaction). */
export function writePatientFacts(db: WritableDb, id: number, input: PatientInput, at: string): void {
  cached(
    db,
    `UPDATE patient SET mrn = @mrn, name = @name, birth_date = @birthDate, weight_kg = @weightKg,
       staging_complete = @stagingComplete, active_surveillance = @activeSurveillance, burden = @burden,
       suspected_recurrence = @suspectedRecurrence, requested_procedure = @requestedProcedure,
       updated_at = @at, version = ${NEXT_VERSION}
     WHERE id = @id`,
  ).run({
    id,
    mrn: input.mrn,
    name: input.name,
    birthDate: input.birthDate,
    weightKg: input.weightKg,
    stagingComplete: fromBool(input.stagingComplete),
    activeSurveillance: fromBool(input.activeSurveillance),
    burden: input.burden,
    suspectedRecurrence: fromBool(input.suspectedRecurrence),
    requestedProcedure: input.requestedProcedure,
    at,
  })
  writeFacts(db, id, input)
}

function writeFacts(db: WritableDb, id: number, input: PatientInput): void {
  const d = input.diagnosis
  cached(
    db,
    `INSERT INTO diagnosis (patient_id, date, confirmed, grade, functional, primary_size_mm)
     VALUES (@id, @date, @confirmed, @grade, @functional, @primarySizeMm)
     ON CONFLICT (patient_id) DO UPDATE SET date = excluded.date, confirmed = excluded.confirmed,
       grade = excluded.grade, functional = excluded.functional, primary_size_mm = excluded.primary_size_mm`,
  ).run({
    id,
    date: d.date,
    confirmed: fromBool(d.confirmed),
    grade: d.grade,
    functional: fromBool(d.functional),
    primarySizeMm: d.primarySizeMm,
  })
  const c = input.constraints
  cached(
    db,
    `INSERT INTO patient_constraint (patient_id, mri_contraindicated, mri_reason,
       iodinated_contrast_contraindicated, gadolinium_contraindicated, egfr)
     VALUES (@id, @mri, @mriReason, @iodinated, @gadolinium, @egfr)
     ON CONFLICT (patient_id) DO UPDATE SET mri_contraindicated = excluded.mri_contraindicated,
       mri_reason = excluded.mri_reason,
       iodinated_contrast_contraindicated = excluded.iodinated_contrast_contraindicated,
       gadolinium_contraindicated = excluded.gadolinium_contraindicated, egfr = excluded.egfr`,
  ).run({
    id,
    mri: fromBool(c.mriContraindicated),
    mriReason: c.mriReason,
    iodinated: fromBool(c.iodinatedContrastContraindicated),
    gadolinium: fromBool(c.gadoliniumContraindicated),
    egfr: c.eGFR,
  })
  cached(db, 'DELETE FROM patient_symptom WHERE patient_id = ?').run(id)
  const addSymptom = cached(db, 'INSERT INTO patient_symptom (patient_id, code) VALUES (?, ?)')
  for (const s of new Set(input.symptoms ?? [])) addSymptom.run(id, s)
  cached(db, 'UPDATE patient SET symptoms_asked = ? WHERE id = ?').run(input.symptoms === null ? 0 : 1, id)
  // Treatments marked as entered in error stay (kept in the log, restorable); the form edits the rest.
  cached(db, 'DELETE FROM treatment WHERE patient_id = ? AND entered_in_error_at IS NULL').run(id)
  const addTreatment = cached(
    db,
    `INSERT INTO treatment (patient_id, kind, date, complete_resection, version)
     VALUES (?, ?, ?, ?, ${NEXT_VERSION})`,
  )
  for (const t of input.treatments) {
    addTreatment.run(id, t.kind, t.date, t.kind === 'resection' ? fromBool(t.completeResection) : null)
  }
}

interface SummaryRow {
  id: number
  mrn: string
  name: string
  birth_date: string | null
  is_demo: number
  created_at: string
}

/** Patients by name, optionally filtered by a prefix of the name or MRN (case-insensitive). */
export function listPatients(
  db: ReadableDb,
  opts: { query?: string; limit: number; offset: number },
): Page<PatientSummary> {
  const search = searchCondition(opts.query)
  const where = `WHERE p.entered_in_error_at IS NULL${search ? ` AND ${search.sql}` : ''}`
  const rows = cached(
    db,
    `SELECT p.id, p.mrn, p.name, p.birth_date, ${IS_DEMO} AS is_demo, p.created_at FROM patient p ${where}
       ORDER BY p.name COLLATE NOCASE, p.id LIMIT :limit OFFSET :offset`,
  ).all({ ...search?.params, limit: opts.limit, offset: opts.offset }) as SummaryRow[]
  const total = cached(db, `SELECT count(*) FROM patient p ${where}`)
    .pluck()
    .get({ ...search?.params }) as number
  return {
    items: rows.map((r) => ({
      id: r.id,
      mrn: r.mrn,
      name: r.name,
      birthDate: r.birth_date,
      isDemo: r.is_demo === 1,
      createdAt: r.created_at,
    })),
    total,
  }
}

/** Whether (and by whom, when, why) the patient is marked as entered in error. */
export function patientErrorMark(db: ReadableDb, id: number): EnteredInError | null {
  const row = cached(
    db,
    'SELECT entered_in_error_at, entered_in_error_by, entered_in_error_reason FROM patient WHERE id = ?',
  ).get(id) as Parameters<typeof errorMark>[0] | undefined
  return row ? errorMark(row) : null
}

/** How many demo patients the log holds. */
export function countDemoPatients(db: ReadableDb): number {
  return cached(db, 'SELECT count(*) FROM demo_patients').pluck().get() as number
}

/** The patients the demo loaded (recorded in `demo_patients`, never guessed from an MRN), by id. */
export function listDemoPatients(db: ReadableDb): Array<{ id: number; mrn: string }> {
  return cached(
    db,
    'SELECT p.id, p.mrn FROM demo_patients d JOIN patient p ON p.id = d.patient_id ORDER BY p.id',
  ).all() as Array<{ id: number; mrn: string }>
}

/**
 * Deletes one demo patient and everything that hangs off it (ON DELETE CASCADE), in the caller's
 * write transaction; its `demo_patients` row goes with it. A patient the demo did not load is never
 * deleted: returns false.
 */
export function deleteDemoPatient(db: WritableDb, id: number): boolean {
  return (
    cached(
      db,
      'DELETE FROM patient WHERE id = ? AND EXISTS (SELECT 1 FROM demo_patients WHERE patient_id = ?)',
    ).run(id, id).changes === 1
  )
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c)
}
