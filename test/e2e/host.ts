import { test as base, expect } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type Database from 'better-sqlite3-multiple-ciphers'
import { openDb } from '../../db/cipher'
import { keyFromRecoveryKey } from '../../db/keystore'

export interface RunningHost {
  url: string
  origin: string
  stop(): Promise<void>
}

/** The passphrase every e2e log is set up with (browser mode always asks for one). */
export const E2E_PASSPHRASE = 'e2e passphrase, test only'

/** The account every e2e log starts with (its first account, a radiologist), signed in by startHost. */
export const E2E_ACCOUNT = { name: 'Dr E. Tester', initials: 'ET', password: 'e2e account password' }

/** Each log's key, read from the recovery key its set-up showed (so a test can read the file). */
const logKeys = new Map<string, Buffer>()

export async function api(
  url: string,
  name: string,
  body: unknown,
): Promise<{ ok: boolean; value?: unknown; error?: unknown }> {
  const u = new URL(url)
  const res = await fetch(`${u.origin}/api/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Pnet-Token': u.hash.slice('#token='.length) },
    body: JSON.stringify(body),
  })
  return (await res.json()) as { ok: boolean; value?: unknown; error?: unknown }
}

/**
 * Unlocks the host's log the way the unlock screen does (set-up with E2E_PASSPHRASE the first
 * time, confirming the recovery key was saved; the passphrase after that), so the specs start at
 * the app itself. test/e2e/unlock.spec.ts goes through the screen.
 */
async function unlockHost(url: string, dataFile: string): Promise<void> {
  const status = (await api(url, 'vault.status', {})).value as { state: string }
  if (status.state === 'set-up') {
    const r = await api(url, 'vault.setUp', { passphrase: E2E_PASSPHRASE })
    if (!r.ok) throw new Error(`e2e set-up failed: ${JSON.stringify(r.error)}`)
    const k = await api(url, 'vault.recoveryKey', {})
    logKeys.set(dataFile, keyFromRecoveryKey((k.value as { recoveryKey: string }).recoveryKey))
    await api(url, 'vault.recoveryKeySaved', {})
  } else if (status.state === 'locked') {
    const r = await api(url, 'vault.unlock', { passphrase: E2E_PASSPHRASE })
    if (!r.ok) throw new Error(`e2e unlock failed: ${JSON.stringify(r.error)}`)
  }
}

/**
 * Signs the host's connection in the way the sign-in screen does: the first account (E2E_ACCOUNT)
 * on a new log, a sign-in after that. The session is the host's (its token), so the page opens in
 * the app. test/e2e/users.spec.ts goes through the screens.
 */
async function signInHost(url: string): Promise<void> {
  const s = (await api(url, 'session.status', {})).value as { state: string }
  const r =
    s.state === 'no-accounts'
      ? await api(url, 'session.createFirst', E2E_ACCOUNT)
      : await api(url, 'session.signIn', { login: E2E_ACCOUNT.initials, password: E2E_ACCOUNT.password })
  if (!r.ok) throw new Error(`e2e sign-in failed: ${JSON.stringify(r.error)}`)
}

/** Opens a log (or one of its backups: `logFile` names the log) with its key, for a spec to read. */
export function openLogFile(file: string, options: Database.Options = {}, logFile = file): Database.Database {
  return openDb(file, logKeys.get(logFile) ?? null, options)
}

/**
 * Starts the built web host (out/main/webhost.js, exactly what `npm run start:web` runs) on a
 * random port with the given log file, and waits for the address it prints.
 */
export async function startHost(
  dataFile: string,
  env: NodeJS.ProcessEnv = {},
  /** `unlock: false` leaves the log locked; `signIn: false` unlocks it but signs nobody in. */
  opts: { unlock?: boolean; signIn?: boolean } = {},
): Promise<RunningHost> {
  // HOST_NODE_ARGS: Node flags for the host process, e.g. "--cpu-prof --cpu-prof-dir=DIR" to
  // profile it under a bench (NODE_OPTIONS refuses --cpu-prof).
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(process.env['HOST_NODE_ARGS']?.split(' ').filter(Boolean) ?? []),
      path.resolve('out/main/webhost.js'),
      `--data=${dataFile}`,
      '--port=0',
    ],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host did not start:\n${output}`)), 15_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => reject(new Error(`web host exited (${code}):\n${output}`)))
  })
  if (opts.unlock !== false) {
    await unlockHost(url, dataFile)
    if (opts.signIn !== false) await signInHost(url)
  }
  return {
    url,
    origin: new URL(url).origin,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.on('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

export function tempDataFile(): { file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-e2e-'))
  return {
    file: path.join(dir, 'log.sqlite'),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}

export interface TestLog {
  /** The test's own SQLite file, in a temporary folder removed after the test. */
  file: string
  /** Starts the web host on the file. */
  start(): Promise<RunningHost>
  /** Stops the running host and starts a new one on the same file. */
  restart(): Promise<RunningHost>
}

/** Playwright's `test` with a fresh log per test and its web host stopped afterwards. */
export const test = base.extend<{ log: TestLog }>({
  // Playwright reads the fixture's dependencies from this destructuring; there are none.
  // eslint-disable-next-line no-empty-pattern
  log: async ({}, use) => {
    const data = tempDataFile()
    const running: { host: RunningHost | null } = { host: null }
    const start = async (): Promise<RunningHost> => (running.host = await startHost(data.file))
    await use({
      file: data.file,
      start,
      restart: async () => {
        await running.host?.stop()
        return start()
      },
    })
    await running.host?.stop()
    data.cleanup()
  },
})

export { expect }
