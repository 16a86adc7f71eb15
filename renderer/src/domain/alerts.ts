import { ALERT_WORDS, type Alert, type AlertCode } from '../../../engine'

type Tone = 'danger' | 'warn' | 'info'

/**
 * How loudly to show each alert. The words are the engine's (`alertDetails` of the evaluation,
 * naming the study, fact or lesion of this case); `ALERT_WORDS` stands in for a recommendation
 * stored before the engine gave words per case.
 */
export const ALERT_TONE: Record<AlertCode, Tone> = {
  'outside-topic': 'danger',
  'missing-facts': 'warn',
  'suspected-recurrence': 'danger',
  'atypical-for-surveillance': 'warn',
  'mri-contraindicated': 'warn',
  'gadolinium-contraindicated': 'warn',
  'iodinated-contrast-contraindicated': 'warn',
  'no-verified-alternative': 'danger',
  'egfr-below-30': 'warn',
  'egfr-30-to-44': 'info',
  progression: 'danger',
  'progression-answered': 'info',
  'new-lesion': 'danger',
  'indeterminate-finding': 'warn',
  'clinical-progression-suspected': 'warn',
  'size-over-2cm': 'warn',
  'result-derived-from-recist': 'info',
  'recist-disagrees-with-read': 'warn',
  'recist-not-evaluable': 'warn',
  'unread-study': 'info',
  'study-after-as-of': 'warn',
  'priors-not-available': 'info',
  'pancreas-protocol': 'info',
  'functional-correlation': 'info',
  'extra-abdominal-symptoms': 'warn',
  'post-treatment-change': 'info',
  'requested-study-not-appropriate': 'warn',
  'requested-study-contraindicated': 'warn',
  'prefer-sstr-pet': 'info',
  'baseline-imaging-now': 'warn',
  'staging-study-on-file': 'warn',
  'follow-up-overdue': 'danger',
  'interval-secondary-source': 'info',
  'ten-years-after-resection': 'info',
  'dose-unknown': 'warn',
  'site-rule-growth-rate': 'info',
}

/** The alerts of an evaluation with their words and tone, in order. */
export function alertsOf(e: { alerts: readonly string[]; alertDetails?: readonly Alert[] }): {
  code: string
  text: string
  tone: Tone
}[] {
  return e.alerts.map((code) => {
    const detail = e.alertDetails?.find((a) => a.code === code)
    return {
      code,
      text: detail?.text ?? ALERT_WORDS[code as AlertCode] ?? code,
      tone: ALERT_TONE[code as AlertCode] ?? 'info',
    }
  })
}
