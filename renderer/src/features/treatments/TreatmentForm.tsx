import { useState } from 'react'
import { useForm, useWatch } from 'react-hook-form'
import type { StepResult, TreatmentFacts, TreatmentRecord } from '../../../../electron/contract/contract'
import { Field } from '../../components/Field'
import { messageAt, useErrorSummary } from '../../components/formErrors'
import { Select, TRI_OPTIONS } from '../../components/Select'
import { usePatientCommand } from '../../data/mutations'
import { TREATMENT_OPTIONS, treatmentLabel } from '../../domain/labels'
import { treatmentFieldFor, treatmentResolver, treatmentToDraft, type TreatmentDraft } from './treatmentDraft'

interface Props {
  treatment: TreatmentRecord
  today: string
  onSaved: (result: StepResult) => void
  onCancel: () => void
}

/**
 * Corrects one stored treatment (kind, start date, complete resection). Saving is audited, can be
 * undone, re-runs the guideline engine and moves the open step if the plan changed; a date in the
 * future or before birth is refused on its field and nothing is stored.
 */
export function TreatmentForm({ treatment, today, onSaved, onCancel }: Props) {
  const update = usePatientCommand('treatments.update', treatment.patientId)
  const { control, register, handleSubmit, getValues, setError, formState } = useForm<
    TreatmentDraft,
    unknown,
    TreatmentFacts
  >({
    defaultValues: treatmentToDraft(treatment),
    resolver: treatmentResolver,
    shouldFocusError: false,
  })
  const kind = useWatch({ control, name: 'kind' })
  // The version the form opened with: a change made since by someone else is refused (STALE).
  const [version] = useState(treatment.version)
  const { summary, formRef, summaryRef, onInvalid, onServerError } = useErrorSummary(
    treatmentFieldFor,
    getValues,
    setError,
  )
  const err = (path: string) => messageAt(formState.errors, path)

  async function save(checked: TreatmentFacts) {
    const r = await update.run({ treatmentId: treatment.id, version, treatment: checked })
    if (r.ok) return onSaved(r.value)
    onServerError(r.error, 'treatment.')
  }

  return (
    <form
      ref={formRef}
      className="panel form"
      onSubmit={handleSubmit(save, onInvalid)}
      aria-labelledby="treatment-form-title"
      noValidate
    >
      <h2 id="treatment-form-title">
        Edit the treatment{' '}
        <span className="muted">
          ({treatmentLabel(treatment.kind)}, {treatment.date ?? 'date unknown'})
        </span>
      </h2>
      <p className="muted">
        A correction of the record: it is kept in the audit trail, can be undone, and the plan is worked out
        again from the corrected treatment.
      </p>
      {summary && (
        <p ref={summaryRef} className="form__message" role="status" tabIndex={-1}>
          {summary}
        </p>
      )}
      <div className="form__grid">
        <Select
          label="Treatment"
          {...register('kind')}
          options={TREATMENT_OPTIONS}
          error={err('kind')}
          autoFocus
        />
        <Field
          label="Start date"
          {...register('date')}
          error={err('date')}
          placeholder={`YYYY-MM-DD, e.g. ${today}`}
          hint="Leave empty when the date is not known."
        />
        {kind === 'resection' && (
          <Select
            label="Complete resection"
            {...register('completeResection')}
            options={TRI_OPTIONS}
            error={err('completeResection')}
          />
        )}
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? 'Saving…' : 'Save treatment'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
