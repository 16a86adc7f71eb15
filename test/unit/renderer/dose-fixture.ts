// A patient's DoseView built with the real engine functions, the way electron/api/services/dose.ts
// builds it, for the dose panel and CSV tests.
import type { DoseView, Settings, StudyRecord } from '../../../electron/contract/contract'
import type { DoseInput } from '../../../db/types'
import { toStudy } from '../../../db/case'
import { doseAvoided, doseLedger, estimateWorking, projectDose } from '../../../engine/dose'
import { ACR_PNET, type LoadedPack } from '../../../engine/guideline'
import type { ProcedureId, Study } from '../../../engine/types'

export const MRI: ProcedureId = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
export const CT: ProcedureId = 'ct-abdomen-pelvis-with-iv-contrast'
export const PET: ProcedureId = 'dotatate-pet-ct-skull-base-to-mid-thigh'

const NO_DOSE: DoseInput = {
  effectiveMsv: null,
  ctdiVolMgy: null,
  dlpMgyCm: null,
  region: null,
  activityMbq: null,
  agent: null,
}

export function studyRecord(
  index: number,
  date: string,
  procedure: ProcedureId,
  dose: Partial<DoseInput> = {},
): StudyRecord {
  return {
    id: index + 1,
    patientId: 1,
    createdAt: `${date}T10:00:00.000Z`,
    enteredInError: null,
    studyInstanceUid: null,
    accessionNumber: null,
    doseSource: null,
    doseEvents: [],
    version: 1,
    date,
    procedure,
    result: 'stable',
    lesions: [],
    dose: { ...NO_DOSE, ...dose },
    note: null,
  }
}

/**
 * Five studies, oldest first: a CT with its DLP (9.0 mSv), a Ga-68 DOTATATE PET/CT with activity and
 * CT part (3.15 + 6.0), an MRI, a CT with nothing recorded (typical 10 mSv, estimated) and a
 * Cu-64 DOTATATE PET/CT (no coefficient: unknown).
 */
export const STUDIES: StudyRecord[] = [
  studyRecord(0, '2024-03-01', CT, { dlpMgyCm: 600, region: 'abdomen-pelvis', ctdiVolMgy: 12.5 }),
  studyRecord(1, '2024-09-02', PET, {
    agent: 'ga68-dotatate',
    activityMbq: 150,
    dlpMgyCm: 400,
    region: 'chest-abdomen-pelvis',
  }),
  studyRecord(2, '2025-03-03', MRI),
  studyRecord(3, '2025-09-01', CT),
  studyRecord(4, '2026-01-12', PET, { agent: 'cu64-dotatate', activityMbq: 148, dlpMgyCm: 300 }),
]

export const TODAY = '2026-04-01'

const toStudies = (records: readonly StudyRecord[]): Study[] => records.map(toStudy)

export function doseViewOf(
  records: readonly StudyRecord[] = STUDIES,
  settings: Pick<Settings, 'kFactors' | 'cu64DotatateMsvPerMbq'> = {
    kFactors: 'aapm96',
    cu64DotatateMsvPerMbq: null,
  },
  plan: ProcedureId | null = MRI,
  pack: LoadedPack = ACR_PNET,
): DoseView {
  const options = {
    pack,
    kFactors: settings.kFactors,
    ...(settings.cu64DotatateMsvPerMbq !== null
      ? { siteCoefficients: { 'cu64-dotatate': settings.cu64DotatateMsvPerMbq } }
      : {}),
    weightKg: 80,
    asOf: TODAY,
  }
  const studies = toStudies(records)
  const ratings = pack.variants['follow-up-non-liver-dominant'].ratings
  const interval = { min: 6, max: 12 }
  const project = (procedure: ProcedureId) =>
    projectDose({ procedure, intervalMonths: interval, years: 5, options })
  const ledger = doseLedger(studies, options)
  return {
    ledger,
    working: ledger.studies.map((e) => estimateWorking(studies[e.index]!, e, options)),
    avoided: doseAvoided(studies, ratings, options),
    projection: { years: 5, plan: plan ? project(plan) : null, mri: project(MRI), ct: project(CT) },
    kFactors: settings.kFactors,
    cu64DotatateMsvPerMbq: settings.cu64DotatateMsvPerMbq,
  }
}
