import { useState } from 'react'
import type { CurrentRecommendation, PatientDetail } from '../../../../electron/contract/contract'
import { assessRecist, NEXT_ACTION_LABELS, type RecistTimepoint } from '../../../../engine'
import { call } from '../../api'
import { errorText } from '../../data/fetch'
import { usePatientDetail } from '../../data/queries'
import { bornText } from '../../domain/age'
import { alertsOf } from '../../domain/alerts'
import { toCaseStudies } from '../../domain/caseOf'
import {
  formatMsv,
  procedureName,
  reasonText,
  OVERRIDE_REASON_LABELS,
  variantTitle,
  windowStatus,
} from '../../domain/labels'
import { methodWords, msvText, recordedIndices, workingOf } from '../dose/doseText'

interface Props {
  patientId: number
  today: string
  transport: 'electron' | 'web'
  onBack: () => void
}

const pct = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(1)} %`)
const mm = (x: number | null) => (x === null ? '—' : `${x} mm`)

/**
 * One patient's follow-up on paper: the plan, every reason with its source, the lesion table with
 * RECIST 1.1 and the growth rate, the dose history and the guideline version. The print
 * stylesheet (styles.css, `@media print`) gives a light page without the app's bars and buttons;
 * *Save as PDF* is Electron's printToPDF in the desktop app and the browser's print dialog here.
 */
export function FollowUpSheet({ patientId, today, transport, onBack }: Props) {
  const { data: detail, error } = usePatientDetail(patientId)
  const [note, setNote] = useState<string | null>(null)
  if (error) return <p role="alert">{errorText(error)}</p>
  if (!detail) return <p className="muted">Loading…</p>
  const { patient } = detail
  const rec = detail.current
  const fileName = `pnet-followup-sheet_${patient.mrn.replace(/[^A-Za-z0-9.-]/g, '_')}_${today}.pdf`

  // The print dialog does not say whether the page was printed: asking for it is recorded.
  const print = () => {
    void call('audit.noteExport', { what: 'sheet-print', patientId, fileName: null })
    window.print()
  }
  const savePdf = async () => {
    if (transport !== 'electron') {
      print()
      return
    }
    const r = await call('app.savePdf', { fileName })
    if (r.ok && 'file' in r.value)
      void call('audit.noteExport', {
        what: 'sheet-pdf',
        patientId,
        fileName: r.value.file.split(/[\\/]/).pop() ?? null,
      })
    setNote(r.ok ? ('file' in r.value ? `Saved ${r.value.file}.` : null) : r.error.message)
  }

  return (
    <article className="sheet" aria-labelledby="sheet-title" data-testid="follow-up-sheet">
      <div className="sheet__tools no-print">
        <button className="button button--quiet" onClick={onBack}>
          ← Patient
        </button>
        <button className="button" onClick={print}>
          Print…
        </button>
        <button className="button button--primary" onClick={() => void savePdf()}>
          Save as PDF
        </button>
        {transport !== 'electron' && (
          <span className="muted small">
            In the browser, Save as PDF opens the print dialog: choose “Save as PDF”.
          </span>
        )}
        {note && (
          <span role="status" className="notice">
            {note}
          </span>
        )}
      </div>

      <header className="sheet__head">
        <h2 id="sheet-title">pNET follow-up sheet</h2>
        <p>
          <strong data-testid="sheet-patient">{patient.name}</strong> · MRN {patient.mrn} ·{' '}
          {bornText(patient.birthDate, today)}
          {patient.isDemo ? ' · demo patient' : ''}
        </p>
        <p className="muted small">
          Printed {today}
          {rec ? ` · recommendation of ${rec.asOf}` : ''} · guideline pack{' '}
          <span data-testid="sheet-guideline">
            {rec ? `${rec.packId} version ${rec.packVersion}` : 'none (no recommendation yet)'}
          </span>
        </p>
      </header>

      <Plan detail={detail} rec={rec} today={today} />
      {rec && <Reasons rec={rec} />}
      <Lesions detail={detail} />
      <Doses detail={detail} />
      <p className="muted small sheet__foot">
        This sheet supports the radiologist’s decision; it does not replace it. Effective dose is a population
        estimate for a reference adult, not this patient’s risk.
      </p>
    </article>
  )
}

function Plan({
  detail,
  rec,
  today,
}: {
  detail: PatientDetail
  rec: CurrentRecommendation | null
  today: string
}) {
  const item = detail.items.find((i) => i.status === 'scheduled') ?? null
  const e = rec?.output ?? null
  const due = item ? (item.override?.due ?? item.due) : (e?.next.due ?? null)
  const procedure = item ? (item.override?.procedure ?? item.procedure) : (e?.next.procedure ?? null)
  return (
    <section className="sheet__section" aria-labelledby="sheet-plan">
      <h3 id="sheet-plan">Plan</h3>
      {detail.exit ? (
        <p>Left surveillance on {detail.exit.date}.</p>
      ) : (
        <dl className="facts">
          <dt>Variant</dt>
          <dd>{variantTitle(e?.variant ?? null)}</dd>
          <dt>Next step</dt>
          <dd data-testid="sheet-next">
            {e ? NEXT_ACTION_LABELS[e.next.action] : 'not evaluated yet'}
            {procedure ? `: ${procedureName(procedure)}` : ''}
            {item && !procedure ? `: ${item.reason}` : ''}
          </dd>
          <dt>Due</dt>
          <dd data-testid="sheet-due">
            {due ? `${due.from} – ${due.to} (${windowStatus(due, today).label})` : '—'}
          </dd>
          {item?.override && (
            <>
              <dt>Changed by the radiologist</dt>
              <dd>
                {reasonText(
                  OVERRIDE_REASON_LABELS[item.override.reasonCode],
                  item.override.reasonCode,
                  item.override.text,
                )}
              </dd>
            </>
          )}
          {e && e.alerts.length > 0 && (
            <>
              <dt>Alerts</dt>
              <dd>
                {alertsOf(e)
                  .map((a) => a.text)
                  .join(' · ')}
              </dd>
            </>
          )}
        </dl>
      )}
    </section>
  )
}

function Reasons({ rec }: { rec: CurrentRecommendation }) {
  const e = rec.output
  return (
    <section className="sheet__section" aria-labelledby="sheet-reasons">
      <h3 id="sheet-reasons">Reasons and sources</h3>
      <ol className="sheet__reasons" data-testid="sheet-reasons">
        {e.rationale.map((step, i) => {
          const s = e.sources[step.source]
          return (
            <li key={i}>
              {step.text}{' '}
              <span className="muted small">
                — {s ? s.title : step.source}
                {s?.url ? ` (${s.url})` : ''}
              </span>
            </li>
          )
        })}
      </ol>
    </section>
  )
}

function Lesions({ detail }: { detail: PatientDetail }) {
  const measured = detail.studies.filter((s) => s.lesions.length > 0)
  const assessment = measured.length
    ? assessRecist(
        toCaseStudies(detail.studies),
        detail.treatments.filter((t) => !t.enteredInError),
      )
    : null
  const byDate = new Map<string, RecistTimepoint>(assessment?.timepoints.map((t) => [t.date, t]) ?? [])
  return (
    <section className="sheet__section" aria-labelledby="sheet-lesions">
      <h3 id="sheet-lesions">Lesions (RECIST 1.1)</h3>
      {measured.length === 0 ? (
        <p className="muted">No lesion measurements recorded.</p>
      ) : (
        <table className="table sheet__table" data-testid="sheet-lesions">
          <thead>
            <tr>
              <th scope="col">Study</th>
              <th scope="col">Lesions</th>
              <th scope="col">Sum</th>
              <th scope="col">From baseline</th>
              <th scope="col">From nadir</th>
              <th scope="col">RECIST</th>
              <th scope="col">Growth rate</th>
            </tr>
          </thead>
          <tbody>
            {measured.map((s) => {
              const tp = byDate.get(s.date)
              return (
                <tr key={s.id}>
                  <td>
                    {s.date}
                    <br />
                    <span className="small">{procedureName(s.procedure)}</span>
                  </td>
                  <td className="small">
                    {s.lesions
                      .map(
                        (l) =>
                          `${l.id} ${l.organ}${l.nodal ? ' (node)' : ''}, ${l.role}: ${
                            l.diameterMm !== null ? `${l.diameterMm} mm` : (l.status ?? '—')
                          }`,
                      )
                      .join('; ')}
                  </td>
                  <td>{mm(tp?.sumMm ?? null)}</td>
                  <td>{pct(tp?.changeFromBaselinePct ?? null)}</td>
                  <td>{pct(tp?.changeFromNadirPct ?? null)}</td>
                  <td>{tp ? (tp.baselineOnly ? 'baseline' : tp.category) : '—'}</td>
                  <td>{tp?.tgrPctPerMonth != null ? `${tp.tgrPctPerMonth.toFixed(1)} %/month` : '—'}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}

function Doses({ detail }: { detail: PatientDetail }) {
  const { ledger, kFactors } = detail.dose
  const incomplete = ledger.unknownStudies.length > 0 || ledger.incompleteStudies.length > 0
  return (
    <section className="sheet__section" aria-labelledby="sheet-dose">
      <h3 id="sheet-dose">Radiation dose history</h3>
      <p data-testid="sheet-dose-total">
        Cumulative estimated effective dose: <strong>{msvText(ledger.cumulativeMsv, incomplete)}</strong> over{' '}
        {ledger.studies.length} {ledger.studies.length === 1 ? 'study' : 'studies'}
        {ledger.estimated ? ' (estimated)' : ''}.
      </p>
      {ledger.studies.length > 0 && (
        <table className="table sheet__table" data-testid="sheet-dose">
          <thead>
            <tr>
              <th scope="col">Study</th>
              <th scope="col">Recorded</th>
              <th scope="col">Estimate</th>
            </tr>
          </thead>
          <tbody>
            {ledger.studies.map((e) => {
              const study = detail.studies[e.index]
              return (
                <tr key={e.index}>
                  <td>
                    {e.date}
                    <br />
                    <span className="small">{procedureName(e.procedure)}</span>
                  </td>
                  <td className="small">{recordedIndices(study, e.modality).join('; ') || '—'}</td>
                  <td>
                    {formatMsv(e.msv, e.estimated, e.incomplete)}
                    <br />
                    <span className="small muted">
                      {
                        methodWords(e, workingOf(detail.dose, e), kFactors, study?.dose.dlpMgyCm ?? null)
                          .method
                      }
                    </span>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}
