import { numberField } from '../../domain/numbers'
import type {
  Agent,
  DoseRegion,
  LesionRole,
  LesionStatus,
  ProcedureId,
  StudyInput,
  StudyRequest,
  StudyResult,
} from '../../../../electron/contract/contract'

/** The deliberate "not read yet" choice of the result field (the contract's value). */
export const NOT_READ_YET = 'not-read-yet' satisfies StudyRequest['result']

export interface LesionDraft {
  id: string
  organ: string
  nodal: boolean
  role: LesionRole
  diameterMm: string
  status: '' | LesionStatus
}

export interface StudyDraft {
  date: string
  /** '' until the reader chooses one. */
  procedure: '' | ProcedureId
  /** '' until the reader chooses: a result, or "not read yet". */
  result: '' | StudyResult | typeof NOT_READ_YET
  note: string
  lesions: LesionDraft[]
  effectiveMsv: string
  ctdiVolMgy: string
  dlpMgyCm: string
  region: '' | DoseRegion
  activityMbq: string
  agent: '' | Agent
}

/**
 * An untouched form: date, procedure and result are empty, so saving it asks for all three
 * (`today` is only shown as the placeholder's example).
 */
export function emptyStudy(): StudyDraft {
  return {
    date: '',
    procedure: '',
    result: '',
    note: '',
    lesions: [],
    effectiveMsv: '',
    ctdiVolMgy: '',
    dlpMgyCm: '',
    region: '',
    activityMbq: '',
    agent: '',
  }
}

/** Lesions carried from the previous study, so the reader re-measures the same targets. */
export function carryLesions(previous: StudyInput['lesions']): LesionDraft[] {
  return previous
    .filter((l) => l.role !== 'new')
    .map((l) => ({
      id: l.id,
      organ: l.organ,
      nodal: l.nodal,
      role: l.role,
      diameterMm: '',
      status: '',
    }))
}

/** A stored study as a draft, for editing it. */
export function studyToDraft(s: StudyInput): StudyDraft {
  const num = (n: number | null) => (n === null ? '' : String(n))
  return {
    date: s.date,
    procedure: s.procedure,
    result: s.result ?? NOT_READ_YET,
    note: s.note ?? '',
    lesions: s.lesions.map((l) => ({
      id: l.id,
      organ: l.organ,
      nodal: l.nodal,
      role: l.role,
      diameterMm: num(l.diameterMm),
      status: l.status ?? '',
    })),
    effectiveMsv: num(s.dose.effectiveMsv),
    ctdiVolMgy: num(s.dose.ctdiVolMgy),
    dlpMgyCm: num(s.dose.dlpMgyCm),
    region: s.dose.region ?? '',
    activityMbq: num(s.dose.activityMbq),
    agent: s.dose.agent ?? '',
  }
}

export function draftToStudy(d: StudyDraft): { study: StudyRequest } | { fields: Record<string, string> } {
  const fields: Record<string, string> = {}
  if (d.date.trim() === '') fields['date'] = 'Enter the study date.'
  if (d.procedure === '') fields['procedure'] = 'Choose the procedure.'
  if (d.result === '') fields['result'] = 'Choose the result, or “Not read yet”.'
  const lesions = d.lesions.map((l, i) => ({
    id: l.id.trim(),
    organ: l.organ.trim(),
    nodal: l.nodal,
    role: l.role,
    diameterMm: numberField(l.diameterMm, `lesions.${i}.diameterMm`, 'Size (mm)', fields),
    status: l.status === '' ? null : l.status,
  }))
  const dose = {
    effectiveMsv: numberField(d.effectiveMsv, 'dose.effectiveMsv', 'Effective dose (mSv)', fields),
    ctdiVolMgy: numberField(d.ctdiVolMgy, 'dose.ctdiVolMgy', 'CTDIvol (mGy)', fields),
    dlpMgyCm: numberField(d.dlpMgyCm, 'dose.dlpMgyCm', 'DLP (mGy·cm)', fields),
    region: d.region === '' ? null : d.region,
    activityMbq: numberField(d.activityMbq, 'dose.activityMbq', 'Activity (MBq)', fields),
    agent: d.agent === '' ? null : d.agent,
  }
  if (Object.keys(fields).length || d.procedure === '' || d.result === '') return { fields }
  return {
    study: {
      date: d.date.trim(),
      procedure: d.procedure,
      result: d.result,
      lesions,
      dose,
      note: d.note.trim() === '' ? null : d.note.trim(),
    },
  }
}
