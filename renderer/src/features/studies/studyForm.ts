import type {
  Agent,
  DoseRegion,
  LesionRole,
  LesionStatus,
  ProcedureId,
  StudyInput,
  StudyResult,
} from '../../../../electron/api/contract'

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
      status: l.role === 'non-target' ? 'present' : '',
    }))
}

function num(v: string, key: string, label: string, fields: Record<string, string>): number | null {
  const s = v.trim().replace(',', '.')
  if (s === '') return null
  const n = Number(s)
  if (!Number.isFinite(n)) {
    fields[key] = `${label} must be a number.`
    return null
  }
  return n
}

export function draftToStudy(d: StudyDraft): { study: StudyInput } | { fields: Record<string, string> } {
  const fields: Record<string, string> = {}
  const lesions = d.lesions.map((l, i) => ({
    id: l.id.trim(),
    organ: l.organ.trim(),
    nodal: l.nodal,
    role: l.role,
    diameterMm: num(l.diameterMm, `lesions.${i}.diameterMm`, 'Size (mm)', fields),
    status: l.status === '' ? null : l.status,
  }))
  const dose = {
    effectiveMsv: num(d.effectiveMsv, 'dose.effectiveMsv', 'Effective dose (mSv)', fields),
    ctdiVolMgy: num(d.ctdiVolMgy, 'dose.ctdiVolMgy', 'CTDIvol (mGy)', fields),
    dlpMgyCm: num(d.dlpMgyCm, 'dose.dlpMgyCm', 'DLP (mGy·cm)', fields),
    region: d.region === '' ? null : d.region,
    activityMbq: num(d.activityMbq, 'dose.activityMbq', 'Activity (MBq)', fields),
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
