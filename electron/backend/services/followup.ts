import { DbError } from '../../../db/errors'
import { setItemDecision, setOverride } from '../../../db/queries/followups'
import { currentExit, insertTreatment, reopenExit, touchPatient } from '../../../db/queries/lifecycle'
import { requirePatient } from '../../../db/queries/patients'
import { insertStudy, requireStudy, setStudyResult } from '../../../db/queries/studies'
import { writeTx, type ReadableDb, type WritableDb } from '../../../db/tx'
import type {
  BoardDecision,
  DeferralReason,
  FollowUpItem,
  FollowUpOverride,
  ImportedStudyFacts,
  IsoDate,
  ManualStatusReasonCode,
  RecommendationTrigger,
  StudyInput,
  StudyRecord,
} from '../../../db/types'
import type { LifecycleEvent, SurveillanceExit } from '../../../engine'
import type { RecordStudyResult, StepResult } from '../../contract/contract'
import { invalid } from '../../contract/dispatch'
import { auditedChange, auditedInsert, auditedTreatment, requireSeen } from './audited'
import { studyDateProblems } from './checks'
import {
  currentPlan,
  keepUndo,
  reconcileInTx,
  storePlan,
  studyFact,
  type Applied,
  type FollowUpContext,
} from './lifecycle'

// The follow-up commands. Each runs in one write transaction: it records what the person did
// (audited), re-runs the engine when facts changed, and applies what the lifecycle state machine
// (engine/followup/reconcile.ts) decides for the open step. Nothing here decides that itself.

export type { FollowUpContext }

/**
 * Re-runs the engine after the patient's facts changed (older suggestions become superseded) and
 * reconciles the open step, in the write transaction that changed the facts.
 */
export function reevaluateInTx(
  ctx: FollowUpContext,
  tx: WritableDb,
  patientId: number,
  trigger: RecommendationTrigger,
  event: LifecycleEvent = { type: 'facts-changed' },
): Applied & { recommendation: NonNullable<ReturnType<typeof storePlan>['recommendation']> } {
  const plan = storePlan(ctx, tx, patientId, trigger)
  return { ...reconcileInTx(ctx, tx, patientId, plan, event), recommendation: plan.recommendation! }
}

export function checkStudy(ctx: FollowUpContext, db: ReadableDb, patientId: number, s: StudyInput): void {
  const patient = requirePatient(db, patientId)
  const fields = Object.fromEntries(
    Object.entries(studyDateProblems(s, patient.birthDate, ctx.today())).map(([k, v]) => [`study.${k}`, v]),
  )
  const first = Object.values(fields)[0]
  if (first) throw invalid(first, fields)
}

/**
 * Records a study and everything that follows from it, in one transaction: the study and its
 * lesions, the engine's new recommendation, and what the lifecycle decides for the open step (a
 * study fulfils it only when it is the study the step asks for). All of it is stored or none.
 */
export function recordStudy(ctx: FollowUpContext, patientId: number, s: StudyInput): RecordStudyResult {
  checkStudy(ctx, ctx.db, patientId, s)
  return writeTx(ctx.db, (tx) => {
    keepUndo(ctx, tx, patientId, 'study.record')
    return storeStudy(ctx, tx, patientId, s, 'study-recorded')
  })
}

/** `recordStudy` as one step of a larger command (the demo log), in that command's transaction. */
export function recordStudyInTx(
  ctx: FollowUpContext,
  tx: WritableDb,
  patientId: number,
  s: StudyInput,
  imported: ImportedStudyFacts | null = null,
): RecordStudyResult {
  checkStudy(ctx, tx, patientId, s)
  return storeStudy(ctx, tx, patientId, s, 'study-recorded', imported)
}

function storeStudy(
  ctx: FollowUpContext,
  tx: WritableDb,
  patientId: number,
  s: StudyInput,
  as: 'study-recorded' | 'done-elsewhere',
  imported: ImportedStudyFacts | null = null,
): RecordStudyResult {
  const at = ctx.actor.now().toISOString()
  const study = auditedInsert(tx, ctx.actor, {
    entity: 'study',
    action: imported ? 'study.import' : 'study.record',
    insert: () => insertStudy(tx, patientId, s, at, imported),
  })
  const r = reevaluateInTx(ctx, tx, patientId, 'study-recorded', { type: as, study: studyFact(study) })
  return {
    study,
    recommendation: r.recommendation,
    closedItem: r.closedItem,
    nextItem: r.nextItem,
    lifecycle: r.outcome,
  }
}

