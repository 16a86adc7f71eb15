// `npm run start:web` (or `npm start` where Electron is unavailable): the loopback web host.
// Serves the built renderer and the same API on 127.0.0.1, then prints the address to open.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { resolveDataFile } from '../backend/backend'
import { openVaultBackend } from '../backend/vault'
import { describeError, logFileFor, openLog, type AppLog } from '../backend/log'
import { startWebHost, webTokenProblem } from './host'

/** Per-user data folder when neither --data nor PNET_DATA_FILE is given (as Electron's userData). */
function defaultDataDir(): string {
  const home = os.homedir()
  if (process.platform === 'win32') return path.join(process.env['APPDATA'] ?? home, 'pNET Follow-up')
  if (process.platform === 'darwin')
    return path.join(home, 'Library', 'Application Support', 'pNET Follow-up')
  return path.join(process.env['XDG_CONFIG_HOME'] ?? path.join(home, '.config'), 'pNET Follow-up')
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version?: string
    }
    return pkg.version ?? '0.0.0'
  } catch {
    return '0.0.0'
  }
}

/** Set once the data file is known, so a failure after that point is kept in its log file. */
let log: AppLog | null = null

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const portArg = argv.find((a) => a.startsWith('--port='))
  const port = portArg ? Number(portArg.slice('--port='.length)) : 0
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got ${portArg}`)
  const chosenToken = process.env['PNET_WEB_TOKEN'] || undefined
  // A weak chosen token stops the start before the log is touched.
  const tokenProblem = chosenToken === undefined ? null : webTokenProblem(chosenToken)
  if (tokenProblem) throw new Error(tokenProblem)
  const dataFile = resolveDataFile(argv, process.env, defaultDataDir())
  log = openLog(logFileFor(dataFile))
  // Browser mode has no keychain: the page asks for the log's passphrase before anything else.
  // PNET_IDLE_LOCK_SECONDS (tests) can only make the idle lock sooner than the log's setting.
  const idleSeconds = Number(process.env['PNET_IDLE_LOCK_SECONDS'] ?? '')
  const backend = openVaultBackend({
    dataFile,
    transport: 'web',
    version: readVersion(),
    log,
    ...(Number.isFinite(idleSeconds) && idleSeconds > 0 ? { idleMsCap: idleSeconds * 1000 } : {}),
  })
  const host = await startWebHost({
    handlers: backend.handlers,
    rendererRoot: path.join(__dirname, '..', 'renderer'),
    port,
    log: backend.log.error,
    ...(chosenToken ? { token: chosenToken } : {}),
  })
  console.log(`pNET Follow-up (browser mode) is serving the log at ${dataFile}`)
  console.log(`Failures are written to ${backend.log.file}`)
  console.log(`Open this address in Chromium or Chrome on this computer:\n\n  ${host.url}\n`)
  console.log(
    "The page asks for the log's passphrase (or, the first time, to choose one), then for your account.",
  )
  console.log('Press Ctrl+C to stop.')
  const stop = (): void => {
    void host.close().then(() => {
      backend.close()
      process.exit(0)
    })
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e: unknown) => {
  if (log) {
    // Printed on the terminal too (the log's console output), and kept in the file.
    log.error(`browser mode could not start: ${describeError(e)}`)
    console.error(`Details: ${log.file}`)
  } else {
    console.error(e instanceof Error ? e.message : String(e))
  }
  process.exit(1)
})
