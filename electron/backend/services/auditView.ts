import type { Actor } from '../../../db/audit'
import { auditedAccess } from './audited'
import {
  auditCount,
  auditPage,
  lastAccess,
  type AuditFilter,
  type AuditListEntry,
} from '../../../db/queries/audit'
import { readOnlyReason, writeTx, type ReadableDb } from '../../../db/tx'
import { addDays, type AuditKind, type NotedExport } from '../../../engine'

// The audit trail as people read it (issue 13, docs/data.md "Reading the audit trail"), and the
// rows that record who read or exported patient data.
//
// What counts as reading a patient's record: opening it (`patients.detail`, the whole record the
// patient page shows), the record's facts for editing (`patients.get`) and one stored
// recommendation with its case and evaluation (`recommendations.get`). Lists (the worklist, the
// patient search, a page of recommendation summaries) are not reads of a record. A read is
// recorded once per person, patient and kind of read within READ_WINDOW_MINUTES (the page reloads
// the record after every change; that is not a new opening). Every export is recorded, each time.
//
// In recovery mode (the log is read-only, db/tx.ts) nothing can be written to the log: the read or
// export is allowed and is not recorded (docs/data.md states the rule).

export const READ_WINDOW_MINUTES = 10

/** The most entries one page of the list holds, and the most an export writes. */
export const AUDIT_PAGE_MAX = 200
export const AUDIT_EXPORT_LIMIT = 100_000
/** Counting stops here: "more than 10 000". */
export const AUDIT_COUNT_CAP = 10_000

export interface AccessContext {
  readonly db: ReadableDb
  readonly actor: Actor
}

export type ReadAction = 'read.patient' | 'read.facts' | 'read.recommendation'

/** What an export row says: which file, for which patient (or none: a list) and with which filter. */
export type ExportAction =
  'export.worklist-csv' | 'export.calendar' | 'export.fhir' | 'export.audit-csv' | `export.${NotedExport}`

/** Whether the log can take an audit row now (not in recovery mode). */
function writable(db: ReadableDb): boolean {
  return readOnlyReason(db) === null
}

/** Records that this person read this patient's record (see above for what counts and how often). */
export function recordRead(
  ctx: AccessContext,
  action: ReadAction,
  patientId: number,
  what: object = {},
): void {
  if (!writable(ctx.db)) return
  const now = ctx.actor.now()
  const last = lastAccess(ctx.db, patientId, ctx.actor.user, action)
  if (
    last &&
    now.getTime() - Date.parse(last.at) < READ_WINDOW_MINUTES * 60_000 &&
    Date.parse(last.at) <= now.getTime()
  )
    return
  writeTx(ctx.db, (tx) => auditedAccess(tx, ctx.actor, { action, patientId, what }))
}

/**
 * Records an export: what was exported (`what`: the scope, the filter, how many rows; never the
 * patient data itself) and for which patient (null: a list).
 */
export function recordExport(
  ctx: AccessContext,
  action: ExportAction,
  patientId: number | null,
  what: object,
): void {
  if (!writable(ctx.db)) return
  writeTx(ctx.db, (tx) => auditedAccess(tx, ctx.actor, { action, patientId, what }))
}

/** The filter as a request gives it: calendar dates where the reader sits, kinds of change. */
export interface AuditRequestFilter {
  readonly patientId?: number | null | undefined
  readonly actor?: string | null | undefined
  readonly from?: string | null | undefined
  readonly to?: string | null | undefined
  readonly kinds?: readonly AuditKind[] | null | undefined
}

/** The start of a local calendar day as an instant (ISO-8601 UTC), as `audit_log.at` is written. */
export function localDayStart(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(y, m - 1, d).toISOString()
}

/** `from` and `to` are calendar days where the reader sits, both included. */
export function auditFilterOf(f: AuditRequestFilter): AuditFilter {
  return {
    patientId: f.patientId ?? null,
    actor: f.actor ?? null,
    fromAt: f.from ? localDayStart(f.from) : null,
    toAt: f.to ? localDayStart(addDays(f.to, 1)) : null,
    kinds: f.kinds ?? null,
  }
}

export interface AuditListResult {
  entries: AuditListEntry[]
  /** The `beforeId` of the next page; null at the end. */
  next: number | null
  /** How many entries the filter selects (at most AUDIT_COUNT_CAP; `totalCapped`: more). */
  total: number
  totalCapped: boolean
}

/** One page of the audit trail, newest first; the count only with the first page (it is the same for all). */
export function auditList(
  db: ReadableDb,
  req: AuditRequestFilter & { beforeId?: number | null | undefined; limit: number },
): AuditListResult {
  const filter = auditFilterOf(req)
  const page = auditPage(db, filter, { beforeId: req.beforeId ?? null, limit: req.limit })
  const count = auditCount(db, filter, AUDIT_COUNT_CAP)
  return { ...page, total: count.total, totalCapped: count.capped }
}

/**
 * Every entry the filter selects (up to AUDIT_EXPORT_LIMIT), newest first, for the compliance
 * officer's CSV (the renderer writes it with the app's CSV writer). The export itself is recorded
 * with its filter, after the list was read, so the file does not hold its own row.
 */
export function auditExport(
  ctx: AccessContext,
  req: AuditRequestFilter,
): { entries: AuditListEntry[]; truncated: boolean } {
  const filter = auditFilterOf(req)
  const entries: AuditListEntry[] = []
  let beforeId: number | null = null
  let truncated = false
  for (;;) {
    const page = auditPage(ctx.db, filter, { beforeId, limit: 1000 })
    entries.push(...page.entries)
    if (entries.length > AUDIT_EXPORT_LIMIT) {
      entries.length = AUDIT_EXPORT_LIMIT
      truncated = true
      break
    }
    if (page.next === null) break
    beforeId = page.next
  }
  recordExport(ctx, 'export.audit-csv', req.patientId ?? null, {
    filter: {
      actor: req.actor ?? null,
      from: req.from ?? null,
      to: req.to ?? null,
      kinds: req.kinds && req.kinds.length ? [...req.kinds] : null,
    },
    rows: entries.length,
    truncated,
  })
  return { entries, truncated }
}
