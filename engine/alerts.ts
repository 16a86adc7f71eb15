// Our words for each alert code, and the alert objects the steps return. A step whose alert
// depends on the case (which study, which fact, which lesion) builds its own words with
// `alertSaying`; the others share one frozen alert per code.
import type { Alert, AlertCode } from './types'

/** Each alert code in plain words (the words when the case adds nothing more specific). */
export const ALERT_WORDS: Readonly<Record<AlertCode, string>> = {
  'outside-topic': 'No variant of the guideline fits this case: the radiologist decides.',
  'missing-facts': 'Some facts the decision needs are not recorded; fill them in on the record.',
  'suspected-recurrence': 'Recurrence is suspected: this is not routine surveillance.',
  'atypical-for-surveillance': 'The tumour is not typical for active surveillance (size, grade or function).',
  'mri-contraindicated': 'MRI is contraindicated for this patient.',
  'gadolinium-contraindicated': 'Gadolinium contrast is contraindicated.',
  'iodinated-contrast-contraindicated': 'Iodinated contrast is contraindicated.',
  'no-verified-alternative':
    'No study the source offers for this step is feasible: the radiologist chooses; the app does not substitute one.',
  'egfr-below-30':
    'eGFR below 30: iodinated contrast needs prophylaxis; use a group II gadolinium agent for MRI.',
  'egfr-30-to-44': 'eGFR 30–44: consider prophylaxis before iodinated contrast in high-risk situations.',
  progression: 'Progression on the latest study.',
  'new-lesion': 'A new lesion was recorded.',
  'indeterminate-finding': 'Indeterminate finding on the latest study.',
  'clinical-progression-suspected': 'Clinical or biochemical progression is suspected.',
  'size-over-2cm': 'The untreated tumour is over 2 cm: surgical evaluation is generally advised.',
  'result-derived-from-recist':
    'The result was derived from the RECIST measurements (no read result was entered).',
  'recist-disagrees-with-read': 'The RECIST category and the reader’s result disagree; check both.',
  'recist-not-evaluable': 'RECIST 1.1 could not assess the response: a lesion followed was not measured.',
  'unread-study': 'A study has no result yet; the interval counts from the latest read study.',
  'study-after-as-of': 'A study is dated after the evaluation day and was not used.',
  'priors-not-available': 'Make sure all prior studies are available for comparison.',
  'pancreas-protocol': 'Order a dedicated multiphasic pancreas protocol, not a routine abdomen study.',
  'functional-correlation': 'For an equivocal finding, functional imaging (DOTATATE PET/CT) can resolve it.',
  'extra-abdominal-symptoms': 'New localized symptoms: image that region, or consider a whole-body SSTR PET.',
  'post-treatment-change': 'Post-treatment change (inflammation, fibrosis) can mimic progression.',
  'requested-study-not-appropriate': 'The requested study is not appropriate or not rated for this variant.',
  'requested-study-contraindicated': 'The requested study is contraindicated for this patient.',
  'prefer-sstr-pet': 'SSTR PET is preferred over In-111 pentetreotide scintigraphy.',
  'baseline-imaging-now': 'No read study yet: a baseline study is due now.',
  'staging-study-on-file':
    'A study on file may already be the staging study; if so, record staging as complete.',
  'follow-up-overdue': 'The next study is overdue.',
  'interval-secondary-source': 'This interval rests on secondary sources; confirm it locally.',
  'ten-years-after-resection': 'More than 10 years since resection: routine imaging may stop.',
  'dose-unknown': 'Some study doses are unknown (e.g. no coefficient for the agent).',
}

const SHARED = new Map<AlertCode, Alert>()

/** The alert with its usual words (one frozen object per code, shared by every evaluation). */
export function alert(code: AlertCode): Alert {
  let a = SHARED.get(code)
  if (a === undefined) {
    a = Object.freeze({ code, text: ALERT_WORDS[code] })
    SHARED.set(code, a)
  }
  return a
}

/** The alert with words for this case. */
export function alertSaying(code: AlertCode, text: string): Alert {
  return { code, text }
}
