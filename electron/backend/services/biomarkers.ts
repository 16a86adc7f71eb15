import type { Actor } from '../../../db/audit'
import { deleteBiomarker, insertBiomarker, putNote } from '../../../db/queries/biomarkers'
import { requirePatient } from '../../../db/queries/patients'
import { writeTx, type ReadableDb } from '../../../db/tx'
import type { BiomarkerInput, BiomarkerRecord, PatientNote } from '../../../db/types'
import { auditedDelete, auditedInsert, auditedNote, requireSeen, requireSeenNote } from './audited'

// The radiologist's own record beside the guideline: biomarker values and a note per patient.
// Each command is one transaction with its audit row. Nothing here re-runs the engine: it reads
// neither the values nor the note, so no recommendation or worklist row changes.

export interface RecordContext {
  readonly db: ReadableDb
  readonly actor: Actor
}

/** Records one biomarker value for a patient (a missing patient is NOT_FOUND). */
export function addBiomarker(ctx: RecordContext, patientId: number, input: BiomarkerInput): BiomarkerRecord {
  return writeTx(ctx.db, (tx) => {
    requirePatient(tx, patientId)
    return auditedInsert(tx, ctx.actor, {
      entity: 'biomarker',
      action: 'biomarker.add',
      insert: () => insertBiomarker(tx, patientId, input, ctx.actor.now().toISOString()),
    })
  })
}

/** Removes a value entered by mistake (the version the person saw); the audit row keeps it. */
export function removeBiomarker(ctx: RecordContext, id: number, version: number): BiomarkerRecord {
  return writeTx(ctx.db, (tx) => {
    requireSeen(tx, 'biomarker', id, version)
    return auditedDelete(tx, ctx.actor, {
      entity: 'biomarker',
      id,
      action: 'biomarker.remove',
      remove: () => deleteBiomarker(tx, id),
    })
  })
}

/**
 * Replaces the patient's note; null (an empty text) removes it. `version` is the version of the note
 * the person saw (null: they saw none); a note changed, added or removed since is refused (STALE).
 */
export function setNote(
  ctx: RecordContext,
  patientId: number,
  version: number | null,
  text: string | null,
): PatientNote | null {
  return writeTx(ctx.db, (tx) => {
    requirePatient(tx, patientId)
    requireSeenNote(tx, patientId, version)
    return auditedNote(tx, ctx.actor, {
      patientId,
      action: 'note.set',
      put: () => putNote(tx, patientId, text, ctx.actor.now().toISOString()),
    }).after
  })
}
