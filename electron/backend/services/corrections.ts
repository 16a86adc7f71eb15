import { DbError } from '../../../db/errors'
import { itemsFulfilledBy } from '../../../db/queries/followups'
import {
  requireTreatment,
  setEnteredInError,
  touchPatient,
  updateTreatment as writeTreatment,
} from '../../../db/queries/lifecycle'
import { requirePatient } from '../../../db/queries/patients'
import { updateStudy as writeStudy } from '../../../db/queries/studies'
import { lastUndo, markUndone, restorePatient as restoreRows } from '../../../db/queries/undo'
import { writeTx, type WritableDb } from '../../../db/tx'
import type { PatientRecord, StudyInput, StudyRecord, TreatmentFacts } from '../../../db/types'
import type { LifecycleEvent } from '../../../engine'
import type { RecordStudyResult, StepResult } from '../../contract/contract'
import { invalid } from '../../contract/dispatch'
import {
  auditedChange,
  auditedRestore,
  auditedTreatment,
  auditUndoEntry,
  guardUndoEntry,
  requireSeen,
} from './audited'
import { checkStudy, liveStudy, reevaluateInTx } from './followup'
import { keepUndo, studyFact, type FollowUpContext } from './lifecycle'

// Corrections (issue 8.5): edit a study or a treatment; mark a study, a treatment or a patient as
// entered in error (kept in the log and the audit trail, hidden from views and the engine) and
// restore it; undo the last change of a patient. Every one is audited, re-runs the engine and
// reconciles the open step through the lifecycle state machine.

/**
 * A study that is back in the engine's view (edited, or restored) may be the study the open step
 * asks for, unless it already fulfilled a step: then the lifecycle checks it as a new study.
 */
function eventForStudy(tx: WritableDb, study: StudyRecord): LifecycleEvent {
  return itemsFulfilledBy(tx, study.id).length === 0
    ? { type: 'study-recorded', study: studyFact(study) }
    : { type: 'facts-changed' }
}

function result(r: ReturnType<typeof reevaluateInTx>): StepResult {
  return { closed: r.closedItem, next: r.nextItem, lifecycle: r.outcome }
}

/**
 * Edits a stored study (date, procedure, result, lesions, dose, note). Every command here names the
 * version of the record the person saw; a record changed since is refused (STALE) before anything
 * is written.
 */
export function updateStudy(
  ctx: FollowUpContext,
  studyId: number,
  version: number,
  s: StudyInput,
): RecordStudyResult {
  return writeTx(ctx.db, (tx) => {
    requireSeen(tx, 'study', studyId, version)
    const before = liveStudy(tx, studyId)
    checkStudy(ctx, tx, before.patientId, s)
    keepUndo(ctx, tx, before.patientId, 'study.update')
    const { after: study } = auditedChange(tx, ctx.actor, {
      entity: 'study',
      id: studyId,
      action: 'study.update',
      change: () => writeStudy(tx, studyId, s),
    })
    const r = reevaluateInTx(ctx, tx, before.patientId, 'facts-changed', eventForStudy(tx, study))
    return {
      study,
      recommendation: r.recommendation,
      closedItem: r.closedItem,
      nextItem: r.nextItem,
      lifecycle: r.outcome,
    }
  })
}

/** Marks a study as entered in error (who, when, why); views and the engine stop seeing it. */
export function markStudyError(
  ctx: FollowUpContext,
  studyId: number,
  version: number,
  reason: string,
): StepResult {
  return markEntryError(ctx, 'study', studyId, version, reason, (tx) => liveStudy(tx, studyId).patientId)
}

export function restoreStudy(ctx: FollowUpContext, studyId: number, version: number): StepResult {
  return writeTx(ctx.db, (tx) => {
    const before = requireSeen(tx, 'study', studyId, version)
    if (!before.enteredInError) throw new DbError('CONFLICT', 'This study is not marked as entered in error.')
    keepUndo(ctx, tx, before.patientId, 'study.restore')
    const { after } = auditedChange(tx, ctx.actor, {
      entity: 'study',
      id: studyId,
      action: 'study.restore',
      change: () => setEnteredInError(tx, 'study', studyId, null),
    })
    return result(reevaluateInTx(ctx, tx, before.patientId, 'facts-changed', eventForStudy(tx, after)))
  })
}

