import type { CurrentRecommendation, StoredEvaluation } from '../../../../electron/contract/contract'
import { NEXT_ACTION_LABELS } from '../../../../engine'
import { alertsOf } from '../../domain/alerts'
import {
  PACK,
  procedureName,
  ratingLabel,
  variantLabel,
  variantTitle,
  windowStatus,
} from '../../domain/labels'

const ACTION_TEXT = NEXT_ACTION_LABELS

function Source({
  sourceKey,
  sources,
  short = false,
}: {
  sourceKey: string | null
  sources: StoredEvaluation['sources']
  short?: boolean
}) {
  if (!sourceKey) return <span className="muted">—</span>
  // The sources as stored with the recommendation, not the current pack's.
  const s = sources[sourceKey]
  if (!s) return <span>{sourceKey}</span>
  const label = `${s.title}${s.kind !== 'seen' && s.kind !== 'seed' ? ` (${s.kind})` : ''}`
  if (short) {
    return s.url ? (
      <a href={s.url} target="_blank" rel="noreferrer noopener" title={label}>
        source
      </a>
    ) : (
      <span title={label}>{s.kind}</span>
    )
  }
  return s.url ? (
    <a href={s.url} target="_blank" rel="noreferrer noopener" title={s.url}>
      {label}
    </a>
  ) : (
    <span>{label}</span>
  )
}

/** The current recommendation: variant, next step, alerts, ratings, RECIST and every reason with its source. */
export function RecommendationPanel({ rec, today }: { rec: CurrentRecommendation; today: string }) {
  const e = rec.output
  const status = e.next.due ? windowStatus(e.next.due, today) : null
  return (
    <section className="panel recommendation" aria-labelledby="rec-title" data-testid="recommendation">
      <div className="panel__head">
        <h2 id="rec-title">Recommendation</h2>
        <span className="muted small">
          {rec.packId} {rec.packVersion} · evaluated for {rec.asOf}
        </span>
      </div>
      <p className="variant">
        <strong>{variantLabel(e.variant)}</strong>
        <span className="muted"> — {variantTitle(e.variant)}</span>
      </p>
      {e.variantReasons.length > 0 && (
        <ul className="reasons">
          {e.variantReasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      )}

      <div className="next" data-testid="next-step">
        <div className="next__action">{ACTION_TEXT[e.next.action]}</div>
        {e.next.procedure && (
          <div className="next__procedure" data-testid="next-procedure">
            {procedureName(e.next.procedure)}
          </div>
        )}
        {e.next.intervalMonths && (
          <div data-testid="next-interval">
            in {e.next.intervalMonths.min}–{e.next.intervalMonths.max} months
            {e.next.anchor && <span className="muted"> from {e.next.anchor.date}</span>}
          </div>
        )}
        {e.next.due && (
          <div className="mono" data-testid="next-due">
            due {e.next.due.from} – {e.next.due.to}{' '}
            {status && <span className={`status status--${status.status}`}>{status.label}</span>}
          </div>
        )}
        {e.next.alternatives.length > 0 && (
          <div className="muted">
            {e.next.action === 'image' ? 'Alternatives' : 'Options'}:{' '}
            {e.next.alternatives.map((p) => procedureName(p)).join('; ')}
          </div>
        )}
        {(e.next.additions ?? []).length > 0 && (
          <div className="muted" data-testid="next-additions">
            May be added: {(e.next.additions ?? []).map((p) => procedureName(p)).join('; ')}
          </div>
        )}
      </div>

      {e.alerts.length > 0 && (
        <ul className="alerts" aria-label="Alerts" data-testid="alerts">
          {alertsOf(e).map((a) => (
            <li key={a.code} className={`alert alert--${a.tone}`} data-code={a.code}>
              {a.text}
            </li>
          ))}
        </ul>
      )}

      {e.response && (
        <p data-testid="recist">
          RECIST 1.1 ({e.response.date}): <strong>{e.response.category}</strong>
          {e.response.category === 'NE' && !e.response.baselineOnly && (
            <span data-testid="recist-ne">
              {' '}
              — not evaluable:{' '}
              {e.response.targetResponse === 'NE'
                ? 'a target lesion was not measured at this study, so the sum of diameters cannot be compared.'
                : 'not every lesion followed was assessed at this study.'}{' '}
              The next study that measures them is compared with the baseline.
            </span>
          )}
          {e.response.category === 'NE' && e.response.baselineOnly && (
            <span className="muted"> — baseline: later studies are compared with it</span>
          )}
          {e.response.sumMm !== null && <> · sum {e.response.sumMm} mm</>}
          {e.response.changeFromBaselinePct !== null && (
            <> · {fmtPct(e.response.changeFromBaselinePct)} from baseline</>
          )}
          {e.response.changeFromNadirPct !== null && (
            <> · {fmtPct(e.response.changeFromNadirPct)} from nadir</>
          )}
          {e.response.tgrPctPerMonth !== null && (
            <> · growth rate {e.response.tgrPctPerMonth.toFixed(1)} %/month</>
          )}
        </p>
      )}

      <table className="table ratings" data-testid="ratings">
        <caption>Studies rated for this variant</caption>
        <thead>
          <tr>
            <th scope="col">Study</th>
            <th scope="col">Rating</th>
            <th scope="col">Radiation</th>
            <th scope="col">Provenance</th>
          </tr>
        </thead>
        <tbody>
          {e.ratings.map((r) => (
            <tr key={r.procedure} className={r.rating === 'not-loaded' ? 'muted' : undefined}>
              <td>{procedureName(r.procedure)}</td>
              <td className={`rating rating--${r.rating}`}>{ratingLabel(r.rating)}</td>
              <td title={rrlBand(r.rrl)}>{r.rrl ?? '—'}</td>
              <td>
                {r.provenance} {r.source && <Source sourceKey={r.source} sources={e.sources} short />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <details className="rationale" open>
        <summary>Why (every step with its source)</summary>
        <ol>
          {e.rationale.map((r, i) => (
            <li key={i}>
              {r.text}{' '}
              <span className="source">
                — <Source sourceKey={r.source} sources={e.sources} />
              </span>
            </li>
          ))}
        </ol>
      </details>
    </section>
  )
}

function fmtPct(x: number): string {
  return `${x > 0 ? '+' : ''}${x.toFixed(1)} %`
}

function rrlBand(level: string | null): string {
  if (!level) return 'Relative radiation level not given'
  const band = PACK.rrlBands.find((b) => b.level === level)
  if (!band) return level
  const range =
    band.adultMaxMsv === null ? `${band.adultMinMsv}+ mSv` : `${band.adultMinMsv}–${band.adultMaxMsv} mSv`
  return `Relative radiation level ${level}: adult ${range} (a population range, not this patient's dose)`
}
