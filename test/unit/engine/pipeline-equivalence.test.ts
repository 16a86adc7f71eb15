// Golden test of the whole engine output. Every worked case (test/fixtures/cases) is compared in
// full with the evaluation recorded in golden/fixtures.json, and a few thousand generated cases
// (fixed seeds) with a digest of their full evaluation and standalone recommendation in
// golden/generated.json. Any change of next step, study, window, alerts, rationale (texts,
// sources, order) or missing inputs fails here.
//
// The golden files were recorded before the recommendation was split into steps. To re-record
// after a deliberate change of behaviour: UPDATE_GOLDEN=1 npx vitest run test/unit/engine/pipeline-equivalence
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ACR_PNET,
  BURDENS,
  PROCEDURE_IDS,
  evaluate,
  parseCaseFile,
  recommend,
  type Case,
  type Evaluation,
  type IsoDate,
  type Recommendation,
  type Treatment,
} from '../../../engine'
import { arbCase, arbDate } from './support/factory'

const root = path.resolve(__dirname, '..', '..', '..')
const fixtureDir = path.join(root, 'test', 'fixtures', 'cases')
const goldenDir = path.join(__dirname, 'golden')
const FIXTURES_FILE = path.join(goldenDir, 'fixtures.json')
const GENERATED_FILE = path.join(goldenDir, 'generated.json')
const UPDATE = process.env.UPDATE_GOLDEN === '1'

const CASES_PER_GENERATOR = 1_000

// Generators biased towards each variant (plain arbCase lands mostly outside every variant and
// almost never in post-resection surveillance).
const arbDatedTreatment = (kinds: readonly Treatment['kind'][]): fc.Arbitrary<Treatment> =>
  fc.record({ kind: fc.constantFrom(...kinds), date: fc.option(arbDate, { nil: null, freq: 10 }) })
const NON_SURGICAL: readonly Treatment['kind'][] = [
  'prrt',
  'radiation',
  'somatostatin-analog',
  'chemotherapy',
  'liver-directed',
]

const arbTreated: fc.Arbitrary<Case> = fc
  .tuple(
    arbCase,
    fc.array(arbDatedTreatment(NON_SURGICAL), { minLength: 1, maxLength: 3 }),
    fc.constantFrom(...BURDENS),
  )
  .map(([c, treatments, burden]) => ({
    ...c,
    treatments,
    burden,
    diagnosis: { ...c.diagnosis, confirmed: true },
  }))

const arbResected: fc.Arbitrary<Case> = fc
  .tuple(
    arbCase,
    fc.option(arbDate, { nil: null, freq: 10 }),
    fc.constantFrom(false, false, false, null, true),
    fc.constantFrom<readonly string[] | null>([], [], [], null, ['jaundice']),
  )
  .map(([c, date, suspectedRecurrence, symptoms]) => ({
    ...c,
    treatments: [{ kind: 'resection', date, completeResection: true }],
    suspectedRecurrence,
    symptoms,
  }))

const arbWatched: fc.Arbitrary<Case> = arbCase.map((c) => ({
  ...c,
  treatments: [],
  activeSurveillance: true,
}))

const arbStaging: fc.Arbitrary<Case> = arbCase.map((c) => ({
  ...c,
  treatments: [],
  activeSurveillance: false,
  stagingComplete: false,
}))

const arbRequest = fc.option(fc.constantFrom(...PROCEDURE_IDS), { nil: null, freq: 2 })

const GENERATORS: readonly [string, number, fc.Arbitrary<Case>][] = [
  ['any', 101, arbCase],
  ['treated', 202, arbTreated],
  ['resected', 303, arbResected],
  ['watched', 404, arbWatched],
  ['staging', 505, arbStaging],
]

interface Generated {
  c: Case
  asOf: IsoDate
}

