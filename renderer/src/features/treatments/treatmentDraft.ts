import { zodResolver } from '@hookform/resolvers/zod'
import { treatmentSchema } from '../../../../engine'
import type { TreatmentFacts, TreatmentKind } from '../../../../electron/contract/contract'
import { caseResolver, type FieldFor } from '../../components/formErrors'
import { boolOf, triOf, type Tri } from '../../domain/tri'

/** A treatment as the forms hold it (the patient form's rows, the treatment edit form). */
export interface TreatmentDraft {
  kind: TreatmentKind
  /** The start date, as typed. */
  date: string
  /** Only asked for a resection. */
  completeResection: Tri
}

export const NEW_TREATMENT: TreatmentDraft = { kind: 'resection', date: '', completeResection: '' }

export function treatmentToDraft(t: TreatmentFacts): TreatmentDraft {
  return { kind: t.kind, date: t.date ?? '', completeResection: triOf(t.completeResection) }
}

/** The draft as the request's treatment: an empty date is unknown; "complete" only for a resection. */
export function draftToTreatment(d: TreatmentDraft): TreatmentFacts {
  return {
    kind: d.kind,
    date: d.date.trim() === '' ? null : d.date.trim(),
    completeResection: d.kind === 'resection' ? boolOf(d.completeResection) : null,
  }
}

/** The treatment form read into a request and checked with the shared `treatmentSchema`. */
export const treatmentResolver = caseResolver(
  (d: TreatmentDraft) => ({ input: draftToTreatment(d), refused: {} }),
  zodResolver(treatmentSchema),
)

/** The treatment form's fields by request path; "complete resection" is shown for a resection only. */
export const treatmentFieldFor: FieldFor<TreatmentDraft> = (path, d) =>
  path === 'kind' || path === 'date' || (path === 'completeResection' && d.kind === 'resection') ? path : null
