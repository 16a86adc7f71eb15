import { allRows, cached } from '../stmt'
import { DbError } from '../errors'
import { fromBool, toBool } from '../rows'
import type { ReadableDb, WritableDb } from '../tx'
import type {
  DoseEventInput,
  DoseEventRecord,
  EnteredInError,
  ImportedStudyFacts,
  LesionInput,
  StudyInput,
  StudyRecord,
  WithdrawnStudy,
} from '../types'
import { errorMark } from './lifecycle'
import { NEXT_VERSION } from '../audit'

interface StudyRow {
  id: number
  patient_id: number
  date: string
  procedure: StudyRecord['procedure']
  result: StudyRecord['result']
  note: string | null
  effective_msv: number | null
  ctdivol_mgy: number | null
  dlp_mgy_cm: number | null
  region: StudyRecord['dose']['region']
  activity_mbq: number | null
  agent: StudyRecord['dose']['agent']
  created_at: string
  study_instance_uid: string | null
  accession_number: string | null
  dose_source: 'rdsr' | null
  entered_in_error_at: string | null
  entered_in_error_by: string | null
  entered_in_error_reason: string | null
  version: number
}

interface EventRow {
  id: number
  study_id: number
  sop_instance_uid: string
  event_uid: string
  kind: DoseEventInput['kind']
  ctdivol_mgy: number | null
  dlp_mgy_cm: number | null
  region: DoseEventInput['region']
  target_region: string | null
  protocol: string | null
  agent: DoseEventInput['agent']
  agent_text: string | null
  activity_mbq: number | null
}

function toEvent(r: EventRow): DoseEventRecord {
  return {
    id: r.id,
    sopInstanceUid: r.sop_instance_uid,
    eventUid: r.event_uid,
    kind: r.kind,
    ctdiVolMgy: r.ctdivol_mgy,
    dlpMgyCm: r.dlp_mgy_cm,
    region: r.region,
    targetRegion: r.target_region,
    protocol: r.protocol,
    agent: r.agent,
    agentText: r.agent_text,
    activityMbq: r.activity_mbq,
  }
}

interface LesionRow {
  study_id: number
  lesion_key: string
  organ: string
  nodal: number
  role: LesionInput['role']
  diameter_mm: number | null
  status: LesionInput['status']
}

function toLesion(r: LesionRow): LesionInput {
  return {
    id: r.lesion_key,
    organ: r.organ,
    nodal: toBool(r.nodal) === true,
    role: r.role,
    diameterMm: r.diameter_mm,
    status: r.status,
  }
}

function toStudy(r: StudyRow, lesions: LesionInput[], events: DoseEventRecord[]): StudyRecord {
  const enteredInError = errorMark(r)
  return {
    id: r.id,
    patientId: r.patient_id,
    studyInstanceUid: r.study_instance_uid,
    accessionNumber: r.accession_number,
    doseSource: r.dose_source,
    doseEvents: events,
    date: r.date,
    procedure: r.procedure,
    result: r.result,
    lesions,
    dose: {
      effectiveMsv: r.effective_msv,
      ctdiVolMgy: r.ctdivol_mgy,
      dlpMgyCm: r.dlp_mgy_cm,
      region: r.region,
      activityMbq: r.activity_mbq,
      agent: r.agent,
    },
    note: r.note,
    createdAt: r.created_at,
    enteredInError,
    version: r.version,
  }
}

/**
 * Inserts a study and its lesions (in the caller's write transaction), with its UID, accession
 * number and dose report events when it was imported. Returns the new id.
 */
export function insertStudy(
  db: WritableDb,
  patientId: number,
  s: StudyInput,
  createdAt: string,
  imported: ImportedStudyFacts | null = null,
): number {
  const d = s.dose
  const id = Number(
    cached(
      db,
      `INSERT INTO study (patient_id, date, procedure, result, note, effective_msv, ctdivol_mgy, dlp_mgy_cm,
           region, activity_mbq, agent, created_at, version, study_instance_uid, accession_number, dose_source)
         VALUES (@patientId, @date, @procedure, @result, @note, @effectiveMsv, @ctdiVolMgy, @dlpMgyCm,
           @region, @activityMbq, @agent, @createdAt, ${NEXT_VERSION}, @uid, @accession, @doseSource)`,
    ).run({
      uid: imported?.studyInstanceUid ?? null,
      accession: imported?.accessionNumber ?? null,
      doseSource: imported?.doseSource ?? null,
      patientId,
      date: s.date,
      procedure: s.procedure,
      result: s.result,
      note: s.note,
      effectiveMsv: d.effectiveMsv,
      ctdiVolMgy: d.ctdiVolMgy,
      dlpMgyCm: d.dlpMgyCm,
      region: d.region,
      activityMbq: d.activityMbq,
      agent: d.agent,
      createdAt,
    }).lastInsertRowid,
  )
  insertLesions(db, id, s.lesions)
  const addEvent = cached(
    db,
    `INSERT INTO dose_event (study_id, sop_instance_uid, event_uid, kind, ctdivol_mgy, dlp_mgy_cm, region,
       target_region, protocol, agent, agent_text, activity_mbq)
     VALUES (@studyId, @sopInstanceUid, @eventUid, @kind, @ctdiVolMgy, @dlpMgyCm, @region, @targetRegion,
       @protocol, @agent, @agentText, @activityMbq)`,
  )
  for (const e of imported?.events ?? []) addEvent.run({ studyId: id, ...e })
  return id
}

/** The id of the study with this Study Instance UID, entered in error or not; null when none. */
export function studyByUid(db: ReadableDb, uid: string): number | null {
  return (cached(db, 'SELECT id FROM study WHERE study_instance_uid = ?').pluck().get(uid) as number) ?? null
}

