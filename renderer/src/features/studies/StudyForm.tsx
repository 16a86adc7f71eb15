import { useState, type FormEvent } from 'react'
import type {
  LesionRole,
  ProcedureId,
  RecordStudyResult,
  StudyRecord,
} from '../../../../electron/contract/contract'
import { Field } from '../../components/Field'
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
  draftToStudy,
  emptyStudy,
  studyToDraft,
  type LesionDraft,
  type StudyDraft,
} from './studyDraft'

/** What the form saves: a new study, an edit of a stored one, or the outside study of an open step. */
export type StudyFormMode =
  { kind: 'record' } | { kind: 'edit'; study: StudyRecord } | { kind: 'done-elsewhere'; itemId: number }

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
  const [draft, setDraft] = useState<StudyDraft>(() =>
    mode.kind === 'edit'
      ? studyToDraft(mode.study)
      : { ...emptyStudy(), lesions: previous ? carryLesions(previous.lesions) : [] },
  )
  const [fields, setFields] = useState<Record<string, string>>({})
  const [message, setMessage] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const modality = procedureModality(draft.procedure)
  const ionising = modality === 'CT' || modality === 'PET/CT' || modality === 'NM'
  const nuclear = modality === 'PET/CT' || modality === 'NM'

  const set =
    <K extends keyof StudyDraft>(key: K) =>
    (e: { target: { value: string } }) =>
      setDraft((d) => ({ ...d, [key]: e.target.value as StudyDraft[K] }))
  const setLesion = (i: number, patch: Partial<LesionDraft>) =>
    setDraft((d) => ({ ...d, lesions: d.lesions.map((l, j) => (j === i ? { ...l, ...patch } : l)) }))
  const addLesion = (role: LesionRole) =>
    setDraft((d) => ({
      ...d,
      lesions: [
        ...d.lesions,
        {
          id: `${role === 'target' ? 'T' : role === 'new' ? 'N' : 'NT'}${d.lesions.filter((l) => l.role === role).length + 1}`,
          organ: '',
          nodal: false,
          role,
          diameterMm: '',
          status: role === 'non-target' ? 'present' : '',
        },
      ],
    }))

  async function submit(e: FormEvent) {
    e.preventDefault()
    const parsed = draftToStudy(draft)
    if ('fields' in parsed) {
      setFields(parsed.fields)
      setMessage('Please correct the highlighted fields. Nothing was saved.')
      return
    }
    setSaving(true)
    const r =
      mode.kind === 'edit'
        ? await edit.run({ studyId: mode.study.id, study: parsed.study })
        : mode.kind === 'done-elsewhere'
          ? await elsewhere.run({ itemId: mode.itemId, study: parsed.study })
          : await record.run({ patientId, study: parsed.study })
    setSaving(false)
    if (r.ok) return onSaved(r.value)
    setFields(r.error.fields ?? {})
    setMessage(
      `${r.error.fields ? 'Please correct the highlighted fields.' : r.error.message} Nothing was saved.`,
    )
  }

  const err = (k: string) => fields[k] ?? fields[`study.${k}`]

  return (
    <form className="panel form" onSubmit={submit} aria-labelledby="study-form-title" noValidate>
      <h2 id="study-form-title">{TITLES[mode.kind]}</h2>
      {suggestedProcedure && mode.kind !== 'edit' && (
        <p className="muted" data-testid="suggested-procedure">
          Suggested: {procedureName(suggestedProcedure)}
        </p>
      )}
      {message && (
        <p className="form__message" role="status">
          {message}
        </p>
      )}
      <div className="form__grid">
        <Field
          label="Study date"
          value={draft.date}
          onChange={set('date')}
          error={err('date')}
          placeholder={`YYYY-MM-DD, e.g. ${today}`}
          autoFocus
        />
        <Select
          label="Procedure"
          value={draft.procedure}
          onChange={set('procedure')}
          options={PROCEDURE_CHOICES}
          error={err('procedure')}
        />
        <Select
          label="Result"
          value={draft.result}
          onChange={set('result')}
          options={RESULT_OPTIONS}
          error={err('result')}
        />
        <Field label="Note" value={draft.note} onChange={set('note')} error={err('note')} />
      </div>

      <fieldset>
        <legend>Lesion measurements (RECIST 1.1)</legend>
        <p className="muted">
          Long axis in mm; short axis for lymph nodes. At most 5 targets, 2 per organ. Choose “Not read yet”
          as the result to let the app derive it from the measurements.
        </p>
        {draft.lesions.map((l, i) => (
          <div className="form__row" key={i} data-testid="lesion-row">
            <Field
              label="Label"
              value={l.id}
              onChange={(e) => setLesion(i, { id: e.target.value })}
              error={err(`lesions.${i}.id`)}
              size={5}
            />
            <Field
              label="Organ"
              value={l.organ}
              onChange={(e) => setLesion(i, { organ: e.target.value })}
              error={err(`lesions.${i}.organ`)}
            />
            <label className="check">
              <input
                type="checkbox"
                checked={l.nodal}
                onChange={(e) => setLesion(i, { nodal: e.target.checked })}
              />{' '}
              Lymph node
            </label>
            <span className="tag">{l.role}</span>
            {l.role === 'non-target' ? (
              <Select
                label="Status"
                value={l.status}
                onChange={(e) => setLesion(i, { status: e.target.value as LesionDraft['status'] })}
                error={err(`lesions.${i}.status`)}
                options={[
                  { value: '', label: 'Not assessed' },
                  { value: 'present', label: 'Present' },
                  { value: 'absent', label: 'Absent' },
                  { value: 'unequivocal-progression', label: 'Unequivocal progression' },
                ]}
              />
            ) : (
              <Field
                label="Size (mm)"
                value={l.diameterMm}
                onChange={(e) => setLesion(i, { diameterMm: e.target.value })}
                error={err(`lesions.${i}.diameterMm`)}
                inputMode="decimal"
                size={6}
              />
            )}
            <button
              type="button"
              className="button button--quiet"
              onClick={() => setDraft((d) => ({ ...d, lesions: d.lesions.filter((_, j) => j !== i) }))}
            >
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
                  value={draft.agent}
                  onChange={set('agent')}
                  options={AGENT_OPTIONS}
                  error={err('dose.agent')}
                />
                <Field
                  label="Administered activity (MBq)"
                  value={draft.activityMbq}
                  onChange={set('activityMbq')}
                  error={err('dose.activityMbq')}
                  inputMode="decimal"
                />
              </>
            )}
            <Field
              label={nuclear ? 'CT part: CTDIvol (mGy)' : 'CTDIvol (mGy)'}
              value={draft.ctdiVolMgy}
              onChange={set('ctdiVolMgy')}
              error={err('dose.ctdiVolMgy')}
              inputMode="decimal"
            />
            <Field
              label={nuclear ? 'CT part: DLP (mGy·cm)' : 'DLP (mGy·cm)'}
              value={draft.dlpMgyCm}
              onChange={set('dlpMgyCm')}
              error={err('dose.dlpMgyCm')}
              inputMode="decimal"
            />
            <Select
              label={nuclear ? 'CT part: body region' : 'Body region'}
              value={draft.region}
              onChange={set('region')}
              options={REGION_OPTIONS}
              error={err('dose.region')}
            />
            <Field
              label="Recorded effective dose (mSv), if the report gives one"
              value={draft.effectiveMsv}
              onChange={set('effectiveMsv')}
              error={err('dose.effectiveMsv')}
              inputMode="decimal"
            />
          </div>
        </fieldset>
      )}

      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save study'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
