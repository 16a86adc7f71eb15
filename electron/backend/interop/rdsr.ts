import dcmjs from 'dcmjs'
import type { Agent, DoseRegion } from '../../../engine'
import type { DoseEventInput } from '../../../db/types'

// Radiation Dose Structured Reports, read with dcmjs (docs/interop.md):
// - CT Radiation Dose SR (the X-Ray Radiation Dose SR storage class, 1.2.840.10008.5.1.4.1.1.88.67,
//   with template TID 10011 "CT Radiation Dose"): per irradiation event (TID 10013 "CT
//   Acquisition") the Mean CTDIvol (DCM 113830, mGy), the DLP (DCM 113838, mGy·cm), the target
//   region (DCM 123014) and the event's UID (DCM 113769); and the study's total DLP (DCM 113813 in
//   "CT Accumulated Dose Data", DCM 113811).
// - Radiopharmaceutical Radiation Dose SR (1.2.840.10008.5.1.4.1.1.88.68, TID 10021): per
//   administration (DCM 113502) the agent (SCT 349358000), the radionuclide (SCT 89457008), the
//   administered activity (DCM 113507, MBq) and the administration's UID (DCM 113503).
// Concepts are found by code value, or by the code meaning where sites' systems use older codes.
// Every problem is a typed error (`DicomFileError`); nothing is guessed: a region or an agent that
// is not one of ours is kept as the report wrote it and left out of the codes.

export const SOP_CT_DOSE_SR = '1.2.840.10008.5.1.4.1.1.88.67'
export const SOP_RADIOPHARMACEUTICAL_DOSE_SR = '1.2.840.10008.5.1.4.1.1.88.68'
export const DOSE_SR_CLASSES: readonly string[] = [SOP_CT_DOSE_SR, SOP_RADIOPHARMACEUTICAL_DOSE_SR]

/** The largest DICOM file read (a dose report is kilobytes; a CT image rarely over a few MB). */
export const MAX_DICOM_BYTES = 64 * 1024 * 1024

export type DicomErrorCode =
  | 'not-dicom'
  | 'damaged'
  | 'too-large'
  | 'wrong-sop-class'
  | 'missing-values'
  | 'unexpected-unit'
  | 'other-patient'

