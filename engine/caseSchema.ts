// The case, declared once. Every rule about what a case may hold lives here, as zod schemas (zod is
// pure: no Node, no DOM, so the renderer can use these too):
//
// - the `pnet-case/1` interchange file (`caseFileSchema`; `caseFile.ts` reads files with it and
//   `npm run schema:case` publishes it as docs/case-format.schema.json);
// - what a person enters for a patient and a study (`patientFactsSchema`, `studyEntrySchema`): the
//   API request schemas (electron/contract/schemas.ts) and the renderer's patient and study forms
//   (react-hook-form's zod resolver).
//
// The numeric limits are the database's CHECK constraints (db/migrations/0010-domain.ts is the truth
// for stored data): a value the schema accepts is one SQLite stores, and the other way round.
// test/unit/engine/caseSchema.test.ts holds both to that.
//
// Messages are the ones a person reads next to a form field. The case-file reader words its own
// messages from the structured issues (code, limits, input), so both share the rules, not the words.
import { z } from 'zod'
import { isIsoDate } from './dates'
import { PROCEDURE_AGENTS } from './doseData'
import {
  AGENTS,
  type Agent,
  BURDENS,
  DOSE_REGIONS,
  GRADES,
  LESION_ROLES,
  LESION_STATUSES,
  PROCEDURE_IDS,
  STUDY_RESULTS,
  TREATMENT_KINDS,
} from './types'

export const CASE_FORMAT = 'pnet-case/1'

// ---------------------------------------------------------------------------------------------
// Named limits
// ---------------------------------------------------------------------------------------------

/** A measured value: at least (or more than) `min`, always below `below`. */
export interface NumberLimit {
  /** The form label, unit included. */
  readonly label: string
  readonly min: number
  /** true: `min` itself is allowed (`>= min`); false: only values above it (`> min`). */
  readonly minInclusive: boolean
  /** Exclusive upper bound: catches unit mistakes (g for kg, µSv for mSv, ...). */
  readonly below: number
}

/** `weight_kg > 0 AND weight_kg < 700` */
export const WEIGHT_KG = { label: 'Weight (kg)', min: 0, minInclusive: false, below: 700 } as const
/** `primary_size_mm > 0 AND primary_size_mm < 1000` */
export const PRIMARY_SIZE_MM = {
  label: 'Primary size (mm)',
  min: 0,
  minInclusive: false,
  below: 1000,
} as const
/** `egfr >= 0 AND egfr < 300` (mL/min/1.73 m²) */
export const EGFR = { label: 'eGFR', min: 0, minInclusive: true, below: 300 } as const
/** `diameter_mm >= 0 AND diameter_mm < 1000` (0: the lesion has gone) */
export const DIAMETER_MM = { label: 'Size (mm)', min: 0, minInclusive: true, below: 1000 } as const
/** `effective_msv >= 0 AND effective_msv < 1000` */
export const EFFECTIVE_MSV = {
  label: 'Effective dose (mSv)',
  min: 0,
  minInclusive: true,
  below: 1000,
} as const
/** `ctdivol_mgy >= 0 AND ctdivol_mgy < 1000` */
export const CTDIVOL_MGY = { label: 'CTDIvol (mGy)', min: 0, minInclusive: true, below: 1000 } as const
/** `dlp_mgy_cm >= 0 AND dlp_mgy_cm < 100000` */
export const DLP_MGY_CM = { label: 'DLP (mGy·cm)', min: 0, minInclusive: true, below: 100_000 } as const
/** `activity_mbq >= 0 AND activity_mbq < 100000` */
export const ACTIVITY_MBQ = { label: 'Activity (MBq)', min: 0, minInclusive: true, below: 100_000 } as const

