import type { DoseLedger, IsoDate } from '../../../../engine'
import { modalitySlug, msvNumber, msvText } from './doseText'
import { bandPath, cumulativeSeries, geometry, stackBands, stackedModalities, timeTicks } from './series'

interface Props {
  ledger: DoseLedger
  today: IsoDate
}

/**
 * Cumulative estimated effective dose over time, stacked by modality: a step rises on each study
 * date. Hand-written SVG at a fixed aspect ratio; colours come from the theme (styles.css). For
 * screen readers the SVG is one image with a summary; the ledger table is the full text version.
 */
export function DoseChart({ ledger, today }: Props) {
  const points = cumulativeSeries(ledger)
  const modalities = stackedModalities(points)
  if (!modalities.length) {
    return (
      <p className="muted" data-testid="dose-chart-empty">
        No ionising dose recorded yet, so there is nothing to chart.
      </p>
    )
  }
  const bands = stackBands(points, modalities)
  const g = geometry(points, today)
  const last = points[points.length - 1]!
  const incomplete = ledger.incompleteStudies.length > 0 || ledger.unknownStudies.length > 0
  const label =
    `Chart of cumulative estimated effective dose, stacked by modality, from ${points[0]!.date} to ${last.date}: ` +
    `${msvText(last.totalUsv / 1000, incomplete)} in total` +
    ` (${modalities.map((m) => `${m} ${msvNumber(last.usv[m] / 1000)} mSv`).join(', ')}).` +
    (ledger.unknownStudies.length
      ? ` ${ledger.unknownStudies.length} ${ledger.unknownStudies.length === 1 ? 'study has' : 'studies have'} no estimate and ${ledger.unknownStudies.length === 1 ? 'is' : 'are'} not counted.`
      : '') +
    ' The table of studies lists every value.'

  return (
    <figure className="dose-chart">
      <svg
        className="dose-chart__svg"
        viewBox={`0 0 ${g.width} ${g.height}`}
        width={g.width}
        height={g.height}
        role="img"
        aria-label={label}
        data-testid="dose-chart"
      >
        {g.yTicks.map((t) => (
          <g key={t}>
            <line className="dose-chart__grid" x1={g.plot.left} x2={g.plot.right} y1={g.y(t)} y2={g.y(t)} />
            <text className="dose-chart__label" x={g.plot.left - 6} y={g.y(t) + 4} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        <text className="dose-chart__label" x={4} y={11}>
          mSv (estimated, cumulative)
        </text>
        {bands.map((b) => (
          <path
            key={b.modality}
            className={`dose-band dose-band--${modalitySlug(b.modality)}`}
            d={bandPath(b, points, g)}
            data-testid="dose-band"
            data-modality={b.modality}
          />
        ))}
        <line
          className="dose-chart__axis"
          x1={g.plot.left}
          x2={g.plot.right}
          y1={g.plot.bottom}
          y2={g.plot.bottom}
        />
        {ledger.studies.map((s) => (
          <line
            key={s.index}
            className={`dose-chart__study dose-stroke--${modalitySlug(s.modality)}`}
            x1={g.x(s.date)}
            x2={g.x(s.date)}
            y1={g.plot.bottom + 2}
            y2={g.plot.bottom + 8}
          />
        ))}
        {timeTicks(g).map((t) => (
          <text key={t.label} className="dose-chart__label" x={t.x} y={g.height - 6} textAnchor="middle">
            {t.label}
          </text>
        ))}
      </svg>
    </figure>
  )
}
