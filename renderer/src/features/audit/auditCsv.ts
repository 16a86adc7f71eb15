// The audit trail's filtered list as CSV, for a compliance officer: one row per entry, newest
// first, with the change in words beside the raw codes. Written by the one CSV writer
// (../export/csv.ts: RFC 4180, formula-leading cells neutralised).
import type { AuditListEntry } from '../../../../electron/contract/contract'
import {
  AUDIT_KIND_LABELS,
  auditActionText,
  auditChanges,
  auditSubject,
  changeLine,
} from '../../domain/auditWords'
import { actorLabel } from '../../../../engine'
import { toCsv, type CsvCell } from '../export/csv'

export const AUDIT_COLUMNS = [
  'Entry',
  'At (UTC)',
  'Person',
  'Kind of change',
  'What happened',
  'Record',
  'Patient',
  'MRN',
  'Changes',
  'Actor code',
  'Action code',
  'Entity',
  'Entity id',
] as const

export function auditRows(entries: readonly AuditListEntry[]): CsvCell[][] {
  return [
    [...AUDIT_COLUMNS],
    ...entries.map((e): CsvCell[] => [
      e.id,
      e.at,
      actorLabel(e.actor),
      AUDIT_KIND_LABELS[e.kind],
      auditActionText(e.action),
      auditSubject(e.entity, e.before, e.after),
      e.patient?.name,
      e.patient?.mrn,
      auditChanges(e.entity, e.before, e.after).map(changeLine).join('\n'),
      e.actor,
      e.action,
      e.entity,
      e.entityId,
    ]),
  ]
}

export function auditCsv(entries: readonly AuditListEntry[]): string {
  return toCsv(auditRows(entries))
}

/** `pnet-audit_<scope>_<today>.csv`; the scope is `all` or the patient's MRN (letters, digits, dot, dash). */
export function auditFileName(today: string, mrn: string | null): string {
  const scope = mrn === null ? 'all' : mrn.replace(/[^A-Za-z0-9.-]/g, '_') || 'patient'
  return `pnet-audit_${scope}_${today}.csv`
}
