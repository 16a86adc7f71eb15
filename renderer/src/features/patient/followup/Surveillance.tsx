import { actorLabel } from '../../../../../engine'
import { useState, type FormEvent } from 'react'
import type {
  SurveillanceExitReason,
  SurveillanceExitRecord,
} from '../../../../../electron/contract/contract'
import { Field } from '../../../components/Field'
import { Select } from '../../../components/Select'
import { usePatientCommand } from '../../../data/mutations'
import { EXIT_REASON_OPTIONS, exitText } from '../../../domain/labels'

/** Why the patient left surveillance, who recorded it and when; reopening follows the guideline again. */
export function ExitView({
  exit,
  patientId,
  onChanged,
}: {
  exit: SurveillanceExitRecord
  patientId: number
  onChanged: (m: string) => void
}) {
  const reopen = usePatientCommand('surveillance.reopen', patientId)
  const [error, setError] = useState<string | null>(null)
  return (
    <div className="item" data-testid="left-surveillance">
      <p>
        <strong>Left surveillance</strong> on {exit.date}: {exitText(exit)}
      </p>
      <p className="muted">
        Recorded by {actorLabel(exit.recordedBy)} at {exit.recordedAt.slice(0, 16).replace('T', ' ')}
      </p>
      <div className="form__actions">
        <button
          className="button"
          onClick={async () => {
            const r = await reopen.run({ patientId, exitId: exit.id, version: exit.version, reason: null })
            if (r.ok) onChanged(r.value.lifecycle.reason)
            else setError(r.error.message)
          }}
        >
          Reopen surveillance
        </button>
      </div>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}

/** The patient leaves surveillance: the reason, words, attempts and the date. */
export function LeaveForm({
  patientId,
  today,
  onDone,
}: {
  patientId: number
  today: string
  onDone: (message: string | null) => void
}) {
  const [reasonCode, setReasonCode] = useState<SurveillanceExitReason>('surveillance-completed')
  const [text, setText] = useState('')
  const [attempts, setAttempts] = useState('')
  const [date, setDate] = useState(today)
  const [fields, setFields] = useState<Record<string, string>>({})
  const leave = usePatientCommand('surveillance.leave', patientId)
  async function submit(e: FormEvent) {
    e.preventDefault()
    const n = attempts.trim() === '' ? null : Number(attempts)
    const r = await leave.run({
      patientId,
      exit: { reasonCode, text: text.trim() === '' ? null : text.trim(), attempts: n, date },
    })
    if (r.ok) return onDone(r.value.lifecycle.reason)
    setFields(
      Object.fromEntries(
        Object.entries(r.error.fields ?? { 'exit.reasonCode': r.error.message }).map(([k, v]) => [
          k.replace(/^exit\./, ''),
          v,
        ]),
      ),
    )
  }
  return (
    <form className="subform" onSubmit={submit} aria-label="Leave surveillance" noValidate>
      <div className="form__grid">
        <Select
          label="Why the patient leaves"
          value={reasonCode}
          onChange={(e) => setReasonCode(e.target.value as SurveillanceExitReason)}
          options={EXIT_REASON_OPTIONS}
          error={fields['reasonCode']}
        />
        <Field
          label="In words"
          value={text}
          onChange={(e) => setText(e.target.value)}
          error={fields['text']}
        />
        {reasonCode === 'lost-to-follow-up' && (
          <Field
            label="Attempts to reach the patient"
            value={attempts}
            onChange={(e) => setAttempts(e.target.value)}
            error={fields['attempts']}
          />
        )}
        <Field
          label="Date left"
          value={date}
          onChange={(e) => setDate(e.target.value)}
          error={fields['date']}
        />
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--danger">
          Leave surveillance
        </button>
        <button type="button" className="button" onClick={() => onDone(null)}>
          Back
        </button>
      </div>
    </form>
  )
}
