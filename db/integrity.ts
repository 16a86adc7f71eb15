import { getPack } from './queries/packs'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { isPlainSqlite, openDb, shredFile, type LogKey } from './cipher'
import {
  auditHead,
  checkAuditChain,
  differsFromAudit,
  keyedFrom,
  keyIdOf,
  DIGESTED,
  lastAuditAbout,
  sameDigest,
  type AuditEntity,
  type AuditHead,
} from './audit'
import { anchorSigned, PRIVATE_DIR, readAnchor, readKey, type Anchor } from './integrity-files'
import { scanWalFile } from './integrity-wal'
import type { DecodedPass } from './delta'
import { LATEST_SCHEMA_VERSION } from './migrations'
import { firstRowOffRun, firstRunOutOfLine } from './migrations/0155-audit-actor-runs'
import type { Migration } from './migrations/types'
import { getBiomarker, getNote } from './queries/biomarkers'
import { getItem } from './queries/followups'
import { getExit } from './queries/lifecycle'
import { getPatient } from './queries/patients'
import { readSetting } from './queries/settings'
import { PATIENT_FROM, PATIENT_SOURCE, prefixRowsSql, registerSearchFunctions } from './queries/search'
import { getStudy } from './queries/studies'
import { NEEDS_ATTENTION } from './queries/worklist'
import type { ReadableDb } from './tx'

// What is checked before a log may be written, and after (docs/data.md, "Integrity").
//
// The probe decides on a COPY of the log and its -wal (in a private temporary folder), so nothing
// the checks do (SQLite's WAL recovery, a -shm, a checkpoint on close) can touch the file itself:
// a refused log and its -wal/-shm are byte-identical afterwards. Only a log that passes is then
// opened for writing. The slower checks (full integrity_check, the whole audit chain, every record
// against its last audit row, foreign keys) run after open in small steps that yield to the event
// loop, and before each backup on the backup's copy.

/** What a check found, each with its own code. */
export type ProblemCode =
  /** Not a SQLite file at all. */
  | 'NOT_DATABASE'
  /** Written by a newer app version. */
  | 'FROM_FUTURE'
  /** SQLite's own checks (quick_check / integrity_check / foreign keys) fail. */
  | 'CORRUPT'
  /** The write-ahead log holds committed changes SQLite would silently drop. */
  | 'WAL_DAMAGED'
  /** Tables, indexes or triggers differ from what the migrations made (e.g. a dropped trigger). */
  | 'SCHEMA_CHANGED'
  /** An audit row was changed, removed or inserted. */
  | 'AUDIT_BROKEN'
  /** The log is encrypted and the key given does not open it (another log's key file?). */
  | 'KEY_WRONG'
  /** The log ends before its anchor: commits were lost or an older copy was put in its place. */
  | 'ROLLED_BACK'
  /** The anchor file is missing, unreadable or not signed by the log's key. */
  | 'ANCHOR_PROBLEM'
  /** The key file is missing, unreadable or does not belong to this log. */
  | 'KEY_PROBLEM'
  /** A record differs from its last audit row (changed, added or deleted behind the app's back). */
  | 'RECORD_CHANGED'
  /** The log file is gone while its anchor says it held data. */
  | 'LOG_MISSING'

export interface Problem {
  readonly code: ProblemCode
  /** What was found, for the person at the screen (no patient data). */
  readonly message: string
  /** The instant from which the log cannot be trusted (the last good audit row), when known. */
  readonly since: string | null
}

/** Whether a problem means "cannot read" (refuse) or "can read, must not write" (read-only). */
export function refuses(p: Problem): boolean {
  return (
    p.code === 'NOT_DATABASE' ||
    p.code === 'FROM_FUTURE' ||
    p.code === 'LOG_MISSING' ||
    p.code === 'KEY_WRONG'
  )
}

export interface ProbeResult {
  /** new: no file yet; ok: may be opened for writing; read-only / refused: see problems. */
  readonly verdict: 'new' | 'ok' | 'read-only' | 'refused'
  readonly problems: readonly Problem[]
  /** user_version of the file (null when unreadable or new). */
  readonly version: number | null
  readonly head: AuditHead | null
  /** The checked copy (kept for a read-only view when the verdict is read-only; else removed). */
  readonly copy: string | null
  /** The key, when the key file holds one. */
  readonly key: Buffer | null
  readonly anchor: Anchor | null
  /** The chain is keyed from this row (null: still plain). */
  readonly keyedFrom: number | null
}

const HEADER = Buffer.from('SQLite format 3\0', 'latin1')

/** The checked views whose log file is a hard link to the log itself (never overwritten). */
const LINKED = new Set<string>()

/**
 * Removes a probe view's or copy's folder. A copy of a plain log is overwritten first (it holds
 * patient data); a view's hard link to the log is only unlinked (overwriting it would overwrite the
 * log), its copied -wal is overwritten.
 */
export function discardCopy(copy: string | null): void {
  if (!copy) return
  const linked = LINKED.delete(copy)
  if (isPlainSqlite(copy))
    for (const f of [...(linked ? [] : [copy]), `${copy}-wal`, `${copy}-shm`, `${copy}-journal`]) {
      try {
        shredFile(f)
      } catch {
        // Removed below all the same.
      }
    }
  fs.rmSync(path.dirname(copy), { recursive: true, force: true })
}

