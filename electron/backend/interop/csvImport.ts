import Papa from 'papaparse'
import type { z } from 'zod'
import type { PatientInput, StudyInput, TreatmentFacts } from '../../../db/types'
import {
  ACR_PNET,
  AGENTS,
  type BURDENS,
  CSV_IMPORT_FIELDS,
  DOSE_REGIONS,
  GRADES,
  PROCEDURE_IDS,
  RESULT_LABELS,
  STUDY_RESULTS,
  SYMPTOMS,
  TREATMENT_KINDS,
  TREATMENT_LABELS,
  patientFactsSchema,
  studyEntrySchema,
  type CsvImportField,
  type IsoDate,
} from '../../../engine'
import { patientDateProblems, studyDateProblems } from '../services/checks'

// Reading a RIS list or a spreadsheet (docs/interop.md): papaparse splits the file; each column is
// mapped to a field by its header (or as the person chose); each cell is read as its field's kind
// (a date, a number, yes/no/unknown, a code given as the code or its words, a list); then every
// patient and every study is checked by the shared case schema (engine/caseSchema.ts) and the
// date rules a typed entry gets, so a row is valid here exactly when the same entry typed into the
// app would be. Problems are listed by row and column. Nothing here writes.
//
// Rows with the same MRN are one patient: the first row gives the patient's facts, a later row may
// repeat them or leave them empty (a different value is an error), may add a treatment, and adds a
// study when it has a study date. An MRN already in the log is skipped, never merged.

type Kind = 'text' | 'date' | 'number' | 'bool' | 'code' | 'list'

interface FieldSpec {
  label: string
  kind: Kind
  /** Headers this field is recognised by (compared without case, spaces or punctuation). */
  aliases: readonly string[]
  /** For codes: the codes and the words each may be written as. */
  codes?: ReadonlyMap<string, string>
}

/** Lower case, letters and digits only: "Date of birth" = "date-of-birth" = "DATEOFBIRTH". */
const norm = (s: string): string =>
  s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')

/** A code's words, normalised, without "and"s: "Chest, abdomen and pelvis" → chest-abdomen-pelvis. */
const codeNorm = (s: string): string => norm(s.replace(/\band\b/gi, ' '))

/** Cells repeat (a list of 100k rows has a handful of grades): each text is normalised once. */
const normalised = new Map<string, string>()
function codeKey(s: string): string {
  let k = normalised.get(s)
  if (k === undefined) {
    k = codeNorm(s)
    if (normalised.size < 10_000) normalised.set(s, k)
  }
  return k
}

function codeMap(entries: Iterable<readonly [string, ...string[]]>): ReadonlyMap<string, string> {
  const m = new Map<string, string>()
  for (const [code, ...words] of entries) for (const w of [code, ...words]) m.set(codeNorm(w), code)
  return m
}

const PROCEDURE_CODES = codeMap(
  PROCEDURE_IDS.map((id) => [id, ACR_PNET.procedure[id].acrName, ACR_PNET.procedure[id].label] as const),
)