function liveTreatment(tx: WritableDb, treatmentId: number) {
  const t = requireTreatment(tx, treatmentId)
  if (t.enteredInError) {
    throw new DbError(
      'CONFLICT',
      'This treatment is marked as entered in error; restore it before changing it.',
    )
  }
  return t
}

function checkTreatment(ctx: FollowUpContext, tx: WritableDb, patientId: number, t: TreatmentFacts): void {
  const patient = requirePatient(tx, patientId)
  if (t.date && t.date > ctx.today())
    throw invalid('The treatment date is in the future.', {
      'treatment.date': 'The treatment date is in the future.',
    })
  if (t.date && patient.birthDate && t.date < patient.birthDate) {
    throw invalid('The treatment date is before the birth date.', {
      'treatment.date': 'The treatment date is before the birth date.',
    })
  }
}

/**
 * Edits one treatment (kind, date, complete resection). A treatment is part of its patient's record:
 * every change of one gives the patient a new version too (a patient form opened before is stale).
 */
export function updateTreatment(
  ctx: FollowUpContext,
  treatmentId: number,
  version: number,
  t: TreatmentFacts,
): StepResult {
  return writeTx(ctx.db, (tx) => {
    requireSeen(tx, 'treatment', treatmentId, version)
    const before = liveTreatment(tx, treatmentId)
    checkTreatment(ctx, tx, before.patientId, t)
    keepUndo(ctx, tx, before.patientId, 'treatment.update')
    auditedTreatment(tx, ctx.actor, {
      patientId: before.patientId,
      action: 'treatment.update',
      change: () =>
        auditedChange(tx, ctx.actor, {
          entity: 'treatment',
          id: treatmentId,
          action: 'treatment.update',
          change: () => {
            writeTreatment(tx, treatmentId, t)
            touchPatient(tx, before.patientId, ctx.actor.now().toISOString())
          },
        }),
    })
    return result(reevaluateInTx(ctx, tx, before.patientId, 'facts-changed'))
  })
}

export function markTreatmentError(
  ctx: FollowUpContext,
  treatmentId: number,
  version: number,
  reason: string,
): StepResult {
  return markEntryError(
    ctx,
    'treatment',
    treatmentId,
    version,
    reason,
    (tx) => liveTreatment(tx, treatmentId).patientId,
  )
}

/**
 * Marks a study or a treatment as entered in error (who, when, why) with its undo record and audit
 * row, then re-runs the engine on the patient, in one transaction.
 */
function markEntryError(
  ctx: FollowUpContext,
  entity: 'study' | 'treatment',
  id: number,
  version: number,
  reason: string,
  patientOf: (tx: WritableDb) => number,
): StepResult {
  return writeTx(ctx.db, (tx) => {
    requireSeen(tx, entity, id, version)
    const patientId = patientOf(tx)
    const action = `${entity}.markError` as const
    keepUndo(ctx, tx, patientId, action)
    const at = ctx.actor.now().toISOString()
    const mark = () =>
      auditedChange(tx, ctx.actor, {
        entity,
        id,
        action,
        change: () => {
          setEnteredInError(tx, entity, id, { at, by: ctx.actor.user, reason })
          if (entity === 'treatment') touchPatient(tx, patientId, at)
        },
      })
    // A treatment is part of its patient's record: that change is audited too.
    if (entity === 'treatment') auditedTreatment(tx, ctx.actor, { patientId, action, change: mark })
    else mark()
    return result(reevaluateInTx(ctx, tx, patientId, 'facts-changed'))
  })
}

