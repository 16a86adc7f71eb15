import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ACR_PNET, evaluate, evaluateCaseFile, parseCaseFile, toEvaluationFile } from '../../../engine'

const dir = path.resolve(__dirname, '..', '..', 'fixtures', 'cases')
const fixture = (id: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(dir, `${id}.case.json`), 'utf8')) as Record<string, unknown>

function problems(json: unknown): string[] {
  const r = parseCaseFile(json)
  return r.ok ? [] : r.problems.map((p) => `${p.caseId ?? '-'}: ${p.field}: ${p.message}`)
}

const validCase = () => (fixture('NL-04').cases as Record<string, unknown>[])[0] as Record<string, unknown>

describe('parseCaseFile', () => {
  it('reads every fixture without problems or warnings', () => {
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.case.json'))) {
      const r = parseCaseFile(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))
      expect(r.ok, f).toBe(true)
      expect(r.warnings, f).toEqual([])
    }
  })

  it('returns normalized, fresh objects (absent means unknown)', () => {
    const r = parseCaseFile({ format: 'pnet-case/1', asOf: '2026-06-15', cases: [{ id: 'MIN' }] })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.file.cases[0]).toEqual({
      id: 'MIN',
      birthDate: null,
      weightKg: null,
      diagnosis: { date: null, confirmed: null, grade: null, functional: null, primarySizeMm: null },
      stagingComplete: null,
      treatments: null,
      activeSurveillance: null,
      burden: null,
      suspectedRecurrence: null,
      symptoms: null,
      constraints: {
        mriContraindicated: null,
        iodinatedContrastContraindicated: null,
        gadoliniumContraindicated: null,
        eGFR: null,
      },
      requestedProcedure: null,
      studies: [],
    })
    // And the engine does not guess from it.
    expect(evaluate(r.file.cases[0]!, r.file.asOf).variant).toBeNull()
  })

  it('reports an unknown procedure id with the case id and the field', () => {
    const c = validCase()
    ;(c.studies as Record<string, unknown>[])[1]!.procedure = 'pet-mri'
    expect(
      problems({ format: 'pnet-case/1', asOf: '2026-06-15', cases: [validCase(), { ...c, id: 'X' }] }),
    ).toEqual([
      expect.stringMatching(/^X: cases\[1\]\.studies\[1\]\.procedure: unknown procedure id "pet-mri"/),
    ])
  })

  it('lists every problem, not just the first', () => {
    const found = problems({
      format: 'pnet-case/2',
      asOf: '2026-02-29',
      cases: [
        {
          id: 'A',
          birthDate: '1960-13-01',
          weightKg: 0,
          diagnosis: { grade: 'G4', primarySizeMm: -1 },
          treatments: [{ kind: 'surgery', date: '2025-01-01' }, null],
          burden: 'liver',
          symptoms: ['jaundice', 7],
          constraints: { mriContraindicated: 'yes', eGFR: Number.POSITIVE_INFINITY },
          requestedProcedure: 'mri-brain',
          studies: [
            { date: '2025-02-30', procedure: 'us-abdomen', result: 'better' },
            {
              date: '2025-03-01',
              procedure: 'us-abdomen',
              result: null,
              lesions: [
                { id: 'T1', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 12 },
                { id: 'T1', organ: '', nodal: 'no', role: 'main', diameterMm: 1e6 },
              ],
              dose: { dlpMgyCm: -5, region: 'whole-body', agent: 'tc99m' },
            },
          ],
        },
        { id: 'A' },
        { birthDate: '1960-01-01' },
        'not a case',
      ],
    })
    expect(found).toEqual([
      '-: format: must be "pnet-case/1", not "pnet-case/2"',
      '-: asOf: "2026-02-29" is not a real calendar date (YYYY-MM-DD)',
      'A: cases[0].birthDate: "1960-13-01" is not a real calendar date (YYYY-MM-DD)',
      'A: cases[0].weightKg: must be greater than 0, not 0',
      'A: cases[0].diagnosis.grade: unknown grade "G4" (expected one of: G1, G2, G3)',
      'A: cases[0].diagnosis.primarySizeMm: must be greater than 0, not -1',
      expect.stringMatching(/^A: cases\[0\]\.treatments\[0\]\.kind: unknown treatment kind "surgery"/),
      'A: cases[0].treatments[1]: must be an object',
      expect.stringMatching(/^A: cases\[0\]\.burden: unknown burden "liver"/),
      'A: cases[0].symptoms[1]: must be a non-empty string',
      'A: cases[0].constraints.mriContraindicated: must be true, false or null, not "yes"',
      'A: cases[0].constraints.eGFR: must be a finite number, not Infinity',
      expect.stringMatching(/^A: cases\[0\]\.requestedProcedure: unknown procedure id "mri-brain"/),
      'A: cases[0].studies[0].date: "2025-02-30" is not a real calendar date (YYYY-MM-DD)',
      expect.stringMatching(/^A: cases\[0\]\.studies\[0\]\.result: unknown study result "better"/),
      'A: cases[0].studies[1].lesions[1].id: duplicate lesion id "T1" in this study',
      'A: cases[0].studies[1].lesions[1].organ: required: a non-empty string',
      'A: cases[0].studies[1].lesions[1].nodal: must be true, false or null, not "no"',
      expect.stringMatching(/^A: cases\[0\]\.studies\[1\]\.lesions\[1\]\.role: unknown lesion role "main"/),
      'A: cases[0].studies[1].lesions[1].diameterMm: 1000000 is out of range (must be under 1000); check the unit',
      'A: cases[0].studies[1].dose.dlpMgyCm: must be 0 or more, not -5',
      expect.stringMatching(/^A: cases\[0\]\.studies\[1\]\.dose\.region: unknown dose region "whole-body"/),
      expect.stringMatching(/^A: cases\[0\]\.studies\[1\]\.dose\.agent: unknown agent "tc99m"/),
      'A: cases[1].id: duplicate case id "A"',
      '-: cases[2].id: required: a non-empty string',
      '-: cases[3]: a case must be an object',
    ])
  })

  it('warns about unknown fields, unknown symptom codes, odd completeResection and studies after asOf', () => {
    const c: Record<string, unknown> = {
      ...validCase(),
      colour: 'blue',
      symptoms: ['hiccups'],
      treatments: [{ kind: 'prrt', date: '2025-01-01', completeResection: true }],
    }
    ;(c.studies as Record<string, unknown>[]).push({
      date: '2026-07-01',
      procedure: 'us-abdomen',
      result: null,
      extra: 1,
    })
    const r = parseCaseFile({ format: 'pnet-case/1', asOf: '2026-06-15', cases: [c], comment: 'x' })
    expect(r.ok).toBe(true)
    expect(r.warnings.map((w) => `${w.caseId ?? '-'}: ${w.field}: ${w.message}`)).toEqual([
      '-: comment: unknown field, ignored',
      'NL-04: cases[0].colour: unknown field, ignored',
      'NL-04: cases[0].treatments[0].completeResection: only meaningful for a resection; ignored',
      'NL-04: cases[0].symptoms[0]: unknown symptom code "hiccups", kept as given',
      'NL-04: cases[0].studies[3].extra: unknown field, ignored',
      'NL-04: cases[0].studies[3].date: after asOf 2026-06-15; the engine leaves this study out',
    ])
  })

  it('refuses a file that is not an object, or has no cases', () => {
    expect(problems([])).toEqual(['-: : the file must hold a JSON object with format, asOf and cases'])
    expect(problems({ format: 'pnet-case/1', asOf: '2026-06-15' })).toEqual([
      '-: cases: required: a list of cases',
    ])
  })

  it('does not modify its input', () => {
    const input = fixture('NL-04')
    const before = JSON.stringify(input)
    parseCaseFile(input)
    expect(JSON.stringify(input)).toBe(before)
  })
})

describe('evaluation files', () => {
  it('wraps results as pnet-evaluation/1 with the pack id and version, in input order', () => {
    const a = fixture('NL-01')
    const r = parseCaseFile({
      ...a,
      cases: [...(a.cases as object[]), { ...(fixture('UT-01').cases as object[])[0] }],
    })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const out = evaluateCaseFile(r.file)
    expect(out.format).toBe('pnet-evaluation/1')
    expect(out.asOf).toBe('2026-06-15')
    expect(out.guideline).toEqual(ACR_PNET.ref)
    expect(out.results.map((e) => e.id)).toEqual(['NL-01', 'UT-01'])
    expect(toEvaluationFile('2026-06-15', ACR_PNET, [])).toEqual({
      format: 'pnet-evaluation/1',
      asOf: '2026-06-15',
      guideline: ACR_PNET.ref,
      results: [],
    })
  })
})
