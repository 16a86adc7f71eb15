import { useState } from 'react'
import type { PackComparison, PackRow, PlanSummary } from '../../../../electron/contract/contract'
import { actorLabel, ALERT_WORDS, type AlertCode } from '../../../../engine'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import {
  useAdoptPack,
  useComparePack,
  useImportPack,
  useRevertPack,
  useUpdateSettings,
} from '../../data/mutations'
import { usePacks } from '../../data/queries'
import { procedureName } from '../../domain/labels'

interface Props {
  onBack: () => void
  onOpenPatient: (id: number) => void
}

const ACTION_WORDS: Record<PlanSummary['action'], string> = {
  image: 'image',
  'tumor-board': 'tumour board',
  'clinician-review': 'radiologist review',
  'end-surveillance': 'routine imaging stops',
}

const ASPECT_WORDS = { action: 'next step', study: 'study', window: 'due window', alerts: 'alerts' } as const

function planWords(p: PlanSummary): string {
  const study = p.procedure ? `: ${procedureName(p.procedure)}` : ''
  const due = p.due ? `, due ${p.due.from} – ${p.due.to}` : ''
  return `${ACTION_WORDS[p.action]}${study}${due}`
}

const alertWords = (codes: readonly string[]): string =>
  codes.map((c) => ALERT_WORDS[c as AlertCode] ?? c).join(' ')

/**
 * The guideline packs in the log: which is in use, importing a pack file (checked, stored without
 * being used), comparing a pack with the one in use (a dry run over every open case), adopting it
 * and going back; and the open cases whose current recommendation came from another pack.
 */
