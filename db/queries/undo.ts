import { newBody, readTexts, remember } from '../delta'
import { allRows, cached, rawRows } from '../stmt'
import type { ReadableDb, WritableDb } from '../tx'
import { NEXT_VERSION } from '../audit'

// Undo (issue 8.5): before each change of a patient, the patient's whole follow-up state (facts,
// studies and lesions, treatments, follow-up items, surveillance exits) is kept as the rows as
// stored; undoing the last change puts those rows back. Recommendations are not rows of the state:
// they stay as history, and the engine is run again after an undo.

type Row = Record<string, unknown>

/** A patient's follow-up state as stored: every row, table by table. */
export interface PatientSnapshot {
  patient: Row
  tables: Record<(typeof CHILD_TABLES)[number], Row[]>
}

/** Child tables in insert order (a row only refers to rows of tables before it). */
const CHILD_TABLES = [
  'diagnosis',
  'patient_constraint',
  'patient_symptom',
  'treatment',
  'study',
  'lesion',
  'dose_event',
  'followup_item',
  'surveillance_exit',
] as const
type ChildTable = (typeof CHILD_TABLES)[number]

const SELECT: Record<ChildTable, string> = {
  diagnosis: 'SELECT * FROM diagnosis WHERE patient_id = ?',
  patient_constraint: 'SELECT * FROM patient_constraint WHERE patient_id = ?',
  patient_symptom: 'SELECT * FROM patient_symptom WHERE patient_id = ? ORDER BY code',
  treatment: 'SELECT * FROM treatment WHERE patient_id = ? ORDER BY id',
  study: 'SELECT * FROM study WHERE patient_id = ? ORDER BY id',
  lesion: 'SELECT l.* FROM lesion l JOIN study s ON s.id = l.study_id WHERE s.patient_id = ? ORDER BY l.id',
  dose_event:
    'SELECT e.* FROM dose_event e JOIN study s ON s.id = e.study_id WHERE s.patient_id = ? ORDER BY e.id',
  followup_item: 'SELECT * FROM followup_item WHERE patient_id = ? ORDER BY id',
  surveillance_exit: 'SELECT * FROM surveillance_exit WHERE patient_id = ? ORDER BY id',
}

const DELETE: Record<ChildTable, string> = {
  diagnosis: 'DELETE FROM diagnosis WHERE patient_id = ?',
  patient_constraint: 'DELETE FROM patient_constraint WHERE patient_id = ?',
  patient_symptom: 'DELETE FROM patient_symptom WHERE patient_id = ?',
  treatment: 'DELETE FROM treatment WHERE patient_id = ?',
  study: 'DELETE FROM study WHERE patient_id = ?',
  lesion: 'DELETE FROM lesion WHERE study_id IN (SELECT id FROM study WHERE patient_id = ?)',
  dose_event: 'DELETE FROM dose_event WHERE study_id IN (SELECT id FROM study WHERE patient_id = ?)',
  followup_item: 'DELETE FROM followup_item WHERE patient_id = ?',
  surveillance_exit: 'DELETE FROM surveillance_exit WHERE patient_id = ?',
}

const NAME = /^[a-z_][a-z0-9_]*$/

/** The ids of a patient's studies, follow-up items or exits (for auditing what an undo put back). */
export function patientRecordIds(
  db: ReadableDb,
  table: 'study' | 'followup_item' | 'surveillance_exit',
  patientId: number,
): number[] {
  return cached(db, `${SELECT[table].replace('SELECT *', 'SELECT id')}`)
    .pluck()
    .all(patientId) as number[]
}

export function snapshotPatient(db: ReadableDb, patientId: number): PatientSnapshot {
  const patient = cached(db, 'SELECT * FROM patient WHERE id = ?').get(patientId) as Row
  const tables = {} as PatientSnapshot['tables']
  for (const t of CHILD_TABLES) tables[t] = allRows(db, SELECT[t], patientId)
  return { patient, tables }
}

/**
 * A table's rows as an undo entry keeps them (issue 10): the column names once, then each row's
 * values in that order. A table without rows is kept as `[]`, as in the first form.
 */
interface KeptRows {
  columns: string[]
  rows: unknown[][]
}

