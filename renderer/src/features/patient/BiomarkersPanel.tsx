import { useState, type FormEvent } from 'react'
import type { Biomarker, BiomarkerRecord } from '../../../../electron/contract/contract'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { Field } from '../../components/Field'
import { refusalText } from '../../components/formErrors'
import { Select } from '../../components/Select'
import { useAddBiomarker, useRemoveBiomarker } from '../../data/mutations'
import { changeText, trends, type Trend } from '../../domain/biomarkers'
import { BIOMARKER_DEFAULT_UNITS, BIOMARKER_OPTIONS, biomarkerLabel } from '../../domain/labels'
import { readNumber } from '../../domain/numbers'

interface Props {
  patientId: number
  values: readonly BiomarkerRecord[]
  today: string
  onChanged: (message: string) => void
}

/**
 * Biomarker values (chromogranin A and others) with their date and unit, and each marker's trend.
 * The radiologist reads the trend; the guideline engine reads none of these values.
 */
export function BiomarkersPanel({ patientId, values, today, onChanged }: Props) {
  const [removing, setRemoving] = useState<BiomarkerRecord | null>(null)
  const remove = useRemoveBiomarker(patientId)
  const [removeError, setRemoveError] = useState<string | null>(null)
  const list = trends(values)
  return (
    <section className="panel biomarkers" aria-labelledby="biomarkers-title" data-testid="biomarkers">
      <h2 id="biomarkers-title">Biomarkers</h2>
      <p className="muted small">
        Values as the laboratory reported them. The guideline engine reads none of them and draws no
        conclusion: whether a change matters is your judgement (record “Rising biomarkers” under new symptoms
        if it does).
      </p>
      {list.length === 0 && <p className="muted">No biomarker values recorded.</p>}
      {list.map((t) => (
        <MarkerTrend key={t.marker} trend={t} onRemove={setRemoving} />
      ))}
      {removeError && (
        <p className="field__error" role="alert">
          {removeError}
        </p>
      )}
      <AddBiomarker patientId={patientId} today={today} onAdded={onChanged} />
      <ConfirmDialog
        isOpen={removing !== null}
        title="Remove this value?"
        confirmLabel="Remove the value"
        cancelLabel="Keep it"
        destructive
        onCancel={() => setRemoving(null)}
        onConfirm={async () => {
          const r = removing
          setRemoving(null)
          if (!r) return
          const res = await remove.run({ id: r.id, version: r.version })
          if (res.ok) {
            setRemoveError(null)
            onChanged(`Removed ${biomarkerLabel(r.marker)} ${r.value} ${r.unit} of ${r.date}.`)
          } else setRemoveError(refusalText(res.error.message, 'Nothing was removed.'))
        }}
      >
        {removing && (
          <p>
            {biomarkerLabel(removing.marker)} {removing.value} {removing.unit} of {removing.date}. The audit
            log keeps a record of it.
          </p>
        )}
      </ConfirmDialog>
    </section>
  )
}

