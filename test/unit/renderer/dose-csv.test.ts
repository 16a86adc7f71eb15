import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvCell, toCsv, type CsvCell } from '../../../renderer/src/features/export/csv'
import {
  LEDGER_COLUMNS,
  ledgerCsv,
  ledgerFileName,
  ledgerRows,
  PATIENT_COLUMNS,
} from '../../../renderer/src/features/dose/csv'
import { doseViewOf, STUDIES } from './dose-fixture'

/** A strict RFC 4180 reader, to check what we write can be read back exactly. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let i = 0
  while (i < text.length) {
    let field = ''
    if (text[i] === '"') {
      i++
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote')
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"'
            i += 2
          } else {
            i++
            break
          }
        } else field += text[i++]
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`)
        field += text[i++]
      }
    }
    row.push(field)
    if (text[i] === ',') i++
    else if (text.startsWith('\r\n', i)) {
      rows.push(row)
      row = []
      i += 2
    } else throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`)
  }
  if (row.length) throw new Error('last record has no CRLF')
  return rows
}

const DANGEROUS_START = /^[=+\-@\t\r\0]/

describe('csvCell (RFC 4180 quoting)', () => {
  it('leaves plain text and numbers as they are', () => {
    expect(csvCell('CT abdomen and pelvis')).toBe('CT abdomen and pelvis')
    expect(csvCell(0.015)).toBe('0.015')
    expect(csvCell(600)).toBe('600')
    expect(csvCell(null)).toBe('')
    expect(csvCell(undefined)).toBe('')
    expect(csvCell(Number.NaN)).toBe('')
    expect(csvCell(true)).toBe('yes')
    expect(csvCell(false)).toBe('no')
  })

  it('quotes fields with commas, quotes, CR or LF and doubles inner quotes', () => {
    expect(csvCell('chest, abdomen and pelvis')).toBe('"chest, abdomen and pelvis"')
    expect(csvCell('the "CT part"')).toBe('"the ""CT part"""')
    expect(csvCell('line 1\nline 2')).toBe('"line 1\nline 2"')
    expect(csvCell('a\rb')).toBe('"a\rb"')
  })

  it('neutralises formula-leading cells (OWASP): =, +, -, @, tab, CR, NUL, also after spaces', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"')
    expect(csvCell('+1+1')).toBe('"\'+1+1"')
    expect(csvCell('-2+3')).toBe('"\'-2+3"')
    expect(csvCell('@SUM(A1:A2)')).toBe('"\'@SUM(A1:A2)"')
    expect(csvCell('\t=1')).toBe('"\'\t=1"')
    expect(csvCell('\r=1')).toBe('"\'\r=1"')
    expect(csvCell('\0=1')).toBe('"\'\0=1"')
    expect(csvCell('  =1+1')).toBe('"\'  =1+1"')
    // Not at the start: harmless, left alone.
    expect(csvCell('a=b')).toBe('a=b')
    expect(csvCell('DLP × k')).toBe('DLP × k')
  })

  it('toCsv ends every record with CRLF', () => {
    expect(
      toCsv([
        ['a', 'b'],
        [1, null],
      ]),
    ).toBe('a,b\r\n1,\r\n')
  })

  it('property: every table reads back exactly, with dangerous cells shown as text', () => {
    const cell = fc.oneof(
      fc.string({
        unit: fc.constantFrom('a', ' ', ',', '"', '\r', '\n', '\t', '\0', '=', '+', '-', '@', 'é', '·'),
      }),
      fc.string(),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: 0 }),
      fc.integer({ min: 0 }),
      fc.boolean(),
      fc.constant(null),
    )
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const back = parseCsv(toCsv(rows))
          expect(back).toHaveLength(rows.length)
          back.forEach((r, i) => {
            const original = rows[i] as CsvCell[]
            expect(r).toHaveLength(original.length)
            r.forEach((got, j) => {
              const v = original[j]
              if (typeof v === 'string') {
                if (/^[=+\-@\t\r\0]|^[ \u00a0]+[=+\-@]/.test(v)) expect(got).toBe(`'${v}`)
                else expect(got).toBe(v)
                expect(got).not.toMatch(DANGEROUS_START)
              } else if (typeof v === 'number') expect(Number(got)).toBe(v === 0 ? 0 : v)
              else if (typeof v === 'boolean') expect(got).toBe(v ? 'yes' : 'no')
              else expect(got).toBe('')
            })
          })
        },
      ),
    )
  })
})

describe('ledger CSV', () => {
  const dose = doseViewOf()
  const rows = ledgerRows(dose, STUDIES)
  const byColumn = (row: readonly CsvCell[]) =>
    Object.fromEntries(LEDGER_COLUMNS.map((c, i) => [c, row[i]])) as Record<
      (typeof LEDGER_COLUMNS)[number],
      CsvCell
    >

  it('has a header and one row per study, oldest first, raw indices before the estimate', () => {
    expect(rows[0]).toEqual([...LEDGER_COLUMNS])
    expect(rows.slice(1).map((r) => r[0])).toEqual(STUDIES.map((s) => s.date))
    expect(LEDGER_COLUMNS.indexOf('DLP (mGy·cm)')).toBeLessThan(
      LEDGER_COLUMNS.indexOf('Estimated effective dose (mSv)'),
    )
  })

  it('a CT with DLP: DLP × k with the k and its set and source', () => {
    expect(byColumn(rows[1]!)).toMatchObject({
      Procedure: 'CT abdomen and pelvis with IV contrast',
      Modality: 'CT',
      'CTDIvol (mGy)': 12.5,
      'DLP (mGy·cm)': 600,
      'Body region': 'abdomen and pelvis',
      Method: 'DLP × k',
      Estimated: false,
      'Estimated effective dose (mSv)': 9,
      'k-factor set': 'AAPM Report 96',
      'k-factor (mSv per mGy·cm)': 0.015,
      'Coefficient (mSv per MBq)': null,
    })
    expect(String(byColumn(rows[1]!).Sources)).toMatch(/conversion coefficients/i)
  })

  it('a PET/CT: activity, agent, coefficient and the CT part', () => {
    expect(byColumn(rows[2]!)).toMatchObject({
      Modality: 'PET/CT',
      Radiopharmaceutical: 'Ga-68 DOTATATE',
      'Administered activity (MBq)': 150,
      'DLP (mGy·cm)': 400,
      Method: 'activity × coefficient + CT part',
      'Estimated effective dose (mSv)': 9.15,
      'Coefficient (mSv per MBq)': 0.021,
      'k-factor (mSv per mGy·cm)': 0.015,
    })
  })

  it('a typical value is marked estimated; Cu-64 without a coefficient stays empty', () => {
    expect(byColumn(rows[4]!)).toMatchObject({ Method: 'typical value', Estimated: true })
    const cu = byColumn(rows[5]!)
    expect(cu['Estimated effective dose (mSv)']).toBeNull()
    expect(cu['Coefficient (mSv per MBq)']).toBeNull()
    expect(cu.Incomplete).toBe(true)
    expect(String(cu.Assumptions)).toContain('needs a site coefficient')
  })

  it('ICRP 103 is named when it was used', () => {
    const icrp = ledgerRows(
      doseViewOf(STUDIES, { kFactors: 'icrp103', cu64DotatateMsvPerMbq: null }),
      STUDIES,
    )
    // The abdomen-pelvis region has no ICRP 103 value: the AAPM 96 one is used and named.
    expect(byColumn(icrp[1]!)['k-factor set']).toBe('AAPM Report 96')
    expect(byColumn(icrp[2]!)).toMatchObject({
      'k-factor set': 'ICRP 103',
      'k-factor (mSv per mGy·cm)': 0.0152,
    })
  })

  it('the CSV text reads back and no cell starts like a formula', () => {
    const back = parseCsv(ledgerCsv(dose, STUDIES))
    expect(back).toHaveLength(STUDIES.length + 1)
    for (const r of back) for (const c of r) expect(c).not.toMatch(DANGEROUS_START)
    expect(back[2]![LEDGER_COLUMNS.indexOf('Body region')]).toBe('chest, abdomen and pelvis')
  })

  it('with the option, every row starts with the patient’s name and MRN; without it, neither is in the file', () => {
    const named = parseCsv(ledgerCsv(dose, STUDIES, { name: 'Lovelace, Ada', mrn: '=MRN-9' }))
    expect(named[0]!.slice(0, 3)).toEqual([...PATIENT_COLUMNS, 'Date'])
    for (const r of named.slice(1)) expect(r.slice(0, 2)).toEqual(['Lovelace, Ada', "'=MRN-9"])
    expect(named[1]!.slice(2)).toEqual(parseCsv(ledgerCsv(dose, STUDIES))[1])
    expect(ledgerCsv(dose, STUDIES)).not.toMatch(/Lovelace|MRN-9/)
  })

  it('file name: MRN made safe, with the date', () => {
    expect(ledgerFileName('E2E-0042', '2026-04-01')).toBe('dose-ledger_E2E-0042_2026-04-01.csv')
    expect(ledgerFileName('../a b/c:d', '2026-04-01')).toBe('dose-ledger___a_b_c_d_2026-04-01.csv')
    expect(ledgerFileName('', '2026-04-01')).toBe('dose-ledger_patient_2026-04-01.csv')
  })
})
