import { applyText, diffText, readTexts, type DecodedPass } from './delta'
import { cached } from './stmt'
import { createHash, createHmac } from 'node:crypto'
import { beforeCommit, currentTx, type ReadableDb, type WritableDb } from './tx'

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
  | 'undo_entry'
  | 'log'
  | 'guideline_pack'
  /** An import as a whole (a CSV list, studies from a PACS): what came from where; no entity id. */
  | 'import'
  /**
   * A read or an export of patient data (`read.*`, `export.*`): `entity_id` is the patient's id, or
   * NULL for a list (the worklist, the audit trail). Never a record: no integrity check compares it.
   */
  | 'access'
  | 'pacs_endpoint'
  | 'procedure_mapping'
  /** A named account (migration 100): created, changed, disabled, its password set (never the hash). */
  | 'user_account'
  /** A sign-in, sign-out, lock or failed sign-in (entity id: the account, when one was named). */
  | 'session'

export interface AuditEntry {
  readonly action: string
  readonly entity: AuditEntity
  readonly entityId: number | null
  readonly before: unknown
  readonly after: unknown
  /**
   * For a digested record (a recommendation, an undo entry): its digest as the writer computed it
   * from the values it wrote (`recommendationDigestOf`); otherwise the row is read back for it.
   */
  readonly storedDigest?: string
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

/** The last row of the chain: its sequence number (`audit_log.id`) and hash. */
export interface AuditHead {
  readonly seq: number
  readonly hash: string
}

export const GENESIS = '0'.repeat(64)

// How a hash is stored (schema 120): its 32 bytes. Readers always get the 64 lowercase hexadecimal
// characters the hash functions give (`hashText`); a stored text that is not such a hash (a log
// damaged before migration 120, kept as it was) is read as it is, so the chain check names it.
const HEX_HASH = /^[0-9a-f]{64}$/

/** The stored form of a hash: its bytes, or a text that is not a hash the app writes, as it is. */
export function hashBytes(hash: string): Buffer | string {
  return HEX_HASH.test(hash) ? Buffer.from(hash, 'hex') : hash
}

/** A stored hash as its hexadecimal text (the form hashed into the next row, the anchor, the API). */
export function hashText(stored: Buffer | string | Uint8Array): string {
  return typeof stored === 'string' ? stored : Buffer.from(stored).toString('hex')
}

/**
 * The action of the row where the KEYED chain starts. Rows before it (written before the log had
 * a key) keep their plain SHA-256 hash; this row and every later one carry an HMAC-SHA256 with the
 * log's key (db/integrity-key.ts), so re-hashing the chain after an edit needs the key.
 */
export const KEYED_MARKER = 'audit.keyed'

// The key of each open connection's chain. Set by the integrity layer when the log is opened; a
// connection without one writes (and verifies) plain hashes only.
const KEYS = new WeakMap<ReadableDb, Buffer>()

export function setAuditKey(db: ReadableDb, key: Buffer | null): void {
  if (key) KEYS.set(db, key)
  else KEYS.delete(db)
}

export function auditKeyOf(db: ReadableDb): Buffer | null {
  return KEYS.get(db) ?? null
}

/** A short public name of a key (never the key): recorded in the marker row and the anchor. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('pnet-audit-key-id').update(key).digest('hex').slice(0, 16)
}

export interface HashInput {
  readonly id: number
  readonly prev: string
  readonly at: string
  readonly actor: string
  readonly action: string
  readonly entity: string
  readonly entityId: number | null
  readonly before: string | null
  readonly after: string | null
  /**
   * The undo entry kept just before the change this row records (schema 145, `keptUndoOf`): its id
   * and digest (hexadecimal; null for a stored one that is not 32 bytes). Absent or null: none.
   */
  readonly kept?: { readonly id: number | null; readonly digest: string | null } | null
}

/** The fields a kept undo entry adds to a row's hashed list (none when it carries none). */
function keptFields(r: HashInput): unknown[] {
  return r.kept ? [r.kept.id, r.kept.digest] : []
}

/** Schema-10 rows: sha256 over the row's fields (no key, no id). */
function plainHash(r: HashInput): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        r.prev,
        r.at,
        r.actor,
        r.action,
        r.entity,
        r.entityId,
        r.before,
        r.after,
        ...keptFields(r),
      ]),
    )
    .digest('hex')
}

/** Keyed rows: HMAC-SHA256 with the log's key over a versioned list that includes the row's id. */
function keyedHash(key: Buffer, r: HashInput): string {
  return createHmac('sha256', key)
    .update(
      JSON.stringify([
        'pnet-audit/2',
        r.id,
        r.prev,
        r.at,
        r.actor,
        r.action,
        r.entity,
        r.entityId,
        r.before,
        r.after,
        ...keptFields(r),
      ]),
    )
    .digest('hex')
}

// The first keyed row of each connection's log, once found. Its id never changes (rows are only
// appended, and a marker is only written while there is none), so it is looked up once (a scan of
// the audit log: `action` has no index) and then only confirmed by its id at each write.
const KEYED_FROM = new WeakMap<ReadableDb, number>()