/** A private temporary folder holding a copy of `file` and its -wal (never the -shm). */
export function copyForCheck(file: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-check-'))
  fs.chmodSync(dir, PRIVATE_DIR)
  const copy = path.join(dir, 'log.sqlite')
  fs.copyFileSync(file, copy)
  if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${copy}-wal`)
  return copy
}

const VIEW_PREFIX = '.probe-'

/**
 * Up to this size (log and -wal), SQLite's quick_check of every page runs before open too (well
 * under a second): a small damaged log is refused before anything opens it for writing. A larger
 * one is checked page by page in the background after open (db/background.ts).
 */
export const QUICK_CHECK_AT_OPEN_BYTES = 16 * 1024 * 1024

function walSize(file: string): number {
  try {
    return fs.statSync(`${file}-wal`).size
  } catch {
    return 0
  }
}

/**
 * A view of `file` for the checks before open that costs nothing however large the log: a private
 * folder beside the log holding a hard link to the log (the same bytes, opened read-only only) and
 * a copy of its -wal (small: checkpoints keep it so), so SQLite's WAL recovery and its -shm happen
 * in the folder, never beside the log. Where the file system has no hard links (FAT), the log is
 * copied as before.
 */
export function viewForCheck(file: string): string {
  const dir = fs.mkdtempSync(`${file}${VIEW_PREFIX}`)
  try {
    fs.chmodSync(dir, PRIVATE_DIR)
    const view = path.join(dir, 'log.sqlite')
    try {
      fs.linkSync(file, view)
      LINKED.add(view)
    } catch {
      fs.copyFileSync(file, view)
    }
    if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${view}-wal`)
    return view
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw e
  }
}

/** Views a crash left beside the log (their -wal copy overwritten when plain; the link only unlinked). */
export function removeStaleViews(file: string): void {
  const base = `${path.basename(file)}${VIEW_PREFIX}`
  let names: string[]
  try {
    names = fs.readdirSync(path.dirname(file))
  } catch {
    return
  }
  for (const n of names.filter((f) => f.startsWith(base))) {
    const view = path.join(path.dirname(file), n, 'log.sqlite')
    for (const f of [`${view}-wal`, `${view}-shm`])
      if (isPlainSqlite(view))
        try {
          shredFile(f)
        } catch {
          // Removed below all the same.
        }
    fs.rmSync(path.dirname(view), { recursive: true, force: true })
  }
}

/**
 * Decides whether `file` may be opened for writing, without opening it, in a time that does not
 * grow with the file: header, schema version, schema, audit chain from the anchor's row to the head,
 * anchor, key and the WAL's frames, read through a view of the file opened read-only
 * (`viewForCheck`); SQLite's quick_check too when the file is small (`quickCheckUpTo`). SQLite's
 * page checks of a larger file (integrity_check) and the whole chain run after open, in the
 * background (db/background.ts).
 */
