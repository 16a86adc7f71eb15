import { appendAudit, type Actor } from '../../../db/audit'
import { toCase } from '../../../db/case'
import { DbError } from '../../../db/errors'
import type { DB } from '../../../db/open'
import {
  closeItem,
  getItem,
  insertItem,
  listItems,
  openItem,
  requireItem,
  retargetItem,
  setOverride,
} from '../../../db/queries/followups'
import { requirePatient } from '../../../db/queries/patients'
import { insertRecommendation, listRecommendations } from '../../../db/queries/recommendations'
import { getStudy, insertStudy, listStudies, setStudyResult } from '../../../db/queries/studies'
import { writeSummary } from '../../../db/queries/summary'
import { writeTx } from '../../../db/tx'
import type {
  ClosingStatus,
  FollowUpItem,
  FollowUpOverride,
  IsoDate,
  ManualStatusReasonCode,
  RecommendationTrigger,
  StudyInput,
  StudyRecord,
} from '../../../db/types'
import { evaluate } from '../../../engine/evaluate'
import type { EngineSettings, Evaluation, NextAction, ProcedureId } from '../../../engine/types'
import type { RecordStudyResult, StoredEvaluation, StoredRecommendation } from '../../contract/contract'
import { ACR_PNET } from '../../../engine/guideline/index'
import { invalid } from '../../contract/dispatch'

/** What every follow-up operation needs: the log, who acts, their today, and the dose settings. */
export interface FollowUpContext {
  db: DB
  actor: Actor
  today: () => IsoDate
  engineSettings: () => EngineSettings
}

interface NextItem {
  procedure: ProcedureId | null
  due: { from: IsoDate; to: IsoDate }
  reason: string
  /** Due from today (a review, a board, a pending read, a baseline): the window opens now. */
  now: boolean
}

const ACTION_REASON: Record<Extract<NextAction, 'tumor-board' | 'clinician-review'>, string> = {
  'tumor-board': 'Tumour board review',
  'clinician-review': 'Radiologist review needed',
}

/**
 * The follow-up item a recommendation calls for. A newest study without a result asks for its
 * result first (the plan depends on it); imaging has its due window; a tumour board or a clinician
 * review is due now; ending surveillance schedules nothing.
 */
export function itemFor(e: Evaluation, unreadLatest: StudyRecord | null): NextItem | null {
  const today = { from: e.asOf, to: e.asOf }
  if (unreadLatest) {
    return {
      procedure: null,
      due: today,
      reason: `Enter the result of the ${unreadLatest.date} study`,
      now: true,
    }
  }
  switch (e.next.action) {
    case 'image': {
      if (!e.next.due) return null
      const anchor = e.next.anchor?.kind
      const months = e.next.intervalMonths
        ? `${e.next.intervalMonths.min}–${e.next.intervalMonths.max} months`
        : ''
      return {
        procedure: e.next.procedure,
        due: e.next.due,
        reason:
          anchor === 'as-of'
            ? 'Study due now'
            : anchor === 'treatment'
              ? `Response to the new treatment, ${months} after it began`
              : `Next study in ${months}`,
        now: anchor === 'as-of',
      }
    }
    case 'tumor-board':
    case 'clinician-review':
      return { procedure: e.next.procedure, due: today, reason: ACTION_REASON[e.next.action], now: true }
    case 'end-surveillance':
      return null
  }
}

/** The evaluation with the sources it cites resolved from the pack that produced it. */
function withSources(e: Evaluation): StoredEvaluation {
  const keys = new Set<string>()
  for (const r of e.rationale) keys.add(r.source)
  for (const r of e.ratings) if (r.source) keys.add(r.source)
  for (const d of e.studyDoses) for (const k of d.sources) keys.add(k)
  const sources: StoredEvaluation['sources'] = {}
  for (const k of keys) {
    const entry = ACR_PNET.sources[k]
    if (entry) sources[k] = entry
  }
  return { ...e, sources }
}