/** The id of the first keyed row, or null while the chain is plain. */
export function keyedFrom(db: ReadableDb): number | null {
  const known = KEYED_FROM.get(db)
  if (
    known !== undefined &&
    cached(db, 'SELECT action FROM audit_log WHERE id = ?').pluck().get(known) === KEYED_MARKER
  )
    return known
  const found =
    (cached(db, 'SELECT min(id) FROM audit_log WHERE action = ?').pluck().get(KEYED_MARKER) as
      number | null) ?? null
  if (found === null) KEYED_FROM.delete(db)
  else KEYED_FROM.set(db, found)
  return found
}

export function auditHead(db: ReadableDb): AuditHead | null {
  const r = cached(db, 'SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
    { id: number; hash: Buffer | string } | undefined
  return r ? { seq: r.id, hash: hashText(r.hash) } : null
}

// Record versions (migration 65). Every statement that creates or changes an editable record
// sets its `version` to NEXT_VERSION: the sequence number the change's first audit row will get
// (one more than the newest audit row's). Every change is audited in its own transaction
// (electron/backend/services/audited.ts), and the audit log only grows (its triggers refuse updates
// and deletes), so a record's next change always reads a larger number: a record's versions only go
// up, and a record removed and later replaced under the same id (treatments are rewritten whole by
// a facts edit, SQLite may reuse the highest id) never comes back with a version someone saw
// before. All the writes of one change to one record share one version.
//
// The records of a migration-created log start at 1; the audit log of a log holding any record has
// at least that record's creation row, so NEXT_VERSION is 2 or more there.

/** The SQL expression of the version a change writes. */
export const NEXT_VERSION = '(SELECT coalesce(max(id), 0) + 1 FROM audit_log)'

// The stored recommendation is large and its audit row keeps only a summary; the row's immutable
// columns are digested into that audit row so a changed byte in them is found at the next check.
// The columns are named, so a later migration adding a column does not change what was digested.
const RECOMMENDATION_COLUMNS = [
  'patient_id',
  'created_at',
  'as_of',
  'trigger',
  'pack_id',
  'pack_version',
  'variant',
  'action',
  'procedure',
  'interval_min',
  'interval_max',
  'due_from',
  'due_to',
  'inputs_json',
  'output_json',
] as const

/**
 * Digest of a stored recommendation's immutable columns, or null when there is no such row. The
 * case and evaluation are digested as the texts they were written as, whatever their stored form
 * (plain, or since schema 110 a delta, db/delta.ts): the digest of a row written before a change
 * of the stored form still matches after a migration converted it, and a changed byte of a body
 * (or of the base it is a delta of) is found. The body is read from the file every time.
 */
export function recommendationDigest(db: ReadableDb, id: number, pass?: DecodedPass): string | null {
  const row = cached(
    db,
    `SELECT ${RECOMMENDATION_COLUMNS.join(', ')}, body IS NOT NULL FROM recommendation WHERE id = ?`,
  )
    .raw()
    .get(id) as unknown[] | undefined
  if (!row) return null
  if (row.pop() === 1)
    fromBody(db, 'recommendation', id, row, ['inputs_json', 'output_json'], RECOMMENDATION_COLUMNS, pass)
  return recommendationDigestOf(row)
}

/**
 * The digest of a recommendation row from its values in `RECOMMENDATION_COLUMNS` order (the case
 * and evaluation as the texts written): what `recommendationDigest` reads back, known to the
 * writer without reading the row again.
 */
export function recommendationDigestOf(values: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(values)).digest('hex')
}

/**
 * Puts a delta-stored row's texts in place of its columns. A column is replaced only while it holds
 * what a delta-stored row keeps there (`{}`, or the evaluation's inline keys): a column edited
 * behind the app's back is digested as it is, so the digest no longer matches.
 */
function fromBody(
  db: ReadableDb,
  table: 'recommendation' | 'undo_entry',
  id: number,
  row: unknown[],
  names: readonly string[],
  columns: readonly string[],
  pass?: DecodedPass,
): void {
  let texts: readonly string[]
  let inline: string | null
  try {
    texts = readTexts(db, table, id, pass)!
    inline = names.includes('output_json') ? inlineOfTexts(texts, names.indexOf('output_json')) : null
  } catch {
    // A body that no longer inflates to JSON (it, or the base it is a delta of, was changed): the
    // row is digested as its columns hold it, which cannot match what was audited.
    return
  }
  names.forEach((n, k) => {
    const i = columns.indexOf(n)
    if (row[i] === (n === 'output_json' ? inline : '{}')) row[i] = texts[k]
  })
}

/** The top-level keys of an evaluation kept inline in `output_json` (the worklist reads `$.alerts`). */
export const RECOMMENDATION_INLINE = ['alerts'] as const

/** What `output_json` of a delta-stored recommendation holds: the evaluation's inline keys. */
export function inlineOf(output: string | Record<string, unknown>): string {
  const o = typeof output === 'string' ? (JSON.parse(output) as Record<string, unknown>) : output
  return JSON.stringify(Object.fromEntries(RECOMMENDATION_INLINE.map((k) => [k, o[k] ?? null])))
}

// The inline keys of decoded texts (db/delta.ts hands out the same array while a row is unchanged).
const INLINE = new WeakMap<readonly string[], string>()

function inlineOfTexts(texts: readonly string[], i: number): string {
  let v = INLINE.get(texts)
  if (v === undefined) INLINE.set(texts, (v = inlineOf(texts[i]!)))
  return v
}

// An undo entry keeps a patient's whole state before a change (db/queries/undo.ts): an undo writes
// it back. Its audit rows (kept, then used) carry a digest of the row as stored, so a changed byte
// in a kept state is found at the next check, before an undo could write it back.
const UNDO_COLUMNS = ['patient_id', 'actor', 'at', 'command', 'snapshot_json', 'undone_at'] as const

