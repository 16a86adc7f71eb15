import { appendAudit, type Actor } from '../../../db/audit'
import { toCase } from '../../../db/case'
import { DbError } from '../../../db/errors'
import {
  closeItem,
  decidedKinds,
  insertItem,
  openItem,
  retargetItem,
  setItemSubject,
  setOverride,
} from '../../../db/queries/followups'
import { currentExit, insertExit } from '../../../db/queries/lifecycle'
import { requirePatient } from '../../../db/queries/patients'
import { currentRecommendation, insertRecommendation } from '../../../db/queries/recommendations'
import { listStudies } from '../../../db/queries/studies'
import { writeSummary } from '../../../db/queries/summary'
import { insertUndo, keptStateText } from '../../../db/queries/undo'
import type { ReadableDb, WritableDb } from '../../../db/tx'
import type {
  FollowUpItem,
  IsoDate,
  PatientRecord,
  RecommendationRecord,
  RecommendationTrigger,
  StudyRecord,
} from '../../../db/types'
import { evaluate } from '../../../engine'
import { reconcile } from '../../../engine'
import { stepFor } from '../../../engine'
import type {
  Close,
  Decision,
  LifecycleEvent,
  LifecycleSettings,
  OpenStep,
  Step,
  StudyFact,
  SurveillanceExit,
} from '../../../engine'
import type { EngineSettings, Evaluation, LoadedPack } from '../../../engine'
import type { LifecycleOutcome, StoredEvaluation, StoredRecommendation } from '../../contract/contract'
import { invalid } from '../../contract/dispatch'
import { auditedChange, auditedInsert, auditUndoEntry } from './audited'

// Applies the follow-up lifecycle's decisions (engine/followup/reconcile.ts) to the log. Nothing
// here decides what happens to a follow-up item: the engine's `reconcile` does, and this module
// writes what it decided, audited, in the caller's write transaction.

/**
 * What every follow-up operation needs: the log (as opened: reads only; writes go through
 * `writeTx`), who acts, their today, the guideline pack in use (the log's active pack), the dose
 * settings and the lifecycle settings.
 */
export interface FollowUpContext {
  db: ReadableDb
  actor: Actor
  today: () => IsoDate
  pack: () => LoadedPack
  engineSettings: () => EngineSettings
  lifecycleSettings: () => LifecycleSettings
}

/** The evaluation with the sources it cites resolved from the pack that produced it. */
function withSources(e: Evaluation, pack: LoadedPack): StoredEvaluation {
  const keys = new Set<string>()
  for (const r of e.rationale) keys.add(r.source)
  for (const r of e.ratings) if (r.source) keys.add(r.source)
  for (const d of e.studyDoses) for (const k of d.sources) keys.add(k)
  const sources: StoredEvaluation['sources'] = {}
  for (const k of keys) {
    const entry = pack.sources[k]
    if (entry) sources[k] = entry
  }
  return { ...e, sources }
}

/** The reader's result, or the one the engine derived from RECIST. */
function resultOf(s: StudyRecord, e: Evaluation): StudyRecord['result'] {
  return (
    s.result ?? e.derivedResults.find((d) => d.date === s.date && d.procedure === s.procedure)?.result ?? null
  )
}

export function studyFact(s: StudyRecord, e?: Evaluation): StudyFact {
  return { id: s.id, date: s.date, procedure: s.procedure, result: e ? resultOf(s, e) : s.result }
}

/** The patient's plan as the engine sees it now. */
interface Plan {
  evaluation: Evaluation
  studies: StudyRecord[]
  wanted: Step
  /** The recommendation new items follow. */
  recommendationId: number | null
  recommendation: StoredRecommendation | null
}

function evaluateNow(ctx: FollowUpContext, db: ReadableDb, patientId: number) {
  return evaluateCase(ctx, requirePatient(db, patientId), listStudies(db, patientId))
}

type Evaluated = ReturnType<typeof evaluateCase>

