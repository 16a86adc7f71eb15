import type { AdherenceItem, FollowUpItem } from '../../../../../electron/contract/contract'
import { timingText } from '../../../domain/adherence'
import {
  decisionText,
  ITEM_STATUS_LABELS,
  procedureName,
  reasonText,
  STATUS_REASON_LABELS,
} from '../../../domain/labels'

/**
 * The closed steps, newest first as stored: the study and window in force (the radiologist's, if
 * changed), how each closed and why; an imaging step closed by its study says whether the study was
 * on time, early or late against that window (the engine's timing).
 */
export function ItemHistory({ closed, timed }: { closed: FollowUpItem[]; timed: readonly AdherenceItem[] }) {
  if (closed.length === 0) return null
  const timing = new Map(timed.map((t) => [t.itemId, t.timing]))
  return (
    <details className="history">
      <summary>Earlier items ({closed.length})</summary>
      <ul>
        {closed.map((i) => {
          const t = timing.get(i.id)
          return (
            <li key={i.id} data-testid="earlier-item">
              <span className={`tag tag--${i.status}`}>{ITEM_STATUS_LABELS[i.status]}</span>{' '}
              {procedureName(i.override?.procedure ?? i.procedure)} · due {(i.override?.due ?? i.due).from} –{' '}
              {(i.override?.due ?? i.due).to}
              {i.override && <span className="muted"> (changed by the radiologist)</span>}
              {i.statusReasonCode && (
                <>
                  {' '}
                  ·{' '}
                  {reasonText(
                    STATUS_REASON_LABELS[i.statusReasonCode],
                    i.statusReasonCode,
                    i.statusReasonText,
                  )}
                </>
              )}
              {!i.statusReasonCode && i.statusReasonText && <> — “{i.statusReasonText}”</>}
              {i.decision && <> · {decisionText(i.decision.decision)}</>}
              {t && (
                <>
                  {' '}
                  · <span className={`timing timing--${t.timeliness}`}>{timingText(t)}</span>
                </>
              )}
            </li>
          )
        })}
      </ul>
    </details>
  )
}
