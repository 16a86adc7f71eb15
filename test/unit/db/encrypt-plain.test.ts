import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { afterEach, describe, expect, it } from 'vitest'
import { isPlainSqlite, newLogKey, openDb } from '../../../db/cipher'
import { encryptPlainLog, finishEncryption, forRekey } from '../../../db/encrypt-plain'
import { DbError } from '../../../db/errors'
import { readKey } from '../../../db/integrity-files'
import { openLogSession } from '../../../db/open'
import { addPatient, patientInput, tempDir, testActor } from '../../helpers/db'
import { hashLogFiles } from '../../helpers/logfiles'

// Encrypting a plain log in place (db/encrypt-plain.ts): a failed check leaves the plain log as
// it was, and a crash at each step is finished or undone at the next open.

const dirs: Array<() => void> = []
afterEach(() => {
  for (const c of dirs.splice(0)) c()
})

/** A plain log in use: keyed chain and anchor, three patients. */
function plainLog(name = 'log.sqlite'): string {
  const t = tempDir('pnet-encplain-')
  dirs.push(t.cleanup)
  const file = path.join(t.dir, name)
  const actor = testActor()
  const s = openLogSession(file, { transport: 'web', actor, backgroundCheck: false })
  for (let i = 0; i < 3; i++)
    addPatient(s.db!, actor, patientInput({ mrn: `M-${i}`, name: `Plain Person ${i}` }))
  s.close()
  return file
}

const auditKeyOf = (file: string): Buffer | null => {
  const r = readKey(file)
  return r.kind === 'present' ? r.key : null
}

function patients(file: string, key: Buffer | null): number {
  const db = openDb(file, key, { readonly: true })
  try {
    return db.prepare('SELECT count(*) FROM patient').pluck().get() as number
  } finally {
    db.close()
  }
}

describe('encrypting a plain log', () => {
  it('keeps the plain log exactly as it was when the encrypted copy fails its check', () => {
    const file = plainLog()
    const before = hashLogFiles(file)
    let err: unknown
    try {
      // A wrong audit key: the copy's audit chain does not verify.
      encryptPlainLog(file, newLogKey(), { auditKey: Buffer.alloc(32, 1) })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(DbError)
    expect((err as DbError).code).toBe('DB_CORRUPT')
    expect((err as DbError).message).toMatch(/was not encrypted.*The plain file is unchanged/)
    expect(hashLogFiles(file)).toEqual(before)
    expect(fs.readdirSync(path.dirname(file)).filter((f) => /encrypting|plain-old/.test(f))).toEqual([])
  })

  it('encrypts a log whose last commits are still in its -wal', () => {
    const file = plainLog()
    // Commits in the WAL, not yet checkpointed: a second connection keeps the file from closing clean.
    const actor = testActor('2026-11-25T09:00:00.000Z')
    const s = openLogSession(file, { transport: 'web', actor, backgroundCheck: false })
    const keep = openDb(file, null, { readonly: true })
    keep.exec('BEGIN')
    keep.prepare('SELECT count(*) FROM patient').get()
    addPatient(s.db!, actor, patientInput({ mrn: 'WAL-1', name: 'Only In The Wal' }))
    s.close()
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0)
    keep.exec('COMMIT')
    keep.close()
    const key = newLogKey()
    const done = encryptPlainLog(file, key, { auditKey: auditKeyOf(file) })
    expect(done.counts.patients).toBe(4)
    expect(isPlainSqlite(file)).toBe(false)
    expect(patients(file, key)).toBe(4)
    expect(fs.existsSync(`${file}-wal`)).toBe(false)
  })
})

describe('a crash while encrypting', () => {
  it('right after the plain log was linked aside: the link is undone, the log is still plain and whole', () => {
    const file = plainLog()
    fs.linkSync(file, `${file}.plain-old`)
    finishEncryption(file)
    expect(fs.existsSync(`${file}.plain-old`)).toBe(false)
    expect(isPlainSqlite(file)).toBe(true)
    expect(patients(file, null)).toBe(3)
  })

  it('with an unchecked copy: the copy is overwritten and removed, the plain log kept', () => {
    const file = plainLog()
    fs.writeFileSync(`${file}.encrypting`, 'half written')
    finishEncryption(file)
    expect(fs.existsSync(`${file}.encrypting`)).toBe(false)
    expect(patients(file, null)).toBe(3)
  })

  it('with the copy of its -wal left (a crash while copying, or after the copy was removed): the plain copies are overwritten and removed', () => {
    for (const left of [['.encrypting', '.encrypting-wal', '.encrypting-shm'], ['.encrypting-wal']]) {
      const file = plainLog()
      for (const f of left) fs.writeFileSync(`${file}${f}`, 'MARKER patient data')
      finishEncryption(file)
      expect(fs.readdirSync(path.dirname(file)).filter((f) => /encrypting/.test(f))).toEqual([])
      expect(patients(file, null)).toBe(3)
    }
  })

  it('with a checked copy: it is swapped in and the plain files are removed', () => {
    const file = plainLog()
    const key = newLogKey()
    // The checked copy as step 3 leaves it, from a twin of the log.
    const twin = path.join(path.dirname(file), 'twin.sqlite')
    for (const s of ['', '.key']) fs.copyFileSync(`${file}${s}`, `${twin}${s}`)
    encryptPlainLog(twin, key, { auditKey: auditKeyOf(twin) })
    fs.renameSync(twin, `${file}.encrypting`)
    fs.writeFileSync(`${file}.encrypting.ok`, '{}\n')
    finishEncryption(file)
    expect(isPlainSqlite(file)).toBe(false)
    expect(patients(file, key)).toBe(3)
    expect(fs.readdirSync(path.dirname(file)).filter((f) => /encrypting|plain-old/.test(f))).toEqual([])
  })
})

describe('the connection that encrypts the copy', () => {
  it('writes no plain page anywhere else: no rollback journal, its VACUUM in memory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-rekey-'))
    try {
      const db = new Database(path.join(dir, 'copy.sqlite'))
      db.pragma('journal_mode = WAL')
      db.exec('CREATE TABLE t (v TEXT)')
      forRekey(db)
      expect(db.pragma('journal_mode', { simple: true })).toBe('off')
      expect(db.pragma('temp_store', { simple: true })).toBe(2)
      db.close()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