/** Digest of a stored undo entry, or null when there is no such row (the kept state as written). */
export function undoEntryDigest(db: ReadableDb, id: number, pass?: DecodedPass): string | null {
  const row = cached(db, `SELECT ${UNDO_COLUMNS.join(', ')}, body IS NOT NULL FROM undo_entry WHERE id = ?`)
    .raw()
    .get(id) as unknown[] | undefined
  if (!row) return null
  if (row.pop() === 1) fromBody(db, 'undo_entry', id, row, ['snapshot_json'], UNDO_COLUMNS, pass)
  return createHash('sha256').update(JSON.stringify(row)).digest('hex')
}

/**
 * The audit row of an undo entry of its own: kept (`undo.keep`, the form before schema 145, and
 * still the form when no row of the change carries it) or used (`undo.done`).
 */
export function undoEntryAudit(c: {
  action: 'undo.keep' | 'undo.done'
  id: number
  patientId: number
  command: string
}): AuditEntry {
  const record = { patientId: c.patientId, command: c.command }
  return {
    action: c.action,
    entity: 'undo_entry',
    entityId: c.id,
    before: c.action === 'undo.keep' ? null : { ...record, undone: false },
    after: { ...record, undone: c.action === 'undo.done' },
  }
}

// ---- An undo entry kept with the change it precedes (schema 145) -----------------------------------
//
// Before a change the patient's state is kept as an undo entry (db/queries/undo.ts). Until schema
// 145 each kept entry had an audit row of its own (`undo.keep`: about 270 bytes with its index
// entries, 13 of the 56 rows of a patient with 10 studies). Now the entry's id and digest ride on
// the first audit row about the same patient that the change writes after it, in the same
// transaction (`audit_log.kept_undo`, `kept_digest`), and that row's hash covers them
// (`keptFields`); the row is found by the entry's id (index `audit_kept_undo`). A transaction that
// keeps an entry and writes no such row after it (or keeps another first) still gives it an
// `undo.keep` row of its own, so every kept entry is audited. Old logs' `undo.keep` rows stay as they
// are and are read as before: an entry's last audit row is the newer of its own rows and the row
// that carried it (`lastAuditAbout`).

interface KeptUndo {
  readonly id: number
  readonly patientId: number
  readonly command: string
  readonly digest: string
  readonly actor: Actor
  /** The transaction that kept it (`currentTx`): one that failed leaves it to no other. */
  readonly tx: object | null
}

/** By connection: the undo entry kept in the transaction under way that no row has carried yet. */
const KEPT = new WeakMap<ReadableDb, KeptUndo>()

/** The entry kept in the transaction under way that no row has carried yet, if any. */
function keptNow(db: ReadableDb): KeptUndo | null {
  const k = KEPT.get(db)
  if (k && k.tx !== null && k.tx === currentTx(db)) return k
  KEPT.delete(db)
  return null
}

/**
 * Whether the kept entry is still stored as it was kept. A `writeTx` inside another one is a
 * savepoint: when it fails and its caller carries on, the entry it kept is rolled back while the
 * outer transaction goes on, and no later row may carry it (or give it a row of its own).
 */
function stillStored(db: ReadableDb, k: KeptUndo): boolean {
  return undoEntryDigest(db, k.id) === k.digest
}

/** Gives the kept entry no row has carried its own `undo.keep` row (the form before schema 145). */
function keepOnItsOwn(tx: WritableDb, k: KeptUndo): void {
  if (KEPT.get(tx) === k) KEPT.delete(tx)
  appendAudit(tx, k.actor, { ...undoEntryAudit({ action: 'undo.keep', ...k }), storedDigest: k.digest })
}

/**
 * Audits an undo entry just kept (call right after storing it, before the change it precedes): the
 * change's first audit row about the patient carries its id and digest (schema 145).
 */
export function keepUndoEntry(
  tx: WritableDb,
  actor: Actor,
  c: { id: number; patientId: number; command: string },
): void {
  const digest = undoEntryDigest(tx, c.id)
  if (digest === null) throw new Error(`undo entry ${c.id} is not stored`)
  const k: KeptUndo = { ...c, digest, actor: { user: actor.user, now: actor.now }, tx: currentTx(tx) }
  const earlier = keptNow(tx)
  if (earlier && stillStored(tx, earlier)) keepOnItsOwn(tx, earlier)
  else if (earlier) KEPT.delete(tx)
  if (!auditShape(tx).schema145 || k.tx === null) return keepOnItsOwn(tx, k)
  KEPT.set(tx, k)
  beforeCommit(tx, (t) => {
    if (keptNow(t) !== k) return
    if (stillStored(t, k)) keepOnItsOwn(t, k)
    else KEPT.delete(t)
  })
}

/** The undo entry a stored row carries (schema 145), as its hash covers it; null: none. */
function keptOfRow(r: {
  kept_undo?: number | null
  kept_digest?: Buffer | Uint8Array | null
}): { id: number | null; digest: string | null } | null {
  const id = r.kept_undo ?? null
  const d = r.kept_digest ?? null
  if (id === null && d === null) return null
  return { id, digest: d !== null && d.length === 32 ? Buffer.from(d).toString('hex') : null }
}

