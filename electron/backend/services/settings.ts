import { appendAudit, type Actor } from '../../../db/audit'
import { readSetting, writeSetting } from '../../../db/queries/settings'
import { writeTx, type ReadableDb, type WritableDb } from '../../../db/tx'
import {
  DEFAULT_LIFECYCLE_SETTINGS,
  IDLE_LOCK_MINUTES,
  type EngineSettings,
  type LifecycleSettings,
} from '../../../engine'
import type { Settings } from '../../contract/contract'

export const DEFAULT_SETTINGS: Settings = {
  theme: 'dark',
  kFactors: 'aapm96',
  cu64DotatateMsvPerMbq: null,
  firstRunDone: false,
  fulfilmentMarginDays: DEFAULT_LIFECYCLE_SETTINGS.fulfilmentMarginDays,
  siteRules: {},
  idleLockMinutes: IDLE_LOCK_MINUTES.default,
}

export function getSettings(db: ReadableDb): Settings {
  return { ...DEFAULT_SETTINGS, ...readSetting<Partial<Settings>>(db, 'settings', {}) }
}

/** The part of the settings the engine reads (dose conversion). */
export function engineSettingsOf(s: Settings): EngineSettings {
  return {
    kFactors: s.kFactors,
    siteRules: s.siteRules,
    ...(s.cu64DotatateMsvPerMbq !== null
      ? { siteCoefficients: { 'cu64-dotatate': s.cu64DotatateMsvPerMbq } }
      : {}),
  }
}

/** The part of the settings the follow-up lifecycle reads (when a study fulfils a step). */
export function lifecycleSettingsOf(s: Settings): LifecycleSettings {
  return { fulfilmentMarginDays: s.fulfilmentMarginDays }
}

/**
 * Changes settings; when the dose conversion changes, `onDoseSettingsChanged` runs in the same
 * transaction, and when a site rule is turned on or off, `onSiteRulesChanged` (every open case is
 * re-evaluated: the rule's alert appears or goes).
 */
export function updateSettings(
  db: ReadableDb,
  actor: Actor,
  patch: Partial<Settings>,
  onDoseSettingsChanged: (tx: WritableDb) => void,
  onSiteRulesChanged: (tx: WritableDb) => void = () => undefined,
): Settings {
  return writeTx(db, (tx) => {
    const before = getSettings(tx)
    const after: Settings = { ...before }
    for (const [k, v] of Object.entries(patch))
      if (v !== undefined) (after as unknown as Record<string, unknown>)[k] = v
    if (patch.siteRules !== undefined) after.siteRules = { ...before.siteRules, ...patch.siteRules }
    writeSetting(tx, 'settings', after)
    appendAudit(tx, actor, { action: 'settings.update', entity: 'setting', entityId: null, before, after })
    if (before.kFactors !== after.kFactors || before.cu64DotatateMsvPerMbq !== after.cu64DotatateMsvPerMbq)
      onDoseSettingsChanged(tx)
    if (JSON.stringify(before.siteRules) !== JSON.stringify(after.siteRules)) onSiteRulesChanged(tx)
    return after
  })
}