function latestStudy(
  studies: readonly StudyRecord[],
  e: Evaluation,
): { study: StudyRecord | null; result: StudyRecord['result'] } {
  const last = studies[studies.length - 1] ?? null
  if (!last) return { study: null, result: null }
  const derived = e.derivedResults.find((d) => d.date === last.date && d.procedure === last.procedure)
  return { study: last, result: last.result ?? derived?.result ?? null }
}

/**
 * Runs the engine on the patient as stored now, keeps its answer (with the pack version and the
 * exact inputs) as the current recommendation, updates the worklist summary, and makes the open
 * follow-up item match it. Call inside a transaction.
 */
function evaluateAndApply(
  ctx: FollowUpContext,
  patientId: number,
  trigger: RecommendationTrigger,
): { recommendation: StoredRecommendation; nextItem: FollowUpItem | null } {
  const { db, actor } = ctx
  const patient = requirePatient(db, patientId)
  const studies = listStudies(db, patientId)
  const input = toCase(patient, studies)
  const asOf = ctx.today()
  const e = evaluate(input, asOf, undefined, ctx.engineSettings())
  const at = actor.now().toISOString()
  const { id: recId, superseded } = insertRecommendation(db, {
    patientId,
    createdAt: at,
    asOf,
    trigger,
    packId: e.guideline.id,
    packVersion: e.guideline.version,
    variant: e.variant,
    action: e.next.action,
    procedure: e.next.procedure,
    intervalMonths: e.next.intervalMonths,
    due: e.next.due,
    inputs: input,
    output: withSources(e),
  })
  appendAudit(db, actor, {
    action: 'recommendation.create',
    entity: 'recommendation',
    entityId: recId,
    before: superseded === null ? null : { supersededRecommendation: superseded },
    after: { patientId, trigger, pack: e.guideline, variant: e.variant, next: e.next, alerts: e.alerts },
  })

  const last = latestStudy(studies, e)
  writeSummary(db, patientId, {
    variant: e.variant,
    lastStudyDate: last.study?.date ?? null,
    lastResult: last.result,
    cumulativeMsv: e.dose.cumulativeMsv,
    doseEstimated: e.dose.estimated,
    doseIncomplete: e.dose.unknownStudies.length > 0 || e.dose.incompleteStudies.length > 0,
  })

  const wanted = itemFor(e, last.study && last.result === null ? last.study : null)
  const open = openItem(db, patientId)
  let nextItem: FollowUpItem | null = open
  if (open) {
    if (wanted === null) {
      closeItem(db, open.id, {
        status: 'cancelled',
        reasonCode: 'end-of-surveillance',
        reasonText: null,
        studyId: null,
        at,
      })
      appendAudit(db, actor, {
        action: 'followup.close',
        entity: 'followup_item',
        entityId: open.id,
        before: open,
        after: getItem(db, open.id),
      })
      nextItem = null
    } else {
      // The suggestion always follows the engine; a radiologist's override is kept beside it.
      // A due-now item of the same kind keeps its first window, so it can become overdue.
      const due = wanted.now && open.reason === wanted.reason ? open.due : wanted.due
      const changed =
        open.procedure !== wanted.procedure ||
        open.reason !== wanted.reason ||
        open.due.from !== due.from ||
        open.due.to !== due.to
      if (changed) {
        retargetItem(db, open.id, {
          recommendationId: recId,
          procedure: wanted.procedure,
          due,
          reason: wanted.reason,
          at,
        })
        nextItem = getItem(db, open.id)
        appendAudit(db, actor, {
          action: 'followup.retarget',
          entity: 'followup_item',
          entityId: open.id,
          before: open,
          after: nextItem,
        })
      }
    }
  } else if (wanted && !alreadyHandled(db, patientId, wanted, last.study)) {
    const id = insertItem(db, {
      patientId,
      recommendationId: recId,
      procedure: wanted.procedure,
      due: wanted.due,
      reason: wanted.reason,
      at,
    })
    nextItem = getItem(db, id)
    appendAudit(db, actor, {
      action: 'followup.create',
      entity: 'followup_item',
      entityId: id,
      before: null,
      after: nextItem,
    })
  }
  const recommendation = listRecommendations(db, patientId)[0] as StoredRecommendation
  return { recommendation, nextItem }
}

