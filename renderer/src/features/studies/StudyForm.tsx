import { useFieldArray, useForm, useWatch } from 'react-hook-form'
import type {
  LesionRole,
  ProcedureId,
  RecordStudyResult,
  StudyInput,
  StudyRecord,
} from '../../../../electron/contract/contract'
import { Field } from '../../components/Field'
import { messageAt, useErrorSummary } from '../../components/formErrors'
import { Select } from '../../components/Select'
import { usePatientCommand, useRecordStudy } from '../../data/mutations'
import {
  AGENT_OPTIONS,
  PROCEDURE_CHOICES,
  procedureModality,
  procedureName,
  REGION_OPTIONS,
  RESULT_OPTIONS,
} from '../../domain/labels'
import {
  carryLesions,
  doseFieldsOf,
  emptyStudy,
  newLesion,
  studyFieldFor,
  studyResolver,
  studyToDraft,
  toStudyRequest,
  type StudyDraft,
} from './studyDraft'

/** What the form saves: a new study, an edit of a stored one, or the outside study of an open step. */
/** `edit` and `done-elsewhere` hold the record as it was when the form opened (its version is sent). */
export type StudyFormMode =
  | { kind: 'record' }
  | { kind: 'edit'; study: StudyRecord }
  | { kind: 'done-elsewhere'; itemId: number; version: number }

interface Props {
  patientId: number
  today: string
  /** The study the engine suggested (named as a hint; the reader chooses). */
  suggestedProcedure: ProcedureId | null
  previous: StudyRecord | null
  mode?: StudyFormMode
  onSaved: (result: RecordStudyResult) => void
  onCancel: () => void
}

const TITLES: Record<StudyFormMode['kind'], string> = {
  record: 'Record a study',
  edit: 'Edit the study',
  'done-elsewhere': 'Done elsewhere: the outside study',
}

const STATUS_OPTIONS = [
  { value: '', label: 'Not assessed' },
  { value: 'present', label: 'Present' },
  { value: 'absent', label: 'Absent' },
  { value: 'unequivocal-progression', label: 'Unequivocal progression' },
]

/**
 * Records one imaging study: its result, RECIST measurements and dose. Saving runs the guideline
 * engine, stores its recommendation and schedules the next study, all in one transaction.
 */
