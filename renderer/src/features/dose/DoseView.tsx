import { useId, useState } from 'react'
import type { DoseView as DoseData, StudyRecord } from '../../../../electron/contract/contract'
import type { DoseProjection } from '../../../../engine'
import type { Modality, StudyDoseEstimate } from '../../../../engine'
import { procedureShortName } from '../../domain/labels'
import { ledgerCsv, ledgerFileName } from './csv'
import { DoseChart } from './DoseChart'
import {
  flagText,
  intervalText,
  K_FACTOR_SET_LABELS,
  methodWords,
  MODALITY_ORDER,
  modalitySlug,
  msvShort,
  msvText,
  rangeText,
  recordedIndices,
  sourceTitle,
  sourceUrl,
  workingOf,
} from './doseText'
import { call } from '../../api'
import { downloadText } from '../export/save'

interface Props {
  /** The patient whose ledger this is: the export is recorded in the audit trail (`audit.noteExport`). */
  patientId?: number
  dose: DoseData
  /** The patient's stored studies, oldest first (the ledger's `index` points into this list). */
  studies: readonly StudyRecord[]
  mrn: string
  /** The patient's name: written into the CSV only when the person ticks the option. */
  name: string
  today: string
  /** Opens the Settings screen, where the dose conversion settings (for every patient) are changed. */
  onOpenSettings: () => void
}

/**
 * The patient's radiation ledger: cumulative estimated effective dose overall and by modality, a
 * chart over time, every study with its recorded indices first and then the estimate and its
 * method, the dose avoided by MRI, what the plan adds, the conversion settings and a CSV export.
 * Nothing here feeds the recommendation: past dose never changes what the engine suggests.
 */
export function DoseView({ patientId, dose, studies, mrn, name, today, onOpenSettings }: Props) {
  const [withPatient, setWithPatient] = useState(false)
  const optionId = useId()
  const { ledger } = dose
  const ordered = [...ledger.studies].sort((a, b) =>
    a.date === b.date ? a.index - b.index : a.date < b.date ? -1 : 1,
  )
  const totalIncomplete = ledger.unknownStudies.length > 0 || ledger.incompleteStudies.length > 0
  const notCounted = studies.length - ledger.studies.length
  const needsCoefficient = ledger.studies.some((s) => s.flags.includes('coefficient-unknown'))
  const sourceKeys = [...new Set(ledger.studies.flatMap((s) => s.sources))]

  return (
    <section className="panel dose" aria-labelledby="dose-title" data-testid="dose-view">
      <div className="panel__head">
        <h2 id="dose-title">Radiation</h2>
        <span className="dose__export">
          <label className="check" htmlFor={optionId}>
            <input
              id={optionId}
              type="checkbox"
              checked={withPatient}
              onChange={(e) => setWithPatient(e.target.checked)}
            />{' '}
            with name and MRN
          </label>
          <button
            type="button"
            className="button"
            disabled={ledger.studies.length === 0}
            onClick={() => {
              const fileName = ledgerFileName(mrn, today)
              downloadText(fileName, ledgerCsv(dose, studies, withPatient ? { name, mrn } : null))
              if (patientId !== undefined)
                void call('audit.noteExport', { what: 'dose-csv', patientId, fileName })
            }}
          >
            Export CSV
          </button>
        </span>
      </div>
      <p className="dose__honesty" data-testid="dose-honesty">
        Effective dose is a population estimate for a reference adult, worked out from the recorded indices
        with published coefficients; it is not this patient’s risk. The recorded indices are the record. Past
        dose never blocks or changes a recommendation.
      </p>

      <p className="dose__total" data-testid="dose-total">
        <span className="dose__total-value">{msvText(ledger.cumulativeMsv, totalIncomplete)}</span>{' '}
        <span>
          estimated effective dose, {ledger.studies.length}{' '}
          {ledger.studies.length === 1 ? 'study' : 'studies'}
        </span>{' '}
        <Marks estimated={ledger.estimated} incomplete={totalIncomplete} />
      </p>
      {ledger.unknownStudies.length > 0 && (
        <p className="dose__warn">
          {ledger.unknownStudies.length} {ledger.unknownStudies.length === 1 ? 'study has' : 'studies have'}{' '}
          no estimate and {ledger.unknownStudies.length === 1 ? 'is' : 'are'} not in the total.
        </p>
      )}
      {notCounted > 0 && (
        <p className="muted small">
          {notCounted} {notCounted === 1 ? 'study is' : 'studies are'} dated after today and not counted yet.
        </p>
      )}

      <DoseChart ledger={ledger} today={today} />
      <ByModality ledger={ledger.studies} byModality={ledger.byModality} />

      <div className="dose__table-wrap">
        <table className="table dose__table" data-testid="dose-ledger">
          <caption>Studies, oldest first: what was recorded, then the estimate and how it was made</caption>
          <thead>
            <tr>
              <th scope="col">Study</th>
              <th scope="col">Recorded indices</th>
              <th scope="col">Estimate</th>
            </tr>
          </thead>
          <tbody>
            {ordered.length === 0 && (
              <tr>
                <td colSpan={3} className="muted">
                  No studies recorded.
                </td>
              </tr>
            )}
            {ordered.map((e) => (
              <LedgerRow key={e.index} e={e} study={studies[e.index]} dose={dose} />
            ))}
          </tbody>
        </table>
      </div>

      <Avoided avoided={dose.avoided} />
      <Projection projection={dose.projection} />

      {sourceKeys.length > 0 && (
        <details className="dose__details">
          <summary>Coefficients and their sources</summary>
          <ul className="dose__sources">
            {sourceKeys.map((k) => {
              const url = sourceUrl(k)
              return (
                <li key={k}>
                  {url ? (
                    <a href={url} target="_blank" rel="noreferrer noopener" title={url}>
                      {sourceTitle(k)}
                    </a>
                  ) : (
                    sourceTitle(k)
                  )}
                </li>
              )
            })}
          </ul>
        </details>
      )}

      <div className="dose__settings" data-testid="dose-settings-summary">
        <p className={needsCoefficient ? 'dose__warn' : 'muted small'}>
          Conversion settings (for every patient): {K_FACTOR_SET_LABELS[dose.kFactors]} k-factors; Cu-64
          DOTATATE coefficient{' '}
          {dose.cu64DotatateMsvPerMbq === null ? 'not set' : `${dose.cu64DotatateMsvPerMbq} mSv/MBq`}.
        </p>
        <button type="button" className="button button--quiet" onClick={onOpenSettings}>
          Change in Settings
        </button>
      </div>
    </section>
  )
}