export class DicomFileError extends Error {
  override readonly name = 'DicomFileError'
  constructor(
    readonly code: DicomErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export interface DoseReport {
  kind: 'ct' | 'radiopharmaceutical'
  sopClassUid: string
  sopInstanceUid: string
  studyInstanceUid: string
  seriesInstanceUid: string | null
  patientId: string
  /** YYYY-MM-DD, from the Study Date. */
  studyDate: string
  studyDescription: string | null
  accessionNumber: string | null
  /** CT: the study's total DLP as the report gave it (mGy·cm); null when it gave none. */
  totalDlpMgyCm: number | null
  events: DoseEventInput[]
}

interface Item {
  ConceptNameCodeSequence?: unknown
  ConceptCodeSequence?: unknown
  MeasuredValueSequence?: unknown
  ContentSequence?: unknown
  ValueType?: string
  UID?: unknown
  TextValue?: unknown
}
interface Code {
  CodeValue?: string
  CodingSchemeDesignator?: string
  CodeMeaning?: string
}

// dcmjs gives a one-item sequence as an array or as the item itself, depending on the path.
const items = (x: unknown): Item[] => (Array.isArray(x) ? (x as Item[]) : x ? [x as Item] : [])
/** The first code of a code sequence, with only the string values kept (a damaged file may hold others). */
function firstCode(x: unknown): Code | null {
  const c = items(x)[0] as Record<string, unknown> | undefined
  if (!c || typeof c !== 'object') return null
  const s = (v: unknown) =>
    typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined
  return {
    CodeValue: s(c['CodeValue']),
    CodingSchemeDesignator: s(c['CodingSchemeDesignator']),
    CodeMeaning: s(c['CodeMeaning']),
  }
}

/** The concept of an item matches a code (by value) or one of the meanings (without case). */
function is(item: Item, codes: readonly string[], meanings: readonly string[]): boolean {
  const c = firstCode(item.ConceptNameCodeSequence)
  if (!c) return false
  if (c.CodeValue && codes.includes(c.CodeValue)) return true
  const m = c.CodeMeaning?.trim().toLowerCase()
  return m !== undefined && meanings.includes(m)
}

function find(list: readonly Item[], codes: readonly string[], meanings: readonly string[]): Item | null {
  return list.find((i) => is(i, codes, meanings)) ?? null
}

/** Every item at any depth whose concept matches. */
function findAll(list: readonly Item[], codes: readonly string[], meanings: readonly string[]): Item[] {
  const out: Item[] = []
  const walk = (xs: readonly Item[], depth: number) => {
    if (depth > 20) return
    for (const i of xs) {
      if (is(i, codes, meanings)) out.push(i)
      walk(items(i.ContentSequence), depth + 1)
    }
  }
  walk(list, 0)
  return out
}

/** A NUM item's value in one of the accepted units, or null when the report has no value. */
function numeric(item: Item | null, units: readonly string[], what: string): number | null {
  if (!item) return null
  const mv = items(item.MeasuredValueSequence)[0] as
    { NumericValue?: unknown; MeasurementUnitsCodeSequence?: unknown } | undefined
  if (!mv) return null
  const raw = Array.isArray(mv.NumericValue) ? mv.NumericValue[0] : mv.NumericValue
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN
  if (!Number.isFinite(value) || value < 0)
    throw new DicomFileError('missing-values', `${what} is not a number.`)
  const unit = firstCode(mv.MeasurementUnitsCodeSequence)?.CodeValue ?? ''
  if (!units.includes(unit))
    throw new DicomFileError(
      'unexpected-unit',
      `${what} is given in “${unit || 'no unit'}”, not ${units[0]}.`,
    )
  return value
}

function text(x: unknown): string | null {
  const v = Array.isArray(x) ? x[0] : x
  if (typeof v === 'string') return v.trim() || null
  if (v && typeof v === 'object' && 'Alphabetic' in v)
    return String((v as { Alphabetic: unknown }).Alphabetic).trim() || null
  return null
}

/** DICOM DA (YYYYMMDD) as YYYY-MM-DD, or null. */
function isoDate(da: string | null): string | null {
  if (!da || !/^\d{8}$/.test(da)) return null
  const d = `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}`
  const t = new Date(`${d}T00:00:00Z`)
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d ? d : null
}

const SNOMED_REGIONS: Readonly<Record<string, DoseRegion>> = {
  // SNOMED CT (SCT) and the older SNOMED RT (SRT) codes of DICOM's CID 4030/4031.
  '69536005': 'head',
  'T-D1100': 'head',
  '45048000': 'neck',
  'T-D1600': 'neck',
  '51185008': 'chest',
  '43799004': 'chest',
  'T-D3000': 'chest',
  '818981001': 'abdomen',
  '113345001': 'abdomen',
  'T-D4000': 'abdomen',
  '816092008': 'pelvis',
  '12921003': 'pelvis',
  'T-D6000': 'pelvis',
  '818982008': 'abdomen-pelvis',
  'T-D0060': 'abdomen-pelvis',
  '416775004': 'chest-abdomen-pelvis',
  'T-D0014': 'chest-abdomen-pelvis',
}
const REGION_WORDS: Readonly<Record<string, DoseRegion>> = {
  head: 'head',
  neck: 'neck',
  chest: 'chest',
  thorax: 'chest',
  abdomen: 'abdomen',
  pelvis: 'pelvis',
  'abdomen and pelvis': 'abdomen-pelvis',
  'abdomen pelvis': 'abdomen-pelvis',
  'chest, abdomen and pelvis': 'chest-abdomen-pelvis',
  'chest abdomen pelvis': 'chest-abdomen-pelvis',
  'thorax, abdomen and pelvis': 'chest-abdomen-pelvis',
}

/** The report's target region as one of our regions, or null when it is not one of them. */
export function regionOf(code: Code | null): DoseRegion | null {
  if (!code) return null
  if (code.CodeValue && SNOMED_REGIONS[code.CodeValue]) return SNOMED_REGIONS[code.CodeValue]!
  const words = code.CodeMeaning?.trim().toLowerCase() ?? ''
  return REGION_WORDS[words] ?? null
}

/** The agent as one of ours, from its words and the radionuclide's; null when it is none of them. */
export function agentOf(agent: string | null, nuclide: string | null): Agent | null {
  const a = (agent ?? '').toLowerCase()
  const n = `${a} ${(nuclide ?? '').toLowerCase()}`.replace(/[^a-z0-9]+/g, '')
  if (/fluorodeoxyglucose|fdg/.test(a)) return 'f18-fdg'
  if (/dotatate/.test(a)) {
    if (/ga68|68ga|gallium68|gallium/.test(n)) return 'ga68-dotatate'
    if (/cu64|64cu|copper64|copper/.test(n)) return 'cu64-dotatate'
    return null
  }
  if (/pentetreotide|octreoscan/.test(a)) return 'in111-pentetreotide'
  return null
}

dcmjs.log.setLevel('error')

function naturalized(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.length > MAX_DICOM_BYTES)
    throw new DicomFileError('too-large', `The file is larger than ${MAX_DICOM_BYTES / 1024 / 1024} MB.`)
  if (bytes.length < 132 || String.fromCharCode(...bytes.subarray(128, 132)) !== 'DICM')
    throw new DicomFileError('not-dicom', 'This is not a DICOM file (no DICM header).')
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  try {
    const dict = dcmjs.data.DicomMessage.readFile(buffer, { ignoreErrors: false })
    return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict) as Record<string, unknown>
  } catch (e) {
    throw new DicomFileError(
      'damaged',
      `The DICOM file is truncated or damaged and cannot be read (${e instanceof Error ? e.message.slice(0, 120) : 'unreadable'}).`,
    )
  }
}

