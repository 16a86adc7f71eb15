// A type-ahead search of several words (db/queries/worklist.ts, the word-prefix table of migration
// 130) lists exactly the patients a plain filter over every patient keeps — each word typed begins
// a word of the name or of the MRN, in any order — in the list's order for every sort and
// direction, with and without the variant filter, whether the list is read by walking the table
// in the sort's order or from the full-text index, on the first page, page after page by cursor,
// and backwards from the end.
import fc from 'fast-check'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type DB } from '../../../db/open'
import { WALK_ABOVE, worklistPage } from '../../../db/queries/worklist'
import type { WorklistQuery, WorklistRow } from '../../../db/types'
import { WORKLIST_SORTS, worklistSortKey } from '../../../engine/codes'
import { tempDir } from '../../helpers/db'

const DATES = { today: '2026-11-24', in30Days: '2026-12-24', in90Days: '2027-02-22' }
const AT = '2026-11-24T10:00:00.000Z'
const VARIANTS = ['follow-up-liver-dominant', 'untreated-surveillance'] as const
const WORDS = [
  'Ada',
  'Adams',
  'Byron',
  'Borel',
  'Émile',
  'Zoe',
  'Zed',
  'Franklin',
  'Frank',
  'Rosalind',
  'Curie',
]
const DAYS = ['2026-01-10', '2026-11-24', '2027-01-15']

interface Patient {
  words: number[]
  variant: number | null
  result: 'stable' | 'progression' | null
  msv: 0 | 1.5 | 7 | null
  due: number | null
  inError: boolean
}

const patient: fc.Arbitrary<Patient> = fc.record({
  words: fc.array(fc.nat(WORDS.length - 1), { minLength: 1, maxLength: 3 }),
  variant: fc.option(fc.nat(VARIANTS.length - 1)),
  result: fc.constantFrom('stable' as const, 'progression' as const, null),
  msv: fc.constantFrom(0 as const, 1.5 as const, 7 as const, null),
  due: fc.option(fc.nat(DAYS.length - 1), { freq: 3 }),
  inError: fc.nat(4).map((n) => n === 0),
})

/** A query word: the first 1 to 7 letters of a word of the pool, in either case. */
const word = fc
  .tuple(fc.nat(WORDS.length - 1), fc.integer({ min: 1, max: 7 }), fc.boolean())
  .map(([w, n, upper]) => {
    const cut = [...WORDS[w]!].slice(0, n).join('')
    return upper ? cut.toUpperCase() : cut.toLowerCase()
  })

/** A word as the full-text index reads it: lower case, accents removed. */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()

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

function load(patients: readonly Patient[]): Array<{ id: number; name: string; mrn: string }> {
  db.exec('DELETE FROM followup_item; DELETE FROM patient;')
  const insP = db.prepare(
    `INSERT INTO patient (id, mrn, name, created_at, updated_at, variant, last_result, cumulative_msv, entered_in_error_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insF = db.prepare(
    `INSERT INTO followup_item (patient_id, kind, procedure, due_from, due_to, reason, status, created_at, updated_at)
     VALUES (?, 'imaging', NULL, ?, ?, 'x', 'scheduled', ?, ?)`,
  )
  const out: Array<{ id: number; name: string; mrn: string }> = []
  db.transaction(() => {
    patients.forEach((p, i) => {
      const id = i + 1
      const name = p.words.map((w) => WORDS[w]).join(' ')
      const mrn = `M${String(id).padStart(3, '0')}`
      insP.run(
        id,
        mrn,
        name,
        AT,
        AT,
        p.variant === null ? null : VARIANTS[p.variant],
        p.result,
        p.msv,
        p.inError ? AT : null,
      )
      if (p.due !== null) insF.run(id, DAYS[p.due], DAYS[p.due], AT, AT)
      out.push({ id, name, mrn })
    })
  })()
  return out
}

const KEY: Record<WorklistQuery['sort'], string> = {
  due: 'coalesce(f.override_due_from, f.due_from)',
  name: 'p.name COLLATE NOCASE',
  mrn: 'p.mrn COLLATE NOCASE',
  result: 'p.last_result',
  dose: 'p.cumulative_msv',
}

const ids = (rows: readonly WorklistRow[]) => rows.map((r) => r.patientId)

describe('type-ahead of several words', () => {
  it('lists exactly the patients a plain filter keeps, in the order of every sort, read any way', () => {
    fc.assert(
      fc.property(
        fc.array(patient, { minLength: 0, maxLength: 40 }),
        fc.array(word, { minLength: 2, maxLength: 3 }),
        fc.constantFrom(...WORKLIST_SORTS),
        fc.boolean(),
        fc.option(fc.nat(VARIANTS.length - 1)),
        fc.integer({ min: 1, max: 7 }),
        (patients, words, sort, descending, variant, limit) => {
          const all = load(patients)
          const search = words.join(' ')
          // The plain filter: every word typed begins a word of the name or of the MRN.
          const kept = all
            .filter((p) => {
              const own = [...fold(p.name).split(/[^a-z0-9]+/), fold(p.mrn)]
              return words.every((w) => own.some((o) => o.startsWith(fold(w))))
            })
            .map((p) => p.id)
          const dir = descending ? 'DESC' : 'ASC'
          const expected = db
            .prepare(
              `SELECT p.id FROM patient p LEFT JOIN followup_item f ON f.patient_id = p.id AND f.status = 'scheduled'
               WHERE p.id IN (SELECT value FROM json_each(:ids)) AND p.entered_in_error_at IS NULL
                 ${variant === null ? '' : 'AND p.variant = :variant'}
               ORDER BY ${KEY[sort]} ${dir} NULLS LAST, p.id ${dir}`,
            )
            .pluck()
            .all({
              ids: JSON.stringify(kept),
              ...(variant === null ? {} : { variant: VARIANTS[variant] }),
            })
          const f = {
            bucket: 'all' as const,
            search,
            sort,
            descending,
            ...(variant === null ? {} : { variant: VARIANTS[variant] }),
          }
          // Read every way: the walk (0), the full-text index (1e6), and as a sample of a row or
          // two, or of the usual size, chooses.
          for (const walkAbove of [0, 1, 2, WALK_ABOVE, 1_000_000]) {
            const read = (q: Partial<WorklistQuery>) =>
              worklistPage(db, { ...f, limit, ...q }, DATES, walkAbove)
            expect(ids(read({ limit: 500 })), `${search}, walkAbove ${walkAbove}`).toEqual(expected)
            expect(ids(read({}))).toEqual(expected.slice(0, limit))
            const forward: number[] = []
            let page = read({})
            for (let n = 0; page.length > 0 && n < 50; n++) {
              forward.push(...ids(page))
              const r = page.at(-1)!
              page = read({ cursor: { at: 'after', key: worklistSortKey(r, sort), patientId: r.patientId } })
            }
            expect(forward).toEqual(expected)
            const backward: number[] = []
            page = read({ cursor: { at: 'end' } })
            for (let n = 0; page.length > 0 && n < 50; n++) {
              backward.unshift(...ids(page))
              const r = page[0]!
              page = read({ cursor: { at: 'before', key: worklistSortKey(r, sort), patientId: r.patientId } })
            }
            expect(backward).toEqual(expected)
          }
        },
      ),
      { numRuns: 120 },
    )
  })
})
