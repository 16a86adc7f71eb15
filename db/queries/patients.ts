import { appendAudit, type Actor } from '../audit'
import { DbError } from '../errors'
import type { DB } from '../open'
import { fromBool, toBool } from '../rows'
import { writeTx } from '../tx'
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
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

export function getPatient(db: DB, id: number): PatientRecord | null {
  const row = db.prepare(SELECT_PATIENT).get(id) as PatientRow | undefined
  if (!row) return null
  const symptoms = db
    .prepare('SELECT code FROM patient_symptom WHERE patient_id = ? ORDER BY code')
    .pluck()
    .all(id) as string[]
  const treatments = (
    db
      .prepare(
        `SELECT kind, date, complete_resection FROM treatment
         WHERE patient_id = ? AND entered_in_error_at IS NULL ORDER BY date, id`,
      )
      .all(id) as TreatmentRow[]
  ).map((t) => ({ kind: t.kind, date: t.date, completeResection: toBool(t.complete_resection) }))
  return toRecord(row, symptoms, treatments)
}

export function requirePatient(db: DB, id: number): PatientRecord {
  const p = getPatient(db, id)
  if (!p) throw new DbError('NOT_FOUND', `No patient with id ${id}.`)
  return p
}

function assertMrnFree(db: DB, mrn: string, exceptId: number | null): void {
  const other = db.prepare('SELECT id FROM patient WHERE mrn = ? COLLATE NOCASE').pluck().get(mrn) as
    number | undefined
  if (other !== undefined && other !== exceptId) {
    throw new DbError('CONFLICT', `Another patient already has MRN ${mrn}. MRNs must be unique.`)
  }
}

/** Writes every fact of `input` to an existing patient row and its tables. */
function writePatient(db: DB, id: number, input: PatientInput, at: string): void {
  db.prepare(
    `UPDATE patient SET mrn = ?, name = ?, birth_date = ?, weight_kg = ?, staging_complete = ?,
       active_surveillance = ?, burden = ?, suspected_recurrence = ?, requested_procedure = ?, updated_at = ?
     WHERE id = ?`,
  ).run(
    input.mrn,
    input.name,
    input.birthDate,
    input.weightKg,
    fromBool(input.stagingComplete),
    fromBool(input.activeSurveillance),
    input.burden,
    fromBool(input.suspectedRecurrence),
    input.requestedProcedure,
    at,
    id,
  )
  writeFacts(db, id, input)
}

function writeFacts(db: DB, id: number, input: PatientInput): void {
  const d = input.diagnosis
  db.prepare(
    `INSERT INTO diagnosis (patient_id, date, confirmed, grade, functional, primary_size_mm)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (patient_id) DO UPDATE SET date = excluded.date, confirmed = excluded.confirmed,
       grade = excluded.grade, functional = excluded.functional, primary_size_mm = excluded.primary_size_mm`,
  ).run(id, d.date, fromBool(d.confirmed), d.grade, fromBool(d.functional), d.primarySizeMm)
  const c = input.constraints
  db.prepare(
    `INSERT INTO patient_constraint (patient_id, mri_contraindicated, mri_reason,
       iodinated_contrast_contraindicated, gadolinium_contraindicated, egfr)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (patient_id) DO UPDATE SET mri_contraindicated = excluded.mri_contraindicated,
       mri_reason = excluded.mri_reason,
       iodinated_contrast_contraindicated = excluded.iodinated_contrast_contraindicated,
       gadolinium_contraindicated = excluded.gadolinium_contraindicated, egfr = excluded.egfr`,
  ).run(
    id,
    fromBool(c.mriContraindicated),
    c.mriReason,
    fromBool(c.iodinatedContrastContraindicated),
    fromBool(c.gadoliniumContraindicated),
    c.eGFR,
  )
  db.prepare('DELETE FROM patient_symptom WHERE patient_id = ?').run(id)
  const addSymptom = db.prepare('INSERT INTO patient_symptom (patient_id, code) VALUES (?, ?)')
  for (const s of new Set(input.symptoms ?? [])) addSymptom.run(id, s)
  db.prepare('UPDATE patient SET symptoms_asked = ? WHERE id = ?').run(input.symptoms === null ? 0 : 1, id)
  // Treatments marked as entered in error stay (kept in the log, restorable); the form edits the rest.
  db.prepare('DELETE FROM treatment WHERE patient_id = ? AND entered_in_error_at IS NULL').run(id)
  const addTreatment = db.prepare(
    'INSERT INTO treatment (patient_id, kind, date, complete_resection) VALUES (?, ?, ?, ?)',
  )
  for (const t of input.treatments) {
    addTreatment.run(id, t.kind, t.date, t.kind === 'resection' ? fromBool(t.completeResection) : null)
  }
}

/** Creates a patient with its facts and an audit row, all in one transaction. */
export function createPatient(db: DB, actor: Actor, input: PatientInput): PatientRecord {
  return writeTx(db, () => {
    assertMrnFree(db, input.mrn, null)
    const at = actor.now().toISOString()
    const id = Number(
      db
        .prepare('INSERT INTO patient (mrn, name, created_at, updated_at) VALUES (?, ?, ?, ?)')
        .run(input.mrn, input.name, at, at).lastInsertRowid,
    )
    writePatient(db, id, input, at)
    const after = requirePatient(db, id)
    appendAudit(db, actor, { action: 'patient.create', entity: 'patient', entityId: id, before: null, after })
    return after
  })
}

/** Replaces a patient's facts. The audit row keeps the record before and after. */
export function updatePatient(db: DB, actor: Actor, id: number, input: PatientInput): PatientRecord {
  return writeTx(db, () => {
    const before = requirePatient(db, id)
    assertMrnFree(db, input.mrn, id)
    writePatient(db, id, input, actor.now().toISOString())
    const after = requirePatient(db, id)
    appendAudit(db, actor, { action: 'patient.update', entity: 'patient', entityId: id, before, after })
    return after
  })
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
  db: DB,
  opts: { query?: string; limit: number; offset: number },
): Page<PatientSummary> {
  const search = searchCondition(opts.query)
  const where = `WHERE p.entered_in_error_at IS NULL${search ? ` AND ${search.sql}` : ''}`
  const rows = db
    .prepare(
      `SELECT p.id, p.mrn, p.name, p.birth_date, ${IS_DEMO} AS is_demo, p.created_at FROM patient p ${where}
       ORDER BY p.name COLLATE NOCASE, p.id LIMIT :limit OFFSET :offset`,
    )
    .all({ ...search?.params, limit: opts.limit, offset: opts.offset }) as SummaryRow[]
  const total = db
    .prepare(`SELECT count(*) FROM patient p ${where}`)
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
export function patientErrorMark(db: DB, id: number): EnteredInError | null {
  const row = db
    .prepare(
      'SELECT entered_in_error_at, entered_in_error_by, entered_in_error_reason FROM patient WHERE id = ?',
    )
    .get(id) as Parameters<typeof errorMark>[0] | undefined
  return row ? errorMark(row) : null
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c)
}
