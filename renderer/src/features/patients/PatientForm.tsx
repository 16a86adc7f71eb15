import { useState, type FormEvent } from 'react'
import type { PatientRecord, TreatmentKind } from '../../../../electron/contract/contract'
import { Field } from '../../components/Field'
import { Select, TRI_OPTIONS } from '../../components/Select'
import { useCreatePatient, useUpdatePatient } from '../../data/mutations'
import { PROCEDURE_OPTIONS, SYMPTOM_OPTIONS, TREATMENT_OPTIONS } from '../../domain/labels'
import { draftToInput, EMPTY_DRAFT, recordToDraft, type PatientDraft, type Tri } from './patientDraft'

interface Props {
  /** Absent: a new patient. */
  patient?: PatientRecord
  onSaved: (patient: PatientRecord) => void
  onCancel: () => void
}

/**
 * Create or edit a patient and every fact the guideline engine reads. Errors appear next to their
 * field; nothing is stored unless the whole record is valid.
 */
export function PatientForm({ patient, onSaved, onCancel }: Props) {
  const [draft, setDraft] = useState<PatientDraft>(patient ? recordToDraft(patient) : EMPTY_DRAFT)
  const [fields, setFields] = useState<Record<string, string>>({})
  const [message, setMessage] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const create = useCreatePatient()
  const update = useUpdatePatient()

  const set =
    <K extends keyof PatientDraft>(key: K) =>
    (e: { target: { value: string } }) =>
      setDraft((d) => ({ ...d, [key]: e.target.value as PatientDraft[K] }))
  const err = (key: string) => fields[key] ?? fields[`patient.${key}`]

  async function submit(e: FormEvent) {
    e.preventDefault()
    const parsed = draftToInput(draft)
    if ('fields' in parsed) {
      setFields(parsed.fields)
      setMessage('Please correct the highlighted fields. Nothing was saved.')
      return
    }
    setSaving(true)
    const result = patient
      ? await update.run({ id: patient.id, patient: parsed.input })
      : await create.run(parsed.input)
    setSaving(false)
    if (result.ok) return onSaved(result.value)
    const fieldErrors =
      result.error.code === 'CONFLICT' ? { mrn: result.error.message } : (result.error.fields ?? {})
    setFields(fieldErrors)
    setMessage(
      Object.keys(fieldErrors).length
        ? 'Please correct the highlighted fields. Nothing was saved.'
        : `${result.error.message} Nothing was saved.`,
    )
  }

  const setTreatment = (i: number, patch: Partial<PatientDraft['treatments'][number]>) =>
    setDraft((d) => ({ ...d, treatments: d.treatments.map((t, j) => (j === i ? { ...t, ...patch } : t)) }))

  return (
    <form className="panel form" onSubmit={submit} aria-labelledby="patient-form-title" noValidate>
      <h2 id="patient-form-title">{patient ? `Edit ${patient.name}` : 'New patient'}</h2>
      {message && (
        <p className="form__message" role="status">
          {message}
        </p>
      )}

      <fieldset>
        <legend>Patient</legend>
        <div className="form__grid">
          <Field
            label="MRN"
            name="mrn"
            value={draft.mrn}
            onChange={set('mrn')}
            error={err('mrn')}
            autoFocus
            required
          />
          <Field
            label="Name"
            name="name"
            value={draft.name}
            onChange={set('name')}
            error={err('name')}
            required
          />
          <Field
            label="Birth date"
            name="birthDate"
            value={draft.birthDate}
            onChange={set('birthDate')}
            error={err('birthDate')}
            placeholder="YYYY-MM-DD"
          />
          <Field
            label="Weight (kg)"
            name="weightKg"
            value={draft.weightKg}
            onChange={set('weightKg')}
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
            value={draft.dxDate}
            onChange={set('dxDate')}
            error={err('diagnosis.date')}
            placeholder="YYYY-MM-DD"
          />
          <Select
            label="Histologically confirmed"
            value={draft.dxConfirmed}
            onChange={set('dxConfirmed')}
            options={TRI_OPTIONS}
            error={err('diagnosis.confirmed')}
          />
          <Select
            label="WHO grade"
            value={draft.grade}
            onChange={set('grade')}
            options={[
              { value: '', label: 'Unknown' },
              ...['G1', 'G2', 'G3'].map((g) => ({ value: g, label: g })),
            ]}
            error={err('diagnosis.grade')}
          />
          <Select
            label="Functional (hormone syndrome)"
            value={draft.functional}
            onChange={set('functional')}
            options={TRI_OPTIONS}
            error={err('diagnosis.functional')}
          />
          <Field
            label="Primary size (mm)"
            value={draft.primarySizeMm}
            onChange={set('primarySizeMm')}
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
            value={draft.burden}
            onChange={set('burden')}
            options={[
              { value: '', label: 'Unknown' },
              { value: 'non-liver-dominant', label: 'Not liver-dominant' },
              { value: 'liver-dominant', label: 'Liver-dominant' },
            ]}
            error={err('burden')}
          />
          <Select
            label="Baseline staging complete"
            value={draft.stagingComplete}
            onChange={set('stagingComplete')}
            options={TRI_OPTIONS}
            error={err('stagingComplete')}
          />
          <Select
            label="Active surveillance (untreated)"
            value={draft.activeSurveillance}
            onChange={set('activeSurveillance')}
            options={TRI_OPTIONS}
            error={err('activeSurveillance')}
          />
          <Select
            label="Recurrence suspected"
            value={draft.suspectedRecurrence}
            onChange={set('suspectedRecurrence')}
            options={TRI_OPTIONS}
            error={err('suspectedRecurrence')}
          />
        </div>
        <div className="form__grid">
          <Select
            label="New symptoms"
            value={draft.symptomsAsked}
            onChange={set('symptomsAsked')}
            options={[
              { value: '', label: 'Not asked (unknown)' },
              { value: 'no', label: 'None' },
              { value: 'yes', label: 'Yes (tick below)' },
            ]}
            error={err('symptoms')}
          />
        </div>
        {draft.symptomsAsked === 'yes' && (
          <div className="checks" role="group" aria-label="Which new symptoms">
            {SYMPTOM_OPTIONS.map((s) => (
              <label key={s.value} className="check">
                <input
                  type="checkbox"
                  checked={draft.symptoms.includes(s.value)}
                  onChange={(e) =>
                    setDraft((d) => ({
                      ...d,
                      symptoms: e.target.checked
                        ? [...d.symptoms, s.value]
                        : d.symptoms.filter((x) => x !== s.value),
                    }))
                  }
                />
                {s.label}
              </label>
            ))}
          </div>
        )}
      </fieldset>

      <fieldset>
        <legend>Treatments</legend>
        {draft.treatments.length === 0 && <p className="muted">No treatment recorded.</p>}
        {draft.treatments.map((t, i) => (
          <div className="form__row" key={i} data-testid="treatment-row">
            <Select
              label={`Treatment ${i + 1}`}
              value={t.kind}
              onChange={(e) => setTreatment(i, { kind: e.target.value as TreatmentKind })}
              options={TREATMENT_OPTIONS}
              error={err(`treatments.${i}.kind`)}
            />
            <Field
              label="Start date"
              value={t.date}
              onChange={(e) => setTreatment(i, { date: e.target.value })}
              error={err(`treatments.${i}.date`)}
              placeholder="YYYY-MM-DD"
            />
            {t.kind === 'resection' && (
              <Select
                label="Complete resection"
                value={t.completeResection}
                onChange={(e) => setTreatment(i, { completeResection: e.target.value as Tri })}
                options={TRI_OPTIONS}
              />
            )}
            <button
              type="button"
              className="button button--quiet"
              onClick={() => setDraft((d) => ({ ...d, treatments: d.treatments.filter((_, j) => j !== i) }))}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button"
          onClick={() =>
            setDraft((d) => ({
              ...d,
              treatments: [...d.treatments, { kind: 'resection', date: '', completeResection: '' }],
            }))
          }
        >
          Add treatment
        </button>
      </fieldset>

      <fieldset>
        <legend>Constraints</legend>
        <div className="form__grid">
          <Select
            label="MRI contraindicated"
            value={draft.mriContraindicated}
            onChange={set('mriContraindicated')}
            options={TRI_OPTIONS}
            error={err('constraints.mriContraindicated')}
          />
          {draft.mriContraindicated === 'yes' && (
            <Field
              label="Reason MRI is contraindicated"
              value={draft.mriReason}
              onChange={set('mriReason')}
              error={err('constraints.mriReason')}
              placeholder="e.g. MR-unsafe pacemaker"
            />
          )}
          <Select
            label="Iodinated contrast contraindicated"
            value={draft.iodinatedContrastContraindicated}
            onChange={set('iodinatedContrastContraindicated')}
            options={TRI_OPTIONS}
            error={err('constraints.iodinatedContrastContraindicated')}
          />
          <Select
            label="Gadolinium contraindicated"
            value={draft.gadoliniumContraindicated}
            onChange={set('gadoliniumContraindicated')}
            options={TRI_OPTIONS}
            error={err('constraints.gadoliniumContraindicated')}
          />
          <Field
            label="eGFR (mL/min/1.73 m²)"
            value={draft.eGFR}
            onChange={set('eGFR')}
            error={err('constraints.eGFR')}
            inputMode="decimal"
          />
          <Select
            label="Requested study"
            value={draft.requestedProcedure}
            onChange={set('requestedProcedure')}
            options={[{ value: '', label: 'None' }, ...PROCEDURE_OPTIONS]}
            error={err('requestedProcedure')}
          />
        </div>
      </fieldset>

      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : patient ? 'Save changes' : 'Save patient'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
