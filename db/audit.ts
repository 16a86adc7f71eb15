import { cached } from './stmt'
import { createHash } from 'node:crypto'
import type { ReadableDb, WritableDb } from './tx'

/** Who is acting and when. Handlers build it per call; tests pass a fixed clock. */
export interface Actor {
  readonly user: string
  readonly now: () => Date
}

/** The tables an audit row can be about (`audit_log.entity`). */
export type AuditEntity =
  | 'patient'
  | 'study'
  | 'treatment'
  | 'recommendation'
  | 'followup_item'
  | 'surveillance_exit'
  | 'setting'
  | 'biomarker'
  | 'patient_note'
  /** An import as a whole (a CSV list, studies from a PACS): what came from where; no entity id. */
  | 'import'
  | 'pacs_endpoint'
  | 'procedure_mapping'

export interface AuditEntry {
  readonly action: string
  readonly entity: AuditEntity
  readonly entityId: number | null
  readonly before: unknown
  readonly after: unknown
}

export interface AuditRow {
  id: number
  at: string
  actor: string
  action: string
  entity: string
  entityId: number | null
  before: unknown
  after: unknown
  prevHash: string
  hash: string
}

const GENESIS = '0'.repeat(64)

function rowHash(
  prev: string,
  at: string,
  actor: string,
  e: { readonly action: string; readonly entity: string; readonly entityId: number | null },
  before: string | null,
  after: string | null,
): string {
  return createHash('sha256')
    .update(JSON.stringify([prev, at, actor, e.action, e.entity, e.entityId, before, after]))
    .digest('hex')
}

/**
 * Appends one audit row, chained to the previous one by hash: the only writer of `audit_log`.
 * It takes the `WritableDb` of the transaction that made the change, so neither can exist without
 * the other. Services record a change of a patient, study or follow-up item through
 * `electron/backend/services/audited.ts`, which reads the record before and after and calls this.
 */
export function appendAudit(db: WritableDb, actor: Actor, entry: AuditEntry): void {
  if (!db.inTransaction)
    throw new Error('appendAudit must run inside the transaction of the change it records')
  const prev =
    (cached(db, 'SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1').pluck().get() as string) ?? GENESIS
  const at = actor.now().toISOString()
  const before = entry.before === undefined || entry.before === null ? null : JSON.stringify(entry.before)
  const after = entry.after === undefined || entry.after === null ? null : JSON.stringify(entry.after)
  cached(
    db,
    `INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash)
     VALUES (@at, @actor, @action, @entity, @entityId, @before, @after, @prev, @hash)`,
  ).run({
    at,
    actor: actor.user,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    before,
    after,
    prev,
    hash: rowHash(prev, at, actor.user, entry, before, after),
  })
}

interface RawAuditRow {
  id: number
  at: string
  actor: string
  action: string
  entity: string
  entity_id: number | null
  before_json: string | null
  after_json: string | null
  prev_hash: string
  hash: string
}

function toAuditRow(r: RawAuditRow): AuditRow {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before_json === null ? null : JSON.parse(r.before_json),
    after: r.after_json === null ? null : JSON.parse(r.after_json),
    prevHash: r.prev_hash,
    hash: r.hash,
  }
}

export function auditFor(db: ReadableDb, entity: AuditEntity, entityId: number): AuditRow[] {
  const rows = cached(db, 'SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id').all(
    entity,
    entityId,
  ) as RawAuditRow[]
  return rows.map(toAuditRow)
}

/** Walks the whole chain; returns the id of the first row that does not match, or null. */
export function verifyAuditChain(db: ReadableDb): number | null {
  let prev = GENESIS
  for (const r of db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as Iterable<RawAuditRow>) {
    const expected = rowHash(
      prev,
      r.at,
      r.actor,
      { action: r.action, entity: r.entity, entityId: r.entity_id },
      r.before_json,
      r.after_json,
    )
    if (r.prev_hash !== prev || r.hash !== expected) return r.id
    prev = r.hash
  }
  return null
}
