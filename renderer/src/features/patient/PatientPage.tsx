import { useState } from 'react'
import type {
  PatientDetail,
  CurrentRecommendation,
  TreatmentRecord,
} from '../../../../electron/contract/contract'
import { useShortcut } from '../../app/shortcuts'
import { useCan } from '../signin/SignIn'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { errorText } from '../../data/fetch'
import { usePatientDetail } from '../../data/queries'
import { bornText } from '../../domain/age'
import { studyToCarryFrom } from '../../domain/carryOver'
import { toCaseStudies } from '../../domain/caseOf'
import { actorLabel, assessRecist } from '../../../../engine'
import { symptomLabel } from '../../domain/labels'
import { PatientForm } from '../patients/PatientForm'
import { PatientHistory } from '../audit/AuditPage'
import { DoseView } from '../dose/DoseView'
import { StudyForm, type StudyFormMode } from '../studies/StudyForm'
import { TreatmentForm } from '../treatments/TreatmentForm'
import { ReasonDialog } from '../../components/ReasonDialog'
import { usePatientCommand } from '../../data/mutations'
import { UNDO_COMMAND_LABELS } from '../../domain/labels'
import { BiomarkersPanel } from './BiomarkersPanel'
import { FollowUpPanel } from './FollowUpPanel'
import { NotePanel } from './NotePanel'
import { RecommendationPanel } from './RecommendationPanel'
import { ResponseChart } from './ResponseChart'
import { Timeline } from './Timeline'
import { PatientExports } from './PatientExports'
import { StudiesFromDepartment } from '../pacs/StudiesFromDepartment'

interface Props {
  patientId: number
  today: string
  /** Open straight into "record a study" (the worklist's R shortcut). */
  startRecording: boolean
  /** A message to show on arrival (e.g. the patient was just added). */
  initialNotice: string | null
  onBack: () => void
  /** Opens the Settings screen (the dose conversion settings are there). */
  onOpenSettings: () => void
  /** Opens the printable follow-up sheet of this patient. */
  onOpenSheet: () => void
}

type Mode = 'view' | 'edit' | 'record' | 'study' | 'treatment'

const CLOSE_LABELS: Record<Exclude<Mode, 'view'>, string> = {
  edit: 'Close without saving the record',
  record: 'Close without saving the study',
  study: 'Close without saving the study',
  treatment: 'Close without saving the treatment',
}

