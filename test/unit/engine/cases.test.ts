// The worked cases in test/fixtures/cases (format: docs/case-format.md): each `.case.json` goes
// through the command line's `main`, and the printed evaluation is compared with the partial
// `.expected.json` by the rules of the cases README.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../../scripts/evaluate'

const root = path.resolve(__dirname, '..', '..', '..')
const dir = path.join(root, 'test', 'fixtures', 'cases')
const ids = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.case.json'))
  .map((f) => f.slice(0, -'.case.json'.length))
  .sort()

const NOTES = new Set(['id', 'source', 'confidence'])

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = ''
  let stderr = ''
  const code = main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) })
  return { code, stdout, stderr }
}

/** Compare `actual` with a partial expectation; return every mismatch as `path: why`. */
function compare(expected: unknown, actual: unknown, at: string, out: string[]): void {
  if (at === 'ratings') {
    const rows = actual as { procedure: string; rating: string }[]
    for (const want of expected as { procedure: string; rating: string }[]) {
      const got = rows.find((r) => r.procedure === want.procedure)
      if (!got || got.rating !== want.rating) {
        out.push(`ratings: ${want.procedure} expected ${want.rating}, got ${got?.rating ?? 'absent'}`)
      }
    }
    return
  }
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    const e = expected as Record<string, unknown>
    if ('approx' in e) {
      const x = e.approx as number
      const tol = (x * (e.tolerancePct as number)) / 100
      if (typeof actual !== 'number' || Math.abs(actual - x) > tol)
        out.push(`${at}: expected ≈${x} ±${tol}, got ${actual}`)
      return
    }
    if ('includes' in e || 'excludes' in e) {
      if (!Array.isArray(actual)) {
        out.push(`${at}: expected a list, got ${JSON.stringify(actual)}`)
        return
      }
      for (const m of (e.includes as unknown[] | undefined) ?? []) {
        if (!actual.includes(m)) out.push(`${at}: missing ${JSON.stringify(m)} in ${JSON.stringify(actual)}`)
      }
      for (const m of (e.excludes as unknown[] | undefined) ?? []) {
        if (actual.includes(m)) out.push(`${at}: must not contain ${JSON.stringify(m)}`)
      }
      return
    }
    if (actual === null || typeof actual !== 'object') {
      out.push(`${at}: expected an object, got ${JSON.stringify(actual)}`)
      return
    }
    for (const [k, v] of Object.entries(e)) {
      if (at === '' && NOTES.has(k)) continue
      compare(v, (actual as Record<string, unknown>)[k], at === '' ? k : `${at}.${k}`, out)
    }
    return
  }
  if (actual !== expected)
    out.push(`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

describe('worked cases (test/fixtures/cases)', () => {
  it('has the fixture pairs', () => {
    expect(ids.length).toBeGreaterThanOrEqual(17)
    for (const id of ids) expect(fs.existsSync(path.join(dir, `${id}.expected.json`)), id).toBe(true)
  })

  it.each(ids)('%s matches its expected evaluation', (id) => {
    const r = run([path.join(dir, `${id}.case.json`)])
    expect(r.code, r.stderr).toBe(0)
    const printed = JSON.parse(r.stdout) as { format: string; results: { id: string }[] }
    expect(printed.format).toBe('pnet-evaluation/1')
    expect(printed.results).toHaveLength(1)
    const expected = JSON.parse(fs.readFileSync(path.join(dir, `${id}.expected.json`), 'utf8')) as {
      id: string
    }
    expect(printed.results[0]?.id).toBe(expected.id)
    const problems: string[] = []
    compare(expected, printed.results[0], '', problems)
    expect(problems).toEqual([])
  })

  it('the comparison itself catches a wrong answer', () => {
    const problems: string[] = []
    compare(
      {
        variant: 'x',
        next: { alternatives: { includes: ['a'], excludes: ['b'] } },
        dose: { cumulativeMsv: { approx: 10, tolerancePct: 10 } },
      },
      { variant: 'y', next: { alternatives: ['b'] }, dose: { cumulativeMsv: 12 } },
      '',
      problems,
    )
    expect(problems).toHaveLength(4)
  })
})

describe('the evaluate command', () => {
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx')
  const script = path.join(root, 'scripts', 'evaluate.ts')

  it('prints pnet-evaluation/1 for a good file (real process, exit 0)', () => {
    const p = spawnSync(tsx, [script, path.join(dir, 'NL-01.case.json')], { encoding: 'utf8', cwd: root })
    expect(p.status, p.stderr).toBe(0)
    const out = JSON.parse(p.stdout) as {
      format: string
      guideline: { id: string }
      results: { variant: string }[]
    }
    expect(out.format).toBe('pnet-evaluation/1')
    expect(out.guideline.id).toBe('acr-pnet')
    expect(out.results[0]?.variant).toBe('follow-up-non-liver-dominant')
  })

  it('refuses a bad file with every problem on stderr and nothing on stdout (exit 2)', () => {
    const bad = {
      format: 'pnet-case/1',
      asOf: '2026-02-30',
      cases: [
        {
          id: 'BAD-1',
          treatments: [],
          constraints: { eGFR: -3 },
          studies: [{ date: '2026-01-01', procedure: 'pet-mri-whole-body', result: 'stable', surprise: 1 }],
        },
        {
          id: 'BAD-2',
          weightKg: 'heavy',
          studies: [{ date: '2025-13-01', procedure: 'us-abdomen', result: null }],
        },
      ],
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-eval-'))
    const file = path.join(tmp, 'bad.case.json')
    fs.writeFileSync(file, JSON.stringify(bad))
    try {
      const p = spawnSync(tsx, [script, file], { encoding: 'utf8', cwd: root })
      expect(p.status).toBe(2)
      expect(p.stdout).toBe('')
      const lines = p.stderr.split('\n')
      expect(lines).toContain('-: asOf: "2026-02-30" is not a real calendar date (YYYY-MM-DD)')
      expect(
        lines.some((l) =>
          l.startsWith('BAD-1: cases[0].studies[0].procedure: unknown procedure id "pet-mri-whole-body"'),
        ),
      ).toBe(true)
      expect(lines).toContain('BAD-1: cases[0].constraints.eGFR: must be 0 or more, not -3')
      expect(lines).toContain('warning: BAD-1: cases[0].studies[0].surprise: unknown field, ignored')
      expect(lines.some((l) => l.startsWith('BAD-2: cases[1].weightKg: must be a finite number'))).toBe(true)
      expect(lines).toContain(
        'BAD-2: cases[1].studies[0].date: "2025-13-01" is not a real calendar date (YYYY-MM-DD)',
      )
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true })
    }
  })

  it('exits 2 with a clear message for a missing file or bad JSON', () => {
    const missing = run([path.join(dir, 'does-not-exist.json')])
    expect(missing.code).toBe(2)
    expect(missing.stdout).toBe('')
    expect(missing.stderr).toMatch(/cannot read .*does-not-exist\.json: ENOENT/)

    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-eval-'))
    const file = path.join(tmp, 'broken.json')
    fs.writeFileSync(file, '{"format": "pnet-case/1", ')
    try {
      const r = run([file])
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(/is not valid JSON/)
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true })
    }
  })

  it('needs a file and knows its options', () => {
    expect(run([]).code).toBe(2)
    expect(run(['--nope', 'x']).code).toBe(2)
    expect(run(['--k-factors', 'icrp60', 'x']).code).toBe(2)
  })

  it('applies --k-factors and --cu64-coefficient', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-eval-'))
    const file = path.join(tmp, 'dose.case.json')
    const c = JSON.parse(fs.readFileSync(path.join(dir, 'NL-01.case.json'), 'utf8')) as {
      cases: { studies: unknown[] }[]
    }
    c.cases[0]!.studies = [
      {
        date: '2026-01-10',
        procedure: 'ct-chest-without-iv-contrast',
        result: 'stable',
        dose: { dlpMgyCm: 400, region: 'chest' },
      },
      {
        date: '2026-03-12',
        procedure: 'dotatate-pet-ct-skull-base-to-mid-thigh',
        result: 'stable',
        dose: { agent: 'cu64-dotatate', activityMbq: 148, dlpMgyCm: 0 },
      },
    ]
    fs.writeFileSync(file, JSON.stringify(c))
    try {
      const plain = JSON.parse(run([file]).stdout) as {
        results: { dose: { cumulativeMsv: number; unknownStudies: unknown[] } }[]
      }
      expect(plain.results[0]!.dose.cumulativeMsv).toBeCloseTo(5.6, 6)
      expect(plain.results[0]!.dose.unknownStudies).toHaveLength(1)
      const tuned = JSON.parse(
        run([file, '--k-factors', 'icrp103', '--cu64-coefficient', '0.0315']).stdout,
      ) as {
        results: { dose: { cumulativeMsv: number; unknownStudies: unknown[] } }[]
      }
      expect(tuned.results[0]!.dose.cumulativeMsv).toBeCloseTo(400 * 0.0145 + 148 * 0.0315, 3)
      expect(tuned.results[0]!.dose.unknownStudies).toHaveLength(0)
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true })
    }
  })

  it('--pack evaluates with the given pack document and names it; a bad pack is refused with every problem', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-eval-'))
    const doc = JSON.parse(
      fs.readFileSync(path.join(root, 'engine', 'guideline', 'packs', 'acr-pnet-2026.2.json'), 'utf8'),
    ) as {
      version: string
      variants: { id: string; intervals: { routine: { min: number; max: number; source: string } } }[]
    }
    doc.version = '2027.1-site'
    doc.variants.find((v) => v.id === 'follow-up-non-liver-dominant')!.intervals.routine = {
      min: 4,
      max: 8,
      source: 'app-rule',
    }
    const packFile = path.join(tmp, 'site.pack.json')
    fs.writeFileSync(packFile, JSON.stringify(doc))
    try {
      const r = run([path.join(dir, 'NL-01.case.json'), '--pack', packFile])
      expect(r.code, r.stderr).toBe(0)
      const out = JSON.parse(r.stdout) as {
        guideline: { version: string }
        results: { next: { intervalMonths: { min: number; max: number } } }[]
      }
      expect(out.guideline.version).toBe('2027.1-site')
      expect(out.results[0]!.next.intervalMonths).toEqual({ min: 4, max: 8 })

      ;(doc as { version: string }).version = ''
      doc.variants[0]!.intervals.routine.min = 20
      fs.writeFileSync(packFile, JSON.stringify(doc))
      const bad = run([path.join(dir, 'NL-01.case.json'), '--pack', packFile])
      expect(bad.code).toBe(2)
      expect(bad.stdout).toBe('')
      expect(bad.stderr.split('\n')).toContain('pack: version: must be a version such as 2026.2, not ""')
      expect(run([path.join(dir, 'NL-01.case.json'), '--pack']).code).toBe(2)
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true })
    }
  })
})