export function restoreTreatment(ctx: FollowUpContext, treatmentId: number, version: number): StepResult {
  return writeTx(ctx.db, (tx) => {
    const before = requireSeen(tx, 'treatment', treatmentId, version)
    if (!before.enteredInError)
      throw new DbError('CONFLICT', 'This treatment is not marked as entered in error.')
    keepUndo(ctx, tx, before.patientId, 'treatment.restore')
    auditedTreatment(tx, ctx.actor, {
      patientId: before.patientId,
      action: 'treatment.restore',
      change: () =>
        auditedChange(tx, ctx.actor, {
          entity: 'treatment',
          id: treatmentId,
          action: 'treatment.restore',
          change: () => {
            setEnteredInError(tx, 'treatment', treatmentId, null)
            touchPatient(tx, before.patientId, ctx.actor.now().toISOString())
          },
        }),
    })
    return result(reevaluateInTx(ctx, tx, before.patientId, 'facts-changed'))
  })
}

/** Marks a patient as entered in error: kept in the log and audit, hidden from every list. */
export function markPatientError(
  ctx: FollowUpContext,
  patientId: number,
  version: number,
  reason: string,
): PatientRecord {
  return writeTx(ctx.db, (tx) => {
    const before = requireSeen(tx, 'patient', patientId, version)
    if (before.enteredInError)
      throw new DbError('CONFLICT', 'This patient is already marked as entered in error.')
    keepUndo(ctx, tx, patientId, 'patient.markError')
    return auditedChange(tx, ctx.actor, {
      entity: 'patient',
      id: patientId,
      action: 'patient.markError',
      change: () =>
        setEnteredInError(tx, 'patient', patientId, {
          at: ctx.actor.now().toISOString(),
          by: ctx.actor.user,
          reason,
        }),
    }).after
  })
}

export function restorePatient(ctx: FollowUpContext, patientId: number, version: number): PatientRecord {
  return writeTx(ctx.db, (tx) => {
    const before = requireSeen(tx, 'patient', patientId, version)
    if (!before.enteredInError)
      throw new DbError('CONFLICT', 'This patient is not marked as entered in error.')
    keepUndo(ctx, tx, patientId, 'patient.restore')
    const { after } = auditedChange(tx, ctx.actor, {
      entity: 'patient',
      id: patientId,
      action: 'patient.restore',
      change: () => setEnteredInError(tx, 'patient', patientId, null),
    })
    reevaluateInTx(ctx, tx, patientId, 'facts-changed')
    return after
  })
}

/**
 * Reverses the most recent change of the patient, when this actor made it: the patient's state
 * (facts, studies, treatments, follow-up items, exits) goes back to what it was before, the undo
 * is audited (`undo.<command>`), and the engine runs again. A change by someone else since is
 * never overwritten: the undo is refused.
 */
export function undoLastChange(
  ctx: FollowUpContext,
  patientId: number,
): StepResult & { undone: { command: string; at: string } } {
  return writeTx(ctx.db, (tx) => {
    requirePatient(tx, patientId)
    const entry = lastUndo(tx, patientId)
    if (!entry) throw new DbError('CONFLICT', 'There is no change of this patient to undo.')
    if (entry.actor !== ctx.actor.user) {
      throw new DbError(
        'CONFLICT',
        `The last change of this patient was made by ${entry.actor}; only they can undo it.`,
      )
    }
    guardUndoEntry(tx, entry.id)
    auditedRestore(tx, ctx.actor, {
      patientId,
      action: `undo.${entry.command}`,
      restore: () => {
        restoreRows(tx, patientId, entry.snapshot)
        markUndone(tx, entry.id, ctx.actor.now().toISOString())
        auditUndoEntry(tx, ctx.actor, {
          action: 'undo.done',
          id: entry.id,
          patientId,
          command: entry.command,
        })
      },
    })
    return {
      ...result(reevaluateInTx(ctx, tx, patientId, 'manual')),
      undone: { command: entry.command, at: entry.at },
    }
  })
}