/** The engine on a patient and their studies (oldest first) as stored. */
function evaluateCase(ctx: FollowUpContext, patient: PatientRecord, studies: StudyRecord[]) {
  const input = toCase(patient, studies)
  const pack = ctx.pack()
  const e = evaluate(input, ctx.today(), pack, ctx.engineSettings())
  const last = studies.at(-1) ?? null
  const unread = last && resultOf(last, e) === null ? { id: last.id, date: last.date } : null
  return { input, e, pack, studies, last, wanted: stepFor(e, unread) }
}

/**
 * Runs the engine on the patient as stored now and keeps its answer (with the pack version and
 * the exact inputs) as the current recommendation, and updates the worklist summary.
 */
export function storePlan(
  ctx: FollowUpContext,
  tx: WritableDb,
  patientId: number,
  trigger: RecommendationTrigger,
  evaluated: Evaluated = evaluateNow(ctx, tx, patientId),
): Plan {
  // The recommendation as it reads back, from the texts just written (not decoded again).
  const recommendation = storedRecommendation(ctx, tx, patientId, trigger, evaluated) as StoredRecommendation
  const { e, studies, wanted } = evaluated
  return { evaluation: e, studies, wanted, recommendationId: recommendation.id, recommendation }
}

/** `storePlan` without the plan; returns the new recommendation's id. */
function storeRecommendation(
  ctx: FollowUpContext,
  tx: WritableDb,
  patientId: number,
  trigger: RecommendationTrigger,
  evaluated: Evaluated,
): number {
  return storedRecommendation(ctx, tx, patientId, trigger, evaluated).id
}

/** Stores the engine's answer as the patient's current recommendation (audited); returns it. */
function storedRecommendation(
  ctx: FollowUpContext,
  tx: WritableDb,
  patientId: number,
  trigger: RecommendationTrigger,
  evaluated: Evaluated,
): RecommendationRecord {
  const { actor } = ctx
  const { input, e, pack, last } = evaluated
  const at = actor.now().toISOString()
  const {
    id: recId,
    superseded,
    digest,
    record,
  } = insertRecommendation(tx, {
    patientId,
    createdAt: at,
    asOf: e.asOf,
    trigger,
    packId: e.guideline.id,
    packVersion: e.guideline.version,
    variant: e.variant,
    action: e.next.action,
    procedure: e.next.procedure,
    intervalMonths: e.next.intervalMonths,
    due: e.next.due,
    inputs: input,
    output: withSources(e, pack),
  })
  // The stored recommendation is large (the whole case and evaluation); its audit row keeps what
  // was decided and what it replaced.
  appendAudit(tx, actor, {
    action: 'recommendation.create',
    entity: 'recommendation',
    entityId: recId,
    before: superseded === null ? null : { supersededRecommendation: superseded },
    after: { patientId, trigger, pack: e.guideline, variant: e.variant, next: e.next, alerts: e.alerts },
    storedDigest: digest,
  })
  writeSummary(tx, patientId, {
    variant: e.variant,
    lastStudyDate: last?.date ?? null,
    lastResult: last ? resultOf(last, e) : null,
    lastResultDerived: last !== null && last.result === null && resultOf(last, e) !== null,
    cumulativeMsv: e.dose.cumulativeMsv,
    doseEstimated: e.dose.estimated,
    doseIncomplete: e.dose.unknownStudies.length > 0 || e.dose.incompleteStudies.length > 0,
  })
  return record
}

/** The plan without storing a recommendation (facts unchanged: a command on the open step). */
export function currentPlan(ctx: FollowUpContext, db: ReadableDb, patientId: number): Plan {
  const { e, studies, wanted } = evaluateNow(ctx, db, patientId)
  const current = currentRecommendation(db, patientId) as StoredRecommendation | null
  return { evaluation: e, studies, wanted, recommendationId: current?.id ?? null, recommendation: current }
}

export function toOpenStep(i: FollowUpItem): OpenStep {
  return {
    id: i.id,
    kind: i.kind,
    procedure: i.procedure,
    due: i.due,
    reason: i.reason,
    studyId: i.studyId,
    override: i.override,
    deferralReason: i.deferralReason,
  }
}

/** Kinds of board and review steps whose decision was recorded since the latest study was entered. */
function decidedSinceLatestStudy(db: ReadableDb, patientId: number, studies: readonly StudyRecord[]) {
  const since = studies.reduce<string | null>(
    (m, s) => (m === null || s.createdAt > m ? s.createdAt : m),
    null,
  )
  return decidedKinds(db, patientId, since)
}

