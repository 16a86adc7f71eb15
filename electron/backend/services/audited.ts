import {
  appendAudit,
  keepUndoEntry,
  lastAuditAbout,
  undoEntryAudit,
  undoEntryDigest,
  type Actor,
} from '../../../db/audit'
import { DbError } from '../../../db/errors'
import { guardRecord } from '../../../db/integrity-guard'
import { getNote, requireBiomarker } from '../../../db/queries/biomarkers'
import { requirePack } from '../../../db/queries/packs'
import { getItem, requireItem } from '../../../db/queries/followups'
import { getExit, requireExit, requireTreatment } from '../../../db/queries/lifecycle'
import { requirePatient } from '../../../db/queries/patients'
import { getStudy, requireStudy } from '../../../db/queries/studies'
import { requireUser } from '../../../db/queries/users'
import { patientRecordIds } from '../../../db/queries/undo'
import type { ReadableDb, WritableDb } from '../../../db/tx'
import type {
  BiomarkerRecord,
  FollowUpItem,
  GuidelinePackRecord,
  PatientNote,
  PatientRecord,
  StudyRecord,
  SurveillanceExitRecord,
  TreatmentRecord,
  UserRecord,
} from '../../../db/types'

// The one sequence every service uses to change a stored record: read it, write the change, read it
// back, and append one audit row with the record before and after, all in the caller's write
// transaction (the `WritableDb` only `writeTx` hands out). Services never call a write query for
// one of these records and then `appendAudit` by hand.

/** The records an audited change can be about, by their `audit_log.entity` name. */
interface Audited {
  patient: PatientRecord
  study: StudyRecord
  treatment: TreatmentRecord
  followup_item: FollowUpItem
  surveillance_exit: SurveillanceExitRecord
  biomarker: BiomarkerRecord
  guideline_pack: GuidelinePackRecord
}
export type AuditedEntity = keyof Audited

const READ: { [E in AuditedEntity]: (db: ReadableDb, id: number) => Audited[E] } = {
  patient: requirePatient,
  study: requireStudy,
  treatment: requireTreatment,
  followup_item: requireItem,
  surveillance_exit: requireExit,
  biomarker: requireBiomarker,
  guideline_pack: requirePack,
}

// ---------------------------------------------------------------------------------------------
// Optimistic versions (migration 65, db/audit.ts, NEXT_VERSION)
// ---------------------------------------------------------------------------------------------

/** How a STALE answer names the record. */
const WHAT: { [E in AuditedEntity]: (r: Audited[E]) => string } = {
  patient: (p) => `${p.name} (MRN ${p.mrn})`,
  study: (s) => `The study of ${s.date}`,
  treatment: (t) => `The treatment (${t.kind}, ${t.date ? `started ${t.date}` : 'start date unknown'})`,
  followup_item: (i) => `The follow-up step due ${i.due.from} – ${i.due.to}`,
  surveillance_exit: (e) => `The patient's exit from surveillance of ${e.date}`,
  biomarker: (b) => `The ${b.marker} value of ${b.date}`,
  guideline_pack: (g) => `Guideline pack ${g.packId} ${g.version}`,
}
const NOUN: Record<AuditedEntity | 'patient_note', string> = {
  patient: 'patient',
  study: 'study',
  treatment: 'treatment',
  followup_item: 'follow-up step',
  surveillance_exit: 'exit from surveillance',
  biomarker: 'biomarker value',
  patient_note: 'note',
  guideline_pack: 'guideline pack',
}

const AGAIN = 'Nothing was saved: look at their change, then enter yours again if it is still needed.'

function stale(what: string, how: 'changed' | 'removed' | 'added'): DbError {
  return new DbError('STALE', `${what} was ${how} by someone else since you opened it. ${AGAIN}`)
}

/**
 * The record as stored, when it is still the version the person saw (`seen`); otherwise the change
 * is refused with STALE ("changed by someone else since you opened it") before anything is written.
 * A record the app removed since (its last audit row says so) is STALE too; an id the log never
 * had is NOT_FOUND.
 */
export function requireSeen<E extends AuditedEntity>(
  db: ReadableDb,
  entity: E,
  id: number,
  seen: number,
): Audited[E] {
  let record: Audited[E]
  try {
    record = READ[entity](db, id)
  } catch (e) {
    const last = e instanceof DbError && e.code === 'NOT_FOUND' ? lastAuditAbout(db, entity, id) : null
    if (last && last.after === null) throw stale(`The ${NOUN[entity]}`, 'removed')
    throw e
  }
  // Damage first: a record altered behind the app's back is named as such, not as someone's change.
  if (entity !== 'treatment') guardRecord(db, entity as Exclude<E, 'treatment'>, id, record)
  if (record.version !== seen) throw stale(WHAT[entity](record), 'changed')
  return record
}

