import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditValues } from '../../../db/audit'
import type { Handlers, JobStatus } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { patientInput, tempDir } from '../../helpers/db'
import { ok, resultOf, settle, uploadText } from '../../helpers/jobs'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import { backupOk, FIRST_ACCOUNT, signedIn, TEST_SCRYPT_COST } from '../../helpers/logfiles'

// Long jobs and the people around them: an exclusive job (a CSV import holds the log in one
// transaction across its steps) must not keep a person from locking the app or signing out, must
// not swallow the audit rows of those events into its own transaction (a cancel rolls it back),
// and keeps the account that started it as the author of every row it writes. A restore is
// refused while any job runs on the log.

const HEADER =
  'MRN,Name,Birth date,Grade,Tumour burden,Histologically confirmed,Staging complete,Active surveillance,Recurrence suspected,New symptoms,MRI contraindicated,Treatment,Treatment date,Study date,Procedure,Result,DLP,Body region'

function list(rows: number): string {
  const out = [HEADER]
  for (let i = 0; i < rows; i++)
    out.push(
      `J-${i},"Job ${i}, Test",1950-01-1${i % 10},G1,liver-dominant,yes,yes,no,no,none,no,PRRT,2024-03-01,2025-03-15,CT abdomen and pelvis with IV contrast,stable,500,abdomen-pelvis`,
    )
  return out.join('\r\n') + '\r\n'
}

