import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DbError } from '../../../db/errors'
import { openDatabase, type DB } from '../../../db/open'
import { closeItem, insertItem, openItem, setOverride } from '../../../db/queries/followups'
import { writeSummary } from '../../../db/queries/summary'
import { worklistCounts, worklistPage, worklistTotal } from '../../../db/queries/worklist'
import { writeTx } from '../../../db/tx'
import { addPatient, patientInput, tempDir, testActor } from '../../helpers/db'

let db: DB
let cleanup: () => void
const TODAY = { today: '2026-11-24', in30Days: '2026-12-24', in90Days: '2027-02-22' }
const AT = '2026-11-24T10:00:00.000Z'

beforeEach(() => {
  const t = tempDir()
  cleanup = t.cleanup
  db = openDatabase(path.join(t.dir, 'log.sqlite'))
})
afterEach(() => {
  db.close()
  cleanup()
})

function patientWithItem(mrn: string, name: string, from: string, to: string, msv = 0): number {
  const p = addPatient(db, testActor(), patientInput({ mrn, name }))
  writeTx(db, (tx) => {
    insertItem(tx, {
      patientId: p.id,
      recommendationId: null,
      kind: 'imaging',
      procedure: 'mri-abdomen-pelvis-without-and-with-iv-contrast',
      due: { from, to },
      reason: 'stable',
      at: AT,
    })
    writeSummary(tx, p.id, {
      variant: 'follow-up-non-liver-dominant',
      lastStudyDate: '2026-05-01',
      lastResult: 'stable',
      lastResultDerived: false,
      cumulativeMsv: msv,
      doseEstimated: false,
      doseIncomplete: false,
    })
  })
  return p.id
}

const base = { sort: 'due' as const, descending: false, limit: 50, offset: 0 }

describe('worklist', () => {
  beforeEach(() => {
    patientWithItem('M-1', 'Overdue Olga', '2026-05-01', '2026-11-01', 30)
    patientWithItem('M-2', 'Due Dora', '2026-11-01', '2026-12-31', 10)
    patientWithItem('M-3', 'Soon Sam', '2026-12-10', '2027-06-10', 20)
    patientWithItem('M-4', 'Later Lee', '2027-02-01', '2027-08-01', 0)
    patientWithItem('M-5', 'Far Fay', '2027-09-01', '2028-03-01', 5)
    addPatient(db, testActor(), patientInput({ mrn: 'M-6', name: 'Nothing Ned' }))
  })

  it('puts each scheduled item in its bucket for today', () => {
    const names = (bucket: Parameters<typeof worklistPage>[1]['bucket']) =>
      worklistPage(db, { ...base, bucket }, TODAY).map((r) => r.name)
    expect(names('now')).toEqual(['Overdue Olga', 'Due Dora'])
    expect(names('overdue')).toEqual(['Overdue Olga'])
    expect(names('due')).toEqual(['Due Dora'])
    expect(names('upcoming-30')).toEqual(['Soon Sam'])
    expect(names('upcoming-90')).toEqual(['Soon Sam', 'Later Lee'])
    expect(names('all')).toHaveLength(5)
    expect(worklistCounts(db, TODAY)).toEqual({
      overdue: 1,
      due: 1,
      upcoming30: 1,
      upcoming90: 2,
      scheduled: 5,
      attention: 0,
      left: 0,
      patients: 6,
    })
  })

  it('sorts by dose, name or MRN in either direction', () => {
    const by = (sort: 'dose' | 'name', descending: boolean) =>
      worklistPage(db, { ...base, bucket: 'all', sort, descending }, TODAY).map((r) => r.name)
    expect(by('dose', true)).toEqual(['Overdue Olga', 'Soon Sam', 'Due Dora', 'Far Fay', 'Later Lee'])
    expect(by('name', false)).toEqual(['Due Dora', 'Far Fay', 'Later Lee', 'Overdue Olga', 'Soon Sam'])
  })

  it('finds any patient by a name or MRN prefix, with or without an item', () => {
    const found = worklistPage(db, { ...base, bucket: 'now', search: 'no', sort: 'name' }, TODAY)
    expect(found.map((r) => [r.name, r.item])).toEqual([['Nothing Ned', null]])
    expect(worklistPage(db, { ...base, bucket: 'now', search: 'm-3', sort: 'name' }, TODAY)[0]?.name).toBe(
      'Soon Sam',
    )
    expect(worklistTotal(db, { bucket: 'all', search: 'M-' }, TODAY)).toBe(6)
  })

  it('uses the radiologist’s override window instead of the suggestion', () => {
    const id = openItem(db, 4)!.id
    writeTx(db, (tx) =>
      setOverride(
        tx,
        id,
        {
          procedure: 'ct-abdomen-pelvis-with-iv-contrast',
          due: { from: '2026-11-20', to: '2026-12-20' },
          reasonCode: 'clinician-decision',
          text: null,
        },
        AT,
      ),
    )
    const due = worklistPage(db, { ...base, bucket: 'due' }, TODAY)
    expect(due.map((r) => r.name)).toEqual(['Due Dora', 'Later Lee'])
    expect(due[1]!.item).toMatchObject({ procedure: 'ct-abdomen-pelvis-with-iv-contrast', overridden: true })
  })

  it('keeps one scheduled item per patient and refuses to change a closed one', () => {
    expect(() =>
      writeTx(db, (tx) =>
        insertItem(tx, {
          patientId: 1,
          recommendationId: null,
          kind: 'clinician-review',
          procedure: null,
          due: { from: '2026-11-24', to: '2026-11-24' },
          reason: 'x',
          at: AT,
        }),
      ),
    ).toThrow(/a record with the same identifying value already exists/)
    const id = openItem(db, 1)!.id
    writeTx(db, (tx) =>
      closeItem(tx, id, {
        status: 'cancelled',
        reasonCode: 'duplicate',
        reasonText: null,
        studyId: null,
        at: AT,
      }),
    )
    expect(worklistCounts(db, TODAY).overdue).toBe(0)
    expect(() =>
      writeTx(db, (tx) =>
        closeItem(tx, id, {
          status: 'done',
          reasonCode: 'done-elsewhere',
          reasonText: null,
          studyId: null,
          at: AT,
        }),
      ),
    ).toThrow(DbError)
  })
})

describe('worklist flags', () => {
  it('reads MRI contraindicated and new symptoms for the rows of the page only', () => {
    const flagged = patientWithItem('F-1', 'Flag, One', '2026-11-01', '2026-12-01')
    patientWithItem('F-2', 'Plain, Two', '2026-11-02', '2026-12-02')
    writeTx(db, (tx) => {
      tx.prepare('UPDATE patient_constraint SET mri_contraindicated = 1 WHERE patient_id = ?').run(flagged)
      tx.prepare("INSERT INTO patient_symptom (patient_id, code) VALUES (?, 'jaundice')").run(flagged)
    })
    const rows = worklistPage(
      db,
      { bucket: 'all', sort: 'due', descending: false, limit: 10, offset: 0 },
      TODAY,
    )
    expect(rows.map((r) => [r.mrn, r.flags])).toEqual([
      ['F-1', { mriContraindicated: true, newSymptoms: true, requestNotAppropriate: false }],
      ['F-2', { mriContraindicated: false, newSymptoms: false, requestNotAppropriate: false }],
    ])
  })
})
