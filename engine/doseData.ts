// Dose constants as data, each with its source key (see ./guideline/sources.ts and
// docs/sources.md, "Doses"). Nothing here is invented: where a value was not
// found, it is `null` and the dose code says the estimate is unknown.
import type { Agent, DoseRegion, KFactorSet, ProcedureId } from './types'

export interface AgentData {
  label: string
  /** Effective dose per administered activity, mSv/MBq; `null` = not known. */
  coefficientMsvPerMbq: number | null
  coefficientSource: string
  /** Activity assumed when none was recorded. */
  defaultActivity:
    | { kind: 'per-kg'; mbqPerKg: number; capMbq: number; withoutWeightMbq: number; source: string }
    | { kind: 'fixed'; mbq: number; source: string }
}

export const AGENT_DATA: Readonly<Record<Agent, AgentData>> = {
  'ga68-dotatate': {
    label: 'Ga-68 DOTATATE',
    // Label: 3.15 mSv for 150 MBq in a 75 kg adult -> 0.021 mSv/MBq.
    coefficientMsvPerMbq: 0.021,
    coefficientSource: 'netspot_label',
    // 2 MBq/kg up to 200 MBq; without a weight, the label's 75 kg reference adult (150 MBq).
    defaultActivity: {
      kind: 'per-kg',
      mbqPerKg: 2,
      capMbq: 200,
      withoutWeightMbq: 150,
      source: 'drugs_ga68',
    },
  },
  'cu64-dotatate': {
    label: 'Cu-64 DOTATATE',
    // The label's dosimetry section was not read (domain-facts §3.2, gap 4): ask the site.
    coefficientMsvPerMbq: null,
    coefficientSource: 'detectnet_label',
    defaultActivity: { kind: 'fixed', mbq: 148, source: 'detectnet_label' },
  },
  'in111-pentetreotide': {
    label: 'In-111 pentetreotide',
    coefficientMsvPerMbq: 0.08,
    coefficientSource: 'walker_dosimetry',
    defaultActivity: { kind: 'fixed', mbq: 222, source: 'drugs_octreoscan' },
  },
  'f18-fdg': {
    label: 'F-18 FDG',
    coefficientMsvPerMbq: 0.019,
    coefficientSource: 'snmmi_fdg',
    defaultActivity: { kind: 'fixed', mbq: 370, source: 'snmmi_fdg' },
  },
}

/**
 * The radiopharmaceuticals each procedure can be done with (its label and the pack's typical
 * agent): a DOTATATE PET/CT is Ga-68 or Cu-64 DOTATATE, never F-18 FDG. Procedures without a
 * radiopharmaceutical have none. `studyEntrySchema` refuses an agent that does not fit, so a study
 * is never dosed with another tracer's coefficient.
 */
export const PROCEDURE_AGENTS: Readonly<Record<ProcedureId, readonly Agent[]>> = {
  'mri-abdomen-pelvis-without-and-with-iv-contrast': [],
  'ct-abdomen-pelvis-with-iv-contrast': [],
  'dotatate-pet-ct-skull-base-to-mid-thigh': ['ga68-dotatate', 'cu64-dotatate'],
  'endoscopic-us': [],
  'fdg-pet-ct-skull-base-to-mid-thigh': ['f18-fdg'],
  'in111-pentetreotide-spect-ct': ['in111-pentetreotide'],
  'ct-chest-with-iv-contrast': [],
  'ct-chest-without-iv-contrast': [],
  'us-abdomen': [],
  'mri-targeted-region': [],
}

/**
 * CT effective dose per DLP, mSv/(mGy·cm), by region (domain-facts §4, radclass table).
 * `abdomen-pelvis` uses the abdomen and pelvis value of the AAPM 96 column (both 0.015); the
 * ICRP 103 column has no combined abdomen-pelvis value, so it is `null` there and the AAPM 96
 * value is used with a flag.
 */
export const K_FACTORS: Readonly<Record<KFactorSet, Readonly<Record<DoseRegion, number | null>>>> = {
  aapm96: {
    head: 0.0021,
    neck: 0.0059,
    chest: 0.014,
    abdomen: 0.015,
    pelvis: 0.015,
    'abdomen-pelvis': 0.015,
    'chest-abdomen-pelvis': 0.015,
  },
  icrp103: {
    head: 0.0019,
    neck: 0.0051,
    chest: 0.0145,
    abdomen: 0.0153,
    pelvis: 0.0129,
    'abdomen-pelvis': null,
    'chest-abdomen-pelvis': 0.0152,
  },
}
export const K_FACTOR_SOURCE = 'k_factors'

/**
 * Region assumed for the CT (or the CT part) of a procedure when the study did not record one.
 * Skull base to mid-thigh is the trunk (domain-facts §4 engine default); the SPECT/CT field is
 * usually the abdomen (inferred; abdomen, pelvis and trunk share k = 0.015 in AAPM 96).
 */
export const DEFAULT_CT_REGION: Readonly<Partial<Record<ProcedureId, DoseRegion>>> = {
  'ct-abdomen-pelvis-with-iv-contrast': 'abdomen-pelvis',
  'ct-chest-with-iv-contrast': 'chest',
  'ct-chest-without-iv-contrast': 'chest',
  'dotatate-pet-ct-skull-base-to-mid-thigh': 'chest-abdomen-pelvis',
  'fdg-pet-ct-skull-base-to-mid-thigh': 'chest-abdomen-pelvis',
  'in111-pentetreotide-spect-ct': 'abdomen',
}

/**
 * A non-ionising study that replaced an ionising one rated alike in the same variant:
 * each MRI of the abdomen and pelvis done while CT of the abdomen and pelvis was also usually
 * appropriate avoided one typical CT dose.
 */
export const DOSE_AVOIDANCE_PAIRS: readonly { done: ProcedureId; instead: ProcedureId }[] = [
  { done: 'mri-abdomen-pelvis-without-and-with-iv-contrast', instead: 'ct-abdomen-pelvis-with-iv-contrast' },
]
