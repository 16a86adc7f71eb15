import dcmjs from 'dcmjs'

// Synthetic DICOM built in the tests with dcmjs (no patient data, no files from elsewhere): CT and
// PET image instances, a CT Radiation Dose SR (TID 10011) with its irradiation events, and a
// Radiopharmaceutical Radiation Dose SR (TID 10021).

const { DicomMetaDictionary, DicomDict } = dcmjs.data

export const SOP = {
  ctImage: '1.2.840.10008.5.1.4.1.1.2',
  mrImage: '1.2.840.10008.5.1.4.1.1.4',
  petImage: '1.2.840.10008.5.1.4.1.1.128',
  ctDoseSr: '1.2.840.10008.5.1.4.1.1.88.67',
  rpDoseSr: '1.2.840.10008.5.1.4.1.1.88.68',
  basicTextSr: '1.2.840.10008.5.1.4.1.1.88.11',
} as const

const EXPLICIT_LE = '1.2.840.10008.1.2.1'

let counter = 0
/** A fresh UID under a test root (2.25 is the UUID-derived root; digits only). */
export function uid(): string {
  counter++
  return `2.25.${Date.now() % 1e9}${process.pid}${String(counter).padStart(6, '0')}`
}

type Ds = Record<string, unknown>

/** A Part 10 file of a naturalized dataset (with its SOP class and instance). */
export function part10(ds: Ds): Uint8Array {
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ds['SOPClassUID'],
    MediaStorageSOPInstanceUID: ds['SOPInstanceUID'],
    TransferSyntaxUID: EXPLICIT_LE,
    ImplementationClassUID: '2.25.1234567',
    ImplementationVersionName: 'PNET-TEST',
  })
  const dict = new DicomDict(meta)
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds)
  return new Uint8Array(dict.write())
}

export interface StudyIds {
  patientId: string
  patientName: string
  studyInstanceUid: string
  studyDate: string // YYYYMMDD
  studyDescription: string
  accessionNumber: string
}

function common(s: StudyIds, modality: string, series: string, sopClass: string, n: number): Ds {
  return {
    SOPClassUID: sopClass,
    SOPInstanceUID: uid(),
    StudyInstanceUID: s.studyInstanceUid,
    SeriesInstanceUID: series,
    PatientID: s.patientId,
    PatientName: s.patientName,
    PatientBirthDate: '19600101',
    PatientSex: 'O',
    StudyDate: s.studyDate,
    StudyTime: '101500',
    StudyDescription: s.studyDescription,
    AccessionNumber: s.accessionNumber,
    StudyID: '1',
    ReferringPhysicianName: '',
    Modality: modality,
    SeriesNumber: String(n),
    InstanceNumber: '1',
    Manufacturer: 'pNET test',
  }
}

/** A small image instance (8×8 pixels) of a CT, MR or PET series. */
export function imageInstance(
  s: StudyIds,
  modality: 'CT' | 'MR' | 'PT',
  series: string,
  bodyPart: string,
): Uint8Array {
  const sop = modality === 'CT' ? SOP.ctImage : modality === 'MR' ? SOP.mrImage : SOP.petImage
  return part10({
    ...common(s, modality, series, sop, 2),
    BodyPartExamined: bodyPart,
    SeriesDescription: `${modality} ${bodyPart.toLowerCase()}`,
    ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: 8,
    Columns: 8,
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    PixelData: [new Uint16Array(64).buffer],
    _vrMap: { PixelData: 'OW' },
  })
}

const code = (value: string, scheme: string, meaning: string) => ({
  CodeValue: value,
  CodingSchemeDesignator: scheme,
  CodeMeaning: meaning,
})
const container = (concept: ReturnType<typeof code>, content: Ds[]): Ds => ({
  RelationshipType: 'CONTAINS',
  ValueType: 'CONTAINER',
  ConceptNameCodeSequence: [concept],
  ContinuityOfContent: 'SEPARATE',
  ContentSequence: content,
})
const num = (concept: ReturnType<typeof code>, value: number, unit: string): Ds => ({
  RelationshipType: 'CONTAINS',
  ValueType: 'NUM',
  ConceptNameCodeSequence: [concept],
  MeasuredValueSequence: [{ NumericValue: value, MeasurementUnitsCodeSequence: [code(unit, 'UCUM', unit)] }],
})
const codeItem = (concept: ReturnType<typeof code>, value: ReturnType<typeof code>): Ds => ({
  RelationshipType: 'CONTAINS',
  ValueType: 'CODE',
  ConceptNameCodeSequence: [concept],
  ConceptCodeSequence: [value],
})
const uidItem = (concept: ReturnType<typeof code>, value: string): Ds => ({
  RelationshipType: 'CONTAINS',
  ValueType: 'UIDREF',
  ConceptNameCodeSequence: [concept],
  UID: value,
})

