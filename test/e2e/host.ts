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
