import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { backupTo, dailyBackup, removePartialBackups, removePartialsOf } from '../../../db/backup'
import { DbError } from '../../../db/errors'
import { openDatabase, type DB } from '../../../db/open'
import { addPatient, patientInput, tempDir, testActor } from '../../helpers/db'

let db: DB
let dir: string
let cleanup: () => void
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  db = openDatabase(path.join(dir, 'log.sqlite'))
  addPatient(db, testActor(), patientInput())
})
afterEach(() => {
  db.close()
  cleanup()
})

describe('backups', () => {
  it('writes a checked, complete copy that opens on its own', () => {
    const made = backupTo(db, path.join(dir, 'b', 'copy.sqlite'))
    expect(made.bytes).toBeGreaterThan(0)
    expect(fs.readdirSync(path.dirname(made.file)).filter((f) => f.endsWith('.partial'))).toEqual([])
    const copy = new Database(made.file, { readonly: true })
    expect(copy.prepare('SELECT mrn FROM patient').pluck().all()).toEqual(['MRN-0001'])
    expect(copy.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(1)
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    copy.close()
  })

  it('two runs backing up to the same name at once: neither spoils the other, and one checked backup is kept', () => {
    // An app closed while its worker was still copying, and the next start's backup of the same
    // day: the second one runs while the first one's copy is being checked.
    const target = path.join(dir, 'b', 'copy.sqlite')
    let second: ReturnType<typeof backupTo> | null = null
    let thrown: unknown
    try {
      backupTo(db, target, new Date(), {
        onPhase: (phase) => {
          if (phase === 'checking the copy' && !second) second = backupTo(db, target)
        },
      })
    } catch (e) {
      thrown = e
    }
    expect(second).not.toBeNull()
    expect((thrown as DbError).code).toBe('DB_BUSY')
    const copy = new Database(target, { readonly: true })
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(copy.prepare('SELECT mrn FROM patient').pluck().all()).toEqual(['MRN-0001'])
    copy.close()
    expect(fs.readdirSync(path.dirname(target)).filter((f) => f.endsWith('.partial'))).toEqual([])
  })

  it('never writes over a backup another run finished first under the same name, and keeps nothing of its own', () => {
    const target = path.join(dir, 'b', 'copy.sqlite')
    let thrown: unknown
    try {
      backupTo(db, target, new Date(), {
        onPhase: (phase) => {
          if (phase === 'checking the copy') fs.writeFileSync(target, 'the other run kept this one')
        },
      })
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(DbError)
    expect((thrown as DbError).code).toBe('DB_BUSY')
    expect((thrown as DbError).message).toMatch(/another run of the app/)
    expect(fs.readFileSync(target, 'utf8')).toBe('the other run kept this one')
    expect(fs.readdirSync(path.dirname(target)).sort()).toEqual(['copy.sqlite'])
  })

  it("at open, removes what killed backups left, and leaves a running app's attempt alone", () => {
    const backups = path.join(dir, 'backups')
    fs.mkdirSync(backups)
    const dead = 2 ** 22 + 12345 // above Linux's largest process id: no such process
    const names = {
      old: 'pnet-followup-2026-11-01.sqlite.partial',
      ours: `pnet-followup-2026-11-02.sqlite.${process.pid}-00000001.partial`,
      ended: `pnet-followup-2026-11-03.sqlite.${dead}-00000002.partial`,
      running: `pnet-followup-2026-11-04.sqlite.${process.ppid}-00000003.partial`,
    }
    for (const f of Object.values(names)) fs.writeFileSync(path.join(backups, f), 'x')
    removePartialBackups(backups)
    expect(fs.readdirSync(backups)).toEqual([names.running])
  })

  it('removes what killed backups to a file left, in both names, and nothing else', () => {
    const target = path.join(dir, 'log.sqlite.before-v2-from-v1.sqlite')
    for (const f of [
      `${target}.partial`,
      `${target}.${2 ** 22 + 77}-00ff00ff.partial`,
      'other.sqlite.1-2.partial',
    ])
      fs.writeFileSync(path.join(dir, path.basename(f)), 'x')
    removePartialsOf(target)
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual(['other.sqlite.1-2.partial'])
  })

  it('takes one backup per day and keeps only the newest days', () => {
    const backups = path.join(dir, 'backups')
    const days = ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04']
    for (const d of days) expect(dailyBackup(db, backups, d, 3)).not.toBeNull()
    expect(dailyBackup(db, backups, '2026-11-04', 3)).toBeNull()
    expect(
      fs
        .readdirSync(backups)
        .filter((f) => f.endsWith('.sqlite'))
        .sort(),
    ).toEqual(days.slice(1).map((d) => `pnet-followup-${d}.sqlite`))
  })
})
