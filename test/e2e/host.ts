import { test as base, expect } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface RunningHost {
  url: string
  origin: string
  stop(): Promise<void>
}

/**
 * Starts the built web host (out/main/webhost.js, exactly what `npm run start:web` runs) on a
 * random port with the given log file, and waits for the address it prints.
 */
export async function startHost(dataFile: string, env: NodeJS.ProcessEnv = {}): Promise<RunningHost> {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.resolve('out/main/webhost.js'), `--data=${dataFile}`, '--port=0'],
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
