import { z } from 'zod'
import type { BiomarkerInput, PatientInput, StudyInput } from '../../db/types'
import { BIOMARKERS, calendarDate, patientFactsSchema, studyEntrySchema } from '../../engine'

// Request schemas shared by several calls. Every request is parsed from `unknown`; what fails
// gets a specific message per field and changes nothing.
//
// The patient and study schemas are the case schema's (engine/caseSchema.ts): one definition, with
// the database's limits, for the case file, these requests and the forms. An error is reported
// under the field's path in the request, dot-joined with list indexes as numbers
// (`weightKg`, `treatments.0.date`, `study.lesions.1.diameterMm`): the names a form gives its fields.

export { isCalendarDate } from '../../engine'

/** A real calendar date written YYYY-MM-DD, in the years a clinical record can hold. */
export const isoDate = calendarDate

export const patientInput = patientFactsSchema satisfies z.ZodType<PatientInput>

export const studyInput = studyEntrySchema satisfies z.ZodType<StudyInput>

export const id = z.number({ error: 'An id is a whole number.' }).int().positive()

/** The limits of a biomarker value: the database's CHECKs (db/migrations/0060-biomarkers-notes.ts). */
export const BIOMARKER_LIMITS = { valueBelow: 1_000_000_000, unit: 32, note: 4000 } as const

/** One biomarker value as entered: date, which marker, the value and its unit. */
export const biomarkerInput = z.strictObject({
  date: calendarDate,
  marker: z.enum(BIOMARKERS, { error: 'Choose a biomarker from the list.' }),
  value: z
    .number({ error: 'Enter the value as a number.' })
    .min(0, { error: 'A value is at least 0.' })
    .lt(BIOMARKER_LIMITS.valueBelow, { error: 'That value is too large: check the unit.' }),
  unit: z
    .string({ error: 'Give the unit, e.g. ng/mL.' })
    .trim()
    .min(1, { error: 'Give the unit, e.g. ng/mL.' })
    .max(BIOMARKER_LIMITS.unit, { error: `A unit is at most ${BIOMARKER_LIMITS.unit} characters.` }),
}) satisfies z.ZodType<BiomarkerInput>

/** The patient's note: free text; empty removes it. */
export const noteText = z
  .string({ error: 'The note is text.' })
  .trim()
  .max(BIOMARKER_LIMITS.note, { error: `Keep the note under ${BIOMARKER_LIMITS.note} characters.` })
  .transform((s) => (s === '' ? null : s))