/** Every measured field of a case, by field name. */
export const NUMBER_LIMITS = {
  weightKg: WEIGHT_KG,
  primarySizeMm: PRIMARY_SIZE_MM,
  eGFR: EGFR,
  diameterMm: DIAMETER_MM,
  effectiveMsv: EFFECTIVE_MSV,
  ctdiVolMgy: CTDIVOL_MGY,
  dlpMgyCm: DLP_MGY_CM,
  activityMbq: ACTIVITY_MBQ,
} as const satisfies Record<string, NumberLimit>

/** Longest texts, in characters. The first five are database CHECKs (`length(x) BETWEEN 1 AND n`). */
export const TEXT_LIMITS = {
  mrn: 64,
  name: 200,
  lesionId: 32,
  organ: 64,
  symptom: 64,
  /** Entry limits only (the database does not bound these). */
  mriReason: 200,
  note: 500,
} as const

/** Longest lists: limits of what one entry may carry (the database does not bound these). */
export const LIST_LIMITS = { symptoms: 20, treatments: 100, lesions: 60 } as const

/** The calendar dates a clinical record can hold. */
export const CALENDAR_RANGE = { from: '1900-01-01', to: '2200-12-31' } as const

/**
 * The earliest date a recorded imaging study can plausibly have: clinical CT began in the 1970s
 * and every procedure of the pack is younger. An earlier date is a typing slip (a year such as
 * 1900 or 1019), refused with a message even when the birth and diagnosis dates are unknown.
 */
export const STUDY_DATE_FROM = '1970-01-01'

// ---------------------------------------------------------------------------------------------
// Field schemas
// ---------------------------------------------------------------------------------------------

/**
 * What kind of code an enum holds, in words (`unknown grade "G4"`); the case-file reader uses it.
 * A registry, not `.meta()`, so it stays out of the published JSON Schema.
 */
export const CODE_NOUNS = z.registry<{ noun: string }>()

/** A real calendar date `YYYY-MM-DD` within `CALENDAR_RANGE`. */
export function isCalendarDate(s: unknown): s is string {
  return isIsoDate(s) && s >= CALENDAR_RANGE.from && s <= CALENDAR_RANGE.to
}

/**
 * A calendar date `YYYY-MM-DD` (no time, no zone). Used as this very instance everywhere (wrapped,
 * never cloned), so the case-file reader can tell a date field from a text field.
 */
export const calendarDate = z
  .string({ error: 'Enter a date as YYYY-MM-DD.' })
  .refine(isIsoDate, {
    error: 'Enter a real calendar date as YYYY-MM-DD.',
    params: { rule: 'calendar-date' },
    abort: true,
  })
  .refine((s) => s >= CALENDAR_RANGE.from && s <= CALENDAR_RANGE.to, {
    error: `Enter a date between ${CALENDAR_RANGE.from} and ${CALENDAR_RANGE.to}.`,
    params: { rule: 'calendar-range' },
  })
  .meta({ format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })

/** A measured value within its named limit. */
export function measure(limit: NumberLimit): z.ZodNumber {
  const { label, min, below } = limit
  const n = z.number({ error: `${label} must be a number.` })
  return (
    limit.minInclusive
      ? n.gte(min, { error: `${label} must be at least ${min}.` })
      : n.gt(min, { error: `${label} must be more than ${min}.` })
  ).lt(below, { error: `${label} must be less than ${below}.` })
}

/** Messages for text that cannot be stored and shown back faithfully. */
export const UNSAFE_TEXT = {
  nul: 'Remove the invisible NUL character from this text (it can come with pasted text).',
  surrogate: 'This text holds a broken character (half of an emoji or symbol); retype that part.',
} as const

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Which rule `s` breaks: a NUL character, a lone surrogate (half a UTF-16 pair), or none. */
export function unsafeText(s: string): keyof typeof UNSAFE_TEXT | null {
  if (s.includes('\u0000')) return 'nul'
  if (LONE_SURROGATE.test(s)) return 'surrogate'
  return null
}

