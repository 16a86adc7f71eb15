import { z } from 'zod'
import type { PatientInput, StudyInput } from '../../db/types'
import { calendarDate, patientFactsSchema, studyEntrySchema } from '../../engine/caseSchema'

// Request schemas shared by several calls. Every request is parsed from `unknown`; what fails
// gets a specific message per field and changes nothing.
//
// The patient and study schemas are the case schema's (engine/caseSchema.ts): one definition, with
// the database's limits, for the case file, these requests and the forms. An error is reported
// under the field's path in the request, dot-joined with list indexes as numbers
// (`weightKg`, `treatments.0.date`, `study.lesions.1.diameterMm`): the names a form gives its fields.

export { isCalendarDate } from '../../engine/caseSchema'

/** A real calendar date written YYYY-MM-DD, in the years a clinical record can hold. */
export const isoDate = calendarDate

export const patientInput = patientFactsSchema satisfies z.ZodType<PatientInput>

export const studyInput = studyEntrySchema satisfies z.ZodType<StudyInput>

export const id = z.number({ error: 'An id is a whole number.' }).int().positive()
