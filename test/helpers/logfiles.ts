import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3-multiple-ciphers'
import { openBackend, type Backend } from '../../electron/backend/backend'
import type { BackupResult, CallName, Handlers, RequestOf, ResultOf } from '../../electron/contract/contract'
import type { ScryptCost } from '../../electron/backend/passwords'
import { dispatch } from '../../electron/contract/dispatch'
import type { Result } from '../../electron/contract/result'
import type { StudyRequest } from '../../electron/contract/schemas'
import { afterEach, beforeEach } from 'vitest'
import { localNoon, patientInput, tempDir } from './db'

/** The log, its -wal and -shm: name -> sha256 (absent files are left out). */
export function hashLogFiles(file: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (fs.existsSync(f))
      out[path.basename(f)] = createHash('sha256').update(fs.readFileSync(f)).digest('hex')
  }
  return out
}

/**
 * A scrypt cost for account passwords in tests: the app's default (electron/backend/passwords.ts)
 * takes tens of milliseconds per password, too slow for a fuzz of a thousand calls.
 */
export const TEST_SCRYPT_COST: ScryptCost = { N: 16, r: 1, p: 1 }

export function open(file: string, at = '2026-11-24T12:00:00.000Z'): Backend {
  let t = Date.parse(at)
  return openBackend({
    dataFile: file,
    transport: 'web',
    version: 'test',
    user: 'dr.test',
    now: () => new Date((t += 1000)),
    passwordCost: TEST_SCRYPT_COST,
  })
}

/** The first account of a test log (a radiologist), and its password. */
export const FIRST_ACCOUNT = {
  name: 'Dr Test Radiologist',
  initials: 'TR',
  password: 'test password, not real',
}

/**
 * A transport connection of the back end (as the Electron window or the web host gets), signed in:
 * as the log's first account when it has none, else as `login` (default the first account).
 */
export async function signedIn(
  b: Backend,
  login: { login: string; password: string } = {
    login: FIRST_ACCOUNT.initials,
    password: FIRST_ACCOUNT.password,
  },
): Promise<Handlers> {
  const conn = b.connect()
  const s = await dispatch(conn, 'session.status', {}, () => undefined)
  const r =
    s.ok && (s.value as { state: string }).state === 'no-accounts'
      ? await dispatch(conn, 'session.createFirst', FIRST_ACCOUNT, () => undefined)
      : await dispatch(conn, 'session.signIn', login, () => undefined)
  if (!r.ok) throw new Error(`sign-in failed: ${JSON.stringify(r.error)}`)
  return conn
}

export async function call<K extends CallName>(
  b: Backend,
  name: K,
  req: RequestOf<K>,
): Promise<Result<ResultOf<K>>> {
  return (await dispatch(b.handlers, name, req, () => undefined)) as Result<ResultOf<K>>
}

export async function ok<K extends CallName>(b: Backend, name: K, req: RequestOf<K>): Promise<ResultOf<K>> {
  const r = await call(b, name, req)
  if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`)
  return r.value
}

/**
 * _Back up now_ through the contract: starts the `backup` job and waits for it (at most 2 min);
 * answers the job's result, or its error (or the call's, when it was refused at once).
 */
export async function backupNow(b: { handlers: Handlers }): Promise<Result<BackupResult>> {
  const run = async <K extends CallName>(name: K, req: RequestOf<K>) =>
    (await dispatch(b.handlers, name, req, () => undefined)) as Result<ResultOf<K>>
  const started = await run('app.backup', {})
  if (!started.ok) return started
  for (let i = 0; i < 24_000; i++) {
    const s = await run('jobs.status', { jobId: started.value.id })
    if (!s.ok) return s
    if (s.value.state === 'done' && s.value.result?.kind === 'backup')
      return { ok: true, value: { file: s.value.result.file, bytes: s.value.result.bytes } }
    if (s.value.state !== 'running')
      return { ok: false, error: s.value.error ?? { code: 'INTERNAL', message: 'the backup stopped' } }
    await new Promise((r) => setTimeout(r, 5))
  }
  throw new Error('the backup job did not finish in 2 minutes')
}

/** `backupNow`, failing the test when the backup failed. */
export async function backupOk(b: { handlers: Handlers }): Promise<BackupResult> {
  const r = await backupNow(b)
  if (!r.ok) throw new Error(`the backup failed: ${JSON.stringify(r.error)}`)
  return r.value
}

export const mriStudy = (date: string): StudyRequest => ({
  date,
  procedure: 'mri-abdomen-pelvis-without-and-with-iv-contrast',
  result: 'stable',
  lesions: [],
  dose: {
    effectiveMsv: null,
    ctdiVolMgy: null,
    dlpMgyCm: null,
    region: null,
    activityMbq: null,
    agent: null,
  },
  note: null,
})

/** Patients (each with a study), created and edited through the contract. */
export async function populate(b: Backend, n: number, prefix = 'P'): Promise<void> {
  for (let i = 0; i < n; i++) {
    const p = await ok(
      b,
      'patients.create',
      patientInput({ mrn: `${prefix}-${i}`, name: `Patient ${prefix}${i}` }),
    )
    await ok(b, 'studies.record', { patientId: p.id, study: mriStudy('2026-06-01') })
    if (i % 3 === 0)
      await ok(b, 'patients.update', {
        id: p.id,
        version: p.version,
        patient: patientInput({ mrn: `${prefix}-${i}`, name: `Patient ${prefix}${i}`, weightKg: 70 + i }),
      })
  }
}

/** Every row of every table, in rowid order: equal dumps mean equal content. */
export function dumpContent(db: Database.Database, opts: { auditUpTo?: number } = {}): string {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[]
  const h = createHash('sha256')
  for (const t of tables) {
    h.update(`\n${t}\n`)
    const upTo = opts.auditUpTo
    // Up to an audit row: the audit log's rows, and its runs by person (migration 155) as they stood
    // at that row.
    const sql =
      upTo === undefined
        ? `SELECT * FROM "${t}"`
        : t === 'audit_log'
          ? `SELECT * FROM audit_log WHERE id <= ${upTo}`
          : t === 'audit_actor_run'
            ? `SELECT first_id, min(last_id, ${upTo}), actor FROM audit_actor_run WHERE first_id <= ${upTo}`
            : `SELECT * FROM "${t}"`
    for (const row of db.prepare(sql).raw().iterate() as Iterable<unknown[]>) h.update(JSON.stringify(row))
  }
  return h.digest('hex')
}

/**
 * For a test file whose tests convert logs in place: each test gets a temporary folder (`file`
 * names a path in it) and opens back ends on files there (a clock from 2026-11-24 noon, a second a
 * reading; no background check), all closed after the test. `forget` drops the ones a test has
 * closed itself.
 */
export function backendsPerTest(): {
  file: (name: string) => string
  open: (file: string) => Backend
  forget: () => void
} {
  let dir = ''
  let cleanup: () => void = () => undefined
  let now = localNoon('2026-11-24')
  const backends: Backend[] = []
  beforeEach(() => {
    const t = tempDir()
    dir = t.dir
    cleanup = t.cleanup
    now = localNoon('2026-11-24')
  })
  afterEach(() => {
    for (const b of backends.splice(0)) b.close()
    cleanup()
  })
  return {
    file: (name) => path.join(dir, name),
    open: (file) => {
      const b = openBackend({
        dataFile: file,
        transport: 'web',
        version: 'test',
        now: () => (now = new Date(now.getTime() + 1000)),
        user: 'dr.test',
        backgroundCheck: false,
      })
      backends.push(b)
      return b
    },
    forget: () => void backends.splice(0),
  }
}
