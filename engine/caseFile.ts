// Reading and writing the interchange files: `pnet-case/1` in, `pnet-evaluation/1` out
// (docs/case-format.md). The rules are the schema of `caseSchema.ts`; this file words its issues
// for a file (the value, the allowed ones) and lists every problem with the case id and the field
// path, e.g. `cases[2].studies[0].procedure`, in the order of the file. Unknown fields are
// warnings, never silently dropped.
import { z } from 'zod'
import {
  CALENDAR_RANGE,
  CASE_FORMAT,
  CODE_NOUNS,
  calendarDate,
  caseFileSchema,
  isCalendarDate,
} from './caseSchema'
import { evaluate } from './evaluate'
import { ACR_PNET, type LoadedPack } from './guideline'
import {
  SYMPTOMS,
  type Case,
  type EngineSettings,
  type Evaluation,
  type GuidelineRef,
  type IsoDate,
  type Lesion,
  type Study,
  type Treatment,
} from './types'

export { CASE_FORMAT }
export const EVALUATION_FORMAT = 'pnet-evaluation/1'

export interface CaseFile {
  format: typeof CASE_FORMAT
  asOf: IsoDate
  cases: Case[]
}

export interface EvaluationFile {
  format: typeof EVALUATION_FORMAT
  asOf: IsoDate
  guideline: GuidelineRef
  results: Evaluation[]
}

export interface FileProblem {
  /** The case's id when it has one; `null` for file-level fields or a case without an id. */
  caseId: string | null
  /** Path of the field, e.g. `cases[2].studies[0].procedure`. */
  field: string
  message: string
}

export type ParseResult =
  | { ok: true; file: CaseFile; warnings: FileProblem[] }
  | { ok: false; problems: FileProblem[]; warnings: FileProblem[] }

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

type Path = readonly PropertyKey[]
interface Located {
  path: Path
  message: string
}

/** The schema inside optional, nullable, default and transform wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
      s = s.unwrap() as z.ZodType
    } else if (s instanceof z.ZodPipe) {
      s = s.in as z.ZodType
    } else return s
  }
}

/** The schema one step down: an object's field or an array's element; null when there is none. */
function child(schema: z.ZodType | null, key: PropertyKey): z.ZodType | null {
  if (schema === null) return null
  const s = unwrap(schema)
  if (s instanceof z.ZodObject && typeof key === 'string')
    return (s.shape as Record<string, z.ZodType>)[key] ?? null
  if (s instanceof z.ZodArray && typeof key === 'number') return s.element as z.ZodType
  return null
}

function schemaAt(path: Path): z.ZodType | null {
  let s: z.ZodType | null = caseFileSchema
  for (const key of path) s = child(s, key)
  return s === null ? null : unwrap(s)
}

/**
 * Document order: list items by index; an object's unknown fields first (they are reported as the
 * object is entered), then its fields in the schema's order; a field before what is inside it.
 */
function compareLocated(a: Located, b: Located): number {
  let s: z.ZodType | null = caseFileSchema
  for (let i = 0; i < Math.min(a.path.length, b.path.length); i++) {
    const ka = a.path[i]!
    const kb = b.path[i]!
    if (ka !== kb) {
      if (typeof ka === 'number' && typeof kb === 'number') return ka - kb
      const keys = s === null ? [] : fieldsOf(s)
      const rank = (k: PropertyKey) => (typeof k === 'string' ? keys.indexOf(k) : -2)
      return rank(ka) - rank(kb)
    }
    s = child(s, ka)
  }
  return a.path.length - b.path.length
}

function fieldsOf(schema: z.ZodType): string[] {
  const s = unwrap(schema)
  return s instanceof z.ZodObject ? Object.keys(s.shape) : []
}

/** `cases[2].studies[0].procedure` */
function fieldPath(path: Path): string {
  return path.reduce<string>(
    (out, k) => (typeof k === 'number' ? `${out}[${k}]` : out === '' ? String(k) : `${out}.${String(k)}`),
    '',
  )
}

const shown = (v: unknown): string => (typeof v === 'number' ? String(v) : String(JSON.stringify(v)))

