import { useState } from 'react'
import type { FoundStudy, ProcedureId } from '../../../../electron/contract/contract'
import { PROCEDURE_CHOICES } from '../../domain/labels'

export interface PickedStudy {
  studyInstanceUid: string
  procedure: ProcedureId
}

/** A mapping to remember: a study the table did not map, with the procedure the person chose. */
export interface MappingToRemember {
  modality: string
  keywords: string
  procedure: ProcedureId
}

const IN_LOG: Record<FoundStudy['inLog'], string | null> = {
  no: null,
  imported: 'already in the log',
  'entered-in-error': 'in the log, entered in error',
}

/**
 * The studies found (on a PACS or in dropped files): tick which to import and check each one's
 * procedure. A study the mapping table does not know is shown as not mapped; choosing its
 * procedure here can be remembered as a rule.
 */
export function StudyPicker({
  studies,
  busy,
  onImport,
  testId,
}: {
  studies: readonly FoundStudy[]
  busy: boolean
  onImport: (picked: PickedStudy[], remember: MappingToRemember[]) => void
  testId: string
}) {
  const [ticked, setTicked] = useState<Set<string>>(
    () =>
      new Set(
        studies
          .filter((s) => s.inLog === 'no' && s.suggested && !s.sameDayTyped)
          .map((s) => s.studyInstanceUid),
      ),
  )
  const [chosen, setChosen] = useState<Record<string, ProcedureId | ''>>({})
  const [remember, setRemember] = useState(true)
  const procedureOf = (s: FoundStudy): ProcedureId | '' =>
    chosen[s.studyInstanceUid] ?? s.suggested?.procedure ?? ''
  const picked = studies.filter((s) => ticked.has(s.studyInstanceUid))
  const missing = picked.filter((s) => procedureOf(s) === '')
  const toRemember: MappingToRemember[] = picked.flatMap((s) => {
    const p = procedureOf(s)
    return !s.suggested && p && s.modality && s.description
      ? [{ modality: s.modality, keywords: s.description, procedure: p }]
      : []
  })

  if (studies.length === 0) return <p className="muted">No studies found for this patient.</p>
  return (
    <div className="study-picker">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">Import</th>
            <th scope="col">Date</th>
            <th scope="col">Modality</th>
            <th scope="col">Study description</th>
            <th scope="col">Accession</th>
            <th scope="col">Dose reports</th>
            <th scope="col">Procedure</th>
          </tr>
        </thead>
        <tbody>
          {studies.map((s) => {
            const inLog = IN_LOG[s.inLog]
            const label = `${s.date ?? 'no date'} ${s.description ?? s.modality ?? ''}`.trim()
            return (
              <tr key={s.studyInstanceUid} data-testid="found-study">
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Import ${label}`}
                    checked={ticked.has(s.studyInstanceUid)}
                    disabled={inLog !== null || busy}
                    onChange={(e) => {
                      const next = new Set(ticked)
                      if (e.target.checked) next.add(s.studyInstanceUid)
                      else next.delete(s.studyInstanceUid)
                      setTicked(next)
                    }}
                  />
                </td>
                <td className="mono">{s.date ?? '—'}</td>
                <td>{s.modalities.join(', ') || '—'}</td>
                <td>
                  {s.description ?? '—'}
                  {inLog && <span className="badge">{inLog}</span>}
                  {s.sameDayTyped && s.inLog === 'no' && (
                    <span
                      className="badge badge--warn"
                      title="A study typed by hand on the same date is in the log"
                    >
                      same day as a typed study
                    </span>
                  )}
                </td>
                <td className="mono">{s.accessionNumber ?? '—'}</td>
                <td>{s.doseReports}</td>
                <td>
                  <select
                    aria-label={`Procedure for ${label}`}
                    value={procedureOf(s)}
                    disabled={inLog !== null || busy}
                    onChange={(e) =>
                      setChosen({ ...chosen, [s.studyInstanceUid]: e.target.value as ProcedureId | '' })
                    }
                  >
                    {PROCEDURE_CHOICES.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.value === '' ? 'Not mapped — choose…' : o.label}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {toRemember.length > 0 && (
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />{' '}
          Remember my choice for {toRemember.length === 1 ? 'this description' : 'these descriptions'} in the
          mapping table
        </label>
      )}
      {missing.length > 0 && (
        <p className="field__error" role="alert">
          Choose the procedure of every ticked study ({missing.length} not mapped).
        </p>
      )}
      <div className="form__actions">
        <button
          className="button button--primary"
          disabled={busy || picked.length === 0 || missing.length > 0}
          onClick={() =>
            onImport(
              picked.map((s) => ({
                studyInstanceUid: s.studyInstanceUid,
                procedure: procedureOf(s) as ProcedureId,
              })),
              remember ? toRemember : [],
            )
          }
        >
          Import {picked.length} {picked.length === 1 ? 'study' : 'studies'}
        </button>
      </div>
    </div>
  )
}
