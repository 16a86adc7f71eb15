import { cached } from '../stmt'
import { DbError } from '../errors'
import type { ReadableDb, WritableDb } from '../tx'
import type {
  DeferralReason,
  FollowUpItem,
  FollowUpItemKind,
  RecordedDecision,
  FollowUpOverride,
  ItemStatus,
  IsoDate,
  OverrideReasonCode,
  ProcedureId,
  StatusReasonCode,
} from '../types'
import { NEXT_VERSION } from '../audit'

interface ItemRow {
  id: number
  patient_id: number
  recommendation_id: number | null
  kind: FollowUpItemKind
  procedure: ProcedureId | null
  due_from: string
  due_to: string
  reason: string
  status: ItemStatus
  status_reason_code: StatusReasonCode | null
  status_reason_text: string | null
  fulfilled_by_study_id: number | null
  override_procedure: ProcedureId | null
  override_due_from: string | null
  override_due_to: string | null
  override_reason_code: OverrideReasonCode | null
  override_text: string | null
  subject_study_id: number | null
  deferral_reason_code: DeferralReason | null
  decision_json: string | null
  created_at: string
  updated_at: string
  version: number
}

function toItem(r: ItemRow): FollowUpItem {
  const override: FollowUpOverride | null = r.override_reason_code
    ? {
        procedure: r.override_procedure,
        due:
          r.override_due_from !== null && r.override_due_to !== null
            ? { from: r.override_due_from, to: r.override_due_to }
            : null,
        reasonCode: r.override_reason_code,
        text: r.override_text,
      }
    : null
  return {
    id: r.id,
    patientId: r.patient_id,
    recommendationId: r.recommendation_id,
    kind: r.kind,
    procedure: r.procedure,
    due: { from: r.due_from, to: r.due_to },
    reason: r.reason,
    status: r.status,
    statusReasonCode: r.status_reason_code,
    statusReasonText: r.status_reason_text,
    fulfilledByStudyId: r.fulfilled_by_study_id,
    override,
    studyId: r.subject_study_id,
    deferralReason: r.deferral_reason_code,
    decision: r.decision_json === null ? null : (JSON.parse(r.decision_json) as RecordedDecision),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  }
}

export function getItem(db: ReadableDb, id: number): FollowUpItem | null {
  const row = cached(db, 'SELECT * FROM followup_item WHERE id = ?').get(id) as ItemRow | undefined
  return row ? toItem(row) : null
}

export function requireItem(db: ReadableDb, id: number): FollowUpItem {
  const item = getItem(db, id)
  if (!item) throw new DbError('NOT_FOUND', `No follow-up item with id ${id}.`)
  return item
}

/** The patient's one scheduled item, if any. */
export function openItem(db: ReadableDb, patientId: number): FollowUpItem | null {
  const row = cached(db, "SELECT * FROM followup_item WHERE patient_id = ? AND status = 'scheduled'").get(
    patientId,
  ) as ItemRow | undefined
  return row ? toItem(row) : null
}

export function listItems(db: ReadableDb, patientId: number): FollowUpItem[] {
  return (
    cached(db, 'SELECT * FROM followup_item WHERE patient_id = ? ORDER BY id DESC').all(
      patientId,
    ) as ItemRow[]
  ).map(toItem)
}

/**
 * The kinds of the patient's steps closed as done by a recorded decision (a board's, a review's)
 * at or after `since` (any time when null), newest first: `listItems` filtered, without reading
 * every item the patient ever had.
 */
export function decidedKinds(
  db: ReadableDb,
  patientId: number,
  since: string | null,
): FollowUpItem['kind'][] {
  return cached(
    db,
    `SELECT kind FROM followup_item
     WHERE patient_id = @patientId AND status = 'done' AND status_reason_code = 'decision-recorded'
       AND (@since IS NULL OR updated_at >= @since)
     ORDER BY id DESC`,
  )
    .pluck()
    .all({ patientId, since }) as FollowUpItem['kind'][]
}

export interface NewItem {
  patientId: number
  recommendationId: number | null
  kind: FollowUpItemKind
  procedure: ProcedureId | null
  due: { from: IsoDate; to: IsoDate }
  reason: string
  at: string
}

