import { useState } from 'react'
import type {
  AdherenceItem,
  PatientDetail,
  StudyRecord,
  StudyResult,
  TreatmentRecord,
} from '../../../../electron/contract/contract'
import { ReasonDialog } from '../../components/ReasonDialog'
import { usePatientCommand, useSetStudyResult } from '../../data/mutations'
import { useOlderRecommendations } from '../../data/queries'
import { RESULT_OPTIONS } from '../../domain/labels'
import { toCaseStudies } from '../../domain/caseOf'
import { countText, medianText, shareText, timingText } from '../../domain/adherence'
import { actorLabel, assessRecist } from '../../../../engine'
import {
  agentLabel,
  doseMethodLabel,
  formatMsv,
  procedureName,
  resultLabel,
  treatmentLabel,
  triggerLabel,
  variantLabel,
} from '../../domain/labels'

interface Entry {
  /** The study as shown, so its result can be entered here (the save names its version). */
  unread?: StudyRecord
  /** For a study: the record, so it can be edited or marked as entered in error. */
  study?: StudyRecord
  /** For a treatment: the record, so it can be edited or marked as entered in error. */
  treatment?: TreatmentRecord
  /** For a study that closed an imaging step: the step's window and how the study fell against it. */
  fulfilled?: AdherenceItem
  date: string
  order: number
  kind: 'diagnosis' | 'treatment' | 'study' | 'recommendation'
  title: string
  detail: string
  superseded?: boolean
  testId?: string
}

