import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scanWal, scanWalFile, walOfBuffer } from '../../../db/integrity-wal'

// The open's check reads the -wal from disk a window at a time (a WAL can be larger than any
// buffer: one big import writes gigabytes into it). The file scan must say exactly what a scan of
// the same bytes in memory says, wherever the damage falls against the window.

let dir = ''
let wal = Buffer.alloc(0)
const PAGE = 4096
const FRAME = 24 + PAGE

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-wal-'))
  const file = path.join(dir, 'log.sqlite')
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('wal_autocheckpoint = 0')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)')
  const ins = db.prepare('INSERT INTO t (v) VALUES (randomblob(3000))')
  // Many small commits, about 9 MB of frames: damage past the first 4 MB window has commits after it.
  for (let i = 0; i < 3000; i++) ins.run()
  // A second connection keeps the first from checkpointing its WAL away on close.
  const keep = new Database(file, { readonly: true })
  keep.prepare('SELECT count(*) FROM t').get()
  db.close()
  wal = fs.readFileSync(`${file}-wal`)
  keep.close()
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function scanBoth(bytes: Buffer) {
  const f = path.join(dir, `copy-${Math.random().toString(36).slice(2)}-wal`)
  fs.writeFileSync(f, bytes)
  try {
    return { file: scanWalFile(f), memory: scanWal(walOfBuffer(bytes)) }
  } finally {
    fs.rmSync(f)
  }
}

describe('scanning a WAL from disk', () => {
  it('reads a WAL larger than its window whole, as a scan in memory does', () => {
    expect(wal.length).toBeGreaterThan(8 * 1024 * 1024)
    const { file, memory } = scanBoth(wal)
    expect(file).toEqual(memory)
    expect(file.problem).toBeNull()
    expect(file.frames).toBe(Math.floor((wal.length - 32) / FRAME))
    expect(file.validFrames).toBe(file.frames)
  })

  it('names damage before, across and after the window edge, exactly as the scan in memory does', () => {
    const frames = Math.floor((wal.length - 32) / FRAME)
    // Frames whose page straddles the 4 MB and 8 MB edges, one in the first window, one near the end.
    const edge = (bytes: number) => Math.floor((bytes - 32) / FRAME)
    for (const frame of [3, edge(4 * 1024 * 1024), edge(8 * 1024 * 1024), frames - 20]) {
      const damaged = Buffer.from(wal)
      const at = 32 + frame * FRAME + 24 + 100
      damaged[at] = damaged[at]! ^ 0xff
      const { file, memory } = scanBoth(damaged)
      expect(file).toEqual(memory)
      expect(file.problem).toMatch(new RegExp(`^frame ${frame + 1} of ${frames} is damaged`))
      expect(file.validFrames).toBeLessThanOrEqual(frame)
    }
  })
})
