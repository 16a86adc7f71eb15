import type { FollowUpItem, NextStep } from '../../../../../electron/contract/contract'
import {
  DEFERRAL_REASON_LABELS,
  OVERRIDE_REASON_LABELS,
  procedureName,
  reasonText,
  windowStatus,
} from '../../../domain/labels'

/** The open step: the study or decision it asks for, its window, and a radiologist's change. */
export function OpenItem({
  item,
  next,
  today,
}: {
  item: FollowUpItem
  next: NextStep | null
  today: string
}) {
  const due = item.override?.due ?? item.due
  const status = windowStatus(due, today)
  const chosen = item.override?.procedure ?? null
  const offered = next ? [next.procedure, ...next.alternatives] : []
  const conflict = chosen !== null && next !== null && !offered.includes(chosen)
  return (
    <div className="item" data-testid="open-item">
      <p>
        <strong>{procedureName(item.override?.procedure ?? item.procedure)}</strong>{' '}
        <span className="muted">· {item.reason}</span>
      </p>
      <p className="mono" data-testid="open-item-due">
        {due.from} – {due.to} <span className={`status status--${status.status}`}>{status.label}</span>
      </p>
      {item.deferralReason && (
        <p className="muted" data-testid="deferral-reason">
          Deferred: {DEFERRAL_REASON_LABELS[item.deferralReason]}
        </p>
      )}
      {item.override && (
        <p className="override" data-testid="override">
          Changed by the radiologist (
          {reasonText(
            OVERRIDE_REASON_LABELS[item.override.reasonCode],
            item.override.reasonCode,
            item.override.text,
          )}
          ). Suggested: {procedureName(item.procedure)}, {item.due.from} – {item.due.to}.
        </p>
      )}
      {conflict && (
        <p className="alert alert--warn" role="alert" data-testid="override-conflict">
          The chosen study is not among those the current recommendation offers (the facts may have changed,
          e.g. a new contraindication). Check the choice.
        </p>
      )}
    </div>
  )
}
