import { zodResolver } from '@hookform/resolvers/zod'
import { studyEntrySchema, type Modality } from '../../../../engine'
import type {
  Agent,
  DoseRegion,
  LesionRole,
  LesionStatus,
  ProcedureId,
  StudyInput,
  StudyRecord,
  StudyRequest,
  StudyResult,
} from '../../../../electron/contract/contract'
import { caseResolver, type Converted, type FieldFor } from '../../components/formErrors'
import { procedureModality } from '../../domain/labels'
import { readNumberAt } from '../../domain/numbers'

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

/**
 * The form's fields, as typed or chosen, under the names of the request's `study` (`date`,
 * `lesions.1.diameterMm`, `dose.dlpMgyCm`), so every error lands on its field.
 */
export interface StudyDraft {
  date: string
  /** '' until the reader chooses one. */
  procedure: '' | ProcedureId
  /** '' until the reader chooses: a result, or "not read yet". */
  result: '' | StudyResult | typeof NOT_READ_YET
  note: string
  lesions: LesionDraft[]
  dose: {
    effectiveMsv: string
    ctdiVolMgy: string
    dlpMgyCm: string
    region: '' | DoseRegion
    activityMbq: string
    agent: '' | Agent
  }
}

/**
 * An untouched form: date, procedure and result are empty, so saving it asks for all three (the
 * engine's suggestion is shown beside the form, never chosen for the reader).
 */
export function emptyStudy(): StudyDraft {
  return {
    date: '',
    procedure: '',
    result: '',
    note: '',
    lesions: [],
    dose: { effectiveMsv: '', ctdiVolMgy: '', dlpMgyCm: '', region: '', activityMbq: '', agent: '' },
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

/** A stored study as the form's fields, for editing it. */
export function studyToDraft(s: StudyRecord): StudyDraft {
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
    dose: {
      effectiveMsv: num(s.dose.effectiveMsv),
      ctdiVolMgy: num(s.dose.ctdiVolMgy),
      dlpMgyCm: num(s.dose.dlpMgyCm),
      region: s.dose.region ?? '',
      activityMbq: num(s.dose.activityMbq),
      agent: s.dose.agent ?? '',
    },
  }
}

/** The request's `study`: a checked study with its result chosen deliberately (null = not read yet). */
export function toStudyRequest(study: StudyInput): StudyRequest {
  return { ...study, result: study.result ?? NOT_READ_YET }
}

/** A lesion added by hand: labelled T1, NT2, N1 ... by role; a non-target starts as present. */
export function newLesion(role: LesionRole, lesions: readonly LesionDraft[]): LesionDraft {
  const prefix = role === 'target' ? 'T' : role === 'new' ? 'N' : 'NT'
  return {
    id: `${prefix}${lesions.filter((l) => l.role === role).length + 1}`,
    organ: '',
    nodal: false,
    role,
    diameterMm: '',
    status: role === 'non-target' ? 'present' : '',
  }
}

/** Which dose fields the form shows: the CT indices for ionising studies, activity and agent for nuclear ones. */
export function doseFieldsOf(modality: Modality | null): { ionising: boolean; nuclear: boolean } {
  const nuclear = modality === 'PET/CT' || modality === 'NM'
  return { ionising: nuclear || modality === 'CT', nuclear }
}

/**
 * Turns the form into the request's `study`. Only text in a number field is refused here; every
 * other rule is the case schema's, checked by the resolver and again by the back end. A size is
 * sent for targets and new lesions, a status for non-targets, and only the dose fields the chosen
 * procedure shows: nothing hidden is stored.
 */
export function draftToStudy(d: StudyDraft): Converted<StudyInput> {
  const refused: Record<string, string> = {}
  // Date, procedure and result are chosen by the reader: an untouched form saves nothing.
  if (d.date.trim() === '') refused['date'] = 'Enter the study date.'
  if (d.procedure === '') refused['procedure'] = 'Choose the procedure.'
  if (d.result === '') refused['result'] = 'Choose the result, or “Not read yet”.'
  const modality = d.procedure === '' ? null : procedureModality(d.procedure)
  const { ionising, nuclear } = doseFieldsOf(modality)
  const shownNumber = (shown: boolean, text: string, path: string) =>
    shown ? readNumberAt(text, path, refused) : null
  const input: StudyInput = {
    date: d.date.trim(),
    // An unchosen procedure or result is refused above; the schema sees a value of its type.
    procedure: d.procedure as ProcedureId,
    result: d.result === '' || d.result === NOT_READ_YET ? null : d.result,
    lesions: d.lesions.map((l, i) => ({
      id: l.id.trim(),
      organ: l.organ.trim(),
      nodal: l.nodal,
      role: l.role,
      diameterMm: shownNumber(l.role !== 'non-target', l.diameterMm, `lesions.${i}.diameterMm`),
      status: l.role === 'non-target' && l.status !== '' ? l.status : null,
    })),
    dose: {
      effectiveMsv: shownNumber(ionising, d.dose.effectiveMsv, 'dose.effectiveMsv'),
      ctdiVolMgy: shownNumber(ionising, d.dose.ctdiVolMgy, 'dose.ctdiVolMgy'),
      dlpMgyCm: shownNumber(ionising, d.dose.dlpMgyCm, 'dose.dlpMgyCm'),
      region: ionising && d.dose.region !== '' ? d.dose.region : null,
      activityMbq: shownNumber(nuclear, d.dose.activityMbq, 'dose.activityMbq'),
      agent: nuclear && d.dose.agent !== '' ? d.dose.agent : null,
    },
    note: d.note.trim() === '' ? null : d.note.trim(),
  }
  return { input, refused }
}

/** The form read into a study and checked with the shared `studyEntrySchema`. */
export const studyResolver = caseResolver(draftToStudy, zodResolver(studyEntrySchema))

const ALWAYS_SHOWN = new Set(['date', 'procedure', 'result', 'note'])

/**
 * Where the form shows an error for a path of the study, as the form is now; null when it has no
 * field for it (a hidden dose field, a lesion's role): the summary shows those.
 */
export const studyFieldFor: FieldFor<StudyDraft> = (path, d) => {
  if (ALWAYS_SHOWN.has(path)) return path
  if (path === 'lesions') return 'lesions.root'
  const lesion = /^lesions\.(\d+)\.(id|organ|diameterMm|status)$/.exec(path)
  if (lesion) {
    const l = d.lesions[Number(lesion[1])]
    if (!l) return null
    const field = lesion[2]
    if (field === 'diameterMm') return l.role !== 'non-target' ? path : null
    if (field === 'status') return l.role === 'non-target' ? path : null
    return path
  }
  const dose = /^dose\.(effectiveMsv|ctdiVolMgy|dlpMgyCm|region|activityMbq|agent)$/.exec(path)
  if (dose) {
    const { ionising, nuclear } = doseFieldsOf(d.procedure === '' ? null : procedureModality(d.procedure))
    return (dose[1] === 'activityMbq' || dose[1] === 'agent' ? nuclear : ionising) ? path : null
  }
  return null
}