/**
 * A due-now item (board, review, pending read) the radiologist already closed since the latest
 * study was recorded is not opened again just because another fact changed.
 */
function alreadyHandled(db: DB, patientId: number, wanted: NextItem, latest: StudyRecord | null): boolean {
  if (!wanted.now) return false
  const last = listItems(db, patientId)[0]
  return (
    last !== undefined &&
    last.status !== 'scheduled' &&
    last.reason === wanted.reason &&
    (latest === null || last.createdAt >= latest.createdAt)
  )
}

/**
 * Re-runs the engine after the patient's facts changed (older suggestions become superseded).
 * Call inside the transaction that changed the facts.
 */
export function reevaluateInTx(
  ctx: FollowUpContext,
  patientId: number,
  trigger: RecommendationTrigger,
): void {
  evaluateAndApply(ctx, patientId, trigger)
}

function checkStudy(ctx: FollowUpContext, patientId: number, s: StudyInput): void {
  const patient = requirePatient(ctx.db, patientId)
  const fields: Record<string, string> = {}
  if (s.date > ctx.today()) fields['study.date'] = 'The study date is in the future.'
  if (patient.birthDate && s.date < patient.birthDate)
    fields['study.date'] = 'The study date is before the birth date.'
  const first = Object.values(fields)[0]
  if (first) throw invalid(first, fields)
}

/**
 * Records a study and everything that follows from it, in one transaction: the study and its
 * lesions, the open follow-up item it fulfils (closed as done), the engine's new recommendation,
 * and the next follow-up item. Either all of it is stored or none of it.
 */
export function recordStudy(ctx: FollowUpContext, patientId: number, s: StudyInput): RecordStudyResult {
  checkStudy(ctx, patientId, s)
  const { db, actor } = ctx
  return writeTx(db, () => {
    const at = actor.now().toISOString()
    // The study the open item asks for is the next one: newer than every study already recorded.
    // An older study is history being entered; the item then stays open and follows the new
    // recommendation.
    const latestBefore = listStudies(db, patientId).at(-1)?.date ?? null
    const fulfils = latestBefore === null || s.date > latestBefore
    const studyId = insertStudy(db, patientId, s, at)
    const study = getStudy(db, studyId)!
    appendAudit(db, actor, {
      action: 'study.record',
      entity: 'study',
      entityId: studyId,
      before: null,
      after: study,
    })

    const open = openItem(db, patientId)
    let closedItem: FollowUpItem | null = null
    if (open && fulfils) {
      closeItem(db, open.id, { status: 'done', reasonCode: 'study-recorded', reasonText: null, studyId, at })
      closedItem = getItem(db, open.id)
      appendAudit(db, actor, {
        action: 'followup.close',
        entity: 'followup_item',
        entityId: open.id,
        before: open,
        after: closedItem,
      })
    }
    const { recommendation, nextItem } = evaluateAndApply(ctx, patientId, 'study-recorded')
    return { study, recommendation, closedItem, nextItem }
  })
}

const DEFER_REASON: Record<ManualStatusReasonCode, string> = {
  'done-elsewhere': 'done elsewhere',
  'patient-request': 'patient request',
  'patient-declined': 'patient declined',
  'clinical-change': 'clinical change',
  scheduling: 'scheduling',
  'end-of-surveillance': 'end of surveillance',
  duplicate: 'duplicate',
  other: 'other',
}

