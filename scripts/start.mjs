// `npm start`: build, then open pNET Follow-up.
//   - Desktop (Electron) when its binary is installed or can be downloaded now.
//   - Otherwise (as on machines without internet) the same app in the browser: a loopback web
//     host that prints the address to open. `npm run start:web` goes there directly.
// Extra arguments are passed on, e.g. `npm start -- --data=/path/to/log.sqlite`.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ensureElectronBuild, ensureNodeBuild } from './native.mjs'

const root = path.resolve(import.meta.dirname, '..')
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
const args = process.argv.slice(2)
const webOnly = args.includes('--web')
const passOn = args.filter((a) => a !== '--web')

function electronBinaryPresent() {
  return fs.existsSync(path.join(root, 'node_modules', 'electron', 'path.txt'))
}

function build() {
  const r = spawnSync(npx, ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

function startWeb() {
  if (!ensureNodeBuild()) {
    console.error(
      'better-sqlite3-multiple-ciphers could not be built for Node; run `npm rebuild better-sqlite3-multiple-ciphers`.',
    )
    process.exit(1)
  }
  const child = spawn(process.execPath, [path.join(root, 'out', 'main', 'webhost.js'), ...passOn], {
    stdio: 'inherit',
  })
  const forward = (sig) => () => child.kill(sig)
  process.on('SIGINT', forward('SIGINT'))
  process.on('SIGTERM', forward('SIGTERM'))
  child.on('exit', (code) => process.exit(code ?? 0))
}

function startElectron() {
  if (!ensureElectronBuild()) {
    console.error(
      'better-sqlite3-multiple-ciphers could not be rebuilt for Electron; starting the browser version instead.',
    )
    return startWeb()
  }
  const child = spawn(npx, ['electron', '.', ...passOn], { cwd: root, stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
}

build()
if (webOnly) {
  startWeb()
} else if (electronBinaryPresent() || downloadElectron()) {
  startElectron()
} else {
  console.log(
    'The desktop app (Electron) is not installed and cannot be downloaded here; opening the browser version.',
  )
  startWeb()
}

/**
 * Tries to fetch the Electron binary. Its downloader's own output (a stack trace when there is no
 * network) is kept back: the person starting the app needs one plain line, not the trace.
 */
function downloadElectron() {
  console.log('Fetching the desktop app (Electron)…')
  const r = spawnSync(npx, ['install-electron'], { cwd: root, encoding: 'utf8', stdio: 'pipe' })
  return r.status === 0
}