/** A schema issue in the words of a file reader: what was found and what is allowed. */
function fileMessage(issue: z.core.$ZodIssue): string {
  const { path, input } = issue
  const leaf = schemaAt(path)
  const absent = input === undefined || input === null
  const inList = typeof path[path.length - 1] === 'number'
  const params =
    issue.code === 'custom' ? (issue.params as { rule?: string; id?: string } | undefined) : undefined
  if (leaf === calendarDate) {
    if (params?.rule === 'calendar-range')
      return `${shown(input)} is outside the dates a record can hold (${CALENDAR_RANGE.from} to ${CALENDAR_RANGE.to})`
    return absent
      ? 'required: a calendar date YYYY-MM-DD'
      : `${shown(input)} is not a real calendar date (YYYY-MM-DD)`
  }
  switch (issue.code) {
    case 'invalid_type':
      switch (issue.expected) {
        case 'object':
          return path.length === 2 && path[0] === 'cases' ? 'a case must be an object' : 'must be an object'
        case 'array':
          if (absent && path.length === 1 && path[0] === 'cases') return 'required: a list of cases'
          return 'must be a list'
        case 'boolean':
          return absent ? 'required: true or false' : `must be true, false or null, not ${shown(input)}`
        case 'number':
          return `must be a finite number, not ${shown(input)}`
        case 'string':
          return inList ? 'must be a non-empty string' : 'required: a non-empty string'
      }
      break
    case 'invalid_value': {
      if (path.length === 1 && path[0] === 'format') return `must be "${CASE_FORMAT}", not ${shown(input)}`
      const values = issue.values.map(String).join(', ')
      if (absent) return `required: one of ${values}`
      const noun = leaf ? (CODE_NOUNS.get(leaf)?.noun ?? 'value') : 'value'
      return `unknown ${noun} ${shown(input)} (expected one of: ${values})`
    }
    case 'too_small':
      if (issue.origin === 'number')
        return `must be ${issue.inclusive ? `${issue.minimum} or more` : `greater than ${issue.minimum}`}, not ${shown(input)}`
      if (issue.origin === 'string')
        return inList ? 'must be a non-empty string' : 'required: a non-empty string'
      break
    case 'too_big':
      if (issue.origin === 'number')
        return `${shown(input)} is out of range (must be under ${issue.maximum}); check the unit`
      if (issue.origin === 'string') return `longer than ${issue.maximum} characters`
      if (issue.origin === 'array') return `more than ${issue.maximum} items`
      break
    case 'custom':
      if (params?.rule === 'duplicate-lesion-id') return `duplicate lesion id "${params.id}" in this study`
      if (params?.rule === 'non-empty') return 'required: a non-empty string'
      break
  }
  return issue.message
}

/** Every field of the input that the schema does not know, as a warning. */
function unknownFields(schema: z.ZodType | null, value: unknown, path: Path, out: Located[]): void {
  if (schema === null) return
  const s = unwrap(schema)
  if (s instanceof z.ZodObject && isObj(value)) {
    const shape = s.shape as Record<string, z.ZodType>
    for (const [key, v] of Object.entries(value)) {
      if (!(key in shape)) out.push({ path: [...path, key], message: 'unknown field, ignored' })
      else unknownFields(shape[key]!, v, [...path, key], out)
    }
  } else if (s instanceof z.ZodArray && Array.isArray(value)) {
    value.forEach((v, i) => unknownFields(s.element as z.ZodType, v, [...path, i], out))
  }
}

/** What the schema cannot say on its own: facts across cases, and against `asOf`. */
function crossChecks(json: Obj, problems: Located[], warnings: Located[]): void {
  const asOf = isCalendarDate(json.asOf) ? json.asOf : null
  if (!Array.isArray(json.cases)) return
  const ids = new Set<string>()
  json.cases.forEach((c: unknown, i) => {
    if (!isObj(c)) return
    const at = ['cases', i]
    if (typeof c.id === 'string' && c.id.trim() !== '') {
      if (ids.has(c.id)) problems.push({ path: [...at, 'id'], message: `duplicate case id "${c.id}"` })
      ids.add(c.id)
    }
    if (asOf !== null && isCalendarDate(c.birthDate) && c.birthDate > asOf)
      problems.push({ path: [...at, 'birthDate'], message: `after asOf ${asOf}` })
    if (Array.isArray(c.treatments)) {
      c.treatments.forEach((t: unknown, j) => {
        if (
          isObj(t) &&
          t.kind !== 'resection' &&
          t.completeResection !== undefined &&
          t.completeResection !== null
        )
          warnings.push({
            path: [...at, 'treatments', j, 'completeResection'],
            message: 'only meaningful for a resection; ignored',
          })
      })
    }
    if (Array.isArray(c.symptoms)) {
      c.symptoms.forEach((s: unknown, j) => {
        if (typeof s === 'string' && s.trim() !== '' && !(SYMPTOMS as readonly string[]).includes(s))
          warnings.push({
            path: [...at, 'symptoms', j],
            message: `unknown symptom code "${s}", kept as given`,
          })
      })
    }
    if (asOf !== null && Array.isArray(c.studies)) {
      c.studies.forEach((s: unknown, j) => {
        if (isObj(s) && isCalendarDate(s.date) && s.date > asOf)
          warnings.push({
            path: [...at, 'studies', j, 'date'],
            message: `after asOf ${asOf}; the engine leaves this study out`,
          })
      })
    }
  })
}