/**
 * A digest as an audit row keeps it (`storedDigest`): since schema 120 its 32 bytes in base64url
 * (43 characters; rows before kept the 64 hexadecimal characters, and still match).
 */
export function storedDigestOf(hex: string): string {
  return HEX_HASH.test(hex) ? Buffer.from(hex, 'hex').toString('base64url') : hex
}

/** Whether an audit row's `storedDigest` is the digest `current` (hexadecimal) of the row now. */
export function sameDigest(stored: unknown, current: string | null): boolean {
  return current !== null && (stored === current || stored === storedDigestOf(current))
}

/** The records whose audit rows keep a digest of the stored row instead of the record itself. */
export const DIGESTED = {
  recommendation: recommendationDigest,
  undo_entry: undoEntryDigest,
} as const satisfies Partial<Record<AuditEntity, (db: ReadableDb, id: number) => string | null>>

/**
 * Appends one audit row, chained to the previous one by hash: the only writer of `audit_log`.
 * It takes the `WritableDb` of the transaction that made the change, so neither can exist without
 * the other. Services record a change of a patient, study or follow-up item through
 * `electron/backend/services/audited.ts`, which reads the record before and after and calls this.
 * With a key on the connection the row is keyed (HMAC); the chain's first keyed row is the
 * `audit.keyed` marker (see `startKeyedChain`).
 */