/**
 * Enters (or corrects) the reader's result of a stored study, audited with the result before and
 * after, re-runs the engine and reconciles the open step in the same transaction.
 */
export function setResult(
  ctx: FollowUpContext,
  studyId: number,
  version: number,
  result: NonNullable<StudyRecord['result']>,
): RecordStudyResult {
  return writeTx(ctx.db, (tx) => {
    requireSeen(tx, 'study', studyId, version)
    const before = liveStudy(tx, studyId)
    keepUndo(ctx, tx, before.patientId, 'study.result')
    const { after: study } = auditedChange(tx, ctx.actor, {
      entity: 'study',
      id: studyId,
      action: 'study.result',
      change: () => setStudyResult(tx, studyId, result),
    })
    const r = reevaluateInTx(ctx, tx, before.patientId, 'result-entered', {
      type: 'result-entered',
      study: studyFact(study),
    })
    return {
      study,
      recommendation: r.recommendation,
      closedItem: r.closedItem,
      nextItem: r.nextItem,
      lifecycle: r.outcome,
    }
  })
}

/** A study still in the log (not marked as entered in error). */
export function liveStudy(db: ReadableDb, studyId: number): StudyRecord {
  const s = requireStudy(db, studyId)
  if (s.enteredInError) {
    throw new DbError('CONFLICT', 'This study is marked as entered in error; restore it before changing it.')
  }
  return s
}

/**
 * The open item `itemId`, as the person saw it (`version`): a step changed since (retargeted,
 * overridden, closed by someone else) is refused with STALE, one that is not open with CONFLICT.
 */
function openItemIs(db: ReadableDb, itemId: number, version: number): FollowUpItem {
  const item = requireSeen(db, 'followup_item', itemId, version)
  if (item.status !== 'scheduled') {
    throw new DbError(
      'CONFLICT',
      `This follow-up item is already ${item.status}; only an open step can change.`,
    )
  }
  return item
}

function stepResult(a: Applied): StepResult {
  return { closed: a.closedItem, next: a.nextItem, lifecycle: a.outcome }
}

/**
 * Cancels the open step (the guideline's next step opens at once) or defers it to a new window.
 * The lifecycle refuses a deferral window that ends before today.
 */
export function setItemStatus(
  ctx: FollowUpContext,
  req: {
    itemId: number
    version: number
    status: 'done' | 'cancelled' | 'deferred'
    reasonCode: ManualStatusReasonCode
    reasonText: string | null
    newDue: { from: IsoDate; to: IsoDate } | null
  },
): StepResult & { closed: FollowUpItem } {
  return writeTx(ctx.db, (tx) => {
    const item = openItemIs(tx, req.itemId, req.version)
    keepUndo(ctx, tx, item.patientId, `followup.${req.status}`)
    const plan = currentPlan(ctx, tx, item.patientId)
    let event: LifecycleEvent
    if (req.status === 'deferred' && req.newDue) {
      event = {
        type: 'defer',
        due: req.newDue,
        reasonCode: req.reasonCode as DeferralReason,
        text: req.reasonText,
      }
    } else if (req.status === 'cancelled') {
      event = { type: 'cancel', reasonCode: req.reasonCode, text: req.reasonText }
    } else {
      throw invalid(
        'Say what was done: “Done elsewhere” records the outside study; a board or review records its decision.',
        {
          status: 'Use Done elsewhere or record the decision.',
        },
      )
    }
    const a = reconcileInTx(ctx, tx, item.patientId, plan, event)
    return { ...stepResult(a), closed: a.closedItem! }
  })
}

/** Keeps the radiologist's choice of study or window beside the suggestion, with the reason. */
export function overrideItem(
  ctx: FollowUpContext,
  itemId: number,
  version: number,
  o: FollowUpOverride,
): FollowUpItem {
  const { actor } = ctx
  return writeTx(ctx.db, (tx) => {
    const item = openItemIs(tx, itemId, version)
    keepUndo(ctx, tx, item.patientId, 'followup.override')
    return auditedChange(tx, actor, {
      entity: 'followup_item',
      id: itemId,
      action: 'followup.override',
      change: () => setOverride(tx, itemId, o, actor.now().toISOString()),
    }).after
  })
}

