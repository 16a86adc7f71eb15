import { useState, type FormEvent } from 'react'
import type { PatientRecord } from '../../../../electron/api/contract'
import { call } from '../../api'
import { Field } from '../../components/Field'
import { draftToInput, EMPTY_DRAFT, type PatientDraft } from './patientForm'

interface Props {
  onCreated: (patient: PatientRecord) => void
  onCancel: () => void
}

export function NewPatientForm({ onCreated, onCancel }: Props) {
  const [draft, setDraft] = useState<PatientDraft>(EMPTY_DRAFT)
  const [fields, setFields] = useState<Record<string, string>>({})
  const [message, setMessage] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  const set = (key: keyof PatientDraft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.target.value }))

  async function submit(e: FormEvent) {
    e.preventDefault()
    const parsed = draftToInput(draft)
    if ('fields' in parsed) {
      setFields(parsed.fields)
      setMessage('Please correct the highlighted fields.')
      return
    }
    setSaving(true)
    const result = await call('patients.create', parsed.input)
    setSaving(false)
    if (result.ok) {
      onCreated(result.value)
      return
    }
    const fieldErrors =
      result.error.code === 'CONFLICT' ? { mrn: result.error.message } : (result.error.fields ?? {})
    setFields(fieldErrors)
    setMessage(
      Object.keys(fieldErrors).length ? 'Please correct the highlighted fields.' : result.error.message,
    )
  }

  return (
    <form className="panel form" onSubmit={submit} aria-labelledby="new-patient-title" noValidate>
      <h2 id="new-patient-title">New patient</h2>
      {message && (
        <p className="form__message" role="status">
          {message}
        </p>
      )}
      <div className="form__grid">
        <Field
          label="MRN"
          name="mrn"
          value={draft.mrn}
          onChange={set('mrn')}
          error={fields['mrn']}
          autoFocus
          required
        />
        <Field
          label="Name"
          name="name"
          value={draft.name}
          onChange={set('name')}
          error={fields['name']}
          required
        />
        <Field
          label="Birth date"
          name="birthDate"
          value={draft.birthDate}
          onChange={set('birthDate')}
          error={fields['birthDate']}
          placeholder="YYYY-MM-DD"
          inputMode="numeric"
        />
        <Field
          label="Weight (kg)"
          name="weightKg"
          value={draft.weightKg}
          onChange={set('weightKg')}
          error={fields['weightKg']}
          inputMode="decimal"
          hint="Used for weight-based tracer activity."
        />
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save patient'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
