// The SQLite driver (better-sqlite3-multiple-ciphers, SQLCipher-compatible) is a native module built for ONE runtime: Node (tests, web host) or Electron
// (the desktop app). These helpers check which one the current build is for and rebuild when the
// other is needed. A marker file records the last build made for Electron.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const marker = path.join(root, 'node_modules', 'better-sqlite3-multiple-ciphers', 'build', '.pnet-runtime')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' })
  return r.status === 0
}

/** True when the driver loads in this Node. */
export function loadsInNode() {
  const r = spawnSync(
    process.execPath,
    ['-e', "new (require('better-sqlite3-multiple-ciphers'))(':memory:').close()"],
    {
      cwd: root,
      encoding: 'utf8',
    },
  )
  return r.status === 0
}

export function ensureNodeBuild() {
  if (loadsInNode()) return true
  console.log('better-sqlite3-multiple-ciphers is built for Electron; rebuilding it for Node (about 90 s)…')
  const ok = run(npm, ['rebuild', 'better-sqlite3-multiple-ciphers']) && loadsInNode()
  if (ok) fs.rmSync(marker, { force: true })
  return ok
}

export function ensureElectronBuild() {
  if (fs.existsSync(marker)) return true
  console.log(
    'Building better-sqlite3-multiple-ciphers for Electron (once; `npm test` switches it back for Node)…',
  )
  const ok = run(npx, ['electron-builder', 'install-app-deps'])
  if (ok) fs.writeFileSync(marker, 'electron\n')
  return ok
}

if (process.argv[2] === '--node') process.exit(ensureNodeBuild() ? 0 : 1)