export interface Applied {
  outcome: LifecycleOutcome
  closedItem: FollowUpItem | null
  nextItem: FollowUpItem | null
}

/**
 * Asks the lifecycle state machine what `event` does to the patient's open step, and applies the
 * decision: refuse (nothing is written: the caller's transaction rolls back), keep, retarget,
 * open, close and open the next step, or close with an exit from surveillance.
 * `onClose` runs on the item being closed before it closes (e.g. to keep a board's decision).
 */
export function reconcileInTx(
  ctx: FollowUpContext,
  tx: WritableDb,
  patientId: number,
  plan: Plan,
  event: LifecycleEvent,
  onClose?: (itemId: number) => void,
): Applied {
  const open = openItem(tx, patientId)
  const decision = reconcile({
    open: open ? toOpenStep(open) : null,
    wanted: plan.wanted,
    event,
    left: currentExit(tx, patientId) !== null,
    decidedSinceLatestStudy: decidedSinceLatestStudy(tx, patientId, plan.studies),
    studies: plan.studies.map((s) => studyFact(s, plan.evaluation)),
    asOf: ctx.today(),
    settings: ctx.lifecycleSettings(),
  })
  return applyDecision(ctx, tx, patientId, plan, open, decision, onClose)
}

function outcomeOf(d: Decision): LifecycleOutcome {
  return { type: d.type, guard: d.guard, reason: d.reason, fulfilment: d.fulfilment ?? null }
}

function applyDecision(
  ctx: FollowUpContext,
  tx: WritableDb,
  patientId: number,
  plan: Plan,
  open: FollowUpItem | null,
  d: Decision,
  onClose?: (itemId: number) => void,
): Applied {
  const at = ctx.actor.now().toISOString()
  const outcome = outcomeOf(d)
  const close = (item: FollowUpItem, c: Close, action: string): FollowUpItem =>
    auditedChange(tx, ctx.actor, {
      entity: 'followup_item',
      id: item.id,
      action,
      change: () => {
        onClose?.(item.id)
        closeItem(tx, item.id, {
          status: c.status,
          reasonCode: c.reasonCode,
          reasonText: c.text,
          studyId: c.studyId,
          at,
        })
      },
    }).after
  const openStep = (s: Step): FollowUpItem => insertStep(ctx, tx, patientId, plan.recommendationId, s)
  const requireOpen = (): FollowUpItem => {
    if (!open) throw new Error(`lifecycle: ${d.type} without an open item`)
    return open
  }

  switch (d.type) {
    case 'refuse':
      if (d.code === 'INVALID') throw invalid(d.reason, { [d.field ?? '(request)']: d.reason })
      throw new DbError('CONFLICT', d.reason)
    case 'keep':
    case 'none':
      return { outcome, closedItem: null, nextItem: open }
    case 'retarget': {
      const item = requireOpen()
      const next = auditedChange(tx, ctx.actor, {
        entity: 'followup_item',
        id: item.id,
        action: 'followup.retarget',
        change: () => {
          retargetItem(tx, item.id, {
            recommendationId: plan.recommendationId ?? item.recommendationId,
            kind: d.to.kind,
            procedure: d.to.procedure,
            due: d.to.due,
            reason: d.to.reason,
            at,
          })
          setItemSubject(tx, item.id, { studyId: d.to.studyId, deferralReason: item.deferralReason })
        },
      }).after
      return { outcome, closedItem: null, nextItem: next }
    }
    case 'open':
      return { outcome, closedItem: null, nextItem: openStep(d.open) }
    case 'close-and-open': {
      const closed = close(requireOpen(), d.close, closeAction(d.close))
      return { outcome, closedItem: closed, nextItem: openStep(d.open) }
    }
    case 'close-with-outcome': {
      const closed = open && d.close ? close(open, d.close, closeAction(d.close)) : null
      recordExit(ctx, tx, patientId, d.exit)
      return { outcome, closedItem: closed, nextItem: null }
    }
  }
}

