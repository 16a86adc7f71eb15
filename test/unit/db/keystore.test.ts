import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { isPlainSqlite, newLogKey, openDb } from '../../../db/cipher'
import { DbError } from '../../../db/errors'
import {
  addKeychainEntry,
  keyFromRecoveryKey,
  keyStoreFileOf,
  recoveryKeyOf,
  requireKeyFile,
  setUpKey,
  unlockWithKeychain,
  unlockWithPassphrase,
  type OsKeychain,
} from '../../../db/keystore'
import { openDatabase } from '../../../db/open'
import { tempDir } from '../../helpers/db'

// The key handling of docs/privacy.md with Electron's safeStorage stubbed: a keychain that wraps
// with a secret of its own (another "account" has another secret and cannot unwrap).

function stubKeychain(secret = 'account-A', backend = 'gnome_libsecret'): OsKeychain & { wrapped: string[] } {
  const wrapped: string[] = []
  const mask = (b: Buffer): Buffer => Buffer.from(b.map((x, i) => x ^ secret.charCodeAt(i % secret.length)))
  return {
    wrapped,
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (s) => {
      wrapped.push(s)
      return Buffer.concat([Buffer.from(`v10${secret}:`), mask(Buffer.from(s))])
    },
    decryptString: (b) => {
      const prefix = Buffer.from(`v10${secret}:`)
      if (!b.subarray(0, prefix.length).equals(prefix))
        throw new Error('Error while decrypting the ciphertext')
      return mask(b.subarray(prefix.length)).toString()
    },
  }
}

const dirs: Array<() => void> = []
function logFile(): string {
  const t = tempDir('pnet-keys-')
  dirs.push(t.cleanup)
  return path.join(t.dir, 'log.sqlite')
}
afterEach(() => {
  for (const c of dirs.splice(0)) c()
})

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    return e instanceof DbError ? e.code : `not a DbError: ${String(e)}`
  }
  return undefined
}

async function codeOfAsync(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn()
  } catch (e) {
    return e instanceof DbError ? e.code : `not a DbError: ${String(e)}`
  }
  return undefined
}

describe('the key file', () => {
  it('keeps the key only wrapped: the keychain gives it back, the file never holds it in clear', async () => {
    const file = logFile()
    const keychain = stubKeychain()
    const { key } = await setUpKey(file, { keychain })
    const text = fs.readFileSync(keyStoreFileOf(file), 'utf8')
    expect(text).not.toContain(key.toString('hex'))
    expect(text).not.toContain(key.toString('base64'))
    expect((fs.statSync(keyStoreFileOf(file)).mode & 0o777).toString(8)).toBe('600')
    expect(unlockWithKeychain(file, keychain)).toEqual(key)
    expect(requireKeyFile(file).keychain?.backend).toBe('gnome_libsecret')
  })

  it('another account’s keychain cannot unwrap it: KEY_WRONG, and the passphrase still works', async () => {
    const file = logFile()
    const { key } = await setUpKey(file, { keychain: stubKeychain('A'), passphrase: 'correct horse battery' })
    expect(codeOf(() => unlockWithKeychain(file, stubKeychain('B')))).toBe('KEY_WRONG')
    expect(await unlockWithPassphrase(file, 'correct horse battery')).toEqual(key)
  })

  it('refuses a keychain without a keyring (Linux basic_text) and one that is unavailable', async () => {
    const file = logFile()
    expect(await codeOfAsync(() => setUpKey(file, { keychain: stubKeychain('A', 'basic_text') }))).toBe(
      'KEYCHAIN_UNAVAILABLE',
    )
    const off = { ...stubKeychain(), isEncryptionAvailable: () => false }
    expect(await codeOfAsync(() => setUpKey(file, { keychain: off }))).toBe('KEYCHAIN_UNAVAILABLE')
    expect(fs.existsSync(keyStoreFileOf(file))).toBe(false)
  })

  it('a wrong passphrase is KEY_WRONG and changes nothing; a short one is PASSPHRASE_WEAK', async () => {
    const file = logFile()
    expect(await codeOfAsync(() => setUpKey(file, { passphrase: 'short' }))).toBe('PASSPHRASE_WEAK')
    await setUpKey(file, { passphrase: 'a long enough passphrase' })
    const before = fs.readFileSync(keyStoreFileOf(file))
    expect(await codeOfAsync(() => unlockWithPassphrase(file, 'a long enough passphrasE'))).toBe('KEY_WRONG')
    expect(fs.readFileSync(keyStoreFileOf(file))).toEqual(before)
  })

  it('names a missing and a damaged key file', async () => {
    const file = logFile()
    expect(await codeOfAsync(() => unlockWithPassphrase(file, 'whatever passphrase'))).toBe(
      'KEY_FILE_MISSING',
    )
    fs.writeFileSync(keyStoreFileOf(file), '{"format":"pnet-log-key/1",')
    expect(await codeOfAsync(() => unlockWithPassphrase(file, 'whatever passphrase'))).toBe(
      'KEY_FILE_DAMAGED',
    )
    fs.writeFileSync(keyStoreFileOf(file), JSON.stringify({ format: 'something-else' }))
    expect(codeOf(() => requireKeyFile(file))).toBe('KEY_FILE_DAMAGED')
  })

  it('adds a keychain entry to a passphrase key file (the desktop then opens without asking)', async () => {
    const file = logFile()
    const { key } = await setUpKey(file, { passphrase: 'browser mode passphrase' })
    const keychain = stubKeychain()
    expect(unlockWithKeychain(file, keychain)).toBeNull()
    addKeychainEntry(file, key, keychain)
    expect(unlockWithKeychain(file, keychain)).toEqual(key)
    expect(codeOf(() => addKeychainEntry(file, newLogKey(), keychain))).toBe('KEY_WRONG')
  })
})