const DEFER_OVERRIDE_CODE: Partial<Record<ManualStatusReasonCode, FollowUpOverride['reasonCode']>> = {
  'patient-request': 'patient-preference',
  'patient-declined': 'patient-preference',
  other: 'other',
}

/**
 * Enters (or corrects) the reader's result of a stored study, audited with the result before and
 * after, and re-runs the engine in the same transaction.
 */
export function setResult(
  ctx: FollowUpContext,
  studyId: number,
  result: NonNullable<StudyRecord['result']>,
): RecordStudyResult {
  const { db, actor } = ctx
  return writeTx(db, () => {
    const before = getStudy(db, studyId)
    if (!before) throw new DbError('NOT_FOUND', `No study with id ${studyId}.`)
    setStudyResult(db, studyId, result)
    const study = getStudy(db, studyId)!
    appendAudit(db, actor, {
      action: 'study.result',
      entity: 'study',
      entityId: studyId,
      before,
      after: study,
    })
    const { recommendation, nextItem } = evaluateAndApply(ctx, before.patientId, 'result-entered')
    return { study, recommendation, closedItem: null, nextItem }
  })
}

/** Closes a scheduled item by hand (done elsewhere, cancelled, or deferred to a new window). */
export function setItemStatus(
  ctx: FollowUpContext,
  req: {
    itemId: number
    status: ClosingStatus
    reasonCode: ManualStatusReasonCode
    reasonText: string | null
    newDue: { from: IsoDate; to: IsoDate } | null
  },
): { closed: FollowUpItem; next: FollowUpItem | null } {
  const { db, actor } = ctx
  return writeTx(db, () => {
    const before = requireItem(db, req.itemId)
    const at = actor.now().toISOString()
    closeItem(db, req.itemId, {
      status: req.status,
      reasonCode: req.reasonCode,
      reasonText: req.reasonText,
      studyId: null,
      at,
    })
    const closed = getItem(db, req.itemId)!
    appendAudit(db, actor, {
      action: `followup.${req.status}`,
      entity: 'followup_item',
      entityId: req.itemId,
      before,
      after: closed,
    })
    let next: FollowUpItem | null = null
    if (req.status === 'deferred' && req.newDue) {
      // The new item keeps the engine's suggestion; the chosen window is the radiologist's, kept
      // as an override so later re-evaluations never move it.
      const id = insertItem(db, {
        patientId: before.patientId,
        recommendationId: before.recommendationId,
        procedure: before.procedure,
        due: before.due,
        reason: before.reason,
        at,
      })
      const label = DEFER_REASON[req.reasonCode]
      setOverride(
        db,
        id,
        {
          procedure: before.override?.procedure ?? null,
          due: req.newDue,
          reasonCode: DEFER_OVERRIDE_CODE[req.reasonCode] ?? 'clinician-decision',
          text: `Deferred (${label}${req.reasonText ? `: ${req.reasonText}` : ''})`,
        },
        at,
      )
      next = getItem(db, id)
      appendAudit(db, actor, {
        action: 'followup.create',
        entity: 'followup_item',
        entityId: id,
        before: null,
        after: next,
      })
    }
    return { closed, next }
  })
}

/** Keeps the radiologist's choice of study or window beside the suggestion, with the reason. */
export function overrideItem(ctx: FollowUpContext, itemId: number, o: FollowUpOverride): FollowUpItem {
  const { db, actor } = ctx
  return writeTx(db, () => {
    const before = requireItem(db, itemId)
    if (before.status !== 'scheduled') {
      throw new DbError(
        'CONFLICT',
        `This follow-up item is already ${before.status}; only a scheduled item can be changed.`,
      )
    }
    setOverride(db, itemId, o, actor.now().toISOString())
    const after = getItem(db, itemId)!
    appendAudit(db, actor, {
      action: 'followup.override',
      entity: 'followup_item',
      entityId: itemId,
      before,
      after,
    })
    return after
  })
}
