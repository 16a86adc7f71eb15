import type { AlertCode } from '../../../engine'

type Tone = 'danger' | 'warn' | 'info'

/** Each alert code in plain words, with how loudly to show it. Our wording; sources are in the rationale. */
export const ALERT_TEXT: Record<AlertCode, { text: string; tone: Tone }> = {
  'outside-topic': {
    text: 'No variant of the guideline fits this case: the radiologist decides.',
    tone: 'danger',
  },
  'missing-facts': {
    text: 'Facts needed to place the case are missing; fill them in on the record.',
    tone: 'warn',
  },
  'suspected-recurrence': {
    text: 'Recurrence is suspected: this is not routine surveillance.',
    tone: 'danger',
  },
  'atypical-for-surveillance': {
    text: 'The tumour is not typical for active surveillance (size, grade or function).',
    tone: 'warn',
  },
  'mri-contraindicated': { text: 'MRI is contraindicated for this patient.', tone: 'warn' },
  'gadolinium-contraindicated': { text: 'Gadolinium contrast is contraindicated.', tone: 'warn' },
  'iodinated-contrast-contraindicated': { text: 'Iodinated contrast is contraindicated.', tone: 'warn' },
  'no-verified-alternative': {
    text: 'No other study has a verified rating for this variant: the radiologist chooses; the app does not substitute one.',
    tone: 'danger',
  },
  'egfr-below-30': {
    text: 'eGFR below 30: iodinated contrast needs prophylaxis; use a group II gadolinium agent for MRI.',
    tone: 'warn',
  },
  'egfr-30-to-44': {
    text: 'eGFR 30–44: consider prophylaxis before iodinated contrast in high-risk situations.',
    tone: 'info',
  },
  progression: { text: 'Progression on the latest study.', tone: 'danger' },
  'progression-answered': {
    text: 'The progression on the latest study was answered by a treatment started after it; the next study assesses the response.',
    tone: 'info',
  },
  'new-lesion': { text: 'A new lesion was recorded.', tone: 'danger' },
  'indeterminate-finding': { text: 'Indeterminate finding on the latest study.', tone: 'warn' },
  'clinical-progression-suspected': {
    text: 'Clinical or biochemical progression is suspected.',
    tone: 'warn',
  },
  'size-over-2cm': {
    text: 'The untreated tumour is over 2 cm: surgical evaluation is generally advised.',
    tone: 'warn',
  },
  'result-derived-from-recist': {
    text: 'The result was derived from the RECIST measurements (no read result was entered).',
    tone: 'info',
  },
  'recist-disagrees-with-read': {
    text: 'The RECIST category and the reader’s result disagree; check both.',
    tone: 'warn',
  },
  'unread-study': {
    text: 'A study has no result yet; the interval counts from the latest read study.',
    tone: 'info',
  },
  'study-after-as-of': { text: 'A study is dated after the evaluation day and was not used.', tone: 'warn' },
  'priors-not-available': { text: 'Make sure all prior studies are available for comparison.', tone: 'info' },
  'pancreas-protocol': {
    text: 'Order a dedicated multiphasic pancreas protocol, not a routine abdomen study.',
    tone: 'info',
  },
  'functional-correlation': {
    text: 'For an equivocal finding, functional imaging (DOTATATE PET/CT) can resolve it.',
    tone: 'info',
  },
  'extra-abdominal-symptoms': {
    text: 'New localized symptoms: image that region, or consider a whole-body SSTR PET.',
    tone: 'warn',
  },
  'post-treatment-change': {
    text: 'Post-treatment change (inflammation, fibrosis) can mimic progression.',
    tone: 'info',
  },
  'requested-study-not-appropriate': {
    text: 'The requested study is not appropriate or not rated for this variant.',
    tone: 'warn',
  },
  'requested-study-contraindicated': {
    text: 'The requested study is contraindicated for this patient.',
    tone: 'warn',
  },
  'prefer-sstr-pet': { text: 'SSTR PET is preferred over In-111 pentetreotide scintigraphy.', tone: 'info' },
  'baseline-imaging-now': { text: 'No read study yet: a baseline study is due now.', tone: 'warn' },
  'follow-up-overdue': { text: 'The next study is overdue.', tone: 'danger' },
  'interval-secondary-source': {
    text: 'This interval rests on secondary sources; confirm it locally.',
    tone: 'info',
  },
  'ten-years-after-resection': {
    text: 'More than 10 years since resection: routine imaging may stop.',
    tone: 'info',
  },
  'dose-unknown': { text: 'Some study doses are unknown (e.g. no coefficient for the agent).', tone: 'warn' },
}

export function alertText(code: string): { text: string; tone: Tone } {
  return ALERT_TEXT[code as AlertCode] ?? { text: code, tone: 'info' }
}
