import { useState } from 'react'
import type { ProcedureId } from '../../../../electron/contract/contract'
import { errorText } from '../../data/fetch'
import { useRemoveMapping, useSaveMapping } from '../../data/mutations'
import { useProcedureMappings } from '../../data/queries'
import { PROCEDURE_CHOICES, procedureName } from '../../domain/labels'

/**
 * The procedure mapping table: which of the app's procedures a PACS study is, by modality, words
 * of its description (a `-word` must not be there) and, optionally, a body part. A study no rule
 * matches is shown as not mapped and the person chooses.
 */
export function MappingSettings({ onSaved }: { onSaved: (message: string) => void }) {
  const { data: rules, error } = useProcedureMappings()
  const save = useSaveMapping()
  const remove = useRemoveMapping()
  const [modality, setModality] = useState('CT')
  const [keywords, setKeywords] = useState('')
  const [bodyPart, setBodyPart] = useState('')
  const [procedure, setProcedure] = useState<ProcedureId | ''>('')
  const [message, setMessage] = useState<string | null>(null)
  return (
    <div data-testid="mapping-settings">
      {error && <p role="alert">{errorText(error)}</p>}
      <table className="table">
        <caption className="muted small">
          A study of the modality whose description holds every word (and none of the “-words”) is the
          procedure.
        </caption>
        <thead>
          <tr>
            <th scope="col">Modality</th>
            <th scope="col">Description words</th>
            <th scope="col">Body part</th>
            <th scope="col">Procedure</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules?.map((m) => (
            <tr key={m.id}>
              <td className="mono">{m.modality}</td>
              <td className="mono">{m.keywords || '—'}</td>
              <td className="mono">{m.bodyPart || 'any'}</td>
              <td>{procedureName(m.procedure)}</td>
              <td>
                <button
                  className="button button--quiet"
                  aria-label={`Remove the rule ${m.modality} ${m.keywords}`}
                  onClick={async () => {
                    const r = await remove.run({ id: m.id })
                    onSaved(r.ok ? 'Mapping removed.' : r.error.message)
                  }}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="mapping-form"
        aria-label="Add a procedure mapping"
        onSubmit={async (e) => {
          e.preventDefault()
          if (!procedure) return setMessage('Choose the procedure.')
          const r = await save.run({ mapping: { modality, keywords, bodyPart, procedure } })
          if (!r.ok) return setMessage(r.error.fields ? Object.values(r.error.fields)[0]! : r.error.message)
          setMessage(null)
          setKeywords('')
          setBodyPart('')
          onSaved(
            `Mapping saved: ${r.value.modality} “${r.value.keywords}” → ${procedureName(r.value.procedure)}.`,
          )
        }}
      >
        <label className="field">
          <span className="field__label">Modality</span>
          <input value={modality} onChange={(e) => setModality(e.target.value)} size={4} />
        </label>
        <label className="field">
          <span className="field__label">Description words</span>
          <input
            value={keywords}
            onChange={(e) => setKeywords(e.target.value)}
            placeholder="abdomen pelvis -without"
          />
        </label>
        <label className="field">
          <span className="field__label">Body part (optional)</span>
          <input value={bodyPart} onChange={(e) => setBodyPart(e.target.value)} size={10} />
        </label>
        <label className="field">
          <span className="field__label">Procedure</span>
          <select value={procedure} onChange={(e) => setProcedure(e.target.value as ProcedureId | '')}>
            {PROCEDURE_CHOICES.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button" disabled={save.isPending}>
          Add mapping
        </button>
        {message && (
          <p className="field__error" role="alert">
            {message}
          </p>
        )}
      </form>
    </div>
  )
}