export function StudyForm({
  patientId,
  today,
  suggestedProcedure,
  previous,
  mode = { kind: 'record' },
  onSaved,
  onCancel,
}: Props) {
  const record = useRecordStudy(patientId)
  const edit = usePatientCommand('studies.update', patientId)
  const elsewhere = usePatientCommand('followup.doneElsewhere', patientId)
  const { control, register, handleSubmit, getValues, setError, formState } = useForm<
    StudyDraft,
    unknown,
    StudyInput
  >({
    defaultValues:
      mode.kind === 'edit'
        ? studyToDraft(mode.study)
        : { ...emptyStudy(), lesions: previous ? carryLesions(previous.lesions) : [] },
    resolver: studyResolver,
    shouldFocusError: false,
  })
  // The lesions' own `id` is their label: the rows' keys are under `key`.
  const lesions = useFieldArray({ control, name: 'lesions', keyName: 'key' })
  const procedure = useWatch({ control, name: 'procedure' })
  const { ionising, nuclear } = doseFieldsOf(procedure === '' ? null : procedureModality(procedure))
  const { summary, formRef, summaryRef, onInvalid, onServerError } = useErrorSummary(
    studyFieldFor,
    getValues,
    setError,
  )
  const err = (path: string) => messageAt(formState.errors, path)
  const addLesion = (role: LesionRole) =>
    lesions.append(newLesion(role, getValues('lesions')), { shouldFocus: false })

  async function save(checked: StudyInput) {
    const study = toStudyRequest(checked)
    const r =
      mode.kind === 'edit'
        ? await edit.run({ studyId: mode.study.id, version: mode.study.version, study })
        : mode.kind === 'done-elsewhere'
          ? await elsewhere.run({ itemId: mode.itemId, version: mode.version, study })
          : await record.run({ patientId, study })
    if (r.ok) return onSaved(r.value)
    onServerError(r.error, 'study.')
  }

  return (
    <form
      ref={formRef}
      className="panel form"
      onSubmit={handleSubmit(save, onInvalid)}
      aria-labelledby="study-form-title"
      noValidate
    >
      <h2 id="study-form-title">{TITLES[mode.kind]}</h2>
      {suggestedProcedure && mode.kind !== 'edit' && (
        <p className="muted" data-testid="suggested-procedure">
          Suggested: {procedureName(suggestedProcedure)}
        </p>
      )}
      {summary && (
        <p ref={summaryRef} className="form__message" role="status" tabIndex={-1}>
          {summary}
        </p>
      )}
      <div className="form__grid">
        <Field
          label="Study date"
          {...register('date')}
          error={err('date')}
          placeholder={`YYYY-MM-DD, e.g. ${today}`}
          autoFocus
        />
        <Select
          label="Procedure"
          {...register('procedure')}
          options={PROCEDURE_CHOICES}
          error={err('procedure')}
        />
        <Select label="Result" {...register('result')} options={RESULT_OPTIONS} error={err('result')} />
        <Field label="Note" {...register('note')} error={err('note')} />
      </div>

      <fieldset>
        <legend>Lesion measurements (RECIST 1.1)</legend>
        <p className="muted">
          Long axis in mm; short axis for lymph nodes. At most 5 targets, 2 per organ. Choose “Not read yet”
          as the result to let the app derive it from the measurements.
        </p>
        {lesions.fields.map((l, i) => (
          <div className="form__row" key={l.key} data-testid="lesion-row">
            <Field label="Label" {...register(`lesions.${i}.id`)} error={err(`lesions.${i}.id`)} size={5} />
            <Field label="Organ" {...register(`lesions.${i}.organ`)} error={err(`lesions.${i}.organ`)} />
            <label className="check">
              <input type="checkbox" {...register(`lesions.${i}.nodal`)} /> Lymph node
            </label>
            <span className="tag">{l.role}</span>
            {l.role === 'non-target' ? (
              <Select
                label="Status"
                {...register(`lesions.${i}.status`)}
                error={err(`lesions.${i}.status`)}
                options={STATUS_OPTIONS}
              />
            ) : (
              <Field
                label="Size (mm)"
                {...register(`lesions.${i}.diameterMm`)}
                error={err(`lesions.${i}.diameterMm`)}
                inputMode="decimal"
                size={6}
              />
            )}
            <button type="button" className="button button--quiet" onClick={() => lesions.remove(i)}>
              Remove
            </button>
          </div>
        ))}
        {err('lesions') && (
          <p className="field__error" role="alert">
            {err('lesions')}
          </p>
        )}
        <div className="form__actions">
          <button type="button" className="button" onClick={() => addLesion('target')}>
            Add target
          </button>
          <button type="button" className="button" onClick={() => addLesion('non-target')}>
            Add non-target
          </button>
          <button type="button" className="button" onClick={() => addLesion('new')}>
            Add new lesion
          </button>
        </div>
      </fieldset>

      {ionising && (
        <fieldset>
          <legend>Radiation dose (as recorded)</legend>
          <p className="muted">
            Raw indices first. Leave unknown values empty: the app then uses a typical value and marks it as
            estimated.
          </p>
          <div className="form__grid">
            {nuclear && (
              <>
                <Select
                  label="Radiopharmaceutical"
                  {...register('dose.agent')}
                  options={AGENT_OPTIONS}
                  error={err('dose.agent')}
                />
                <Field
                  label="Administered activity (MBq)"
                  {...register('dose.activityMbq')}
                  error={err('dose.activityMbq')}
                  inputMode="decimal"
                />
              </>
            )}
            <Field
              label={nuclear ? 'CT part: CTDIvol (mGy)' : 'CTDIvol (mGy)'}
              {...register('dose.ctdiVolMgy')}
              error={err('dose.ctdiVolMgy')}
              inputMode="decimal"
            />
            <Field
              label={nuclear ? 'CT part: DLP (mGy·cm)' : 'DLP (mGy·cm)'}
              {...register('dose.dlpMgyCm')}
              error={err('dose.dlpMgyCm')}
              inputMode="decimal"
            />
            <Select
              label={nuclear ? 'CT part: body region' : 'Body region'}
              {...register('dose.region')}
              options={REGION_OPTIONS}
              error={err('dose.region')}
            />
            <Field
              label="Recorded effective dose (mSv), if the report gives one"
              {...register('dose.effectiveMsv')}
              error={err('dose.effectiveMsv')}
              inputMode="decimal"
            />
          </div>
        </fieldset>
      )}

      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? 'Saving…' : 'Save study'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