/**
 * A string without NUL characters or lone surrogates: every text field of every request and of
 * the case file is built from this (SQLite would store them, JSON and the screen would not give
 * them back as typed).
 */
export function safeString(error?: string): z.ZodString {
  return z
    .string(error === undefined ? undefined : { error })
    .refine((s) => !s.includes('\u0000'), { error: UNSAFE_TEXT.nul, params: { rule: 'no-nul' } })
    .refine((s) => !LONE_SURROGATE.test(s), {
      error: UNSAFE_TEXT.surrogate,
      params: { rule: 'no-lone-surrogate' },
    })
}

/** Trimmed, non-empty, at most `max` characters. */
function text(max: number, empty: string, long: string): z.ZodString {
  return safeString(empty).trim().min(1, { error: empty }).max(max, { error: long })
}

/** Free text a person may leave empty: '' is stored as null. */
function optionalText(max: number) {
  return safeString()
    .trim()
    .max(max, { error: `Keep this under ${max} characters.` })
    .transform((s) => (s === '' ? null : s))
    .nullable()
}

function code<const T extends readonly [string, ...string[]]>(list: T, noun: string, error: string) {
  return z.enum(list, { error }).register(CODE_NOUNS, { noun })
}

/** true, false, or null for "unknown": a question left unanswered stays unknown, never false. */
const yesNo = z.boolean({ error: 'Choose yes, no or unknown.' })

const grade = code(GRADES, 'grade', 'Grade is G1, G2 or G3.')
const burden = code(BURDENS, 'burden', 'Burden is liver-dominant or non-liver-dominant.')
const treatmentKind = code(TREATMENT_KINDS, 'treatment kind', 'Choose a treatment kind from the list.')
const requestedProcedure = code(PROCEDURE_IDS, 'procedure id', 'Choose a study from the list.')
const procedure = code(PROCEDURE_IDS, 'procedure id', 'Choose a procedure from the list.')
const studyResult = code(STUDY_RESULTS, 'study result', 'Choose a result from the list.')
const lesionRole = code(LESION_ROLES, 'lesion role', 'Role is target, non-target or new.')
const lesionStatus = code(
  LESION_STATUSES,
  'lesion status',
  'Status is present, absent or unequivocal progression.',
)
const doseRegion = code(DOSE_REGIONS, 'dose region', 'Choose a body region from the list.')
const agent = code(AGENTS, 'agent', 'Choose a radiopharmaceutical from the list.')

/** Radiopharmaceuticals by name, for messages (the renderer has the same words in its labels). */
const AGENT_NAMES: Record<Agent, string> = {
  'ga68-dotatate': 'Ga-68 DOTATATE',
  'cu64-dotatate': 'Cu-64 DOTATATE',
  'in111-pentetreotide': 'In-111 pentetreotide',
  'f18-fdg': 'F-18 FDG',
}

const symptomCode = text(
  TEXT_LIMITS.symptom,
  'A symptom code is a non-empty text.',
  `A symptom code is at most ${TEXT_LIMITS.symptom} characters.`,
)

// ---------------------------------------------------------------------------------------------
// Shapes shared by the file and the entry schemas. `null` is "unknown" wherever it is allowed.
// ---------------------------------------------------------------------------------------------

const diagnosisFields = {
  date: calendarDate.nullable(),
  confirmed: yesNo.nullable(),
  grade: grade.nullable(),
  functional: yesNo.nullable(),
  primarySizeMm: measure(PRIMARY_SIZE_MM).nullable(),
}

const constraintFields = {
  mriContraindicated: yesNo.nullable(),
  iodinatedContrastContraindicated: yesNo.nullable(),
  gadoliniumContraindicated: yesNo.nullable(),
  eGFR: measure(EGFR).nullable(),
}

const treatmentFields = {
  kind: treatmentKind,
  date: calendarDate.nullable(),
  /** Only for a resection: true when no known residual disease. */
  completeResection: yesNo.nullable(),
}