export function PacksPage({ onBack, onOpenPatient }: Props) {
  const { data, error } = usePacks()
  const importPack = useImportPack()
  const compare = useComparePack()
  const adopt = useAdoptPack()
  const revert = useRevertPack()
  const settings = useUpdateSettings()
  const [message, setMessage] = useState<string | null>(null)
  const [problems, setProblems] = useState<[string, string][]>([])
  const [comparison, setComparison] = useState<{ row: PackRow; result: PackComparison } | null>(null)
  const [confirm, setConfirm] = useState<{ kind: 'adopt'; row: PackRow } | { kind: 'revert' } | null>(null)

  if (error) return <p role="alert">The guideline packs could not be read: {String(error)}</p>
  if (!data) return <p className="muted">Loading…</p>
  const active = data.packs.find((p) => p.active) ?? null
  const previous = active?.previousId != null ? data.packs.find((p) => p.id === active.previousId) : undefined

  const onFile = async (file: File | undefined) => {
    setProblems([])
    setComparison(null)
    if (!file) return
    const r = await importPack.run({ text: await file.text() })
    if (r.ok) {
      setMessage(
        `Imported ${r.value.packId} ${r.value.version} (not in use yet). Compare it before adopting it.`,
      )
    } else {
      setMessage(`${file.name} was not imported: ${r.error.message}`)
      setProblems(Object.entries(r.error.fields ?? {}))
    }
  }
  const runCompare = async (row: PackRow) => {
    setMessage(null)
    const r = await compare.run({ id: row.id })
    if (r.ok) setComparison({ row, result: r.value })
    else setMessage(`The comparison failed: ${r.error.message}`)
  }
  const runAdopt = async (row: PackRow) => {
    setConfirm(null)
    const r = await adopt.run({ id: row.id })
    setComparison(null)
    setMessage(
      r.ok
        ? `Now using ${r.value.pack.packId} ${r.value.pack.version}: ${r.value.reevaluated} open cases re-evaluated, ${r.value.stepsChanged} follow-up steps changed.`
        : `The pack was not adopted: ${r.error.message}`,
    )
  }
  const runRevert = async () => {
    setConfirm(null)
    const r = await revert.run({})
    setComparison(null)
    setMessage(
      r.ok
        ? `Back to ${r.value.pack.packId} ${r.value.pack.version}: ${r.value.reevaluated} open cases re-evaluated, ${r.value.stepsChanged} follow-up steps changed.`
        : `Nothing was reverted: ${r.error.message}`,
    )
  }
  const busy =
    importPack.isPending || compare.isPending || adopt.isPending || revert.isPending || settings.isPending
  const toggleRule = async (id: string, title: string, on: boolean) => {
    const r = await settings.run({ siteRules: { [id]: on } })
    setMessage(
      r.ok
        ? `Site rule ${on ? 'on' : 'off'}: ${title}. Every open case was re-evaluated; the study and window do not change.`
        : `The site rule was not changed: ${r.error.message}`,
    )
  }

  return (
    <section className="panel packs" aria-labelledby="packs-title" data-testid="packs">
      <div className="panel__head">
        <h2 id="packs-title">Guideline packs</h2>
        <button type="button" className="button button--quiet" onClick={onBack}>
          ← Worklist
        </button>
      </div>
      <p>
        In use: <strong data-testid="pack-in-use">{`${data.active.id} ${data.active.version}`}</strong>. A
        pack holds the ratings, intervals, dose coefficients, sources and wording the engine uses; importing
        one changes nothing until it is adopted.
      </p>
      {message && (
        <p className="notice" role="status" data-testid="packs-message">
          {message}
        </p>
      )}
      {problems.length > 0 && (
        <ul className="alerts" aria-label="Problems in the pack file" data-testid="pack-problems">
          {problems.map(([path, why]) => (
            <li key={path} className="alert alert--danger">
              <span className="mono">{path}</span>: {why}
            </li>
          ))}
        </ul>
      )}

      <div className="settings__group">
        <label className="field">
          <span>Import a pack file (pnet-guideline-pack/1, JSON)</span>
          <input
            type="file"
            accept=".json,application/json"
            disabled={busy}
            data-testid="pack-file"
            onChange={(e) => void onFile(e.currentTarget.files?.[0])}
          />
        </label>
      </div>

      <table className="table" data-testid="pack-list">
        <caption>Packs in the log</caption>
        <thead>
          <tr>
            <th scope="col">Pack</th>
            <th scope="col">Version</th>
            <th scope="col">SHA-256</th>
            <th scope="col">Imported</th>
            <th scope="col">State</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data.packs.map((p) => (
            <tr key={`${p.packId}@${p.version}`} data-testid="pack-row" data-version={p.version}>
              <th scope="row">
                {p.packId}
                <div className="muted small">{p.title}</div>
              </th>
              <td className="mono">{p.version}</td>
              <td className="mono" title={p.sha256}>
                {p.sha256.slice(0, 12)}…
              </td>
              <td>
                {p.importedAt
                  ? `${p.importedAt.slice(0, 10)} by ${actorLabel(p.importedBy)}`
                  : actorLabel(p.importedBy)}
              </td>
              <td>
                {p.active ? <strong>In use</strong> : 'Not in use'}
                {p.builtIn && <span className="muted"> · shipped with the app</span>}
                {p.activatedAt && p.active && (
                  <div className="muted small">
                    adopted {p.activatedAt.slice(0, 10)} by{' '}
                    {p.activatedBy === null ? null : actorLabel(p.activatedBy)}
                  </div>
                )}
              </td>
              <td>
                {!p.active && (
                  <button
                    type="button"
                    className="button"
                    disabled={busy}
                    onClick={() => void runCompare(p)}
                    aria-label={`Compare ${p.packId} ${p.version} with the pack in use`}
                  >
                    Compare
                  </button>
                )}
                {p.active && previous && (
                  <button
                    type="button"
                    className="button"
                    disabled={busy}
                    onClick={() => setConfirm({ kind: 'revert' })}
                  >
                    Revert to {previous.version}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {comparison && (
        <section aria-labelledby="comparison-title" data-testid="comparison">
          <h3 id="comparison-title">
            {`${comparison.result.from.version} → ${comparison.result.to.version}`}: what would change
          </h3>
          <p data-testid="comparison-summary">
            {comparison.result.changed.length} of {comparison.result.openCases} open cases would change (dry
            run for {comparison.result.asOf}; nothing was written).
          </p>
          {comparison.result.changed.length > 0 && (
            <table className="table" data-testid="comparison-list">
              <caption>Open cases this pack would move</caption>
              <thead>
                <tr>
                  <th scope="col">Patient</th>
                  <th scope="col">Changes</th>
                  <th scope="col">Now</th>
                  <th scope="col">With {comparison.result.to.version}</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {comparison.result.changed.map((c) => (
                  <tr key={c.patientId} data-testid="comparison-row">
                    <th scope="row">
                      <button type="button" className="link" onClick={() => onOpenPatient(c.patientId)}>
                        {c.name}
                      </button>
                      <div className="muted small mono">{c.mrn}</div>
                    </th>
                    <td>{c.changed.map((a) => ASPECT_WORDS[a]).join(', ')}</td>
                    <td>
                      {planWords(c.before)}
                      {c.alertsRemoved.length > 0 && (
                        <div className="muted small">alerts: {alertWords(c.alertsRemoved)}</div>
                      )}
                    </td>
                    <td>
                      {planWords(c.after)}
                      {c.alertsAdded.length > 0 && (
                        <div className="muted small">new alerts: {alertWords(c.alertsAdded)}</div>
                      )}
                    </td>
                    <td>
                      <ul className="reasons">
                        {c.reasons.map((r, i) => (
                          <li key={i}>{r.text}</li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="form__actions">
            <button type="button" className="button" onClick={() => setComparison(null)}>
              Close the comparison
            </button>
            <button
              type="button"
              className="button button--primary"
              disabled={busy}
              onClick={() => setConfirm({ kind: 'adopt', row: comparison.row })}
            >
              Adopt {comparison.result.to.version}…
            </button>
          </div>
        </section>
      )}

      <fieldset className="settings__group" data-testid="site-rules">
        <legend>Site rules (this site’s, not the ACR’s)</legend>
        <p className="muted">
          A site rule adds an alert and a step to the rationale; it never changes the study, its window or the
          next step. Each is off as shipped.
        </p>
        {data.siteRules.length === 0 && <p className="muted">The pack in use has no site rules.</p>}
        {data.siteRules.map((r) => (
          <div key={r.id} className="site-rule">
            <label className="check">
              <input
                type="checkbox"
                checked={r.on}
                disabled={busy}
                onChange={(e) => void toggleRule(r.id, r.title, e.currentTarget.checked)}
              />
              <span>Site rule: {r.title}</span>
            </label>
            <p className="muted small">
              {r.enabledInPack ? 'On in the pack as shipped.' : 'Off in the pack as shipped.'} Source:{' '}
              {r.source.url ? (
                <a href={r.source.url} target="_blank" rel="noreferrer noopener">
                  {r.source.title}
                </a>
              ) : (
                r.source.title
              )}
            </p>
          </div>
        ))}
      </fieldset>

      <section aria-labelledby="stale-title">
        <h3 id="stale-title">Open cases on another pack</h3>
        {data.stale.length === 0 ? (
          <p className="muted" data-testid="stale-none">
            Every open case’s current recommendation came from the pack in use.
          </p>
        ) : (
          <table className="table" data-testid="stale-list">
            <caption>
              Open cases whose current recommendation came from another pack than the one in use
            </caption>
            <thead>
              <tr>
                <th scope="col">Patient</th>
                <th scope="col">Pack of the current recommendation</th>
                <th scope="col">Made</th>
              </tr>
            </thead>
            <tbody>
              {data.stale.map((s) => (
                <tr key={s.patientId}>
                  <th scope="row">
                    <button type="button" className="link" onClick={() => onOpenPatient(s.patientId)}>
                      {s.name}
                    </button>{' '}
                    <span className="muted mono">{s.mrn}</span>
                  </th>
                  <td className="mono">{`${s.packId} ${s.packVersion}`}</td>
                  <td>{s.recommendedAt.slice(0, 10)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <ConfirmDialog
        isOpen={confirm !== null}
        title={
          confirm?.kind === 'revert'
            ? `Go back to ${previous?.packId ?? ''} ${previous?.version ?? ''}?`
            : `Adopt ${confirm?.kind === 'adopt' ? `${confirm.row.packId} ${confirm.row.version}` : ''}?`
        }
        confirmLabel={confirm?.kind === 'revert' ? 'Revert and re-evaluate' : 'Adopt and re-evaluate'}
        cancelLabel="Keep the pack in use"
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          if (confirm?.kind === 'adopt') void runAdopt(confirm.row)
          else if (confirm?.kind === 'revert') void runRevert()
        }}
      >
        <p>
          Every open case gets a new recommendation from this pack, and its open follow-up step follows it (a
          radiologist’s change of study or window stays). It is recorded in the audit trail and can be
          reverted the same way.
        </p>
      </ConfirmDialog>
    </section>
  )
}