/**
 * The patient's note as stored, when it is still what the person saw: the version of the note
 * they saw, or null when they saw none. Otherwise STALE, before anything is written.
 */
export function requireSeenNote(db: ReadableDb, patientId: number, seen: number | null): PatientNote | null {
  const note = getNote(db, patientId)
  if (seen === null && note !== null) throw stale('A note', 'added')
  if (seen !== null && note === null) throw stale('The note', 'removed')
  if (note !== null && note.version !== seen) throw stale('The note', 'changed')
  return note
}

/**
 * Creates a record: `insert` writes it and returns its id; the record is read back as stored and
 * audited with `before: null`. Returns the stored record.
 */
export function auditedInsert<E extends AuditedEntity>(
  tx: WritableDb,
  actor: Actor,
  c: { entity: E; action: string; insert: () => number },
): Audited[E] {
  const id = c.insert()
  const after = READ[c.entity](tx, id)
  appendAudit(tx, actor, { action: c.action, entity: c.entity, entityId: id, before: null, after })
  return after
}

/**
 * Changes a record: it is read (a missing one is NOT_FOUND), `change` writes the change (it may
 * refuse by throwing, and sees the record as it was), the record is read back, and the audit row
 * keeps both. Returns the record before and after.
 */
export function auditedChange<E extends AuditedEntity>(
  tx: WritableDb,
  actor: Actor,
  c: { entity: E; id: number; action: string; change: (before: Audited[E]) => void },
): { before: Audited[E]; after: Audited[E] } {
  const before = READ[c.entity](tx, c.id)
  // The record must still be what its last audit row says: a change never builds on a record that
  // was altered behind the app's back (the log then goes read-only, db/integrity.ts). A treatment
  // is checked as part of its patient's record (see `auditedTreatment`).
  if (c.entity !== 'treatment') guardRecord(tx, c.entity as Exclude<E, 'treatment'>, c.id, before)
  c.change(before)
  const after = READ[c.entity](tx, c.id)
  appendAudit(tx, actor, { action: c.action, entity: c.entity, entityId: c.id, before, after })
  return { before, after }
}

/**
 * A change of one of the patient's treatments. The live treatments are part of the patient's record
 * (`PatientRecord.treatments`, rewritten whole by a facts edit), so the change is audited twice in
 * the same transaction: the treatment's own row, and the patient's record before and after. That
 * keeps every patient record equal to its last audit row (db/integrity.ts).
 */
export function auditedTreatment<T>(
  tx: WritableDb,
  actor: Actor,
  c: { patientId: number; action: string; change: () => T },
): T {
  let out: T | undefined
  auditedChange(tx, actor, {
    entity: 'patient',
    id: c.patientId,
    action: c.action,
    change: () => {
      out = c.change()
    },
  })
  return out as T
}

/** The records of a patient an undo may put back, each audited on its own (null: not there). */
const UNDONE = {
  study: getStudy,
  followup_item: getItem,
  surveillance_exit: getExit,
} as const satisfies { [E in AuditedEntity]?: (db: ReadableDb, id: number) => Audited[E] | null }
type Undone = keyof typeof UNDONE
const UNDONE_ENTITIES = Object.keys(UNDONE) as Undone[]

/**
 * Puts a patient's state back (undo): `restore` rewrites the rows; the patient's record is audited
 * before and after, and so is every study, follow-up item and exit of the patient whose stored
 * content the restore changed, added or removed — so no record is left differing from its last
 * audit row.
 */
export function auditedRestore(
  tx: WritableDb,
  actor: Actor,
  c: { patientId: number; action: string; restore: () => void },
): void {
  const ids = (entity: Undone) => patientRecordIds(tx, entity, c.patientId)
  const read = (entity: Undone, id: number): unknown => UNDONE[entity](tx, id)
  const before = new Map<string, unknown>()
  for (const entity of UNDONE_ENTITIES) {
    for (const id of ids(entity)) {
      const record = read(entity, id)
      guardRecord(tx, entity, id, record)
      before.set(`${entity}:${id}`, record)
    }
  }
  auditedChange(tx, actor, { entity: 'patient', id: c.patientId, action: c.action, change: c.restore })
  for (const entity of UNDONE_ENTITIES) {
    const seen = new Set<number>(ids(entity))
    for (const key of before.keys()) {
      const [e, id] = key.split(':')
      if (e === entity) seen.add(Number(id))
    }
    for (const id of [...seen].sort((a, b) => a - b)) {
      const was = before.get(`${entity}:${id}`) ?? null
      const now = read(entity, id)
      if (JSON.stringify(was) === JSON.stringify(now)) continue
      appendAudit(tx, actor, { action: c.action, entity, entityId: id, before: was, after: now })
    }
  }
}

