import { useCallback, useEffect, useState } from 'react'
import type { PatientDetail, StoredRecommendation } from '../../../../electron/contract/contract'
import { call } from '../../api'
import { symptomLabel } from '../../domain/labels'
import { PatientForm } from '../patients/PatientForm'
import { DoseView } from '../dose/DoseView'
import { StudyForm } from '../studies/StudyForm'
import { FollowUpPanel } from './FollowUpPanel'
import { RecommendationPanel } from './RecommendationPanel'
import { Timeline } from './Timeline'

interface Props {
  patientId: number
  today: string
  /** Open straight into "record a study" (the worklist's R shortcut). */
  startRecording: boolean
  /** A message to show on arrival (e.g. the patient was just added). */
  initialNotice: string | null
  onBack: () => void
  onChanged: () => void
}

type Mode = 'view' | 'edit' | 'record'

export function PatientPage({ patientId, today, startRecording, initialNotice, onBack, onChanged }: Props) {
  const [detail, setDetail] = useState<PatientDetail | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [mode, setMode] = useState<Mode>(startRecording ? 'record' : 'view')
  const [notice, setNotice] = useState<string | null>(initialNotice)

  const load = useCallback(() => {
    void call('patients.detail', { id: patientId }).then((r) => {
      if (r.ok) setDetail(r.value)
      else setError(r.error.message)
    })
  }, [patientId])

  useEffect(load, [load])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = ['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement?.tagName ?? '')
      if (e.key === 'Escape' && mode !== 'view') {
        // Never throw away a half-filled form on a stray key: ask first.
        if (!typing && window.confirm('Close the form? What you entered is not saved.')) setMode('view')
      } else if (e.key === 'Escape' && !typing) onBack()
      else if ((e.key === 'r' || e.key === 'R') && !typing && mode === 'view') {
        e.preventDefault()
        setMode('record')
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [mode, onBack])

  const changed = (message: string) => {
    setNotice(message)
    setMode('view')
    load()
    onChanged()
  }

  if (error) return <p role="alert">{error}</p>
  if (!detail) return <p className="muted">Loading…</p>
  const { patient } = detail
  const current: StoredRecommendation | null =
    detail.recommendations.find((r) => r.supersededBy === null) ?? null

  return (
    <div className="patient">
      <div className="patient__head">
        <button className="button button--quiet" onClick={onBack}>
          ← Worklist
        </button>
        <h2 className="patient__name" data-testid="patient-name">
          {patient.name} {patient.isDemo && <span className="badge">demo</span>}
        </h2>
        <span className="mono muted">MRN {patient.mrn}</span>
        <span className="muted">born {patient.birthDate ?? 'unknown'}</span>
        {patient.weightKg !== null && <span className="muted">{patient.weightKg} kg</span>}
        <span className="patient__actions">
          <button className="button" onClick={() => setMode('edit')} disabled={mode !== 'view'}>
            Edit record
          </button>
          <button
            className="button button--primary"
            onClick={() => setMode('record')}
            disabled={mode !== 'view'}
          >
            Record study (R)
          </button>
        </span>
      </div>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {mode === 'edit' && (
        <PatientForm
          patient={patient}
          onCancel={() => setMode('view')}
          onSaved={() => changed('Record saved; the recommendation was updated.')}
        />
      )}
      {mode === 'record' && (
        <StudyForm
          patientId={patient.id}
          today={today}
          suggestedProcedure={current?.procedure ?? null}
          previous={detail.studies[detail.studies.length - 1] ?? null}
          onCancel={() => setMode('view')}
          onSaved={(r) =>
            changed(
              `Study saved.${r.closedItem ? ' The scheduled item it fulfils was closed.' : ''}${
                r.nextItem ? ` Next: due ${r.nextItem.due.from} – ${r.nextItem.due.to}.` : ''
              }`,
            )
          }
        />
      )}
      <div className="patient__grid">
        <div className="patient__main">
          {current ? (
            <RecommendationPanel rec={current} today={today} />
          ) : (
            <section className="panel">
              <p className="muted">No recommendation yet.</p>
            </section>
          )}
          <Timeline detail={detail} onChanged={changed} />
        </div>
        <div className="patient__side">
          <FollowUpPanel
            items={detail.items}
            next={current?.output.next ?? null}
            today={today}
            onChanged={changed}
          />
          <Facts detail={detail} />
          <DoseView
            dose={detail.dose}
            studies={detail.studies}
            mrn={patient.mrn}
            today={today}
            onSettingsSaved={() =>
              changed('Dose settings saved; every patient’s cumulative dose was recomputed.')
            }
          />
        </div>
      </div>
    </div>
  )
}

const yn = (v: boolean | null) => (v === null ? 'unknown' : v ? 'yes' : 'no')

function Facts({ detail }: { detail: PatientDetail }) {
  const p = detail.patient
  return (
    <section className="panel" aria-labelledby="facts-title">
      <h2 id="facts-title">Facts the engine used</h2>
      <dl className="facts">
        <dt>Burden</dt>
        <dd>{p.burden ?? 'unknown'}</dd>
        <dt>Grade</dt>
        <dd>{p.diagnosis.grade ?? 'unknown'}</dd>
        <dt>Confirmed</dt>
        <dd>{yn(p.diagnosis.confirmed)}</dd>
        <dt>Staging complete</dt>
        <dd>{yn(p.stagingComplete)}</dd>
        <dt>Active surveillance</dt>
        <dd>{yn(p.activeSurveillance)}</dd>
        <dt>Recurrence suspected</dt>
        <dd>{yn(p.suspectedRecurrence)}</dd>
        <dt>MRI contraindicated</dt>
        <dd data-testid="fact-mri">
          {yn(p.constraints.mriContraindicated)}
          {p.constraints.mriReason ? ` (${p.constraints.mriReason})` : ''}
        </dd>
        <dt>Iodinated contrast contraindicated</dt>
        <dd>{yn(p.constraints.iodinatedContrastContraindicated)}</dd>
        <dt>Gadolinium contraindicated</dt>
        <dd>{yn(p.constraints.gadoliniumContraindicated)}</dd>
        <dt>eGFR</dt>
        <dd>{p.constraints.eGFR ?? 'unknown'}</dd>
        <dt>Symptoms</dt>
        <dd>
          {p.symptoms === null
            ? 'not asked (unknown)'
            : p.symptoms.length
              ? p.symptoms.map(symptomLabel).join(', ')
              : 'none'}
        </dd>
      </dl>
    </section>
  )
}
