// The guideline pack: its content (what the sources support and no more) and its validation.
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ACR_PNET,
  ACR_PNET_DATA,
  PROCEDURE_IDS,
  VARIANT_IDS,
  loadPack,
  validatePack,
  PackValidationError,
  evaluate,
  parseCaseFile,
  type Case,
  type PackDocument,
} from '../../../engine'
import { arbCase, makeCase, study, target } from './support/factory'

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const CT = 'ct-abdomen-pelvis-with-iv-contrast'
const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh'

/** A deep, mutable copy of the built-in pack document to break (any field may be set to anything). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any
function copy(): Loose {
  return JSON.parse(JSON.stringify(ACR_PNET_DATA)) as PackDocument
}
function broken(edit: (d: Loose) => void): string[] {
  const d = copy()
  edit(d)
  return validatePack(d).map((p) => `${p.path}: ${p.message}`)
}

describe('the acr-pnet pack', () => {
  it('loads and has an id, a version and every variant and procedure', () => {
    expect(validatePack(ACR_PNET_DATA)).toEqual([])
    expect(ACR_PNET.ref).toEqual({ id: 'acr-pnet', version: '2026.2' })
    expect(Object.keys(ACR_PNET.variants).sort()).toEqual([...VARIANT_IDS].sort())
    expect(ACR_PNET.procedures.map((p) => p.id)).toEqual([...PROCEDURE_IDS])
  })

  it('rates follow-up of non-liver-dominant disease as the founding article does', () => {
    const v = ACR_PNET.variants['follow-up-non-liver-dominant']
    expect(v.rating[MRI]).toMatchObject({ rating: 'usually-appropriate', rrl: 'O', provenance: 'seed' })
    expect(v.rating[CT]).toMatchObject({ rating: 'usually-appropriate', rrl: '☢☢☢', provenance: 'seed' })
    expect(v.rating[DOTATATE]).toMatchObject({ rating: 'usually-appropriate', provenance: 'seed' })
    expect(v.rating['endoscopic-us']).toMatchObject({ rating: 'usually-not-appropriate', provenance: 'seed' })
    expect(v.candidates).toEqual([MRI, CT, DOTATATE])
    expect(v.intervals.routine).toMatchObject({ min: 6, max: 12, source: 'seed' })
    expect(v.intervals.short).toMatchObject({ min: 3, max: 4, source: 'seed' })
  })

  it('loads only the headline study for the other variants; everything else is not-loaded', () => {
    const only: Record<string, string> = {
      'follow-up-liver-dominant': MRI,
      'untreated-surveillance': MRI,
      'initial-staging': MRI,
      'post-resection-surveillance': CT,
    }
    for (const [id, proc] of Object.entries(only)) {
      const v = ACR_PNET.variants[id as keyof typeof ACR_PNET.variants]
      expect(v.candidates, id).toEqual([proc])
      expect(v.ratings, id).toHaveLength(PROCEDURE_IDS.length)
      for (const r of v.ratings) {
        if (r.procedure === proc)
          expect(r).toMatchObject({ rating: 'usually-appropriate', provenance: 'seen' })
        else
          expect(r, `${id} ${r.procedure}`).toMatchObject({
            rating: 'not-loaded',
            provenance: 'not-loaded',
            source: null,
          })
      }
    }
    expect(ACR_PNET.variants['post-resection-surveillance'].stopAfterYears?.years).toBe(10)
  })

  it('never lists a not-loaded or usually-not-appropriate procedure as a candidate', () => {
    for (const v of Object.values(ACR_PNET.variants)) {
      for (const p of v.candidates) {
        expect(['usually-appropriate', 'may-be-appropriate']).toContain(v.rating[p].rating)
      }
    }
  })

  it('cites a real source for every rating, interval and typical dose', () => {
    const keys = new Set(Object.keys(ACR_PNET.sources))
    for (const v of Object.values(ACR_PNET.variants)) {
      expect(keys.has(v.source)).toBe(true)
      for (const r of v.ratings) if (r.source !== null) expect(keys.has(r.source)).toBe(true)
    }
    for (const p of ACR_PNET.procedures) expect(keys.has(p.typical.source)).toBe(true)
    for (const s of Object.values(ACR_PNET.sources)) {
      if (s.kind === 'seed' || s.kind === 'seen' || s.kind === 'secondary')
        expect(s.url).toMatch(/^https?:\/\//)
    }
  })

  it('is frozen, and loading does not freeze the caller data', () => {
    expect(Object.isFrozen(ACR_PNET.variants['follow-up-non-liver-dominant'].ratings)).toBe(true)
    const d = copy()
    const p = loadPack(d)
    expect(Object.isFrozen(d.variants)).toBe(false)
    expect(p.variants['initial-staging'].candidates).toEqual([MRI])
  })
})

describe('the pack is a document', () => {
  it('the built-in pack is the versioned JSON file, named after its id and version', () => {
    const file = path.resolve(__dirname, '../../../engine/guideline/packs/acr-pnet-2026.2.json')
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as PackDocument
    expect(doc).toEqual(ACR_PNET_DATA)
    expect(`${doc.id}-${doc.version}.json`).toBe(path.basename(file))
    expect(doc.format).toBe('pnet-guideline-pack/1')
  })

  it('every rationale step and alert the engine says reads its words from the pack', () => {
    const d = copy()
    for (const v of Object.values(d.rationale) as { text: string }[]) v.text = `[pack] ${v.text}`
    for (const k of Object.keys(d.alerts)) d.alerts[k] = `[pack] ${d.alerts[k]}`
    for (const k of Object.keys(d.alertVariants)) d.alertVariants[k] = `[pack] ${d.alertVariants[k]}`
    const pack = loadPack(d)
    for (const c of probeCases()) {
      const e = evaluate(c, '2026-06-15', pack)
      for (const r of e.rationale) expect(r.text, r.rule).toMatch(/^\[pack\] /)
      for (const a of e.alertDetails) expect(a.text, a.code).toMatch(/^\[pack\] /)
    }
  })
})

describe('pack validation names every bad value with its path and why', () => {
  it('rejects a duplicate procedure and reports a missing one', () => {
    expect(broken((d) => d.procedures.push({ ...d.procedures[0] }))).toContain(
      `procedures[10].id: duplicate procedure '${MRI}'`,
    )
    expect(broken((d) => d.procedures.pop())).toContain(
      "procedures: procedure 'mri-targeted-region' is missing",
    )
  })

  it('rejects an unknown variant and reports the missing one', () => {
    expect(broken((d) => (d.variants[0].id = 'follow-up-everything'))).toEqual([
      expect.stringMatching(
        /^variants\[0\]\.id: "follow-up-everything" is not allowed here \(expected "initial-staging"/,
      ),
    ])
    expect(broken((d) => d.variants.pop())).toContain("variants: variant 'initial-staging' is missing")
  })

  it('rejects a rating whose source is missing, unknown or of another kind', () => {
    expect(broken((d) => (d.variants[0].cells[0].source = 'nowhere'))).toContain(
      "variants[0].cells[0].source: unknown source 'nowhere'",
    )
    expect(broken((d) => (d.variants[0].cells[1].source = null))).toContain(
      'variants[0].cells[1].source: a rating needs its source',
    )
    expect(broken((d) => (d.variants[0].cells[0].source = 'nccn_digest_a'))).toContain(
      "variants[0].cells[0].source: provenance 'seed' needs a 'seed' source, not a 'secondary' one",
    )
  })

  it('rejects an unknown rating, and a not-loaded one that claims a provenance', () => {
    expect(broken((d) => (d.variants[0].cells[0].rating = 'rarely-appropriate'))).toEqual([
      expect.stringMatching(/^variants\[0\]\.cells\[0\]\.rating: "rarely-appropriate" is not allowed here/),
    ])
    expect(broken((d) => (d.variants[0].cells[0].rating = 'not-loaded'))).toContain(
      'variants[0].cells[0]: a not-loaded rating must have not-loaded provenance, and only it',
    )
  })

  it('rejects an interval with min > max, or not whole months', () => {
    expect(broken((d) => (d.variants[0].intervals.routine = { min: 12, max: 6, source: 'seed' }))).toContain(
      'variants[0].intervals.routine: interval min 12 > max 6',
    )
    expect(broken((d) => (d.variants[0].intervals.short.min = 2.5))).toEqual([
      'variants[0].intervals.short.min: expected int, got 2.5',
    ])
    expect(broken((d) => delete d.variants[0].intervals.baseline)).toEqual([
      'variants[0].intervals.baseline: missing (expected object)',
    ])
  })

  it('rejects an offer of a study that has no appropriate rating in the variant', () => {
    expect(
      broken((d) => (d.variants[1].offers = { progression: { procedures: [DOTATATE], source: 'app-rule' } })),
    ).toContain(
      `variants[1].offers.progression.procedures[0]: offers '${DOTATATE}', which has no appropriate rating here`,
    )
  })

  it('rejects unknown procedures, modalities, agents, kinds and fields, and a bad version', () => {
    expect(
      broken((d) => {
        d.procedures[1].modality = 'PET/MR'
        d.procedures[2].typical = { kind: 'radiopharmaceutical', agent: 'ga67-citrate', source: 'seed' }
        d.procedures[3].typical = { kind: 'estimated', msv: 1, source: 'seed' }
        d.variants[0].cells.push({
          procedure: 'pet-mri',
          rating: 'usually-appropriate',
          provenance: 'seed',
          source: 'seed',
        })
        d.version = ''
        d.surprise = 1
      }),
    ).toEqual([
      'version: must be a version such as 2026.2, not ""',
      expect.stringMatching(/^procedures\[1\]\.modality: "PET\/MR" is not allowed here/),
      expect.stringMatching(/^procedures\[2\]\.typical\.agent: "ga67-citrate" is not allowed here/),
      'procedures[3].typical.kind: "estimated" is not a known kind here',
      expect.stringMatching(/^variants\[0\]\.cells\[4\]\.procedure: "pet-mri" is not allowed here/),
      'surprise: unknown field (not part of pnet-guideline-pack/1)',
    ])
  })

  it('rejects sources without an address, duplicated, or cited but absent', () => {
    expect(broken((d) => (d.sources[1].url = null))).toEqual([
      "sources[1].url: a 'seen' source needs the address it cites",
    ])
    expect(broken((d) => (d.sources[1].url = 'ftp://x'))).toEqual([
      'sources[1].url: must be an http(s) address, not "ftp://x"',
    ])
    expect(broken((d) => d.sources.push({ ...d.sources[0] }))).toContain(
      `sources[${ACR_PNET_DATA_SOURCES}].key: duplicate source 'seed'`,
    )
    expect(broken((d) => (d.rrlBands[0].source = 'gone'))).toEqual([
      "rrlBands[0].source: unknown source 'gone'",
    ])
  })

  it('rejects bad dose data: a negative coefficient, a missing agent, a k-factor that is not a number', () => {
    expect(
      broken((d) => {
        d.agents['ga68-dotatate'].coefficientMsvPerMbq = -1
        delete d.agents['f18-fdg']
        d.kFactors.sets.aapm96.chest = 'x'
      }),
    ).toEqual([
      'agents.ga68-dotatate.coefficientMsvPerMbq: must be more than 0, not -1',
      'agents.f18-fdg: missing (expected object)',
      'kFactors.sets.aapm96.chest: expected number, got "x"',
    ])
    expect(broken((d) => (d.kFactors.sets.aapm96.head = null))).toEqual([
      'kFactors.sets.aapm96: the default set needs a value for every region',
    ])
  })

  it('rejects texts: a missing step, an unknown one, a source where the rule gives it, a placeholder the rule does not fill', () => {
    expect(
      broken((d) => {
        delete d.rationale.outside
        d.rationale.bogus = { text: 'x' }
        d.rationale.routineInterval.source = 'seed'
      }),
    ).toEqual([
      'rationale.outside: missing (expected object)',
      'rationale.routineInterval.source: unknown field (not part of pnet-guideline-pack/1)',
      'rationale.bogus: unknown field (not part of pnet-guideline-pack/1)',
    ])
    expect(
      broken((d) => {
        d.rationale.latest.text = 'Latest: {study} {when}'
        d.alerts.progression = 'Progression {where}'
        d.alertVariants.missingFacts = 'Missing {fields}'
        d.words.lesions.one = 'lesion {name}'
      }),
    ).toEqual([
      'rationale.latest.text: {when} is not filled in here (only {study}, {date}, {result})',
      'alerts.progression: {where}: this text has nothing to fill in',
      'alertVariants.missingFacts: {fields} is not filled in here (only {facts})',
      'words.lesions.one: {name} is not filled in here (only {id})',
    ])
    expect(broken((d) => delete d.alerts['dose-unknown'])).toEqual([
      'alerts.dose-unknown: missing (expected string)',
    ])
    expect(broken((d) => (d.words.ratings['not-loaded'] = ' '))).toEqual([
      'words.ratings.not-loaded: must not be empty, not ""',
    ])
  })

  it('rejects a bad site rule', () => {
    expect(
      broken((d) => {
        d.siteRules[0].thresholdPctPerMonth = 0
        d.siteRules[0].source = 'x'
      }),
    ).toEqual(['siteRules[0].thresholdPctPerMonth: must be more than 0, not 0'])
    expect(broken((d) => (d.siteRules[0].source = 'x'))).toEqual(["siteRules[0].source: unknown source 'x'"])
    expect(broken((d) => (d.siteRules[0].minMonths = 5))).toEqual(['siteRules[0]: minMonths 5 > maxMonths 4'])
  })

  it('loadPack throws with every problem listed; nothing that is not a pack gets through', () => {
    const d = copy()
    d.procedures.pop()
    d.variants[2].stopAfterYears = { years: 0, source: 'app-rule' }
    let error: unknown
    try {
      loadPack(d)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PackValidationError)
    expect((error as PackValidationError).problems.map((p) => p.path)).toEqual([
      'variants[2].stopAfterYears.years',
    ])
    expect(validatePack('not a pack')).toEqual([{ path: '', message: 'expected object, got "not a pack"' }])
    expect(validatePack({ ...copy(), format: 'pnet-guideline-pack/2' })).toEqual([
      {
        path: 'format',
        message: '"pnet-guideline-pack/2" is not allowed here (expected "pnet-guideline-pack/1")',
      },
    ])
  })
})

const ACR_PNET_DATA_SOURCES = (ACR_PNET_DATA as PackDocument).sources.length

/** Cases that reach every step: the worked cases, a spread of generated ones and the wrong turns. */
function probeCases(): Case[] {
  const dir = path.resolve(__dirname, '../../fixtures/cases')
  const out: Case[] = []
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.case.json'))) {
    const r = parseCaseFile(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))
    if (r.ok) out.push(...r.file.cases)
  }
  out.push(...fc.sample(arbCase, { numRuns: 400, seed: 42 }))
  out.push(
    makeCase({
      constraints: { mriContraindicated: true, iodinatedContrastContraindicated: true },
      weightKg: null,
    }),
    makeCase({ requestedProcedure: 'endoscopic-us' }),
    makeCase({ requestedProcedure: 'ct-abdomen-pelvis-with-iv-contrast' }),
    makeCase({
      requestedProcedure: 'in111-pentetreotide-spect-ct',
      constraints: { iodinatedContrastContraindicated: true },
    }),
    makeCase({
      treatments: [],
      stagingComplete: false,
      diagnosis: { date: null },
      studies: [study('2026-05-01', 'stable')],
    }),
    makeCase({
      treatments: [],
      stagingComplete: false,
      diagnosis: { date: '2026-01-01' },
      studies: [study('2026-05-01', 'stable')],
    }),
    makeCase({
      studies: [
        study('2025-12-01', 'stable', { lesions: [target('T1', 30), target('T2', 20, 'liver')] }),
        study('2026-05-01', null, { lesions: [target('T1', 29), target('T2', null, 'liver')] }),
      ],
    }),
    makeCase({
      studies: [
        study('2025-12-01', 'stable', { lesions: [target('T1', 30)] }),
        study('2026-05-01', null, { lesions: [target('T1', 29)] }),
      ],
    }),
    makeCase({
      studies: [study('2026-05-01', 'progression')],
      treatments: [
        { kind: 'prrt', date: '2025-01-01' },
        { kind: 'chemotherapy', date: '2026-05-20' },
      ],
    }),
    makeCase({
      studies: [study('2026-05-01', 'indeterminate')],
      symptoms: ['new-localized-bone-pain', 'rising-biomarkers'],
    }),
    makeCase({ studies: [], treatments: [{ kind: 'prrt', date: null }] }),
    makeCase({ studies: [study('2026-08-01', 'stable')] }),
    makeCase({ treatments: [{ kind: 'resection', date: '2010-01-01', completeResection: true }] }),
    makeCase({
      treatments: [{ kind: 'resection', date: '2026-01-01', completeResection: true }],
      studies: [],
    }),
    makeCase({ constraints: { eGFR: 25, mriContraindicated: true } }),
    makeCase({ constraints: { eGFR: 40, mriContraindicated: true } }),
    makeCase({
      birthDate: '1950-01-01',
      constraints: { eGFR: null, mriContraindicated: true, iodinatedContrastContraindicated: null },
    }),
  )
  return out
}
