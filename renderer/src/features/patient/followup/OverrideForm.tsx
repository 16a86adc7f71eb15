import { useState, type FormEvent } from 'react'
import type { FollowUpItem, OverrideReasonCode, ProcedureId } from '../../../../../electron/contract/contract'
import { Field } from '../../../components/Field'
import { seenOf } from './seen'
import { Select } from '../../../components/Select'
import { useOverrideItem } from '../../../data/mutations'
import { OVERRIDE_REASON_OPTIONS, PROCEDURE_OPTIONS } from '../../../domain/labels'

/** The radiologist changes the suggested study or window of the open imaging step, with a reason. */
export function OverrideForm({
  item,
  onDone,
}: {
  item: FollowUpItem
  onDone: (message: string | null) => void
}) {
  const [procedure, setProcedure] = useState<string>(item.override?.procedure ?? item.procedure ?? '')
  const [from, setFrom] = useState(item.override?.due?.from ?? item.due.from)
  const [to, setTo] = useState(item.override?.due?.to ?? item.due.to)
  const [reasonCode, setReasonCode] = useState<OverrideReasonCode>('clinician-decision')
  const [text, setText] = useState('')
  const [fields, setFields] = useState<Record<string, string>>({})
  const [seen] = useState(() => seenOf(item))
  const override = useOverrideItem(item.patientId)

  async function submit(e: FormEvent) {
    e.preventDefault()
    const sameProcedure = procedure === (item.procedure ?? '')
    const sameWindow = from === item.due.from && to === item.due.to
    const r = await override.run({
      ...seen,
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