/**
 * The text an undo entry keeps of the patient's state: the patient's row, and each child table's
 * rows as `KeptRows` (the same rows `snapshotPatient` reads, with the same values in the same
 * column order, without each row's column names: a third of the text, so writing it and taking its
 * digest cost a third as much). Entries kept before hold each table as a list of rows whole;
 * `lastUndo` reads both.
 */
export function keptStateText(db: ReadableDb, patientId: number): string {
  const patient = cached(db, 'SELECT * FROM patient WHERE id = ?').get(patientId) as Row
  const tables: Partial<Record<ChildTable, KeptRows | []>> = {}
  for (const t of CHILD_TABLES) {
    const { columns, rows } = rawRows(db, SELECT[t], patientId)
    tables[t] = rows.length === 0 ? [] : { columns: [...columns], rows }
  }
  return JSON.stringify({ patient, tables })
}

/** A kept state as `restorePatient` takes it, from its text in either form. */
export function keptState(text: string): PatientSnapshot {
  const kept = JSON.parse(text) as { patient: Row; tables: Record<string, Row[] | KeptRows | undefined> }
  const tables = {} as PatientSnapshot['tables']
  for (const [t, v] of Object.entries(kept.tables))
    tables[t as ChildTable] = v === undefined || Array.isArray(v) ? (v as Row[]) : rowsOf(v)
  return { patient: kept.patient, tables }
}

function rowsOf({ columns, rows }: KeptRows): Row[] {
  return rows.map((r) => {
    const o: Row = {}
    for (let i = 0; i < columns.length; i++) o[columns[i]!] = r[i]
    return o
  })
}

/**
 * Rows no other row or audit entry points at by id, which a change deletes and writes anew (a facts
 * edit rewrites the treatments, a study edit its lesions): SQLite may since have given their ids to
 * rows of another patient, and an undo then puts them back under new ids.
 */
const REKEYABLE = new Set<ChildTable>(['treatment', 'lesion', 'dose_event'])

/** The child tables whose rows are records with a version (db/audit.ts, NEXT_VERSION). */
const VERSIONED = new Set<ChildTable>(['treatment', 'study', 'followup_item', 'surveillance_exit'])

/**
 * Puts the patient's state back as in `snap` (same ids, same content), in the caller's transaction.
 * Versions never go back: an undo is one more change, so a form opened before it is stale. The
 * patient's record gets a new version; so does every study, treatment, follow-up item and exit the
 * undo changes, adds back or removes; one it leaves as it is keeps its version.
 */
export function restorePatient(db: WritableDb, patientId: number, snap: PatientSnapshot): void {
  const now = snapshotPatient(db, patientId)
  for (const t of [...CHILD_TABLES].reverse()) cached(db, DELETE[t]).run(patientId)
  const cols = Object.keys(snap.patient).filter((c) => c !== 'id' && c !== 'version' && NAME.test(c))
  const set = [...cols.map((c) => `${c} = @${c}`), `version = ${NEXT_VERSION}`].join(', ')
  cached(db, `UPDATE patient SET ${set} WHERE id = @id`).run({
    ...pick(snap.patient, cols),
    id: patientId,
  })
  for (const t of CHILD_TABLES) {
    // A state kept before schema 80 has no dose events.
    for (const row of snap.tables[t] ?? []) {
      const taken =
        REKEYABLE.has(t) && cached(db, `SELECT 1 FROM ${t} WHERE id = ?`).pluck().get(row['id']) !== undefined
      const names = Object.keys(row).filter((c) => c !== 'version' && NAME.test(c) && !(taken && c === 'id'))
      if (!VERSIONED.has(t)) {
        cached(
          db,
          `INSERT INTO ${t} (${names.join(', ')}) VALUES (${names.map((c) => `@${c}`).join(', ')})`,
        ).run(pick(row, names))
        continue
      }
      const kept = unchangedVersion(now, snap, t, row)
      cached(
        db,
        `INSERT INTO ${t} (${names.join(', ')}, version)
         VALUES (${names.map((c) => `@${c}`).join(', ')}, ${kept === null ? NEXT_VERSION : '@version'})`,
      ).run({ ...pick(row, names), ...(kept === null ? {} : { version: kept }) })
    }
  }
}