const lesionFields = {
  id: text(
    TEXT_LIMITS.lesionId,
    'Give the lesion a label, e.g. T1.',
    `A label is at most ${TEXT_LIMITS.lesionId} characters.`,
  ),
  organ: text(
    TEXT_LIMITS.organ,
    'Name the organ.',
    `An organ name is at most ${TEXT_LIMITS.organ} characters.`,
  ),
  nodal: z.boolean({ error: 'Say whether the lesion is a lymph node.' }),
  role: lesionRole,
  diameterMm: measure(DIAMETER_MM).nullable(),
  status: lesionStatus.nullable(),
}

const doseFields = {
  effectiveMsv: measure(EFFECTIVE_MSV).nullable(),
  ctdiVolMgy: measure(CTDIVOL_MGY).nullable(),
  dlpMgyCm: measure(DLP_MGY_CM).nullable(),
  region: doseRegion.nullable(),
  activityMbq: measure(ACTIVITY_MBQ).nullable(),
  agent: agent.nullable(),
}

/** Lesion labels are unique within a study; checked even while other fields have problems. */
function lesionList<T extends z.ZodType>(lesion: T) {
  return z
    .array(lesion)
    .max(LIST_LIMITS.lesions, { error: `At most ${LIST_LIMITS.lesions} lesions per study.` })
    .superRefine(
      (lesions, ctx) => {
        // Runs even when the list itself was refused (`when`): it may then be anything, e.g. null.
        if (!Array.isArray(lesions)) return
        const seen = new Set<string>()
        lesions.forEach((l: unknown, i) => {
          const id = typeof l === 'object' && l !== null ? (l as { id?: unknown }).id : undefined
          if (typeof id !== 'string' || id.trim() === '') return
          if (seen.has(id)) {
            ctx.addIssue({
              code: 'custom',
              path: [i, 'id'],
              message: `Label ${id} is used twice.`,
              params: { rule: 'duplicate-lesion-id', id },
            })
          }
          seen.add(id)
        })
      },
      { when: () => true },
    )
}

const symptomList = z
  .array(symptomCode)
  .max(LIST_LIMITS.symptoms, { error: `At most ${LIST_LIMITS.symptoms} symptoms.` })

function treatmentList<T extends z.ZodType>(treatment: T) {
  return z
    .array(treatment)
    .max(LIST_LIMITS.treatments, { error: `At most ${LIST_LIMITS.treatments} treatments.` })
}

// ---------------------------------------------------------------------------------------------
// Entry schemas: what a person types in for a patient or a study (API requests and forms)
// ---------------------------------------------------------------------------------------------

export const diagnosisSchema = z.strictObject(diagnosisFields)
export const treatmentSchema = z.strictObject(treatmentFields)
export const constraintsSchema = z.strictObject({
  mriContraindicated: constraintFields.mriContraindicated,
  mriReason: optionalText(TEXT_LIMITS.mriReason),
  iodinatedContrastContraindicated: constraintFields.iodinatedContrastContraindicated,
  gadoliniumContraindicated: constraintFields.gadoliniumContraindicated,
  eGFR: constraintFields.eGFR,
})

/** A patient's identity and facts, as entered (db/types `PatientInput`). */
export const patientFactsSchema = z.strictObject({
  mrn: text(TEXT_LIMITS.mrn, 'Enter the MRN.', `The MRN is at most ${TEXT_LIMITS.mrn} characters.`).regex(
    /^[A-Za-z0-9][A-Za-z0-9._/-]*$/,
    {
      error: 'The MRN starts with a letter or a digit, then holds only letters, digits and the signs . _ / -',
    },
  ),
  name: text(
    TEXT_LIMITS.name,
    'Enter the patient name.',
    `The name is at most ${TEXT_LIMITS.name} characters.`,
  ),
  birthDate: calendarDate.nullable(),
  weightKg: measure(WEIGHT_KG).nullable(),
  diagnosis: diagnosisSchema,
  stagingComplete: yesNo.nullable(),
  activeSurveillance: yesNo.nullable(),
  burden: burden.nullable(),
  suspectedRecurrence: yesNo.nullable(),
  /** [] = asked, none; null = not asked (unknown). */
  symptoms: symptomList.nullable(),
  constraints: constraintsSchema,
  treatments: treatmentList(treatmentSchema),
  requestedProcedure: requestedProcedure.nullable(),
})