/**
 * An undo entry was kept (before a change) or used (`undo.done`): audited with a digest of the row
 * as stored (db/audit.ts), so a kept state damaged or changed behind the app's back is found by the
 * log check, and an undo never writes one back (it is guarded first: `guardUndoEntry`). A kept
 * entry's id and digest ride on the change's first audit row (`keepUndoEntry`, schema 145); a used
 * one has a row of its own.
 */
export function auditUndoEntry(
  tx: WritableDb,
  actor: Actor,
  c: { action: 'undo.keep' | 'undo.done'; id: number; patientId: number; command: string },
): void {
  if (c.action === 'undo.keep') keepUndoEntry(tx, actor, c)
  else appendAudit(tx, actor, undoEntryAudit(c))
}

/** Before an undo writes a kept state back: the entry must be as its last audit row recorded it. */
export function guardUndoEntry(db: ReadableDb, id: number): void {
  guardRecord(db, 'undo_entry', id, undoEntryDigest(db, id))
}

/**
 * Deletes a record: it is read (a missing one is NOT_FOUND), `remove` deletes it, and the audit row
 * keeps the record as it was with `after: null`. Returns the deleted record.
 */
export function auditedDelete<E extends AuditedEntity>(
  tx: WritableDb,
  actor: Actor,
  c: { entity: E; id: number; action: string; remove: (before: Audited[E]) => void },
): Audited[E] {
  const before = READ[c.entity](tx, c.id)
  c.remove(before)
  appendAudit(tx, actor, { action: c.action, entity: c.entity, entityId: c.id, before, after: null })
  return before
}

/**
 * Sets the patient's note (one per patient, keyed by the patient's id): read before (null when
 * there was none), `put` writes or removes it, read back, one audit row with both.
 */
export function auditedNote(
  tx: WritableDb,
  actor: Actor,
  c: { patientId: number; action: string; put: () => void },
): { before: PatientNote | null; after: PatientNote | null } {
  const before = getNote(tx, c.patientId)
  c.put()
  const after = getNote(tx, c.patientId)
  appendAudit(tx, actor, { action: c.action, entity: 'patient_note', entityId: c.patientId, before, after })
  return { before, after }
}

/**
 * Audits a change that is not a patient's record (docs/interop.md): a PACS endpoint or a
 * procedure mapping (settings of the site), or an import as a whole (what came from where; no
 * entity id). The caller passes the record before and after as read back (an endpoint never with
 * its secret), in the change's write transaction.
 */
export function auditedInterop(
  tx: WritableDb,
  actor: Actor,
  c: {
    action: string
    entity: 'pacs_endpoint' | 'procedure_mapping' | 'import'
    entityId: number | null
    before: unknown
    after: unknown
  },
): void {
  appendAudit(tx, actor, c)
}

/**
 * Audits a read or an export of patient data (`read.*`, `export.*`; electron/backend/services/auditView.ts):
 * entity `access`, the patient's id (null: a list), and what was read or exported (the call, the
 * file's name, the filter, how many rows), never the patient data itself.
 */
export function auditedAccess(
  tx: WritableDb,
  actor: Actor,
  c: { action: string; patientId: number | null; what: object },
): void {
  appendAudit(tx, actor, {
    action: c.action,
    entity: 'access',
    entityId: c.patientId,
    before: null,
    after: c.what,
  })
}

/**
 * Creates or changes a named account (migration 100): read before (null for a new one), `write`
 * makes the change and returns the account's id, read back, one audit row with both (the account
 * as `users.list` shows it, never its password hash; a password change shows as a new `changedAt`).
 */
export function auditedAccount(
  tx: WritableDb,
  actor: Actor,
  c: { action: string; id: number | null; write: (before: UserRecord | null) => number },
): UserRecord {
  const before = c.id === null ? null : requireUser(tx, c.id)
  const id = c.write(before)
  const after = requireUser(tx, id)
  appendAudit(tx, actor, { action: c.action, entity: 'user_account', entityId: id, before, after })
  return after
}

/**
 * The context of a call with its actor fixed as it is at the call: a job the call starts writes
 * every row under the account that started it, whoever signs in, out or locks the app meanwhile
 * (the connection's actor otherwise names whoever is signed in when a row is written).
 */
export function atCall<C extends { readonly actor: Actor }>(ctx: C): C {
  return { ...ctx, actor: { user: ctx.actor.user, now: ctx.actor.now } }
}

/**
 * Audits a sign-in, a sign-out, a lock or a refused sign-in (electron/backend/session.ts): entity
 * `session`, the account's id (null: a name no account has), and what happened (the transport);
 * never a password.
 */
export function auditedSession(
  tx: WritableDb,
  actor: Actor,
  c: { action: string; userId: number | null; what: Record<string, unknown> },
): void {
  appendAudit(tx, actor, {
    action: c.action,
    entity: 'session',
    entityId: c.userId,
    before: null,
    after: c.what,
  })
}