/** Adds a scheduled item. The database allows one scheduled item per patient. */
export function insertItem(db: WritableDb, item: NewItem): number {
  return Number(
    cached(
      db,
      `INSERT INTO followup_item (patient_id, recommendation_id, kind, procedure, due_from, due_to, reason,
           status, created_at, updated_at, version)
         VALUES (@patientId, @recommendationId, @kind, @procedure, @dueFrom, @dueTo, @reason, 'scheduled',
           @at, @at, ${NEXT_VERSION})`,
    ).run({
      patientId: item.patientId,
      recommendationId: item.recommendationId,
      kind: item.kind,
      procedure: item.procedure,
      dueFrom: item.due.from,
      dueTo: item.due.to,
      reason: item.reason,
      at: item.at,
    }).lastInsertRowid,
  )
}

/** Moves a scheduled item to done, cancelled or deferred. Refuses an item that is already closed. */
export function closeItem(
  db: WritableDb,
  id: number,
  change: {
    status: Exclude<ItemStatus, 'scheduled'>
    reasonCode: StatusReasonCode
    reasonText: string | null
    studyId: number | null
    at: string
  },
): void {
  const item = requireItem(db, id)
  if (item.status !== 'scheduled') {
    throw new DbError(
      'CONFLICT',
      `This follow-up item is already ${item.status}; only a scheduled item can change.`,
    )
  }
  cached(
    db,
    `UPDATE followup_item SET status = @status, status_reason_code = @reasonCode,
       status_reason_text = @reasonText, fulfilled_by_study_id = @studyId, updated_at = @at,
       version = ${NEXT_VERSION}
     WHERE id = @id`,
  ).run({
    id,
    status: change.status,
    reasonCode: change.reasonCode,
    reasonText: change.reasonText,
    studyId: change.studyId,
    at: change.at,
  })
}

/** Replaces a scheduled item's suggestion with the radiologist's choice (kept beside the suggestion). */
export function setOverride(db: WritableDb, id: number, o: FollowUpOverride, at: string): void {
  const item = requireItem(db, id)
  if (item.status !== 'scheduled') {
    throw new DbError(
      'CONFLICT',
      `This follow-up item is already ${item.status}; only a scheduled item can be changed.`,
    )
  }
  cached(
    db,
    `UPDATE followup_item SET override_procedure = @procedure, override_due_from = @dueFrom,
       override_due_to = @dueTo, override_reason_code = @reasonCode, override_text = @text, updated_at = @at,
       version = ${NEXT_VERSION}
     WHERE id = @id`,
  ).run({
    id,
    procedure: o.procedure,
    dueFrom: o.due?.from ?? null,
    dueTo: o.due?.to ?? null,
    reasonCode: o.reasonCode,
    text: o.text,
    at,
  })
}

/** Points a scheduled item at a newer recommendation (after the patient's facts changed). */
export function retargetItem(
  db: WritableDb,
  id: number,
  next: {
    recommendationId: number | null
    kind: FollowUpItemKind
    procedure: ProcedureId | null
    due: { from: IsoDate; to: IsoDate }
    reason: string
    at: string
  },
): void {
  cached(
    db,
    `UPDATE followup_item SET recommendation_id = @recommendationId, kind = @kind, procedure = @procedure,
       due_from = @dueFrom, due_to = @dueTo, reason = @reason, updated_at = @at, version = ${NEXT_VERSION}
     WHERE id = @id AND status = 'scheduled'`,
  ).run({
    id,
    recommendationId: next.recommendationId,
    kind: next.kind,
    procedure: next.procedure,
    dueFrom: next.due.from,
    dueTo: next.due.to,
    reason: next.reason,
    at: next.at,
  })
}

/** The study a result step waits for, and a deferral successor's reason code. */
export function setItemSubject(
  db: WritableDb,
  id: number,
  subject: { studyId: number | null; deferralReason: DeferralReason | null },
): void {
  cached(
    db,
    `UPDATE followup_item SET subject_study_id = @studyId, deferral_reason_code = @deferralReason,
       version = ${NEXT_VERSION} WHERE id = @id`,
  ).run({ id, studyId: subject.studyId, deferralReason: subject.deferralReason })
}

/** Keeps the decision recorded on a board or review item (closed in the same transaction). */
export function setItemDecision(db: WritableDb, id: number, decision: RecordedDecision): void {
  cached(db, `UPDATE followup_item SET decision_json = @json, version = ${NEXT_VERSION} WHERE id = @id`).run({
    id,
    json: JSON.stringify(decision),
  })
}

/** Items a study closed as their fulfilment. */
export function itemsFulfilledBy(db: ReadableDb, studyId: number): FollowUpItem[] {
  return (
    cached(db, 'SELECT * FROM followup_item WHERE fulfilled_by_study_id = ? ORDER BY id').all(
      studyId,
    ) as ItemRow[]
  ).map(toItem)
}
