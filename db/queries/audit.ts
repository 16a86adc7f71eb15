import type { AuditKind } from '../../engine'
import { auditValues, type RawAuditRow } from '../audit'
import { cached } from '../stmt'
import type { ReadableDb } from '../tx'

// Reading the audit trail (issue 13, docs/data.md "Reading the audit trail"): the list a person
// reads, overall or for one patient, filtered by person, time and kind of change, newest first and
// paged by id (keyset: a page starts below the last id of the page before, never an OFFSET), and
// a count capped where counting further would cost more than it tells.

// ---- Kinds of change ----------------------------------------------------------------------------

/**
 * Which `audit_log.action` values belong to which kind: exact actions first, then prefixes (the
 * actions that name their command in them: `undo.<command>`, `pack.<how>`, `read.*`, `export.*`,
 * `backup.*`). An action neither names is `other`. Derived from the actions the services write
 * (electron/backend/services/*, db/open.ts, db/integrity-restore.ts).
 */
const KIND_RULES: { readonly [K in AuditKind]: { exact?: readonly string[]; prefixes?: readonly string[] } } =
  {
    created: {
      exact: [
        'patient.create',
        'study.record',
        'treatment.create',
        'followup.create',
        'biomarker.add',
        'demo.load',
      ],
    },
    changed: {
      exact: [
        'patient.update',
        'study.update',
        'treatment.update',
        'followup.override',
        'followup.retarget',
        'note.set',
      ],
    },
    removed: { exact: ['biomarker.remove', 'demo.remove'] },
    result: { exact: ['study.result'] },
    'followup-decision': {
      exact: [
        'followup.done',
        'followup.cancelled',
        'followup.deferred',
        'surveillance.leave',
        'surveillance.reopen',
      ],
    },
    'marked-in-error': { exact: ['patient.markError', 'study.markError', 'treatment.markError'] },
    restored: { exact: ['patient.restore', 'study.restore', 'treatment.restore'] },
    undone: { exact: ['undo.done'], prefixes: ['undo.'] },
    recommendation: { exact: ['recommendation.create'] },
    import: { exact: ['study.import', 'import.csv', 'import.pacs', 'import.dicom-files'] },
    'guideline-pack': { prefixes: ['pack.'] },
    settings: {
      exact: [
        'settings.update',
        'pacs.create',
        'pacs.update',
        'pacs.remove',
        'mapping.create',
        'mapping.update',
        'mapping.remove',
      ],
    },
    read: { prefixes: ['read.'] },
    export: { prefixes: ['export.'] },
    backup: { prefixes: ['backup.'] },
    // Named accounts (services/users.ts) and sign-in, sign-out and the lock (backend/session.ts).
    account: { prefixes: ['user.'] },
    session: { prefixes: ['session.'] },
    // Bookkeeping of the log itself: the start of the keyed chain, a restore, an undo point kept.
    log: { exact: ['audit.keyed', 'log.restore', 'undo.keep'] },
    other: {},
  }

// Every kind of AUDIT_KINDS (engine/codes.ts) has a rule: the mapped type above makes a missing one
// a compile error.
const KINDS = Object.keys(KIND_RULES) as AuditKind[]
const EXACT = new Map<string, AuditKind>()
const PREFIXES: [string, AuditKind][] = []
for (const kind of KINDS) {
  for (const a of KIND_RULES[kind].exact ?? []) {
    if (EXACT.has(a)) throw new Error(`audit action ${a} is in two kinds`)
    EXACT.set(a, kind)
  }
  for (const p of KIND_RULES[kind].prefixes ?? []) PREFIXES.push([p, kind])
}

