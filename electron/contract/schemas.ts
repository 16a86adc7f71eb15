import { z } from 'zod'
import type { BiomarkerInput, PatientInput, StudyInput, TreatmentFacts } from '../../db/types'
import {
  BIOMARKERS,
  calendarDate,
  patientFactsSchema,
  PROCEDURE_IDS,
  safeString,
  studyEntrySchema,
  SURVEILLANCE_EXIT_REASONS,
  TREATMENT_KINDS,
  treatmentSchema,
} from '../../engine'

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

/**
 * The version of a record the person saw (its `version` as read): a change of a record names it,
 * and one changed by someone else since is refused (STALE, db/audit.ts, NEXT_VERSION).
 */
export const version = z
  .number({ error: 'The record version is a whole number.' })
  .int({ error: 'The record version is a whole number.' })
  .min(1, { error: 'The record version is a whole number from 1.' })

/** Text of a request other than the case's fields: no NUL, no lone surrogate, at most `max` characters. */
export function safeText(max: number, empty?: string) {
  const s = safeString().max(max, { error: `Keep this under ${max} characters.` })
  return empty === undefined ? s : s.min(1, { error: empty })
}

/** Trimmed free text (reasons, notes, searches). */
export function trimmedText(max: number) {
  return safeString()
    .trim()
    .max(max, { error: `Keep this under ${max} characters.` })
}

/**
 * The result field of a study request, deliberately chosen: a result, or `not-read-yet`. A request
 * without it (or with `null`) is refused with the other missing fields, so an untouched form never
 * records a study as unread by accident.
 */
export const NOT_READ_YET = 'not-read-yet' as const
export type StudyRequest = Omit<StudyInput, 'result'> & {
  result: NonNullable<StudyInput['result']> | typeof NOT_READ_YET
}
export const explicitStudy = z.preprocess((v) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
  const r = (v as { result?: unknown }).result
  // `null` is not a choice here: it is refused like a missing result.
  return { ...v, result: r === NOT_READ_YET ? null : r === null || r === undefined ? '' : r }
}, studyInput) as unknown as z.ZodType<StudyInput, StudyRequest>

export const treatmentInput = treatmentSchema satisfies z.ZodType<TreatmentFacts>

/** Words saying why (entered in error, reopened): required, at most 500 characters. */
export const reasonText = safeString('Say why, in a few words.')
  .trim()
  .min(1, { error: 'Say why, in a few words.' })
  .max(500, { error: 'Keep this under 500 characters.' })

const window = z
  .strictObject({ from: isoDate, to: isoDate })
  .refine((w) => w.from <= w.to, { error: 'The window ends before it starts.', path: ['to'] })

/** Leaving surveillance: the reason code, words (required for `other`), attempts, the date. */
export const surveillanceExit = z
  .strictObject({
    reasonCode: z.enum(SURVEILLANCE_EXIT_REASONS, { error: 'Choose why the patient leaves surveillance.' }),
    text: trimmedText(500).nullable(),
    attempts: z.number().int().min(1, { error: 'At least one attempt.' }).max(99).nullable(),
    date: isoDate,
  })
  .transform((e) => ({ ...e, text: e.text === '' ? null : e.text }))
  .superRefine((e, ctx) => {
    if (e.reasonCode === 'other' && !e.text)
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'Say why the patient leaves surveillance.' })
    if (e.reasonCode === 'lost-to-follow-up' && e.attempts === null)
      ctx.addIssue({
        code: 'custom',
        path: ['attempts'],
        message: 'Give how many attempts to reach the patient were made.',
      })
  })

/** A tumour board's (or review's) decision. */
export const boardDecision = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('new-treatment'),
      treatment: z.strictObject({
        kind: z.enum(TREATMENT_KINDS, { error: 'Choose a treatment kind from the list.' }),
        date: isoDate,
      }),
    }),
    z.strictObject({
      type: z.literal('continue-surveillance'),
      procedure: z.enum(PROCEDURE_IDS, { error: 'Choose a study from the list.' }),
      due: window,
    }),
    z.strictObject({
      type: z.literal('further-imaging'),
      procedure: z.enum(PROCEDURE_IDS, { error: 'Choose a study from the list.' }),
      due: window,
    }),
    z.strictObject({ type: z.literal('leave-surveillance'), exit: surveillanceExit }),
  ],
  { error: 'Choose the decision from the list.' },
)
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
  unit: safeString('Give the unit, e.g. ng/mL.')
    .trim()
    .min(1, { error: 'Give the unit, e.g. ng/mL.' })
    .max(BIOMARKER_LIMITS.unit, { error: `A unit is at most ${BIOMARKER_LIMITS.unit} characters.` }),
}) satisfies z.ZodType<BiomarkerInput>

/** The patient's note: free text; empty removes it. */
export const noteText = safeString('The note is text.')
  .trim()
  .max(BIOMARKER_LIMITS.note, { error: `Keep the note under ${BIOMARKER_LIMITS.note} characters.` })
  .transform((s) => (s === '' ? null : s))
