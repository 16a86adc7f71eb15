import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { packOps, unpackOps } from '../../../db/audit'
import { applyText, decodeTexts, diffText, encodeTexts } from '../../../db/delta'

// Delta storage (db/delta.ts, schema 110): a row's texts are stored as their difference from the
// patient's previous row's. Whatever the texts, they must read back character for character (the
// audit log's digests and hashes are over them), and what repeats must cost almost nothing.

/** A base text and an edit of it: pieces kept, dropped, replaced and inserted, some non-ASCII. */
const edited = fc
  .tuple(
    fc.array(fc.string({ unit: 'grapheme', maxLength: 60 }), { minLength: 1, maxLength: 30 }),
    fc.array(
      fc.tuple(
        fc.nat(40),
        fc.constantFrom('keep', 'drop', 'replace', 'insert'),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
      ),
    ),
  )
  .map(([pieces, edits]) => {
    const base = pieces.join('')
    const next = [...pieces]
    for (const [at, op, s] of edits) {
      const i = at % next.length
      if (op === 'drop') next.splice(i, 1, '')
      else if (op === 'replace') next[i] = s
      else if (op === 'insert') next.splice(i, 0, s)
    }
    return { base, text: next.join('') }
  })

describe('delta storage', () => {
  it('reads every text back exactly, with or without a base, whatever was changed (emoji and other pairs of UTF-16 units too)', () => {
    fc.assert(
      fc.property(edited, ({ base, text }) => {
        const { ops, inserted } = diffText(text, base)
        expect(applyText(base, ops, inserted)).toBe(text)
        expect(decodeTexts(encodeTexts([text, base], [base, text]), [base, text])).toEqual([text, base])
        expect(decodeTexts(encodeTexts([text], null), null)).toEqual([text])
        // Deflated with the base as dictionary only (another patient's row as the base).
        expect(decodeTexts(encodeTexts([text, base], [base, text], 'dictionary'), [base, text])).toEqual([
          text,
          base,
        ])
      }),
      { numRuns: 300 },
    )
  })

  it('stores what changed, not what repeats: one more study in a long case costs about as much as in a short one', () => {
    const study = (n: number) =>
      JSON.stringify({
        id: n,
        date: `20${10 + (n % 15)}-0${1 + (n % 9)}-1${n % 10}`,
        procedure: 'ct',
        lesions: [{ id: 'T1', diameterMm: 20 + (n % 7) }],
      })
    const doc = (n: number) =>
      `{"studies":[${Array.from({ length: n }, (_, i) => study(i)).join(',')}],"asOf":"2026-11-${10 + (n % 18)}"}`
    const cost = (n: number) => encodeTexts([doc(n + 1)], [doc(n)]).length
    expect(cost(10)).toBeLessThan(200)
    expect(cost(70)).toBeLessThan(cost(10) * 1.5)
    expect(encodeTexts([doc(71)], null).length).toBeGreaterThan(cost(70) * 5)
  })

  it("costs what differs from another patient's row when deflated with it as the dictionary", () => {
    const first = (name: string, mrn: string, date: string) =>
      JSON.stringify({
        patient: { name, mrn, birthDate: '1950-02-11', grade: 'G2' },
        studies: [{ date, procedure: 'mri-abdomen-pelvis-wo-w', result: 'stable' }],
        rationale: Array.from({ length: 12 }, (_, i) => ({
          rule: `rule-${i}`,
          text: `a reason written out ${i}`,
        })),
      })
    const keyframe = first('Ada Lovelace', 'A-0000001', '2025-03-15')
    const next = first('Grace Hopper', 'B-0000932', '2025-11-15')
    const alone = encodeTexts([next], null).length
    const shared = encodeTexts([next], [keyframe], 'dictionary').length
    expect(shared).toBeLessThan(alone / 2)
  })
})

describe('audit deltas (db/audit.ts, schema 120)', () => {
  it('packs the copies and insertions of any edit into a short text that unpacks to exactly them, and no other text unpacks', () => {
    fc.assert(
      fc.property(edited, ({ base, text }) => {
        const { ops, inserted } = diffText(text, base, 10)
        const packed = packOps(ops)
        expect(unpackOps(packed)).toEqual(ops)
        expect(applyText(base, unpackOps(packed)!, inserted)).toBe(text)
        expect(packed.length).toBeLessThanOrEqual(JSON.stringify(ops).length)
      }),
      { numRuns: 300 },
    )
    for (const bad of ['1', '1,2', 'a,b,c,', '01,0,1', '1,0,1 ', 'x,y,!z', '1,+2,3'])
      expect(unpackOps(bad)).toBeNull()
  })
})
