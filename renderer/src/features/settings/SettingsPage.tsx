import type { AppInfo, Settings, Theme } from '../../../../electron/contract/contract'
import { THEMES } from '../../../../engine'
import { useUpdateSettings } from '../../data/mutations'
import { DoseSettings } from '../dose/DoseSettings'
import { useCan } from '../signin/SignIn'
import { AccountSettings } from './AccountSettings'
import { MappingSettings } from './MappingSettings'
import { PacsSettings } from './PacsSettings'

const THEME_LABELS: Record<Theme, string> = {
  dark: 'Dark (for the reading room)',
  light: 'Light',
}

interface Props {
  settings: Settings
  info: AppInfo
  /** A setting was saved (with what to tell the reader). */
  onSaved: (message: string) => void
  onBack: () => void
}

/**
 * The app's own settings, the same for every patient: the theme, the dose conversion (CT k-factor
 * set, Cu-64 DOTATATE coefficient), and where the log, its backups and the error log are kept.
 */
export function SettingsPage({ settings, info, onSaved, onBack }: Props) {
  const update = useUpdateSettings()
  const admin = useCan('admin')
  return (
    <section className="panel settings" aria-labelledby="settings-title" data-testid="settings">
      <div className="panel__head">
        <h2 id="settings-title">Settings</h2>
        <button type="button" className="button button--quiet" onClick={onBack}>
          ← Worklist
        </button>
      </div>
      <p className="muted">These apply to the whole log and every patient.</p>

      <fieldset className="settings__group">
        <legend>Your account</legend>
        <AccountSettings idleLockMinutes={settings.idleLockMinutes} onSaved={onSaved} />
      </fieldset>

      <fieldset className="settings__group">
        <legend>Theme</legend>
        <div className="settings__choices">
          {THEMES.map((t) => (
            <label key={t} className="check">
              <input
                type="radio"
                name="theme"
                value={t}
                checked={settings.theme === t}
                disabled={update.isPending}
                onChange={async () => {
                  const r = await update.run({ theme: t })
                  onSaved(
                    r.ok
                      ? `Theme: ${THEME_LABELS[t].toLowerCase()}.`
                      : `${r.error.message} Nothing was saved.`,
                  )
                }}
              />
              {THEME_LABELS[t]}
            </label>
          ))}
        </div>
      </fieldset>

      {!admin.allowed && (
        <p className="notice" data-testid="settings-admin-only">
          {admin.reason} The dose conversion, PACS and procedure mapping below are shown, not changeable.
        </p>
      )}
      <fieldset className="settings__group" disabled={!admin.allowed}>
        <legend>Radiation dose conversion</legend>
        <DoseSettings
          key={`${settings.kFactors}:${settings.cu64DotatateMsvPerMbq}`}
          kFactors={settings.kFactors}
          cu64DotatateMsvPerMbq={settings.cu64DotatateMsvPerMbq}
          onSaved={() => onSaved('Dose settings saved; every patient’s cumulative dose was recomputed.')}
        />
      </fieldset>

      <fieldset className="settings__group" disabled={!admin.allowed}>
        <legend>PACS (DICOMweb)</legend>
        <PacsSettings onSaved={onSaved} />
      </fieldset>

      <fieldset className="settings__group" disabled={!admin.allowed}>
        <legend>Procedure mapping (PACS studies → procedures)</legend>
        <MappingSettings onSaved={onSaved} />
      </fieldset>

      <fieldset className="settings__group">
        <legend>Where the log is kept</legend>
        <dl className="facts">
          <dt>Follow-up log</dt>
          <dd className="mono settings__path">{info.dataFile}</dd>
          <dt>Backups</dt>
          <dd className="mono settings__path">{info.backupDir}</dd>
          <dt>Error details (no patient data)</dt>
          <dd className="mono settings__path">{info.logFile}</dd>
          <dt>Version</dt>
          <dd>
            {info.version} (log schema {info.schemaVersion},{' '}
            {info.transport === 'web' ? 'browser' : 'desktop'})
          </dd>
        </dl>
      </fieldset>
    </section>
  )
}
