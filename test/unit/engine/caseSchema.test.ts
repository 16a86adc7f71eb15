import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type DB } from '../../../db/open'
import type { PatientInput, StudyInput } from '../../../db/types'
import { patientInput, studyInput } from '../../../electron/contract/schemas'
import {
  CALENDAR_RANGE,
  NUMBER_LIMITS,
  TEXT_LIMITS,
  caseFileJsonSchema,
  measure,
  patientFactsSchema,
  studyEntrySchema,
  type NumberLimit,
} from '../../../engine/caseSchema'
import { parseCaseFile } from '../../../engine/caseFile'
import { CASE_SCHEMA_FILE, caseSchemaText } from '../../../scripts/case-schema'
import { patientInput as somePatient } from '../../helpers/db'

type Field = keyof typeof NUMBER_LIMITS

const study = (overrides: Partial<StudyInput> = {}): StudyInput => ({
  date: '2026-01-10',
  // A PET/CT: every dose field (the CT part's DLP and the tracer's activity) belongs to it.
  procedure: 'dotatate-pet-ct-skull-base-to-mid-thigh',
  result: 'stable',
  lesions: [{ id: 'T1', organ: 'liver', nodal: false, role: 'target', diameterMm: 12, status: null }],
  dose: {
    effectiveMsv: null,
    ctdiVolMgy: null,
    dlpMgyCm: 500,
    region: 'abdomen-pelvis',
    activityMbq: 200,
    agent: 'ga68-dotatate',
  },
  note: null,
  ...overrides,
})

/** Where each measured field lives: its database column, its API request, its place in a case file. */
interface Where {
  column: { table: string; name: string }
  api: (v: number) => { schema: 'patient' | 'study'; request: PatientInput | StudyInput; path: string }
  file: (v: number) => Record<string, unknown>
  filePath: string
}

const DOSE_COLUMNS = {
  effectiveMsv: 'effective_msv',
  ctdiVolMgy: 'ctdivol_mgy',
  dlpMgyCm: 'dlp_mgy_cm',
  activityMbq: 'activity_mbq',
} as const

const doseWhere = (field: keyof typeof DOSE_COLUMNS): Where => ({
  column: { table: 'study', name: DOSE_COLUMNS[field] },
  api: (v) => {
    const s = study()
    return { schema: 'study', request: { ...s, dose: { ...s.dose, [field]: v } }, path: `dose.${field}` }
  },
  file: (v) => ({
    studies: [{ date: '2026-01-10', procedure: 'ct-abdomen-pelvis-with-iv-contrast', dose: { [field]: v } }],
  }),
  filePath: `cases[0].studies[0].dose.${field}`,
})

const WHERE: Record<Field, Where> = {
  effectiveMsv: doseWhere('effectiveMsv'),
  ctdiVolMgy: doseWhere('ctdiVolMgy'),
  dlpMgyCm: doseWhere('dlpMgyCm'),
  activityMbq: doseWhere('activityMbq'),
  weightKg: {
    column: { table: 'patient', name: 'weight_kg' },
    api: (v) => ({ schema: 'patient', request: somePatient({ weightKg: v }), path: 'weightKg' }),
    file: (v) => ({ weightKg: v }),
    filePath: 'cases[0].weightKg',
  },
  primarySizeMm: {
    column: { table: 'diagnosis', name: 'primary_size_mm' },
    api: (v) => {
      const p = somePatient()
      return {
        schema: 'patient',
        request: { ...p, diagnosis: { ...p.diagnosis, primarySizeMm: v } },
        path: 'diagnosis.primarySizeMm',
      }
    },
    file: (v) => ({ diagnosis: { primarySizeMm: v } }),
    filePath: 'cases[0].diagnosis.primarySizeMm',
  },
  eGFR: {
    column: { table: 'patient_constraint', name: 'egfr' },
    api: (v) => {
      const p = somePatient()
      return {
        schema: 'patient',
        request: { ...p, constraints: { ...p.constraints, eGFR: v } },
        path: 'constraints.eGFR',
      }
    },
    file: (v) => ({ constraints: { eGFR: v } }),
    filePath: 'cases[0].constraints.eGFR',
  },
  diameterMm: {
    column: { table: 'lesion', name: 'diameter_mm' },
    api: (v) => {
      const s = study()
      return {
        schema: 'study',
        request: { ...s, lesions: [{ ...s.lesions[0]!, diameterMm: v }] },
        path: 'lesions.0.diameterMm',
      }
    },
    file: (v) => ({
      studies: [
        {
          date: '2026-01-10',
          procedure: 'us-abdomen',
          lesions: [{ id: 'T1', organ: 'liver', nodal: false, role: 'target', diameterMm: v }],
        },
      ],
    }),
    filePath: 'cases[0].studies[0].lesions[0].diameterMm',
  },
}