/** The SOP class and instance of a DICOM file, without reading it as a dose report. */
export function sopOf(bytes: Uint8Array): { sopClassUid: string | null; studyInstanceUid: string | null } {
  const ds = naturalized(bytes)
  return { sopClassUid: text(ds['SOPClassUID']), studyInstanceUid: text(ds['StudyInstanceUID']) }
}

/** Reads a DICOM file as a Radiation Dose SR; every problem is a DicomFileError. */
export function readDoseReport(bytes: Uint8Array): DoseReport {
  const ds = naturalized(bytes)
  const sopClassUid = text(ds['SOPClassUID'])
  if (sopClassUid === null || !DOSE_SR_CLASSES.includes(sopClassUid))
    throw new DicomFileError(
      'wrong-sop-class',
      `This DICOM file is not a radiation dose report (SOP class ${sopClassUid ?? 'missing'}).`,
    )
  const need = (key: string, what: string): string => {
    const v = text(ds[key])
    if (v === null) throw new DicomFileError('missing-values', `The report has no ${what}.`)
    return v
  }
  const sopInstanceUid = need('SOPInstanceUID', 'SOP Instance UID')
  const studyInstanceUid = need('StudyInstanceUID', 'Study Instance UID')
  const patientId = need('PatientID', 'Patient ID')
  const studyDate = isoDate(text(ds['StudyDate']))
  if (studyDate === null) throw new DicomFileError('missing-values', 'The report has no valid Study Date.')
  for (const uid of [sopInstanceUid, studyInstanceUid])
    if (!/^[0-9.]{1,64}$/.test(uid))
      throw new DicomFileError('missing-values', `The UID “${uid.slice(0, 70)}” is not valid.`)
  const root = items(ds['ContentSequence'])
  const base = {
    sopClassUid,
    sopInstanceUid,
    studyInstanceUid,
    seriesInstanceUid: text(ds['SeriesInstanceUID']),
    patientId,
    studyDate,
    studyDescription: text(ds['StudyDescription']),
    accessionNumber: text(ds['AccessionNumber']),
  }
  return sopClassUid === SOP_CT_DOSE_SR ? ctReport(base, root) : radiopharmaceuticalReport(base, root)
}

type Base = Omit<DoseReport, 'kind' | 'totalDlpMgyCm' | 'events'>

