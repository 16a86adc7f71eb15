import { numberField } from '../../domain/numbers'
import type {
  Agent,
  DoseRegion,
  LesionRole,
  LesionStatus,
  ProcedureId,
  StudyInput,
  StudyResult,
} from '../../../../electron/contract/contract'

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
  procedure: ProcedureId
  result: '' | StudyResult
  note: string
  lesions: LesionDraft[]
  effectiveMsv: string
  ctdiVolMgy: string
  dlpMgyCm: string
  region: '' | DoseRegion
  activityMbq: string
  agent: '' | Agent
}

export function emptyStudy(today: string, procedure: ProcedureId): StudyDraft {
  return {
    date: today,
    procedure,
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

export function draftToStudy(d: StudyDraft): { study: StudyInput } | { fields: Record<string, string> } {
  const fields: Record<string, string> = {}
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
  if (Object.keys(fields).length) return { fields }
  return {
    study: {
      date: d.date.trim(),
      procedure: d.procedure,
      result: d.result === '' ? null : d.result,
      lesions,
      dose,
      note: d.note.trim() === '' ? null : d.note.trim(),
    },
  }
}
