import path from 'node:path'
import Database from 'better-sqlite3-multiple-ciphers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { keepUndoEntry, lastAuditAbout, verifyAuditChain, type Actor } from '../../../db/audit'
import { fullCheck, recordProblem } from '../../../db/integrity'
import { MIGRATIONS } from '../../../db/migrations'
import { openDatabase } from '../../../db/open'
import { insertUndo, keptStateText } from '../../../db/queries/undo'
import { writeTx, type ReadableDb, type WritableDb } from '../../../db/tx'
import { guardUndoEntry } from '../../../electron/backend/services/audited'
import { updatePatientInTx } from '../../../electron/backend/services/patients'
import { addPatient, patientInput, tempDir, testActor } from '../../helpers/db'

// Schema 145 (issue 10, storage): a kept undo entry's id and digest ride on the first audit row of
// the change it precedes (db/audit.ts `keepUndoEntry`), covered by that row's hash; an entry no row
// of its change carried still gets an `undo.keep` row of its own, and an old log's `undo.keep` rows
// stay valid beside the new form. Tampering with either form is found by the full check and by the
// guard before an undo writes the entry back.

let dir: string
let cleanup: () => void
let db: ReadableDb
let actor: Actor
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  actor = testActor()
})
afterEach(() => {
  db.close()
  cleanup()
})

const file = (): string => path.join(dir, 'log.sqlite')

/** Keeps the patient's state as an undo entry in `tx`, audited as the app does; returns its id. */
function keep(tx: WritableDb, patientId: number, command = 'patient.update'): number {
  const id = insertUndo(tx, {
    patientId,
    actor: actor.user,
    at: actor.now().toISOString(),
    command,
    state: keptStateText(tx, patientId),
  })
  keepUndoEntry(tx, actor, { id, patientId, command })
  return id
}

/** A change of the patient's facts after keeping its state (what a service's command does). */
function keptChange(patientId: number, weightKg: number): number {
  return writeTx(db, (tx) => {
    const id = keep(tx, patientId)
    updatePatientInTx(tx, actor, patientId, patientInput({ mrn: `MRN-${patientId}`, weightKg }))
    return id
  })
}

const rows = (sql: string, ...p: unknown[]): unknown[] => db.prepare(sql).all(...p)

/** A raw connection, as another program would change the file. */
function raw(fn: (d: Database.Database) => void): void {
  const d = new Database(file())
  try {
    fn(d)
  } finally {
    d.close()
  }
}

describe('a kept undo entry on the row of its change', () => {
  it('rides on the change’s first row about the patient; the chain and the full check pass', () => {
    db = openDatabase(file())
    const p = addPatient(db, actor, patientInput({ mrn: 'MRN-1' }))
    const id = keptChange(p.id, 80)
    expect(rows("SELECT count(*) AS n FROM audit_log WHERE action = 'undo.keep'")).toEqual([{ n: 0 }])
    expect(rows('SELECT action, entity, kept_undo FROM audit_log WHERE kept_undo IS NOT NULL')).toEqual([
      { action: 'patient.update', entity: 'patient', kept_undo: id },
    ])
    expect(lastAuditAbout(db, 'undo_entry', id)).toMatchObject({
      action: 'patient.update',
      after: { patientId: p.id },
    })
    expect(verifyAuditChain(db)).toBeNull()
    expect(fullCheck(db, { pages: false })).toEqual([])
    expect(recordProblem(db, 'undo_entry', id, null)).toMatchObject({ code: 'RECORD_CHANGED' })
    expect(() => guardUndoEntry(db, id)).not.toThrow()
  })

  it('an entry no later row of its patient carries gets an undo.keep row of its own at commit', () => {
    db = openDatabase(file())
    const a = addPatient(db, actor, patientInput({ mrn: 'MRN-1' }))
    const b = addPatient(db, actor, patientInput({ mrn: 'MRN-2' }))
    const [alone, first, second] = writeTx(db, (tx) => {
      const alone = keep(tx, a.id)
      // Kept before a row carried the one before: that one gets its own row at once.
      const first = keep(tx, b.id)
      const second = keep(tx, b.id)
      updatePatientInTx(tx, actor, b.id, patientInput({ mrn: 'MRN-2', weightKg: 90 }))
      return [alone, first, second]
    })
    expect(
      rows("SELECT entity_id AS id FROM audit_log WHERE action = 'undo.keep' ORDER BY id").map(
        (r) => (r as { id: number }).id,
      ),
    ).toEqual([alone, first])
    expect(rows('SELECT kept_undo FROM audit_log WHERE kept_undo IS NOT NULL')).toEqual([
      { kept_undo: second },
    ])
    expect(fullCheck(db, { pages: false })).toEqual([])
  })

  it('an entry kept in an inner transaction that failed is carried by no later row of the outer one', () => {
    db = openDatabase(file())
    const p = addPatient(db, actor, patientInput({ mrn: 'MRN-1' }))
    writeTx(db, (tx) => {
      // A savepoint: its entry is rolled back, the outer transaction carries on.
      expect(() =>
        writeTx(tx, (inner) => {
          keep(inner, p.id)
          throw new Error('refused')
        }),
      ).toThrow('refused')
      updatePatientInTx(tx, actor, p.id, patientInput({ mrn: 'MRN-1', weightKg: 81 }))
    })
    expect(rows('SELECT count(*) AS n FROM audit_log WHERE kept_undo IS NOT NULL')).toEqual([{ n: 0 }])
    expect(rows("SELECT count(*) AS n FROM audit_log WHERE action = 'undo.keep'")).toEqual([{ n: 0 }])
    expect(rows('SELECT count(*) AS n FROM undo_entry')).toEqual([{ n: 0 }])
    expect(fullCheck(db, { pages: false })).toEqual([])
  })

  it('a transaction that failed after keeping leaves nothing for the next one to carry', () => {
    db = openDatabase(file())
    const p = addPatient(db, actor, patientInput({ mrn: 'MRN-1' }))
    expect(() =>
      writeTx(db, (tx) => {
        keep(tx, p.id)
        throw new Error('refused')
      }),
    ).toThrow('refused')
    writeTx(db, (tx) => updatePatientInTx(tx, actor, p.id, patientInput({ mrn: 'MRN-1', weightKg: 81 })))
    expect(rows('SELECT count(*) AS n FROM audit_log WHERE kept_undo IS NOT NULL')).toEqual([{ n: 0 }])
    expect(rows('SELECT count(*) AS n FROM undo_entry')).toEqual([{ n: 0 }])
    expect(fullCheck(db, { pages: false })).toEqual([])
  })
})

