// Reading and writing the interchange files: `pnet-case/1` in, `pnet-evaluation/1` out
// (docs/case-format.md). Validation is by hand (the engine depends on nothing but date-fns)
// and lists every problem with the case id and the field path, e.g.
// `cases[2].studies[0].procedure`. Unknown fields are warnings, never silently dropped.
import { isIsoDate } from './dates'
import { evaluate } from './evaluate'
import { ACR_PNET, type LoadedPack } from './guideline'
import {
  AGENTS,
  BURDENS,
  DOSE_REGIONS,
  GRADES,
  LESION_ROLES,
  LESION_STATUSES,
  PROCEDURE_IDS,
  STUDY_RESULTS,
  SYMPTOMS,
  TREATMENT_KINDS,
  type Case,
  type Constraints,
  type Diagnosis,
  type EngineSettings,
  type Evaluation,
  type GuidelineRef,
  type IsoDate,
  type Lesion,
  type Study,
  type StudyDose,
  type Treatment,
} from './types'

export const CASE_FORMAT = 'pnet-case/1'
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

const FILE_FIELDS = ['format', 'asOf', 'cases']
const CASE_FIELDS = [
  'id',
  'birthDate',
  'weightKg',
  'diagnosis',
  'stagingComplete',
  'treatments',
  'activeSurveillance',
  'burden',
  'suspectedRecurrence',
  'symptoms',
  'constraints',
  'requestedProcedure',
  'studies',
]
const DIAGNOSIS_FIELDS = ['date', 'confirmed', 'grade', 'functional', 'primarySizeMm']
const TREATMENT_FIELDS = ['kind', 'date', 'completeResection']
const CONSTRAINT_FIELDS = [
  'mriContraindicated',
  'iodinatedContrastContraindicated',
  'gadoliniumContraindicated',
  'eGFR',
]
const STUDY_FIELDS = ['date', 'procedure', 'result', 'lesions', 'dose']
const LESION_FIELDS = ['id', 'organ', 'nodal', 'role', 'diameterMm', 'status']
const DOSE_FIELDS = ['effectiveMsv', 'ctdiVolMgy', 'dlpMgyCm', 'region', 'activityMbq', 'agent']

/** Upper limits that catch unit mistakes (they match the database's checks). */
const LIMITS = {
  weightKg: 700,
  primarySizeMm: 1000,
  eGFR: 300,
  diameterMm: 1000,
  effectiveMsv: 1000,
  ctdiVolMgy: 1000,
  dlpMgyCm: 100000,
  activityMbq: 100000,
} as const

class Reader {
  readonly problems: FileProblem[] = []
  readonly warnings: FileProblem[] = []
  caseId: string | null = null