/** The kind of change an audit action is. */
export function auditKindOf(action: string): AuditKind {
  const exact = EXACT.get(action)
  if (exact) return exact
  for (const [p, kind] of PREFIXES) if (action.startsWith(p)) return kind
  return 'other'
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`
const ALL_EXACT = `action IN (${[...EXACT.keys()].map(quote).join(', ')})`
const prefixSql = (p: string): string => `substr(action, 1, ${p.length}) = ${quote(p)}`

/** The SQL condition on `action` of one kind: exactly what `auditKindOf` says. */
function kindSql(kind: AuditKind): string {
  const exact = KIND_RULES[kind].exact ?? []
  const prefixes = KIND_RULES[kind].prefixes ?? []
  const parts: string[] = []
  if (exact.length) parts.push(`action IN (${exact.map(quote).join(', ')})`)
  if (prefixes.length) parts.push(`(NOT ${ALL_EXACT} AND (${prefixes.map(prefixSql).join(' OR ')}))`)
  if (kind === 'other')
    parts.push(`(NOT ${ALL_EXACT} AND NOT (${PREFIXES.map(([p]) => prefixSql(p)).join(' OR ')}))`)
  return parts.length ? `(${parts.join(' OR ')})` : '0'
}

// ---- The list -----------------------------------------------------------------------------------

/**
 * The patient an entry is about (NULL for none): the column `audit_log.patient_id` (schema 110,
 * written with each row from `auditPatientOf` in db/audit.ts), indexed by `audit_log_patient`.
 */
export const PATIENT_OF_ENTRY = 'patient_id'

export interface AuditFilter {
  /** Only the entries about this patient (their record and everything that belongs to it). */
  readonly patientId?: number | null
  /** Only the entries of this person (the actor exactly as recorded). */
  readonly actor?: string | null
  /** From this instant on (ISO-8601 UTC, inclusive). */
  readonly fromAt?: string | null
  /** Before this instant (ISO-8601 UTC, exclusive). */
  readonly toAt?: string | null
  /** Only these kinds of change (none or empty: all). */
  readonly kinds?: readonly AuditKind[] | null
}

export interface AuditListEntry {
  id: number
  at: string
  actor: string
  action: string
  kind: AuditKind
  entity: string
  entityId: number | null
  /** The patient the entry is about, with their name and MRN as they are now (null: none, or removed). */
  patient: { id: number; name: string; mrn: string } | null
  before: unknown
  after: unknown
}

/** A row of the list: the audit row as stored, with the patient it is about as they are now. */
type RawEntry = Omit<RawAuditRow, 'prev_hash' | 'hash'> & {
  patient_id: number | null
  name: string | null
  mrn: string | null
}

/**
 * Where the rows of a filter are read from. A filter by person (and not by patient) reads the
 * person's runs of rows (`audit_actor_run`, migration 155), newest first, and in each the rows by
 * id: no index entry per row is needed, and a person with few entries in a long trail is as quick
 * as one with many. Otherwise the audit log itself (a patient's rows by `audit_log_patient`, with
 * the person compared on each).
 */
function source(f: AuditFilter): { from: string; byRuns: boolean } {
  const byRuns = Boolean(f.actor) && (f.patientId === undefined || f.patientId === null)
  return byRuns
    ? {
        from: `audit_actor_run r JOIN audit_log ON audit_log.id BETWEEN r.first_id AND r.last_id`,
        byRuns,
      }
    : { from: 'audit_log', byRuns }
}

function where(f: AuditFilter): { sql: string; params: Record<string, unknown> } {
  const conds: string[] = []
  const params: Record<string, unknown> = {}
  if (f.patientId !== undefined && f.patientId !== null) {
    conds.push(`${PATIENT_OF_ENTRY} = @patientId`)
    params.patientId = f.patientId
  }
  if (f.actor) {
    conds.push(source(f).byRuns ? 'r.actor = @actor' : 'audit_log.actor = @actor')
    params.actor = f.actor
  }
  if (f.fromAt) {
    conds.push('at >= @fromAt')
    params.fromAt = f.fromAt
  }
  if (f.toAt) {
    conds.push('at < @toAt')
    params.toAt = f.toAt
  }
  const kinds = [...new Set(f.kinds ?? [])].sort()
  if (kinds.length > 0 && kinds.length < KINDS.length) conds.push(`(${kinds.map(kindSql).join(' OR ')})`)
  return { sql: conds.length ? conds.join(' AND ') : '1', params }
}

function toEntry(db: ReadableDb, r: RawEntry): AuditListEntry {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    kind: auditKindOf(r.action),
    entity: r.entity,
    entityId: r.entity_id,
    patient:
      r.patient_id !== null && r.name !== null ? { id: r.patient_id, name: r.name, mrn: r.mrn! } : null,
    ...auditValues(db, r),
  }
}

/**
 * One page of the entries the filter selects, newest first: those with an id below `beforeId`
 * (null: from the newest). `next` is the `beforeId` of the page after, or null at the end.
 */
export function auditPage(
  db: ReadableDb,
  filter: AuditFilter,
  page: { beforeId: number | null; limit: number },
): { entries: AuditListEntry[]; next: number | null } {
  const w = where(filter)
  const s = source(filter)
  const rows = cached(
    db,
    `SELECT a.id, a.at, a.actor, a.action, a.entity, a.entity_id, a.before_json, a.after_json,
            a.patient_id, p.name, p.mrn
       FROM (SELECT audit_log.* FROM ${s.from}
              WHERE ${w.sql} AND audit_log.id < @beforeId${s.byRuns ? ' AND r.first_id < @beforeId' : ''}
              ORDER BY ${s.byRuns ? 'r.first_id DESC, ' : ''}audit_log.id DESC LIMIT @limit) a
       LEFT JOIN patient p ON p.id = a.patient_id
      ORDER BY a.id DESC`,
  ).all({
    ...w.params,
    beforeId: page.beforeId ?? Number.MAX_SAFE_INTEGER,
    limit: page.limit + 1,
  }) as RawEntry[]
  const more = rows.length > page.limit
  const entries = rows.slice(0, page.limit).map((r) => toEntry(db, r))
  return { entries, next: more ? entries[entries.length - 1]!.id : null }
}

/** How many entries the filter selects, counted up to `cap` (then `capped`: "more than cap"). */
export function auditCount(
  db: ReadableDb,
  filter: AuditFilter,
  cap: number,
): { total: number; capped: boolean } {
  const w = where(filter)
  const n = cached(
    db,
    `SELECT count(*) FROM (SELECT 1 FROM ${source(filter).from} WHERE ${w.sql} LIMIT @cap)`,
  )
    .pluck()
    .get({ ...w.params, cap: cap + 1 }) as number
  return n > cap ? { total: cap, capped: true } : { total: n, capped: false }
}

/** Everyone who has an entry, as recorded (the filter by person offers these). */
export function auditActors(db: ReadableDb): string[] {
  return cached(db, 'SELECT DISTINCT actor FROM audit_actor_run ORDER BY actor').pluck().all() as string[]
}

/** The newest entry about a patient with this action by this person (reads are written once per window). */
export function lastAccess(
  db: ReadableDb,
  patientId: number,
  actor: string,
  action: string,
): { id: number; at: string } | null {
  return (
    (cached(
      db,
      `SELECT id, at FROM audit_log WHERE ${PATIENT_OF_ENTRY} = ? AND actor = ? AND action = ?
        ORDER BY id DESC LIMIT 1`,
    ).get(patientId, actor, action) as { id: number; at: string } | undefined) ?? null
  )
}
