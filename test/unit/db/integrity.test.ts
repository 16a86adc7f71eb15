import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GENESIS } from '../../../db/audit'
import { DbError } from '../../../db/errors'
import { anchorFileOf, keyFileOf, lockFileOf } from '../../../db/integrity-files'
import { LATEST_SCHEMA_VERSION } from '../../../db/migrations'
import { openDatabase } from '../../../db/open'
import { registerSearchFunctions } from '../../../db/queries/search'
import { openBackend } from '../../../electron/backend/backend'
import { createHash } from 'node:crypto'
import { patientInput, tempDir } from '../../helpers/db'
import { backupNow, backupOk, call, hashLogFiles, ok, open, populate } from '../../helpers/logfiles'

// The log is only written after it passed its checks; a log that fails them is never changed by
// being refused; tampering behind the app's back is found at the next open (docs/data.md).

let dir: string
let cleanup: () => void
let file: string
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  file = path.join(dir, 'log.sqlite')
})
afterEach(() => cleanup())

/** A populated log, closed, so its files can be changed behind the app's back. */
async function populated(n = 4): Promise<void> {
  const b = open(file)
  await b.checked
  await populate(b, n)
  b.close()
}

/** Opens `file` as the app does (after the full check) and returns its state. */
async function reopen() {
  const b = open(file, '2026-11-25T12:00:00.000Z')
  await b.checked
  return b
}

/**
 * A raw connection that can change anything, as another program would (with the function the
 * word-prefix table's triggers call, db/queries/search.ts, as a program changing names must).
 */
function raw<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(file)
  registerSearchFunctions(db)
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

const codes = (b: ReturnType<typeof open>) => b.status().problems.map((p) => p.code)

/** The log was opened read-only with a named problem, a write is refused with LOG_READ_ONLY, and the files did not change. */
async function expectReadOnly(code: string): Promise<void> {
  const before = hashLogFiles(file)
  const b = await reopen()
  try {
    expect(b.status().mode).toBe('read-only')
    expect(codes(b)).toContain(code)
    const w = await call(b, 'patients.create', patientInput({ mrn: 'NEW-1' }))
    expect(w).toMatchObject({ ok: false, error: { code: 'LOG_READ_ONLY' } })
    if (!w.ok) expect(w.error.message).toMatch(/read-only since .* because/)
  } finally {
    b.close()
  }
  const after = hashLogFiles(file)
  // Found before open: nothing at all was touched. Found by the check after open: the log and its
  // -wal are unchanged (SQLite may have made a -shm for the connection).
  for (const [name, hash] of Object.entries(before)) expect(after[name], name).toBe(hash)
}

/**
 * Leaves a -wal (and -shm) beside the log, as a crash does: a second connection keeps the first
 * from checkpointing on close; the files are copied while both are open and put back after.
 * (A connection still open in this process would share SQLite's -shm with the checks' view.)
 */
function leaveWal(): void {
  const holder = new Database(file)
  holder.prepare("INSERT INTO setting (key, value) VALUES ('x', '1')").run()
  const snapshot = path.join(dir, 'snap-wal')
  fs.mkdirSync(snapshot)
  for (const f of ['log.sqlite', 'log.sqlite-wal', 'log.sqlite-shm'])
    if (fs.existsSync(path.join(dir, f))) fs.copyFileSync(path.join(dir, f), path.join(snapshot, f))
  holder.close()
  for (const f of fs.readdirSync(snapshot)) fs.copyFileSync(path.join(snapshot, f), path.join(dir, f))
  fs.rmSync(snapshot, { recursive: true })
}