export function probeLog(
  file: string,
  migrations: readonly Migration[],
  now: Date = new Date(),
  /** The log's encryption key (null: a plain log, tests only). */
  cipherKey: LogKey | null = null,
  /** SQLite's quick_check runs before open when the log and its -wal are at most this size. */
  quickCheckUpTo: number = QUICK_CHECK_AT_OPEN_BYTES,
): ProbeResult {
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0
  const anchorRead = readAnchor(file)
  const keyRead = readKey(file)
  const anchor = anchorRead.kind === 'present' ? anchorRead.anchor : null
  const key = keyRead.kind === 'present' ? keyRead.key : null
  const base = { anchor, key, keyedFrom: null, head: null, version: null, copy: null }
  const problems: Problem[] = []

  if (!fs.existsSync(file)) {
    if (anchor?.head)
      return {
        ...base,
        verdict: 'refused',
        problems: [
          {
            code: 'LOG_MISSING',
            message:
              `The follow-up log ${file} is missing, but its anchor shows it held ${anchor.head.seq} audited ` +
              `changes on ${anchor.at}. It may have been moved or deleted: put it back, or restore a backup.`,
            since: anchor.at,
          },
        ],
      }
    return { ...base, verdict: 'new', problems: [] }
  }

  const size = fs.statSync(file).size
  if (size > 0 && !cipherKey) {
    const head = Buffer.alloc(100)
    const fd = fs.openSync(file, 'r')
    let got = 0
    try {
      got = fs.readSync(fd, head, 0, 100, 0)
    } finally {
      fs.closeSync(fd)
    }
    if (got < 100 || !head.subarray(0, 16).equals(HEADER)) {
      return {
        ...base,
        verdict: 'refused',
        problems: [
          {
            code: 'NOT_DATABASE',
            message: `${file} is not a pNET Follow-up log (not a SQLite database, an encrypted log opened without its key, or its first page is damaged). It has not been changed.`,
            since: null,
          },
        ],
      }
    }
  }

  // The WAL as it is on disk: committed frames SQLite would drop after a damaged one.
  if (fs.existsSync(`${file}-wal`)) {
    const wal = scanWalFile(`${file}-wal`)
    if (wal.problem)
      problems.push({
        code: 'WAL_DAMAGED',
        message: `The follow-up log's write-ahead file (${path.basename(file)}-wal) is damaged: ${wal.problem}. Changes stored after the damage would be lost if it were opened normally.`,
        since: null,
      })
  }

  const copy = viewForCheck(file)
  let db: Database.Database | null = null
  let version: number | null = null
  let head: AuditHead | null = null
  let kf: number | null = null
  try {
    db = openDb(copy, isPlainSqlite(copy) ? null : cipherKey, { readonly: true, fileMustExist: true })
    try {
      version = db.pragma('user_version', { simple: true }) as number
    } catch (e) {
      discardAfter(db, copy)
      return {
        ...base,
        verdict: 'refused',
        problems: [...problems, unreadable(file, e)],
      }
    }
    if (version > latest) {
      discardAfter(db, copy)
      return {
        ...base,
        version,
        verdict: 'refused',
        problems: [
          {
            code: 'FROM_FUTURE',
            message:
              `The follow-up log at ${file} was written by a newer version of pNET Follow-up (schema ${version}; ` +
              `this version knows up to ${latest}). It has not been changed. Install the newer version to open it.`,
            since: null,
          },
        ],
      }
    }
    if (size + walSize(file) <= quickCheckUpTo) {
      const quick = safely(() =>
        (db!.pragma('quick_check') as Array<{ quick_check: string }>).map((r) => r.quick_check),
      )
      if (!quick.ok || quick.value.join() !== 'ok')
        problems.push({
          code: 'CORRUPT',
          message: `The follow-up log at ${file} failed its integrity check (${quick.ok ? first(quick.value) : quick.error}). It has not been changed.`,
          since: null,
        })
    }
    if (version > 0) {
      const schema = safely(() => schemaDifference(db!, migrations, version!))
      if (!schema.ok || schema.value)
        problems.push({
          code: 'SCHEMA_CHANGED',
          message: `The follow-up log's structure was changed outside the app (${schema.ok ? schema.value : schema.error}).`,
          since: null,
        })
    }
    if (version >= 10) {
      const found = safely(() => checkChainAndAnchor(db!, file, anchorRead, keyRead, now))
      if (found.ok) {
        problems.push(...found.value.problems)
        head = found.value.head
        kf = found.value.keyedFrom
      } else
        problems.push({
          code: 'CORRUPT',
          message: `The follow-up log's audit trail cannot be read (${found.error}).`,
          since: null,
        })
    } else if (anchor?.head) {
      problems.push(rolledBack(anchor, null))
    }
  } catch (e) {
    if (db?.open) db.close()
    discardCopy(copy)
    return { ...base, verdict: 'refused', problems: [...problems, unreadable(file, e)] }
  }
  db.close()
  const verdict = problems.length === 0 ? 'ok' : problems.some(refuses) ? 'refused' : 'read-only'
  if (verdict !== 'read-only') discardCopy(copy)
  return {
    verdict,
    problems,
    version,
    head,
    copy: verdict === 'read-only' ? copy : null,
    key,
    anchor,
    keyedFrom: kf,
  }
}

function discardAfter(db: Database.Database, copy: string): void {
  if (db.open) db.close()
  discardCopy(copy)
}

function first(lines: readonly string[]): string {
  return lines.length > 1 ? `${lines[0]} (and ${lines.length - 1} more)` : (lines[0] ?? '')
}

function unreadable(file: string, e: unknown): Problem {
  const code = (e as { code?: string }).code
  if (code === 'KEY_WRONG')
    return {
      code: 'KEY_WRONG',
      message: `The key does not open the follow-up log at ${file} (its key file belongs to another log, or the file is not a pNET Follow-up log). It has not been changed.`,
      since: null,
    }
  if (code === 'SQLITE_NOTADB')
    return {
      code: 'NOT_DATABASE',
      message: `${file} is not a pNET Follow-up log (not a SQLite database). It has not been changed.`,
      since: null,
    }
  return {
    code: 'CORRUPT',
    message: `The follow-up log at ${file} is damaged and cannot be read (${code ?? String(e)}). It has not been changed.`,
    since: null,
  }
}

type Safe<T> = { ok: true; value: T } | { ok: false; error: string }
function safely<T>(fn: () => T): Safe<T> {
  try {
    return { ok: true, value: fn() }
  } catch (e) {
    const code = (e as { code?: string }).code
    return { ok: false, error: code ?? (e instanceof Error ? e.message : String(e)) }
  }
}

// ---- Schema ------------------------------------------------------------------------------------

const expectedSchemas = new WeakMap<readonly Migration[], Map<number, Map<string, string>>>()

type SchemaRow = { type: string; name: string; tbl_name: string; sql: string | null }

function schemaOf(db: ReadableDb): Map<string, string> {
  const rows = db
    .prepare(
      "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name",
    )
    .all() as SchemaRow[]
  return new Map(
    rows.map((r) => [`${r.type} ${r.name}`, `${r.tbl_name}: ${(r.sql ?? '').replace(/\s+/g, ' ').trim()}`]),
  )
}

