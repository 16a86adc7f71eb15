import { useState } from 'react'
import { useFieldArray, useForm, useWatch } from 'react-hook-form'
import type { PatientInput, PatientRecord } from '../../../../electron/contract/contract'
import { Field } from '../../components/Field'
import { messageAt, useErrorSummary } from '../../components/formErrors'
import { Select, TRI_OPTIONS } from '../../components/Select'
import { useCreatePatient, useUpdatePatient } from '../../data/mutations'
import { PROCEDURE_OPTIONS, SYMPTOM_OPTIONS, TREATMENT_OPTIONS } from '../../domain/labels'
import {
  EMPTY_DRAFT,
  patientFieldFor,
  patientResolver,
  recordToDraft,
  type PatientDraft,
} from './patientDraft'
import { NEW_TREATMENT } from '../treatments/treatmentDraft'

interface Props {
  /** Absent: a new patient. */
  patient?: PatientRecord
  onSaved: (patient: PatientRecord) => void
  onCancel: () => void
}

/**
 * Create or edit a patient and every fact the guideline engine reads. Errors appear next to their
 * field (the form's and the back end's alike); nothing is stored unless the whole record is valid.
 */
export function PatientForm({ patient, onSaved, onCancel }: Props) {
  const create = useCreatePatient()
  const update = useUpdatePatient()
  // The version of the record the form opened with: a save names it, so a change made since (by
  // someone else, or elsewhere on this page) is refused instead of overwritten, even after the page
  // has read the newer record.
  const [openedVersion] = useState(patient?.version)
  const { control, register, handleSubmit, getValues, setError, formState } = useForm<
    PatientDraft,
    unknown,
    PatientInput
  >({
    defaultValues: patient ? recordToDraft(patient) : EMPTY_DRAFT,
    resolver: patientResolver,
    shouldFocusError: false,
  })
  const treatments = useFieldArray({ control, name: 'treatments' })
  const symptomsAsked = useWatch({ control, name: 'symptomsAsked' })
  const mriContraindicated = useWatch({ control, name: 'constraints.mriContraindicated' })
  const treatmentValues = useWatch({ control, name: 'treatments' })
  const { summary, formRef, summaryRef, onInvalid, onServerError } = useErrorSummary(
    patientFieldFor,
    getValues,
    setError,
  )
  const err = (path: string) => messageAt(formState.errors, path)

  async function save(input: PatientInput) {
    const result = patient
      ? await update.run({ id: patient.id, version: openedVersion ?? patient.version, patient: input })
      : await create.run(input)
    if (result.ok) return onSaved(result.value)
    const { error } = result
    // A taken MRN is the back end's CONFLICT: said next to the MRN.
    onServerError(
      error,
      patient ? 'patient.' : '',
      error.code === 'CONFLICT' ? { mrn: error.message } : error.fields,
    )
  }

  return (
    <form
      ref={formRef}
      className="panel form"
      onSubmit={handleSubmit(save, onInvalid)}
      aria-labelledby="patient-form-title"
      noValidate
    >
      <h2 id="patient-form-title">{patient ? `Edit ${patient.name}` : 'New patient'}</h2>
      {summary && (
        <p ref={summaryRef} className="form__message" role="status" tabIndex={-1}>
          {summary}
        </p>
      )}

      <fieldset>
        <legend>Patient</legend>
        <div className="form__grid">
          <Field label="MRN" {...register('mrn')} error={err('mrn')} autoFocus required />
          <Field label="Name" {...register('name')} error={err('name')} required />
          <Field
            label="Birth date"
            {...register('birthDate')}
            error={err('birthDate')}
            placeholder="YYYY-MM-DD"
          />
          <Field
            label="Weight (kg)"
            {...register('weightKg')}
            error={err('weightKg')}
            inputMode="decimal"
            hint="Used for weight-based tracer activity."
          />
        </div>
      </fieldset>

      <fieldset>
        <legend>Diagnosis</legend>
        <div className="form__grid">
          <Field
            label="Diagnosis date"
            {...register('diagnosis.date')}
            error={err('diagnosis.date')}
            placeholder="YYYY-MM-DD"
          />
          <Select
            label="Histologically confirmed"
            {...register('diagnosis.confirmed')}
            options={TRI_OPTIONS}
            error={err('diagnosis.confirmed')}
          />
          <Select
            label="WHO grade"
            {...register('diagnosis.grade')}
            options={[
              { value: '', label: 'Unknown' },
              ...['G1', 'G2', 'G3'].map((g) => ({ value: g, label: g })),
            ]}
            error={err('diagnosis.grade')}
          />
          <Select
            label="Functional (hormone syndrome)"
            {...register('diagnosis.functional')}
            options={TRI_OPTIONS}
            error={err('diagnosis.functional')}
          />
          <Field
            label="Primary size (mm)"
            {...register('diagnosis.primarySizeMm')}
            error={err('diagnosis.primarySizeMm')}
            inputMode="decimal"
          />
        </div>
      </fieldset>

      <fieldset>
        <legend>Disease and surveillance</legend>
        <div className="form__grid">
          <Select
            label="Tumour burden"
            {...register('burden')}
            options={[
              { value: '', label: 'Unknown' },
              { value: 'non-liver-dominant', label: 'Not liver-dominant' },
              { value: 'liver-dominant', label: 'Liver-dominant' },
            ]}
            error={err('burden')}
          />
          <Select
            label="Baseline staging complete"
            {...register('stagingComplete')}
            options={TRI_OPTIONS}
            error={err('stagingComplete')}
          />
          <Select
            label="Active surveillance (untreated)"
            {...register('activeSurveillance')}
            options={TRI_OPTIONS}
            error={err('activeSurveillance')}
          />
          <Select
            label="Recurrence suspected"
            {...register('suspectedRecurrence')}
            options={TRI_OPTIONS}
            error={err('suspectedRecurrence')}
          />
        </div>
        <div className="form__grid">
          <Select
            label="New symptoms"
            {...register('symptomsAsked')}
            options={[
              { value: '', label: 'Not asked (unknown)' },
              { value: 'no', label: 'None' },
              { value: 'yes', label: 'Yes (tick below)' },
            ]}
            error={err('symptoms')}
          />
        </div>
        {symptomsAsked === 'yes' && (
          <div className="checks" role="group" aria-label="Which new symptoms">
            {SYMPTOM_OPTIONS.map((s) => (
              <label key={s.value} className="check">
                <input type="checkbox" value={s.value} {...register('symptoms')} />
                {s.label}
              </label>
            ))}
          </div>
        )}
      </fieldset>

      <fieldset>
        <legend>Treatments</legend>
        {treatments.fields.length === 0 && <p className="muted">No treatment recorded.</p>}
        {treatments.fields.map((row, i) => (
          <div className="form__row" key={row.id} data-testid="treatment-row">
            <Select
              label={`Treatment ${i + 1}`}
              {...register(`treatments.${i}.kind`)}
              options={TREATMENT_OPTIONS}
              error={err(`treatments.${i}.kind`)}
            />
            <Field
              label="Start date"
              {...register(`treatments.${i}.date`)}
              error={err(`treatments.${i}.date`)}
              placeholder="YYYY-MM-DD"
            />
            {(treatmentValues[i]?.kind ?? row.kind) === 'resection' && (
              <Select
                label="Complete resection"
                {...register(`treatments.${i}.completeResection`)}
                options={TRI_OPTIONS}
                error={err(`treatments.${i}.completeResection`)}
              />
            )}
            <button type="button" className="button button--quiet" onClick={() => treatments.remove(i)}>
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button"
          onClick={() => treatments.append({ ...NEW_TREATMENT }, { shouldFocus: false })}
        >
          Add treatment
        </button>
      </fieldset>

      <fieldset>
        <legend>Constraints</legend>
        <div className="form__grid">
          <Select
            label="MRI contraindicated"
            {...register('constraints.mriContraindicated')}
            options={TRI_OPTIONS}
            error={err('constraints.mriContraindicated')}
          />
          {mriContraindicated === 'yes' && (
            <Field
              label="Reason MRI is contraindicated"
              {...register('constraints.mriReason')}
              error={err('constraints.mriReason')}
              placeholder="e.g. MR-unsafe pacemaker"
            />
          )}
          <Select
            label="Iodinated contrast contraindicated"
            {...register('constraints.iodinatedContrastContraindicated')}
            options={TRI_OPTIONS}
            error={err('constraints.iodinatedContrastContraindicated')}
          />
          <Select
            label="Gadolinium contraindicated"
            {...register('constraints.gadoliniumContraindicated')}
            options={TRI_OPTIONS}
            error={err('constraints.gadoliniumContraindicated')}
          />
          <Field
            label="eGFR (mL/min/1.73 m²)"
            {...register('constraints.eGFR')}
            error={err('constraints.eGFR')}
            inputMode="decimal"
          />
          <Select
            label="Requested study"
            {...register('requestedProcedure')}
            options={[{ value: '', label: 'None' }, ...PROCEDURE_OPTIONS]}
            error={err('requestedProcedure')}
          />
        </div>
      </fieldset>

      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? 'Saving…' : patient ? 'Save changes' : 'Save patient'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