let dir: { dir: string; cleanup: () => void }
let b: Backend
beforeEach(() => {
  dir = tempDir()
  // A millisecond a reading: an import reads the clock thousands of times, and the idle lock
  // (10 minutes) must not strike in the middle of a test.
  let t = Date.parse('2026-11-24T12:00:00.000Z')
  b = openBackend({
    dataFile: path.join(dir.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    user: 'dr.test',
    now: () => new Date((t += 1)),
    passwordCost: TEST_SCRYPT_COST,
  })
})
afterEach(() => {
  b.close()
  dir.cleanup()
})

async function call(h: Handlers, name: Parameters<typeof dispatch>[1], req: unknown) {
  return dispatch(h, name, req, () => undefined)
}

/** Uploads and previews a list of `rows` patients; starts its import (the job is running). */
async function startImport(h: Handlers, rows: number): Promise<JobStatus> {
  const uploadId = await uploadText(h, 'list.csv', list(rows))
  const p = resultOf(await settle(h, await ok(h, 'csvImport.preview', { uploadId })), 'csv-preview')
  expect(p.problemCount).toBe(0)
  const job = await ok(h, 'csvImport.commit', { uploadId, mapping: p.mapping })
  expect(job.state).toBe('running')
  return job
}

interface AuditRow {
  id: number
  action: string
  actor: string
}
const auditRows = (): AuditRow[] =>
  b.db.prepare('SELECT id, action, actor FROM audit_log ORDER BY id').all() as AuditRow[]

describe('an exclusive job and the session', () => {
  it('locks at once while a CSV import runs; the import keeps its author; the lock is audited after it', async () => {
    await b.checked
    const h = await signedIn(b)
    const job = await startImport(h, 400)

    const locked = await call(h, 'session.lock', {})
    expect(locked).toMatchObject({ ok: true, value: { state: 'locked' } })
    // Answered while the import still holds the log (read in-process: the window is locked now).
    expect((await ok(b.handlers, 'jobs.status', { jobId: job.id })).state).toBe('running')
    // Locked now: nothing is read meanwhile.
    expect(await call(h, 'patients.list', { limit: 10, offset: 0 })).toMatchObject({
      ok: false,
      error: { code: 'SIGNED_OUT' },
    })

    const done = await settle(b.handlers, job)
    expect(resultOf(done, 'csv-import').patients).toBe(400)
    // The deferred row is written once the gate opens; let it.
    await new Promise((r) => setImmediate(r))

    const rows = auditRows()
    const imported = rows.filter((r) => r.action === 'patient.create')
    expect(imported).toHaveLength(400)
    // Every row of the import under the account that started it, not the OS account it fell back to.
    const author = rows.find((r) => r.action === 'session.firstAccount')!.actor
    expect(author).toContain(FIRST_ACCOUNT.initials)
    for (const r of rows.filter((x) => x.action === 'patient.create' || x.action === 'import.csv'))
      expect(r.actor).toBe(author)
    const lock = rows.filter((r) => r.action === 'session.lock')
    expect(lock).toHaveLength(1)
    expect(lock[0]!.id).toBeGreaterThan(rows.find((r) => r.action === 'import.csv')!.id)
    const stored = b.db
      .prepare('SELECT before_json, after_json FROM audit_log WHERE id = ?')
      .get(lock[0]!.id) as { before_json: string | null; after_json: string | null }
    const what = auditValues(b.db, stored).after as { occurredAt?: string }
    expect(what.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('a lock during an import that is then cancelled is still audited (not rolled back with it)', async () => {
    await b.checked
    const h = await signedIn(b)
    const job = await startImport(h, 400)
    expect(await call(h, 'session.lock', {})).toMatchObject({ ok: true })
    // Cancelling needs no sign-in (jobs.cancel passes the gate; a locked session may still stop its job).
    await call(b.handlers, 'jobs.cancel', { jobId: job.id })
    const end = await settle(b.handlers, job)
    expect(end.state).toBe('cancelled')
    await new Promise((r) => setImmediate(r))
    const rows = auditRows()
    expect(rows.filter((r) => r.action === 'patient.create')).toHaveLength(0)
    expect(rows.filter((r) => r.action === 'session.lock')).toHaveLength(1)
    expect(b.db.prepare('SELECT count(*) FROM patient').pluck().get()).toBe(0)
  })

  it('a change that waited behind the import is refused once its session locked meanwhile, not made as someone else', async () => {
    await b.checked
    const h = await signedIn(b)
    const job = await startImport(h, 400)
    const waiting = call(h, 'patients.create', patientInput({ mrn: 'WAIT-1' }))
    expect(await call(h, 'session.lock', {})).toMatchObject({ ok: true })
    expect(await waiting).toMatchObject({ ok: false, error: { code: 'SIGNED_OUT' } })
    expect((await settle(b.handlers, job)).state).toBe('done')
    expect(b.db.prepare("SELECT count(*) FROM patient WHERE mrn = 'WAIT-1'").pluck().get()).toBe(0)
  })

  it('signs out and back in while an import runs, without waiting for it', async () => {
    await b.checked
    const h = await signedIn(b)
    const job = await startImport(h, 400)
    expect(await call(h, 'session.signOut', {})).toMatchObject({ ok: true, value: { state: 'signed-out' } })
    expect(
      await call(h, 'session.signIn', { login: FIRST_ACCOUNT.initials, password: FIRST_ACCOUNT.password }),
    ).toMatchObject({ ok: true, value: { state: 'signed-in' } })
    expect((await ok(h, 'jobs.status', { jobId: job.id })).state).toBe('running')
    await settle(h, job)
    await new Promise((r) => setImmediate(r))
    const actions = auditRows().map((r) => r.action)
    const last = actions.lastIndexOf('import.csv')
    expect(actions.slice(last + 1)).toEqual(['session.signOut', 'session.signIn'])
  })
})

describe('restore while a job runs', () => {
  it('is refused with what runs, and changes nothing; once the job has ended it restores', async () => {
    await b.checked
    const h = await signedIn(b)
    const made = await backupOk({ handlers: h })
    const job = await startImport(h, 300)
    const refused = await call(h, 'log.restore', { file: made.file })
    expect(refused).toMatchObject({ ok: false, error: { code: 'DB_BUSY' } })
    expect(refused.ok ? '' : refused.error.message).toMatch(
      /a CSV import is running.*or cancel it.*nothing was changed/,
    )
    // The import was not disturbed: it ends with all of its patients.
    expect(resultOf(await settle(h, job), 'csv-import').patients).toBe(300)
    expect(b.db.prepare('SELECT count(*) FROM patient').pluck().get()).toBe(300)
    const restored = await call(h, 'log.restore', { file: made.file })
    expect(restored).toMatchObject({ ok: true, value: { mode: 'writable' } })
    expect(b.db.prepare('SELECT count(*) FROM patient').pluck().get()).toBe(0)
  })
})