export function appendAudit(db: WritableDb, actor: Actor, entry: AuditEntry): void {
  if (!db.inTransaction)
    throw new Error('appendAudit must run inside the transaction of the change it records')
  const key = KEYS.get(db) ?? null
  const last = cached(db, 'SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
    { id: number; hash: Buffer | string } | undefined
  const prev = last ? hashText(last.hash) : GENESIS
  const id = (last?.id ?? 0) + 1
  const at = actor.now().toISOString()
  let afterValue = entry.after
  if (
    (entry.entity === 'recommendation' || entry.entity === 'undo_entry') &&
    entry.entityId !== null &&
    afterValue &&
    typeof afterValue === 'object'
  ) {
    const digest = entry.storedDigest ?? DIGESTED[entry.entity](db, entry.entityId)
    afterValue = { ...afterValue, storedDigest: digest === null ? null : storedDigestOf(digest) }
  }
  const before = entry.before === undefined || entry.before === null ? null : JSON.stringify(entry.before)
  const after = afterValue === undefined || afterValue === null ? null : JSON.stringify(afterValue)
  const input: HashInput = {
    id,
    prev,
    at,
    actor: actor.user,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    before,
    after,
  }
  if (key && entry.action !== KEYED_MARKER && keyedFrom(db) === null)
    throw new Error('the keyed audit chain has not been started on this log (startKeyedChain)')
  const stored = storedForms(db, input, hintsOf(db))
  const { schema110, schema120, schema145 } = auditShape(db)
  const patientId = auditPatientOf(entry.entity, entry.entityId, entry.before, afterValue)
  // The undo entry kept just before this change rides on its first row about the same patient.
  const pending = keptNow(db)
  const kept = pending && stillStored(db, pending) ? pending : null
  if (pending && !kept) KEPT.delete(db)
  const carried =
    kept && schema145 && entry.action !== KEYED_MARKER && patientId === kept.patientId ? kept : null
  if (carried) KEPT.delete(db)
  const hashed: HashInput = carried ? { ...input, kept: { id: carried.id, digest: carried.digest } } : input
  const hash = key ? keyedHash(key, hashed) : plainHash(hashed)
  const columns = `id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash${
    schema110 ? ', patient_id' : ''
  }${schema145 ? ', kept_undo, kept_digest' : ''}`
  const values = `@id, @at, @actor, @action, @entity, @entityId, @before, @after, @prev, @hash${
    schema110 ? ', @patientId' : ''
  }${schema145 ? ', @keptUndo, @keptDigest' : ''}`
  cached(db, `INSERT INTO audit_log (${columns}) VALUES (${values})`).run({
    ...input,
    ...stored,
    prev: schema110 ? null : prev,
    hash: schema120 ? hashBytes(hash) : hash,
    ...(schema110 ? { patientId } : {}),
    ...(schema145
      ? {
          keptUndo: carried ? carried.id : null,
          keptDigest: carried ? Buffer.from(carried.digest, 'hex') : null,
        }
      : {}),
  })
}

/** The entities whose audit rows' `entity_id` is the patient's id (a read or export: `access`). */
const PATIENT_KEYED_ENTITIES: ReadonlySet<string> = new Set(['patient', 'patient_note', 'access'])

/**
 * The patient an audit row is about, or null: the entity's id for the patient's own record, note
 * and the reads and exports of it, else the `patientId` the record after (or before) holds (a
 * study, treatment, follow-up step, exit, biomarker value, recommendation, undo entry). Stored in
 * `audit_log.patient_id` (schema 110; indexed for a patient's history of changes) because the
 * stored forms of before and after need not hold it. It is an index, not part of the hash: a
 * changed `patient_id` could file an entry under another patient's history, never change what the
 * entry says (the chain covers that).
 */
export function auditPatientOf(
  entity: string,
  entityId: number | null,
  before: unknown,
  after: unknown,
): number | null {
  if (PATIENT_KEYED_ENTITIES.has(entity)) return entityId
  for (const v of [after, before]) {
    const id = v !== null && typeof v === 'object' ? (v as { patientId?: unknown }).patientId : undefined
    if (typeof id === 'number' && Number.isInteger(id)) return id
  }
  return null
}

/** How the log stores a row (`auditShape`). */
interface AuditShape {
  /** `prev_hash` implicitly, `patient_id` kept. */
  readonly schema110: boolean
  /** The hash as its bytes. */
  readonly schema120: boolean
  /** `kept_undo`, `kept_digest`: the undo entry kept before a change, on the change's row. */
  readonly schema145: boolean
}

/**
 * How the log stores a row (a migration before the latest may append rows): `prev_hash`
 * implicitly (schema 110), the hash as bytes (schema 120), a kept undo entry on its change's row
 * (schema 145).
 */
function auditShape(db: ReadableDb): AuditShape {
  // Read once per schema: SQLite's schema cookie moves with every change of any table's shape (a
  // migration on this very connection included), and reading it costs a few microseconds where
  // the table's columns cost tens (once per audit row, so a bulk import paid it thousands of times).
  const cookie = cached(db, 'PRAGMA schema_version').pluck().get() as number
  const known = SHAPES.get(db)
  if (known && known.cookie === cookie) return known.shape
  const r = cached(
    db,
    `SELECT (SELECT "notnull" FROM pragma_table_info('audit_log') WHERE name = 'prev_hash') AS p,
            (SELECT type FROM pragma_table_info('audit_log') WHERE name = 'hash') AS h,
            (SELECT count(*) FROM pragma_table_info('audit_log') WHERE name = 'kept_undo') AS k`,
  ).get() as { p: number; h: string; k: number }
  const shape = { schema110: r.p === 0, schema120: r.h === 'ANY', schema145: r.k === 1 }
  SHAPES.set(db, { cookie, shape })
  return shape
}

const SHAPES = new WeakMap<ReadableDb, { cookie: number; shape: AuditShape }>()

// ---- How before and after are stored (schema 110) -------------------------------------------------
//
// An audit row's before and after are the records as written (`JSON.stringify`); the row's hash is
// over those texts. Most of a row repeats a row before it: a change's `before` is the record as
// its previous audit row left it, its `after` that record with a few fields changed, and a new
// study, follow-up step or recommendation looks much like the patient's previous one. So a text
// may be stored as a reference to an earlier row's after text (`{"$b": id}`: the same text) or as
// the copies and insertions that make it from that text (`{"$b": id, "$p": "...", "$s": "..."}`,
// db/delta.ts; `$p` packs them, `packOps`; rows written before schema 120 hold them as `"$o": [...]`). The base is the previous row about the same record, else the previous row of the
// same action and patient on this connection, else (that chain being AUDIT_DEPTH rows long, or the
// patient's first row of the action) the newest row of the same action, any patient's, whose after
// text is stored whole: a chain of references is at most AUDIT_DEPTH rows, and a chain that reaches
// it goes on from a row stored whole instead of storing one more whole.
//
// The hash stays over the texts as written, whatever their stored form: rows stored before schema
// 110 keep their hashes when migration 110 rewrites them, and a chain verified before verifies
// after. Readers get the texts through `auditTexts` (or the values through `auditValues`), never
// from the columns. `prev_hash` is stored NULL, meaning the row before's hash (what the chain
// requires it to be): the hash of every row is computed with the row before's actual hash, so a
// changed or removed row still breaks the next one.

const DELTA_PREFIX = '{"$b":'
const AUDIT_DEPTH = 8
/** Matches shorter than this are not copied (a record's fields are short). */
const AUDIT_WINDOW = 10

interface StoredDelta {
  $b: number
  /** The copies and insertions as numbers (schema 110). */
  $o?: number[]
  /** The same, packed (`packOps`: since schema 120 the form written). */
  $p?: string
  $s?: string
}

/**
 * The copies and insertions (db/delta.ts `diffText`: per step, how many characters are inserted,
 * where in the base a copy starts, how long it is) as a short text: each number in base 36, a copy's
 * start counted from where the copy before it ended (most are a few characters on), comma-separated.
 */
export function packOps(ops: readonly number[]): string {
  const out: string[] = []
  let end = 0
  for (let k = 0; k + 2 < ops.length; k += 3) {
    const len = ops[k + 2]!
    const from = len > 0 ? ops[k + 1]! - end : 0
    out.push(ops[k]!.toString(36), from.toString(36), len.toString(36))
    if (len > 0) end = ops[k + 1]! + len
  }
  return out.join(',')
}

/** The copies and insertions of a packed text, or null when it is not one `packOps` writes. */
export function unpackOps(packed: string): number[] | null {
  const parts = packed === '' ? [] : packed.split(',')
  if (parts.length % 3 !== 0) return null
  const ops: number[] = []
  let end = 0
  for (let k = 0; k < parts.length; k += 3) {
    const [n, from, len] = [parts[k]!, parts[k + 1]!, parts[k + 2]!].map((x) => parseInt(x, 36)) as [
      number,
      number,
      number,
    ]
    if (![n, from, len].every(Number.isSafeInteger)) return null
    ops.push(n, len > 0 ? end + from : 0, len)
    if (len > 0) end = end + from + len
  }
  return packOps(ops) === packed ? ops : null
}

/** By connection: the previous row of the same action and patient, and the newest row of each action stored whole (bases for a new record's row). */
export type AuditHints = Map<string, number>
const HINTS = new WeakMap<ReadableDb, AuditHints>()

function hintsOf(db: ReadableDb): AuditHints {
  let h = HINTS.get(db)
  if (!h) HINTS.set(db, (h = new Map()))
  if (h.size > 10_000) h.clear()
  return h
}

function hintKey(r: { action: string; entity: string; before: string | null; after: string | null }): string {
  const m = /"patientId":(\d+)/.exec(r.after ?? r.before ?? '')
  return `${r.entity}|${r.action}|${m?.[1] ?? ''}`
}

/** How many references lead from row `id`'s stored after text to a text stored whole. */
function depthOf(db: ReadableDb, id: number): number {
  let stored = cached(db, 'SELECT after_json FROM audit_log WHERE id = ?').pluck().get(id) as string | null
  let depth = 1
  while (stored?.startsWith(DELTA_PREFIX) && depth <= AUDIT_DEPTH) {
    const next = (JSON.parse(stored) as StoredDelta).$b
    stored = cached(db, 'SELECT after_json FROM audit_log WHERE id = ?').pluck().get(next) as string | null
    depth++
  }
  return depth
}

/**
 * The stored forms of a row's before and after texts (`r.id` is the row's id; only rows before it
 * are bases). A text whose stored form would not be clearly shorter is stored as it is; the
 * keyed chain's marker always is (the probe reads it).
 */
export function storedForms(
  db: ReadableDb,
  r: HashInput,
  hints: AuditHints,
): { before: string | null; after: string | null } {
  for (const t of [r.before, r.after])
    if (t?.startsWith(DELTA_PREFIX)) throw new Error('an audit text may not start like a stored reference')
  if (r.action === KEYED_MARKER) return { before: r.before, after: r.after }
  const key = hintKey(r)
  const wholeKey = `${r.entity}|${r.action}`
  const previous = (
    r.entityId === null
      ? cached(
          db,
          'SELECT id FROM audit_log WHERE entity = ? AND entity_id IS NULL AND id < ? ORDER BY id DESC LIMIT 1',
        )
          .pluck()
          .get(r.entity, r.id)
      : cached(
          db,
          'SELECT id FROM audit_log WHERE entity = ? AND entity_id = ? AND id < ? ORDER BY id DESC LIMIT 1',
        )
          .pluck()
          .get(r.entity, r.entityId, r.id)
  ) as number | undefined
  let base: { id: number; text: string } | null = null
  for (const candidate of [previous, hints.get(key), hints.get(wholeKey)]) {
    if (candidate === undefined || candidate >= r.id || depthOf(db, candidate) > AUDIT_DEPTH) continue
    const text = afterTextOf(db, candidate)
    if (text !== null) {
      base = { id: candidate, text }
      break
    }
  }
  if (r.after !== null) hints.set(key, r.id)
  const compact = (text: string | null): string | null => {
    if (text === null || base === null) return text
    if (text === base.text) return `{"$b":${base.id}}`
    const { ops, inserted } = diffText(text, base.text, AUDIT_WINDOW)
    const stored = JSON.stringify({ $b: base.id, $p: packOps(ops), $s: inserted } satisfies StoredDelta)
    return stored.length < text.length * 0.8 ? stored : text
  }
  const after = compact(r.after)
  if (r.after !== null && after === r.after) hints.set(wholeKey, r.id)
  return { before: compact(r.before), after }
}

/** Row `id`'s after text as written, or null (no such row, or no after). */
function afterTextOf(db: ReadableDb, id: number, known?: Map<number, string>): string | null {
  const k = known?.get(id)
  if (k !== undefined) return k
  const stored = cached(db, 'SELECT after_json FROM audit_log WHERE id = ?').pluck().get(id) as
    string | null | undefined
  return stored === undefined ? null : expandStored(db, stored, known, 0)
}

function expandStored(
  db: ReadableDb,
  stored: string | null,
  known: Map<number, string> | undefined,
  depth: number,
): string | null {
  if (stored === null || !stored.startsWith(DELTA_PREFIX)) return stored
  if (depth > AUDIT_DEPTH) throw new Error('an audit row refers to a chain of rows that is too long')
  const d = JSON.parse(stored) as StoredDelta
  // Only the forms `storedForms` writes (and wrote): a stored text with anything else in it was not
  // written by it.
  const canonical =
    d.$p !== undefined
      ? JSON.stringify({ $b: d.$b, $p: d.$p, $s: d.$s } satisfies StoredDelta)
      : d.$o
        ? JSON.stringify({ $b: d.$b, $o: d.$o, $s: d.$s } satisfies StoredDelta)
        : `{"$b":${d.$b}}`
  const ops = d.$p !== undefined ? (typeof d.$p === 'string' ? unpackOps(d.$p) : null) : (d.$o ?? null)
  if (canonical !== stored || (d.$p !== undefined && ops === null))
    throw new Error('an audit row holds a reference in a form the app does not write')
  const k = known?.get(d.$b)
  let base: string | null
  if (k !== undefined) base = k
  else {
    const s = cached(db, 'SELECT after_json FROM audit_log WHERE id = ?').pluck().get(d.$b) as
      string | null | undefined
    base = s === undefined ? null : expandStored(db, s, known, depth + 1)
    // Another row whose text refers to the same base (most of a patient's rows of an action do)
    // takes it from `known` instead of expanding its chain again.
    if (base !== null) known?.set(d.$b, base)
  }
  if (base === null) throw new Error(`an audit row refers to row ${d.$b}, which has no after text`)
  return ops ? applyText(base, ops, d.$s ?? '') : base
}

/**
 * The before and after texts of an audit row as written (what its hash covers), whatever their
 * stored form: the one reader of `before_json`/`after_json` (the audit trail's views use it too).
 * `known`: after texts of rows already read (a walk over the chain), by id.
 */
export function auditTexts(
  db: ReadableDb,
  r: { before_json: string | null; after_json: string | null },
  known?: Map<number, string>,
): { before: string | null; after: string | null } {
  return {
    before: expandStored(db, r.before_json, known, 0),
    after: expandStored(db, r.after_json, known, 0),
  }
}

/** The record before and after of an audit row (null before a creation, after a deletion). */
export function auditValues(
  db: ReadableDb,
  r: { before_json: string | null; after_json: string | null },
): { before: unknown; after: unknown } {
  const t = auditTexts(db, r)
  return {
    before: t.before === null ? null : JSON.parse(t.before),
    after: t.after === null ? null : JSON.parse(t.after),
  }
}

/**
 * Starts the keyed chain on a log whose chain is still plain: appends the `audit.keyed` marker
 * (the first keyed row, recording the key's id). Returns its id. The caller holds the write
 * transaction and has set the key on the connection.
 */
export function startKeyedChain(db: WritableDb, actor: Actor): number {
  const key = KEYS.get(db)
  if (!key) throw new Error('startKeyedChain needs the key set on the connection')
  const existing = keyedFrom(db)
  if (existing !== null) return existing
  appendAudit(db, actor, {
    action: KEYED_MARKER,
    entity: 'log',
    entityId: null,
    before: null,
    after: { keyId: keyIdOf(key), note: 'rows from here on are HMAC-SHA256 with the log key' },
  })
  return keyedFrom(db)!
}

/** An `audit_log` row as stored (before and after in their stored forms: read them with `auditValues`). */
export interface RawAuditRow {
  id: number
  at: string
  actor: string
  action: string
  entity: string
  entity_id: number | null
  before_json: string | null
  after_json: string | null
  /** NULL (schema 110): the hash of the row before (64 zeros for the first row). */
  prev_hash: string | null
  /** Its 32 bytes (schema 120; read it with `hashText`), before that its hexadecimal text. */
  hash: Buffer | string
  /** The undo entry kept before the change (schema 145): its id and digest (32 bytes), or NULL. */
  kept_undo?: number | null
  kept_digest?: Buffer | null
}

/** The hash a row is chained to: its stored `prev_hash`, else the row before's hash. */
function prevHashOf(db: ReadableDb, r: RawAuditRow): string {
  if (r.prev_hash !== null) return r.prev_hash
  if (r.id === 1) return GENESIS
  return hashText(
    (cached(db, 'SELECT hash FROM audit_log WHERE id = ?')
      .pluck()
      .get(r.id - 1) as Buffer | string | undefined) ?? '',
  )
}

function toAuditRow(db: ReadableDb, r: RawAuditRow): AuditRow {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    ...auditValues(db, r),
    prevHash: prevHashOf(db, r),
    hash: hashText(r.hash),
  }
}

