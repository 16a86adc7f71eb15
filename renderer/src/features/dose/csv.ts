// CSV export of a patient's radiation ledger, built in the renderer from what the page already has.
//
// Format: RFC 4180 (comma separator, CRLF line ends, a field is enclosed in double quotes when it
// holds a quote, comma, CR or LF, and a quote inside is doubled). Spreadsheet formula injection is
// neutralised as OWASP's CSV-injection page advises: a text cell that starts with =, +, -, @, tab
// or carriage return (also after leading spaces) gets a leading single quote and is quoted, so a
// spreadsheet shows it as text instead of running it.
import type { DoseView, StudyRecord } from '../../../../electron/contract/contract'
import { agentLabel, procedureName } from '../../domain/labels'
import { methodText } from '../patient/Timeline'
import {
  coefficientUsed,
  flagText,
  K_FACTOR_SET_LABELS,
  regionLabel,
  sourceTitle,
  sourceUrl,
} from './doseText'

export type CsvCell = string | number | boolean | null | undefined

const FORMULA_START = /^[=+\-@\t\r]|^[ \u00a0]+[=+\-@]/
const NEEDS_QUOTES = /[",\r\n]/

/** One field, neutralised and quoted as needed. Numbers and booleans are written as values. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (FORMULA_START.test(value)) return `"'${value.replace(/"/g, '""')}"`
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** Rows to CSV text: CRLF after every record, including the last (RFC 4180 allows both). */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<CsvCell>>): string {
  return rows.map((r) => r.map(csvCell).join(',') + '\r\n').join('')
}

export const LEDGER_COLUMNS = [
  'Date',
  'Procedure',
  'Modality',
  'CTDIvol (mGy)',
  'DLP (mGy·cm)',
  'Body region',
  'Radiopharmaceutical',
  'Administered activity (MBq)',
  'Reported effective dose (mSv)',
  'Method',
  'Estimated',
  'Incomplete',
  'Estimated effective dose (mSv)',
  'k-factor set',
  'k-factor (mSv per mGy·cm)',
  'Coefficient (mSv per MBq)',
  'Activity used (MBq)',
  'Assumptions',
  'Sources',
  'Source links',
] as const

/**
 * The ledger as CSV rows, oldest study first: what was recorded (raw indices) and then the
 * estimate with its method, factors and sources. An unknown estimate stays empty, never a number.
 */
export function ledgerRows(dose: DoseView, studies: readonly StudyRecord[]): CsvCell[][] {
  const rows: CsvCell[][] = [[...LEDGER_COLUMNS]]
  const ordered = [...dose.ledger.studies].sort((a, b) =>
    a.date === b.date ? a.index - b.index : a.date < b.date ? -1 : 1,
  )
  for (const e of ordered) {
    const d = studies[e.index]?.dose
    const kSet =
      e.kFactor === null ? null : e.flags.includes('k-factor-from-aapm96') ? 'aapm96' : dose.kFactors
    rows.push([
      e.date,
      procedureName(e.procedure),
      e.modality,
      d?.ctdiVolMgy,
      d?.dlpMgyCm,
      d?.region ? regionLabel(d.region) : null,
      d?.agent ? agentLabel(d.agent) : null,
      d?.activityMbq,
      d?.effectiveMsv,
      methodText(e.method),
      e.estimated,
      e.incomplete || e.msv === null,
      e.msv,
      kSet ? K_FACTOR_SET_LABELS[kSet] : null,
      e.kFactor,
      coefficientUsed(e, dose.cu64DotatateMsvPerMbq),
      e.activityMbq,
      e.flags.map((f) => flagText(f, e)).join('; '),
      e.sources.map(sourceTitle).join('; '),
      e.sources
        .map(sourceUrl)
        .filter((u): u is string => u !== null)
        .join(' '),
    ])
  }
  return rows
}

export function ledgerCsv(dose: DoseView, studies: readonly StudyRecord[]): string {
  return toCsv(ledgerRows(dose, studies))
}

/** `dose-ledger_<MRN>_<date>.csv`, with anything but letters, digits, dot and dash in the MRN made `_`. */
export function ledgerFileName(mrn: string, today: string): string {
  const safe = mrn.replace(/[^A-Za-z0-9.-]/g, '_').replace(/^\.+/, '_') || 'patient'
  return `dose-ledger_${safe}_${today}.csv`
}
