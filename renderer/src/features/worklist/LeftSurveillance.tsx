import { actorLabel } from '../../../../engine'
import { useLeftSurveillance } from '../../data/queries'
import { exitText } from '../../domain/labels'

interface Props {
  count: number | null
  search: string
  open: boolean
  onToggle: (open: boolean) => void
  onOpen: (patientId: number) => void
}

/** Patients who left surveillance, with why, who and when: they are never just gone from the lists. */
export function LeftSurveillance({ count, search, open, onToggle, onOpen }: Props) {
  const left = useLeftSurveillance(search, open)
  return (
    <details
      className="history"
      data-testid="left-list"
      open={open}
      onToggle={(e) => onToggle((e.target as HTMLDetailsElement).open)}
    >
      <summary data-testid="left-summary">
        Left surveillance <span className="tab__count">{count ?? '…'}</span>
      </summary>
      {left.data && left.data.items.length === 0 && (
        <p className="muted">
          {search
            ? `No patient matching “${search}” has left surveillance.`
            : 'No patient has left surveillance.'}
        </p>
      )}
      <ul className="left-list">
        {left.data?.items.map((r) => (
          <li key={r.patientId} data-testid="left-row">
            <button className="link" onClick={() => onOpen(r.patientId)}>
              {r.name}
            </button>{' '}
            <span className="mono muted">{r.mrn}</span> · left {r.exit.date}: {exitText(r.exit)}{' '}
            <span className="muted">· recorded by {actorLabel(r.exit.recordedBy)}</span>
          </li>
        ))}
      </ul>
    </details>
  )
}
