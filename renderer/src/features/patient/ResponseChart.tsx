import type { RecistAssessment, RecistCategory } from '../../../../engine'
import { growthText, responseGeometry, responseSeries, type ResponsePoint } from './response'

const CATEGORY_WORDS: Record<RecistCategory, string> = {
  CR: 'complete response',
  PR: 'partial response',
  SD: 'stable disease',
  PD: 'progressive disease',
  NE: 'not evaluable',
}

const pct = (x: number | null): string => (x === null ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(1)} %`)

function pointLabel(p: ResponsePoint): string {
  if (p.baseline) return 'baseline'
  return p.category ?? '—'
}

/**
 * Response over time: the sum of target-lesion diameters at each RECIST 1.1 timepoint of the
 * current line of treatment, with its category, the baseline (a dashed line) and the nadir (a
 * ring) marked, and the tumour growth rate of each interval on the segment. Hand-written SVG like
 * the dose chart; for screen readers the SVG is one image with a summary, and the table below is
 * the full text version (every timepoint, sum, category, change and growth rate).
 */
export function ResponseChart({ assessment }: { assessment: RecistAssessment | null }) {
  const s = assessment ? responseSeries(assessment) : null
  if (!s) return null
  const measured = s.points.filter((p) => p.sumMm !== null)
  const last = s.points[s.points.length - 1]!
  const summary =
    `Chart of the sum of target-lesion diameters from ${s.points[0]!.date} to ${last.date}: ` +
    `baseline ${s.baseline.sumMm ?? '—'} mm on ${s.baseline.date}` +
    (s.nadir ? `, nadir ${s.nadir.sumMm} mm on ${s.nadir.date}` : '') +
    `, latest ${last.sumMm === null ? 'not measured' : `${last.sumMm} mm`} (${last.category ? CATEGORY_WORDS[last.category] : 'baseline'}).` +
    ' The table lists every timepoint.'

  return (
    <section className="panel response" aria-labelledby="response-title" data-testid="response-chart">
      <h2 id="response-title">Response over time</h2>
      <p className="muted small">
        RECIST 1.1, current line of treatment: compared with the baseline of {s.baseline.date}; progression is
        measured from the nadir.
      </p>
      {s.nonTargetOnly || measured.length === 0 ? (
        <p className="muted" data-testid="response-no-sum">
          No measurable target lesion at baseline: the response follows the non-target lesions, so there is no
          sum of diameters to chart.
        </p>
      ) : (
        <Chart points={s.points} baselineMm={s.baseline.sumMm} summary={summary} series={s} />
      )}
      <table className="table response__table" data-testid="response-table">
        <caption>RECIST 1.1 by timepoint</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Sum of diameters</th>
            <th scope="col">Category</th>
            <th scope="col">From baseline</th>
            <th scope="col">From nadir</th>
            <th scope="col">Growth rate</th>
          </tr>
        </thead>
        <tbody>
          {s.points.map((p) => (
            <tr key={p.date} data-testid="response-row">
              <th scope="row" className="mono">
                {p.date}
                {p.baseline && <span className="badge">baseline</span>}
                {p.nadir && <span className="badge">nadir</span>}
              </th>
              <td className="mono">{p.sumMm === null ? 'not measured' : `${p.sumMm} mm`}</td>
              <td>
                {p.category ? `${p.category} (${CATEGORY_WORDS[p.category]})` : '—'}
                {p.category === 'NE' && p.unmeasured.length > 0 && (
                  <div className="muted small">not assessed: {p.unmeasured.join(', ')}</div>
                )}
              </td>
              <td className="mono">{p.baseline ? '—' : pct(p.changeFromBaselinePct)}</td>
              <td className="mono">{p.baseline ? '—' : pct(p.changeFromNadirPct)}</td>
              <td className="mono">
                {p.tgrPctPerMonth === null ? (
                  '—'
                ) : (
                  <>
                    {growthText(p.tgrPctPerMonth)}
                    <div className="muted small"> since {p.tgrFromDate}</div>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

function Chart({
  points,
  baselineMm,
  summary,
  series,
}: {
  points: ResponsePoint[]
  baselineMm: number | null
  summary: string
  series: Parameters<typeof responseGeometry>[0]
}) {
  const g = responseGeometry(series)
  const measured = points.filter((p) => p.sumMm !== null)
  const line = measured.map((p) => `${g.x(p.date).toFixed(1)},${g.y(p.sumMm!).toFixed(1)}`).join(' ')
  return (
    <figure className="response-chart">
      <svg
        className="response-chart__svg"
        viewBox={`0 0 ${g.width} ${g.height}`}
        width={g.width}
        height={g.height}
        role="img"
        aria-label={summary}
        data-testid="response-svg"
      >
        {g.yTicks.map((t) => (
          <g key={t}>
            <line className="dose-chart__grid" x1={g.plot.left} x2={g.plot.right} y1={g.y(t)} y2={g.y(t)} />
            <text className="dose-chart__label" x={g.plot.left - 6} y={g.y(t) + 4} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        <text className="dose-chart__label" x={4} y={12}>
          mm (sum of target diameters)
        </text>
        {baselineMm !== null && (
          <g data-testid="response-baseline">
            <line
              className="response-chart__baseline"
              x1={g.plot.left}
              x2={g.plot.right}
              y1={g.y(baselineMm)}
              y2={g.y(baselineMm)}
            />
            <text className="dose-chart__label" x={g.plot.right} y={g.y(baselineMm) - 4} textAnchor="end">
              baseline {baselineMm} mm
            </text>
          </g>
        )}
        <polyline className="response-chart__line" points={line} />
        {measured.slice(1).map((p, i) => {
          const prev = measured[i]!
          if (p.tgrPctPerMonth === null) return null
          const x = (g.x(prev.date) + g.x(p.date)) / 2
          const y = (g.y(prev.sumMm!) + g.y(p.sumMm!)) / 2
          return (
            <text
              key={`tgr-${p.date}`}
              className="dose-chart__label response-chart__tgr"
              x={x}
              y={y + 14}
              textAnchor="middle"
              data-testid="response-tgr"
            >
              {growthText(p.tgrPctPerMonth)}
            </text>
          )
        })}
        {points.map((p) => {
          const x = g.x(p.date)
          if (p.sumMm === null) {
            return (
              <text
                key={p.date}
                className="dose-chart__label"
                x={x}
                y={g.plot.bottom - 4}
                textAnchor="middle"
              >
                NE
              </text>
            )
          }
          const y = g.y(p.sumMm)
          return (
            <g key={p.date} data-testid="response-point" data-category={p.category ?? 'baseline'}>
              {p.nadir && <circle className="response-chart__nadir" cx={x} cy={y} r={8} />}
              <circle
                className={`response-chart__point response-chart__point--${(p.category ?? 'baseline').toLowerCase()}`}
                cx={x}
                cy={y}
                r={4}
              />
              <text className="response-chart__category" x={x} y={y - 12} textAnchor="middle">
                {pointLabel(p)}
                {p.nadir ? ' · nadir' : ''}
              </text>
            </g>
          )
        })}
        <line
          className="dose-chart__axis"
          x1={g.plot.left}
          x2={g.plot.right}
          y1={g.plot.bottom}
          y2={g.plot.bottom}
        />
        {points.map((p) => (
          <text
            key={`d-${p.date}`}
            className="dose-chart__label"
            x={g.x(p.date)}
            y={g.height - 8}
            textAnchor="middle"
          >
            {p.date.slice(0, 7)}
          </text>
        ))}
      </svg>
    </figure>
  )
}