describe('a log kept before schema 145 (undo.keep rows) and migrated', () => {
  /** Entry `old` kept at schema 130 (its own row), entry `now` kept after the migration (carried). */
  function mixedLog(): { patientId: number; old: number; now: number } {
    db = openDatabase(file(), { migrations: MIGRATIONS.filter((m) => m.version < 145) })
    const p = addPatient(db, actor, patientInput({ mrn: 'MRN-1' }))
    const old = keptChange(p.id, 80)
    expect(rows("SELECT entity_id AS id FROM audit_log WHERE action = 'undo.keep'")).toEqual([{ id: old }])
    db.close()
    db = openDatabase(file())
    const now = keptChange(p.id, 85)
    return { patientId: p.id, old, now }
  }

  it('reads both forms: the chain, the full check and the guard pass', () => {
    const { old, now } = mixedLog()
    expect(verifyAuditChain(db)).toBeNull()
    expect(fullCheck(db, { pages: false })).toEqual([])
    expect(() => guardUndoEntry(db, old)).not.toThrow()
    expect(() => guardUndoEntry(db, now)).not.toThrow()
  })

  it.each(['old', 'now'] as const)(
    'an entry kept in the %s form changed: named, and refused before an undo',
    (which) => {
      const ids = mixedLog()
      const id = ids[which]
      db.close()
      raw((d) => d.prepare("UPDATE undo_entry SET command = 'study.result' WHERE id = ?").run(id))
      db = openDatabase(file())
      expect(fullCheck(db, { pages: false }).map((p) => p.message)).toEqual([
        `Undo entry ${id} was changed outside the app.`,
      ])
      expect(() => guardUndoEntry(db, id)).toThrow(/Undo entry \d+ differs from what the app last recorded/)
    },
  )

  it.each(['old', 'now'] as const)('an entry kept in the %s form deleted: named', (which) => {
    const ids = mixedLog()
    const id = ids[which]
    db.close()
    raw((d) => d.prepare('DELETE FROM undo_entry WHERE id = ?').run(id))
    db = openDatabase(file())
    expect(fullCheck(db, { pages: false }).map((p) => p.message)).toContain(
      `Undo entry ${id} was deleted outside the app.`,
    )
  })

  it('an entry added behind the app’s back (no audit row): named, and refused before an undo writes it back', () => {
    mixedLog()
    db.close()
    let added = 0
    raw((d) => {
      const last = d
        .prepare(
          'SELECT patient_id, actor, at, command, snapshot_json, body, body_base FROM undo_entry ORDER BY id DESC LIMIT 1',
        )
        .get() as Record<string, unknown>
      added = Number(
        d
          .prepare(
            `INSERT INTO undo_entry (patient_id, actor, at, command, snapshot_json, body, body_base)
             VALUES (@patient_id, @actor, @at, @command, @snapshot_json, @body, @body_base)`,
          )
          .run(last).lastInsertRowid,
      )
    })
    db = openDatabase(file())
    expect(fullCheck(db, { pages: false }).map((p) => p.message)).toContain(
      `Undo entry ${added} was added outside the app (it has no audit row).`,
    )
    expect(() => guardUndoEntry(db, added)).toThrow(/Undo entry \d+ was added outside the app/)
  })
})
