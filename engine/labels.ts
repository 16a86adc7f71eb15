// Plain words for the codes, used in reasons and rationale (and available to the UI).
import type { Rating, StudyResult, TreatmentKind } from './types'

export const TREATMENT_LABELS: Readonly<Record<TreatmentKind, string>> = {
  resection: 'resection',
  prrt: 'PRRT',
  'somatostatin-analog': 'somatostatin analogue',
  'targeted-therapy': 'targeted therapy',
  chemotherapy: 'chemotherapy',
  'liver-directed': 'liver-directed therapy',
  radiation: 'radiation therapy',
  ablation: 'ablation',
}

export const RESULT_LABELS: Readonly<Record<StudyResult, string>> = {
  response: 'responding',
  stable: 'stable',
  progression: 'progression',
  indeterminate: 'indeterminate',
  'no-evidence-of-disease': 'no evidence of disease',
}

export const RATING_WORDS: Readonly<Record<Rating, string>> = {
  'usually-appropriate': 'usually appropriate',
  'may-be-appropriate': 'may be appropriate',
  'usually-not-appropriate': 'usually not appropriate',
  'not-loaded': 'not loaded (no verified rating)',
}