/** The schema the migrations up to `version` make, from a fresh in-memory database. */
export function expectedSchema(migrations: readonly Migration[], version: number): Map<string, string> {
  let byVersion = expectedSchemas.get(migrations)
  if (!byVersion) {
    byVersion = new Map()
    expectedSchemas.set(migrations, byVersion)
  }
  const cached = byVersion.get(version)
  if (cached) return cached
  const mem = new Database(':memory:')
  try {
    registerSearchFunctions(mem)
    for (const m of migrations) if (m.version <= version) m.up(mem)
    const s = schemaOf(mem)
    byVersion.set(version, s)
    return s
  } finally {
    mem.close()
  }
}

/** Names the first difference between the file's schema and the expected one, or null. */
export function schemaDifference(
  db: ReadableDb,
  migrations: readonly Migration[],
  version: number,
): string | null {
  const want = expectedSchema(migrations, version)
  const got = schemaOf(db)
  for (const [name, sql] of want) {
    if (!got.has(name)) return `${name} is missing`
    if (got.get(name) !== sql) return `${name} was altered`
  }
  for (const name of got.keys()) if (!want.has(name)) return `${name} was added`
  return null
}

// ---- Chain, key and anchor ---------------------------------------------------------------------

function rolledBack(anchor: Anchor, head: AuditHead | null): Problem {
  const missing = anchor.head ? anchor.head.seq - (head?.seq ?? 0) : 0
  return {
    code: 'ROLLED_BACK',
    message:
      `The follow-up log ends at audit row ${head?.seq ?? 0}, but its anchor shows ${anchor.head?.seq ?? 0} ` +
      `(last written ${anchor.at}): ${missing > 0 ? `the last ${missing} recorded changes are missing` : 'its history was replaced'} ` +
      '(lost commits, or an older copy put in its place).',
    since: anchor.at,
  }
}

function checkChainAndAnchor(
  db: Database.Database,
  file: string,
  anchorRead: ReturnType<typeof readAnchor>,
  keyRead: ReturnType<typeof readKey>,
  now: Date,
): { problems: Problem[]; head: AuditHead | null; keyedFrom: number | null } {
  void now
  const problems: Problem[] = []
  const head = auditHead(db)
  const kf = keyedFrom(db)
  const key = keyRead.kind === 'present' ? keyRead.key : null
  const anchor = anchorRead.kind === 'present' ? anchorRead.anchor : null
  const lastAt = (): string | null =>
    head
      ? ((db.prepare('SELECT at FROM audit_log WHERE id = ?').pluck().get(head.seq) as string) ?? null)
      : null

  if (keyRead.kind === 'damaged')
    problems.push({
      code: 'KEY_PROBLEM',
      message: `The audit key file is damaged (${keyRead.detail}).`,
      since: null,
    })
  if (kf !== null && keyRead.kind === 'missing')
    problems.push({
      code: 'KEY_PROBLEM',
      message: `The audit key file (${path.basename(file)}.key) is missing: the audit trail of this log cannot be checked. Put the key file back beside the log (it is not in the backups).`,
      since: null,
    })
  if (anchorRead.kind === 'damaged')
    problems.push({
      code: 'ANCHOR_PROBLEM',
      message: `The anchor file is damaged (${anchorRead.detail}).`,
      since: null,
    })
  if (anchorRead.kind === 'missing' && kf !== null)
    problems.push({
      code: 'ANCHOR_PROBLEM',
      message: `The anchor file (${path.basename(file)}.anchor) is missing, so lost or removed changes cannot be ruled out.`,
      since: lastAt(),
    })
  if (anchor && !anchorSigned(anchor, key))
    problems.push({
      code: 'ANCHOR_PROBLEM',
      message: 'The anchor file was not written by this installation (its signature does not match the key).',
      since: anchor.at,
    })
  if (key && kf !== null) {
    const marker = db.prepare('SELECT after_json FROM audit_log WHERE id = ?').pluck().get(kf) as
      string | null
    const keyId = marker ? (JSON.parse(marker) as { keyId?: unknown }).keyId : null
    if (keyId !== keyIdOf(key))
      problems.push({
        code: 'KEY_PROBLEM',
        message:
          'The audit key file beside the log belongs to another log: the audit trail cannot be checked.',
        since: null,
      })
  }
  if (anchor) {
    if (anchor.keyedFrom !== null && kf !== anchor.keyedFrom)
      problems.push({
        code: 'AUDIT_BROKEN',
        message: `The audit trail was rewritten: it should be keyed from row ${anchor.keyedFrom} but is ${kf === null ? 'not keyed' : `keyed from row ${kf}`}.`,
        since: anchor.at,
      })
    if (anchor.head && (!head || head.seq < anchor.head.seq)) problems.push(rolledBack(anchor, head))
  }
  if (problems.some((p) => p.code === 'KEY_PROBLEM')) return { problems, head, keyedFrom: kf }

  // The chain from the anchor's row to the head (all of it when there is no anchor yet).
  const from = anchor?.head && head && head.seq >= anchor.head.seq ? anchor.head : null
  const chain = checkAuditChain(db, { from, key })
  if (!chain.ok) {
    if (chain.problem === 'start-missing')
      problems.push({
        code: 'AUDIT_BROKEN',
        message: `Audit row ${chain.rowId}, the last one the app wrote (${anchor?.at ?? 'earlier'}), was changed or replaced: the history was rewritten or an older copy put in place.`,
        since: anchor?.at ?? null,
      })
    else problems.push(chainProblem(chain.rowId, chain.problem, chain.at))
  }
  return { problems, head, keyedFrom: kf }
}

