import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anchorFileOf, keyFileOf } from '../../../db/integrity-files'
import { openBackend } from '../../../electron/backend/backend'
import { patientInput, tempDir } from '../../helpers/db'
import { call, dumpContent, hashLogFiles, ok, open, populate } from '../../helpers/logfiles'

// Copies of a populated log, each with one random byte flipped in the file header, inside a page
// of the main file, or inside the write-ahead log. For each, opening it as the app does (and
// letting the full check after open finish) must end in one of:
// - refused (unavailable), the files byte-identical;
// - read-only with the damage named, the log and -wal byte-identical, every write refused;
// - writable with content identical to the original's (the flip hit unused bytes).
// Never writable with different content. Figures: `npx vitest run test/unit/db/corruption-sweep.test.ts`.

const PER_REGION = Number(process.env['PNET_SWEEP_PER_REGION'] ?? 40)

let fixture: string
let reference: string
let referenceHead: number
let cleanup: () => void
let walFrames = 0

beforeAll(async () => {
  const t = tempDir('pnet-sweep-')
  cleanup = t.cleanup
  const live = path.join(t.dir, 'live', 'log.sqlite')
  const b = open(live)
  await b.checked
  await populate(b, 8, 'A')
  // Half the log in the main file, half still in the WAL: the image a crash (or a copy taken
  // while the app runs) leaves.
  b.db.pragma('wal_checkpoint(TRUNCATE)')
  await populate(b, 6, 'B')
  await ok(b, 'settings.update', { theme: 'dark' })
  fixture = path.join(t.dir, 'fixture')
  fs.mkdirSync(fixture)
  for (const f of [live, `${live}-wal`, anchorFileOf(live), keyFileOf(live)])
    fs.copyFileSync(f, path.join(fixture, path.basename(f)))
  b.close()
  const walSize = fs.statSync(path.join(fixture, 'log.sqlite-wal')).size
  walFrames = Math.floor((walSize - 32) / (4096 + 24))
  // The original content, as SQLite reads the unflipped image.
  const probe = path.join(t.dir, 'reference')
  fs.mkdirSync(probe)
  for (const f of ['log.sqlite', 'log.sqlite-wal'])
    fs.copyFileSync(path.join(fixture, f), path.join(probe, f))
  const db = new Database(path.join(probe, 'log.sqlite'))
  reference = dumpContent(db)
  referenceHead = db.prepare('SELECT max(id) FROM audit_log').pluck().get() as number
  db.close()
}, 120_000)
afterAll(() => cleanup())

type Region = 'header' | 'page' | 'wal'
type Outcome = 'refused' | 'read-only' | 'identical' | 'WRONGLY-ACCEPTED'

let seed = 0x2545f491
const random = (n: number): number => {
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return (seed >>> 0) % n
}

function flipOffset(region: Region, mainSize: number): { file: string; offset: number } {
  if (region === 'header') return { file: 'log.sqlite', offset: random(100) }
  if (region === 'page') return { file: 'log.sqlite', offset: 100 + random(mainSize - 100) }
  // Inside the frames of the WAL (its 32-byte header included in 1 of 20 cases).
  const walBytes = 32 + walFrames * (4096 + 24)
  return { file: 'log.sqlite-wal', offset: random(20) === 0 ? random(32) : 32 + random(walBytes - 32) }
}

