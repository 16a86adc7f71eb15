// The pNET guideline pack as data. What is known, and from where (engine/README.md, "Sources and
// what the pack holds"; docs/sources.md): the founding article rates four procedures for
// follow-up of non-liver-dominant disease; for each other variant only the headline study was
// seen. Every other variant x procedure cell is absent here and therefore `not-loaded`: it is
// shown as such and never used to choose a study. To extend the pack, add a cell with its
// provenance and source, bump `version`, and run the pack tests (see engine/README.md).
import type { GuidelinePackData } from './types'
import { SOURCES } from './sources'

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const CT = 'ct-abdomen-pelvis-with-iv-contrast'
const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh'

const BASELINE_NOW = { min: 0, max: 1, source: 'app-rule' } as const

export const ACR_PNET_DATA: GuidelinePackData = {
  id: 'acr-pnet',
  version: '2026.1',
  title:
    'ACR Appropriateness Criteria, pancreatic neuroendocrine tumour variants (as read via the GigHz series)',
  sources: SOURCES,
  rrlBands: [
    { level: 'O', adultMinMsv: 0, adultMaxMsv: 0, source: 'acr_rrl' },
    { level: '☢', adultMinMsv: 0, adultMaxMsv: 0.1, source: 'acr_rrl_low' },
    { level: '☢☢', adultMinMsv: 0.1, adultMaxMsv: 1, source: 'acr_rrl_low' },
    { level: '☢☢☢', adultMinMsv: 1, adultMaxMsv: 10, source: 'acr_rrl' },
    { level: '☢☢☢☢', adultMinMsv: 10, adultMaxMsv: 30, source: 'acr_rrl_pet' },
    { level: '☢☢☢☢☢', adultMinMsv: 30, adultMaxMsv: 100, source: 'acr_rrl_glossary' },
  ],
  procedures: [
    {
      id: MRI,
      acrName: 'MRI abdomen and pelvis without and with IV contrast',
      label: 'MRI abdomen/pelvis without and with contrast',
      modality: 'MR',
      contrast: 'gadolinium',
      rrl: 'O',
      rrlSource: 'seed',
      typical: { kind: 'fixed', msv: 0, source: 'acr_rrl' },
    },
    {
      id: CT,
      acrName: 'CT abdomen and pelvis with IV contrast',
      label: 'CT abdomen/pelvis with contrast',
      modality: 'CT',
      contrast: 'iodinated',
      rrl: '☢☢☢',
      rrlSource: 'seed',
      typical: { kind: 'fixed', msv: 10, source: 'dose_chart', note: 'single phase; AAPM 96 range 8-14 mSv' },
    },
    {
      id: DOTATATE,
      acrName: 'DOTATATE PET/CT skull base to mid-thigh',
      label: 'DOTATATE PET/CT',
      modality: 'PET/CT',
      contrast: null,
      rrl: null,
      rrlSource: null,
      typical: { kind: 'radiopharmaceutical', agent: 'ga68-dotatate', source: 'netspot_label' },
    },
    {
      id: 'endoscopic-us',
      acrName: 'US abdomen endoscopic',
      label: 'Endoscopic ultrasound',
      modality: 'US',
      contrast: null,
      rrl: 'O',
      rrlSource: 'inferred',
      typical: { kind: 'fixed', msv: 0, source: 'inferred' },
    },
    {
      id: 'fdg-pet-ct-skull-base-to-mid-thigh',
      acrName: 'FDG-PET/CT skull base to mid-thigh',
      label: 'FDG PET/CT',
      modality: 'PET/CT',
      contrast: null,
      rrl: '☢☢☢☢',
      rrlSource: 'acr_rrl_pet',
      typical: { kind: 'radiopharmaceutical', agent: 'f18-fdg', source: 'snmmi_fdg' },
    },
    {
      id: 'in111-pentetreotide-spect-ct',
      acrName: 'In-111 pentetreotide SPECT/CT',
      label: 'In-111 pentetreotide SPECT/CT',
      modality: 'NM',
      contrast: null,
      rrl: null,
      rrlSource: null,
      typical: { kind: 'radiopharmaceutical', agent: 'in111-pentetreotide', source: 'drugs_octreoscan' },
    },
    {
      id: 'ct-chest-with-iv-contrast',
      acrName: 'CT chest with IV contrast',
      label: 'CT chest with contrast',
      modality: 'CT',
      contrast: 'iodinated',
      rrl: null,
      rrlSource: null,
      typical: { kind: 'fixed', msv: 7, source: 'dose_chart' },
    },
    {
      id: 'ct-chest-without-iv-contrast',
      acrName: 'CT chest without IV contrast',
      label: 'CT chest without contrast',
      modality: 'CT',
      contrast: null,
      rrl: null,
      rrlSource: null,
      typical: { kind: 'fixed', msv: 7, source: 'dose_chart' },
    },
    {
      id: 'us-abdomen',
      acrName: 'US abdomen',
      label: 'Ultrasound abdomen',
      modality: 'US',
      contrast: null,
      rrl: 'O',
      rrlSource: 'acr_rrl',
      typical: { kind: 'fixed', msv: 0, source: 'acr_rrl' },
    },
    {
      id: 'mri-targeted-region',
      acrName: 'MRI of a symptomatic region',
      label: 'MRI of the symptomatic region',
      modality: 'MR',
      contrast: null,
      rrl: 'O',
      rrlSource: 'acr_rrl',
      typical: { kind: 'fixed', msv: 0, source: 'acr_rrl' },
    },
  ],
  variants: [
    {
      id: 'follow-up-non-liver-dominant',
      title: 'Follow-up of treated pNET whose burden lies mainly outside the liver',
      inclusion: [
        'histologically confirmed pNET',
        'already treated, now followed for response or recurrence',
        'most of the tumour volume is outside the liver (small liver metastases may exist)',
      ],
      source: 'seed',
      cells: [
        { procedure: MRI, rating: 'usually-appropriate', provenance: 'seed', source: 'seed' },
        { procedure: CT, rating: 'usually-appropriate', provenance: 'seed', source: 'seed' },
        { procedure: DOTATATE, rating: 'usually-appropriate', provenance: 'seed', source: 'seed' },
        { procedure: 'endoscopic-us', rating: 'usually-not-appropriate', provenance: 'seed', source: 'seed' },
      ],
      intervals: {
        routine: { min: 6, max: 12, source: 'seed' },
        short: { min: 3, max: 4, source: 'seed' },
        baseline: BASELINE_NOW,
      },
      offers: {
        // MRI first, CT when MRI cannot be done; DOTATATE PET/CT only in the situations below.
        routine: { procedures: [MRI, CT], source: 'seed' },
        progression: { procedures: [DOTATATE], source: 'seed' },
        indeterminate: { procedures: [DOTATATE], source: 'seed' },
        localizedSymptoms: { procedures: [DOTATATE], source: 'seed' },
        clinicalSuspicion: { procedures: [DOTATATE], source: 'seed' },
      },
    },
    {
      id: 'follow-up-liver-dominant',
      title: 'Follow-up of treated pNET whose burden lies mainly in the liver',
      inclusion: [
        'pathology-proven pNET',
        'treated (liver-directed, ablative or systemic therapy), now followed',
        'most of the tumour volume is in the liver',
      ],
      source: 'gighz_liver',
      cells: [{ procedure: MRI, rating: 'usually-appropriate', provenance: 'seen', source: 'gighz_liver' }],
      intervals: {
        routine: { min: 6, max: 12, source: 'app-rule' },
        short: { min: 3, max: 4, source: 'app-rule' },
        baseline: BASELINE_NOW,
      },
    },
    {
      id: 'post-resection-surveillance',
      title: 'Routine surveillance after complete resection, no suspected recurrence',
      inclusion: [
        'complete surgical resection, no known residual disease',
        'no symptoms that suggest recurrence',
        'no clinical or biochemical suspicion of recurrence',
      ],
      source: 'gighz_postres',
      cells: [{ procedure: CT, rating: 'usually-appropriate', provenance: 'seen', source: 'gighz_postres' }],
      intervals: {
        routine: { min: 6, max: 12, source: 'nccn_digest_a' },
        short: { min: 3, max: 4, source: 'app-rule' },
        baseline: BASELINE_NOW,
        afterResection: { min: 3, max: 12, source: 'nccn_digest_b' },
      },
      stopAfterYears: { years: 10, source: 'nccn_digest_b' },
    },
    {
      id: 'untreated-surveillance',
      title: 'Active surveillance of a known, untreated pNET',
      inclusion: [
        'known pNET deliberately watched without treatment',
        'typically small (under 2 cm), without symptoms, low grade and non-functioning',
      ],
      source: 'gighz_untreated',
      cells: [
        { procedure: MRI, rating: 'usually-appropriate', provenance: 'seen', source: 'gighz_untreated' },
      ],
      intervals: {
        routine: { min: 6, max: 12, source: 'app-rule' },
        short: { min: 3, max: 4, source: 'app-rule' },
        baseline: BASELINE_NOW,
      },
    },
    {
      id: 'initial-staging',
      title: 'Staging of a newly diagnosed, not yet treated pNET',
      inclusion: ['new pNET, proven or strongly suspected', 'not yet treated', 'baseline staging not done'],
      source: 'gighz_staging',
      cells: [{ procedure: MRI, rating: 'usually-appropriate', provenance: 'seen', source: 'gighz_staging' }],
      intervals: { routine: null, short: null, baseline: BASELINE_NOW },
    },
  ],
}