/**
 * The version a restored row keeps: the stored row's, when it is there with the same content (a
 * study with the same lesions too); null when the undo changes or adds it back.
 */
function unchangedVersion(
  now: PatientSnapshot,
  snap: PatientSnapshot,
  t: ChildTable,
  row: Row,
): number | null {
  const current = now.tables[t].find((r) => r['id'] === row['id'])
  if (!current || !sameContent(current, row, ['version'])) return null
  if (t === 'study') {
    const lesions = (s: PatientSnapshot) => s.tables.lesion.filter((l) => l['study_id'] === row['id'])
    const a = lesions(now)
    const b = lesions(snap)
    if (a.length !== b.length || a.some((l, i) => !sameContent(l, b[i]!, ['id']))) return null
  }
  return current['version'] as number
}

/** Whether two stored rows hold the same values in every column but `except`. */
function sameContent(a: Row, b: Row, except: readonly string[]): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  for (const k of keys) if (!except.includes(k) && a[k] !== b[k]) return false
  return true
}

function pick(row: Row, cols: readonly string[]): Row {
  const out: Row = {}
  for (const c of cols) out[c] = row[c]
  return out
}

export interface UndoEntry {
  id: number
  patientId: number
  actor: string
  at: string
  command: string
  snapshot: PatientSnapshot
}

interface UndoRow {
  id: number
  patient_id: number
  actor: string
  at: string
  command: string
  snapshot_json: string
  body: Buffer | null
}

/**
 * Keeps the state before a change (call before making it, in the same transaction): `state` is
 * its text (`keptStateText`). The state is
 * stored as a delta (db/delta.ts, schema 110) against the patient's previous entry: what it repeats
 * of that one is not stored again.
 */
export function insertUndo(
  db: WritableDb,
  e: { patientId: number; actor: string; at: string; command: string; state: string },
): number {
  const previous = cached(db, 'SELECT max(id) FROM undo_entry WHERE patient_id = ?')
    .pluck()
    .get(e.patientId) as number | null
  const stored = newBody(db, 'undo_entry', previous, [e.state])
  const { body, base } = stored
  const id = Number(
    cached(
      db,
      `INSERT INTO undo_entry (patient_id, actor, at, command, snapshot_json, body, body_base)
         VALUES (@patientId, @actor, @at, @command, '{}', @body, @base)`,
    ).run({ patientId: e.patientId, actor: e.actor, at: e.at, command: e.command, body, base })
      .lastInsertRowid,
  )
  remember(db, 'undo_entry', id, stored)
  return id
}

/** The kept state's text as it was written (a delta-stored row's, or the plain column). */
export function snapshotText(
  db: ReadableDb,
  r: { id: number; snapshot_json: string; body: Buffer | null },
): string {
  return r.body === null ? r.snapshot_json : readTexts(db, 'undo_entry', r.id)![0]!
}

/** The most recent change of the patient not undone yet, without the state it kept (the patient page). */
export function lastUndoHead(db: ReadableDb, patientId: number): Omit<UndoEntry, 'snapshot'> | null {
  const r = cached(
    db,
    `SELECT id, patient_id, actor, at, command FROM undo_entry
     WHERE patient_id = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1`,
  ).get(patientId) as Omit<UndoRow, 'snapshot_json' | 'body'> | undefined
  return r ? { id: r.id, patientId: r.patient_id, actor: r.actor, at: r.at, command: r.command } : null
}

/** The most recent change of the patient not undone yet, by anyone. */
export function lastUndo(db: ReadableDb, patientId: number): UndoEntry | null {
  const r = cached(
    db,
    'SELECT * FROM undo_entry WHERE patient_id = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1',
  ).get(patientId) as UndoRow | undefined
  return r
    ? {
        id: r.id,
        patientId: r.patient_id,
        actor: r.actor,
        at: r.at,
        command: r.command,
        snapshot: keptState(snapshotText(db, r)),
      }
    : null
}

export function markUndone(db: WritableDb, id: number, at: string): void {
  cached(db, 'UPDATE undo_entry SET undone_at = @at WHERE id = @id').run({ id, at })
}
