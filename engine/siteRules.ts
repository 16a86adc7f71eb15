// Site rules: a site's own additions to the pack (`siteRules` of the pack document), off unless the
// pack or the site turns them on. They only add an alert and a rationale step, which say they are
// the site's rule and not the ACR's; they never change the chosen study, its window or the action.
import { DAYS_PER_MONTH, daysBetween } from './dates'
import type { LoadedPack } from './guideline'
import type { Findings } from './recommend/findings'
import { NOTHING } from './recommend/findings'
import type { Alert, EngineSettings, NextStep, RationaleStep, RecistResponse } from './types'

/**
 * The findings of the site rules that are on: the growth-rate rule fires when the next step is a
 * study, the two latest fully measured timepoints are `minMonths` to `maxMonths` apart and the
 * tumour growth rate between them is above the threshold (GREPONET: about 0.8 %/month at about
 * 3 months predicted progression), suggesting the short end of the interval.
 */
export function siteRuleFindings(
  pack: LoadedPack,
  settings: EngineSettings,
  next: NextStep,
  response: RecistResponse | null,
): Findings {
  const rules = pack.siteRules
  if (rules.length === 0 || next.action !== 'image' || response === null) return NOTHING
  let alerts: Alert[] | null = null
  let rationale: RationaleStep[] | null = null
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!
    if (!(settings.siteRules?.[rule.id] ?? rule.enabled)) continue
    const rate = response.tgrPctPerMonth
    const from = response.tgrFromDate
    if (rate === null || from === null || !(rate > rule.thresholdPctPerMonth)) continue
    const months = daysBetween(from, response.date) / DAYS_PER_MONTH
    if (months < rule.minMonths || months > rule.maxMonths) continue
    const shown = Math.round(months * 10) / 10
    ;(alerts ??= []).push(
      pack.alertSay.siteRuleGrowth([
        rate,
        rule.thresholdPctPerMonth,
        next.due === null ? 'as soon as possible' : `from ${next.due.from}`,
      ]),
    )
    ;(rationale ??= []).push(
      pack.say.siteRuleGrowth([rate, rule.thresholdPctPerMonth, from, response.date, shown], rule.source),
    )
  }
  return alerts === null ? NOTHING : { alerts, rationale: rationale ?? [], missing: [] }
}