let db: DB
beforeAll(() => {
  db = openDatabase(':memory:')
  db.exec(`
    INSERT INTO patient (id, mrn, name, created_at, updated_at) VALUES (1, 'M-1', 'Limit Test', 'x', 'x');
    INSERT INTO diagnosis (patient_id) VALUES (1);
    INSERT INTO patient_constraint (patient_id) VALUES (1);
    INSERT INTO study (id, patient_id, date, procedure, created_at) VALUES (1, 1, '2026-01-10', 'us-abdomen', 'x');
    INSERT INTO lesion (study_id, lesion_key, organ, nodal, role) VALUES (1, 'T1', 'liver', 0, 'target');
  `)
})
afterAll(() => db.close())

/** Does SQLite store this value in the field's column? (Every CHECK applies to UPDATE too.) */
function sqliteStores(field: Field, v: number): boolean {
  const { table, name } = WHERE[field].column
  try {
    db.prepare(`UPDATE ${table} SET ${name} = ?`).run(v)
    return true
  } catch (e) {
    if (e instanceof Error && /CHECK constraint failed/.test(e.message)) return false
    throw e
  }
}

/** Does the API request schema accept it? Refused means an issue at the field's own path. */
function apiAccepts(field: Field, v: number): boolean {
  const { schema, request, path } = WHERE[field].api(v)
  const r = (schema === 'patient' ? patientInput : studyInput).safeParse(request)
  return r.success || !r.error.issues.some((i) => i.path.join('.') === path)
}

function fileAccepts(field: Field, v: number): boolean {
  const r = parseCaseFile({
    format: 'pnet-case/1',
    asOf: '2026-06-15',
    cases: [{ id: 'L', ...WHERE[field].file(v) }],
  })
  return r.ok || !r.problems.some((p) => p.field === WHERE[field].filePath)
}

const verdicts = (field: Field, v: number) => ({
  schema: measure(NUMBER_LIMITS[field]).safeParse(v).success,
  api: apiAccepts(field, v),
  file: fileAccepts(field, v),
  sqlite: sqliteStores(field, v),
})
const all = (ok: boolean) => ({ schema: ok, api: ok, file: ok, sqlite: ok })

