import type { Actor } from '../../../db/audit'
import { assertMrnFree, insertPatient, writePatientFacts } from '../../../db/queries/patients'
import { writeTx, type WritableDb } from '../../../db/tx'
import type { PatientInput, PatientRecord } from '../../../db/types'
import { auditedChange, auditedInsert, requireSeen } from './audited'
import { reevaluateInTx, type FollowUpContext } from './followup'
import { keepUndo } from './lifecycle'

/** Creates a patient with its facts, audited, in the caller's write transaction. */
export function createPatientInTx(
  tx: WritableDb,
  actor: Actor,
  input: PatientInput,
  opts: { isDemo?: boolean } = {},
): PatientRecord {
  return auditedInsert(tx, actor, {
    entity: 'patient',
    action: 'patient.create',
    insert: () => {
      assertMrnFree(tx, input.mrn, null)
      return insertPatient(tx, input, actor.now().toISOString(), opts)
    },
  })
}

/**
 * Replaces a patient's facts in the caller's write transaction; the audit row keeps the record
 * before and after. With `version` (the version the person edited), a record that has moved on
 * since is refused (STALE): someone else saved it in between, and their change is not overwritten.
 */
export function updatePatientInTx(
  tx: WritableDb,
  actor: Actor,
  id: number,
  input: PatientInput,
  version?: number,
): PatientRecord {
  if (version !== undefined) requireSeen(tx, 'patient', id, version)
  return auditedChange(tx, actor, {
    entity: 'patient',
    id,
    action: 'patient.update',
    change: () => {
      assertMrnFree(tx, input.mrn, id)
      writePatientFacts(tx, id, input, actor.now().toISOString())
    },
  }).after
}

/** Creates a patient and runs the engine on it: one transaction, audited. */
export function createPatient(ctx: FollowUpContext, input: PatientInput): PatientRecord {
  return writeTx(ctx.db, (tx) => {
    const p = createPatientInTx(tx, ctx.actor, input)
    reevaluateInTx(ctx, tx, p.id, 'facts-changed')
    return p
  })
}

/**
 * Replaces a patient's facts and re-runs the engine: one transaction, audited. `version` is the
 * version the person edited; a stale one is refused (STALE).
 */
export function updatePatient(
  ctx: FollowUpContext,
  id: number,
  input: PatientInput,
  version: number,
): PatientRecord {
  return writeTx(ctx.db, (tx) => {
    keepUndo(ctx, tx, id, 'patient.update')
    const p = updatePatientInTx(tx, ctx.actor, id, input, version)
    reevaluateInTx(ctx, tx, p.id, 'facts-changed')
    return p
  })
}