/**
 * The open imaging step was done at another centre: the outside study (date, procedure, result,
 * lesions, dose) is recorded through the same path as any study, and closes the step as done
 * elsewhere. A board, a review or a result step cannot be done elsewhere (refused, nothing stored).
 */
export function doneElsewhere(
  ctx: FollowUpContext,
  itemId: number,
  version: number,
  s: StudyInput,
): RecordStudyResult {
  return writeTx(ctx.db, (tx) => {
    const item = openItemIs(tx, itemId, version)
    checkStudy(ctx, tx, item.patientId, s)
    keepUndo(ctx, tx, item.patientId, 'followup.doneElsewhere')
    return storeStudy(ctx, tx, item.patientId, s, 'done-elsewhere')
  })
}

/**
 * Records a tumour board's (or review's) decision on the open step and sets the next step: a new
 * treatment is added to the patient's facts (the engine then schedules the response study), a
 * study chosen by the board opens as the board's choice, or the patient leaves surveillance.
 */
export function recordDecision(
  ctx: FollowUpContext,
  req: { itemId: number; version: number; date: IsoDate; decision: BoardDecision },
): StepResult {
  return writeTx(ctx.db, (tx) => {
    const item = openItemIs(tx, req.itemId, req.version)
    keepUndo(ctx, tx, item.patientId, 'followup.decision')
    let plan
    if (req.decision.type === 'new-treatment') {
      const t = req.decision.treatment
      auditedTreatment(tx, ctx.actor, {
        patientId: item.patientId,
        action: 'treatment.create',
        change: () =>
          auditedInsert(tx, ctx.actor, {
            entity: 'treatment',
            action: 'treatment.create',
            insert: () => {
              const id = insertTreatment(tx, item.patientId, {
                kind: t.kind,
                date: t.date,
                completeResection: null,
              })
              touchPatient(tx, item.patientId, ctx.actor.now().toISOString())
              return id
            },
          }),
      })
      plan = storePlan(ctx, tx, item.patientId, 'facts-changed')
    } else {
      plan = currentPlan(ctx, tx, item.patientId)
    }
    const a = reconcileInTx(
      ctx,
      tx,
      item.patientId,
      plan,
      { type: 'decision', date: req.date, decision: req.decision },
      (closing) => setItemDecision(tx, closing, { date: req.date, decision: req.decision }),
    )
    return stepResult(a)
  })
}

/** The patient leaves surveillance: reason, words, attempts and date are kept with who did it. */
export function leaveSurveillance(
  ctx: FollowUpContext,
  patientId: number,
  exit: SurveillanceExit,
): StepResult {
  return writeTx(ctx.db, (tx) => {
    requirePatient(tx, patientId)
    keepUndo(ctx, tx, patientId, 'surveillance.leave')
    return stepResult(
      reconcileInTx(ctx, tx, patientId, currentPlan(ctx, tx, patientId), { type: 'leave', exit }),
    )
  })
}

/**
 * A patient who had left is followed again (audited): the guideline's next step opens. `exit` is the
 * exit the person saw (id and version): one reopened or changed since is refused (STALE).
 */
export function reopenSurveillance(
  ctx: FollowUpContext,
  patientId: number,
  seen: { exitId: number; version: number },
  reason: string | null,
): StepResult {
  return writeTx(ctx.db, (tx) => {
    requirePatient(tx, patientId)
    const exit = requireSeen(tx, 'surveillance_exit', seen.exitId, seen.version)
    if (exit.patientId !== patientId)
      throw new DbError('NOT_FOUND', `The patient has no surveillance exit with id ${seen.exitId}.`)
    if (exit.reopenedAt !== null || currentExit(tx, patientId)?.id !== exit.id)
      throw new DbError('CONFLICT', 'The patient is already under surveillance.')
    keepUndo(ctx, tx, patientId, 'surveillance.reopen')
    const plan = storePlan(ctx, tx, patientId, 'manual')
    // The state machine decides on the patient as they are (left): the guideline's step opens.
    const a = reconcileInTx(ctx, tx, patientId, plan, { type: 'reopen' })
    auditedChange(tx, ctx.actor, {
      entity: 'surveillance_exit',
      id: exit.id,
      action: 'surveillance.reopen',
      change: () => reopenExit(tx, exit.id, ctx.actor.user, ctx.actor.now().toISOString(), reason),
    })
    return stepResult(a)
  })
}
