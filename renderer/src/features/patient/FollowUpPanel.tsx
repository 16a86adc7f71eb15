import { useState } from 'react'
import type {
  AdherenceItem,
  ClosingStatus,
  FollowUpItem,
  FollowUpItemKind,
  NextStep,
  SurveillanceExitRecord,
} from '../../../../electron/contract/contract'
import { DecisionForm } from './followup/DecisionForm'
import { ItemHistory } from './followup/ItemHistory'
import { OpenItem } from './followup/OpenItem'
import { OverrideForm } from './followup/OverrideForm'
import { StatusForm } from './followup/StatusForm'
import { ExitView, LeaveForm } from './followup/Surveillance'

type Mode = null | 'override' | Exclude<ClosingStatus, 'done'> | 'decision' | 'leave'

interface Props {
  items: FollowUpItem[]
  /** The current recommendation's next step, to check an override against. */
  next: NextStep | null
  today: string
  /** The current exit from surveillance, if the patient left. */
  exit: SurveillanceExitRecord | null
  patientId: number
  /** The patient's closed imaging steps as the engine timed them (on time, early, late). */
  timed: readonly AdherenceItem[]
  /** Opens the study form for the outside study of the open imaging step. */
  /** Opens the study form for the outside study of the open imaging step (as shown now). */
  onDoneElsewhere: (item: FollowUpItem) => void
  onChanged: (message: string) => void
}

const IMAGING = new Set<FollowUpItemKind>(['imaging', 'imaging-now', 'treatment-response'])
const DECISION = new Set<FollowUpItemKind>(['tumor-board', 'clinician-review'])

/**
 * The open follow-up step with its actions, or why the patient left surveillance; and the
 * history of closed steps. A patient always has one of the two.
 */
export function FollowUpPanel({
  items,
  next,
  today,
  exit,
  patientId,
  timed,
  onDoneElsewhere,
  onChanged,
}: Props) {
  const open = items.find((i) => i.status === 'scheduled') ?? null
  const closed = items.filter((i) => i.status !== 'scheduled')
  const [mode, setMode] = useState<Mode>(null)
  const done = (m: string | null) => (setMode(null), m && onChanged(m))

  return (
    <section className="panel" aria-labelledby="fu-title" data-testid="followup">
      <h2 id="fu-title">Next follow-up</h2>
      {exit && <ExitView exit={exit} patientId={patientId} onChanged={onChanged} />}
      {!open && !exit && <p className="muted">No open step.</p>}
      {open && <OpenItem item={open} next={next} today={today} />}
      {open && mode === null && (
        <div className="form__actions">
          {IMAGING.has(open.kind) && (
            <>
              <button className="button" onClick={() => setMode('override')}>
                Change study or window…
              </button>
              <button className="button" onClick={() => onDoneElsewhere(open)}>
                Done elsewhere…
              </button>
            </>
          )}
          {DECISION.has(open.kind) && (
            <button className="button button--primary" onClick={() => setMode('decision')}>
              {open.kind === 'tumor-board' ? 'Record the board’s decision…' : 'Record the review’s outcome…'}
            </button>
          )}
          <button className="button" onClick={() => setMode('deferred')}>
            Defer…
          </button>
          <button className="button" onClick={() => setMode('cancelled')}>
            Cancel step…
          </button>
          <button className="button button--danger" onClick={() => setMode('leave')}>
            Leave surveillance…
          </button>
        </div>
      )}
      {open && mode === 'override' && <OverrideForm item={open} onDone={done} />}
      {open && (mode === 'cancelled' || mode === 'deferred') && (
        <StatusForm item={open} status={mode} today={today} onDone={done} />
      )}
      {open && mode === 'decision' && <DecisionForm item={open} today={today} next={next} onDone={done} />}
      {open && mode === 'leave' && <LeaveForm patientId={patientId} today={today} onDone={done} />}
      <ItemHistory closed={closed} timed={timed} />
    </section>
  )
}
