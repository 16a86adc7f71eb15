import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setAuditKey, verifyAuditChain } from '../../../db/audit'
import { listBackups } from '../../../db/backup'
import { isPlainSqlite, openDb } from '../../../db/cipher'
import { fullCheck } from '../../../db/integrity'
import { readKey } from '../../../db/integrity-files'
import { keyFromRecoveryKey, keyStoreFileOf, type OsKeychain } from '../../../db/keystore'
import { openVaultBackend, type VaultBackend } from '../../../electron/backend/vault'
import type { CallName, RequestOf, ResultOf } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import type { Result } from '../../../electron/contract/result'
import { patientInput, tempDir } from '../../helpers/db'
import {
  backupOk,
  FIRST_ACCOUNT,
  mriStudy,
  ok as okPlain,
  open as openPlain,
  TEST_SCRYPT_COST,
} from '../../helpers/logfiles'

// Encryption at rest through the app's own calls (docs/privacy.md): set-up, the lock, the marker
// scan of every file on disk, the migration of a plain log, and recovery.

const PASS = 'four words in a row'
const MARKERS = ['Zqxmarkername', 'MRNQZX4471', 'Zqxnote-secret-finding']

async function call<K extends CallName>(
  v: VaultBackend,
  name: K,
  req: RequestOf<K>,
): Promise<Result<ResultOf<K>>> {
  if (v.backend() && !name.startsWith('vault.') && !name.startsWith('session.')) await signIn(v)
  return (await dispatch(v.handlers, name, req, () => undefined)) as Result<ResultOf<K>>
}
/** Once unlocked, the window signs in (the first account is made the first time), as the app does. */
async function signIn(v: VaultBackend): Promise<void> {
  const s = await dispatch(v.handlers, 'session.status', {}, () => undefined)
  const state = s.ok ? (s.value as { state: string }).state : 'unknown'
  if (state === 'signed-in') return
  const r =
    state === 'no-accounts'
      ? await dispatch(v.handlers, 'session.createFirst', FIRST_ACCOUNT, () => undefined)
      : await dispatch(
          v.handlers,
          'session.signIn',
          { login: FIRST_ACCOUNT.initials, password: FIRST_ACCOUNT.password },
          () => undefined,
        )
  if (!r.ok) throw new Error(`sign-in failed: ${JSON.stringify(r.error)}`)
}
async function ok<K extends CallName>(v: VaultBackend, name: K, req: RequestOf<K>): Promise<ResultOf<K>> {
  const r = await call(v, name, req)
  if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`)
  return r.value
}

/** Electron's safeStorage, stubbed: wraps with a secret of its own "account". */
function stubKeychain(secret = 'account-A', backend = 'gnome_libsecret'): OsKeychain {
  const tag = Buffer.from(`v10${secret}:`)
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (s) => Buffer.concat([tag, Buffer.from(s).reverse()]),
    decryptString: (b) => {
      if (!b.subarray(0, tag.length).equals(tag)) throw new Error('Error while decrypting the ciphertext')
      return Buffer.from(b.subarray(tag.length)).reverse().toString()
    },
  }
}

function vault(file: string, keychain?: OsKeychain): VaultBackend {
  let t = Date.parse('2026-11-24T12:00:00.000Z')
  return openVaultBackend({
    ...(keychain ? { keychain, transport: 'electron' as const } : { transport: 'web' as const }),
    dataFile: file,
    version: 'test',
    user: 'dr.test',
    now: () => new Date((t += 1000)),
    passwordCost: TEST_SCRYPT_COST,
  })
}

/** Every file under `dir` (recursively) holding any marker as UTF-8 or UTF-16LE/BE bytes. */
function filesWithMarkers(dir: string): string[] {
  const needles = MARKERS.flatMap((m) => [
    Buffer.from(m, 'utf8'),
    Buffer.from(m, 'utf16le'),
    Buffer.from(m, 'utf16le').swap16(),
    Buffer.from(m.toLowerCase(), 'utf8'),
  ])
  const found: string[] = []
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name)
      if (e.isDirectory()) walk(f)
      else if (e.isFile()) {
        const bytes = fs.readFileSync(f)
        if (needles.some((n) => bytes.includes(n))) found.push(path.relative(dir, f))
      }
    }
  }
  walk(dir)
  return found
}

function allFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
}

let tmp: { dir: string; cleanup: () => void }
let savedTmp: string | undefined
beforeEach(() => {
  tmp = tempDir('pnet-enc-')
  // The probe's temporary copies go under the scanned folder too.
  savedTmp = process.env['TMPDIR']
  fs.mkdirSync(path.join(tmp.dir, 'tmp'))
  process.env['TMPDIR'] = path.join(tmp.dir, 'tmp')
})
afterEach(() => {
  if (savedTmp === undefined) delete process.env['TMPDIR']
  else process.env['TMPDIR'] = savedTmp
  tmp.cleanup()
})

async function useTheApp(v: VaultBackend): Promise<void> {
  const p = await ok(v, 'patients.create', patientInput({ name: `${MARKERS[0]} Patient`, mrn: MARKERS[1] }))
  await ok(v, 'notes.set', { patientId: p.id, version: null, text: `${MARKERS[2]}: follow closely` })
  await ok(v, 'studies.record', {
    patientId: p.id,
    study: { ...mriStudy('2026-06-01'), note: `${MARKERS[2]} study` },
  })
  await ok(v, 'patients.list', { query: MARKERS[0], limit: 10, offset: 0 })
  await backupOk(v)
  // A failing call writes to the app's log file: it must not carry the request.
  await call(v, 'patients.update', {
    id: p.id,
    version: 999,
    patient: patientInput({ name: MARKERS[0], mrn: MARKERS[1] }),
  })
}

describe('the lock (browser mode)', () => {
  it('refuses every patient call with NOT_UNLOCKED until set-up, and a wrong passphrase changes nothing', async () => {
    const file = path.join(tmp.dir, 'data', 'log.sqlite')
    let v = vault(file)
    expect((await ok(v, 'vault.status', {})).state).toBe('set-up')
    for (const name of ['patients.list', 'app.info', 'log.backups', 'app.backup'] as const) {
      const r = await call(v, name, name === 'patients.list' ? { limit: 1, offset: 0 } : ({} as never))
      expect(r.ok ? 'answered' : r.error.code).toBe('NOT_UNLOCKED')
    }
    expect(fs.existsSync(file)).toBe(false)
    const weak = await call(v, 'vault.setUp', { passphrase: 'short' })
    expect(weak.ok ? 'ok' : weak.error.code).toBe('PASSPHRASE_WEAK')
    const s = await ok(v, 'vault.setUp', { passphrase: PASS })
    expect(s).toMatchObject({ state: 'unlocked', recoveryKeyPending: true })
    const { recoveryKey } = await ok(v, 'vault.recoveryKey', {})
    await ok(v, 'vault.recoveryKeySaved', {})
    expect((await call(v, 'vault.recoveryKey', {})).ok).toBe(false)
    await ok(v, 'patients.create', patientInput({ name: 'Ann Example', mrn: 'A1' }))
    v.close()

    v = vault(file)
    expect((await ok(v, 'vault.status', {})).state).toBe('locked')
    const before = allFiles(tmp.dir).sort()
    const bytes = fs.readFileSync(file)
    const wrong = await call(v, 'vault.unlock', { passphrase: `${PASS}!` })
    expect(wrong.ok ? 'ok' : wrong.error.code).toBe('KEY_WRONG')
    expect(allFiles(tmp.dir).sort()).toEqual(before)
    expect(fs.readFileSync(file)).toEqual(bytes)
    expect((await call(v, 'patients.list', { limit: 10, offset: 0 })).ok).toBe(false)
    await ok(v, 'vault.unlock', { passphrase: PASS })
    expect((await ok(v, 'patients.list', { limit: 10, offset: 0 })).total).toBe(1)
    v.close()

    // The key file lost: only the recovery key opens the log; a new key file is written.
    fs.rmSync(keyStoreFileOf(file))
    v = vault(file)
    expect((await ok(v, 'vault.status', {})).state).toBe('key-file-missing')
    const locked = await call(v, 'vault.unlock', { passphrase: PASS })
    expect(locked.ok ? 'ok' : locked.error.code).toBe('KEY_FILE_MISSING')
    await ok(v, 'vault.recover', { recoveryKey, passphrase: 'a new passphrase here' })
    expect((await ok(v, 'patients.list', { limit: 10, offset: 0 })).total).toBe(1)
    v.close()
  }, 120_000)
})

describe('the lock (desktop, safeStorage stubbed)', () => {
  it('sets up through the keychain without asking, shows the recovery key once, and reopens without asking', async () => {
    const file = path.join(tmp.dir, 'data', 'log.sqlite')
    let v = vault(file, stubKeychain())
    await v.ready
    expect(await ok(v, 'vault.status', {})).toMatchObject({ state: 'unlocked', recoveryKeyPending: true })
    const { recoveryKey } = await ok(v, 'vault.recoveryKey', {})
    await ok(v, 'vault.recoveryKeySaved', {})
    await ok(v, 'patients.create', patientInput({ name: 'Desk Top', mrn: 'D1' }))
    v.close()
    expect(isPlainSqlite(file)).toBe(false)

    v = vault(file, stubKeychain())
    await v.ready
    expect(await ok(v, 'vault.status', {})).toMatchObject({ state: 'unlocked', recoveryKeyPending: false })
    expect((await ok(v, 'patients.list', { limit: 10, offset: 0 })).total).toBe(1)
    v.close()

    // Another account's keychain cannot unwrap the key: locked, the problem named, nothing opened.
    v = vault(file, stubKeychain('account-B'))
    await v.ready
    const s = await ok(v, 'vault.status', {})
    expect(s.state).toBe('locked')
    expect(s.problem).toMatch(/keychain cannot unwrap/)
    expect((await call(v, 'patients.list', { limit: 10, offset: 0 })).ok).toBe(false)
    // The recovery key opens it, and the key is wrapped by this keychain from then on.
    await ok(v, 'vault.recover', { recoveryKey })
    expect((await ok(v, 'patients.list', { limit: 10, offset: 0 })).total).toBe(1)
    v.close()
    v = vault(file, stubKeychain('account-B'))
    await v.ready
    expect((await ok(v, 'vault.status', {})).state).toBe('unlocked')
    v.close()
  }, 120_000)

  it('without a keyring (basic_text) asks for a passphrase instead', async () => {
    const file = path.join(tmp.dir, 'data', 'log.sqlite')
    const v = vault(file, stubKeychain('A', 'basic_text'))
    await v.ready
    const s = await ok(v, 'vault.status', {})
    expect(s.state).toBe('set-up')
    expect(s.problem).toMatch(/No keyring is running/)
    await ok(v, 'vault.setUp', { passphrase: PASS })
    expect((await ok(v, 'vault.status', {})).ways).toEqual(['passphrase'])
    v.close()
  }, 120_000)
})

describe('no marker on disk', () => {
  it('after using the app, no name, MRN or note is found in the log, WAL, backups, temporaries or log file', async () => {
    const file = path.join(tmp.dir, 'data', 'log.sqlite')
    const v = vault(file)
    await ok(v, 'vault.setUp', { passphrase: PASS })
    await useTheApp(v)
    // While open too (the WAL holds the recent changes), once today's backup, taken in the
    // background after the check at open, has finished writing its files.
    await v.backend()!.checked
    expect(fs.existsSync(`${file}-wal`)).toBe(true)
    expect(filesWithMarkers(tmp.dir)).toEqual([])
    v.close()
    const names = allFiles(tmp.dir)
    expect(names.some((n) => /^pnet-followup-manual-.*\.sqlite$/.test(n))).toBe(true)
    expect(names).toContain('pnet.log')
    expect(filesWithMarkers(tmp.dir)).toEqual([])
    // The scan can fail: the same use on a plain log shows the markers.
    const plainFile = path.join(tmp.dir, 'plain', 'log.sqlite')
    const plain = openPlain(plainFile)
    await okPlain(plain, 'patients.create', patientInput({ name: `${MARKERS[0]} Patient`, mrn: MARKERS[1] }))
    plain.close()
    expect(filesWithMarkers(path.join(tmp.dir, 'plain'))).toContain('log.sqlite')
  }, 120_000)
})

describe('a plain log from before encryption', () => {
  it('is encrypted at set-up with every row, its audit chain and its backups; the plain copies are gone', async () => {
    const file = path.join(tmp.dir, 'data', 'log.sqlite')
    const plain = openPlain(file)
    for (let i = 0; i < 12; i++)
      await okPlain(
        plain,
        'patients.create',
        patientInput({ name: `${MARKERS[0]} ${i}`, mrn: `${MARKERS[1]}-${i}` }),
      )
    await backupOk(plain)
    const counts = plain.db
      .prepare('SELECT (SELECT count(*) FROM patient) p, (SELECT count(*) FROM audit_log) a')
      .get() as {
      p: number
      a: number
    }
    plain.close()
    expect(isPlainSqlite(file)).toBe(true)
    expect(filesWithMarkers(tmp.dir).length).toBeGreaterThan(0)

    const v = vault(file)
    expect(await ok(v, 'vault.status', {})).toMatchObject({ state: 'set-up', plainLogFound: true })
    await ok(v, 'vault.setUp', { passphrase: PASS })
    const { recoveryKey } = await ok(v, 'vault.recoveryKey', {})
    expect((await ok(v, 'patients.list', { limit: 100, offset: 0 })).total).toBe(12)
    await v.backend()!.checked
    expect(v.backend()!.status().mode).toBe('writable')
    v.close()

    expect(isPlainSqlite(file)).toBe(false)
    expect(filesWithMarkers(tmp.dir)).toEqual([])
    expect(allFiles(tmp.dir).filter((n) => /plain-old|encrypting/.test(n))).toEqual([])
    const key = keyFromRecoveryKey(recoveryKey)
    const db = openDb(file, key, { readonly: true })
    setAuditKey(db, readKey(file).kind === 'present' ? (readKey(file) as { key: Buffer }).key : null)
    const after = db
      .prepare('SELECT (SELECT count(*) FROM patient) p, (SELECT count(*) FROM audit_log) a')
      .get() as {
      p: number
      a: number
    }
    expect(after.p).toBe(counts.p)
    expect(after.a).toBeGreaterThanOrEqual(counts.a)
    expect(verifyAuditChain(db)).toBeNull()
    expect(fullCheck(db)).toEqual([])
    db.close()
    // The backup taken while plain is encrypted now, and still listed as checked.
    const backups = listBackups(path.join(tmp.dir, 'data', 'backups'), file, key)
    expect(backups.length).toBeGreaterThan(0)
    for (const b of backups) expect(isPlainSqlite(b.file)).toBe(false)
    expect(backups.some((b) => b.checked && b.patients === 12)).toBe(true)
  }, 120_000)
})