describe('the named limits are the database CHECK constraints', () => {
  it.each(Object.entries(NUMBER_LIMITS) as [Field, NumberLimit][])(
    '%s: accepted up to the limit, refused at it, alike in the schema, the API, the file and SQLite',
    (field, limit) => {
      expect(verdicts(field, limit.below - 0.001), 'just under the limit').toEqual(all(true))
      expect(verdicts(field, limit.below), 'at the (exclusive) limit').toEqual(all(false))
      expect(verdicts(field, limit.below * 10), 'far above').toEqual(all(false))
      expect(verdicts(field, limit.min), 'at the minimum').toEqual(all(limit.minInclusive))
      expect(verdicts(field, limit.min - 0.001), 'under the minimum').toEqual(all(false))
      expect(verdicts(field, limit.min + 0.001), 'just over the minimum').toEqual(all(true))
    },
  )

  it('values between the limits that used to disagree get one answer everywhere', () => {
    // Before: the file (and SQLite) took these, the API refused them (weight 0.5–500 kg,
    // eGFR ≤ 200, DLP ≤ 50 000 mGy·cm, activity ≤ 20 000 MBq, ...).
    const between: [Field, number][] = [
      ['weightKg', 600],
      ['weightKg', 0.3],
      ['primarySizeMm', 0.5],
      ['primarySizeMm', 700],
      ['eGFR', 250],
      ['diameterMm', 999.5],
      ['effectiveMsv', 600],
      ['ctdiVolMgy', 600],
      ['dlpMgyCm', 60_000],
      ['activityMbq', 50_000],
    ]
    for (const [field, v] of between) expect(verdicts(field, v), `${field} ${v}`).toEqual(all(true))
    // And the first value past the stored range is refused by the file and the API alike, with
    // each one's words for the same limit.
    expect(verdicts('eGFR', 300)).toEqual(all(false))
    expect(
      parseCaseFile({
        format: 'pnet-case/1',
        asOf: '2026-06-15',
        cases: [{ id: 'L', constraints: { eGFR: 300 } }],
      }),
    ).toMatchObject({
      ok: false,
      problems: [
        {
          field: 'cases[0].constraints.eGFR',
          message: '300 is out of range (must be under 300); check the unit',
        },
      ],
    })
    const api = patientInput.safeParse({ ...somePatient(), weightKg: 700 })
    expect(api.error?.issues).toMatchObject([
      { path: ['weightKg'], message: 'Weight (kg) must be less than 700.' },
    ])
  })

  it('text lengths: the longest the database stores is the longest the schema takes', () => {
    const longest = (n: number) => 'A'.repeat(n)
    const patient = (p: Partial<PatientInput>) =>
      patientFactsSchema.safeParse({ ...somePatient(), ...p }).success
    expect(patient({ mrn: longest(TEXT_LIMITS.mrn) })).toBe(true)
    expect(patient({ mrn: longest(TEXT_LIMITS.mrn + 1) })).toBe(false)
    expect(patient({ name: longest(TEXT_LIMITS.name) })).toBe(true)
    expect(patient({ name: longest(TEXT_LIMITS.name + 1) })).toBe(false)
    expect(patient({ symptoms: [longest(TEXT_LIMITS.symptom)] })).toBe(true)
    expect(patient({ symptoms: [longest(TEXT_LIMITS.symptom + 1)] })).toBe(false)
    const lesion = (l: { id?: string; organ?: string }) =>
      studyEntrySchema.safeParse(study({ lesions: [{ ...study().lesions[0]!, ...l }] })).success
    expect(lesion({ id: longest(TEXT_LIMITS.lesionId) })).toBe(true)
    expect(lesion({ id: longest(TEXT_LIMITS.lesionId + 1) })).toBe(false)
    expect(lesion({ organ: longest(TEXT_LIMITS.organ) })).toBe(true)
    expect(lesion({ organ: longest(TEXT_LIMITS.organ + 1) })).toBe(false)

    const stores = (sql: string, v: string): boolean => {
      try {
        db.prepare(sql).run(v)
        return true
      } catch {
        return false
      }
    }
    expect(stores('UPDATE patient SET mrn = ?', longest(TEXT_LIMITS.mrn))).toBe(true)
    expect(stores('UPDATE patient SET mrn = ?', longest(TEXT_LIMITS.mrn + 1))).toBe(false)
    expect(stores('UPDATE patient SET name = ?', longest(TEXT_LIMITS.name))).toBe(true)
    expect(stores('UPDATE patient SET name = ?', longest(TEXT_LIMITS.name + 1))).toBe(false)
    expect(stores('UPDATE lesion SET lesion_key = ?', longest(TEXT_LIMITS.lesionId))).toBe(true)
    expect(stores('UPDATE lesion SET lesion_key = ?', longest(TEXT_LIMITS.lesionId + 1))).toBe(false)
    expect(stores('UPDATE lesion SET organ = ?', longest(TEXT_LIMITS.organ))).toBe(true)
    expect(stores('UPDATE lesion SET organ = ?', longest(TEXT_LIMITS.organ + 1))).toBe(false)
    expect(
      stores(`INSERT INTO patient_symptom (patient_id, code) VALUES (1, ?)`, longest(TEXT_LIMITS.symptom)),
    ).toBe(true)
    expect(
      stores(
        `INSERT INTO patient_symptom (patient_id, code) VALUES (1, ?)`,
        longest(TEXT_LIMITS.symptom + 1),
      ),
    ).toBe(false)
  })

  it('dates: the same calendar range in the file and the API', () => {
    const file = (birthDate: string) =>
      parseCaseFile({ format: 'pnet-case/1', asOf: '2026-06-15', cases: [{ id: 'D', birthDate }] })
    expect(file(CALENDAR_RANGE.from).ok).toBe(true)
    expect(file('1899-12-31')).toMatchObject({
      ok: false,
      problems: [{ field: 'cases[0].birthDate', message: expect.stringMatching(/^"1899-12-31" is outside/) }],
    })
    expect(patientInput.safeParse(somePatient({ birthDate: CALENDAR_RANGE.from })).success).toBe(true)
    expect(patientInput.safeParse(somePatient({ birthDate: '1899-12-31' })).error?.issues).toMatchObject([
      { path: ['birthDate'], message: 'Enter a date between 1900-01-01 and 2200-12-31.' },
    ])
  })
})