function ctReport(base: Base, root: readonly Item[]): DoseReport {
  const acquisitions = findAll(root, ['113819'], ['ct acquisition'])
  const events: DoseEventInput[] = []
  acquisitions.forEach((acq, i) => {
    const children = items(acq.ContentSequence)
    const dose = find(children, ['113829'], ['ct dose'])
    const doseItems = dose ? items(dose.ContentSequence) : []
    const ctdi = numeric(find(doseItems, ['113830'], ['mean ctdivol']), ['mGy'], 'CTDIvol')
    const dlp = numeric(find(doseItems, ['113838'], ['dlp']), ['mGy.cm', 'mGy{cm}'], 'DLP')
    // A localizer (a constant-angle scout) often has no CT Dose: nothing to count.
    if (ctdi === null && dlp === null) return
    const target = firstCode(find(children, ['123014'], ['target region'])?.ConceptCodeSequence)
    const uid = text(find(children, ['113769'], ['irradiation event uid'])?.UID)
    const protocol = text(find(children, ['125203'], ['acquisition protocol'])?.TextValue)
    events.push({
      sopInstanceUid: base.sopInstanceUid,
      eventUid: uid && /^[0-9.]{1,64}$/.test(uid) ? uid : `${base.sopInstanceUid}.${i + 1}`.slice(0, 64),
      kind: 'ct',
      ctdiVolMgy: ctdi,
      dlpMgyCm: dlp,
      region: regionOf(target),
      targetRegion: target?.CodeMeaning?.trim().slice(0, 200) || null,
      protocol: protocol?.trim().slice(0, 200) || null,
      agent: null,
      agentText: null,
      activityMbq: null,
    })
  })
  const accumulated = findAll(root, ['113811'], ['ct accumulated dose data'])[0]
  const total = accumulated
    ? numeric(
        find(items(accumulated.ContentSequence), ['113813'], ['ct dose length product total']),
        ['mGy.cm', 'mGy{cm}'],
        'The total DLP',
      )
    : null
  if (events.length === 0 && total === null)
    throw new DicomFileError(
      'missing-values',
      'The CT dose report has no irradiation event with a dose and no total DLP.',
    )
  return { ...base, kind: 'ct', totalDlpMgyCm: total, events }
}

function radiopharmaceuticalReport(base: Base, root: readonly Item[]): DoseReport {
  const admins = findAll(root, ['113502'], ['radiopharmaceutical administration'])
  const events: DoseEventInput[] = admins.flatMap((adm, i) => {
    const children = items(adm.ContentSequence)
    const agentCode = firstCode(
      find(children, ['349358000', 'F-61FDB'], ['radiopharmaceutical agent', 'radiopharmaceutical'])
        ?.ConceptCodeSequence,
    )
    const nuclide = firstCode(find(children, ['89457008', 'C-10072'], ['radionuclide'])?.ConceptCodeSequence)
    const activity = numeric(
      find(children, ['113507'], ['administered activity']),
      ['MBq'],
      'Administered activity',
    )
    if (activity === null && !agentCode) return []
    const uid = text(find(children, ['113503'], ['radiopharmaceutical administration event uid'])?.UID)
    const agentText = agentCode?.CodeMeaning?.trim().slice(0, 200) || null
    return [
      {
        sopInstanceUid: base.sopInstanceUid,
        eventUid: uid && /^[0-9.]{1,64}$/.test(uid) ? uid : `${base.sopInstanceUid}.${i + 1}`.slice(0, 64),
        kind: 'radiopharmaceutical' as const,
        ctdiVolMgy: null,
        dlpMgyCm: null,
        region: null,
        targetRegion: null,
        protocol: null,
        agent: agentOf(agentText, nuclide?.CodeMeaning ?? null),
        agentText,
        activityMbq: activity,
      },
    ]
  })
  if (!events.some((e) => e.activityMbq !== null))
    throw new DicomFileError(
      'missing-values',
      'The radiopharmaceutical dose report gives no administered activity.',
    )
  return { ...base, kind: 'radiopharmaceutical', totalDlpMgyCm: null, events }
}