// The sweep runs twice, each with its own flips: opened as a small log (SQLite's quick_check before
// open) and as a large one (`quickCheckUpTo: 0`: its pages are checked only by the full check after open,
// in the background worker; docs/data.md, "Integrity").
describe.each([
  ['small log', undefined],
  ['large log (page check after open)', 0],
] as const)('corruption sweep, %s', (label, quickCheckUpTo) => {
  it(`${PER_REGION * 3} flipped copies: refused unchanged, read-only with the damage named, or identical`, async () => {
    const t = tempDir('pnet-sweep-case-')
    const counts: Record<Region, Record<Outcome, number>> = {
      header: { refused: 0, 'read-only': 0, identical: 0, 'WRONGLY-ACCEPTED': 0 },
      page: { refused: 0, 'read-only': 0, identical: 0, 'WRONGLY-ACCEPTED': 0 },
      wal: { refused: 0, 'read-only': 0, identical: 0, 'WRONGLY-ACCEPTED': 0 },
    }
    const codes: Record<string, number> = {}
    const wrong: string[] = []
    const changedByRefusal: string[] = []
    let foundAfterOpen = 0
    try {
      const mainSize = fs.statSync(path.join(fixture, 'log.sqlite')).size
      let n = 0
      for (const region of ['header', 'page', 'wal'] as const) {
        for (let i = 0; i < PER_REGION; i++, n++) {
          const dir = path.join(t.dir, `case-${n}`)
          fs.mkdirSync(dir)
          for (const f of fs.readdirSync(fixture)) fs.copyFileSync(path.join(fixture, f), path.join(dir, f))
          const { file: target, offset } = flipOffset(region, mainSize)
          const bytes = fs.readFileSync(path.join(dir, target))
          bytes[offset] = bytes[offset]! ^ (1 + random(255))
          fs.writeFileSync(path.join(dir, target), bytes)
          const file = path.join(dir, 'log.sqlite')
          const before = hashLogFiles(file)
          const b =
            quickCheckUpTo === undefined
              ? open(file)
              : openBackend({
                  dataFile: file,
                  transport: 'web',
                  version: 'test',
                  user: 'dr.test',
                  now: () => new Date(Date.parse('2026-11-24T12:00:00.000Z') + n * 1000),
                  quickCheckUpTo,
                })
          const atOpen = b.status().mode
          await b.checked
          const s = b.status()
          let outcome: Outcome
          if (s.mode === 'unavailable') outcome = 'refused'
          else if (s.mode === 'read-only') {
            outcome = 'read-only'
            if (atOpen === 'writable') foundAfterOpen++
            const w = await call(b, 'patients.create', patientInput({ mrn: `SWEEP-${n}` }))
            expect(w.ok ? 'accepted' : w.error.code).toBe('LOG_READ_ONLY')
          } else {
            // As it was, apart from what the log writes of itself once open: today's backup's row.
            const own = b.db
              .prepare('SELECT action FROM audit_log WHERE id > ? ORDER BY id')
              .pluck()
              .all(referenceHead) as string[]
            outcome =
              dumpContent(b.db, { auditUpTo: referenceHead }) === reference &&
              own.every((a) => a === 'backup.daily')
                ? 'identical'
                : 'WRONGLY-ACCEPTED'
          }
          for (const p of s.problems) codes[p.code] = (codes[p.code] ?? 0) + 1
          b.close()
          counts[region][outcome]++
          const label = `${region} ${target}@${offset}`
          if (outcome === 'WRONGLY-ACCEPTED') {
            const where = new Database(path.join(fixture, 'log.sqlite'), { readonly: true })
            const page = Math.floor(offset / 4096) + 1
            const owner = where.prepare('SELECT name FROM dbstat WHERE pageno = ?').pluck().get(page)
            where.close()
            wrong.push(`${label} (page ${page}, ${String(owner)})`)
          } else if (outcome === 'read-only' || outcome === 'refused') void 0
          if (outcome === 'refused' || outcome === 'read-only') {
            const after = hashLogFiles(file)
            for (const [name, hash] of Object.entries(before))
              if (after[name] !== hash) changedByRefusal.push(`${label}: ${name}`)
            if (atOpen !== 'writable' && Object.keys(after).length !== Object.keys(before).length)
              changedByRefusal.push(`${label}: files added ${Object.keys(after).join(',')}`)
          }
          fs.rmSync(dir, { recursive: true, force: true })
        }
      }
      const total = (o: Outcome) => counts.header[o] + counts.page[o] + counts.wal[o]
      console.log(
        `[sweep] ${label}: copies=${PER_REGION * 3} refused=${total('refused')} read-only=${total('read-only')} ` +
          `(found after open: ${foundAfterOpen}) identical=${total('identical')} ` +
          `wrongly-accepted=${total('WRONGLY-ACCEPTED')} changed-by-refusal=${changedByRefusal.length}\n` +
          `[sweep] by region ${JSON.stringify(counts)}\n[sweep] problems named ${JSON.stringify(codes)}` +
          (wrong.length ? `\n[sweep] wrongly accepted: ${wrong.join('; ')}` : ''),
      )
      if (changedByRefusal.length) console.log(`[sweep] changed: ${changedByRefusal.join('; ')}`)
      expect(wrong).toEqual([])
      expect(changedByRefusal).toEqual([])
    } finally {
      t.cleanup()
    }
  }, 600_000)
})