export const CSV_FIELD_SPECS: Readonly<Record<CsvImportField, FieldSpec>> = {
  mrn: {
    label: 'MRN',
    kind: 'text',
    aliases: ['MRN', 'Patient ID', 'PatientID', 'Medical record number', 'PID'],
  },
  name: { label: 'Name', kind: 'text', aliases: ['Name', 'Patient name', 'PatientName', 'Full name'] },
  birthDate: {
    label: 'Birth date',
    kind: 'date',
    aliases: ['Birth date', 'Date of birth', 'DOB', 'PatientBirthDate'],
  },
  weightKg: { label: 'Weight (kg)', kind: 'number', aliases: ['Weight', 'Weight (kg)', 'Weight kg'] },
  'diagnosis.date': {
    label: 'Diagnosis date',
    kind: 'date',
    aliases: ['Diagnosis date', 'Date of diagnosis'],
  },
  'diagnosis.confirmed': {
    label: 'Histologically confirmed',
    kind: 'bool',
    aliases: ['Histologically confirmed', 'Confirmed'],
  },
  'diagnosis.grade': {
    label: 'Grade',
    kind: 'code',
    aliases: ['Grade', 'WHO grade'],
    codes: codeMap(GRADES.map((g) => [g] as const)),
  },
  'diagnosis.functional': { label: 'Functional', kind: 'bool', aliases: ['Functional', 'Hormone syndrome'] },
  'diagnosis.primarySizeMm': {
    label: 'Primary size (mm)',
    kind: 'number',
    aliases: ['Primary size', 'Primary size (mm)'],
  },
  stagingComplete: {
    label: 'Baseline staging complete',
    kind: 'bool',
    aliases: ['Baseline staging complete', 'Staging complete'],
  },
  activeSurveillance: {
    label: 'Active surveillance',
    kind: 'bool',
    aliases: ['Active surveillance', 'Active surveillance (untreated)'],
  },
  burden: {
    label: 'Tumour burden',
    kind: 'code',
    aliases: ['Burden', 'Tumour burden', 'Tumor burden'],
    codes: codeMap([
      ['liver-dominant', 'liver dominant'],
      ['non-liver-dominant', 'not liver-dominant', 'not liver dominant'],
    ] satisfies [(typeof BURDENS)[number], ...string[]][]),
  },
  suspectedRecurrence: {
    label: 'Recurrence suspected',
    kind: 'bool',
    aliases: ['Recurrence suspected', 'Suspected recurrence'],
  },
  symptoms: {
    label: 'New symptoms (; between codes, “none”)',
    kind: 'list',
    aliases: ['Symptoms', 'New symptoms'],
    codes: codeMap(SYMPTOMS.map((s) => [s] as const)),
  },
  'constraints.mriContraindicated': {
    label: 'MRI contraindicated',
    kind: 'bool',
    aliases: ['MRI contraindicated'],
  },
  'constraints.mriReason': {
    label: 'Reason MRI is contraindicated',
    kind: 'text',
    aliases: ['MRI reason', 'Reason MRI is contraindicated'],
  },
  'constraints.iodinatedContrastContraindicated': {
    label: 'Iodinated contrast contraindicated',
    kind: 'bool',
    aliases: ['Iodinated contrast contraindicated', 'CT contrast contraindicated'],
  },
  'constraints.gadoliniumContraindicated': {
    label: 'Gadolinium contraindicated',
    kind: 'bool',
    aliases: ['Gadolinium contraindicated'],
  },
  'constraints.eGFR': { label: 'eGFR', kind: 'number', aliases: ['eGFR'] },
  requestedProcedure: {
    label: 'Requested study',
    kind: 'code',
    aliases: ['Requested study', 'Requested procedure'],
    codes: PROCEDURE_CODES,
  },
  'treatment.kind': {
    label: 'Treatment',
    kind: 'code',
    aliases: ['Treatment', 'Treatment kind'],
    codes: codeMap(TREATMENT_KINDS.map((k) => [k, TREATMENT_LABELS[k]] as const)),
  },
  'treatment.date': { label: 'Treatment date', kind: 'date', aliases: ['Treatment date'] },
  'treatment.completeResection': {
    label: 'Complete resection',
    kind: 'bool',
    aliases: ['Complete resection'],
  },
  'study.date': { label: 'Study date', kind: 'date', aliases: ['Study date', 'StudyDate', 'Exam date'] },
  'study.procedure': {
    label: 'Study procedure',
    kind: 'code',
    aliases: ['Procedure', 'Study procedure', 'Study'],
    codes: PROCEDURE_CODES,
  },
  'study.result': {
    label: 'Study result',
    kind: 'code',
    aliases: ['Result', 'Study result'],
    codes: codeMap(STUDY_RESULTS.map((r) => [r, RESULT_LABELS[r]] as const)),
  },
  'study.ctdiVolMgy': { label: 'CTDIvol (mGy)', kind: 'number', aliases: ['CTDIvol', 'CTDIvol (mGy)'] },
  'study.dlpMgyCm': {
    label: 'DLP (mGy·cm)',
    kind: 'number',
    aliases: ['DLP', 'DLP (mGy·cm)', 'DLP (mGy cm)'],
  },
  'study.region': {
    label: 'Body region',
    kind: 'code',
    aliases: ['Body region', 'Region'],
    codes: codeMap(DOSE_REGIONS.map((r) => [r] as const)),
  },
  'study.activityMbq': {
    label: 'Administered activity (MBq)',
    kind: 'number',
    aliases: ['Activity', 'Administered activity', 'Administered activity (MBq)'],
  },
  'study.agent': {
    label: 'Radiopharmaceutical',
    kind: 'code',
    aliases: ['Radiopharmaceutical', 'Agent'],
    codes: codeMap(AGENTS.map((a) => [a] as const)),
  },
  'study.effectiveMsv': {
    label: 'Reported effective dose (mSv)',
    kind: 'number',
    aliases: ['Effective dose', 'Effective dose (mSv)'],
  },
  'study.note': { label: 'Study note', kind: 'text', aliases: ['Note', 'Study note'] },
}

