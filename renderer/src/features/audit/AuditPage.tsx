import { useId, useState } from 'react'
import { Button, Disclosure, DisclosurePanel, Heading } from 'react-aria-components'
import type { AuditExportFilter, AuditKind } from '../../../../electron/contract/contract'
import { actorLabel, AUDIT_KINDS } from '../../../../engine'
import { call } from '../../api'
import { useAuditActors } from '../../data/queries'
import { AUDIT_KIND_LABELS } from '../../domain/auditWords'
import { downloadText } from '../export/save'
import { AuditList } from './AuditList'
import { auditCsv, auditFileName } from './auditCsv'

/** The filter a person sets: person, first and last day, kinds of change (empty: all). */
export interface AuditFilterState {
  actor: string
  from: string
  to: string
  kinds: AuditKind[]
}

export const NO_FILTER: AuditFilterState = { actor: '', from: '', to: '', kinds: [] }

/** The request's filter: empty fields are no filter. */
export function requestFilter(f: AuditFilterState, patientId: number | null): AuditExportFilter {
  return {
    ...(patientId !== null ? { patientId } : {}),
    ...(f.actor ? { actor: f.actor } : {}),
    ...(f.from ? { from: f.from } : {}),
    ...(f.to ? { to: f.to } : {}),
    ...(f.kinds.length ? { kinds: [...f.kinds].sort() } : {}),
  }
}

/** The filters of the audit trail: person, days, kinds of change; and *Export CSV* of what they select. */
export function AuditFilters({
  value,
  onChange,
  patient,
  today,
}: {
  value: AuditFilterState
  onChange: (f: AuditFilterState) => void
  /** The patient whose history this is (null: the whole trail). */
  patient: { id: number; mrn: string } | null
  today: string
}) {
  const id = useId()
  const actors = useAuditActors()
  const [note, setNote] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const badRange = value.from !== '' && value.to !== '' && value.from > value.to

  async function exportCsv() {
    setBusy(true)
    const r = await call('audit.export', requestFilter(value, patient?.id ?? null))
    setBusy(false)
    if (!r.ok) return setNote(`The audit trail was not exported: ${r.error.message}`)
    downloadText(auditFileName(today, patient?.mrn ?? null), auditCsv(r.value.entries))
    setNote(
      `Saved ${r.value.entries.length} ${r.value.entries.length === 1 ? 'entry' : 'entries'} as CSV${
        r.value.truncated ? ' (cut at the export limit)' : ''
      }.`,
    )
  }

  return (
    <div className="audit__filters" role="group" aria-label="Filter the audit trail">
      <div className="audit__filter-row">
        <div className="field">
          <label htmlFor={`${id}-actor`}>Person</label>
          <select
            id={`${id}-actor`}
            value={value.actor}
            onChange={(e) => onChange({ ...value, actor: e.target.value })}
          >
            <option value="">Everyone</option>
            {(actors.data ?? []).map((a) => (
              <option key={a} value={a}>
                {actorLabel(a)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-from`}>From</label>
          <input
            id={`${id}-from`}
            type="date"
            value={value.from}
            aria-invalid={badRange || undefined}
            aria-describedby={badRange ? `${id}-range` : undefined}
            onChange={(e) => onChange({ ...value, from: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To</label>
          <input
            id={`${id}-to`}
            type="date"
            value={value.to}
            onChange={(e) => onChange({ ...value, to: e.target.value })}
          />
        </div>
        <button type="button" className="button button--quiet" onClick={() => onChange(NO_FILTER)}>
          Clear filters
        </button>
        <button type="button" className="button" disabled={busy || badRange} onClick={() => void exportCsv()}>
          Export CSV
        </button>
        {note && (
          <span className="notice" role="status" data-testid="audit-export-note">
            {note}
          </span>
        )}
      </div>
      {badRange && (
        <p className="field__error" id={`${id}-range`} role="alert">
          The first day is after the last day.
        </p>
      )}
      <fieldset className="audit__kinds">
        <legend>Kind of change (none ticked: every kind)</legend>
        <div className="audit__kind-boxes">
          {AUDIT_KINDS.map((k) => (
            <label key={k} className="check audit__kind-box">
              <input
                type="checkbox"
                checked={value.kinds.includes(k)}
                onChange={(e) =>
                  onChange({
                    ...value,
                    kinds: e.target.checked ? [...value.kinds, k] : value.kinds.filter((x) => x !== k),
                  })
                }
              />
              {AUDIT_KIND_LABELS[k]}
            </label>
          ))}
        </div>
      </fieldset>
    </div>
  )
}

/**
 * The audit trail screen: every change, read and export the log recorded, newest first, with who,
 * when and what changed in words; filtered by person, days and kind of change; exported as CSV.
 */
export function AuditPage({ today, onBack }: { today: string; onBack: () => void }) {
  const [filter, setFilter] = useState<AuditFilterState>(NO_FILTER)
  const badRange = filter.from !== '' && filter.to !== '' && filter.from > filter.to
  return (
    <section className="panel audit-page" aria-labelledby="audit-title">
      <div className="audit__top">
        <button className="button button--quiet" onClick={onBack}>
          ← Worklist
        </button>
        <h2 id="audit-title">Audit trail</h2>
      </div>
      <p className="muted small">
        Every change to the log, every opening of a patient’s record, every export and every backup, as
        recorded in the log’s tamper-evident audit trail.
      </p>
      <AuditFilters value={filter} onChange={setFilter} patient={null} today={today} />
      {!badRange && <AuditList filter={requestFilter(filter, null)} label="Audit trail entries" />}
    </section>
  )
}

/** A patient's history of changes on their page: the same list, for their records only. */
export function PatientHistory({ patient, today }: { patient: { id: number; mrn: string }; today: string }) {
  const [filter, setFilter] = useState<AuditFilterState>(NO_FILTER)
  const badRange = filter.from !== '' && filter.to !== '' && filter.from > filter.to
  const [open, setOpen] = useState(false)
  // Closed until asked for: the list is read only when someone opens it.
  return (
    <Disclosure className="panel" isExpanded={open} onExpandedChange={setOpen} data-testid="patient-history">
      <Heading level={2} className="audit__history-heading">
        <Button slot="trigger" className="link audit__history-trigger">
          History of changes {open ? '▾' : '▸'}
        </Button>
      </Heading>
      <DisclosurePanel>
        {open && (
          <>
            <AuditFilters value={filter} onChange={setFilter} patient={patient} today={today} />
            {!badRange && (
              <AuditList
                filter={requestFilter(filter, patient.id)}
                label="This patient’s history of changes"
              />
            )}
          </>
        )}
      </DisclosurePanel>
    </Disclosure>
  )
}