type ParsedCase = z.output<typeof caseFileSchema>['cases'][number]

/** The engine's `Case`: unknown is null, optional parts absent when the file has none. */
function toCase(c: ParsedCase): Case {
  const d = c.diagnosis
  const k = c.constraints
  return {
    id: c.id,
    birthDate: c.birthDate,
    weightKg: c.weightKg,
    diagnosis: {
      date: d?.date ?? null,
      confirmed: d?.confirmed ?? null,
      grade: d?.grade ?? null,
      functional: d?.functional ?? null,
      primarySizeMm: d?.primarySizeMm ?? null,
    },
    stagingComplete: c.stagingComplete,
    treatments:
      c.treatments?.map((t): Treatment =>
        t.kind === 'resection'
          ? { kind: t.kind, date: t.date, completeResection: t.completeResection }
          : { kind: t.kind, date: t.date },
      ) ?? null,
    activeSurveillance: c.activeSurveillance,
    burden: c.burden,
    suspectedRecurrence: c.suspectedRecurrence,
    symptoms: c.symptoms,
    constraints: {
      mriContraindicated: k?.mriContraindicated ?? null,
      iodinatedContrastContraindicated: k?.iodinatedContrastContraindicated ?? null,
      gadoliniumContraindicated: k?.gadoliniumContraindicated ?? null,
      eGFR: k?.eGFR ?? null,
    },
    requestedProcedure: c.requestedProcedure,
    studies: (c.studies ?? []).map((s): Study => {
      const study: Study = { date: s.date, procedure: s.procedure, result: s.result }
      if (s.lesions) {
        study.lesions = s.lesions.map((l): Lesion => {
          const lesion: Lesion = {
            id: l.id,
            organ: l.organ,
            nodal: l.nodal,
            role: l.role,
            diameterMm: l.diameterMm,
          }
          if (l.status !== null) lesion.status = l.status
          return lesion
        })
      }
      if (s.dose) study.dose = { ...s.dose }
      return study
    }),
  }
}

/**
 * Read a `pnet-case/1` document (already parsed from JSON). Lists every problem, not just the
 * first; returns fresh objects (the input is never kept or modified).
 *
 * @example
 * const r = parseCaseFile(JSON.parse(text))
 * if (!r.ok) for (const p of r.problems) console.error(`${p.caseId}: ${p.field}: ${p.message}`)
 */
export function parseCaseFile(json: unknown): ParseResult {
  if (!isObj(json)) {
    const problem = {
      caseId: null,
      field: '',
      message: 'the file must hold a JSON object with format, asOf and cases',
    }
    return { ok: false, problems: [problem], warnings: [] }
  }
  const parsed = caseFileSchema.safeParse(json, { reportInput: true })
  const problems: Located[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ path: issue.path, message: fileMessage(issue) }))
  const warnings: Located[] = []
  unknownFields(caseFileSchema, json, [], warnings)
  crossChecks(json, problems, warnings)

  const cases = Array.isArray(json.cases) ? (json.cases as unknown[]) : []
  const caseIdAt = (path: Path): string | null => {
    if (path[0] !== 'cases' || typeof path[1] !== 'number') return null
    const c = cases[path[1]]
    return isObj(c) && typeof c.id === 'string' && c.id.trim() !== '' ? c.id : null
  }
  const located = (list: Located[]): FileProblem[] =>
    [...list]
      .sort(compareLocated)
      .map((p) => ({ caseId: caseIdAt(p.path), field: fieldPath(p.path), message: p.message }))

  if (!parsed.success || problems.length > 0)
    return { ok: false, problems: located(problems), warnings: located(warnings) }
  const { asOf } = parsed.data
  return {
    ok: true,
    file: { format: CASE_FORMAT, asOf, cases: parsed.data.cases.map(toCase) },
    warnings: located(warnings),
  }
}

/**
 * Wrap evaluations in a `pnet-evaluation/1` document.
 *
 * @example toEvaluationFile('2026-06-15', ACR_PNET, [evaluate(c, '2026-06-15', ACR_PNET)])
 */
export function toEvaluationFile(asOf: IsoDate, pack: LoadedPack, results: Evaluation[]): EvaluationFile {
  return { format: EVALUATION_FORMAT, asOf, guideline: { id: pack.id, version: pack.version }, results }
}

/** Evaluate every case of a parsed file, in input order. */
export function evaluateCaseFile(
  file: CaseFile,
  pack: LoadedPack = ACR_PNET,
  settings: EngineSettings = {},
): EvaluationFile {
  return toEvaluationFile(
    file.asOf,
    pack,
    file.cases.map((c) => evaluate(c, file.asOf, pack, settings)),
  )
}
