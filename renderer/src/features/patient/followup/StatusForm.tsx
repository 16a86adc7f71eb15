import { useState, type FormEvent } from 'react'
import type { FollowUpItem, ManualStatusReasonCode } from '../../../../../electron/contract/contract'
import { Field } from '../../../components/Field'
import { seenOf } from './seen'
import { Select } from '../../../components/Select'
import { useSetItemStatus } from '../../../data/mutations'
import { CANCEL_REASON_OPTIONS, DEFERRAL_REASON_OPTIONS } from '../../../domain/labels'

/** Cancels the open step (the guideline's next opens) or defers it to a new window, with a reason. */
export function StatusForm({
  item,
  status,
  today,
  onDone,
}: {
  item: FollowUpItem
  status: 'cancelled' | 'deferred'
  today: string
  onDone: (message: string | null) => void
}) {
  const [reasonCode, setReasonCode] = useState<ManualStatusReasonCode>(
    status === 'deferred' ? 'scheduling' : 'duplicate',
  )
  const [text, setText] = useState('')
  const [from, setFrom] = useState(item.due.from < today ? today : item.due.from)
  const [to, setTo] = useState(item.due.to < today ? today : item.due.to)
  const [fields, setFields] = useState<Record<string, string>>({})
  const [seen] = useState(() => seenOf(item))
  const setStatus = useSetItemStatus(item.patientId)
  const verb = status === 'deferred' ? 'Defer' : 'Cancel step'

  async function submit(e: FormEvent) {
    e.preventDefault()
    const r = await setStatus.run({
      ...seen,
      status,
      reasonCode,
      reasonText: text.trim() === '' ? null : text.trim(),
      newDue: status === 'deferred' ? { from, to } : null,
    })
    if (r.ok) return onDone(r.value.lifecycle.reason)
    setFields(r.error.fields ?? { reasonCode: r.error.message })
  }

  return (
    <form className="subform" onSubmit={submit} aria-label={verb} noValidate>
      <div className="form__grid">
        <Select
          label="Reason"
          value={reasonCode}
          onChange={(e) => setReasonCode(e.target.value as typeof reasonCode)}
          options={status === 'deferred' ? DEFERRAL_REASON_OPTIONS : CANCEL_REASON_OPTIONS}
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
