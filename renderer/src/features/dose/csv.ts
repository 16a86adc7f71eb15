// CSV export of a patient's radiation ledger, built in the renderer from what the page already has,
// written by the app's one CSV writer (features/export/csv.ts: RFC 4180, formulas neutralised).
import type { DoseView, StudyRecord } from '../../../../electron/contract/contract'
import { agentLabel, procedureName } from '../../domain/labels'
import { toCsv, type CsvCell } from '../export/csv'
import { methodText } from '../patient/Timeline'
import { workingOf, flagText, K_FACTOR_SET_LABELS, regionLabel, sourceTitle, sourceUrl } from './doseText'

/** The columns that say whose ledger it is, first when the person asks for them. */
export const PATIENT_COLUMNS = ['Patient name', 'MRN'] as const

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
export function ledgerRows(
  dose: DoseView,
  studies: readonly StudyRecord[],
  patient: { name: string; mrn: string } | null = null,
): CsvCell[][] {
  const who: CsvCell[] = patient ? [patient.name, patient.mrn] : []
  const rows: CsvCell[][] = [[...(patient ? PATIENT_COLUMNS : []), ...LEDGER_COLUMNS]]
  const ordered = [...dose.ledger.studies].sort((a, b) =>
    a.date === b.date ? a.index - b.index : a.date < b.date ? -1 : 1,
  )
  for (const e of ordered) {
    const d = studies[e.index]?.dose
    const kSet =
      e.kFactor === null ? null : e.flags.includes('k-factor-from-aapm96') ? 'aapm96' : dose.kFactors
    rows.push([
      ...who,
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
      workingOf(dose, e)?.coefficientMsvPerMbq ?? null,
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

/**
 * The ledger as CSV text; with `patient`, every row starts with the patient's name and MRN (an
 * option: by default the file does not say whose it is).
 */
export function ledgerCsv(
  dose: DoseView,
  studies: readonly StudyRecord[],
  patient: { name: string; mrn: string } | null = null,
): string {
  return toCsv(ledgerRows(dose, studies, patient))
}

/** `dose-ledger_<MRN>_<date>.csv`, with anything but letters, digits, dot and dash in the MRN made `_`. */
export function ledgerFileName(mrn: string, today: string): string {
  const safe = mrn.replace(/[^A-Za-z0-9.-]/g, '_').replace(/^\.+/, '_') || 'patient'
  return `dose-ledger_${safe}_${today}.csv`
}
