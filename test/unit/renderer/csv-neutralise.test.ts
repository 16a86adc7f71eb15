import fs from 'node:fs'
import path from 'node:path'
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import type { WorklistRow } from '../../../electron/contract/contract'
import { ledgerCsv } from '../../../renderer/src/features/dose/csv'
import { csvCell, FORMULA_START, toCsv } from '../../../renderer/src/features/export/csv'
import { worklistCsv } from '../../../renderer/src/features/export/worklistCsv'
import { doseViewOf, STUDIES } from './dose-fixture'

/** Every character a spreadsheet may read as the start of a formula (OWASP CSV injection, plus NUL). */
const LEADING = [
  ['=', 'equals'],
  ['+', 'plus'],
  ['-', 'minus'],
  ['@', 'at sign'],
  ['\t', 'tab'],
  ['\r', 'carriage return'],
  ['\0', 'NUL'],
] as const

const payload = (lead: string) => `${lead}HYPERLINK("https://evil.example","open")`
const readBack = (text: string) =>
  Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { newline: '\r\n', skipEmptyLines: true }).data

function worklistRow(name: string, mrn: string): WorklistRow {
  return {
    patientId: 1,
    name,
    mrn,
    isDemo: false,
    variant: null,
    lastStudyDate: null,
    lastResult: null,
    lastResultDerived: false,
    cumulativeMsv: null,
    doseEstimated: false,
    doseIncomplete: false,
    item: null,
    flags: { mriContraindicated: false, newSymptoms: false, requestNotAppropriate: false },
  } as WorklistRow
}

describe('CSV formula neutralising (the one writer, renderer/src/features/export/csv.ts)', () => {
  it.each(LEADING)('a cell starting with %j (%s) is written as text behind a single quote', (lead) => {
    const cell = csvCell(payload(lead))
    expect(cell.startsWith(`"'${lead}`)).toBe(true)
    expect(readBack(toCsv([[payload(lead)]]))[0]).toEqual([`'${payload(lead)}`])
    expect(FORMULA_START.test(payload(lead))).toBe(true)
  })

  it.each(LEADING)('the worklist export neutralises a name and MRN starting with %j (%s)', (lead) => {
    const rows = readBack(worklistCsv([worklistRow(payload(lead), `${lead}1`)], '2026-03-01'))
    expect(rows[1]![0]).toBe(`'${payload(lead)}`)
    expect(rows[1]![1]).toBe(`'${lead}1`)
  })

  it.each(LEADING)('the dose-ledger export neutralises a patient name starting with %j (%s)', (lead) => {
    const rows = readBack(ledgerCsv(doseViewOf(), STUDIES, { name: payload(lead), mrn: `${lead}7` }))
    expect(rows.length).toBeGreaterThan(1)
    for (const row of rows.slice(1)) expect(row.slice(0, 2)).toEqual([`'${payload(lead)}`, `'${lead}7`])
  })

  it('leaves a harmless cell alone, and a NUL that is not first', () => {
    expect(csvCell('MRN 0001')).toBe('MRN 0001')
    expect(csvCell('a\0b')).toBe('a\0b')
  })
})

/** Source files of the app (not tests), relative to the repository root. */
function sources(): string[] {
  const root = path.resolve(__dirname, '..', '..', '..')
  const out: string[] = []
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(rel)
      else if (/\.(ts|tsx|mjs|cjs)$/.test(entry.name)) out.push(rel)
    }
  }
  for (const dir of ['renderer/src', 'electron', 'db', 'engine', 'scripts']) walk(dir)
  return out.map((f) => f.split(path.sep).join('/'))
}

describe('every CSV the app writes goes through the one writer', () => {
  const root = path.resolve(__dirname, '..', '..', '..')
  const text = (f: string) => fs.readFileSync(path.join(root, f), 'utf8')
  const WRITER = 'renderer/src/features/export/csv.ts'

  it('only the writer calls papaparse’s unparse', () => {
    const callers = sources().filter((f) => /\bunparse\s*\(/.test(text(f)))
    expect(callers).toEqual([WRITER])
  })

  it('every module that names a .csv file to save builds its text with toCsv', () => {
    // File names are built in template literals (`pnet-worklist_${bucket}_${today}.csv`).
    const writers = sources().filter((f) => f !== WRITER && /\.csv`/.test(text(f)))
    expect(writers).toEqual(
      expect.arrayContaining([
        'renderer/src/features/dose/csv.ts',
        'renderer/src/features/export/worklistCsv.ts',
      ]),
    )
    for (const f of writers) {
      expect(text(f), f).toMatch(/import \{[^}]*\btoCsv\b[^}]*\} from '(\.\/csv|\.\.\/export\/csv)'/)
      expect(text(f), f).toMatch(/\btoCsv\(/)
    }
  })

  it('no module writes CSV by joining cells with commas and rows with newlines', () => {
    const JOINED = /\.join\(\s*['"],['"]\s*\)\s*\)?\s*\.join\(\s*['"]\\r?\\n['"]/
    expect(JOINED.test("rows.map((r) => r.join(',')).join('\\r\\n')")).toBe(true)
    expect(sources().filter((f) => JOINED.test(text(f)))).toEqual([])
  })
})
