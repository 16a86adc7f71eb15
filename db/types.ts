// Records as the rest of the app sees them (camelCase, booleans, null = unknown).
// Pure types: the renderer and the API contract import them with `import type`.

/** A calendar date, YYYY-MM-DD: no time, no zone. */
export type IsoDate = string

export type Burden = 'liver-dominant' | 'non-liver-dominant'
export type Grade = 'G1' | 'G2' | 'G3'

export interface DiagnosisFacts {
  date: IsoDate | null
  confirmed: boolean | null
  grade: Grade | null
  functional: boolean | null
  primarySizeMm: number | null
}

export interface ConstraintFacts {
  mriContraindicated: boolean | null
  mriReason: string | null
  iodinatedContrastContraindicated: boolean | null
  gadoliniumContraindicated: boolean | null
  eGFR: number | null
}

/** What a person types in to create or edit a patient. */
export interface PatientInput {
  mrn: string
  name: string
  birthDate: IsoDate | null
  weightKg: number | null
  diagnosis: DiagnosisFacts
  stagingComplete: boolean | null
  activeSurveillance: boolean | null
  burden: Burden | null
  suspectedRecurrence: boolean | null
  symptoms: string[]
  constraints: ConstraintFacts
  requestedProcedure: string | null
}

export interface PatientRecord extends PatientInput {
  id: number
  isDemo: boolean
  createdAt: string
  updatedAt: string
}

export interface PatientSummary {
  id: number
  mrn: string
  name: string
  birthDate: IsoDate | null
  isDemo: boolean
  createdAt: string
}

export interface Page<T> {
  items: T[]
  total: number
}