/** Opens a step as a new follow-up item (audited). */
function insertStep(
  ctx: FollowUpContext,
  tx: WritableDb,
  patientId: number,
  recommendationId: number | null,
  s: Step,
): FollowUpItem {
  const at = ctx.actor.now().toISOString()
  return auditedInsert(tx, ctx.actor, {
    entity: 'followup_item',
    action: 'followup.create',
    insert: () => {
      const id = insertItem(tx, {
        patientId,
        recommendationId,
        kind: s.kind,
        procedure: s.procedure,
        due: s.due,
        reason: s.reason,
        at,
      })
      setItemSubject(tx, id, { studyId: s.studyId, deferralReason: s.deferralReason })
      if (s.override) setOverride(tx, id, s.override, at)
      return id
    },
  })
}

/**
 * A new patient whose studies were all stored at once (a CSV import): the engine's plan and the
 * open step are the ones the typed path ends with (the patient created, then each study recorded
 * in turn, oldest first: the engine run and the step reconciled after each). The lifecycle is
 * replayed in memory over the same sequence of plans (the step a study did not replace stays, as
 * it would have), and only its end is written: one recommendation, the open step, the worklist
 * summary. (A new patient's facts and studies only ever open, keep, retarget or replace the step:
 * the lifecycle refuses or ends surveillance on commands only. Anything else stops the import.)
 */
export function settleNewPatientInTx(
  ctx: FollowUpContext,
  tx: WritableDb,
  patient: PatientRecord,
  studies: StudyRecord[],
): void {
  let open = null as OpenStep | null
  let evaluated: Evaluated | null = null
  for (let k = 0; k <= studies.length; k++) {
    evaluated = evaluateCase(ctx, patient, studies.slice(0, k))
    const { e, wanted } = evaluated
    const d = reconcile({
      open,
      wanted,
      event:
        k === 0 ? { type: 'facts-changed' } : { type: 'study-recorded', study: studyFact(studies[k - 1]!) },
      left: false,
      decidedSinceLatestStudy: [],
      studies: evaluated.studies.map((s) => studyFact(s, e)),
      asOf: ctx.today(),
      settings: ctx.lifecycleSettings(),
    })
    switch (d.type) {
      case 'open':
      case 'close-and-open':
        open = { ...d.open, id: -(k + 1) }
        break
      case 'retarget':
        if (!open) throw new Error('lifecycle: retarget without an open step')
        open = {
          ...open,
          kind: d.to.kind,
          procedure: d.to.procedure,
          due: d.to.due,
          reason: d.to.reason,
          studyId: d.to.studyId,
        }
        break
      case 'keep':
      case 'none':
        break
      default:
        throw new Error(`lifecycle: a new patient's studies led to "${d.type}"`)
    }
  }
  const trigger = studies.length > 0 ? 'study-recorded' : 'facts-changed'
  const recId = storeRecommendation(ctx, tx, patient.id, trigger, evaluated!)
  if (open) {
    const { id: _placeholder, ...step } = open
    insertStep(ctx, tx, patient.id, recId, step)
  }
}

/** The audit action of a close: `followup.done`, `followup.cancelled`, `followup.deferred`. */
function closeAction(c: Close): string {
  return `followup.${c.status}`
}

function recordExit(ctx: FollowUpContext, tx: WritableDb, patientId: number, exit: SurveillanceExit): void {
  auditedInsert(tx, ctx.actor, {
    entity: 'surveillance_exit',
    action: 'surveillance.leave',
    insert: () => insertExit(tx, patientId, exit, ctx.actor.user, ctx.actor.now().toISOString()),
  })
}

/**
 * Keeps the patient's state before a change, so the change can be undone (`patients.undo`). Call
 * first in the change's write transaction.
 */
export function keepUndo(ctx: FollowUpContext, tx: WritableDb, patientId: number, command: string): void {
  const id = insertUndo(tx, {
    patientId,
    actor: ctx.actor.user,
    at: ctx.actor.now().toISOString(),
    command,
    state: keptStateText(tx, patientId),
  })
  auditUndoEntry(tx, ctx.actor, { action: 'undo.keep', id, patientId, command })
}