describe('open without touching', () => {
  it('refuses a newer-schema log with a -wal and leaves the log, -wal and -shm byte-identical', async () => {
    await populated(2)
    raw((db) => {
      db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 10}`)
    })
    // Leave a -wal beside it: a second connection keeps the first from checkpointing on close.
    const holder = new Database(file)
    holder.prepare("INSERT INTO setting (key, value) VALUES ('x', '1')").run()
    const snapshot = path.join(dir, 'snap')
    fs.mkdirSync(snapshot)
    for (const f of ['log.sqlite', 'log.sqlite-wal', 'log.sqlite-shm'])
      if (fs.existsSync(path.join(dir, f))) fs.copyFileSync(path.join(dir, f), path.join(snapshot, f))
    holder.close()
    for (const f of fs.readdirSync(snapshot)) fs.copyFileSync(path.join(snapshot, f), path.join(dir, f))
    const before = hashLogFiles(file)
    expect(Object.keys(before)).toContain('log.sqlite-wal')
    expect(() => openDatabase(file)).toThrow(DbError)
    const b = open(file)
    expect(b.status()).toMatchObject({ mode: 'unavailable', problems: [{ code: 'FROM_FUTURE' }] })
    b.close()
    expect(hashLogFiles(file)).toEqual(before)
  })

  it('refuses a damaged log with a -wal without changing it, and opens its checked copy read-only', async () => {
    await populated(6)
    leaveWal()
    const bytes = fs.readFileSync(file)
    for (let i = 4096 * 3; i < 4096 * 5; i++) bytes[i] = 0xa5
    fs.writeFileSync(file, bytes)
    const before = hashLogFiles(file)
    const b = open(file)
    expect(b.status().mode).not.toBe('writable')
    expect(codes(b)).toContain('CORRUPT')
    b.close()
    expect(before['log.sqlite-wal']).toBeDefined()
    expect(hashLogFiles(file)).toEqual(before)
  })

  it('a large log with a damaged page opens at once and goes read-only when the background check finds it; no backup is made', async () => {
    await populated(6)
    leaveWal()
    const bytes = fs.readFileSync(file)
    for (let i = 4096 * 3; i < 4096 * 5; i++) bytes[i] = 0xa5
    fs.writeFileSync(file, bytes)
    const before = hashLogFiles(file)
    const backupDir = path.join(dir, 'backups')
    const listBackups = (): string[] => (fs.existsSync(backupDir) ? fs.readdirSync(backupDir).sort() : [])
    // The backups the log already has (the day the populating session took, in local time).
    const earlier = listBackups()
    // As a log too large for the quick check before open (docs/data.md, "Integrity").
    let t = Date.parse('2026-11-25T12:00:00.000Z')
    const b = openBackend({
      dataFile: file,
      transport: 'web',
      version: 'test',
      user: 'dr.test',
      now: () => new Date((t += 1000)),
      quickCheckUpTo: 0,
    })
    expect(b.status()).toMatchObject({ mode: 'writable', checking: true })
    await b.checked
    expect(b.status()).toMatchObject({ mode: 'read-only', checking: false, checkedAt: null })
    expect(codes(b)).toContain('CORRUPT')
    expect(await call(b, 'patients.create', patientInput({ mrn: 'NEW-2' }))).toMatchObject({
      ok: false,
      error: { code: 'LOG_READ_ONLY' },
    })
    expect(await backupNow(b)).toMatchObject({ ok: false, error: { code: 'LOG_READ_ONLY' } })
    b.close()
    // No backup of the damaged log: the folder holds what it held before this open.
    expect(listBackups()).toEqual(earlier)
    const after = hashLogFiles(file)
    expect(after['log.sqlite']).toBe(before['log.sqlite'])
    expect(after['log.sqlite-wal']).toBe(before['log.sqlite-wal'])
  })

  it('refuses a file that is not a database, unchanged, and lists nothing as writable', async () => {
    fs.writeFileSync(file, 'not a database'.repeat(400))
    const before = hashLogFiles(file)
    const b = open(file)
    expect(b.status()).toMatchObject({ mode: 'unavailable', problems: [{ code: 'NOT_DATABASE' }] })
    expect(await call(b, 'patients.list', { limit: 5, offset: 0 })).toMatchObject({
      ok: false,
      error: { code: 'LOG_UNAVAILABLE' },
    })
    b.close()
    expect(hashLogFiles(file)).toEqual(before)
    expect(fs.existsSync(`${file}-wal`)).toBe(false)
    expect(fs.existsSync(`${file}-shm`)).toBe(false)
  })
})

describe('tampering behind the app’s back is found at the next open', () => {
  beforeEach(async () => populated(4))

  it('a patient row edited', async () => {
    raw((db) => db.prepare("UPDATE patient SET weight_kg = 99 WHERE mrn = 'P-1'").run())
    await expectReadOnly('RECORD_CHANGED')
  })

  it('a patient row deleted', async () => {
    raw((db) => {
      db.pragma('foreign_keys = ON')
      db.prepare("DELETE FROM patient WHERE mrn = 'P-2'").run()
    })
    await expectReadOnly('RECORD_CHANGED')
  })

  it('a patient row added', async () => {
    raw((db) =>
      db
        .prepare(
          "INSERT INTO patient (mrn, name, symptoms_asked, created_at, updated_at) VALUES ('X-1', 'Added', 0, 'x', 'x')",
        )
        .run(),
    )
    await expectReadOnly('RECORD_CHANGED')
  })

  it('the worklist tally the tabs are counted from changed, named as such', async () => {
    const changed = raw((db) => db.prepare('UPDATE worklist_tally SET n = n + 1').run().changes)
    expect(changed).toBeGreaterThan(0)
    await expectReadOnly('RECORD_CHANGED')
    const b = await reopen()
    expect(b.status().problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(
        /tab counts no longer match its open steps \(\d+ counts? differs?; changed outside the app\)/,
      ),
    )
    b.close()
  })

  it("the worklist's counts of patients, attention and patients who left changed, named as such", async () => {
    const changed = raw(
      (db) => db.prepare('UPDATE worklist_count SET attention = attention + 1').run().changes,
    )
    expect(changed).toBeGreaterThan(0)
    await expectReadOnly('RECORD_CHANGED')
    const b = await reopen()
    expect(b.status().problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(
        /counts of patients, of steps needing attention or of patients who left surveillance no longer match the records \(\d+ variants? differs?; changed outside the app\)/,
      ),
    )
    b.close()
  })

  it('a row of the type-ahead index deleted, named with its patient', async () => {
    const id = raw((db) => {
      const pid = db.prepare("SELECT id FROM patient WHERE mrn = 'P-1'").pluck().get() as number
      db.prepare("DELETE FROM patient_prefix WHERE patient_id = ? AND prefix = 'p'").run(pid)
      return pid
    })
    await expectReadOnly('RECORD_CHANGED')
    const b = await reopen()
    expect(b.status().problems.map((p) => p.message)).toContain(
      `The type-ahead index no longer matches patient ${id}'s name, MRN or sort keys (changed outside the app).`,
    )
    b.close()
  })

  it('a row too many in the type-ahead index (a patient under a prefix it does not have), counted', async () => {
    raw((db) => {
      const pid = db.prepare("SELECT id FROM patient WHERE mrn = 'P-1'").pluck().get() as number
      db.prepare("INSERT INTO patient_prefix (k, prefix, key, patient_id) VALUES (1, 'zzz', 'Zed', ?)").run(
        pid,
      )
    })
    await expectReadOnly('RECORD_CHANGED')
    const b = await reopen()
    expect(b.status().problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(
        /^The type-ahead index holds \d+ rows where its patients make \d+ \(changed outside the app\)\.$/,
      ),
    )
    b.close()
  })

  it('a kept state of an undo entry edited (an undo would write it back)', async () => {
    raw((db) =>
      db
        .prepare(
          "UPDATE undo_entry SET snapshot_json = json_set(snapshot_json, '$.patient.weight_kg', 99) WHERE id = (SELECT max(id) FROM undo_entry)",
        )
        .run(),
    )
    await expectReadOnly('RECORD_CHANGED')
  })

  // Since schema 145 a kept undo entry's id and digest ride on the audit row of the change it
  // precedes (db/audit.ts): no `undo.keep` row of its own.
  it('every kept undo entry rides on a row of its change, none has a row of its own', () => {
    raw((db) => {
      expect(db.prepare("SELECT count(*) FROM audit_log WHERE action = 'undo.keep'").pluck().get()).toBe(0)
      const entries = db.prepare('SELECT id FROM undo_entry ORDER BY id').pluck().all()
      expect(entries.length).toBeGreaterThan(0)
      expect(
        db
          .prepare('SELECT kept_undo FROM audit_log WHERE kept_undo IS NOT NULL ORDER BY kept_undo')
          .pluck()
          .all(),
      ).toEqual(entries)
    })
  })

  it('an undo entry deleted, named (its audit is on the row of its change)', async () => {
    const id = raw((db) => {
      const id = db.prepare('SELECT max(id) FROM undo_entry').pluck().get() as number
      db.prepare('DELETE FROM undo_entry WHERE id = ?').run(id)
      return id
    })
    await expectReadOnly('RECORD_CHANGED')
    const b = await reopen()
    expect(b.status().problems.map((p) => p.message)).toContain(
      `Undo entry ${id} was deleted outside the app.`,
    )
    b.close()
  })

  it("two undo entries' contents swapped, named", async () => {
    const ids = raw((db) => {
      const [x, y] = db.prepare('SELECT id, at, command FROM undo_entry ORDER BY id LIMIT 2').all() as {
        id: number
        at: string
        command: string
      }[]
      const set = db.prepare('UPDATE undo_entry SET at = ?, command = ? WHERE id = ?')
      set.run(y!.at, 'study.update', x!.id)
      set.run(x!.at, x!.command, y!.id)
      return [x!.id, y!.id]
    })
    await expectReadOnly('RECORD_CHANGED')
    const b = await reopen()
    expect(b.status().problems.map((p) => p.message)).toContain(
      `Undo entry ${ids[0]} was changed outside the app.`,
    )
    b.close()
  })

  it('the digest of a kept undo entry changed on the row that carries it (chain broken)', async () => {
    raw((db) => {
      db.exec('DROP TRIGGER audit_log_no_update')
      db.prepare(
        'UPDATE audit_log SET kept_digest = zeroblob(32) WHERE id = (SELECT max(id) FROM audit_log WHERE kept_undo IS NOT NULL)',
      ).run()
      db.exec(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`)
    })
    await expectReadOnly('AUDIT_BROKEN')
  })

  it('a kept undo entry taken off the row that carries it (chain broken)', async () => {
    raw((db) => {
      db.exec('DROP TRIGGER audit_log_no_update')
      db.prepare(
        'UPDATE audit_log SET kept_undo = NULL, kept_digest = NULL WHERE id = (SELECT max(id) FROM audit_log WHERE kept_undo IS NOT NULL)',
      ).run()
      db.exec(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`)
    })
    await expectReadOnly('AUDIT_BROKEN')
  })

  it("the audit trail's runs by person changed: a run given to someone else, named", async () => {
    raw((db) => db.prepare("UPDATE audit_actor_run SET actor = 'someone.else' WHERE first_id = 1").run())
    await expectReadOnly('RECORD_CHANGED')
    const b = await reopen()
    expect(b.status().problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(
        /^The audit trail's index by person no longer matches audit row \d+ \(changed outside the app\)\.$/,
      ),
    )
    b.close()
  })

  it("the audit trail's runs by person with one deleted, named", async () => {
    raw((db) =>
      db
        .prepare('DELETE FROM audit_actor_run WHERE first_id = (SELECT max(first_id) FROM audit_actor_run)')
        .run(),
    )
    await expectReadOnly('RECORD_CHANGED')
  })

  it('the last audit rows deleted (the append-only triggers dropped and put back)', async () => {
    raw((db) => {
      const max = db.prepare('SELECT max(id) FROM audit_log').pluck().get() as number
      db.exec('DROP TRIGGER audit_log_no_delete')
      db.prepare('DELETE FROM audit_log WHERE id > ?').run(max - 3)
      db.exec(`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`)
    })
    await expectReadOnly('ROLLED_BACK')
  })

  it('an audit row rewritten and every later one re-hashed (without the key)', async () => {
    raw((db) => {
      db.exec('DROP TRIGGER audit_log_no_update')
      const rows = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Array<Record<string, unknown>>
      let prev = GENESIS
      const set = db.prepare('UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE id = ?')
      for (const r of rows) {
        const actor = r['id'] === 5 ? 'someone.else' : (r['actor'] as string)
        const hash = createHash('sha256')
          .update(
            JSON.stringify([
              prev,
              r['at'],
              actor,
              r['action'],
              r['entity'],
              r['entity_id'],
              r['before_json'],
              r['after_json'],
            ]),
          )
          .digest('hex')
        set.run(actor, prev, hash, r['id'])
        prev = hash
      }
      db.exec(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`)
    })
    await expectReadOnly('AUDIT_BROKEN')
  })

  it('the append-only triggers dropped', async () => {
    raw((db) => db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete'))
    await expectReadOnly('SCHEMA_CHANGED')
  })

  it('the log replaced by an older copy of itself', async () => {
    const older = path.join(dir, 'older.sqlite')
    raw((db) => db.prepare('VACUUM INTO ?').run(older))
    const b = open(file)
    await b.checked
    await populate(b, 1, 'Q')
    b.close()
    fs.copyFileSync(older, file)
    await expectReadOnly('ROLLED_BACK')
  })

  it('the anchor deleted', async () => {
    fs.rmSync(anchorFileOf(file))
    await expectReadOnly('ANCHOR_PROBLEM')
  })

  it('the key file deleted', async () => {
    fs.rmSync(keyFileOf(file))
    await expectReadOnly('KEY_PROBLEM')
  })

  it('an untouched log opens writable after its full check', async () => {
    const b = await reopen()
    expect(b.status()).toMatchObject({ mode: 'writable', problems: [], checking: false })
    expect(b.status().checkedAt).not.toBeNull()
    b.close()
  })
})

describe('recovery mode and restore', () => {
  it('lists the backups, restores one, keeps the damaged files aside unchanged and records the restore', async () => {
    const b0 = open(file)
    await b0.checked // the daily backup is taken after the full check
    await populate(b0, 3)
    const made = await backupOk(b0)
    b0.close()
    raw((db) => db.prepare("UPDATE patient SET name = 'Changed' WHERE mrn = 'P-0'").run())
    const damaged = hashLogFiles(file)

    const b = await reopen()
    expect(b.status().mode).toBe('read-only')
    const backups = await ok(b, 'log.backups', {})
    const manual = backups.find((x) => x.file === made.file)!
    expect(manual).toMatchObject({ kind: 'manual', patients: 3, checked: true })
    expect(manual.auditHead?.seq).toBeGreaterThan(0)
    expect(await call(b, 'log.restore', { file: path.join(dir, 'elsewhere.sqlite') })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
    const after = await ok(b, 'log.restore', { file: made.file })
    expect(after.mode).toBe('writable')
    expect(after.restored?.from).toBe(made.file)
    const aside = after.restored!.setAside.find((f) => f.endsWith('.sqlite') || /set-aside-[^.]*$/.test(f))!
    expect(fs.readFileSync(aside).equals(fs.readFileSync(path.join(dir, 'log.sqlite')))).toBe(false)
    expect(createHash('sha256').update(fs.readFileSync(aside)).digest('hex')).toBe(damaged['log.sqlite'])
    expect((await ok(b, 'patients.list', { limit: 10, offset: 0 })).items.map((p) => p.name)).toContain(
      'Patient P0',
    )
    await ok(b, 'patients.create', patientInput({ mrn: 'AFTER-1' }))
    b.close()
    const again = await reopen()
    expect(again.status()).toMatchObject({ mode: 'writable', problems: [] })
    expect(
      again.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'log.restore'").pluck().get(),
    ).toBe(1)
    again.close()
  })

  it('a record changed while the app runs is refused at the next write to it, and the log goes read-only', async () => {
    const b = open(file)
    await b.checked
    await populate(b, 1)
    const p = (await ok(b, 'patients.list', { limit: 1, offset: 0 })).items[0]!
    // Another program changes the row under the running app.
    raw((db) => db.prepare('UPDATE patient SET weight_kg = 120 WHERE id = ?').run(p.id))
    const current = await ok(b, 'patients.get', { id: p.id })
    const r = await call(b, 'patients.update', {
      id: p.id,
      version: current.version,
      patient: patientInput({ mrn: 'P-0', name: 'x' }),
    })
    expect(r).toMatchObject({ ok: false, error: { code: 'LOG_READ_ONLY' } })
    expect(b.status()).toMatchObject({ mode: 'read-only', problems: [{ code: 'RECORD_CHANGED' }] })
    expect(await backupNow(b)).toMatchObject({ ok: false, error: { code: 'LOG_READ_ONLY' } })
    b.close()
  })
})

describe('an undo entry changed while the app runs', () => {
  it('is refused before the undo writes it back, and the log goes read-only', async () => {
    const b = open(file)
    await b.checked
    await populate(b, 1)
    const p = (await ok(b, 'patients.list', { limit: 1, offset: 0 })).items[0]!
    raw((db) =>
      db
        .prepare("UPDATE undo_entry SET command = 'study.result' WHERE id = (SELECT max(id) FROM undo_entry)")
        .run(),
    )
    const r = await call(b, 'patients.undo', { patientId: p.id })
    expect(r).toMatchObject({ ok: false, error: { code: 'LOG_READ_ONLY' } })
    if (!r.ok) expect(r.error.message).toMatch(/Undo entry \d+ differs from what the app last recorded/)
    expect(b.status()).toMatchObject({ mode: 'read-only', problems: [{ code: 'RECORD_CHANGED' }] })
    b.close()
  })

  it('deleted under the running app: the undo has nothing to write back, the check names it', async () => {
    const b = open(file)
    await b.checked
    await populate(b, 1)
    const id = raw((db) => {
      const id = db.prepare('SELECT max(id) FROM undo_entry').pluck().get() as number
      db.prepare('DELETE FROM undo_entry WHERE id = ?').run(id)
      return id
    })
    b.close()
    const again = await reopen()
    expect(again.status().problems.map((x) => x.message)).toContain(
      `Undo entry ${id} was deleted outside the app.`,
    )
    again.close()
  })
})

describe('one writer', () => {
  it('refuses a second back end on the same log and names the process that holds it', () => {
    const a = open(file)
    try {
      let message = ''
      try {
        open(file).close()
      } catch (e) {
        expect(e).toBeInstanceOf(DbError)
        expect((e as DbError).code).toBe('LOG_LOCKED')
        message = (e as Error).message
      }
      expect(message).toContain(`process ${process.pid}`)
      expect(message).toMatch(/already open in the browser-mode host/)
    } finally {
      a.close()
    }
    expect(fs.existsSync(lockFileOf(file))).toBe(false)
  })

  it('takes over the lock of a process that died', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    })
    const pid = Number(dead.stdout)
    const host = JSON.parse(
      JSON.stringify({
        pid,
        host: os.hostname(),
        startedAt: 'x',
        transport: 'web',
        nonce: 'old',
      }),
    )
    fs.writeFileSync(lockFileOf(file), JSON.stringify(host))
    const b = open(file)
    const lock = JSON.parse(fs.readFileSync(lockFileOf(file), 'utf8')) as { pid: number }
    expect(lock.pid).toBe(process.pid)
    b.close()
  })

  it('refuses a stale save: "changed by someone else since you opened it"', async () => {
    const b = open(file)
    const p = await ok(b, 'patients.create', patientInput())
    const first = await ok(b, 'patients.update', {
      id: p.id,
      version: p.version,
      patient: patientInput({ weightKg: 80 }),
    })
    expect(first.version).toBeGreaterThan(p.version)
    const stale = await call(b, 'patients.update', {
      id: p.id,
      version: p.version,
      patient: patientInput({ weightKg: 60 }),
    })
    expect(stale).toMatchObject({ ok: false, error: { code: 'STALE' } })
    if (!stale.ok) expect(stale.error.message).toMatch(/changed by someone else since you opened it/)
    expect((await ok(b, 'patients.get', { id: p.id })).weightKg).toBe(80)
    b.close()
  })
})

describe('housekeeping', () => {
  it('creates the log, its side files and backups 0600 and its folders 0700 whatever the umask', async () => {
    const old = process.umask(0)
    try {
      const nested = path.join(dir, 'a', 'b', 'log.sqlite')
      const b = open(nested)
      await b.checked
      await ok(b, 'patients.create', patientInput())
      await backupOk(b)
      const mode = (f: string) => (fs.statSync(f).mode & 0o777).toString(8)
      for (const f of [
        nested,
        `${nested}-wal`,
        `${nested}-shm`,
        keyFileOf(nested),
        anchorFileOf(nested),
        lockFileOf(nested),
      ])
        expect(mode(f), f).toBe('600')
      const backups = path.join(dir, 'a', 'b', 'backups')
      for (const f of fs.readdirSync(backups)) expect(mode(path.join(backups, f)), f).toBe('600')
      for (const d of [path.join(dir, 'a'), path.join(dir, 'a', 'b'), backups]) expect(mode(d), d).toBe('700')
      b.close()
    } finally {
      process.umask(old)
    }
  })

  it('removes partial backups a killed backup left, at the next open', async () => {
    const b0 = open(file)
    await b0.checked
    b0.close()
    const backups = path.join(dir, 'backups')
    fs.writeFileSync(path.join(backups, 'pnet-followup-manual-x.sqlite.partial'), 'half')
    fs.writeFileSync(`${anchorFileOf(file)}.tmp`, 'half')
    const b = open(file)
    expect(fs.readdirSync(backups).filter((f) => f.endsWith('.partial'))).toEqual([])
    expect(fs.existsSync(`${anchorFileOf(file)}.tmp`)).toBe(false)
    b.close()
  })
})

describe('input', () => {
  it('refuses NUL and lone surrogates in every kind of text field, with a specific message', async () => {
    const b = open(file)
    const nul = await call(b, 'patients.create', patientInput({ name: 'Ada\u0000Example' }))
    expect(nul).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', fields: { name: expect.stringMatching(/NUL/) } },
    })
    const lone = await call(b, 'patients.create', patientInput({ mrn: 'MRN-\ud83d' }))
    expect(lone).toMatchObject({
      ok: false,
      error: { fields: { mrn: expect.stringMatching(/broken character/) } },
    })
    const search = await call(b, 'patients.list', { query: 'a\u0000', limit: 5, offset: 0 })
    expect(search).toMatchObject({ ok: false, error: { fields: { query: expect.stringMatching(/NUL/) } } })
    const fine = await call(b, 'patients.create', patientInput({ name: 'Zoë 😀 Example' }))
    expect(fine.ok).toBe(true)
    b.close()
  })

  it('never shows a raw SQLite message for a refused change', async () => {
    const b = open(file)
    await ok(b, 'patients.create', patientInput())
    const r = await call(b, 'patients.create', patientInput({ mrn: 'mrn-0001' }))
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).not.toMatch(/SQLITE|constraint failed/i)
    b.close()
  })
})
