import { appendAudit, type Actor } from '../../../db/audit'
import { toCase } from '../../../db/case'
import { DbError } from '../../../db/errors'
import {
  closeItem,
  insertItem,
  listItems,
  openItem,
  retargetItem,
  setOverride,
} from '../../../db/queries/followups'
import { requirePatient } from '../../../db/queries/patients'
import { insertRecommendation, listRecommendations } from '../../../db/queries/recommendations'
import { insertStudy, listStudies, setStudyResult } from '../../../db/queries/studies'
import { writeSummary } from '../../../db/queries/summary'
import { writeTx, type ReadableDb, type WritableDb } from '../../../db/tx'
import type {
  ClosingStatus,
  FollowUpItem,
  FollowUpItemKind,
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
import { auditedChange, auditedInsert } from './audited'

/**
 * What every follow-up operation needs: the log (as opened: reads only; writes go through
 * `writeTx`), who acts, their today, and the dose settings.
 */
export interface FollowUpContext {
  db: ReadableDb
  actor: Actor
  today: () => IsoDate
  engineSettings: () => EngineSettings
}

/** The follow-up item a recommendation calls for. `reason` is its display text only. */
export interface NextItem {
  kind: FollowUpItemKind
  procedure: ProcedureId | null
  due: { from: IsoDate; to: IsoDate }
  reason: string
}

/**
 * Kinds due from the day they are opened (a pending read, a study due now, a board, a review).
 * While such an item stays open it keeps its first window, so it can become overdue; and once the
 * radiologist has closed one it is not reopened by a later change of facts (`alreadyHandled`).
 */
const DUE_NOW: Readonly<Record<FollowUpItemKind, boolean>> = {
  imaging: false,
  'treatment-response': false,
  'imaging-now': true,
  'enter-result': true,
  'tumor-board': true,
  'clinician-review': true,
}

const ACTION_REASON: Record<Extract<NextAction, 'tumor-board' | 'clinician-review'>, string> = {
  'tumor-board': 'Tumour board review',
  'clinician-review': 'Radiologist review needed',
}

/**
 * The follow-up item a recommendation calls for. A newest study without a result asks for its
 * result first (the plan depends on it); imaging has its due window (a study counted from today is
 * due now; after a new treatment it assesses the response); a tumour board or a clinician review
 * is due now; ending surveillance schedules nothing.
 */
export function itemFor(e: Evaluation, unreadLatest: StudyRecord | null): NextItem | null {
  const today = { from: e.asOf, to: e.asOf }
  if (unreadLatest) {
    return {
      kind: 'enter-result',
      procedure: null,
      due: today,
      reason: `Enter the result of the ${unreadLatest.date} study`,
    }
  }
  switch (e.next.action) {
    case 'image': {
      if (!e.next.due) return null
      const anchor = e.next.anchor?.kind
      const months = e.next.intervalMonths
        ? `${e.next.intervalMonths.min}–${e.next.intervalMonths.max} months`
        : ''
      const kind: FollowUpItemKind =
        anchor === 'as-of' ? 'imaging-now' : anchor === 'treatment' ? 'treatment-response' : 'imaging'
      return {
        kind,
        procedure: e.next.procedure,
        due: e.next.due,
        reason:
          kind === 'imaging-now'
            ? 'Study due now'
            : kind === 'treatment-response'
              ? `Response to the new treatment, ${months} after it began`
              : `Next study in ${months}`,
      }
    }
    case 'tumor-board':
    case 'clinician-review':
      return {
        kind: e.next.action,
        procedure: e.next.procedure,
        due: today,
        reason: ACTION_REASON[e.next.action],
      }
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
 * follow-up item match it, in the caller's write transaction.
 */
function evaluateAndApply(
  ctx: FollowUpContext,
  tx: WritableDb,
  patientId: number,
  trigger: RecommendationTrigger,
): { recommendation: StoredRecommendation; nextItem: FollowUpItem | null } {
  const { actor } = ctx
  const patient = requirePatient(tx, patientId)
  const studies = listStudies(tx, patientId)
  const input = toCase(patient, studies)
  const asOf = ctx.today()
  const e = evaluate(input, asOf, undefined, ctx.engineSettings())
  const at = actor.now().toISOString()
  const { id: recId, superseded } = insertRecommendation(tx, {
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
  // The stored recommendation is large (the whole case and evaluation); its audit row keeps what
  // was decided and what it replaced.
  appendAudit(tx, actor, {
    action: 'recommendation.create',
    entity: 'recommendation',
    entityId: recId,
    before: superseded === null ? null : { supersededRecommendation: superseded },
    after: { patientId, trigger, pack: e.guideline, variant: e.variant, next: e.next, alerts: e.alerts },
  })

  const last = latestStudy(studies, e)
  writeSummary(tx, patientId, {
    variant: e.variant,
    lastStudyDate: last.study?.date ?? null,
    lastResult: last.result,
    cumulativeMsv: e.dose.cumulativeMsv,
    doseEstimated: e.dose.estimated,
    doseIncomplete: e.dose.unknownStudies.length > 0 || e.dose.incompleteStudies.length > 0,
  })

  const wanted = itemFor(e, last.study && last.result === null ? last.study : null)
  const open = openItem(tx, patientId)
  let nextItem: FollowUpItem | null = open
  if (open) {
    if (wanted === null) {
      auditedChange(tx, actor, {
        entity: 'followup_item',
        id: open.id,
        action: 'followup.close',
        change: () =>
          closeItem(tx, open.id, {
            status: 'cancelled',
            reasonCode: 'end-of-surveillance',
            reasonText: null,
            studyId: null,
            at,
          }),
      })
      nextItem = null
    } else {
      // The suggestion always follows the engine; a radiologist's override is kept beside it.
      // A due-now item of the same kind keeps its first window, so it can become overdue. Within
      // one kind the display text follows from the due window (the interval sets both), so kind,
      // study and window are what can change.
      const sameKind = open.kind === wanted.kind
      const due = sameKind && DUE_NOW[wanted.kind] ? open.due : wanted.due
      const changed =
        !sameKind ||
        open.procedure !== wanted.procedure ||
        open.due.from !== due.from ||
        open.due.to !== due.to
      if (changed) {
        nextItem = auditedChange(tx, actor, {
          entity: 'followup_item',
          id: open.id,
          action: 'followup.retarget',
          change: () =>
            retargetItem(tx, open.id, {
              recommendationId: recId,
              kind: wanted.kind,
              procedure: wanted.procedure,
              due,
              reason: wanted.reason,
              at,
            }),
        }).after
      }
    }
  } else if (wanted && !alreadyHandled(tx, patientId, wanted, last.study)) {
    nextItem = auditedInsert(tx, actor, {
      entity: 'followup_item',
      action: 'followup.create',
      insert: () =>
        insertItem(tx, {
          patientId,
          recommendationId: recId,
          kind: wanted.kind,
          procedure: wanted.procedure,
          due: wanted.due,
          reason: wanted.reason,
          at,
        }),
    })
  }
  const recommendation = listRecommendations(tx, patientId)[0] as StoredRecommendation
  return { recommendation, nextItem }
}

/**
 * A due-now item (board, review, pending read, study due now) of the kind wanted that the
 * radiologist already closed since the latest study was recorded is not opened again just because
 * another fact changed.
 */
function alreadyHandled(
  db: ReadableDb,
  patientId: number,
  wanted: NextItem,
  latest: StudyRecord | null,
): boolean {
  if (!DUE_NOW[wanted.kind]) return false
  const last = listItems(db, patientId)[0]
  return (
    last !== undefined &&
    last.status !== 'scheduled' &&
    last.kind === wanted.kind &&
    (latest === null || last.createdAt >= latest.createdAt)
  )
}

/**
 * Re-runs the engine after the patient's facts changed (older suggestions become superseded), in
 * the write transaction that changed the facts.
 */
export function reevaluateInTx(
  ctx: FollowUpContext,
  tx: WritableDb,
  patientId: number,
  trigger: RecommendationTrigger,
): void {
  evaluateAndApply(ctx, tx, patientId, trigger)
}

function checkStudy(ctx: FollowUpContext, db: ReadableDb, patientId: number, s: StudyInput): void {
  const patient = requirePatient(db, patientId)
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
  checkStudy(ctx, ctx.db, patientId, s)
  return writeTx(ctx.db, (tx) => storeStudy(ctx, tx, patientId, s))
}

/** `recordStudy` as one step of a larger command, in that command's write transaction. */
export function recordStudyInTx(
  ctx: FollowUpContext,
  tx: WritableDb,
  patientId: number,
  s: StudyInput,
): RecordStudyResult {
  checkStudy(ctx, tx, patientId, s)
  return storeStudy(ctx, tx, patientId, s)
}

function storeStudy(
  ctx: FollowUpContext,
  tx: WritableDb,
  patientId: number,
  s: StudyInput,
): RecordStudyResult {
  const { actor } = ctx
  const at = actor.now().toISOString()
  // The study the open item asks for is the next one: newer than every study already recorded.
  // An older study is history being entered; the item then stays open and follows the new
  // recommendation.
  const latestBefore = listStudies(tx, patientId).at(-1)?.date ?? null
  const fulfils = latestBefore === null || s.date > latestBefore
  const study = auditedInsert(tx, actor, {
    entity: 'study',
    action: 'study.record',
    insert: () => insertStudy(tx, patientId, s, at),
  })

  const open = openItem(tx, patientId)
  let closedItem: FollowUpItem | null = null
  if (open && fulfils) {
    closedItem = auditedChange(tx, actor, {
      entity: 'followup_item',
      id: open.id,
      action: 'followup.close',
      change: () =>
        closeItem(tx, open.id, {
          status: 'done',
          reasonCode: 'study-recorded',
          reasonText: null,
          studyId: study.id,
          at,
        }),
    }).after
  }
  const { recommendation, nextItem } = evaluateAndApply(ctx, tx, patientId, 'study-recorded')
  return { study, recommendation, closedItem, nextItem }
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
  const { actor } = ctx
  return writeTx(ctx.db, (tx) => {
    const { before, after: study } = auditedChange(tx, actor, {
      entity: 'study',
      id: studyId,
      action: 'study.result',
      change: () => setStudyResult(tx, studyId, result),
    })
    const { recommendation, nextItem } = evaluateAndApply(ctx, tx, before.patientId, 'result-entered')
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
  const { actor } = ctx
  return writeTx(ctx.db, (tx) => {
    const at = actor.now().toISOString()
    const { before, after: closed } = auditedChange(tx, actor, {
      entity: 'followup_item',
      id: req.itemId,
      action: `followup.${req.status}`,
      change: () =>
        closeItem(tx, req.itemId, {
          status: req.status,
          reasonCode: req.reasonCode,
          reasonText: req.reasonText,
          studyId: null,
          at,
        }),
    })
    let next: FollowUpItem | null = null
    if (req.status === 'deferred' && req.newDue) {
      const newDue = req.newDue
      // The new item keeps the engine's suggestion; the chosen window is the radiologist's, kept
      // as an override so later re-evaluations never move it.
      const label = DEFER_REASON[req.reasonCode]
      next = auditedInsert(tx, actor, {
        entity: 'followup_item',
        action: 'followup.create',
        insert: () => {
          const id = insertItem(tx, {
            patientId: before.patientId,
            recommendationId: before.recommendationId,
            kind: before.kind,
            procedure: before.procedure,
            due: before.due,
            reason: before.reason,
            at,
          })
          setOverride(
            tx,
            id,
            {
              procedure: before.override?.procedure ?? null,
              due: newDue,
              reasonCode: DEFER_OVERRIDE_CODE[req.reasonCode] ?? 'clinician-decision',
              text: `Deferred (${label}${req.reasonText ? `: ${req.reasonText}` : ''})`,
            },
            at,
          )
          return id
        },
      })
    }
    return { closed, next }
  })
}

/** Keeps the radiologist's choice of study or window beside the suggestion, with the reason. */
export function overrideItem(ctx: FollowUpContext, itemId: number, o: FollowUpOverride): FollowUpItem {
  const { actor } = ctx
  return writeTx(ctx.db, (tx) => {
    return auditedChange(tx, actor, {
      entity: 'followup_item',
      id: itemId,
      action: 'followup.override',
      change: (before) => {
        if (before.status !== 'scheduled') {
          throw new DbError(
            'CONFLICT',
            `This follow-up item is already ${before.status}; only a scheduled item can be changed.`,
          )
        }
        setOverride(tx, itemId, o, actor.now().toISOString())
      },
    }).after
  })
}