export const REGION_CODES = {
  chest: code('43799004', 'SCT', 'Chest'),
  abdomenPelvis: code('818982008', 'SCT', 'Abdomen and Pelvis'),
  abdomen: code('818981001', 'SCT', 'Abdomen'),
  wholeBody: code('38266002', 'SCT', 'Entire body'),
} as const

export interface CtEvent {
  ctdiVolMgy: number | null
  dlpMgyCm: number | null
  region: ReturnType<typeof code> | null
  eventUid?: string
  /** A localizer: no CT Dose container at all. */
  localizer?: boolean
}

/** A CT Radiation Dose SR (TID 10011) with the given events and total DLP. */
export function ctDoseReport(
  s: StudyIds,
  events: readonly CtEvent[],
  totalDlpMgyCm: number | null,
  opts: { series?: string; dlpUnit?: string } = {},
): Uint8Array {
  const unit = opts.dlpUnit ?? 'mGy.cm'
  const acquisitions = events.map((e) => {
    const content: Ds[] = [
      codeItem(code('125203', 'DCM', 'Acquisition Protocol'), code('x', '99PNET', 'Abdomen routine')),
      codeItem(
        code('113820', 'DCM', 'CT Acquisition Type'),
        e.localizer
          ? code('113805', 'DCM', 'Constant Angle Acquisition')
          : code('P5-08001', 'SRT', 'Spiral Acquisition'),
      ),
      uidItem(code('113769', 'DCM', 'Irradiation Event UID'), e.eventUid ?? uid()),
    ]
    if (e.region) content.push(codeItem(code('123014', 'DCM', 'Target Region'), e.region))
    if (!e.localizer) {
      const dose: Ds[] = []
      if (e.ctdiVolMgy !== null) dose.push(num(code('113830', 'DCM', 'Mean CTDIvol'), e.ctdiVolMgy, 'mGy'))
      if (e.dlpMgyCm !== null) dose.push(num(code('113838', 'DCM', 'DLP'), e.dlpMgyCm, unit))
      content.push(container(code('113829', 'DCM', 'CT Dose'), dose))
    }
    return container(code('113819', 'DCM', 'CT Acquisition'), content)
  })
  const accumulated: Ds[] = []
  if (totalDlpMgyCm !== null)
    accumulated.push(num(code('113813', 'DCM', 'CT Dose Length Product Total'), totalDlpMgyCm, unit))
  return part10({
    ...common(s, 'SR', opts.series ?? uid(), SOP.ctDoseSr, 99),
    SeriesDescription: 'Dose Report',
    ValueType: 'CONTAINER',
    ContinuityOfContent: 'SEPARATE',
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    ConceptNameCodeSequence: [code('113701', 'DCM', 'X-Ray Radiation Dose Report')],
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '10011' }],
    ContentSequence: [
      codeItem(
        code('121058', 'DCM', 'Procedure reported'),
        code('P5-08000', 'SRT', 'Computed Tomography X-Ray'),
      ),
      container(code('113811', 'DCM', 'CT Accumulated Dose Data'), accumulated),
      ...acquisitions,
    ],
  })
}

/** A Radiopharmaceutical Radiation Dose SR (TID 10021): one administration. */
export function radiopharmaceuticalDoseReport(
  s: StudyIds,
  a: { agent: string; radionuclide: string; activityMbq: number | null },
  opts: { series?: string } = {},
): Uint8Array {
  const admin: Ds[] = [
    codeItem(code('349358000', 'SCT', 'Radiopharmaceutical agent'), code('x1', '99PNET', a.agent)),
    codeItem(code('89457008', 'SCT', 'Radionuclide'), code('x2', '99PNET', a.radionuclide)),
    uidItem(code('113503', 'DCM', 'Radiopharmaceutical Administration Event UID'), uid()),
  ]
  if (a.activityMbq !== null)
    admin.push(num(code('113507', 'DCM', 'Administered activity'), a.activityMbq, 'MBq'))
  return part10({
    ...common(s, 'SR', opts.series ?? uid(), SOP.rpDoseSr, 98),
    SeriesDescription: 'Radiopharmaceutical dose report',
    ValueType: 'CONTAINER',
    ContinuityOfContent: 'SEPARATE',
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    ConceptNameCodeSequence: [code('113500', 'DCM', 'Radiopharmaceutical Radiation Dose Report')],
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '10021' }],
    ContentSequence: [container(code('113502', 'DCM', 'Radiopharmaceutical Administration'), admin)],
  })
}

/** A study's identifiers for a patient. */
export function studyIds(patientId: string, date: string, description: string): StudyIds {
  return {
    patientId,
    patientName: 'Test^Patient',
    studyInstanceUid: uid(),
    studyDate: date.replaceAll('-', ''),
    studyDescription: description,
    accessionNumber: `ACC${String(++counter).padStart(6, '0')}`,
  }
}
