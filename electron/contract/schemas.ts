import { z } from 'zod'
import type { PatientInput, StudyInput } from '../../db/types'
import {
  AGENTS,
  BURDENS,
  DOSE_REGIONS,
  GRADES,
  LESION_ROLES,
  LESION_STATUSES,
  PROCEDURE_IDS,
  STUDY_RESULTS,
  TREATMENT_KINDS,
} from '../../engine/types'
import { isIsoDate } from '../../engine/dates'

// Request schemas shared by several calls. Every request is parsed from `unknown`; what fails
// gets a specific message per field and changes nothing.

/** A real calendar date written YYYY-MM-DD, in the years a clinical record can hold. */
export function isCalendarDate(s: string): boolean {
  return isIsoDate(s) && s >= '1900-01-01' && s <= '2200-12-31'
}

export const isoDate = z
  .string({ error: 'Enter a date as YYYY-MM-DD.' })
  .refine(isCalendarDate, { error: 'Enter a real calendar date as YYYY-MM-DD.' })

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `Keep this under ${max} characters.` })
    .transform((s) => (s === '' ? null : s))
    .nullable()

/** null means "unknown"; a checkbox the person left untouched must stay unknown, not false. */
const tri = z.boolean({ error: 'Choose yes, no or unknown.' }).nullable()

const num = (label: string, min: number, max: number) =>
  z
    .number({ error: `${label} must be a number.` })
    .refine(Number.isFinite, { error: `${label} must be a number.` })
    .min(min, { error: `${label} must be at least ${min}.` })
    .max(max, { error: `${label} must be at most ${max}.` })
    .nullable()

export const patientInput = z.strictObject({
  mrn: z
    .string({ error: 'Enter the MRN.' })
    .trim()
    .min(1, { error: 'Enter the MRN.' })
    .max(64, { error: 'The MRN is at most 64 characters.' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, { error: 'The MRN may hold letters, digits and . _ / - only.' }),
  name: z
    .string({ error: 'Enter the patient name.' })
    .trim()
    .min(1, { error: 'Enter the patient name.' })
    .max(200, { error: 'The name is at most 200 characters.' }),
  birthDate: isoDate.nullable(),
  weightKg: num('Weight (kg)', 0.5, 500),
  diagnosis: z.strictObject({
    date: isoDate.nullable(),
    confirmed: tri,
    grade: z.enum(GRADES, { error: 'Grade is G1, G2 or G3.' }).nullable(),
    functional: tri,
    primarySizeMm: num('Primary size (mm)', 1, 500),
  }),
  stagingComplete: tri,
  activeSurveillance: tri,
  burden: z.enum(BURDENS, { error: 'Burden is liver-dominant or non-liver-dominant.' }).nullable(),
  suspectedRecurrence: tri,
  symptoms: z.array(z.string().trim().min(1).max(64)).max(20).nullable(),
  constraints: z.strictObject({
    mriContraindicated: tri,
    mriReason: optionalText(200),
    iodinatedContrastContraindicated: tri,
    gadoliniumContraindicated: tri,
    eGFR: num('eGFR', 0, 200),
  }),
  treatments: z
    .array(
      z.strictObject({
        kind: z.enum(TREATMENT_KINDS, { error: 'Choose a treatment kind from the list.' }),
        date: isoDate.nullable(),
        completeResection: tri,
      }),
    )
    .max(100),
  requestedProcedure: z.enum(PROCEDURE_IDS, { error: 'Choose a study from the list.' }).nullable(),
}) satisfies z.ZodType<PatientInput>

export const id = z.number({ error: 'An id is a whole number.' }).int().positive()

const positive = (label: string, max: number) => num(label, 0, max)

const lesion = z.strictObject({
  id: z
    .string({ error: 'Give the lesion a label, e.g. T1.' })
    .trim()
    .min(1, { error: 'Give the lesion a label, e.g. T1.' })
    .max(32, { error: 'A label is at most 32 characters.' }),
  organ: z
    .string({ error: 'Name the organ.' })
    .trim()
    .min(1, { error: 'Name the organ.' })
    .max(64, { error: 'An organ name is at most 64 characters.' }),
  nodal: z.boolean(),
  role: z.enum(LESION_ROLES, { error: 'Role is target, non-target or new.' }),
  diameterMm: positive('Size (mm)', 999),
  status: z
    .enum(LESION_STATUSES, { error: 'Status is present, absent or unequivocal progression.' })
    .nullable(),
})

export const studyInput = z
  .strictObject({
    date: isoDate,
    procedure: z.enum(PROCEDURE_IDS, { error: 'Choose a procedure from the list.' }),
    result: z.enum(STUDY_RESULTS, { error: 'Choose a result from the list.' }).nullable(),
    lesions: z.array(lesion).max(60, { error: 'At most 60 lesions per study.' }),
    dose: z.strictObject({
      effectiveMsv: positive('Effective dose (mSv)', 500),
      ctdiVolMgy: positive('CTDIvol (mGy)', 500),
      dlpMgyCm: positive('DLP (mGy·cm)', 50_000),
      region: z.enum(DOSE_REGIONS, { error: 'Choose a body region from the list.' }).nullable(),
      activityMbq: positive('Activity (MBq)', 20_000),
      agent: z.enum(AGENTS, { error: 'Choose a radiopharmaceutical from the list.' }).nullable(),
    }),
    note: optionalText(500),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>()
    s.lesions.forEach((l, i) => {
      if (seen.has(l.id))
        ctx.addIssue({ code: 'custom', path: ['lesions', i, 'id'], message: `Label ${l.id} is used twice.` })
      seen.add(l.id)
      if (l.role === 'target' && l.diameterMm === null) {
        ctx.addIssue({
          code: 'custom',
          path: ['lesions', i, 'diameterMm'],
          message: 'A target lesion needs a size (0 when it has gone; 5 when too small to measure).',
        })
      }
      if (l.role === 'non-target' && l.diameterMm === null && l.status === null) {
        ctx.addIssue({
          code: 'custom',
          path: ['lesions', i, 'status'],
          message: 'Give a size or a status for this lesion.',
        })
      }
    })
    if (s.dose.dlpMgyCm !== null && s.dose.region === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['dose', 'region'],
        message: 'Give the body region the DLP was measured over.',
      })
    }
    if (s.dose.activityMbq !== null && s.dose.agent === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['dose', 'agent'],
        message: 'Name the radiopharmaceutical the activity refers to.',
      })
    }
  }) satisfies z.ZodType<StudyInput>
