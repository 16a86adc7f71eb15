import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resolveStatic } from '../../../electron/serving/static-files'
import { tempDir } from '../../helpers/db'
import { makeServedFolder, PATH_TRAPS, SERVED_PATHS } from './traps'

let dir: string
let root: string
let cleanup: () => void
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  root = makeServedFolder(dir)
})
afterEach(() => cleanup())

const inside = (base: string, file: string) => {
  const rel = path.relative(fs.realpathSync(base), file)
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)
}

describe('static-file resolver (electron/serving/static-files.ts: the web host and app://)', () => {
  it.each(PATH_TRAPS)('refuses $kind: $path', ({ path: p }) => {
    expect(resolveStatic(root, p)).toBeNull()
  })

  it.each(SERVED_PATHS)('serves $path from inside the folder, by its real path', ({ path: p, body }) => {
    const hit = resolveStatic(root, p)
    expect(hit).not.toBeNull()
    expect(fs.readFileSync(hit!.file, 'utf8')).toBe(body)
    expect(hit!.file).toBe(fs.realpathSync(hit!.file))
    expect(inside(root, hit!.file)).toBe(true)
  })

  it('serves from a renderer folder reached through a symbolic link, and still refuses links out of it', () => {
    const linked = path.join(dir, 'renderer-link')
    fs.symlinkSync(root, linked, 'dir')
    expect(resolveStatic(linked, '/index.html')?.file).toBe(fs.realpathSync(path.join(root, 'index.html')))
    expect(resolveStatic(linked, '/linked-assets/a.js')).not.toBeNull()
    for (const p of ['/link-to-secret.txt', '/passwd.js', '/outside/secret.txt', '/etc-dir/passwd'])
      expect(resolveStatic(linked, p)).toBeNull()
  })

  it('refuses a link made after start that points out (checked at each request, not once)', () => {
    fs.writeFileSync(path.join(root, 'late.js'), 'ok')
    expect(resolveStatic(root, '/late.js')).not.toBeNull()
    fs.rmSync(path.join(root, 'late.js'))
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'late.js'))
    expect(resolveStatic(root, '/late.js')).toBeNull()
  })

  it('property: whatever the path, the answer is null or a regular file inside the real folder', () => {
    const piece = fc.constantFrom(
      '/',
      '..',
      '.',
      '%2e',
      '%2E',
      '%2f',
      '%5c',
      '\\',
      '%00',
      '%25',
      'assets',
      'a.js',
      'index.html',
      'secret.txt',
      'outside',
      'up',
      'linked-assets',
      'link-to-secret.txt',
      'passwd.js',
      'etc-dir',
      'renderer-evil',
      '?',
      '#',
      '%c0%ae',
      ':',
      'C:',
      '//',
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const hit = resolveStatic(root, '/' + parts.join(''))
        if (hit === null) return
        expect(inside(root, hit.file)).toBe(true)
        expect(fs.statSync(hit.file).isFile()).toBe(true)
        expect(fs.readFileSync(hit.file, 'utf8')).not.toMatch(/outside the renderer|sibling folder|root:/)
      }),
      { numRuns: 2000 },
    )
  })
})