describe('the recovery key', () => {
  it('is the key in 14 groups of 4 unambiguous characters, read back whatever the case and spacing', () => {
    for (let i = 0; i < 50; i++) {
      const key = newLogKey()
      const r = recoveryKeyOf(key)
      expect(r).toMatch(/^([A-HJ-NP-Z2-9]{4}-){13}[A-HJ-NP-Z2-9]{4}$/)
      expect(keyFromRecoveryKey(r)).toEqual(key)
      expect(keyFromRecoveryKey(r.toLowerCase().replace(/-/g, ' '))).toEqual(key)
    }
  })

  it('names a typing mistake (the check group) and a wrong length or character', () => {
    const r = recoveryKeyOf(newLogKey())
    const typo = (r[0] === 'A' ? 'B' : 'A') + r.slice(1)
    expect(codeOf(() => keyFromRecoveryKey(typo))).toBe('KEY_WRONG')
    expect(() => keyFromRecoveryKey(typo)).toThrow(/typing mistake/)
    expect(() => keyFromRecoveryKey(r.slice(0, -5))).toThrow(/56 letters and digits/)
    expect(() => keyFromRecoveryKey(`O${r.slice(1)}`)).toThrow(/no "O"/)
  })

  it('opens the log on another machine without the key file', async () => {
    const file = logFile()
    const { key, recoveryKey } = await setUpKey(file, { keychain: stubKeychain() })
    const db = openDatabase(file, { key })
    db.close()
    // Another machine: only the log file and the printed recovery key.
    const elsewhere = logFile()
    fs.copyFileSync(file, elsewhere)
    const other = openDb(elsewhere, keyFromRecoveryKey(recoveryKey), { readonly: true })
    expect(other.pragma('user_version', { simple: true })).toBeGreaterThan(0)
    other.close()
  })
})

describe('an encrypted log', () => {
  it('is not a plain SQLite file, and a wrong key is refused with KEY_WRONG leaving it unchanged', () => {
    const file = logFile()
    const key = newLogKey()
    openDatabase(file, { key }).close()
    expect(isPlainSqlite(file)).toBe(false)
    const before = fs.readFileSync(file)
    let err: unknown
    try {
      openDatabase(file, { key: newLogKey() })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(DbError)
    expect((err as DbError).code).toBe('KEY_WRONG')
    expect(fs.readFileSync(file)).toEqual(before)
    expect(fs.existsSync(`${file}-wal`)).toBe(false)
    // Without a key it is not read at all.
    expect(() => openDatabase(file)).toThrow(/not a pNET Follow-up log/)
  })
})
