import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditFor, verifyAuditChain } from '../../../db/audit'
import { DbError } from '../../../db/errors'
import { openDatabase, type DB } from '../../../db/open'
import { getPatient, listPatients } from '../../../db/queries/patients'
import {
  addPatient as createPatient,
  changePatient as updatePatient,
  patientInput,
  tempDir,
  testActor,
} from '../../helpers/db'

let db: DB
let cleanup: () => void
beforeEach(() => {
  const t = tempDir()
  cleanup = t.cleanup
  db = openDatabase(path.join(t.dir, 'log.sqlite'))
})
afterEach(() => {
  db.close()
  cleanup()
})

const count = (table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number

describe('patients', () => {
  it('creates a patient with its facts and one audit row in the same transaction', () => {
    const actor = testActor()
    const p = createPatient(db, actor, patientInput({ symptoms: ['new-localized-bone-pain'] }))
    expect(getPatient(db, p.id)).toEqual(p)
    expect(p.diagnosis.grade).toBe('G2')
    expect(p.symptoms).toEqual(['new-localized-bone-pain'])
    const audit = auditFor(db, 'patient', p.id)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ action: 'patient.create', actor: 'dr.test', before: null })
    expect((audit[0]!.after as { mrn: string }).mrn).toBe('MRN-0001')
  })

  it('keeps unknown facts unknown (null), never false', () => {
    const p = createPatient(
      db,
      testActor(),
      patientInput({
        activeSurveillance: null,
        symptoms: null,
        diagnosis: { date: null, confirmed: null, grade: null, functional: null, primarySizeMm: null },
        constraints: {
          mriContraindicated: null,
          mriReason: null,
          iodinatedContrastContraindicated: null,
          gadoliniumContraindicated: null,
          eGFR: null,
        },
      }),
    )
    expect(p.activeSurveillance).toBeNull()
    expect(p.symptoms).toBeNull()
    expect(p.diagnosis.confirmed).toBeNull()
    expect(p.constraints.mriContraindicated).toBeNull()
  })

  it('refuses a second patient with the same MRN and stores nothing of it', () => {
    const actor = testActor()
    createPatient(db, actor, patientInput())
    const before = { patients: count('patient'), audit: count('audit_log'), dx: count('diagnosis') }
    let error: unknown
    try {
      createPatient(db, actor, patientInput({ name: 'Someone Else' }))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DbError)
    expect((error as DbError).code).toBe('CONFLICT')
    expect((error as DbError).message).toMatch(/MRN-0001/)
    expect({ patients: count('patient'), audit: count('audit_log'), dx: count('diagnosis') }).toEqual(before)
    expect(() => createPatient(db, actor, patientInput({ mrn: 'mrn-0001', name: 'Lower Case' }))).toThrow(
      /MRN mrn-0001/,
    )
    expect(count('patient')).toBe(1)
  })

  it('rolls back the patient row when a later part of the same write fails', () => {
    const bad = patientInput({
      mrn: 'MRN-9',
      diagnosis: { date: '2024-02-30', confirmed: true, grade: 'G1', functional: false, primarySizeMm: 10 },
    })
    expect(() => createPatient(db, testActor(), bad)).toThrow(DbError)
    expect(count('patient')).toBe(0)
    expect(count('audit_log')).toBe(0)
  })

  it('updates a patient and audits before and after', () => {
    const actor = testActor()
    const p = createPatient(db, actor, patientInput())
    const q = updatePatient(db, actor, p.id, patientInput({ weightKg: 80, burden: 'liver-dominant' }))
    expect(q.weightKg).toBe(80)
    const audit = auditFor(db, 'patient', p.id)
    expect(audit.map((a) => a.action)).toEqual(['patient.create', 'patient.update'])
    expect((audit[1]!.before as { weightKg: number }).weightKg).toBe(72)
    expect((audit[1]!.after as { burden: string }).burden).toBe('liver-dominant')
  })

  it('lists patients by name and finds them by a name or MRN prefix, treating % and _ literally', () => {
    const actor = testActor()
    createPatient(db, actor, patientInput({ mrn: 'A-100', name: 'Zoe Zed' }))
    createPatient(db, actor, patientInput({ mrn: 'B-200', name: 'adam Able' }))
    createPatient(db, actor, patientInput({ mrn: 'C_300', name: 'Mia Mid' }))
    expect(listPatients(db, { limit: 10, offset: 0 }).items.map((p) => p.name)).toEqual([
      'adam Able',
      'Mia Mid',
      'Zoe Zed',
    ])
    expect(listPatients(db, { query: 'b-2', limit: 10, offset: 0 }).items.map((p) => p.mrn)).toEqual([
      'B-200',
    ])
    expect(listPatients(db, { query: 'zo', limit: 10, offset: 0 }).total).toBe(1)
    expect(listPatients(db, { query: '%', limit: 10, offset: 0 }).total).toBe(0)
    expect(listPatients(db, { query: 'C_', limit: 10, offset: 0 }).total).toBe(1)
  })
})

describe('audit log', () => {
  it('is append-only: updates and deletes are refused by the database', () => {
    createPatient(db, testActor(), patientInput())
    expect(() => db.prepare("UPDATE audit_log SET actor = 'mallory'").run()).toThrow(/append-only/)
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/)
  })

  it('is hash-chained: the chain verifies, and a tampered row is found', () => {
    const actor = testActor()
    for (let i = 0; i < 5; i++) createPatient(db, actor, patientInput({ mrn: `M-${i}` }))
    expect(verifyAuditChain(db)).toBeNull()
    db.exec('DROP TRIGGER audit_log_no_update')
    db.prepare(
      "UPDATE audit_log SET after_json = json_set(after_json, '$.name', 'Forged') WHERE id = 3",
    ).run()
    expect(verifyAuditChain(db)).toBe(3)
  })
})