function Marks({ estimated, incomplete }: { estimated: boolean; incomplete: boolean }) {
  return (
    <>
      {estimated && (
        <span
          className="badge"
          title="A typical value, default or assumption stood in for something not recorded"
        >
          estimated
        </span>
      )}
      {incomplete && (
        <span
          className="badge badge--incomplete"
          title="Part of the dose is unknown and not counted: the figure is a lower bound"
        >
          incomplete
        </span>
      )}
    </>
  )
}

function ByModality({
  ledger,
  byModality,
}: {
  ledger: readonly StudyDoseEstimate[]
  byModality: Record<Modality, number>
}) {
  return (
    <ul className="dose__modalities" aria-label="Cumulative estimated effective dose by modality">
      {MODALITY_ORDER.map((m) => {
        const of = ledger.filter((s) => s.modality === m)
        const incomplete = of.some((s) => s.msv === null || s.incomplete)
        return (
          <li
            key={m}
            className={of.length ? undefined : 'muted'}
            data-testid={`dose-modality-${modalitySlug(m)}`}
          >
            <span
              className={`dose-swatch dose-swatch--${modalitySlug(m)}${byModality[m] > 0 ? '' : ' dose-swatch--none'}`}
              aria-hidden="true"
            />
            <span className="dose__modality-name">{m}</span>{' '}
            {of.length === 0 ? (
              <span>no studies</span>
            ) : (
              <>
                <span className="mono">{msvText(byModality[m], incomplete)}</span>{' '}
                <Marks estimated={of.some((s) => s.estimated)} incomplete={incomplete} />
              </>
            )}
          </li>
        )
      })}
    </ul>
  )
}

