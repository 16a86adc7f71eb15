import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../db/audit'
import { readKey } from '../../../db/integrity-files'
import { openBackend } from '../../../electron/backend/backend'
import { tempDir } from '../../helpers/db'

// A write is acknowledged only after its transaction has committed (and the anchor has been
// written). Killing the process at a random moment (SIGKILL: no clean-up at all) must never lose
// an acknowledged write, tear one, break the audit chain, or make the next open see damage (the
// anchor is never ahead of the log; a stale lock from the dead writer is taken over).
//
// PNET_CRASH_ROUNDS sets the rounds (default 200, the CI goal; the second, far-from-UTC run of the
// unit suite uses fewer). The figures are printed: `npx vitest run test/unit/db/crash.test.ts`.

const ROUNDS = Number(process.env['PNET_CRASH_ROUNDS'] ?? 200)
const ROOT = path.join(__dirname, '../../..')

/** The writer bundled once to plain JavaScript, so each round starts in ~100 ms (no TypeScript loader). */
function bundleWriter(dir: string): string {
  const out = path.join(dir, 'crash-writer.cjs')
  const r = spawnSync(
    path.join(ROOT, 'node_modules/.bin/esbuild'),
    [
      path.join(ROOT, 'test/helpers/crashWriter.ts'),
      '--bundle',
      '--platform=node',
      '--format=cjs',
      '--external:better-sqlite3-multiple-ciphers',
      '--external:electron-log',
      `--outfile=${out}`,
      '--log-level=error',
    ],
    { encoding: 'utf8' },
  )
  if (r.status !== 0) throw new Error(`bundling the crash writer failed: ${r.stderr}`)
  return out
}

interface Round {
  acked: string[]
  mode: string
  refused: string[]
}

function runAndKill(writer: string, file: string, prefix: string, afterMs: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, file, prefix], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
      cwd: ROOT,
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => {
      const first = !out.includes('ACK ')
      out += c.toString()
      if (first && out.includes('ACK ')) setTimeout(() => child.kill('SIGKILL'), afterMs)
    })
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('exit', () => {
      const lines = out.split('\n')
      const mode = lines.find((l) => l.startsWith('MODE ') || l.startsWith('OPEN-FAILED')) ?? ''
      if (!mode.startsWith('MODE writable'))
        return resolve({ acked: [], mode: `${mode}\n${err}`, refused: [] })
      if (!out.includes('ACK '))
        return reject(new Error(`writer never acknowledged a write:\n${out}\n${err}`))
      resolve({
        acked: lines.filter((l) => l.startsWith('ACK ')).map((l) => l.slice(4)),
        mode: 'writable',
        refused: lines.filter((l) => l.startsWith('REFUSED ')),
      })
    })
  })
}

describe('crash safety', () => {
  it(`loses no acknowledged write over ${ROUNDS} SIGKILLs, and every reopen is clean`, async () => {
    const t = tempDir()
    const file = path.join(t.dir, 'log.sqlite')
    const started = Date.now()
    try {
      const writer = bundleWriter(t.dir)
      const acked: string[] = []
      const badOpens: string[] = []
      const refused: string[] = []
      let seed = 0x9e3779b9
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) >>> 0
        return seed / 2 ** 32
      }
      for (let round = 0; round < ROUNDS; round++) {
        const r = await runAndKill(writer, file, `R${round}`, Math.floor(random() * 200))
        if (r.mode !== 'writable') badOpens.push(`round ${round}: ${r.mode}`)
        acked.push(...r.acked)
        refused.push(...r.refused)
      }
      // The next open after the last kill: through the checks, then the full check.
      const backend = openBackend({ dataFile: file, transport: 'web', version: 'test', user: 'check' })
      await backend.checked
      const status = backend.status()
      backend.close()
      const key = readKey(file)
      const db = new Database(file, { readonly: true })
      try {
        const integrity = db.pragma('integrity_check', { simple: true })
        const stored = new Set(db.prepare('SELECT mrn FROM patient').pluck().all() as string[])
        const lost = acked.filter((m) => !stored.has(m))
        const tornNoDiagnosis = db
          .prepare(
            'SELECT count(*) FROM patient p LEFT JOIN diagnosis d ON d.patient_id = p.id WHERE d.patient_id IS NULL',
          )
          .pluck()
          .get() as number
        const tornNoAudit = db
          .prepare(
            "SELECT count(*) FROM patient WHERE id NOT IN (SELECT entity_id FROM audit_log WHERE action = 'patient.create')",
          )
          .pluck()
          .get() as number
        const chain = verifyAuditChain(db, key.kind === 'present' ? key.key : null)
        const seconds = ((Date.now() - started) / 1000).toFixed(1)
        console.log(
          `[crash] rounds=${ROUNDS} acked=${acked.length} lost=${lost.length} torn=${tornNoDiagnosis + tornNoAudit} ` +
            `integrity=${String(integrity)} chain=${chain === null ? 'ok' : `broken at ${chain}`} ` +
            `unclean-reopens=${badOpens.length} final-mode=${status.mode} seconds=${seconds}`,
        )
        expect(badOpens).toEqual([])
        expect(refused).toEqual([])
        expect(integrity).toBe('ok')
        expect(acked.length).toBeGreaterThan(ROUNDS)
        expect(lost).toEqual([])
        expect(tornNoDiagnosis + tornNoAudit).toBe(0)
        expect(chain).toBeNull()
        expect(status).toMatchObject({ mode: 'writable', problems: [] })
        expect(fs.readdirSync(t.dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.partial'))).toEqual([])
      } finally {
        db.close()
      }
    } finally {
      t.cleanup()
    }
  }, 900_000)
})
