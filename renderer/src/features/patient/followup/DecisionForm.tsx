import { useState, type FormEvent } from 'react'
import type {
  FollowUpItem,
  NextStep,
  ProcedureId,
  SurveillanceExitReason,
  TreatmentKind,
} from '../../../../../electron/contract/contract'
import { Field } from '../../../components/Field'
import { seenOf } from './seen'
import { Select } from '../../../components/Select'
import { usePatientCommand } from '../../../data/mutations'
import { EXIT_REASON_OPTIONS, PROCEDURE_OPTIONS, TREATMENT_OPTIONS } from '../../../domain/labels'

type DecisionChoice = 'continue-surveillance' | 'further-imaging' | 'new-treatment' | 'leave-surveillance'

/** A tumour board's (or review's) decision; it sets the next step. */
export function DecisionForm({
  item,
  today,
  next,
  onDone,
}: {
  item: FollowUpItem
  today: string
  next: NextStep | null
  onDone: (message: string | null) => void
}) {
  const [type, setType] = useState<DecisionChoice>('continue-surveillance')
  const [date, setDate] = useState(today)
  const [procedure, setProcedure] = useState<string>(next?.procedure ?? item.procedure ?? '')
  const [from, setFrom] = useState(today)
  const [to, setTo] = useState(today)
  const [treatment, setTreatment] = useState<TreatmentKind>('somatostatin-analog')
  const [start, setStart] = useState(today)
  const [exitReason, setExitReason] = useState<SurveillanceExitReason>('surveillance-completed')
  const [exitText, setExitText] = useState('')
  const [fields, setFields] = useState<Record<string, string>>({})
  const [seen] = useState(() => seenOf(item))
  const record = usePatientCommand('followup.recordDecision', item.patientId)
  async function submit(e: FormEvent) {
    e.preventDefault()
    const decision =
      type === 'new-treatment'
        ? { type, treatment: { kind: treatment, date: start } }
        : type === 'leave-surveillance'
          ? {
              type,
              exit: {
                reasonCode: exitReason,
                text: exitText.trim() === '' ? null : exitText.trim(),
                attempts: null,
                date,
              },
            }
          : { type, procedure: procedure as ProcedureId, due: { from, to } }
    const r = await record.run({ ...seen, date, decision })
    if (r.ok) return onDone(r.value.lifecycle.reason)
    setFields(
      Object.fromEntries(
        Object.entries(r.error.fields ?? { 'decision.type': r.error.message }).map(([k, v]) => [
          k.replace(/^decision\./, ''),
          v,
        ]),
      ),
    )
  }
  return (
    <form className="subform" onSubmit={submit} aria-label="Record the decision" noValidate>
      <div className="form__grid">
        <Field
          label="Decision date"
          value={date}
          onChange={(e) => setDate(e.target.value)}
          error={fields['date']}
        />
        <Select
          label="Decision"
          value={type}
          onChange={(e) => setType(e.target.value as DecisionChoice)}
          options={[
            { value: 'continue-surveillance', label: 'Continue surveillance' },
            { value: 'further-imaging', label: 'Further imaging (e.g. DOTATATE PET/CT)' },
            { value: 'new-treatment', label: 'New or changed treatment' },
            { value: 'leave-surveillance', label: 'Leave surveillance' },
          ]}
          error={fields['type']}
        />
        {(type === 'continue-surveillance' || type === 'further-imaging') && (
          <>
            <Select
              label="Next study"
              value={procedure}
              onChange={(e) => setProcedure(e.target.value)}
              options={[{ value: '', label: 'Choose…' }, ...PROCEDURE_OPTIONS]}
              error={fields['procedure']}
            />
            <Field
              label="Due from"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              error={fields['due.from']}
            />
            <Field
              label="Due to"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              error={fields['due.to']}
            />
          </>
        )}
        {type === 'new-treatment' && (
          <>
            <Select
              label="Treatment"
              value={treatment}
              onChange={(e) => setTreatment(e.target.value as TreatmentKind)}
              options={TREATMENT_OPTIONS}
              error={fields['treatment.kind']}
            />
            <Field
              label="Treatment start date"
              value={start}
              onChange={(e) => setStart(e.target.value)}
              error={fields['treatment.date']}
            />
          </>
        )}
        {type === 'leave-surveillance' && (
          <>
            <Select
              label="Why the patient leaves"
              value={exitReason}
              onChange={(e) => setExitReason(e.target.value as SurveillanceExitReason)}
              options={EXIT_REASON_OPTIONS}
              error={fields['exit.reasonCode']}
            />
            <Field
              label="In words"
              value={exitText}
              onChange={(e) => setExitText(e.target.value)}
              error={fields['exit.text']}
            />
          </>
        )}
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary">
          Save decision
        </button>
        <button type="button" className="button" onClick={() => onDone(null)}>
          Back
        </button>
      </div>
    </form>
  )
}