function chainProblem(rowId: number, problem: string, at: string | null): Problem {
  const what: Record<string, string> = {
    hash: 'was changed after it was written',
    link: 'does not follow the row before it (rows were removed, inserted or re-hashed)',
    gap: 'is missing (rows were removed)',
    'key-missing': 'cannot be checked without the key file',
    marker: 'starts the keyed chain with another key',
    'start-missing': 'was changed or replaced',
  }
  return {
    code: 'AUDIT_BROKEN',
    message: `Audit row ${rowId} ${what[problem] ?? 'does not match'}.`,
    since: at,
  }
}

// ---- The full check (after open, stepped; before each backup, at once) --------------------------

/**
 * The slower checks, as steps: each returns the problems it found; the background worker runs
 * them on its own connection, a backup on its copy. Steps: SQLite's integrity_check,
 * foreign keys, the whole audit chain in batches, and every audited record against its last audit
 * row (patients, studies, follow-up items, recommendations' stored content, settings).
 */
export function* fullCheckSteps(
  db: ReadableDb,
  opts: { batch?: number; pages?: boolean } = {},
): Generator<Problem[], void> {
  const batch = opts.batch ?? 500
  // SQLite's own check of every page (tables, indexes, free list): one statement, in the worker
  // (db/background.ts) or on a backup's copy. Skipped (`pages: false`) where it already ran.
  if (opts.pages !== false) {
    const r = safely(() =>
      (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((x) => x.integrity_check),
    )
    yield !r.ok || r.value.join() !== 'ok'
      ? [
          {
            code: 'CORRUPT',
            message: `The follow-up log failed its full integrity check (${r.ok ? first(r.value) : r.error}).`,
            since: null,
          },
        ]
      : []
  }
  const fk = safely(() => db.pragma('foreign_key_check') as unknown[])
  if (!fk.ok || fk.value.length > 0)
    yield [
      {
        code: 'CORRUPT',
        message: `The follow-up log has ${fk.ok ? fk.value.length : 'unreadable'} broken references between records.`,
        since: null,
      },
    ]
  let from: AuditHead | null = null
  for (;;) {
    const r = safely(() => checkAuditChain(db, { from, limit: batch * 4 }))
    if (!r.ok) {
      yield [{ code: 'CORRUPT', message: `The audit trail cannot be read (${r.error}).`, since: null }]
      break
    }
    if (!r.value.ok) {
      yield [chainProblem(r.value.rowId, r.value.problem, r.value.at)]
      break
    }
    yield []
    if (r.value.rows === 0) break
    from = r.value.head
  }
  // Records are read with this version's queries: only a log at the latest schema (a log about to
  // be migrated, e.g. its pre-migration copy, is checked by SQLite and its chain only).
  if (db.pragma('user_version', { simple: true }) !== LATEST_SCHEMA_VERSION) return
  for (const entity of Object.keys(TABLE) as (keyof typeof TABLE)[]) {
    let after = 0
    const pass: CheckPass = { texts: new Map(), audit: new Map() }
    for (;;) {
      const r = safely(() => recordsAgainstAudit(db, entity, after, batch, pass))
      if (!r.ok) {
        yield [
          { code: 'CORRUPT', message: `The ${entity} records cannot be read (${r.error}).`, since: null },
        ]
        break
      }
      yield r.value.problems
      if (r.value.problems.length > 0 || r.value.last === null) break
      after = r.value.last
    }
  }
  const chainOfRecs = safely(() => supersessionProblems(db))
  yield chainOfRecs.ok
    ? chainOfRecs.value
    : [
        {
          code: 'CORRUPT',
          message: `The recommendations cannot be read (${chainOfRecs.error}).`,
          since: null,
        },
      ]
  // The tables the worklist derives from the records, kept by triggers: recounted and rebuilt.
  const tally = safely(() => tallyProblems(db))
  yield tally.ok
    ? tally.value
    : [{ code: 'CORRUPT', message: `The worklist's counts cannot be read (${tally.error}).`, since: null }]
  for (let after = 0, rows = 0; ;) {
    const r = safely(() => prefixProblems(db, after, batch * 4, rows))
    if (!r.ok) {
      yield [{ code: 'CORRUPT', message: `The type-ahead index cannot be read (${r.error}).`, since: null }]
      break
    }
    yield r.value.problems
    if (r.value.problems.length > 0 || r.value.last === null) break
    after = r.value.last
    rows += r.value.rows
  }
  // The audit trail's runs by person (migration 155): in line, then every row in its run, a batch
  // of ids at a time.
  const runs = safely(() => ({
    outOfLine: firstRunOutOfLine(db),
    last: db.prepare('SELECT coalesce(max(id), 0) FROM audit_log').pluck().get() as number,
  }))
  if (!runs.ok || runs.value.outOfLine !== null)
    yield [actorRunProblem(runs.ok ? `its run from audit row ${runs.value.outOfLine}` : `(${runs.error})`)]
  else
    for (let after = 0, step = batch * 20; after < runs.value.last; after += step) {
      const off = safely(() => firstRowOffRun(db, after, after + step))
      if (!off.ok || off.value !== null) {
        yield [actorRunProblem(off.ok ? `audit row ${off.value}` : `(${off.error})`)]
        break
      }
      yield []
    }
  const s = safely(() => settingsAgainstAudit(db))
  yield s.ok
    ? s.value
    : [{ code: 'CORRUPT', message: `The settings cannot be read (${s.error}).`, since: null }]
}

/** Runs every step at once; returns what was found (empty: the log passed). */
export function fullCheck(db: ReadableDb, opts: { pages?: boolean } = {}): Problem[] {
  const found: Problem[] = []
  for (const p of fullCheckSteps(db, { batch: 2000, ...opts })) found.push(...p)
  return found
}

/**
 * The records checked against their last audit row, each with the query listing its ids. A
 * treatment is checked as part of its patient's record (PatientRecord.treatments): a facts edit
 * rewrites the patient's treatments whole.
 */
const TABLE = {
  patient: 'SELECT id FROM patient',
  study: 'SELECT id FROM study',
  followup_item: 'SELECT id FROM followup_item',
  surveillance_exit: 'SELECT id FROM surveillance_exit',
  biomarker: 'SELECT id FROM biomarker',
  patient_note: 'SELECT patient_id AS id FROM patient_note',
  recommendation: 'SELECT id FROM recommendation',
  undo_entry: 'SELECT id FROM undo_entry',
  guideline_pack: 'SELECT id FROM guideline_pack',
} as const satisfies Partial<Record<AuditEntity, string>>

/** The records a change is guarded on before it builds on them (an undo entry by its digest). */
export type CheckedEntity = Exclude<keyof typeof TABLE, 'recommendation'>

const LABEL: Record<keyof typeof TABLE, string> = {
  patient: 'Patient record',
  study: 'Study',
  followup_item: 'Follow-up item',
  surveillance_exit: 'Surveillance exit',
  biomarker: 'Biomarker value',
  patient_note: 'Patient note',
  recommendation: 'Recommendation',
  undo_entry: 'Undo entry',
  guideline_pack: 'Guideline pack',
}

function readRecord(db: ReadableDb, entity: keyof typeof TABLE, id: number, pass?: DecodedPass): unknown {
  switch (entity) {
    case 'patient':
      return getPatient(db, id)
    case 'study':
      return getStudy(db, id)
    case 'followup_item':
      return getItem(db, id)
    case 'surveillance_exit':
      return getExit(db, id)
    case 'biomarker':
      return getBiomarker(db, id)
    case 'patient_note':
      return getNote(db, id)
    case 'recommendation':
    case 'undo_entry':
      // The stored body read from the file (db/delta.ts decodes anew any bytes it did not decode).
      return DIGESTED[entity](db, id, pass)
    case 'guideline_pack':
      return getPack(db, id)
  }
}

/** Whether the patient a (deleted) record belonged to was deleted with an audit row. */
function patientDeleted(db: ReadableDb, audited: unknown): boolean {
  const pid = (audited as { patientId?: unknown } | null)?.patientId
  if (typeof pid !== 'number') return false
  const last = lastAuditAbout(db, 'patient', pid)
  return last !== null && last.after === null
}

/**
 * Every record of `entity` with id > `after` (up to `limit` ids, from the table and the audit log)
 * against its newest audit row: present with the audited content, or absent after an audited
 * deletion (its own, or its patient's).
 */
/**
 * What one pass over a table's records has read already: the texts of delta-stored rows (a row's
 * base is decoded once, not again for every row after it in its chain) and audit rows' after texts
 * (a base most of a patient's rows refer to is expanded once). Only for this pass: the next check
 * reads everything from the file again.
 */
interface CheckPass {
  texts: DecodedPass
  audit: Map<number, string>
}

function recordsAgainstAudit(
  db: ReadableDb,
  entity: keyof typeof TABLE,
  after: number,
  limit: number,
  pass: CheckPass,
): { problems: Problem[]; last: number | null } {
  // An undo entry kept since schema 145 is named by the row of the change that carried it (this
  // step runs on a log at the latest schema only).
  const carried =
    entity === 'undo_entry' ? ' UNION SELECT kept_undo AS id FROM audit_log WHERE kept_undo > @after' : ''
  const ids = db
    .prepare(
      `SELECT id FROM (SELECT id FROM (${TABLE[entity]}) WHERE id > @after
         UNION SELECT entity_id AS id FROM audit_log WHERE entity = @entity AND entity_id > @after${carried})
       ORDER BY id LIMIT @limit`,
    )
    .pluck()
    .all({ after, entity, limit }) as number[]
  const problems: Problem[] = []
  for (const id of ids) {
    if (pass.audit.size >= 20_000) pass.audit.clear()
    const audit = lastAuditAbout(db, entity as AuditEntity, id, pass.audit)
    const current = readRecord(db, entity, id, pass.texts)
    const label = `${LABEL[entity]} ${id}`
    if (!audit) {
      if (current !== null)
        problems.push({
          code: 'RECORD_CHANGED',
          message: `${label} was added outside the app (it has no audit row).`,
          since: null,
        })
      continue
    }
    const audited: unknown = audit.after
    if (entity === 'recommendation' || entity === 'undo_entry') {
      const a = audit.after as { storedDigest?: unknown; patientId?: unknown } | null
      if (current === null) {
        if (!patientDeleted(db, a))
          problems.push({
            code: 'RECORD_CHANGED',
            message: `${label} was deleted outside the app.`,
            since: audit.at,
          })
      } else if (typeof a?.storedDigest === 'string' && !sameDigest(a.storedDigest, current as string | null))
        problems.push({
          code: 'RECORD_CHANGED',
          message: `${label} was changed outside the app.`,
          since: audit.at,
        })
      continue
    }
    if (audited === null) {
      if (current !== null)
        problems.push({
          code: 'RECORD_CHANGED',
          message: `${label} was deleted by the app but is back.`,
          since: audit.at,
        })
      continue
    }
    if (current === null) {
      if (entity !== 'patient' && patientDeleted(db, audited)) continue
      problems.push({
        code: 'RECORD_CHANGED',
        message: `${label} was deleted outside the app.`,
        since: audit.at,
      })
      continue
    }
    const diff = differsFromAudit(audited, current)
    if (diff)
      problems.push({
        code: 'RECORD_CHANGED',
        message: `${label} differs from what the app last recorded (field ${diff}).`,
        since: audit.at,
      })
  }
  return { problems, last: ids.length === limit ? ids[ids.length - 1]! : null }
}

/**
 * A patient's recommendations form one line: each is superseded by the patient's next one (at that
 * one's creation time, read from it), and only the newest is current (db/queries/recommendations.ts).
 * `superseded_by` changes after the row's audit, so it is checked by this rule; `superseded_at` is
 * no longer stored (schema 150: NULL, the time being the next one's `created_at`).
 */
function supersessionProblems(db: ReadableDb): Problem[] {
  const bad = db
    .prepare(
      `SELECT r.id FROM recommendation r
       LEFT JOIN recommendation n ON n.id = (
         SELECT min(x.id) FROM recommendation x WHERE x.patient_id = r.patient_id AND x.id > r.id)
       WHERE NOT (r.superseded_by IS n.id AND r.superseded_at IS NULL)
       LIMIT 1`,
    )
    .pluck()
    .get() as number | undefined
  return bad === undefined
    ? []
    : [
        {
          code: 'RECORD_CHANGED',
          message: `Recommendation ${bad} no longer fits the patient's line of recommendations (changed outside the app).`,
          since: null,
        },
      ]
}

/** The audit trail's runs by person (`audit_actor_run`) do not match `what`. */
function actorRunProblem(what: string): Problem {
  return {
    code: 'RECORD_CHANGED',
    message: `The audit trail's index by person no longer matches ${what} (changed outside the app).`,
    since: null,
  }
}

/**
 * `worklist_tally` (migration 95) against a count of the open steps it summarises, per variant and
 * effective window: the tabs' counts are sums over it, so a row changed, added or removed behind
 * the app's back would show wrong counts without this.
 */
function tallyProblems(db: ReadableDb): Problem[] {
  const counted = `SELECT coalesce(p.variant, '') AS variant, coalesce(f.override_due_from, f.due_from) AS eff_from,
      coalesce(f.override_due_to, f.due_to) AS eff_to, count(*) AS n
    FROM followup_item f JOIN patient p ON p.id = f.patient_id
    WHERE f.status = 'scheduled' AND p.entered_in_error_at IS NULL GROUP BY 1, 2, 3`
  const kept = 'SELECT variant, eff_from, eff_to, n FROM worklist_tally'
  const differ = rowsDiffering(db, counted, kept)
  return differ === 0
    ? countProblems(db)
    : [
        {
          code: 'RECORD_CHANGED',
          message: `The worklist's tab counts no longer match its open steps (${differ} ${differ === 1 ? 'count differs' : 'counts differ'}; changed outside the app).`,
          since: null,
        },
        ...countProblems(db),
      ]
}

/** How many rows one of the two queries gives that the other does not (either way). */
function rowsDiffering(db: ReadableDb, counted: string, kept: string): number {
  return db
    .prepare(
      `SELECT (SELECT count(*) FROM (${counted} EXCEPT ${kept})) + (SELECT count(*) FROM (${kept} EXCEPT ${counted}))`,
    )
    .pluck()
    .get() as number
}

/**
 * `worklist_count` (migration 125) against a count, per variant, of the patients, of the open
 * steps on the attention list (by the list's own condition) and of the patients who left
 * surveillance, each among the patients not entered in error.
 */
function countProblems(db: ReadableDb): Problem[] {
  // (A compound SELECT takes a WITH only at its start: the recount is a subquery.)
  const counted = `SELECT * FROM (WITH
      pts AS (SELECT coalesce(variant, '') AS v, count(*) AS n FROM patient
              WHERE entered_in_error_at IS NULL GROUP BY 1),
      att AS (SELECT coalesce(p.variant, '') AS v, count(*) AS n FROM followup_item f JOIN patient p ON p.id = f.patient_id
              WHERE f.status = 'scheduled' AND p.entered_in_error_at IS NULL AND ${NEEDS_ATTENTION} GROUP BY 1),
      lft AS (SELECT coalesce(p.variant, '') AS v, count(*) AS n FROM surveillance_exit e JOIN patient p ON p.id = e.patient_id
              WHERE e.reopened_at IS NULL AND p.entered_in_error_at IS NULL GROUP BY 1)
    SELECT pts.v AS variant, pts.n AS patients, coalesce(att.n, 0) AS attention, coalesce(lft.n, 0) AS left_surveillance
    FROM pts LEFT JOIN att ON att.v = pts.v LEFT JOIN lft ON lft.v = pts.v)`
  const kept = `SELECT variant, patients, attention, left_surveillance FROM worklist_count
    WHERE patients <> 0 OR attention <> 0 OR left_surveillance <> 0`
  const differ = rowsDiffering(db, counted, kept)
  return differ === 0
    ? []
    : [
        {
          code: 'RECORD_CHANGED',
          message: `The worklist's counts of patients, of steps needing attention or of patients who left surveillance no longer match the records (${differ} ${differ === 1 ? 'variant differs' : 'variants differ'}; changed outside the app).`,
          since: null,
        },
      ]
}

/**
 * `patient_prefix` (migration 130) for the patients with id > `after` (up to `limit`) against a
 * rebuild from their names, MRNs, sort keys and open steps: a row missing would hide a patient
 * from type-ahead (each row the rebuild makes is looked up). After the last patient, the table's
 * rows are counted against those made for every patient (`rows` so far): a row too many would
 * show a patient under a wrong prefix or order.
 */
function prefixProblems(
  db: ReadableDb,
  after: number,
  limit: number,
  rows: number,
): { problems: Problem[]; last: number | null; rows: number } {
  const changed = (what: string): Problem[] => [
    {
      code: 'RECORD_CHANGED',
      message: `The type-ahead index ${what} (changed outside the app).`,
      since: null,
    },
  ]
  const last = db
    .prepare(`SELECT max(id) FROM (SELECT id FROM patient WHERE id > @after ORDER BY id LIMIT @limit)`)
    .pluck()
    .get({ after, limit }) as number | null
  if (last === null) {
    const held = db.prepare('SELECT count(*) FROM patient_prefix').pluck().get() as number
    return {
      last,
      rows: 0,
      problems: held === rows ? [] : changed(`holds ${held} rows where its patients make ${rows}`),
    }
  }
  const r = db
    .prepare(
      `WITH r(k, prefix, key, patient_id) AS (
         ${prefixRowsSql(PATIENT_SOURCE, PATIENT_FROM)} WHERE p.id > @after AND p.id <= @last)
       SELECT count(*) AS made,
         (SELECT r.patient_id FROM r WHERE NOT EXISTS (SELECT 1 FROM patient_prefix x
            WHERE x.k = r.k AND x.prefix = r.prefix AND x.key = r.key AND x.patient_id = r.patient_id) LIMIT 1) AS bad
       FROM r`,
    )
    .get({ after, last }) as { made: number; bad: number | null }
  return {
    last,
    rows: r.made,
    problems: r.bad === null ? [] : changed(`no longer matches patient ${r.bad}'s name, MRN or sort keys`),
  }
}

function settingsAgainstAudit(db: ReadableDb): Problem[] {
  const audit = lastAuditAbout(db, 'setting', null)
  const stored = readSetting<unknown>(db, 'settings', null)
  if (!audit) {
    return stored === null
      ? []
      : [{ code: 'RECORD_CHANGED', message: 'The settings were written outside the app.', since: null }]
  }
  const diff = differsFromAudit(audit.after, stored)
  return diff
    ? [
        {
          code: 'RECORD_CHANGED',
          message: `The settings differ from what the app last recorded (${diff}).`,
          since: audit.at,
        },
      ]
    : []
}

/**
 * The write-time guard: before a change builds on a record, the record must still be what its last
 * audit row says (an undo entry: its digest, `current` being `undoEntryDigest`). Returns the problem,
 * or null. (A record with no audit row yet, e.g. created by a
 * migration, passes; an undo entry never does.)
 */
export function recordProblem(
  db: ReadableDb,
  entity: CheckedEntity,
  id: number,
  current: unknown,
): Problem | null {
  const audit = lastAuditAbout(db, entity, id)
  // Every undo entry the app keeps is audited in the transaction that keeps it (its own undo.keep
  // row, or since schema 145 on its change's row): one without is not the app's, and an undo must
  // not write it back.
  if (!audit && entity === 'undo_entry')
    return {
      code: 'RECORD_CHANGED',
      message: `${LABEL[entity]} ${id} was added outside the app (it has no audit row).`,
      since: null,
    }
  if (!audit || audit.after === null) return null
  const diff =
    entity === 'undo_entry'
      ? sameDigest((audit.after as { storedDigest?: unknown }).storedDigest, current as string | null)
        ? null
        : 'storedDigest'
      : differsFromAudit(audit.after, current)
  return diff
    ? {
        code: 'RECORD_CHANGED',
        message: `${LABEL[entity]} ${id} differs from what the app last recorded (field ${diff}).`,
        since: audit.at,
      }
    : null
}
