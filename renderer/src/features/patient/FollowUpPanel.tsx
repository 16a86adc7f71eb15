import { useState, type FormEvent } from 'react'
import type {
  FollowUpItem,
  NextStep,
  OverrideReasonCode,
  ProcedureId,
  ClosingStatus,
  ManualStatusReasonCode,
} from '../../../../electron/contract/contract'
import { Field } from '../../components/Field'
import { Select } from '../../components/Select'
import { useOverrideItem, useSetItemStatus } from '../../data/mutations'
import {
  ITEM_STATUS_LABELS,
  OVERRIDE_REASON_LABELS,
  OVERRIDE_REASON_OPTIONS,
  PROCEDURE_OPTIONS,
  STATUS_REASON_LABELS,
  STATUS_REASON_OPTIONS,
  procedureName,
  windowStatus,
} from '../../domain/labels'

type Mode = null | 'override' | ClosingStatus

interface Props {
  items: FollowUpItem[]
  /** The current recommendation's next step, to check an override against. */
  next: NextStep | null
  today: string
  onChanged: (message: string) => void
}

/** The open follow-up item with its actions, and the history of closed ones. */
export function FollowUpPanel({ items, next, today, onChanged }: Props) {
  const open = items.find((i) => i.status === 'scheduled') ?? null
  const closed = items.filter((i) => i.status !== 'scheduled')
  const [mode, setMode] = useState<Mode>(null)

  return (
    <section className="panel" aria-labelledby="fu-title" data-testid="followup">
      <h2 id="fu-title">Next follow-up</h2>
      {!open && <p className="muted">Nothing scheduled.</p>}
      {open && <OpenItem item={open} next={next} today={today} />}
      {open && mode === null && (
        <div className="form__actions">
          <button className="button" onClick={() => setMode('override')}>
            Change study or window…
          </button>
          <button className="button" onClick={() => setMode('done')}>
            Mark done elsewhere…
          </button>
          <button className="button" onClick={() => setMode('deferred')}>
            Defer…
          </button>
          <button className="button button--danger" onClick={() => setMode('cancelled')}>
            Cancel item…
          </button>
        </div>
      )}
      {open && mode === 'override' && (
        <OverrideForm item={open} onDone={(m) => (setMode(null), m && onChanged(m))} />
      )}
      {open && (mode === 'done' || mode === 'cancelled' || mode === 'deferred') && (
        <StatusForm item={open} status={mode} onDone={(m) => (setMode(null), m && onChanged(m))} />
      )}
      {closed.length > 0 && (
        <details className="history">
          <summary>Earlier items ({closed.length})</summary>
          <ul>
            {closed.map((i) => (
              <li key={i.id}>
                <span className={`tag tag--${i.status}`}>{ITEM_STATUS_LABELS[i.status]}</span>{' '}
                {procedureName(i.override?.procedure ?? i.procedure)} · due {i.due.from} – {i.due.to}
                {i.statusReasonCode && (
                  <> · {STATUS_REASON_LABELS[i.statusReasonCode] ?? i.statusReasonCode}</>
                )}
                {i.statusReasonText && <> — “{i.statusReasonText}”</>}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  )
}

function OpenItem({ item, next, today }: { item: FollowUpItem; next: NextStep | null; today: string }) {
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
      {item.override && (
        <p className="override" data-testid="override">
          Changed by the radiologist ({OVERRIDE_REASON_LABELS[item.override.reasonCode]}
          {item.override.text ? `: “${item.override.text}”` : ''}). Suggested: {procedureName(item.procedure)}
          , {item.due.from} – {item.due.to}.
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

function OverrideForm({ item, onDone }: { item: FollowUpItem; onDone: (message: string | null) => void }) {
  const [procedure, setProcedure] = useState<string>(item.override?.procedure ?? item.procedure ?? '')
  const [from, setFrom] = useState(item.override?.due?.from ?? item.due.from)
  const [to, setTo] = useState(item.override?.due?.to ?? item.due.to)
  const [reasonCode, setReasonCode] = useState<OverrideReasonCode>('clinician-decision')
  const [text, setText] = useState('')
  const [fields, setFields] = useState<Record<string, string>>({})
  const override = useOverrideItem(item.patientId)

  async function submit(e: FormEvent) {
    e.preventDefault()
    const sameProcedure = procedure === (item.procedure ?? '')
    const sameWindow = from === item.due.from && to === item.due.to
    const r = await override.run({
      itemId: item.id,
      procedure: sameProcedure || procedure === '' ? null : (procedure as ProcedureId),
      due: sameWindow ? null : { from, to },
      reasonCode,
      text: text.trim() === '' ? null : text.trim(),
    })
    if (r.ok) return onDone('The change and its reason were saved.')
    setFields(r.error.fields ?? { procedure: r.error.message })
  }

  return (
    <form className="subform" onSubmit={submit} aria-label="Change the suggested study or window" noValidate>
      <div className="form__grid">
        <Select
          label="Study"
          value={procedure}
          onChange={(e) => setProcedure(e.target.value)}
          options={[{ value: '', label: 'As suggested' }, ...PROCEDURE_OPTIONS]}
          error={fields['procedure']}
        />
        <Field
          label="Due from"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          error={fields['due.from']}
        />
        <Field label="Due to" value={to} onChange={(e) => setTo(e.target.value)} error={fields['due.to']} />
        <Select
          label="Reason"
          value={reasonCode}
          onChange={(e) => setReasonCode(e.target.value as OverrideReasonCode)}
          options={OVERRIDE_REASON_OPTIONS}
          error={fields['reasonCode']}
        />
        <Field
          label="Reason in words"
          value={text}
          onChange={(e) => setText(e.target.value)}
          error={fields['text']}
        />
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary">
          Save change
        </button>
        <button type="button" className="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  )
}

function StatusForm({
  item,
  status,
  onDone,
}: {
  item: FollowUpItem
  status: ClosingStatus
  onDone: (message: string | null) => void
}) {
  const [reasonCode, setReasonCode] = useState<ManualStatusReasonCode>(
    status === 'done' ? 'done-elsewhere' : status === 'deferred' ? 'scheduling' : 'patient-declined',
  )
  const [text, setText] = useState('')
  const [from, setFrom] = useState(item.due.from)
  const [to, setTo] = useState(item.due.to)
  const [fields, setFields] = useState<Record<string, string>>({})
  const setStatus = useSetItemStatus(item.patientId)
  const verb = status === 'done' ? 'Mark done' : status === 'deferred' ? 'Defer' : 'Cancel item'

  async function submit(e: FormEvent) {
    e.preventDefault()
    const r = await setStatus.run({
      itemId: item.id,
      status,
      reasonCode,
      reasonText: text.trim() === '' ? null : text.trim(),
      newDue: status === 'deferred' ? { from, to } : null,
    })
    if (r.ok) return onDone(status === 'deferred' ? `Deferred to ${from} – ${to}.` : `Item marked ${status}.`)
    setFields(r.error.fields ?? { reasonCode: r.error.message })
  }

  return (
    <form className="subform" onSubmit={submit} aria-label={verb} noValidate>
      <div className="form__grid">
        <Select
          label="Reason"
          value={reasonCode}
          onChange={(e) => setReasonCode(e.target.value as typeof reasonCode)}
          options={STATUS_REASON_OPTIONS}
          error={fields['reasonCode']}
        />
        <Field
          label="Reason in words"
          value={text}
          onChange={(e) => setText(e.target.value)}
          error={fields['reasonText']}
        />
        {status === 'deferred' && (
          <>
            <Field
              label="New window from"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              error={fields['newDue.from'] ?? fields['newDue']}
            />
            <Field
              label="New window to"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              error={fields['newDue.to']}
            />
          </>
        )}
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary">
          {verb}
        </button>
        <button type="button" className="button" onClick={() => onDone(null)}>
          Back
        </button>
      </div>
    </form>
  )
}
