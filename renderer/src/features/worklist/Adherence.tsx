import { errorText } from '../../data/fetch'
import { useAdherence } from '../../data/queries'
import {
  ADHERENCE_PERIODS,
  countText,
  medianText,
  periodRange,
  shareText,
  timingText,
  WITHIN_HEALTH_TEXT,
  type AdherencePeriod,
} from '../../domain/adherence'

interface Props {
  today: string
  period: AdherencePeriod
  onPeriod: (period: AdherencePeriod) => void
  onOpen: (patientId: number) => void
}

const isPeriod = (v: string): v is AdherencePeriod => ADHERENCE_PERIODS.some((p) => p.id === v)

/**
 * How the closed imaging steps of the whole log were kept, over a period of study dates: the share
 * done on time and the median delay (the engine's figures), with how we count and where that
 * differs from Within Health's published adherence window.
 */
export function Adherence({ today, period, onPeriod, onOpen }: Props) {
  const range = periodRange(period, today)
  const report = useAdherence(range)
  const s = report.data?.summary
  const items = report.data?.items ?? []
  return (
    <section className="panel adherence" aria-labelledby="adherence-title" data-testid="adherence">
      <div className="panel__head">
        <h2 id="adherence-title">Adherence</h2>
        <label className="inline-label">
          Studies dated
          <select
            value={period}
            onChange={(e) => isPeriod(e.target.value) && onPeriod(e.target.value)}
            data-testid="adherence-period"
          >
            {ADHERENCE_PERIODS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {report.error && <p role="alert">{errorText(report.error)}</p>}
      {!s && !report.error && <p className="muted">Loading…</p>}
      {s && s.steps === 0 && (
        <p data-testid="adherence-empty">
          No closed imaging steps in this period
          {period === 'all' ? '' : ` (studies dated ${range.from} to ${range.to})`}: nothing to count yet.
        </p>
      )}
      {s && s.steps > 0 && (
        <dl className="figures" data-testid="adherence-figures">
          <div className="figure">
            <dt>On time</dt>
            <dd className="figure__value" data-testid="adherence-share">
              {shareText(s.shareOnTime)}
            </dd>
            <dd className="figure__note">{countText(s)}</dd>
          </div>
          <div className="figure">
            <dt>Median delay</dt>
            <dd className="figure__value" data-testid="adherence-median">
              {medianText(s.medianDelayDays)}
            </dd>
            <dd className="figure__note">from the window’s nearer end</dd>
          </div>
          <div className="figure">
            <dt>Early · late</dt>
            <dd className="figure__value" data-testid="adherence-early-late">
              {s.early} early · {s.late} late
            </dd>
            <dd className="figure__note">of {s.steps} counted</dd>
          </div>
          <div className="figure">
            <dt>Within Health’s {WITHIN_HEALTH_TEXT}</dt>
            <dd className="figure__value" data-testid="adherence-within-health">
              {shareText(s.shareWithinHealthWindow)}
            </dd>
            <dd className="figure__note">around the window’s opening, for comparison</dd>
          </div>
        </dl>
      )}
      {items.length > 0 && (
        <details className="history" data-testid="adherence-steps">
          <summary>
            The closed imaging steps (
            {s && s.steps > items.length ? `newest ${items.length} of ${s.steps}` : items.length})
          </summary>
          <table className="table adherence__table">
            <thead>
              <tr>
                <th scope="col">Patient</th>
                <th scope="col">MRN</th>
                <th scope="col">Window in force</th>
                <th scope="col">Study</th>
                <th scope="col">Timing</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.itemId} data-testid="adherence-step">
                  <td>
                    <button className="link" onClick={() => onOpen(i.patientId)}>
                      {i.name}
                    </button>
                  </td>
                  <td className="mono">{i.mrn}</td>
                  <td className="mono">
                    {i.window.from} – {i.window.to}
                  </td>
                  <td className="mono">{i.studyDate}</td>
                  <td>
                    <span className={`timing timing--${i.timing.timeliness}`}>{timingText(i.timing)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      <details className="history">
        <summary>How these figures are counted</summary>
        <ul className="adherence__rules">
          <li>
            Counted: each imaging step closed by its study (recorded here or done elsewhere) whose study is
            dated in the period. Cancelled or superseded steps, and studies marked as entered in error, are
            not counted.
          </li>
          <li>
            On time: the study falls inside the window in force (the radiologist’s, if changed, else the
            guideline’s), both ends included. Early or late: by the days before the window opened or after it
            closed. The median takes on-time steps as 0 days.
          </li>
          <li>
            Within Health’s adherence window is {WITHIN_HEALTH_TEXT} around one recommended date. Ours is the
            guideline’s window (e.g. 6–12 months), so a study anywhere in it is on time; the “Within Health”
            figure counts the {WITHIN_HEALTH_TEXT} around the window’s opening, as a stand-in for their date.
          </li>
          <li>A deferral opens a new window: a study in the deferred window is on time.</li>
          <li>
            Within Health also reports a closed-loop rate; we show none. Here every patient always has an open
            next step or a recorded reason for leaving surveillance, so no step is closed without a successor
            or a reason: the patients who left are under “Left surveillance”, each with why, who and when.
          </li>
        </ul>
      </details>
    </section>
  )
}