export const lesionSchema = z.strictObject(lesionFields)
export const doseSchema = z.strictObject(doseFields)

/** A study as entered: the file's study plus a note, with the rules of a complete entry. */
export const studyEntrySchema = z
  .strictObject({
    date: calendarDate,
    procedure,
    result: studyResult.nullable(),
    lesions: lesionList(lesionSchema),
    dose: doseSchema,
    note: optionalText(TEXT_LIMITS.note),
  })
  .superRefine((s, ctx) => {
    // A lesion may be left unmeasured: a study that did not measure it (a DOTATATE PET/CT after an
    // MRI, say) leaves its size empty, and RECIST calls that timepoint not evaluable (NE).
    if (s.date < STUDY_DATE_FROM) {
      ctx.addIssue({
        code: 'custom',
        path: ['date'],
        message: `A study before ${STUDY_DATE_FROM.slice(0, 4)} is not plausible (before clinical CT, MRI and PET): check the year.`,
        params: { rule: 'study-date-plausible' },
      })
    }
    const agents: readonly string[] = PROCEDURE_AGENTS[s.procedure]
    if (s.dose.agent !== null && !agents.includes(s.dose.agent)) {
      ctx.addIssue({
        code: 'custom',
        path: ['dose', 'agent'],
        message:
          agents.length === 0
            ? 'This procedure uses no radiopharmaceutical: leave it empty.'
            : `This procedure uses ${agents.map((a) => AGENT_NAMES[a as Agent]).join(' or ')}, not ${AGENT_NAMES[s.dose.agent]}.`,
        params: { rule: 'agent-fits-procedure' },
      })
    }
    if (s.dose.activityMbq !== null && agents.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['dose', 'activityMbq'],
        message: 'This procedure uses no radiopharmaceutical: leave the activity empty.',
        params: { rule: 'agent-fits-procedure' },
      })
    }
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
  })

export type PatientFacts = z.output<typeof patientFactsSchema>
export type StudyEntry = z.output<typeof studyEntrySchema>

// ---------------------------------------------------------------------------------------------
// The `pnet-case/1` file: the same fields; absent means unknown (null); unknown fields are allowed
// (the reader warns about them).
// ---------------------------------------------------------------------------------------------

type Lenient<S extends Record<string, z.ZodType>> = {
  [K in keyof S]: S[K] extends z.ZodNullable<infer T> ? z.ZodDefault<z.ZodNullable<T>> : S[K]
}

/** In a file a field that may be null may also be absent; absent is read as null. */
function lenient<S extends Record<string, z.ZodType>>(shape: S): Lenient<S> {
  return Object.fromEntries(
    Object.entries(shape).map(([k, s]) => [k, s instanceof z.ZodNullable ? s.default(null) : s]),
  ) as Lenient<S>
}

const described = <T extends z.ZodType>(schema: T, description: string): T => schema.meta({ description })

const fileTreatment = z.object(lenient(treatmentFields)).meta({ description: 'A treatment the patient had.' })

const fileLesion = z
  .object({
    ...lenient(lesionFields),
    diameterMm: described(
      lenient(lesionFields).diameterMm,
      'Long axis; short axis for a lymph node. Null when a status is given instead.',
    ),
    status: described(
      lenient(lesionFields).status,
      'For a non-target lesion, instead of a size: present, absent or unequivocal progression.',
    ),
  })
  .meta({ description: 'A RECIST 1.1 measurement.' })

