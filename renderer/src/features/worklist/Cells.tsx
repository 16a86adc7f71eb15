import type { WorklistRow } from '../../../../electron/contract/contract'
import { formatMsv, procedureShortName, resultLabel, variantLabel, windowStatus } from '../../domain/labels'

/** The flags a reader should see before opening the record, as short badges with their full words. */
function Flags({ row }: { row: WorklistRow }) {
  const flags: Array<{ key: string; short: string; long: string; tone: string }> = []
  if (row.flags.mriContraindicated)
    flags.push({ key: 'mri', short: 'no MRI', long: 'MRI contraindicated', tone: 'danger' })
  if (row.flags.newSymptoms)
    flags.push({ key: 'symptoms', short: 'symptoms', long: 'New symptoms recorded', tone: 'warn' })
  if (row.flags.requestNotAppropriate)
    flags.push({
      key: 'request',
      short: 'request',
      long: 'The requested study is not appropriate',
      tone: 'warn',
    })
  if (row.item?.overridden)
    flags.push({
      key: 'override',
      short: 'override',
      long: 'The radiologist changed the suggestion',
      tone: 'info',
    })
  if (flags.length === 0) return <span className="visually-hidden">none</span>
  return (
    <ul className="flags">
      {flags.map((f) => (
        <li key={f.key} className={`badge badge--${f.tone}`} title={f.long} data-flag={f.key}>
          <span aria-hidden="true">{f.short}</span>
          <span className="visually-hidden">{f.long}</span>
        </li>
      ))}
    </ul>
  )
}

export function Cells({
  row,
  today,
  onOpen,
}: {
  row: WorklistRow
  today: string
  onOpen: (id: number) => void
}) {
  const status = row.item ? windowStatus(row.item.due, today) : null
  const next = row.item
    ? row.item.procedure
      ? procedureShortName(row.item.procedure)
      : row.item.reason
    : null
  return (
    <>
      <div role="gridcell" aria-colindex={1} className="grid__cell grid__cell--patient">
        <button className="link" tabIndex={-1} onClick={() => onOpen(row.patientId)}>
          {row.name}
        </button>
        {row.isDemo && <span className="badge">demo</span>}
      </div>
      <div role="gridcell" aria-colindex={2} className="grid__cell grid__cell--mrn mono">
        {row.mrn}
      </div>
      <div role="gridcell" aria-colindex={3} className="grid__cell grid__cell--flags" data-testid="flags">
        <Flags row={row} />
      </div>
      <div role="gridcell" aria-colindex={4} className="grid__cell grid__cell--variant">
        {variantLabel(row.variant)}
      </div>
      <div
        role="gridcell"
        aria-colindex={5}
        className="grid__cell grid__cell--next"
        title={next ?? undefined}
      >
        {next ?? <span className="muted">none scheduled</span>}
      </div>
      <div role="gridcell" aria-colindex={6} className="grid__cell grid__cell--due mono">
        {row.item && status ? (
          <>
            <span className={`status status--${status.status}`}>{status.label}</span>{' '}
            <span className="due__dates">
              {row.item.due.from} → {row.item.due.to}
            </span>
          </>
        ) : (
          '—'
        )}
      </div>
      <div
        role="gridcell"
        aria-colindex={7}
        className="grid__cell grid__cell--result"
        title={
          row.lastStudyDate
            ? `Study of ${row.lastStudyDate}${row.lastResultDerived ? ': not read; derived from its RECIST measurements' : ''}`
            : undefined
        }
      >
        {row.lastResult ? resultLabel(row.lastResult) : '—'}
        {row.lastResult && row.lastResultDerived && <span className="muted"> (derived)</span>}
      </div>
      <div role="gridcell" aria-colindex={8} className="grid__cell grid__cell--dose mono">
        {formatMsv(row.cumulativeMsv, row.doseEstimated, row.doseIncomplete)}
      </div>
    </>
  )
}