const BY_ALIAS = new Map<string, CsvImportField>()
for (const f of CSV_IMPORT_FIELDS) {
  BY_ALIAS.set(norm(f), f)
  for (const a of CSV_FIELD_SPECS[f].aliases) BY_ALIAS.set(norm(a), f)
}

/** Each header's field by its name (the first column of a field wins; the rest map to none). */
export function suggestMapping(headers: readonly string[]): Record<string, CsvImportField | null> {
  const used = new Set<CsvImportField>()
  const out: Record<string, CsvImportField | null> = {}
  for (const h of headers) {
    const f = BY_ALIAS.get(norm(h)) ?? null
    out[h] = f && !used.has(f) ? f : null
    if (f) used.add(f)
  }
  return out
}

export interface CsvProblem {
  /** The spreadsheet row: the header is row 1, the first record row 2. */
  row: number
  /** The header of the column, or null for a problem of the whole row. */
  column: string | null
  field: CsvImportField | null
  message: string
}

export interface PlannedPatient {
  /** Row of the patient's first record. */
  row: number
  input: PatientInput
  studies: { row: number; input: StudyInput }[]
}

export interface CsvPlan {
  headers: string[]
  mapping: Record<string, CsvImportField | null>
  records: number
  patients: PlannedPatient[]
  studies: number
  /** Patients whose MRN is already in the log: skipped, never merged. */
  skipped: { row: number; mrn: string }[]
  problems: CsvProblem[]
  problemCount: number
}

export const MAX_PROBLEMS = 1000
export const MAX_RECORDS = 1_000_000

export interface ReadOptions {
  today: IsoDate
  /** Whether an MRN (any case) is already in the log. */
  isTaken: (mrn: string) => boolean
  /** Called every `every` records: progress, and a chance to yield and to stop. */
  tick?: (done: number, total: number) => Promise<void>
  every?: number
}

/** The header row and the records of a CSV text (comma, semicolon or tab separated). */
export function splitCsv(text: string): { headers: string[]; records: string[][]; problems: CsvProblem[] } {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    skipEmptyLines: 'greedy',
    delimitersToGuess: [',', ';', '\t'],
  })
  const problems: CsvProblem[] = parsed.errors
    .filter((e) => e.code !== 'UndetectableDelimiter')
    .map((e) => ({
      row: (e.row ?? 0) + 1,
      column: null,
      field: null,
      message: `The file cannot be read here: ${e.message}.`,
    }))
  const [header, ...records] = parsed.data
  const headers = (header ?? []).map((h) => h.trim())
  return { headers, records, problems }
}

/** The header row alone (for the suggested mapping), without reading the whole file. */
export function headersOf(text: string): string[] {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    preview: 1,
    delimitersToGuess: [',', ';', '\t'],
  })
  return (parsed.data[0] ?? []).map((h) => h.trim())
}

const YES = new Set(['yes', 'y', 'true', '1', 'ja', 'oui'])
const NO = new Set(['no', 'n', 'false', '0', 'nein', 'non'])
const UNKNOWN = new Set(['', 'unknown', 'na', 'n/a', '?'])
const NUMBER = /^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/