  error(field: string, message: string): void {
    this.problems.push({ caseId: this.caseId, field, message })
  }
  warn(field: string, message: string): void {
    this.warnings.push({ caseId: this.caseId, field, message })
  }
  unknownFields(o: Obj, known: readonly string[], at: string): void {
    for (const key of Object.keys(o)) {
      if (!known.includes(key)) this.warn(at ? `${at}.${key}` : key, 'unknown field, ignored')
    }
  }
  object(v: unknown, field: string): Obj | null {
    if (v === undefined || v === null) return null
    if (!isObj(v)) {
      this.error(field, 'must be an object')
      return null
    }
    return v
  }
  list(v: unknown, field: string): unknown[] | null {
    if (v === undefined || v === null) return null
    if (!Array.isArray(v)) {
      this.error(field, 'must be a list')
      return null
    }
    return v
  }
  date(v: unknown, field: string, required = false): IsoDate | null {
    if (v === undefined || v === null) {
      if (required) this.error(field, 'required: a calendar date YYYY-MM-DD')
      return null
    }
    if (!isIsoDate(v)) {
      this.error(field, `${JSON.stringify(v)} is not a real calendar date (YYYY-MM-DD)`)
      return null
    }
    return v
  }
  bool(v: unknown, field: string, required = false): boolean | null {
    if (v === undefined || v === null) {
      if (required) this.error(field, 'required: true or false')
      return null
    }
    if (typeof v !== 'boolean') {
      this.error(field, `must be true, false or null, not ${JSON.stringify(v)}`)
      return null
    }
    return v
  }
  number(v: unknown, field: string, opts: { positive?: boolean; max?: number } = {}): number | null {
    if (v === undefined || v === null) return null
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.error(
        field,
        `must be a finite number, not ${typeof v === 'number' ? String(v) : JSON.stringify(v)}`,
      )
      return null
    }
    if (opts.positive ? v <= 0 : v < 0) {
      this.error(field, `must be ${opts.positive ? 'greater than 0' : '0 or more'}, not ${v}`)
      return null
    }
    if (opts.max !== undefined && v >= opts.max) {
      this.error(field, `${v} is out of range (must be under ${opts.max}); check the unit`)
      return null
    }
    return v
  }
  oneOf<T extends string>(
    list: readonly T[],
    v: unknown,
    field: string,
    what: string,
    required = false,
  ): T | null {
    if (v === undefined || v === null) {
      if (required) this.error(field, `required: one of ${list.join(', ')}`)
      return null
    }
    if (typeof v !== 'string' || !(list as readonly string[]).includes(v)) {
      this.error(field, `unknown ${what} ${JSON.stringify(v)} (expected one of: ${list.join(', ')})`)
      return null
    }
    return v as T
  }
  text(v: unknown, field: string, maxLength: number): string | null {
    if (typeof v !== 'string' || v.trim().length === 0) {
      this.error(field, 'required: a non-empty string')
      return null
    }
    if (v.length > maxLength) {
      this.error(field, `longer than ${maxLength} characters`)
      return null
    }
    return v
  }
}

function readDiagnosis(r: Reader, v: unknown, at: string): Diagnosis {
  const o = r.object(v, at)
  if (o === null) return { date: null, confirmed: null, grade: null, functional: null, primarySizeMm: null }
  r.unknownFields(o, DIAGNOSIS_FIELDS, at)
  return {
    date: r.date(o.date, `${at}.date`),
    confirmed: r.bool(o.confirmed, `${at}.confirmed`),
    grade: r.oneOf(GRADES, o.grade, `${at}.grade`, 'grade'),
    functional: r.bool(o.functional, `${at}.functional`),
    primarySizeMm: r.number(o.primarySizeMm, `${at}.primarySizeMm`, {
      positive: true,
      max: LIMITS.primarySizeMm,
    }),
  }
}

function readTreatments(r: Reader, v: unknown, at: string): Treatment[] | null {
  const list = r.list(v, at)
  if (list === null) return null
  const out: Treatment[] = []
  list.forEach((item, i) => {
    const tat = `${at}[${i}]`
    const o = r.object(item, tat)
    if (o === null) {
      if (item === null || item === undefined) r.error(tat, 'must be an object')
      return
    }
    r.unknownFields(o, TREATMENT_FIELDS, tat)
    const kind = r.oneOf(TREATMENT_KINDS, o.kind, `${tat}.kind`, 'treatment kind', true)
    const date = r.date(o.date, `${tat}.date`)
    const complete = r.bool(o.completeResection, `${tat}.completeResection`)
    if (kind === null) return
    if (kind !== 'resection' && o.completeResection !== undefined && o.completeResection !== null) {
      r.warn(`${tat}.completeResection`, 'only meaningful for a resection; ignored')
    }
    out.push(kind === 'resection' ? { kind, date, completeResection: complete } : { kind, date })
  })
  return out
}

function readSymptoms(r: Reader, v: unknown, at: string): string[] | null {
  const list = r.list(v, at)
  if (list === null) return null
  const out: string[] = []
  list.forEach((s, i) => {
    if (typeof s !== 'string' || s.trim().length === 0) {
      r.error(`${at}[${i}]`, 'must be a non-empty string')
      return
    }
    if (!(SYMPTOMS as readonly string[]).includes(s))
      r.warn(`${at}[${i}]`, `unknown symptom code "${s}", kept as given`)
    out.push(s)
  })
  return out
}