function generated(): { name: string; cases: Generated[] }[] {
  return GENERATORS.map(([name, seed, arb]) => ({
    name,
    cases: fc
      .sample(fc.tuple(arb, arbDate, arbRequest), { numRuns: CASES_PER_GENERATOR, seed })
      .map(([c, asOf, requestedProcedure]) => ({
        c: requestedProcedure === null ? c : { ...c, requestedProcedure },
        asOf,
      })),
  }))
}

/** The full output for a case: the evaluation, and `recommend` on its own. */
function output(c: Case, asOf: IsoDate): { evaluation: Evaluation; recommendation: Recommendation } {
  return { evaluation: evaluate(c, asOf, ACR_PNET), recommendation: recommend(c, asOf, ACR_PNET) }
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16)
}

function readGolden<T>(file: string): T {
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: record it with UPDATE_GOLDEN=1`)
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T
}

function writeGolden(file: string, value: unknown): void {
  fs.mkdirSync(goldenDir, { recursive: true })
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n')
}

describe('the engine output is unchanged (golden)', () => {
  it('every worked case gives exactly its recorded evaluation', () => {
    const actual: Record<string, unknown> = {}
    for (const f of fs
      .readdirSync(fixtureDir)
      .filter((n) => n.endsWith('.case.json'))
      .sort()) {
      const parsed = parseCaseFile(JSON.parse(fs.readFileSync(path.join(fixtureDir, f), 'utf8')))
      if (!parsed.ok) throw new Error(`${f}: ${JSON.stringify(parsed.problems)}`)
      for (const c of parsed.file.cases)
        actual[c.id] = JSON.parse(JSON.stringify(output(c, parsed.file.asOf)))
    }
    expect(Object.keys(actual).length).toBeGreaterThanOrEqual(17)
    if (UPDATE) writeGolden(FIXTURES_FILE, actual)
    expect(actual).toEqual(readGolden(FIXTURES_FILE))
  })

  it(`${GENERATORS.length * CASES_PER_GENERATOR} generated cases give their recorded output`, () => {
    const sets = generated()
    const actual: Record<string, string[]> = {}
    for (const { name, cases } of sets) actual[name] = cases.map(({ c, asOf }) => digest(output(c, asOf)))
    if (UPDATE) writeGolden(GENERATED_FILE, actual)
    const expected = readGolden<Record<string, string[]>>(GENERATED_FILE)
    // On a mismatch, show the first differing cases whole, not just their digests.
    const differing: unknown[] = []
    for (const { name, cases } of sets) {
      expect(actual[name]?.length, name).toBe(expected[name]?.length)
      cases.forEach(({ c, asOf }, i) => {
        if (actual[name]?.[i] !== expected[name]?.[i] && differing.length < 3)
          differing.push({ generator: name, index: i, asOf, case: c, output: output(c, asOf) })
      })
    }
    expect(differing).toEqual([])
  })

  it('the generated cases reach every variant and every next action', () => {
    const seen = new Set<string>()
    for (const { cases } of generated()) {
      for (const { c, asOf } of cases) {
        const e = evaluate(c, asOf, ACR_PNET)
        seen.add(`${e.variant ?? 'none'} -> ${e.next.action}`)
      }
    }
    expect([...seen].sort()).toEqual([
      'follow-up-liver-dominant -> clinician-review',
      'follow-up-liver-dominant -> image',
      'follow-up-liver-dominant -> tumor-board',
      'follow-up-non-liver-dominant -> clinician-review',
      'follow-up-non-liver-dominant -> image',
      'follow-up-non-liver-dominant -> tumor-board',
      'initial-staging -> clinician-review',
      'initial-staging -> image',
      'initial-staging -> tumor-board',
      'none -> clinician-review',
      'post-resection-surveillance -> clinician-review',
      'post-resection-surveillance -> end-surveillance',
      'post-resection-surveillance -> image',
      'untreated-surveillance -> clinician-review',
      'untreated-surveillance -> image',
      'untreated-surveillance -> tumor-board',
    ])
  })
})