/**
 * A cell as its field's value. What cannot be read is passed on as the text it is, so the case
 * schema reports it with its own words ("Grade is G1, G2 or G3.", "Weight (kg) must be a number.").
 */
function cellValue(spec: FieldSpec, raw: string): unknown {
  const t = raw.trim()
  switch (spec.kind) {
    case 'text':
      return t === '' ? null : t
    case 'date':
      return t === '' ? null : t
    case 'number':
      if (t === '') return null
      return NUMBER.test(t) ? Number(t.replace(',', '.')) : t
    case 'bool': {
      const l = t.toLowerCase()
      if (UNKNOWN.has(l)) return null
      if (YES.has(l)) return true
      if (NO.has(l)) return false
      return t
    }
    case 'code':
      return t === '' ? null : (spec.codes?.get(codeKey(t)) ?? t)
    case 'list': {
      if (t === '' || t.toLowerCase() === 'unknown') return null
      if (t.toLowerCase() === 'none') return []
      return t
        .split(/[;|]/)
        .map((x) => x.trim())
        .filter((x) => x !== '')
        .map((x) => spec.codes?.get(codeKey(x)) ?? x)
    }
  }
}

type Values = Partial<Record<CsvImportField, unknown>>

function patientOf(v: Values): unknown {
  const get = (f: CsvImportField) => (f in v ? v[f] : null)
  return {
    mrn: get('mrn') ?? '',
    name: get('name') ?? '',
    birthDate: get('birthDate'),
    weightKg: get('weightKg'),
    diagnosis: {
      date: get('diagnosis.date'),
      confirmed: get('diagnosis.confirmed'),
      grade: get('diagnosis.grade'),
      functional: get('diagnosis.functional'),
      primarySizeMm: get('diagnosis.primarySizeMm'),
    },
    stagingComplete: get('stagingComplete'),
    activeSurveillance: get('activeSurveillance'),
    burden: get('burden'),
    suspectedRecurrence: get('suspectedRecurrence'),
    symptoms: get('symptoms'),
    constraints: {
      mriContraindicated: get('constraints.mriContraindicated'),
      mriReason: get('constraints.mriReason'),
      iodinatedContrastContraindicated: get('constraints.iodinatedContrastContraindicated'),
      gadoliniumContraindicated: get('constraints.gadoliniumContraindicated'),
      eGFR: get('constraints.eGFR'),
    },
    treatments: [],
    requestedProcedure: get('requestedProcedure'),
  }
}

function treatmentOf(v: Values): unknown | null {
  if (v['treatment.kind'] == null && v['treatment.date'] == null && v['treatment.completeResection'] == null)
    return null
  return {
    kind: v['treatment.kind'] ?? '',
    date: v['treatment.date'] ?? null,
    completeResection: v['treatment.completeResection'] ?? null,
  }
}

const STUDY_FIELDS = CSV_IMPORT_FIELDS.filter((f) => f.startsWith('study.'))

function studyOf(v: Values): unknown | null {
  if (STUDY_FIELDS.every((f) => v[f] == null)) return null
  const g = (f: CsvImportField) => v[f] ?? null
  return {
    date: g('study.date') ?? '',
    procedure: g('study.procedure') ?? '',
    result: g('study.result'),
    lesions: [],
    dose: {
      effectiveMsv: g('study.effectiveMsv'),
      ctdiVolMgy: g('study.ctdiVolMgy'),
      dlpMgyCm: g('study.dlpMgyCm'),
      region: g('study.region'),
      activityMbq: g('study.activityMbq'),
      agent: g('study.agent'),
    },
    note: g('study.note'),
  }
}

/** A schema path (`diagnosis.grade`, `dose.dlpMgyCm`) as the import field that holds it. */
function fieldOfPath(
  path: readonly PropertyKey[],
  part: 'patient' | 'treatment' | 'study',
): CsvImportField | null {
  const p = path.map(String)
  let key: string
  if (part === 'study') key = `study.${p[0] === 'dose' ? p[1] : p[0]}`
  else if (part === 'treatment') key = `treatment.${p[0]}`
  else key = p.join('.')
  return (CSV_IMPORT_FIELDS as readonly string[]).includes(key) ? (key as CsvImportField) : null
}

