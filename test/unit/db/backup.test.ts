import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { backupTo, dailyBackup } from '../../../db/backup'
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
    expect(fs.existsSync(made.file + '.partial')).toBe(false)
    const copy = new Database(made.file, { readonly: true })
    expect(copy.prepare('SELECT mrn FROM patient').pluck().all()).toEqual(['MRN-0001'])
    expect(copy.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(1)
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    copy.close()
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
