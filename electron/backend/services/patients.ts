import type { Actor } from '../../../db/audit'
import { assertMrnFree, insertPatient, writePatientFacts } from '../../../db/queries/patients'
import { writeTx, type WritableDb } from '../../../db/tx'
import { insertStudy } from '../../../db/queries/studies'
import type { PatientInput, PatientRecord, StudyInput, StudyRecord } from '../../../db/types'
import { auditedChange, auditedInsert, requireSeen } from './audited'
import { reevaluateInTx, type FollowUpContext } from './followup'
import { keepUndo, settleNewPatientInTx } from './lifecycle'

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

/**
 * A new patient with all of their studies at once (a CSV import, docs/interop.md), in the caller's
 * write transaction: the patient is created and every study stored oldest first (each audited as
 * `recordStudy` audits it), then the plan and the open step the typed path would end with (the
 * patient created, then each study recorded in turn) are written once (`settleNewPatientInTx`):
 * the same current recommendation, open step and worklist summary
 * (test/unit/api/csv-import-bulk.test.ts), without the recommendations and steps that path writes
 * and supersedes on the way. The caller has checked the studies' dates against the patient's facts
 * (`studyDateProblems`, as `recordStudy` does).
 */
export function createPatientWithStudiesInTx(
  ctx: FollowUpContext,
  tx: WritableDb,
  input: PatientInput,
  studies: readonly StudyInput[],
): PatientRecord {
  // Oldest first; a stable sort keeps the file's order within a day (the typed path's order).
  const ordered = [...studies].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
  const patient = createPatientInTx(tx, ctx.actor, input)
  const at = ctx.actor.now().toISOString()
  const stored: StudyRecord[] = ordered.map((s) =>
    auditedInsert(tx, ctx.actor, {
      entity: 'study',
      action: 'study.record',
      insert: () => insertStudy(tx, patient.id, s, at),
    }),
  )
  settleNewPatientInTx(ctx, tx, patient, stored)
  return patient
}
