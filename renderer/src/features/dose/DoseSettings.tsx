import { useState, type FormEvent } from 'react'
import { K_FACTOR_SETS, type KFactorSet } from '../../../../engine'
import { Field } from '../../components/Field'
import { Select } from '../../components/Select'
import { useUpdateSettings } from '../../data/mutations'
import { K_FACTOR_SET_LABELS } from './doseText'

interface Props {
  kFactors: KFactorSet
  cu64DotatateMsvPerMbq: number | null
  /** After a successful save (the changed data has been read again by then). */
  onSaved: () => void
}

const K_OPTIONS = K_FACTOR_SETS.map((k) => ({ value: k, label: K_FACTOR_SET_LABELS[k] }))

/**
 * The site's dose conversion settings: which CT k-factor set to use and the Cu-64 DOTATATE
 * coefficient when the site has one. They apply to every patient; saving recomputes every
 * cumulative dose and changes no recommendation.
 */
export function DoseSettings({ kFactors, cu64DotatateMsvPerMbq, onSaved }: Props) {
  const [k, setK] = useState<KFactorSet>(kFactors)
  const [coef, setCoef] = useState(cu64DotatateMsvPerMbq === null ? '' : String(cu64DotatateMsvPerMbq))
  const [fields, setFields] = useState<Record<string, string>>({})
  const [message, setMessage] = useState<string | null>(null)
  const update = useUpdateSettings()
  const [saving, setSaving] = useState(false)

  async function submit(e: FormEvent) {
    e.preventDefault()
    const text = coef.trim().replace(',', '.')
    const value = text === '' ? null : Number(text)
    if (value !== null && !Number.isFinite(value)) {
      setFields({ cu64DotatateMsvPerMbq: 'Enter a number in mSv per MBq, or leave it empty.' })
      setMessage(null)
      return
    }
    setSaving(true)
    const r = await update.run({ kFactors: k, cu64DotatateMsvPerMbq: value })
    setSaving(false)
    if (r.ok) {
      setFields({})
      setMessage(null)
      onSaved()
      return
    }
    setFields(r.error.fields ?? {})
    setMessage(r.error.fields ? null : `${r.error.message} Nothing was saved.`)
  }

  return (
    <form className="dose-settings" onSubmit={submit} noValidate aria-label="Dose conversion settings">
      <p className="muted small">
        These apply to every patient. Saving recomputes every cumulative dose; no recommendation changes.
      </p>
      <div className="dose-settings__fields">
        <Select
          label="CT k-factor set"
          value={k}
          onChange={(e) => setK(e.target.value as KFactorSet)}
          options={K_OPTIONS}
          error={fields['kFactors']}
        />
        <Field
          label="Cu-64 DOTATATE site coefficient (mSv/MBq)"
          value={coef}
          onChange={(e) => setCoef(e.target.value)}
          error={fields['cu64DotatateMsvPerMbq']}
          inputMode="decimal"
          hint="From your physicist or the product label. Leave empty while unknown: such studies then show “needs a site coefficient”."
        />
      </div>
      {message && (
        <p className="field__error" role="alert">
          {message}
        </p>
      )}
      <div className="form__actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? 'Saving…' : 'Save dose settings'}
        </button>
      </div>
    </form>
  )
}
