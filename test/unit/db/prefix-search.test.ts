// The word-prefix table type-ahead reads (migrations 115 and 130, db/queries/search.ts) splits and folds
// words as the full-text index's unicode61 tokenizer does, so a search finds the same patients
// whichever of the two answers it: for names and MRNs with accents, capitals, other scripts,
// digits and punctuation, every prefix query of letters and digits lists the same patients from
// the table as from the full-text index.
import fc from 'fast-check'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type DB } from '../../../db/open'
import { matchExpression, prefixOf, prefixWords, searchWords } from '../../../db/queries/search'
import { tempDir } from '../../helpers/db'

const AT = '2026-11-24T10:00:00.000Z'
// With combining marks on their own (an accent as macOS writes it, NFD: "e\u0301").
const CHARS = [..."aAbBzZéÉèüÜñÑåÅçøØßæœıİłŁšŽ09 7-.,'’/ΑαΩωДдЖж中文한글ـعربي\u0301\u0308\u0327"]

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

const text = (min: number) =>
  fc
    .array(fc.constantFrom(...CHARS), { minLength: min, maxLength: 14 })
    .map((cs) => cs.join(''))
    .filter((s) => s.trim().length >= 1)

describe('type-ahead words', () => {
  it('a name written with separate accent marks (NFD) is found by its letters, as the full-text index finds it', () => {
    db.exec('DELETE FROM patient')
    db.prepare('INSERT INTO patient (id, mrn, name, created_at, updated_at) VALUES (1, ?, ?, ?, ?)').run(
      'N-1',
      'Dupont, Ame\u0301lie',
      AT,
      AT,
    )
    const rows = db.prepare('SELECT prefix FROM patient_prefix WHERE patient_id = 1').pluck().all()
    expect(rows).toEqual(expect.arrayContaining(['ame', 'dup']))
    expect(rows).not.toContain('lie')
    expect(prefixWords('amel')).toEqual(['amel'])
    const has = db.prepare('SELECT pnet_has_word(name, mrn, ?) FROM patient WHERE id = 1').pluck()
    expect([has.get('amelie'), has.get('dupont'), has.get('lie')]).toEqual([1, 1, 0])
  })

  it('holds 3 letters of a word, 6 characters of a word with a digit (an MRN or a number)', () => {
    db.exec('DELETE FROM patient')
    db.prepare('INSERT INTO patient (id, mrn, name, created_at, updated_at) VALUES (1, ?, ?, ?, ?)').run(
      'MRN0012345',
      'Lovelace, Ada',
      AT,
      AT,
    )
    const rows = db.prepare('SELECT DISTINCT prefix FROM patient_prefix WHERE patient_id = 1').pluck().all()
    expect(rows).toEqual(expect.arrayContaining(['lov', 'ada', 'mrn', 'mrn0', 'mrn001']))
    expect(rows).not.toContain('love')
    expect(rows).not.toContain('mrn0012')
    expect(prefixOf('mrn001')).toEqual({ prefix: 'mrn001', checked: false })
    expect(prefixOf('mrn0012')).toEqual({ prefix: 'mrn001', checked: true })
    expect(prefixOf('lovel')).toEqual({ prefix: 'lov', checked: true })
    expect(prefixOf('mrna')).toEqual({ prefix: 'mrn', checked: true })
  })

  it('the prefix table finds exactly the patients the full-text index finds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: text(1), mrn: text(1) }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(11), fc.nat(13), fc.integer({ min: 1, max: 8 })), { maxLength: 6 }),
        (patients, picks) => {
          db.exec('DELETE FROM patient')
          const ins = db.prepare(
            'INSERT INTO patient (id, mrn, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
          )
          patients.forEach((p, i) => ins.run(i + 1, `${p.mrn}#${i}`, p.name, AT, AT))
          // Queries cut from the stored texts (so they match something), in either letter case.
          for (const [who, from, len] of picks) {
            const p = patients[who % patients.length]!
            const source = from % 2 === 0 ? p.name : p.mrn
            const q = [...source]
              .slice(from % Math.max(1, [...source].length), (from % Math.max(1, [...source].length)) + len)
              .join('')
            for (const query of [q, q.toUpperCase()]) {
              const words = prefixWords(query)
              if (!words) continue
              const fts = db
                .prepare('SELECT rowid FROM patient_search WHERE patient_search MATCH ? ORDER BY rowid')
                .pluck()
                .all(matchExpression(searchWords(query)))
              const conds = words.map((w, i) => {
                const { checked } = prefixOf(w)
                return `EXISTS (SELECT 1 FROM patient_prefix x WHERE x.patient_id = p.id AND x.prefix = :p${i})${checked ? ` AND pnet_has_word(p.name, p.mrn, :w${i})` : ''}`
              })
              const params = Object.fromEntries(
                words.flatMap((w, i) => [
                  [`p${i}`, prefixOf(w).prefix],
                  ...(prefixOf(w).checked ? [[`w${i}`, w]] : []),
                ]),
              )
              const table = db
                .prepare(`SELECT p.id FROM patient p WHERE ${conds.join(' AND ')} ORDER BY p.id`)
                .pluck()
                .all(params)
              expect(table, `query ${JSON.stringify(query)} → ${JSON.stringify(words)}`).toEqual(fts)
            }
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