function readConstraints(r: Reader, v: unknown, at: string): Constraints {
  const o = r.object(v, at)
  if (o === null) {
    return {
      mriContraindicated: null,
      iodinatedContrastContraindicated: null,
      gadoliniumContraindicated: null,
      eGFR: null,
    }
  }
  r.unknownFields(o, CONSTRAINT_FIELDS, at)
  return {
    mriContraindicated: r.bool(o.mriContraindicated, `${at}.mriContraindicated`),
    iodinatedContrastContraindicated: r.bool(
      o.iodinatedContrastContraindicated,
      `${at}.iodinatedContrastContraindicated`,
    ),
    gadoliniumContraindicated: r.bool(o.gadoliniumContraindicated, `${at}.gadoliniumContraindicated`),
    eGFR: r.number(o.eGFR, `${at}.eGFR`, { max: LIMITS.eGFR }),
  }
}

function readLesions(r: Reader, v: unknown, at: string): Lesion[] | undefined {
  const list = r.list(v, at)
  if (list === null) return undefined
  const out: Lesion[] = []
  const ids = new Set<string>()
  list.forEach((item, i) => {
    const lat = `${at}[${i}]`
    const o = r.object(item, lat)
    if (o === null) {
      if (item === null || item === undefined) r.error(lat, 'must be an object')
      return
    }
    r.unknownFields(o, LESION_FIELDS, lat)
    const id = r.text(o.id, `${lat}.id`, 32)
    if (id !== null) {
      if (ids.has(id)) r.error(`${lat}.id`, `duplicate lesion id "${id}" in this study`)
      ids.add(id)
    }
    const organ = r.text(o.organ, `${lat}.organ`, 64)
    const nodal = r.bool(o.nodal, `${lat}.nodal`, true)
    const role = r.oneOf(LESION_ROLES, o.role, `${lat}.role`, 'lesion role', true)
    const diameterMm = r.number(o.diameterMm, `${lat}.diameterMm`, { max: LIMITS.diameterMm })
    const status = r.oneOf(LESION_STATUSES, o.status, `${lat}.status`, 'lesion status')
    if (id === null || organ === null || nodal === null || role === null) return
    const lesion: Lesion = { id, organ, nodal, role, diameterMm }
    if (status !== null) lesion.status = status
    out.push(lesion)
  })
  return out
}

function readDose(r: Reader, v: unknown, at: string): StudyDose | undefined {
  const o = r.object(v, at)
  if (o === null) return undefined
  r.unknownFields(o, DOSE_FIELDS, at)
  return {
    effectiveMsv: r.number(o.effectiveMsv, `${at}.effectiveMsv`, { max: LIMITS.effectiveMsv }),
    ctdiVolMgy: r.number(o.ctdiVolMgy, `${at}.ctdiVolMgy`, { max: LIMITS.ctdiVolMgy }),
    dlpMgyCm: r.number(o.dlpMgyCm, `${at}.dlpMgyCm`, { max: LIMITS.dlpMgyCm }),
    region: r.oneOf(DOSE_REGIONS, o.region, `${at}.region`, 'dose region'),
    activityMbq: r.number(o.activityMbq, `${at}.activityMbq`, { max: LIMITS.activityMbq }),
    agent: r.oneOf(AGENTS, o.agent, `${at}.agent`, 'agent'),
  }
}