export function auditFor(db: ReadableDb, entity: AuditEntity, entityId: number): AuditRow[] {
  const rows = cached(db, 'SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id').all(
    entity,
    entityId,
  ) as RawAuditRow[]
  return rows.map((r) => toAuditRow(db, r))
}

/** What a walk over (part of) the chain found. */
export type ChainCheck =
  | { readonly ok: true; readonly head: AuditHead | null; readonly rows: number }
  | {
      readonly ok: false
      /** The first row that does not match (or the anchor row that is missing). */
      readonly rowId: number
      readonly at: string | null
      readonly problem: 'hash' | 'link' | 'gap' | 'key-missing' | 'start-missing' | 'marker'
    }

export interface ChainOptions {
  /** Start after this verified row instead of the genesis (incremental check). */
  readonly from?: AuditHead | null
  /** Stop after this many rows (a step of a background check); `head` is then where it stopped. */
  readonly limit?: number
  /** The key; defaults to the connection's. */
  readonly key?: Buffer | null
}

/**
 * Walks the chain (from the genesis, or from a verified row) and names the first row that does
 * not match: a changed field, a removed or inserted row (ids are consecutive), a broken link, a
 * keyed row without the key to check it.
 */
export function checkAuditChain(db: ReadableDb, opts: ChainOptions = {}): ChainCheck {
  const key = opts.key === undefined ? (KEYS.get(db) ?? null) : opts.key
  const start = keyedFrom(db)
  let prev = GENESIS
  let prevId = 0
  if (opts.from) {
    const r = cached(db, 'SELECT id, hash, at FROM audit_log WHERE id = ?').get(opts.from.seq) as
      { id: number; hash: Buffer | string; at: string } | undefined
    if (!r || hashText(r.hash) !== opts.from.hash)
      return { ok: false, rowId: opts.from.seq, at: r?.at ?? null, problem: 'start-missing' }
    prev = opts.from.hash
    prevId = r.id
  }
  let rows = 0
  const stmt = cached(db, 'SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?')
  const limit = opts.limit ?? -1
  // After texts of the rows verified in this walk: the bases of the rows after them.
  const known = new Map<number, string>()
  // Read in pages (expanding a row reads other rows, which an open iteration would not allow).
  const page = (): RawAuditRow[] =>
    stmt.all(prevId, limit < 0 ? 1000 : Math.min(1000, limit - rows)) as RawAuditRow[]
  for (let batch = page(); batch.length > 0; batch = limit >= 0 && rows >= limit ? [] : page())
    for (const r of batch) {
      if (r.id !== prevId + 1) return { ok: false, rowId: prevId + 1, at: r.at, problem: 'gap' }
      // A NULL prev_hash (schema 110) means "the row before's": the hash below is computed with it.
      if (r.prev_hash !== null && r.prev_hash !== prev)
        return { ok: false, rowId: r.id, at: r.at, problem: 'link' }
      let texts: { before: string | null; after: string | null }
      try {
        texts = auditTexts(db, r, known)
      } catch {
        return { ok: false, rowId: r.id, at: r.at, problem: 'hash' }
      }
      const input: HashInput = {
        id: r.id,
        prev,
        at: r.at,
        actor: r.actor,
        action: r.action,
        entity: r.entity,
        entityId: r.entity_id,
        before: texts.before,
        after: texts.after,
        kept: keptOfRow(r),
      }
      const keyed = start !== null && r.id >= start
      if (keyed && !key) return { ok: false, rowId: r.id, at: r.at, problem: 'key-missing' }
      if (keyed && r.id === start) {
        const marker = r.after_json ? (JSON.parse(r.after_json) as { keyId?: unknown }) : null
        if (!marker || marker.keyId !== keyIdOf(key!))
          return { ok: false, rowId: r.id, at: r.at, problem: 'marker' }
      }
      const expected = keyed ? keyedHash(key!, input) : plainHash(input)
      const hash = hashText(r.hash)
      if (hash !== expected) return { ok: false, rowId: r.id, at: r.at, problem: 'hash' }
      if (texts.after !== null) {
        if (known.size >= 20_000) known.clear()
        known.set(r.id, texts.after)
      }
      prev = hash
      prevId = r.id
      rows++
    }
  return { ok: true, head: prevId === 0 ? null : { seq: prevId, hash: prev }, rows }
}