/** A patient's facts that identify it (the MRN and name are compared too). */
const PATIENT_FIELDS = CSV_IMPORT_FIELDS.filter((f) => !f.startsWith('study.') && !f.startsWith('treatment.'))

/**
 * Reads and checks every record. `mapping` says which field each header fills (null: none). The
 * plan holds every patient and study to import when `problemCount` is 0; nothing is written here.
 */
export async function readCsv(
  text: string,
  mapping: Record<string, CsvImportField | null>,
  opts: ReadOptions,
): Promise<CsvPlan> {
  const split = splitCsv(text)
  const problems: CsvProblem[] = []
  let problemCount = 0
  const problem = (p: CsvProblem) => {
    problemCount++
    if (problems.length < MAX_PROBLEMS) problems.push(p)
  }
  split.problems.forEach(problem)
  const { headers, records } = split
  const columns: { index: number; header: string; field: CsvImportField }[] = []
  const seen = new Map<CsvImportField, string>()
  headers.forEach((header, index) => {
    const field = mapping[header] ?? null
    if (!field) return
    const other = seen.get(field)
    if (other !== undefined) {
      problem({
        row: 1,
        column: header,
        field,
        message: `Columns “${other}” and “${header}” are both mapped to ${CSV_FIELD_SPECS[field].label}: map one of them to nothing.`,
      })
      return
    }
    seen.set(field, header)
    columns.push({ index, header, field })
  })
  if (headers.length === 0)
    problem({ row: 1, column: null, field: null, message: 'The file has no header row.' })
  for (const required of ['mrn', 'name'] as const) {
    if (headers.length > 0 && !seen.has(required))
      problem({
        row: 1,
        column: null,
        field: required,
        message: `No column is mapped to ${CSV_FIELD_SPECS[required].label}: every patient needs one.`,
      })
  }
  if (records.length > MAX_RECORDS)
    problem({
      row: 1,
      column: null,
      field: null,
      message: `The file has more than ${MAX_RECORDS} rows: split it.`,
    })
  const columnOf = (f: CsvImportField | null) => (f ? (seen.get(f) ?? null) : null)

  const byMrn = new Map<string, PlannedPatient & { values: Values; mrn: string }>()
  const caseless = new Map<string, string>()
  const skipped: CsvPlan['skipped'] = []
  const skippedMrns = new Set<string>()
  const patients: PlannedPatient[] = []
  let studyCount = 0
  const every = opts.every ?? 500

  const report = (
    row: number,
    issues: readonly z.core.$ZodIssue[],
    part: 'patient' | 'treatment' | 'study',
  ) => {
    for (const issue of issues) {
      const field = fieldOfPath(issue.path, part)
      problem({ row, column: columnOf(field), field, message: issue.message })
    }
  }
  const dates = (row: number, fields: Record<string, string>, part: 'patient' | 'study') => {
    for (const [path, message] of Object.entries(fields)) {
      const field = fieldOfPath(path.split('.'), part)
      problem({ row, column: columnOf(field), field, message })
    }
  }

  /** The row's study checked on its own (its patient has problems): every problem is listed at once. */
  const studyProblems = (row: number, values: Values, birthDate: IsoDate | null) => {
    const s = studyOf(values)
    if (s === null) return
    const parsedS = studyEntrySchema.safeParse(s)
    if (!parsedS.success) report(row, parsedS.error.issues, 'study')
    else dates(row, studyDateProblems(parsedS.data, birthDate, opts.today), 'study')
  }

  if (problemCount === 0) {
    for (let i = 0; i < records.length; i++) {
      if (opts.tick && i % every === 0) await opts.tick(i, records.length)
      const rec = records[i]!
      const row = i + 2
      if (rec.length !== headers.length) {
        problem({
          row,
          column: null,
          field: null,
          message: `This row has ${rec.length} ${rec.length === 1 ? 'field' : 'fields'}; the header has ${headers.length}.`,
        })
        continue
      }
      const values: Values = {}
      for (const c of columns) values[c.field] = cellValue(CSV_FIELD_SPECS[c.field], rec[c.index] ?? '')
      const mrn = typeof values.mrn === 'string' ? values.mrn : ''
      if (mrn === '') {
        problem({ row, column: columnOf('mrn'), field: 'mrn', message: 'Enter the MRN.' })
        continue
      }
      if (skippedMrns.has(mrn)) continue
      let planned = byMrn.get(mrn)
      if (!planned) {
        const lower = mrn.toLowerCase()
        const clash = caseless.get(lower)
        if (clash !== undefined) {
          problem({
            row,
            column: columnOf('mrn'),
            field: 'mrn',
            message: `MRN ${mrn} differs from ${clash} (an earlier row) only in letter case: MRNs are compared without case.`,
          })
          continue
        }
        if (opts.isTaken(mrn)) {
          skipped.push({ row, mrn })
          skippedMrns.add(mrn)
          continue
        }
        const parsed = patientFactsSchema.safeParse(patientOf(values))
        if (!parsed.success) {
          report(row, parsed.error.issues, 'patient')
          studyProblems(row, values, null)
          continue
        }
        const dateProblems = patientDateProblems(parsed.data, opts.today)
        if (Object.keys(dateProblems).length > 0) {
          dates(row, dateProblems, 'patient')
          studyProblems(row, values, null)
          continue
        }
        caseless.set(lower, mrn)
        planned = { row, input: parsed.data, studies: [], values, mrn }
        byMrn.set(mrn, planned)
        patients.push(planned)
      } else {
        // A later row of the same patient: its facts repeat the first row's or are empty.
        let differs = false
        for (const f of PATIENT_FIELDS) {
          const v = values[f]
          if (v === null || v === undefined) continue
          if (JSON.stringify(v) !== JSON.stringify(planned.values[f] ?? null)) {
            differs = true
            problem({
              row,
              column: columnOf(f),
              field: f,
              message: `Differs from row ${planned.row} for the same MRN: give a patient's facts once (or the same on every row).`,
            })
          }
        }
        if (differs) continue
      }

      const t = treatmentOf(values)
      if (t !== null) {
        const parsedT = patientFactsSchema.shape.treatments.element.safeParse(t)
        if (!parsedT.success) {
          report(row, parsedT.error.issues, 'treatment')
        } else {
          const tr: TreatmentFacts = parsedT.data
          const facts = { ...planned.input, treatments: [...planned.input.treatments, tr] }
          const tp = patientDateProblems(facts, opts.today)
          const mine = Object.fromEntries(
            Object.entries(tp).filter(([k]) => k === `treatments.${facts.treatments.length - 1}.date`),
          )
          if (Object.keys(mine).length > 0) {
            for (const message of Object.values(mine))
              problem({ row, column: columnOf('treatment.date'), field: 'treatment.date', message })
          } else if (
            !planned.input.treatments.some(
              (x) => x.kind === tr.kind && x.date === tr.date && x.completeResection === tr.completeResection,
            )
          ) {
            planned.input = facts
          }
        }
      }

      const s = studyOf(values)
      if (s !== null) {
        const parsedS = studyEntrySchema.safeParse(s)
        if (!parsedS.success) {
          report(row, parsedS.error.issues, 'study')
          continue
        }
        const sp = studyDateProblems(parsedS.data, planned.input.birthDate, opts.today)
        if (Object.keys(sp).length > 0) {
          dates(row, sp, 'study')
          continue
        }
        planned.studies.push({ row, input: parsedS.data })
        studyCount++
      }
    }
    if (opts.tick) await opts.tick(records.length, records.length)
  }

  return {
    headers,
    mapping: Object.fromEntries(headers.map((h) => [h, mapping[h] ?? null])),
    records: records.length,
    patients: patients.map(({ row, input, studies }) => ({ row, input, studies })),
    studies: studyCount,
    skipped,
    problems,
    problemCount,
  }
}
