import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DbError } from '../../../db/errors'
import { patientInput, tempDir } from '../../helpers/db'
import { backupNow, call, ok, open } from '../../helpers/logfiles'

// A full disk, a read-only medium and a moved file each get their own code and a message that
// says what to do; writes resume when space returns. The disk cases run on a 2 MiB tmpfs, which
// needs root (mount); elsewhere they are skipped, with the reason printed.

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const mountable = isRoot && process.platform === 'linux'
if (!mountable) console.log('[disk] skipped the tmpfs cases: mounting a small tmpfs needs root on Linux')

function withTmpfs(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const t = tempDir('pnet-tmpfs-')
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', t.dir])
    try {
      await fn(t.dir)
    } finally {
      execFileSync('umount', ['-l', t.dir])
      t.cleanup()
    }
  }
}

/** Fills the disk holding `dir` with a file; returns it (remove it to free the space). */
function fill(dir: string): string {
  const filler = path.join(dir, 'filler')
  const fd = fs.openSync(filler, 'w')
  const chunk = Buffer.alloc(64 * 1024, 1)
  try {
    for (;;) fs.writeSync(fd, chunk)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e
  }
  const small = Buffer.alloc(512, 1)
  try {
    for (;;) fs.writeSync(fd, small)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e
  } finally {
    fs.closeSync(fd)
  }
  return filler
}

describe.skipIf(!mountable)('a full disk (2 MiB tmpfs)', () => {
  it(
    'names the full disk, leaves no partial backup, and resumes writing when space returns',
    withTmpfs(async (dir) => {
      const file = path.join(dir, 'log.sqlite')
      const b = open(file)
      await b.checked
      await ok(b, 'patients.create', patientInput({ mrn: 'BEFORE-1' }))
      const filler = fill(dir)
      let refused: { code: string; message: string } | null = null
      for (let i = 0; i < 200 && !refused; i++) {
        const r = await call(b, 'patients.create', patientInput({ mrn: `FULL-${i}` }))
        if (!r.ok) refused = r.error
      }
      expect(refused?.code).toBe('DB_DISK_FULL')
      expect(refused?.message).toMatch(/is full\. Nothing was saved\. Free some space/)
      console.log(`[disk] full disk, save: ${refused?.code}: ${refused?.message}`)
      const backup = await backupNow(b)
      expect(backup).toMatchObject({ ok: false, error: { code: 'DB_DISK_FULL' } })
      if (!backup.ok) console.log(`[disk] full disk, backup: ${backup.error.code}: ${backup.error.message}`)
      expect(fs.readdirSync(path.join(dir, 'backups')).filter((f) => f.endsWith('.partial'))).toEqual([])
      fs.rmSync(filler)
      expect((await call(b, 'patients.create', patientInput({ mrn: 'AFTER-1' }))).ok).toBe(true)
      b.close()
    }),
  )

  it(
    'names a full disk at start-up instead of "disk I/O error"',
    withTmpfs(async (dir) => {
      const file = path.join(dir, 'log.sqlite')
      const b = open(file)
      await b.checked
      b.close()
      const filler = fill(dir)
      let error: unknown = null
      try {
        open(file).close()
      } catch (e) {
        error = e
      }
      fs.rmSync(filler)
      expect(error).toBeInstanceOf(DbError)
      expect((error as DbError).code).toBe('DB_DISK_FULL')
      expect((error as Error).message).not.toMatch(/disk I\/O error/)
      console.log(`[disk] full disk, start: ${(error as DbError).code}: ${(error as Error).message}`)
      const again = open(file)
      expect(again.status().mode).toBe('writable')
      again.close()
    }),
  )

  it(
    'names a read-only medium',
    withTmpfs(async (dir) => {
      const file = path.join(dir, 'log.sqlite')
      const b = open(file)
      await b.checked
      b.close()
      execFileSync('mount', ['-o', 'remount,ro', dir])
      let error: unknown = null
      try {
        open(file).close()
      } catch (e) {
        error = e
      } finally {
        execFileSync('mount', ['-o', 'remount,rw', dir])
      }
      expect((error as DbError).code).toBe('DB_READ_ONLY_MEDIA')
      console.log(`[disk] read-only medium: ${(error as DbError).code}: ${(error as Error).message}`)
    }),
  )
})

describe('a moved log', () => {
  it('names a log moved away while the app runs', async () => {
    const t = tempDir()
    try {
      const file = path.join(t.dir, 'log.sqlite')
      const b = open(file)
      await ok(b, 'patients.create', patientInput())
      fs.renameSync(file, path.join(t.dir, 'moved.sqlite'))
      const r = await call(b, 'patients.create', patientInput({ mrn: 'MRN-2' }))
      expect(r).toMatchObject({ ok: false, error: { code: 'DB_MOVED' } })
      if (!r.ok) console.log(`[disk] moved: ${r.error.code}: ${r.error.message}`)
      b.close()
    } finally {
      t.cleanup()
    }
  })
})