/** Walks the whole chain; returns the id of the first row that does not match, or null. */
export function verifyAuditChain(db: ReadableDb, key?: Buffer | null): number | null {
  const r = checkAuditChain(db, key === undefined ? {} : { key })
  return r.ok ? null : r.rowId
}

/**
 * The newest audit row about a record (entity and id), as stored. For an undo entry, the newer of
 * its own rows and the row of the change that carried it (schema 145), whose after is then
 * `{ patientId, storedDigest }` (the digest in hexadecimal; null when the stored one is not 32 bytes).
 */
export function lastAuditAbout(
  db: ReadableDb,
  entity: AuditEntity,
  entityId: number | null,
  /** After texts expanded before in the same pass (the full check), by row id; filled as it goes. */
  known?: Map<number, string>,
): { id: number; at: string; action: string; after: unknown } | null {
  const r = (
    entityId === null
      ? cached(
          db,
          'SELECT id, at, action, after_json FROM audit_log WHERE entity = ? AND entity_id IS NULL ORDER BY id DESC LIMIT 1',
        ).get(entity)
      : cached(
          db,
          'SELECT id, at, action, after_json FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 1',
        ).get(entity, entityId)
  ) as { id: number; at: string; action: string; after_json: string | null } | undefined
  if (entity === 'undo_entry' && entityId !== null && auditShape(db).schema145) {
    const k = cached(
      db,
      `SELECT id, at, action, entity, entity_id, before_json, after_json, kept_undo, kept_digest
         FROM audit_log WHERE kept_undo = ? ORDER BY id DESC LIMIT 1`,
    ).get(entityId) as (RawAuditRow & { kept_digest: Buffer | null }) | undefined
    if (k && (!r || k.id > r.id)) {
      // The row that carried the entry (schema 145): the patient as its hashed texts name them.
      const v = auditValues(db, k)
      return {
        id: k.id,
        at: k.at,
        action: k.action,
        after: {
          patientId: auditPatientOf(k.entity, k.entity_id, v.before, v.after),
          storedDigest: keptOfRow(k)?.digest ?? null,
        },
      }
    }
  }
  if (!r) return null
  const after = expandStored(db, r.after_json, known, 0)
  return { id: r.id, at: r.at, action: r.action, after: after === null ? null : JSON.parse(after) }
}

/**
 * Whether `current` still holds what the audit row recorded. Fields the audit row does not have
 * (added to the record by a later migration) are not compared; lists must match element by
 * element. Returns the path of the first difference, or null.
 */
export function differsFromAudit(audited: unknown, current: unknown, at = ''): string | null {
  if (audited === null || typeof audited !== 'object') {
    return Object.is(audited, current) ? null : at || '(value)'
  }
  if (current === null || typeof current !== 'object') return at || '(record)'
  if (Array.isArray(audited)) {
    if (!Array.isArray(current) || current.length !== audited.length) return at || '(list)'
    for (let i = 0; i < audited.length; i++) {
      const d = differsFromAudit(audited[i], current[i], `${at}${at ? '.' : ''}${i}`)
      if (d) return d
    }
    return null
  }
  for (const [k, v] of Object.entries(audited as Record<string, unknown>)) {
    const d = differsFromAudit(v, (current as Record<string, unknown>)[k], `${at}${at ? '.' : ''}${k}`)
    if (d) return d
  }
  return null
}
