import { spawn } from 'node:child_process'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../db/audit'
import { tempDir } from '../../helpers/db'

// A write is acknowledged only after its transaction has committed. Killing the process at a
// random moment (SIGKILL: no clean-up at all) must never lose an acknowledged write, tear one,
// or break the audit chain.

const ROUNDS = 8

function runAndKill(file: string, prefix: string, afterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, '../../helpers/crashWriter.ts'), file, prefix],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    let started = false
    child.stdout.once('data', () => {
      started = true
      setTimeout(() => child.kill('SIGKILL'), afterMs)
    })
    child.on('exit', () => {
      if (!started) return reject(new Error(`writer never acknowledged a write:\n${err}`))
      resolve(
        out
          .split('\n')
          .filter((l) => l.startsWith('ACK '))
          .map((l) => l.slice(4)),
      )
    })
  })
}

describe('crash safety', () => {
  it(`loses no acknowledged write over ${ROUNDS} SIGKILLs`, async () => {
    const t = tempDir()
    const file = path.join(t.dir, 'log.sqlite')
    try {
      const acked: string[] = []
      for (let round = 0; round < ROUNDS; round++) {
        acked.push(...(await runAndKill(file, `R${round}`, 50 + ((round * 37) % 200))))
      }
      const db = new Database(file)
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
        const stored = new Set(db.prepare('SELECT mrn FROM patient').pluck().all() as string[])
        const lost = acked.filter((m) => !stored.has(m))
        expect(acked.length).toBeGreaterThan(ROUNDS)
        expect(lost).toEqual([])
        // Every stored patient has its diagnosis row and its audit row: nothing torn.
        expect(
          db
            .prepare(
              'SELECT count(*) FROM patient p LEFT JOIN diagnosis d ON d.patient_id = p.id WHERE d.patient_id IS NULL',
            )
            .pluck()
            .get(),
        ).toBe(0)
        expect(
          db
            .prepare(
              "SELECT count(*) FROM patient WHERE id NOT IN (SELECT entity_id FROM audit_log WHERE action = 'patient.create')",
            )
            .pluck()
            .get(),
        ).toBe(0)
        expect(verifyAuditChain(db)).toBeNull()
      } finally {
        db.close()
      }
    } finally {
      t.cleanup()
    }
  }, 120_000)
})