function readStudies(r: Reader, v: unknown, at: string, asOf: IsoDate | null): Study[] {
  const list = r.list(v, at)
  if (list === null) return []
  const out: Study[] = []
  list.forEach((item, i) => {
    const sat = `${at}[${i}]`
    const o = r.object(item, sat)
    if (o === null) {
      if (item === null || item === undefined) r.error(sat, 'must be an object')
      return
    }
    r.unknownFields(o, STUDY_FIELDS, sat)
    const date = r.date(o.date, `${sat}.date`, true)
    const procedure = r.oneOf(PROCEDURE_IDS, o.procedure, `${sat}.procedure`, 'procedure id', true)
    const result = r.oneOf(STUDY_RESULTS, o.result, `${sat}.result`, 'study result')
    const lesions = readLesions(r, o.lesions, `${sat}.lesions`)
    const dose = readDose(r, o.dose, `${sat}.dose`)
    if (date === null || procedure === null) return
    if (asOf !== null && date > asOf)
      r.warn(`${sat}.date`, `after asOf ${asOf}; the engine leaves this study out`)
    const study: Study = { date, procedure, result }
    if (lesions !== undefined) study.lesions = lesions
    if (dose !== undefined) study.dose = dose
    out.push(study)
  })
  return out
}

function readCase(r: Reader, v: unknown, at: string, asOf: IsoDate | null, ids: Set<string>): Case | null {
  r.caseId = null
  if (!isObj(v)) {
    r.error(at, 'a case must be an object')
    return null
  }
  const id = typeof v.id === 'string' && v.id.trim().length > 0 ? v.id : null
  r.caseId = id
  if (id === null) r.error(`${at}.id`, 'required: a non-empty string')
  else if (ids.has(id)) r.error(`${at}.id`, `duplicate case id "${id}"`)
  else ids.add(id)
  r.unknownFields(v, CASE_FIELDS, at)
  const before = r.problems.length
  const c: Case = {
    id: id ?? '',
    birthDate: r.date(v.birthDate, `${at}.birthDate`),
    weightKg: r.number(v.weightKg, `${at}.weightKg`, { positive: true, max: LIMITS.weightKg }),
    diagnosis: readDiagnosis(r, v.diagnosis, `${at}.diagnosis`),
    stagingComplete: r.bool(v.stagingComplete, `${at}.stagingComplete`),
    treatments: readTreatments(r, v.treatments, `${at}.treatments`),
    activeSurveillance: r.bool(v.activeSurveillance, `${at}.activeSurveillance`),
    burden: r.oneOf(BURDENS, v.burden, `${at}.burden`, 'burden'),
    suspectedRecurrence: r.bool(v.suspectedRecurrence, `${at}.suspectedRecurrence`),
    symptoms: readSymptoms(r, v.symptoms, `${at}.symptoms`),
    constraints: readConstraints(r, v.constraints, `${at}.constraints`),
    requestedProcedure: r.oneOf(
      PROCEDURE_IDS,
      v.requestedProcedure,
      `${at}.requestedProcedure`,
      'procedure id',
    ),
    studies: readStudies(r, v.studies, `${at}.studies`, asOf),
  }
  if (c.birthDate !== null && asOf !== null && c.birthDate > asOf)
    r.error(`${at}.birthDate`, `after asOf ${asOf}`)
  return r.problems.length === before && id !== null ? c : null
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
  const r = new Reader()
  if (!isObj(json)) {
    r.error('', 'the file must hold a JSON object with format, asOf and cases')
    return { ok: false, problems: r.problems, warnings: r.warnings }
  }
  r.unknownFields(json, FILE_FIELDS, '')
  if (json.format !== CASE_FORMAT) {
    r.error('format', `must be "${CASE_FORMAT}", not ${JSON.stringify(json.format)}`)
  }
  const asOf = r.date(json.asOf, 'asOf', true)
  const cases: Case[] = []
  const list = r.list(json.cases, 'cases')
  if (list === null) {
    if (json.cases === undefined || json.cases === null) r.error('cases', 'required: a list of cases')
  } else {
    const ids = new Set<string>()
    list.forEach((v, i) => {
      const c = readCase(r, v, `cases[${i}]`, asOf, ids)
      if (c !== null) cases.push(c)
    })
    r.caseId = null
  }
  if (r.problems.length > 0 || asOf === null) return { ok: false, problems: r.problems, warnings: r.warnings }
  return { ok: true, file: { format: CASE_FORMAT, asOf, cases }, warnings: r.warnings }
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