describe('the JSON Schema of pnet-case/1', () => {
  it('is committed as generated (npm run schema:case)', () => {
    expect(fs.readFileSync(CASE_SCHEMA_FILE, 'utf8')).toBe(caseSchemaText())
  })

  it('carries the named limits and the code lists', () => {
    const text = JSON.stringify(caseFileJsonSchema())
    for (const limit of Object.values(NUMBER_LIMITS))
      expect(text).toContain(`"exclusiveMaximum":${limit.below}`)
    expect(text).toContain('"const":"pnet-case/1"')
    expect(text).toContain('"mri-abdomen-pelvis-without-and-with-iv-contrast"')
  })
})

describe('study entry: the agent fits the procedure, the date is plausible, lesions may be unmeasured', () => {
  const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh' as const
  const dose = {
    effectiveMsv: null,
    ctdiVolMgy: null,
    dlpMgyCm: null,
    region: null,
    activityMbq: 150,
    agent: 'ga68-dotatate' as const,
  }
  const issues = (s: StudyInput) => {
    const r = studyEntrySchema.safeParse(s)
    return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]))
  }

  it('refuses F-18 FDG as the agent of a DOTATATE PET/CT (it would be dosed with the FDG coefficient)', () => {
    expect(issues(study({ procedure: DOTATATE, dose }))).toEqual({})
    expect(issues(study({ procedure: DOTATATE, dose: { ...dose, agent: 'cu64-dotatate' } }))).toEqual({})
    expect(issues(study({ procedure: DOTATATE, dose: { ...dose, agent: 'f18-fdg' } }))).toEqual({
      'dose.agent': 'This procedure uses Ga-68 DOTATATE or Cu-64 DOTATATE, not F-18 FDG.',
    })
    expect(
      issues(
        study({ procedure: 'fdg-pet-ct-skull-base-to-mid-thigh', dose: { ...dose, agent: 'ga68-dotatate' } }),
      ),
    ).toEqual({ 'dose.agent': 'This procedure uses F-18 FDG, not Ga-68 DOTATATE.' })
    expect(issues(study({ procedure: 'ct-abdomen-pelvis-with-iv-contrast', dose }))).toEqual({
      'dose.agent': 'This procedure uses no radiopharmaceutical: leave it empty.',
      'dose.activityMbq': 'This procedure uses no radiopharmaceutical: leave the activity empty.',
    })
  })

  it('refuses a study dated 1900-01-01 even with no birth or diagnosis date to compare with', () => {
    expect(issues(study({ date: '1900-01-01' }))).toEqual({
      date: 'A study before 1970 is not plausible (before clinical CT, MRI and PET): check the year.',
    })
    expect(issues(study({ date: '1970-01-01' }))).toEqual({})
  })

  it('takes a target or non-target lesion left unmeasured (RECIST: not evaluable)', () => {
    const lesions = [
      { id: 'T1', organ: 'liver', nodal: false, role: 'target' as const, diameterMm: null, status: null },
      {
        id: 'NT1',
        organ: 'liver',
        nodal: false,
        role: 'non-target' as const,
        diameterMm: null,
        status: null,
      },
    ]
    expect(issues(study({ procedure: DOTATATE, dose, lesions }))).toEqual({})
  })

  it('says plainly that an MRN starts with a letter or a digit', () => {
    const r = patientFactsSchema.safeParse({ ...somePatient(), mrn: '-123' })
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]?.message).toBe(
      'The MRN starts with a letter or a digit, then holds only letters, digits and the signs . _ / -',
    )
  })
})