/**
 * A patient's studies, oldest first, each with its lesions. Studies marked as entered in error
 * are left out: views and the engine never see them (see `listWithdrawnStudies`).
 */
export function listStudies(db: ReadableDb, patientId: number): StudyRecord[] {
  return studiesWhere(db, patientId, false)
}

/** The patient's studies marked as entered in error, oldest first (kept, restorable). */
export function listWithdrawnStudies(db: ReadableDb, patientId: number): WithdrawnStudy[] {
  return studiesWhere(db, patientId, true) as WithdrawnStudy[]
}

function studiesWhere(db: ReadableDb, patientId: number, withdrawn: boolean): StudyRecord[] {
  const rows = allRows<StudyRow>(
    db,
    `SELECT * FROM study WHERE patient_id = ? AND entered_in_error_at IS ${withdrawn ? 'NOT NULL' : 'NULL'}
       ORDER BY date, id`,
    patientId,
  )
  if (rows.length === 0) return []
  const lesions = allRows<LesionRow>(
    db,
    `SELECT l.* FROM lesion l JOIN study s ON s.id = l.study_id WHERE s.patient_id = ? ORDER BY l.study_id, l.id`,
    patientId,
  )
  const byStudy = new Map<number, LesionInput[]>()
  for (const l of lesions) {
    const list = byStudy.get(l.study_id) ?? []
    list.push(toLesion(l))
    byStudy.set(l.study_id, list)
  }
  const events = new Map<number, DoseEventRecord[]>()
  for (const e of allRows<EventRow>(
    db,
    `SELECT e.* FROM dose_event e JOIN study s ON s.id = e.study_id WHERE s.patient_id = ? ORDER BY e.study_id, e.id`,
    patientId,
  )) {
    const list = events.get(e.study_id) ?? []
    list.push(toEvent(e))
    events.set(e.study_id, list)
  }
  return rows.map((r) => toStudy(r, byStudy.get(r.id) ?? [], events.get(r.id) ?? []))
}

/** A study by id, whether or not it is marked as entered in error (see `studyErrorMark`). */
export function getStudy(db: ReadableDb, id: number): StudyRecord | null {
  const row = cached(db, 'SELECT * FROM study WHERE id = ?').get(id) as StudyRow | undefined
  if (!row) return null
  const lesions = cached(db, 'SELECT * FROM lesion WHERE study_id = ? ORDER BY id').all(id) as LesionRow[]
  const events = cached(db, 'SELECT * FROM dose_event WHERE study_id = ? ORDER BY id').all(id) as EventRow[]
  return toStudy(row, lesions.map(toLesion), events.map(toEvent))
}

export function requireStudy(db: ReadableDb, id: number): StudyRecord {
  const study = getStudy(db, id)
  if (!study) throw new DbError('NOT_FOUND', `No study with id ${id}.`)
  return study
}

/** Sets the reader's result of a stored study (in the caller's write transaction). */
export function setStudyResult(db: WritableDb, id: number, result: StudyRecord['result']): void {
  cached(db, `UPDATE study SET result = ?, version = ${NEXT_VERSION} WHERE id = ?`).run(result, id)
}

/** Whether (and by whom, when, why) the study is marked as entered in error. */
export function studyErrorMark(db: ReadableDb, id: number): EnteredInError | null {
  const row = cached(db, 'SELECT * FROM study WHERE id = ?').get(id) as StudyRow | undefined
  return row ? errorMark(row) : null
}

/**
 * Replaces a stored study's facts and lesions (an edit; in the caller's write transaction). When
 * the edit changes the dose fields of a study whose dose came from a dose report, the person's
 * values replace the report's: the provenance and the report's events are removed (the audit row
 * keeps them).
 */
export function updateStudy(db: WritableDb, id: number, s: StudyInput): void {
  const d = s.dose
  const before = getStudy(db, id)
  if (before && before.doseSource !== null && JSON.stringify(before.dose) !== JSON.stringify(d)) {
    cached(db, 'UPDATE study SET dose_source = NULL WHERE id = ?').run(id)
    cached(db, 'DELETE FROM dose_event WHERE study_id = ?').run(id)
  }
  cached(
    db,
    `UPDATE study SET date = @date, procedure = @procedure, result = @result, note = @note,
       effective_msv = @effectiveMsv, ctdivol_mgy = @ctdiVolMgy, dlp_mgy_cm = @dlpMgyCm, region = @region,
       activity_mbq = @activityMbq, agent = @agent, version = ${NEXT_VERSION}
     WHERE id = @id`,
  ).run({
    id,
    date: s.date,
    procedure: s.procedure,
    result: s.result,
    note: s.note,
    effectiveMsv: d.effectiveMsv,
    ctdiVolMgy: d.ctdiVolMgy,
    dlpMgyCm: d.dlpMgyCm,
    region: d.region,
    activityMbq: d.activityMbq,
    agent: d.agent,
  })
  cached(db, 'DELETE FROM lesion WHERE study_id = @id').run({ id })
  insertLesions(db, id, s.lesions)
}

/** Writes a study's lesions (after its row, or after its old lesions were removed). */
function insertLesions(db: WritableDb, studyId: number, lesions: StudyInput['lesions']): void {
  const add = cached(
    db,
    `INSERT INTO lesion (study_id, lesion_key, organ, nodal, role, diameter_mm, status)
     VALUES (@studyId, @key, @organ, @nodal, @role, @diameterMm, @status)`,
  )
  for (const l of lesions) {
    add.run({
      studyId,
      key: l.id,
      organ: l.organ,
      nodal: fromBool(l.nodal),
      role: l.role,
      diameterMm: l.diameterMm,
      status: l.status,
    })
  }
}
