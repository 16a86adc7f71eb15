import {
  ctDoseReport,
  imageInstance,
  radiopharmaceuticalDoseReport,
  REGION_CODES,
  studyIds,
  uid,
  type StudyIds,
} from './dicom'
import type { RunningOrthanc } from './orthanc'

/** What the seeded PACS holds for one patient (and one study of someone else). */
export interface SeededPacs {
  ct: StudyIds
  pet: StudyIds
  mr: StudyIds
  unmapped: StudyIds
  other: StudyIds
}

/**
 * Uploads synthetic studies for `patientId`: a CT abdomen/pelvis (images and a CT dose report
 * with a chest and an abdomen-pelvis event), a DOTATATE PET/CT (PET and CT images, its CT dose
 * report and its radiopharmaceutical dose report), an MRI (no dose), a CT whose description no
 * mapping rule knows, and a study of another patient.
 */
export async function seedPacs(o: RunningOrthanc, patientId: string): Promise<SeededPacs> {
  const ct = studyIds(patientId, '2025-03-10', 'CT ABDOMEN PELVIS WITH CONTRAST')
  const ctSeries = uid()
  await o.upload(imageInstance(ct, 'CT', ctSeries, 'ABDOMEN'))
  await o.upload(imageInstance(ct, 'CT', ctSeries, 'ABDOMEN'))
  await o.upload(
    ctDoseReport(
      ct,
      [
        { ctdiVolMgy: null, dlpMgyCm: null, region: REGION_CODES.chest, localizer: true },
        { ctdiVolMgy: 7.5, dlpMgyCm: 300, region: REGION_CODES.chest },
        { ctdiVolMgy: 12.1, dlpMgyCm: 500, region: REGION_CODES.abdomenPelvis },
      ],
      800,
    ),
  )

  const pet = studyIds(patientId, '2025-09-15', 'PET CT DOTATATE SKULL BASE TO MID THIGH')
  await o.upload(imageInstance(pet, 'PT', uid(), 'WHOLEBODY'))
  await o.upload(imageInstance(pet, 'CT', uid(), 'WHOLEBODY'))
  await o.upload(ctDoseReport(pet, [{ ctdiVolMgy: 3.2, dlpMgyCm: 250, region: REGION_CODES.abdomen }], 250))
  await o.upload(
    radiopharmaceuticalDoseReport(pet, {
      agent: 'Ga-68 DOTATATE',
      radionuclide: '^68^Gallium',
      activityMbq: 150,
    }),
  )

  const mr = studyIds(patientId, '2026-02-02', 'MRI ABDOMEN PELVIS WITHOUT AND WITH CONTRAST')
  await o.upload(imageInstance(mr, 'MR', uid(), 'ABDOMEN'))

  const unmapped = studyIds(patientId, '2024-11-05', 'CT LIVER TRIPHASIC')
  await o.upload(imageInstance(unmapped, 'CT', uid(), 'ABDOMEN'))
  await o.upload(
    ctDoseReport(unmapped, [{ ctdiVolMgy: 14, dlpMgyCm: 600, region: REGION_CODES.abdomen }], 600),
  )

  const other = studyIds(`${patientId}-OTHER`, '2025-05-05', 'CT ABDOMEN PELVIS WITH CONTRAST')
  await o.upload(imageInstance(other, 'CT', uid(), 'ABDOMEN'))
  return { ct, pet, mr, unmapped, other }
}
