// Test factories: `makeCase(overrides)` builds a valid case (by default a treated,
// non-liver-dominant patient with one stable MRI, like fixture NL-01), and fast-check
// arbitraries generate valid, varied cases.
import fc from 'fast-check'
import {
  AGENTS,
  BURDENS,
  DOSE_REGIONS,
  GRADES,
  LESION_STATUSES,
  PROCEDURE_IDS,
  STUDY_RESULTS,
  SYMPTOMS,
  TREATMENT_KINDS,
  type Case,
  type Constraints,
  type Diagnosis,
  type IsoDate,
  type Lesion,
  type Study,
  type Treatment,
} from '../../../../engine'
import { fromDayNumberIso, toDayNumber } from '../../../../engine/dates'

export type CaseOverrides = Omit<Partial<Case>, 'diagnosis' | 'constraints'> & {
  diagnosis?: Partial<Diagnosis>
  constraints?: Partial<Constraints>
}

export function makeCase(overrides: CaseOverrides = {}): Case {
  const { diagnosis, constraints, ...rest } = overrides
  return {
    id: 'CASE-1',
    birthDate: '1964-02-11',
    weightKg: 70,
    diagnosis: {
      date: null,
      confirmed: true,
      grade: 'G2',
      functional: null,
      primarySizeMm: null,
      ...diagnosis,
    },
    stagingComplete: true,
    treatments: [{ kind: 'prrt', date: '2025-09-10' }],
    activeSurveillance: false,
    burden: 'non-liver-dominant',
    suspectedRecurrence: false,
    symptoms: [],
    constraints: {
      mriContraindicated: false,
      iodinatedContrastContraindicated: false,
      gadoliniumContraindicated: false,
      eGFR: null,
      ...constraints,
    },
    requestedProcedure: null,
    studies: [
      { date: '2026-03-12', procedure: 'mri-abdomen-pelvis-without-and-with-iv-contrast', result: 'stable' },
    ],
    ...rest,
  }
}

export function study(date: IsoDate, result: Study['result'], extra: Partial<Study> = {}): Study {
  return { date, procedure: 'mri-abdomen-pelvis-without-and-with-iv-contrast', result, ...extra }
}

export function target(id: string, diameterMm: number | null, organ = 'pancreas', nodal = false): Lesion {
  return { id, organ, nodal, role: 'target', diameterMm }
}

// ------------------------------------------------------------------------------------------
// Arbitraries
// ------------------------------------------------------------------------------------------

const DAY_MIN = toDayNumber('2000-01-01')
const DAY_MAX = toDayNumber('2035-12-31')

export const arbDate: fc.Arbitrary<IsoDate> = fc.integer({ min: DAY_MIN, max: DAY_MAX }).map(fromDayNumberIso)

/** Birth dates from 1920: mostly adults on `arbDate` days, some children (outside every variant). */
export const arbBirthDate: fc.Arbitrary<IsoDate> = fc
  .integer({ min: toDayNumber('1920-01-01'), max: DAY_MAX })
  .map(fromDayNumberIso)

/** Any calendar date of years 1-9998 (leaves room for adding months). */
export const arbAnyDate: fc.Arbitrary<IsoDate> = fc
  .integer({ min: toDayNumber('0001-01-01'), max: toDayNumber('9998-12-31') })
  .map(fromDayNumberIso)

const arbNullableBool = fc.constantFrom(true, false, null)

const arbTreatment: fc.Arbitrary<Treatment> = fc
  .record({
    kind: fc.constantFrom(...TREATMENT_KINDS),
    date: fc.option(arbDate, { nil: null }),
    completeResection: arbNullableBool,
  })
  .map((t) => (t.kind === 'resection' ? t : { kind: t.kind, date: t.date }))

const arbLesion: fc.Arbitrary<Lesion> = fc.record({
  id: fc.constantFrom('T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'N1', 'N2', 'NT1', 'NT2', 'X1'),
  organ: fc.constantFrom('pancreas', 'liver', 'lymph node', 'peritoneum', 'lung'),
  nodal: fc.boolean(),
  role: fc.constantFrom('target', 'target', 'non-target', 'new'),
  diameterMm: fc.option(fc.integer({ min: 0, max: 120 }), { nil: null }),
  status: fc.option(fc.constantFrom(...LESION_STATUSES), { nil: null }),
})

const arbDose = fc.record(
  {
    effectiveMsv: fc.option(fc.double({ min: 0, max: 50, noNaN: true }), { nil: null }),
    ctdiVolMgy: fc.option(fc.double({ min: 0, max: 50, noNaN: true }), { nil: null }),
    dlpMgyCm: fc.option(fc.double({ min: 0, max: 3000, noNaN: true }), { nil: null }),
    region: fc.option(fc.constantFrom(...DOSE_REGIONS), { nil: null }),
    activityMbq: fc.option(fc.double({ min: 0, max: 800, noNaN: true }), { nil: null }),
    agent: fc.option(fc.constantFrom(...AGENTS), { nil: null }),
  },
  { requiredKeys: [] },
)

export const arbStudy: fc.Arbitrary<Study> = fc.record(
  {
    date: arbDate,
    procedure: fc.constantFrom(...PROCEDURE_IDS),
    result: fc.option(fc.constantFrom(...STUDY_RESULTS), { nil: null }),
    lesions: fc.array(arbLesion, { maxLength: 6 }),
    dose: arbDose,
  },
  { requiredKeys: ['date', 'procedure', 'result'] },
)

export const arbCase: fc.Arbitrary<Case> = fc.record({
  id: fc.string({ minLength: 1, maxLength: 8 }),
  birthDate: fc.option(arbBirthDate, { nil: null }),
  weightKg: fc.option(fc.double({ min: 20, max: 250, noNaN: true }), { nil: null }),
  diagnosis: fc.record({
    date: fc.option(arbDate, { nil: null }),
    confirmed: arbNullableBool,
    grade: fc.option(fc.constantFrom(...GRADES), { nil: null }),
    functional: arbNullableBool,
    primarySizeMm: fc.option(fc.integer({ min: 1, max: 80 }), { nil: null }),
  }),
  stagingComplete: arbNullableBool,
  treatments: fc.option(fc.array(arbTreatment, { maxLength: 4 }), { nil: null, freq: 8 }),
  activeSurveillance: arbNullableBool,
  burden: fc.option(fc.constantFrom(...BURDENS), { nil: null }),
  suspectedRecurrence: arbNullableBool,
  symptoms: fc.option(fc.subarray([...SYMPTOMS, 'something-else']), { nil: null, freq: 8 }),
  constraints: fc.record({
    mriContraindicated: arbNullableBool,
    iodinatedContrastContraindicated: arbNullableBool,
    gadoliniumContraindicated: arbNullableBool,
    eGFR: fc.option(fc.integer({ min: 5, max: 120 }), { nil: null }),
  }),
  requestedProcedure: fc.option(fc.constantFrom(...PROCEDURE_IDS), { nil: null }),
  studies: fc.array(arbStudy, { maxLength: 6 }),
})

/** Recursively freeze a value so any mutation by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}
