import { Button, Disclosure, DisclosurePanel, Heading } from 'react-aria-components'
import type { AuditExportFilter, AuditListEntry } from '../../../../electron/contract/contract'
import { actorLabel } from '../../../../engine'
import { useAuditPages } from '../../data/queries'
import { AUDIT_KIND_LABELS, auditActionText, auditChanges, auditSubject } from '../../domain/auditWords'

/** An instant as the reader's local date and time, to the minute: "2026-11-24 10:05". */
export function localTime(iso: string): string {
  const d = new Date(iso)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

function Entry({ entry, showPatient }: { entry: AuditListEntry; showPatient: boolean }) {
  const changes = auditChanges(entry.entity, entry.before, entry.after)
  const subject = auditSubject(entry.entity, entry.before, entry.after)
  return (
    <li className="audit__entry" data-testid="audit-entry" data-kind={entry.kind}>
      <div className="audit__head">
        <time dateTime={entry.at} className="audit__time">
          {localTime(entry.at)}
        </time>
        <span className="audit__actor">{actorLabel(entry.actor)}</span>
        <strong className="audit__what">{auditActionText(entry.action)}</strong>
        <span className="audit__kind muted small">{AUDIT_KIND_LABELS[entry.kind]}</span>
      </div>
      <div className="audit__subject">
        {subject}
        {showPatient && entry.patient && (
          <span className="muted">
            {' '}
            · {entry.patient.name} (MRN {entry.patient.mrn})
          </span>
        )}
      </div>
      {changes.length > 0 && (
        <ul className="audit__changes" aria-label={`Changes: ${subject}`}>
          {changes.map((c, i) => (
            <li key={i} data-testid="audit-change">
              <span className="audit__field">{c.label}:</span> {c.before} → {c.after}
            </li>
          ))}
        </ul>
      )}
      <Disclosure className="audit__raw">
        <Heading level={4} className="audit__raw-heading">
          <Button slot="trigger" className="link small">
            Show the entry as stored
          </Button>
        </Heading>
        <DisclosurePanel>
          <pre className="audit__json small">
            {JSON.stringify(
              {
                id: entry.id,
                action: entry.action,
                entity: entry.entity,
                entityId: entry.entityId,
                before: entry.before,
                after: entry.after,
              },
              null,
              2,
            )}
          </pre>
        </DisclosurePanel>
      </Disclosure>
    </li>
  )
}

/**
 * The audit trail for a filter, newest first, a page at a time (*Show older entries* reads the
 * next page). Each entry says who did what when, and what changed in words.
 */
export function AuditList({ filter, label }: { filter: AuditExportFilter; label: string }) {
  const q = useAuditPages(filter)
  if (q.error) return <p role="alert">The audit trail could not be read: {q.error.message}</p>
  if (!q.data) return <p className="muted">Loading…</p>
  const entries = q.data.pages.flatMap((p) => p.entries)
  const first = q.data.pages[0]!
  const total = `${first.totalCapped ? 'more than ' : ''}${first.total} ${first.total === 1 && !first.totalCapped ? 'entry' : 'entries'}`
  return (
    <div className="audit">
      <p className="muted small" role="status" data-testid="audit-total">
        {entries.length === 0 ? 'No entries match.' : `Showing ${entries.length} of ${total}, newest first.`}
      </p>
      <ol className="audit__list" aria-label={label}>
        {entries.map((e) => (
          <Entry key={e.id} entry={e} showPatient={filter.patientId == null} />
        ))}
      </ol>
      {q.hasNextPage && (
        <button
          type="button"
          className="button"
          disabled={q.isFetchingNextPage}
          onClick={() => void q.fetchNextPage()}
        >
          {q.isFetchingNextPage ? 'Reading…' : 'Show older entries'}
        </button>
      )}
    </div>
  )
}