function MarkerTrend({ trend, onRemove }: { trend: Trend; onRemove: (r: BiomarkerRecord) => void }) {
  const name = biomarkerLabel(trend.marker)
  const titleId = `biomarker-${trend.marker}`
  return (
    <div className="biomarker" data-testid={`biomarker-${trend.marker}`}>
      <h3 id={titleId} className="biomarker__name">
        {name}
      </h3>
      {trend.points.length > 1 && <Sparkline trend={trend} />}
      <table className="table biomarker__table" aria-labelledby={titleId}>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Value</th>
            <th scope="col">Change from the value before</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {trend.points.map((p) => (
            <tr key={p.record.id} data-testid="biomarker-row">
              <td className="mono">{p.record.date}</td>
              <td className="mono">
                {p.record.value} {p.record.unit}
              </td>
              <td className="mono">
                {p.changePct !== null ? (
                  changeText(p.changePct)
                ) : p.unitChanged ? (
                  <span className="muted">other unit: not compared</span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                <button
                  type="button"
                  className="button button--quiet button--small"
                  onClick={() => onRemove(p.record)}
                  aria-label={`Remove ${name} ${p.record.value} ${p.record.unit} of ${p.record.date}`}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

const W = 320
const H = 72
const PAD = 8

/** The values over time on one axis (only when every value has the same unit). */
function Sparkline({ trend }: { trend: Trend }) {
  const name = biomarkerLabel(trend.marker)
  if (!trend.oneUnit) {
    return <p className="muted small">The values have different units, so no trend line is drawn.</p>
  }
  const pts = trend.points.map((p) => p.record)
  const t0 = Date.parse(pts[0]!.date)
  const t1 = Date.parse(pts[pts.length - 1]!.date)
  const vMax = Math.max(...pts.map((p) => p.value))
  const vMin = Math.min(0, ...pts.map((p) => p.value))
  const x = (d: string) =>
    PAD + (t1 === t0 ? (W - 2 * PAD) / 2 : ((Date.parse(d) - t0) / (t1 - t0)) * (W - 2 * PAD))
  const y = (v: number) => H - PAD - (vMax === vMin ? 0 : ((v - vMin) / (vMax - vMin)) * (H - 2 * PAD))
  const unit = pts[0]!.unit
  const label = `${name} over time: ${pts.map((p) => `${p.value} ${unit} on ${p.date}`).join(', ')}.`
  return (
    <svg className="biomarker__chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <line className="biomarker__axis" x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} />
      <polyline
        className="biomarker__line"
        fill="none"
        points={pts.map((p) => `${x(p.date).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}
      />
      {pts.map((p) => (
        <circle key={p.id} className="biomarker__point" cx={x(p.date)} cy={y(p.value)} r={3} />
      ))}
    </svg>
  )
}

interface Draft {
  date: string
  marker: Biomarker
  value: string
  unit: string
}

function AddBiomarker({
  patientId,
  today,
  onAdded,
}: {
  patientId: number
  today: string
  onAdded: (message: string) => void
}) {
  const empty = (marker: Biomarker = 'chromogranin-a'): Draft => ({
    date: today,
    marker,
    value: '',
    unit: BIOMARKER_DEFAULT_UNITS[marker],
  })
  const [draft, setDraft] = useState<Draft>(() => empty())
  const [fields, setFields] = useState<Record<string, string>>({})
  const [message, setMessage] = useState<string | null>(null)
  const add = useAddBiomarker(patientId)

  async function submit(e: FormEvent) {
    e.preventDefault()
    const errors: Record<string, string> = {}
    const read = readNumber(draft.value)
    if (read === undefined) errors['value'] = 'The value must be a number.'
    const value = read ?? null
    if (draft.value.trim() === '') errors['value'] = 'Enter the value.'
    if (Object.keys(errors).length) {
      setFields(errors)
      setMessage('Please correct the highlighted fields. Nothing was saved.')
      return
    }
    const r = await add.run({
      patientId,
      biomarker: { date: draft.date.trim(), marker: draft.marker, value: value!, unit: draft.unit },
    })
    if (r.ok) {
      setFields({})
      setMessage(null)
      setDraft(empty(draft.marker))
      onAdded(
        `Recorded ${biomarkerLabel(r.value.marker)} ${r.value.value} ${r.value.unit} of ${r.value.date}.`,
      )
      return
    }
    const f: Record<string, string> = {}
    for (const [k, v] of Object.entries(r.error.fields ?? {})) f[k.replace(/^biomarker\./, '')] = v
    setFields(f)
    setMessage(
      `${r.error.fields ? 'Please correct the highlighted fields.' : r.error.message} Nothing was saved.`,
    )
  }

  return (
    <form
      className="subform biomarker-form"
      onSubmit={submit}
      noValidate
      aria-labelledby="biomarker-add-title"
    >
      <h3 id="biomarker-add-title">Record a value</h3>
      {message && (
        <p className="field__error" role="alert">
          {message}
        </p>
      )}
      <div className="biomarker-form__fields">
        <Select
          label="Biomarker"
          value={draft.marker}
          onChange={(e) => {
            const marker = e.target.value as Biomarker
            setDraft((d) => ({
              ...d,
              marker,
              // A unit still at the previous marker's default follows the new marker.
              unit: d.unit === BIOMARKER_DEFAULT_UNITS[d.marker] ? BIOMARKER_DEFAULT_UNITS[marker] : d.unit,
            }))
          }}
          options={BIOMARKER_OPTIONS}
          error={fields['marker']}
        />
        <Field
          label="Date of the sample"
          hint="YYYY-MM-DD"
          value={draft.date}
          onChange={(e) => setDraft((d) => ({ ...d, date: e.target.value }))}
          error={fields['date']}
          required
        />
        <Field
          label="Value"
          value={draft.value}
          onChange={(e) => setDraft((d) => ({ ...d, value: e.target.value }))}
          error={fields['value']}
          inputMode="decimal"
          required
        />
        <Field
          label="Unit"
          value={draft.unit}
          onChange={(e) => setDraft((d) => ({ ...d, unit: e.target.value }))}
          error={fields['unit']}
          required
        />
      </div>
      <div className="form__actions">
        <button type="submit" className="button" disabled={add.isPending}>
          {add.isPending ? 'Saving…' : 'Record value'}
        </button>
      </div>
    </form>
  )
}
