import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { findCaseCollisions, trackedPaths } from '../../../scripts/check-paths.mjs'
import { tempDir } from '../../helpers/db'

const root = path.resolve(__dirname, '..', '..', '..')
const script = path.join(root, 'scripts', 'check-paths.mjs')

describe('case collisions in tracked paths (scripts/check-paths.mjs)', () => {
  it('catches two paths that differ only in case', () => {
    expect(findCaseCollisions(['docs/Data.md', 'docs/data.md', 'README.md'])).toEqual([
      { shape: 'path', key: 'docs/data.md', paths: ['docs/Data.md', 'docs/data.md'] },
    ])
  })

  it('catches two spellings of one folder', () => {
    expect(findCaseCollisions(['Engine/a.ts', 'engine/b.ts'])).toEqual([
      { shape: 'path', key: 'engine/', paths: ['Engine/a.ts', 'engine/b.ts'] },
    ])
  })

  it('catches the same import target once the extension is dropped (Foo.tsx beside foo.ts)', () => {
    expect(findCaseCollisions(['renderer/src/Foo.tsx', 'renderer/src/foo.ts'])).toEqual([
      { shape: 'import', key: 'renderer/src/foo', paths: ['renderer/src/Foo.tsx', 'renderer/src/foo.ts'] },
    ])
    expect(findCaseCollisions(['engine/Dose.d.ts', 'engine/dose.mjs'])).toHaveLength(1)
  })

  it('catches a module beside a folder of the other case (foo.ts and Foo/index.ts)', () => {
    expect(findCaseCollisions(['src/foo.ts', 'src/Foo/index.ts'])).toEqual([
      { shape: 'import', key: 'src/foo', paths: ['src/Foo/index.ts', 'src/foo.ts'] },
    ])
  })

  it('lets through what a case-insensitive disk keeps apart', () => {
    expect(
      findCaseCollisions([
        'engine/dose.ts',
        'engine/doseData.ts',
        'engine/dose.test.ts',
        'renderer/foo.ts',
        'renderer/foo.css',
        'README.md',
        'readme.txt',
        'a/b.ts',
        'a/b/c.md',
      ]),
    ).toEqual([])
  })

  // A source archive without git has nothing tracked to check (CI always runs on a clone).
  it.skipIf(!process.env['CI'] && trackedPaths(root) === null)('finds none in this repository', () => {
    const paths = trackedPaths(root)
    expect(paths).not.toBeNull()
    expect(paths!.length).toBeGreaterThan(50)
    expect(findCaseCollisions(paths!)).toEqual([])
  })

  it('fails the command line (and so npm test) on a checkout with both shapes', () => {
    const t = tempDir()
    try {
      const git = (...args: string[]) => {
        const r = spawnSync('git', args, { cwd: t.dir, encoding: 'utf8', input: '' })
        expect(r.status, r.stderr).toBe(0)
        return r.stdout.trim()
      }
      git('init', '-q')
      // Index entries only, so this works on a case-insensitive disk too.
      const blob = git('hash-object', '-w', '--stdin')
      for (const p of ['docs/Notes.md', 'docs/notes.md', 'src/Foo.tsx', 'src/foo.ts', 'src/ok.ts'])
        git('update-index', '--add', '--cacheinfo', `100644,${blob},${p}`)
      const r = spawnSync(process.execPath, [script], { cwd: t.dir, encoding: 'utf8' })
      expect(r.status).toBe(1)
      expect(r.stderr).toContain('same path: docs/Notes.md, docs/notes.md')
      expect(r.stderr).toContain('same import without extension: src/Foo.tsx, src/foo.ts')
      expect(r.stderr).not.toContain('ok.ts')

      git('rm', '-q', '--cached', 'docs/Notes.md', 'src/Foo.tsx')
      const fixed = spawnSync(process.execPath, [script], { cwd: t.dir, encoding: 'utf8' })
      expect(fixed.status, fixed.stderr).toBe(0)
      expect(fixed.stdout).toContain('3 tracked paths, none differ only in letter case')
    } finally {
      t.cleanup()
    }
  })
})
