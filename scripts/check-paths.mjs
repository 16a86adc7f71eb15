// Fails when two tracked paths differ only in letter case. On a case-insensitive disk (the
// default on macOS and Windows) such paths are one file: a checkout silently keeps only one of
// them, and an import written without its extension (`./foo`) may resolve to `Foo.tsx` where
// Linux finds `foo.ts`. So two shapes are refused:
//
// - path: the same path up to case (`docs/Data.md` beside `docs/data.md`, or two spellings of
//   one folder, `Engine/` beside `engine/`);
// - import: the same import target up to case once the module extension is dropped
//   (`renderer/Foo.tsx` beside `renderer/foo.ts`, or `foo.ts` beside a folder `Foo/`).
//
// `node scripts/check-paths.mjs` lists the tracked files of the git checkout in the current folder.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

/** Extensions an import may leave out (TypeScript's and Node's resolution). */
export const MODULE_EXTENSIONS = [
  '.d.ts',
  '.ts',
  '.tsx',
  '.mts',
  '.cts',
  '.js',
  '.jsx',
  '.mjs',
  '.cjs',
  '.json',
]

/** The spelling a case-insensitive disk compares: Unicode-normalised (as macOS does) and lower case. */
const fold = (s) => s.normalize('NFC').toLowerCase()

/**
 * @param {readonly string[]} paths tracked paths, `/`-separated, relative to the repository root
 * @returns {{ shape: 'path' | 'import', key: string, paths: string[] }[]} one entry per group of
 *   paths that collide, sorted
 */
export function findCaseCollisions(paths) {
  /** @type {Map<string, Map<string, Set<string>>>} shape+folded key -> spelling -> tracked paths */
  const groups = new Map()
  /** Import spellings that are a module file (not only a folder). */
  const modules = new Set()
  const add = (shape, spelling, file) => {
    const key = `${shape}\0${fold(spelling)}`
    let spellings = groups.get(key)
    if (!spellings) groups.set(key, (spellings = new Map()))
    let files = spellings.get(spelling)
    if (!files) spellings.set(spelling, (files = new Set()))
    files.add(file)
  }
  for (const file of new Set(paths)) {
    const parts = file.split('/')
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/')
      add('path', `${folder}/`, file)
      add('import', folder, file)
    }
    add('path', file, file)
    const ext = MODULE_EXTENSIONS.find((e) => file.toLowerCase().endsWith(e))
    if (ext) {
      add('import', file.slice(0, -ext.length), file)
      modules.add(file.slice(0, -ext.length))
    }
  }
  const found = []
  for (const [key, spellings] of groups) {
    if (spellings.size < 2) continue
    const [shape, folded] = key.split('\0')
    // Two spellings of a folder and nothing else: already a `path` collision.
    if (shape === 'import' && ![...spellings.keys()].some((s) => modules.has(s))) continue
    const files = [...new Set([...spellings.values()].flatMap((s) => [...s]))].sort()
    found.push({ shape: /** @type {'path' | 'import'} */ (shape), key: folded, paths: files })
  }
  return found.sort((a, b) => a.shape.localeCompare(b.shape) || a.key.localeCompare(b.key))
}

/** The tracked paths of the git checkout at `cwd`, or null when `cwd` is not one. */
export function trackedPaths(cwd) {
  const r = spawnSync('git', ['ls-files', '-z'], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (r.error || r.status !== 0) return null
  return r.stdout.split('\0').filter(Boolean)
}

function main() {
  const cwd = process.cwd()
  const paths = trackedPaths(cwd)
  if (paths === null) {
    // A source archive has no git index; CI always runs on a clone, so there it is an error.
    const message = `check-paths: ${cwd} is not a git checkout (or git is missing), so its tracked paths cannot be listed.`
    if (process.env['CI']) {
      console.error(message)
      return 1
    }
    console.log(`${message} Skipped.`)
    return 0
  }
  const collisions = findCaseCollisions(paths)
  if (collisions.length === 0) {
    console.log(`check-paths: ${paths.length} tracked paths, none differ only in letter case.`)
    return 0
  }
  console.error(
    'check-paths: these tracked paths differ only in letter case (one file on macOS and Windows):',
  )
  for (const c of collisions) {
    const why = c.shape === 'path' ? 'same path' : 'same import without extension'
    console.error(`  ${why}: ${c.paths.join(', ')}`)
  }
  console.error('Rename one of each group (git mv) so that no two differ only in case.')
  return 1
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exit(main())
}