function LedgerRow({
  e,
  study,
  dose,
}: {
  e: StudyDoseEstimate
  study: StudyRecord | undefined
  dose: DoseData
}) {
  const indices = recordedIndices(study, e.modality)
  const ionising = e.method !== 'non-ionizing'
  const how = methodWords(e, workingOf(dose, e), dose.kFactors, study?.dose.dlpMgyCm ?? null)
  return (
    <tr data-testid="dose-row" data-method={e.method}>
      <th scope="row" className="dose__study">
        <span className="mono dose__date">{e.date}</span>
        <span>{procedureShortName(e.procedure)}</span>
        <span className="dose__modality-tag">{e.modality}</span>
      </th>
      <td className="dose__indices" data-testid="dose-indices">
        {indices.length ? (
          <ul>
            {indices.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        ) : (
          <span className="muted">{ionising ? 'none recorded' : '—'}</span>
        )}
      </td>
      <td className="dose__estimate" data-testid="dose-estimate">
        <span className="dose__msv mono" data-testid="dose-msv">
          {e.msv === null ? 'not estimated' : msvText(e.msv, e.incomplete)}
        </span>{' '}
        <Marks estimated={e.estimated} incomplete={e.incomplete && e.msv !== null} />
        {e.msv !== null && <span className="dose__method">{how.method}</span>}
        {how.steps.length > 0 && (
          <ul className="dose__steps">
            {how.steps.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ul>
        )}
        {e.flags.length > 0 && (
          <ul className="dose__flags">
            {e.flags.map((f) => (
              <li key={f} className={f === 'coefficient-unknown' ? 'dose__flag--ask' : undefined}>
                {flagText(f, e)}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  )
}

function Avoided({ avoided }: { avoided: DoseData['avoided'] }) {
  const n = avoided.studies.length
  return (
    <section className="dose__sub" aria-labelledby="dose-avoided-title">
      <h3 id="dose-avoided-title">Dose avoided</h3>
      {n === 0 ? (
        <p data-testid="dose-avoided">
          None counted yet.{' '}
          <span className="muted">
            Each MRI of the abdomen and pelvis done while CT was also usually appropriate counts as one
            typical CT avoided.
          </span>
        </p>
      ) : (
        <p data-testid="dose-avoided">
          About <strong>{msvShort(avoided.msv)} mSv</strong> avoided (an estimate from typical values):{' '}
          {avoided.pairs
            .map((p) => {
              const count = avoided.studies.filter((s) => s.procedure === p.done).length
              return `${count} ${procedureShortName(p.done)} ${count === 1 ? 'study' : 'studies'} done while ${procedureShortName(p.instead)} was also usually appropriate, each counted as one typical ${msvShort(p.perStudyMsv)} mSv`
            })
            .join('; ')}
          .
        </p>
      )}
    </section>
  )
}

function projectedMsv(p: DoseProjection): string {
  if (p.totalMsv === null) return 'unknown'
  return `${p.incomplete ? 'at least ' : ''}${rangeText(p.totalMsv, msvShort)} mSv`
}

function Projection({ projection }: { projection: DoseData['projection'] }) {
  const { plan, mri, ct, years } = projection
  return (
    <section className="dose__sub" aria-labelledby="dose-projection-title">
      <h3 id="dose-projection-title">Next {years} years</h3>
      {plan ? (
        <p data-testid="dose-plan">
          The current plan, {procedureShortName(plan.procedure)} {intervalText(plan.intervalMonths)}, means{' '}
          {rangeText(plan.studies)} more {plan.studies.max === 1 ? 'study' : 'studies'} adding about{' '}
          <strong>{projectedMsv(plan)}</strong> (typical values
          {plan.incomplete ? '; the CT part of each study is not known in advance' : ''}).
        </p>
      ) : (
        <p data-testid="dose-plan">The current recommendation schedules no imaging.</p>
      )}
      <table className="table dose__compare" data-testid="dose-projection">
        <caption>
          MRI versus CT of the abdomen and pelvis, {intervalText(mri.intervalMonths)} for {years} years
        </caption>
        <thead>
          <tr>
            <th scope="col">Study</th>
            <th scope="col">Studies</th>
            <th scope="col">Estimated dose</th>
          </tr>
        </thead>
        <tbody>
          {[mri, ct].map((p) => (
            <tr key={p.procedure} data-testid="dose-projection-row">
              <th scope="row">{procedureShortName(p.procedure)}</th>
              <td className="mono">{rangeText(p.studies)}</td>
              <td className="mono">
                {projectedMsv(p)}
                {p.perStudyMsv !== null && p.perStudyMsv > 0 && (
                  <span className="muted small"> ({msvShort(p.perStudyMsv)} mSv each)</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
