import { useId, useState, type FormEvent } from 'react'
import type { PatientNote } from '../../../../electron/contract/contract'
import { refusalText } from '../../components/formErrors'
import { useSetNote } from '../../data/mutations'

const MAX = 4000

/** The radiologist's free-text note about the patient (one per patient, audited; the engine ignores it). */
export function NotePanel({
  patientId,
  note,
  onChanged,
}: {
  patientId: number
  note: PatientNote | null
  onChanged: (message: string) => void
}) {
  // The note the text box was filled from: a save names its version (null: there was none), so a
  // note changed by someone else since is refused, not overwritten. When the page reads a newer note,
  // an untouched box shows it; a box with typing in it keeps the typing (and the version it began from).
  const [base, setBase] = useState(note)
  const [text, setText] = useState(note?.text ?? '')
  const [error, setError] = useState<string | null>(null)
  const save = useSetNote(patientId)
  const id = useId()
  if (note?.version !== base?.version && text === (base?.text ?? '')) {
    setBase(note)
    setText(note?.text ?? '')
  }
  const unchanged = text.trim() === (base?.text ?? '')

  async function submit(e: FormEvent) {
    e.preventDefault()
    const r = await save.run({ patientId, version: base?.version ?? null, text })
    if (r.ok) {
      setError(null)
      setBase(r.value.note)
      setText(r.value.note?.text ?? '')
      onChanged(r.value.note ? 'Note saved.' : 'Note removed.')
    } else setError(refusalText(r.error.fields?.['text'] ?? r.error.message))
  }

  return (
    <section className="panel" aria-labelledby="note-title" data-testid="note">
      <h2 id="note-title">Note</h2>
      <form onSubmit={submit} noValidate>
        <div className={error ? 'field field--invalid' : 'field'}>
          <label htmlFor={id}>Note about this patient (not read by the guideline engine)</label>
          <textarea
            id={id}
            rows={4}
            value={text}
            maxLength={MAX}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          />
          <p className="field__hint" id={`${id}-hint`}>
            {base ? `Last changed ${base.updatedAt.slice(0, 10)}. ` : ''}Up to {MAX} characters; an empty note
            is removed.
          </p>
          {error && (
            <p className="field__error" id={`${id}-error`} role="alert">
              {error}
            </p>
          )}
        </div>
        <div className="form__actions">
          <button type="submit" className="button" disabled={save.isPending || unchanged}>
            {save.isPending ? 'Saving…' : 'Save note'}
          </button>
        </div>
      </form>
    </section>
  )
}
