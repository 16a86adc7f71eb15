// Plain words for the codes, used in reasons and rationale (and available to the UI).
import type { DoseMethod, NextAction, Rating, StudyResult, TreatmentKind } from './types'

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

/** How a study's dose was found, in words (the timeline, the CSV and FHIR exports). */
export const DOSE_METHOD_LABELS: Readonly<Record<DoseMethod, string>> = {
  recorded: 'recorded',
  'dlp-k': 'DLP × k',
  'activity-coefficient': 'activity × coefficient + CT part',
  typical: 'typical value',
  'non-ionizing': 'no ionising radiation',
  unknown: 'unknown',
}

/** The engine's next step, in words (the recommendation panel, the sheet, the FHIR export). */
export const NEXT_ACTION_LABELS: Readonly<Record<NextAction, string>> = {
  image: 'Image',
  'tumor-board': 'Discuss at the neuroendocrine tumour board',
  'clinician-review': 'Radiologist review: the guideline does not decide this case',
  'end-surveillance': 'Routine imaging can stop',
}
