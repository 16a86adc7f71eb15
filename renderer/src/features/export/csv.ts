// The one CSV writer of the app (the dose ledger, the worklist), on papaparse's `unparse`.
//
// Format: RFC 4180 (comma separator, CRLF after every record including the last, a field is
// enclosed in double quotes when it holds a quote, comma, CR or LF — papaparse also quotes one
// with a leading or trailing space — and a quote inside is doubled). Spreadsheet formula injection
// is neutralised as OWASP's CSV-injection page advises: a text cell that starts with =, +, -, @,
// tab, carriage return or a NUL byte (some spreadsheet programs drop a leading NUL and then read
// the rest as a formula), or with =, +, -, @ after leading spaces, gets a leading single quote and
// is quoted (papaparse's `escapeFormulae` with our pattern), so a spreadsheet shows it as text.
// Every CSV the app writes goes through `toCsv` (test/unit/renderer/csv-neutralise.test.ts checks).
import Papa from 'papaparse'

export type CsvCell = string | number | boolean | null | undefined

/** Cells that a spreadsheet would read as a formula. */
export const FORMULA_START = /^[=+\-@\t\r\0]|^[ \u00a0]+[=+\-@]/

/** Booleans as yes/no, numbers that are not finite as empty: the values we write. */
function plain(value: CsvCell): string | number | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  return value
}

const OPTIONS = { newline: '\r\n', escapeFormulae: FORMULA_START } as const

/** Rows to CSV text: CRLF after every record, including the last (RFC 4180 allows both). */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<CsvCell>>): string {
  if (rows.length === 0) return ''
  return (
    Papa.unparse(
      rows.map((r) => r.map(plain)),
      OPTIONS,
    ) + '\r\n'
  )
}

/** One field as `toCsv` writes it. */
export function csvCell(value: CsvCell): string {
  return Papa.unparse([[plain(value)]], OPTIONS)
}
