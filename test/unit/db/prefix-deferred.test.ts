// The CSV import's bulk hook for the type-ahead table (db/queries/search.ts, migration 130): while
// `withPrefixesDeferred` runs, the table's triggers leave it alone, and at its end the rows of the
// patients written inside are made from their final names, MRNs, results, doses and open steps.
// Patients written that way are found by type-ahead exactly as those written one by one, in every
// sort and direction; a failure leaves the triggers live and fills nothing.
import fc from 'fast-check'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type DB } from '../../../db/open'
import { deferPrefixes, withPrefixesDeferred } from '../../../db/queries/search'
import { worklistPage } from '../../../db/queries/worklist'
import { writeTx, type WritableDb } from '../../../db/tx'
import { WORKLIST_SORTS } from '../../../engine/codes'
import { tempDir } from '../../helpers/db'
import { prefixTableAndRebuild } from '../../helpers/prefix'

const AT = '2026-11-24T10:00:00.000Z'
const DATES = { today: '2026-11-24', in30Days: '2026-12-24', in90Days: '2027-02-22' }
const NAMES = ['Ada Lovelace', 'Émile Borel', 'Adam Zed', 'Lovell Ada', 'Marie Curie']
const DAYS = ['2026-01-10', '2026-11-24', '2027-01-15']

let db: DB
let cleanup: () => void
beforeAll(() => {
  const t = tempDir()
  cleanup = t.cleanup
  db = openDatabase(path.join(t.dir, 'log.sqlite'))
})
afterAll(() => {
  db.close()
  cleanup()
})

interface Spec {
  name: number
  result: 'stable' | 'progression' | null
  msv: number | null
  due: number | null
  moved: number | null
  renamed: number | null
}

const spec: fc.Arbitrary<Spec> = fc.record({
  name: fc.nat(NAMES.length - 1),
  result: fc.constantFrom('stable' as const, 'progression' as const, null),
  msv: fc.constantFrom(0, 2.5, 9, null),
  due: fc.option(fc.nat(DAYS.length - 1)),
  moved: fc.option(fc.nat(DAYS.length - 1)),
  renamed: fc.option(fc.nat(NAMES.length - 1), { freq: 4 }),
})

/** Writes a patient as an import does: the row, then its result and dose, its open step, a moved due date. */
function write(tx: WritableDb, id: number, s: Spec): void {
  tx.prepare('INSERT INTO patient (id, mrn, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(
    id,
    `MRN-${id}`,
    NAMES[s.name],
    AT,
    AT,
  )
  tx.prepare('UPDATE patient SET last_result = ?, cumulative_msv = ? WHERE id = ?').run(s.result, s.msv, id)
  if (s.due !== null) {
    tx.prepare(
      `INSERT INTO followup_item (patient_id, kind, due_from, due_to, reason, status, created_at, updated_at)
       VALUES (?, 'imaging', ?, ?, 'x', 'scheduled', ?, ?)`,
    ).run(id, DAYS[s.due], DAYS[s.due], AT, AT)
    if (s.moved !== null)
      tx.prepare(
        `UPDATE followup_item SET due_from = ?, due_to = ? WHERE patient_id = ? AND status = 'scheduled'`,
      ).run(DAYS[s.moved], DAYS[s.moved], id)
  }
}

const found = (search: string, sort: (typeof WORKLIST_SORTS)[number], descending: boolean): number[] =>
  worklistPage(db, { bucket: 'all', search, sort, descending, limit: 1000 }, DATES).map((r) => r.patientId)

describe('type-ahead rows of a bulk write', () => {
  it('are made at the end of the deferred block from the final values, as the triggers make them one by one', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(spec, fc.boolean()), { minLength: 1, maxLength: 14 }), (patients) => {
        db.exec('DELETE FROM followup_item; DELETE FROM patient')
        // Patients written earlier (live triggers), some renamed inside the deferred block.
        const outside = patients.filter(([, inside]) => !inside)
        writeTx(db, (tx) => outside.forEach(([s], i) => write(tx, i + 1, s)))
        writeTx(db, (tx) =>
          withPrefixesDeferred(tx, () => {
            patients.forEach(([s, inside], i) => {
              if (inside) write(tx, 100 + i, s)
            })
            outside.forEach(([s], i) => {
              if (s.renamed !== null)
                tx.prepare('UPDATE patient SET name = ?, cumulative_msv = 1 WHERE id = ?').run(
                  NAMES[s.renamed],
                  i + 1,
                )
            })
          }),
        )
        const [table, rebuilt] = prefixTableAndRebuild(db)
        expect(table).toEqual(rebuilt)
        // Every patient of each name is found by type-ahead, in every sort and direction.
        const named = (word: string) =>
          (
            db.prepare('SELECT id, name FROM patient ORDER BY id').all() as Array<{
              id: number
              name: string
            }>
          )
            .filter((p) =>
              p.name
                .toLowerCase()
                .split(' ')
                .some((w) => w.startsWith(word)),
            )
            .map((p) => p.id)
        for (const word of ['a', 'lov', 'lovel', 'curie'])
          for (const sort of WORKLIST_SORTS)
            for (const descending of [false, true])
              expect(found(word, sort, descending).sort((a, b) => a - b)).toEqual(named(word))
      }),
      { numRuns: 60 },
    )
  })

  it('a throw inside puts the triggers back and fills nothing', () => {
    db.exec('DELETE FROM followup_item; DELETE FROM patient')
    const rows = (id: number) =>
      db.prepare('SELECT count(*) FROM patient_prefix WHERE patient_id = ?').pluck().get(id) as number
    writeTx(db, (tx) => {
      expect(() =>
        withPrefixesDeferred(tx, () => {
          tx.prepare(
            'INSERT INTO patient (id, mrn, name, created_at, updated_at) VALUES (1, ?, ?, ?, ?)',
          ).run('MRN-1', 'Ada Lovelace', AT, AT)
          throw new Error('row 7 is not valid')
        }),
      ).toThrow('row 7 is not valid')
      expect(rows(1)).toBe(0)
      tx.prepare('INSERT INTO patient (id, mrn, name, created_at, updated_at) VALUES (2, ?, ?, ?, ?)').run(
        'MRN-2',
        'Ada Lovelace',
        AT,
        AT,
      )
      expect(rows(2)).toBeGreaterThan(0)
    })
  })

  it('the two halves: filled when finished, nothing filled when finished with false, never set aside twice', () => {
    db.exec('DELETE FROM followup_item; DELETE FROM patient')
    writeTx(db, (tx) => {
      const finish = deferPrefixes(tx)
      expect(() => deferPrefixes(tx)).toThrow(/already set aside/)
      tx.prepare('INSERT INTO patient (id, mrn, name, created_at, updated_at) VALUES (1, ?, ?, ?, ?)').run(
        'MRN-1',
        'Marie Curie',
        AT,
        AT,
      )
      finish()
      expect(() => finish()).toThrow(/already put back/)
      const cancel = deferPrefixes(tx)
      tx.prepare('INSERT INTO patient (id, mrn, name, created_at, updated_at) VALUES (2, ?, ?, ?, ?)').run(
        'MRN-2',
        'Marie Curie',
        AT,
        AT,
      )
      cancel(false)
    })
    expect(found('cur', 'name', false)).toEqual([1])
  })
})