export function PatientPage({
  patientId,
  today,
  startRecording,
  initialNotice,
  onBack,
  onOpenSettings,
  onOpenSheet,
}: Props) {
  const { data: detail, error } = usePatientDetail(patientId)
  const [mode, setModeState] = useState<Mode>(startRecording ? 'record' : 'view')
  const [notice, setNotice] = useState<string | null>(initialNotice)
  // Opening a form clears the last message: a green "Study saved" must not stay above the
  // next form's "Nothing was saved".
  const setMode = (next: Mode) => {
    if (next !== 'view') setNotice(null)
    setModeState(next)
  }
  const [confirmClose, setConfirmClose] = useState(false)
  const [studyMode, setStudyMode] = useState<StudyFormMode>({ kind: 'record' })
  const [treatment, setTreatment] = useState<TreatmentRecord | null>(null)
  /** The patient's version when "entered in error" was asked (the dialog's save names it). */
  const [errorFor, setErrorFor] = useState<number | null>(null)
  const undo = usePatientCommand('patients.undo', patientId)
  const markError = usePatientCommand('patients.markError', patientId)
  const restore = usePatientCommand('patients.restore', patientId)

  // Esc closes an open form (after asking: never throw away a half-filled form on a stray key)
  // or goes back to the worklist; R records a study. Neither while typing (app/shortcuts.ts).
  useShortcut(
    'escape',
    () => {
      if (mode !== 'view') setConfirmClose(true)
      else onBack()
    },
    { enabled: !confirmClose },
  )
  const openStudyForm = (m: StudyFormMode) => {
    setStudyMode(m)
    setMode('study')
  }
  const openTreatmentForm = (t: TreatmentRecord) => {
    setTreatment(t)
    setMode('treatment')
  }
  // A read-only account sees the record; the back end refuses its changes anyway.
  const write = useCan('write')
  useShortcut(['r', 'shift+r'], () => mode === 'view' && openStudyForm({ kind: 'record' }), {
    enabled: !confirmClose && write.allowed,
  })

  // The data was changed (each change invalidates and re-reads this page's query before it
  // settles, see data/mutations.ts): say what happened and close the form.
  const changed = (message: string) => {
    setNotice(message)
    setMode('view')
  }

  if (error) return <p role="alert">{errorText(error)}</p>
  if (!detail) return <p className="muted">Loading…</p>
  const { patient } = detail
  const current: CurrentRecommendation | null = detail.current

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
        <span className="muted" data-testid="patient-born">
          {bornText(patient.birthDate, today)}
        </span>
        {patient.weightKg !== null && <span className="muted">{patient.weightKg} kg</span>}
        <span className="patient__actions">
          <button
            className="button"
            onClick={() => setMode('edit')}
            disabled={mode !== 'view' || !write.allowed}
            title={write.reason}
          >
            Edit record
          </button>
          <button
            className="button button--primary"
            onClick={() => openStudyForm({ kind: 'record' })}
            disabled={mode !== 'view' || !write.allowed}
            title={write.reason}
          >
            Record study (R)
          </button>
          {detail.undo?.mine && (
            <button
              className="button"
              data-testid="undo"
              disabled={mode !== 'view' || undo.isPending}
              onClick={async () => {
                const r = await undo.run({ patientId })
                changed(
                  r.ok
                    ? `Undone: ${UNDO_COMMAND_LABELS[r.value.undone.command] ?? r.value.undone.command}.`
                    : r.error.message,
                )
              }}
            >
              Undo {UNDO_COMMAND_LABELS[detail.undo.command] ?? 'the last change'}
            </button>
          )}
          {!patient.enteredInError && (
            <button
              className="button button--quiet"
              onClick={() => setErrorFor(patient.version)}
              disabled={mode !== 'view'}
            >
              Patient entered in error…
            </button>
          )}
        </span>
      </div>
      <PatientExports
        patient={patient}
        hasOpenStep={detail.items.some((i) => i.status === 'scheduled')}
        onOpenSheet={onOpenSheet}
        onDone={(m) => setNotice(m)}
      />
      {patient.enteredInError && (
        <p className="alert alert--warn" role="alert" data-testid="patient-in-error">
          This patient was marked as entered in error by {actorLabel(patient.enteredInError.by)} (“
          {patient.enteredInError.reason}”); they are hidden from every list.{' '}
          <button
            className="button"
            onClick={async () => {
              const r = await restore.run({ id: patientId, version: patient.version })
              changed(r.ok ? 'The patient is back in the lists.' : r.error.message)
            }}
          >
            Restore patient
          </button>
        </p>
      )}
      <ReasonDialog
        isOpen={errorFor !== null}
        title="Mark the patient as entered in error?"
        confirmLabel="Mark as entered in error"
        onCancel={() => setErrorFor(null)}
        onConfirm={async (reason) => {
          if (errorFor === null) return null
          const r = await markError.run({ id: patientId, version: errorFor, reason })
          if (!r.ok) return r.error.fields?.['reason'] ?? r.error.message
          setErrorFor(null)
          changed('The patient is marked as entered in error and hidden from every list; it can be restored.')
          return null
        }}
      >
        <p>The record stays in the log and its audit trail; it is hidden from the worklist and the engine.</p>
      </ReasonDialog>
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
      {(mode === 'record' || mode === 'study') && (
        <StudyForm
          key={studyMode.kind === 'edit' ? `edit-${studyMode.study.id}` : studyMode.kind}
          patientId={patient.id}
          today={today}
          suggestedProcedure={current?.procedure ?? null}
          previous={studyToCarryFrom(detail.studies)}
          mode={mode === 'record' ? { kind: 'record' } : studyMode}
          onCancel={() => setMode('view')}
          onSaved={(r) =>
            changed(
              `Study saved. ${r.lifecycle.fulfilment ? `${r.lifecycle.fulfilment.reason} ` : ''}${
                r.nextItem
                  ? `Next: ${r.nextItem.reason}, due ${r.nextItem.due.from} – ${r.nextItem.due.to}.`
                  : ''
              }`,
            )
          }
        />
      )}
      {mode === 'treatment' && treatment && (
        <TreatmentForm
          key={treatment.id}
          treatment={treatment}
          today={today}
          onCancel={() => setMode('view')}
          onSaved={(r) =>
            changed(
              `Treatment saved; the plan was worked out again. ${r.lifecycle.reason}${
                r.next ? ` Next follow-up: ${r.next.reason} (${r.next.due.from} – ${r.next.due.to}).` : ''
              }`,
            )
          }
        />
      )}
      <ConfirmDialog
        isOpen={confirmClose}
        title="Close the form?"
        confirmLabel={mode === 'view' ? 'Close' : CLOSE_LABELS[mode]}
        cancelLabel="Keep editing"
        destructive
        onCancel={() => setConfirmClose(false)}
        onConfirm={() => {
          setConfirmClose(false)
          setMode('view')
        }}
      >
        <p>What you entered in this form is not saved.</p>
      </ConfirmDialog>
      <div className="patient__grid">
        <div className="patient__main">
          {current ? (
            <RecommendationPanel rec={current} today={today} />
          ) : (
            <section className="panel">
              <p className="muted">No recommendation yet.</p>
            </section>
          )}
          <ResponseChart assessment={assessRecist(toCaseStudies(detail.studies), patient.treatments)} />
          <Timeline
            detail={detail}
            onChanged={changed}
            onEditStudy={(study) => openStudyForm({ kind: 'edit', study })}
            onEditTreatment={openTreatmentForm}
          />
          <StudiesFromDepartment patientId={patient.id} onChanged={setNotice} />
          <BiomarkersPanel
            patientId={patient.id}
            values={detail.biomarkers}
            today={today}
            onChanged={changed}
          />
          <PatientHistory patient={patient} today={today} />
        </div>
        <div className="patient__side">
          <FollowUpPanel
            items={detail.items}
            next={current?.output.next ?? null}
            today={today}
            exit={detail.exit}
            patientId={patient.id}
            timed={detail.adherence.items}
            onDoneElsewhere={(item) =>
              openStudyForm({ kind: 'done-elsewhere', itemId: item.id, version: item.version })
            }
            onChanged={changed}
          />
          <NotePanel key={patient.id} patientId={patient.id} note={detail.note} onChanged={changed} />
          <Facts detail={detail} />
          <DoseView
            patientId={patient.id}
            dose={detail.dose}
            studies={detail.studies}
            mrn={patient.mrn}
            name={patient.name}
            today={today}
            onOpenSettings={onOpenSettings}
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