/** One timeline of the patient: diagnosis, treatments, studies (result, response, dose) and recommendations. */
export function Timeline({
  detail,
  onChanged,
  onEditStudy,
  onEditTreatment,
}: {
  detail: PatientDetail
  onChanged: (message: string) => void
  onEditStudy?: (study: StudyRecord) => void
  onEditTreatment?: (treatment: TreatmentRecord) => void
}) {
  // The record as shown when "entered in error" was asked: the dialog's save names its version.
  const [withdraw, setWithdraw] = useState<{
    kind: 'study' | 'treatment'
    id: number
    version: number
  } | null>(null)
  const markStudy = usePatientCommand('studies.markError', detail.patient.id)
  const markTreatment = usePatientCommand('treatments.markError', detail.patient.id)
  const restoreStudy = usePatientCommand('studies.restore', detail.patient.id)
  const restoreTreatment = usePatientCommand('treatments.restore', detail.patient.id)
  const { patient, studies } = detail
  // The page came with the newest recommendations; older ones are read when asked for.
  const [showOlder, setShowOlder] = useState(false)
  const older = useOlderRecommendations(patient.id, detail.recommendations.at(-1)?.id ?? null, showOlder)
  const recommendations = [
    ...detail.recommendations,
    ...(showOlder ? (older.data?.pages.flatMap((p) => p.recommendations) ?? []) : []),
  ]
  const notShown = detail.recommendationCount - recommendations.length
  const ledger = detail.dose.ledger
  const recist = assessRecist(toCaseStudies(studies), patient.treatments)
  const entries: Entry[] = []
  if (patient.diagnosis.date) {
    entries.push({
      date: patient.diagnosis.date,
      order: 0,
      kind: 'diagnosis',
      title: 'Diagnosis',
      detail: [
        patient.diagnosis.confirmed === true
          ? 'histologically confirmed'
          : patient.diagnosis.confirmed === false
            ? 'suspected'
            : null,
        patient.diagnosis.grade,
        patient.diagnosis.primarySizeMm ? `primary ${patient.diagnosis.primarySizeMm} mm` : null,
      ]
        .filter(Boolean)
        .join(' · '),
    })
  }
  // The live treatments with their ids (the facts the engine reads, in the same order).
  detail.treatments
    .filter((t) => t.enteredInError === null)
    .forEach((t) => {
      entries.push({
        treatment: t,
        date: t.date ?? '',
        order: 1,
        kind: 'treatment',
        title: treatmentLabel(t.kind),
        detail:
          t.kind === 'resection'
            ? t.completeResection
              ? 'complete'
              : t.completeResection === false
                ? 'residual disease'
                : ''
            : '',
        testId: 'timeline-treatment',
      })
    })
  const fulfilledBy = new Map(detail.adherence.items.map((a) => [a.studyId, a]))
  studies.forEach((s, i) => {
    const dose = ledger.studies.find((d) => d.index === i)
    const tp = recist?.timepoints.find((t) => t.date === s.date)
    const derived = s.result === null && tp ? ` (derived: ${tp.category})` : ''
    entries.push({
      date: s.date,
      order: 2,
      kind: 'study',
      title: procedureName(s.procedure),
      detail: [
        `${resultLabel(s.result)}${derived}`,
        tp ? `RECIST ${tp.category}${tp.sumMm !== null ? `, sum ${tp.sumMm} mm` : ''}` : null,
        dose && dose.modality !== 'MR' && dose.modality !== 'US'
          ? `${formatMsv(dose.msv, dose.estimated, dose.incomplete)} (${methodText(dose.method)}${dose.agent ? `, ${agentLabel(dose.agent)}` : ''})${s.doseSource === 'rdsr' ? ', dose from RDSR' : ''}`
          : null,
        s.note,
      ]
        .filter(Boolean)
        .join(' · '),
      testId: 'timeline-study',
      study: s,
      ...(fulfilledBy.has(s.id) ? { fulfilled: fulfilledBy.get(s.id)! } : {}),
      ...(s.result === null ? { unread: s } : {}),
    })
  })
  recommendations.forEach((r) => {
    entries.push({
      date: r.asOf,
      order: 3,
      kind: 'recommendation',
      title: `Recommendation ${triggerLabel(r.trigger)}`,
      detail: `${variantLabel(r.variant)} · ${r.action}${r.procedure ? `: ${procedureName(r.procedure)}` : ''}${
        r.due ? ` · due ${r.due.from} – ${r.due.to}` : ''
      } · pack ${r.packId} ${r.packVersion}`,
      superseded: r.supersededBy !== null,
      testId: 'timeline-recommendation',
    })
  })
  entries.sort((a, b) => (a.date === b.date ? b.order - a.order : a.date < b.date ? 1 : -1))

  return (
    <section className="panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <PatientAdherence detail={detail} />
      <ol className="timeline">
        {entries.map((e, i) => (
          <li
            key={i}
            className={`timeline__entry timeline__entry--${e.kind}${e.superseded ? ' timeline__entry--superseded' : ''}`}
            data-testid={e.testId}
          >
            <span className="timeline__date mono">{e.date || 'date unknown'}</span>
            <span className="timeline__title">
              {e.title}
              {e.superseded && <span className="badge">superseded</span>}
            </span>
            {e.detail && <span className="timeline__detail">{e.detail}</span>}
            {e.fulfilled && (
              <span className="timeline__detail" data-testid="study-timing">
                Closed the step due {e.fulfilled.window.from} – {e.fulfilled.window.to}:{' '}
                <span className={`timing timing--${e.fulfilled.timing.timeliness}`}>
                  {timingText(e.fulfilled.timing)}
                </span>
              </span>
            )}
            {(e.study || e.treatment) && (
              <span className="timeline__actions">
                {e.study && onEditStudy && (
                  <button className="button button--quiet" onClick={() => onEditStudy(e.study!)}>
                    Edit
                  </button>
                )}
                {e.treatment && onEditTreatment && (
                  <button className="button button--quiet" onClick={() => onEditTreatment(e.treatment!)}>
                    Edit
                  </button>
                )}
                <button
                  className="button button--quiet"
                  onClick={() =>
                    setWithdraw(
                      e.study
                        ? { kind: 'study', id: e.study.id, version: e.study.version }
                        : { kind: 'treatment', id: e.treatment!.id, version: e.treatment!.version },
                    )
                  }
                >
                  Entered in error…
                </button>
              </span>
            )}
            {e.unread && (
              <ResultEntry patientId={patient.id} study={e.unread} date={e.date} onChanged={onChanged} />
            )}
          </li>
        ))}
      </ol>
      {notShown > 0 && (
        <p className="timeline__more">
          <button
            className="button button--quiet"
            data-testid="older-recommendations"
            disabled={older.isFetching}
            onClick={() => (showOlder ? void older.fetchNextPage() : setShowOlder(true))}
          >
            {older.isFetching
              ? 'Reading older recommendations…'
              : `Show ${notShown === 1 ? 'the older recommendation' : `${notShown} older recommendations`}`}
          </button>
        </p>
      )}
      {(detail.withdrawnStudies.length > 0 || detail.treatments.some((t) => t.enteredInError)) && (
        <details className="history" data-testid="withdrawn">
          <summary>
            Entered in error (
            {detail.withdrawnStudies.length + detail.treatments.filter((t) => t.enteredInError).length})
          </summary>
          <ul>
            {detail.withdrawnStudies.map((s) => (
              <li key={`s${s.id}`}>
                {s.date} {procedureName(s.procedure)} — “{s.enteredInError.reason}” (
                {actorLabel(s.enteredInError.by)}){' '}
                <button
                  className="button button--quiet"
                  onClick={async () => {
                    const r = await restoreStudy.run({ studyId: s.id, version: s.version })
                    onChanged(r.ok ? `Study restored. ${r.value.lifecycle.reason}` : r.error.message)
                  }}
                >
                  Restore
                </button>
              </li>
            ))}
            {detail.treatments
              .filter((t) => t.enteredInError)
              .map((t) => (
                <li key={`t${t.id}`}>
                  {t.date ?? 'date unknown'} {treatmentLabel(t.kind)} — “{t.enteredInError!.reason}”{' '}
                  <button
                    className="button button--quiet"
                    onClick={async () => {
                      const r = await restoreTreatment.run({ treatmentId: t.id, version: t.version })
                      onChanged(r.ok ? `Treatment restored. ${r.value.lifecycle.reason}` : r.error.message)
                    }}
                  >
                    Restore
                  </button>
                </li>
              ))}
          </ul>
        </details>
      )}
      <ReasonDialog
        isOpen={withdraw !== null}
        title={withdraw?.kind === 'treatment' ? 'Treatment entered in error?' : 'Study entered in error?'}
        confirmLabel="Mark as entered in error"
        onCancel={() => setWithdraw(null)}
        onConfirm={async (reason) => {
          if (!withdraw) return null
          const r =
            withdraw.kind === 'study'
              ? await markStudy.run({ studyId: withdraw.id, version: withdraw.version, reason })
              : await markTreatment.run({ treatmentId: withdraw.id, version: withdraw.version, reason })
          if (!r.ok) return r.error.fields?.['reason'] ?? r.error.message
          setWithdraw(null)
          onChanged(`Marked as entered in error; the plan was re-run. ${r.value.lifecycle.reason}`)
          return null
        }}
      >
        <p>It stays in the log and its audit trail, hidden from views and the engine, and can be restored.</p>
      </ReasonDialog>
    </section>
  )
}

