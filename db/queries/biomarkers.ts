import { cached } from '../stmt'
import { DbError } from '../errors'
import type { ReadableDb, WritableDb } from '../tx'
import type { BiomarkerInput, BiomarkerRecord, PatientNote } from '../types'
import { NEXT_VERSION } from '../audit'

// Biomarker values and the patient's note (migration 60). Reads take any connection; writes the
// `WritableDb` of the service's transaction, which also writes their audit rows.

interface BiomarkerRow {
  id: number
  patient_id: number
  date: string
  marker: BiomarkerRecord['marker']
  value: number
  unit: string
  created_at: string
  version: number
}

function toBiomarker(r: BiomarkerRow): BiomarkerRecord {
  return {
    id: r.id,
    patientId: r.patient_id,
    date: r.date,
    marker: r.marker,
    value: r.value,
    unit: r.unit,
    createdAt: r.created_at,
    version: r.version,
  }
}

/** A patient's biomarker values, by marker, then oldest first (the order a trend is read in). */
export function listBiomarkers(db: ReadableDb, patientId: number): BiomarkerRecord[] {
  const rows = cached(db, 'SELECT * FROM biomarker WHERE patient_id = ? ORDER BY marker, date, id').all(
    patientId,
  ) as BiomarkerRow[]
  return rows.map(toBiomarker)
}

export function getBiomarker(db: ReadableDb, id: number): BiomarkerRecord | null {
  const row = cached(db, 'SELECT * FROM biomarker WHERE id = ?').get(id) as BiomarkerRow | undefined
  return row ? toBiomarker(row) : null
}

export function requireBiomarker(db: ReadableDb, id: number): BiomarkerRecord {
  const b = getBiomarker(db, id)
  if (!b) throw new DbError('NOT_FOUND', `No biomarker value with id ${id}.`)
  return b
}

/** Stores one value (in the caller's write transaction). Returns the new id. */
export function insertBiomarker(
  db: WritableDb,
  patientId: number,
  b: BiomarkerInput,
  createdAt: string,
): number {
  return Number(
    cached(
      db,
      `INSERT INTO biomarker (patient_id, date, marker, value, unit, created_at, version)
         VALUES (@patientId, @date, @marker, @value, @unit, @createdAt, ${NEXT_VERSION})`,
    ).run({ patientId, date: b.date, marker: b.marker, value: b.value, unit: b.unit, createdAt })
      .lastInsertRowid,
  )
}

export function deleteBiomarker(db: WritableDb, id: number): void {
  cached(db, 'DELETE FROM biomarker WHERE id = ?').run(id)
}

interface NoteRow {
  patient_id: number
  text: string
  updated_at: string
  version: number
}

/** The patient's note, or null when there is none. */
export function getNote(db: ReadableDb, patientId: number): PatientNote | null {
  const row = cached(db, 'SELECT * FROM patient_note WHERE patient_id = ?').get(patientId) as
    NoteRow | undefined
  return row
    ? { patientId: row.patient_id, text: row.text, updatedAt: row.updated_at, version: row.version }
    : null
}

/** Replaces the note; an empty text removes it (in the caller's write transaction). */
export function putNote(db: WritableDb, patientId: number, text: string | null, at: string): void {
  if (text === null) {
    cached(db, 'DELETE FROM patient_note WHERE patient_id = ?').run(patientId)
    return
  }
  cached(
    db,
    `INSERT INTO patient_note (patient_id, text, updated_at, version) VALUES (?, ?, ?, ${NEXT_VERSION})
     ON CONFLICT (patient_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at,
       version = excluded.version`,
  ).run(patientId, text, at)
}