const fileDoseEvent = z
  .object({
    dlpMgyCm: doseFields.dlpMgyCm.default(null),
    ctdiVolMgy: doseFields.ctdiVolMgy.default(null),
    region: doseFields.region.default(null),
  })
  .meta({ description: 'One CT irradiation event (a series) as its Radiation Dose SR gave it.' })

const fileDose = z
  .object({
    ...lenient(doseFields),
    events: described(
      z.array(fileDoseEvent).max(500).nullish(),
      'The CT irradiation events of the study; when any has a DLP, the CT part is summed per event with the k of its own region.',
    ),
  })
  .meta({ description: 'What was recorded about the radiation.' })

const fileStudy = z
  .object({
    date: calendarDate,
    procedure,
    result: described(studyResult.nullable().default(null), "The reader's impression; null: not read yet."),
    lesions: lesionList(fileLesion).nullish(),
    dose: fileDose.nullish(),
  })
  .meta({ description: 'An imaging study already done.' })

/** One case of a `pnet-case/1` file. */
export const caseSchema = z
  .object({
    id: safeString()
      .refine((s) => s.trim() !== '', { params: { rule: 'non-empty' } })
      .meta({ description: "The case's identifier in this file; unique in the file.", pattern: '\\S' }),
    birthDate: calendarDate.nullable().default(null),
    weightKg: described(
      measure(WEIGHT_KG).nullable().default(null),
      'Used for weight-based radiopharmaceutical activity.',
    ),
    diagnosis: z
      .object({
        ...lenient(diagnosisFields),
        date: described(lenient(diagnosisFields).date, 'Date of histological diagnosis.'),
        confirmed: described(
          lenient(diagnosisFields).confirmed,
          'Histologically confirmed pNET (false: only suspected).',
        ),
        grade: described(lenient(diagnosisFields).grade, 'WHO grade.'),
        functional: described(lenient(diagnosisFields).functional, 'Hormone syndrome present.'),
        primarySizeMm: described(
          lenient(diagnosisFields).primarySizeMm,
          'Largest diameter of the primary at diagnosis.',
        ),
      })
      .nullish(),
    stagingComplete: described(
      yesNo.nullable().default(null),
      'Baseline staging of the new diagnosis is done.',
    ),
    treatments: treatmentList(fileTreatment).nullable().default(null),
    activeSurveillance: described(yesNo.nullable().default(null), 'Untreated disease deliberately watched.'),
    burden: described(burden.nullable().default(null), 'Where most of the known tumour volume is.'),
    suspectedRecurrence: described(
      yesNo.nullable().default(null),
      'Clinical or biochemical suspicion of recurrence or progression.',
    ),
    symptoms: described(
      symptomList.nullable().default(null),
      'New symptoms (open list; unknown codes are kept, with a warning). [] = asked, none.',
    ),
    constraints: z
      .object({
        ...lenient(constraintFields),
        eGFR: described(lenient(constraintFields).eGFR, 'mL/min/1.73 m².'),
      })
      .nullish(),
    requestedProcedure: described(
      requestedProcedure.nullable().default(null),
      'A study someone asked for; the engine says whether it fits.',
    ),
    studies: z.array(fileStudy).nullish(),
  })
  .meta({ description: 'One pNET follow-up case.' })

/** A `pnet-case/1` document: the format, the evaluation day, and the cases. */
export const caseFileSchema = z
  .object({
    format: z.literal(CASE_FORMAT),
    asOf: calendarDate,
    cases: z.array(caseSchema),
  })
  .meta({
    title: CASE_FORMAT,
    description:
      'pNET follow-up cases (docs/case-format.md). asOf is the day the evaluation is made for, never the wall clock. Unknown fields are allowed and reported as warnings.',
  })

/** The JSON Schema (draft 2020-12) of `pnet-case/1`, as published at docs/case-format.schema.json. */
export function caseFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(caseFileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>
}