/**
 * The patient's adherence over the whole history: how many closed imaging steps were on time, and
 * the median of the days from the window (the engine's figures).
 */
function PatientAdherence({ detail }: { detail: PatientDetail }) {
  const s = detail.adherence.summary
  const counted = countText(s)
  return (
    <p className="adherence-line" data-testid="patient-adherence">
      <span className="muted">Adherence:</span>{' '}
      {counted === null ? (
        'no closed imaging steps yet.'
      ) : (
        <>
          {counted} ({shareText(s.shareOnTime)}) · median {medianText(s.medianDelayDays)}
          {s.early + s.late > 0 && (
            <>
              {' '}
              · {s.early} early, {s.late} late
            </>
          )}
          .
        </>
      )}
    </p>
  )
}

/** How a study's dose was found, in words. */
export function methodText(m: string): string {
  return doseMethodLabel(m)
}

/** Enter the reader's result of a study recorded without one; the engine then re-runs. */
function ResultEntry({
  patientId,
  study,
  date,
  onChanged,
}: {
  patientId: number
  /** The study as shown: the save names its version. */
  study: StudyRecord
  date: string
  onChanged: (m: string) => void
}) {
  const [result, setResult] = useState<StudyResult | ''>('')
  const [error, setError] = useState<string | null>(null)
  const save = useSetStudyResult(patientId)
  return (
    <form
      className="timeline__result"
      aria-label={`Enter the result of the ${date} study`}
      onSubmit={async (e) => {
        e.preventDefault()
        if (result === '') return setError('Choose a result.')
        const r = await save.run({ studyId: study.id, version: study.version, result })
        if (r.ok) onChanged(`Result of the ${date} study saved; the recommendation was updated.`)
        else setError(r.error.message)
      }}
    >
      <label>
        Result
        <select value={result} onChange={(e) => setResult(e.target.value as StudyResult | '')}>
          <option value="">Choose…</option>
          {RESULT_OPTIONS.filter((o) => o.value !== '' && o.value !== 'not-read-yet').map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button">
        Save result
      </button>
      {error && (
        <span className="field__error" role="alert">
          {error}
        </span>
      )}
    </form>
  )
}
