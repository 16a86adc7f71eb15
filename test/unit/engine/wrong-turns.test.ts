// The engine's wrong turns of issue 11, each as a behaviour class: a recorded fact is never
// overridden by a guess, no study is made the routine one without the source saying so, an
// unassessable response says which lesion, a derived result is not called read, every step's
// source is true for the variant, requests and missing facts are named, additions are not
// alternatives, the first study after treatment is the response assessment, and every source
// address is the source's own home.
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ACR_PNET,
  PROCEDURE_IDS,
  VARIANT_IDS,
  evaluate,
  type Case,
  type Evaluation,
  type ProcedureId,
} from '../../../engine'
import { arbCase, makeCase, study, target } from './support/factory'

const AS_OF = '2026-06-15'
const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const CT = 'ct-abdomen-pelvis-with-iv-contrast'
const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh'

const ev = (c: Case, asOf = AS_OF): Evaluation => evaluate(c, asOf, ACR_PNET)
const alertText = (e: Evaluation, code: string): string | undefined =>
  e.alertDetails.find((a) => a.code === code)?.text
const rules = (e: Evaluation): string[] => e.rationale.map((r) => r.rule)
const label = (p: ProcedureId): string => ACR_PNET.procedure[p].label

describe('a recorded "staging not complete" is never overridden by a study on file', () => {
  const staging = (studies: Case['studies'], date: string | null = '2026-04-01'): Case =>
    makeCase({ treatments: [], stagingComplete: false, diagnosis: { date }, studies })

  it('a read study dated before the diagnosis: the staging MRI is due now, and that study is not named', () => {
    const e = ev(staging([study('2026-03-01', 'stable')]))
    expect(e.variant).toBe('initial-staging')
    expect(e.next).toMatchObject({ action: 'image', procedure: MRI, due: { from: AS_OF, to: '2026-07-15' } })
    expect(e.alerts).not.toContain('staging-study-on-file')
    expect(rules(e)).toContain('staging.now')
  })

  it('a read study after the diagnosis: still the staging MRI now, and an alert names the study that may be it', () => {
    const e = ev(staging([study('2026-03-01', 'stable'), study('2026-04-20', 'stable', { procedure: CT })]))
    expect(e.next).toMatchObject({ action: 'image', procedure: MRI, anchor: { kind: 'as-of' } })
    expect(alertText(e, 'staging-study-on-file')).toContain(`${label(CT)} of 2026-04-20`)
    expect(alertText(e, 'staging-study-on-file')).toContain('record staging as complete')
  })

  it('the diagnosis date unknown: the latest read study may be the staging study, and the words say why', () => {
    const e = ev(staging([study('2026-05-20', 'stable')], null))
    expect(e.next.action).toBe('image')
    const step = e.rationale.find((r) => r.rule === 'staging.study-on-file')
    expect(step?.text).toContain('2026-05-20')
    expect(step?.text).toContain('diagnosis date is not recorded')
  })

  it('for any staging case with MRI feasible and no progression, the next step is the staging study', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const e = ev({
          ...c,
          treatments: [],
          stagingComplete: false,
          activeSurveillance: false,
          constraints: { ...c.constraints, mriContraindicated: false, gadoliniumContraindicated: false },
        })
        if (e.variant !== 'initial-staging' || e.alerts.includes('progression')) return
        expect(e.next.action).toBe('image')
        expect(e.next.procedure).toBe(MRI)
        expect(e.next.anchor?.kind).toBe('as-of')
      }),
      { numRuns: 300, seed: 11 },
    )
  })
})

describe('no study becomes the routine one unless the source offers it for that', () => {
  const cases: [string, Partial<Case['constraints']>][] = [
    ['MRI and iodinated contrast', { mriContraindicated: true, iodinatedContrastContraindicated: true }],
    [
      'gadolinium and iodinated contrast',
      { gadoliniumContraindicated: true, iodinatedContrastContraindicated: true },
    ],
  ]
  it.each(cases)('%s ruled out: clinician review with the options and their ratings', (_, constraints) => {
    for (const result of ['stable', 'indeterminate', 'response'] as const) {
      const e = ev(makeCase({ constraints, studies: [study('2026-03-12', result)] }))
      expect(e.next).toMatchObject({ action: 'clinician-review', procedure: null, alternatives: [DOTATATE] })
      expect(e.alerts).toContain('no-verified-alternative')
      const options = e.rationale.filter((r) => r.rule === 'review.option')
      expect(options.map((o) => o.text.split(':')[0])).toEqual([label(MRI), label(CT), label(DOTATATE)])
      for (const o of options) expect(o.text).toContain('usually appropriate')
      // The founding article is never cited for making DOTATATE PET/CT the routine study.
      expect(options[2]?.text).toContain('not as the routine study')
      // Its CT part and its dose are spelled out.
      expect(rules(e)).toEqual(expect.arrayContaining(['review.option-ct-part', 'review.option-dose']))
      expect(e.rationale.find((r) => r.rule === 'review.option-dose')?.text).toMatch(/about \d+(\.\d+)? mSv/)
      expect(e.rationale.find((r) => r.rule === 'review.option-dose')?.source).toBe('netspot_label')
    }
  })

  it('the CT part is only mentioned when iodinated contrast is the reason', () => {
    const e = ev(
      makeCase({ constraints: { gadoliniumContraindicated: true, iodinatedContrastContraindicated: false } }),
    )
    expect(e.next.procedure).toBe(CT)
    expect(rules(e)).not.toContain('review.option-ct-part')
  })
})

describe('a response RECIST cannot assess says which lesion', () => {
  it('a target not measured is named, with the baseline it would be compared with', () => {
    const e = ev(
      makeCase({
        studies: [
          study('2025-12-01', 'stable', { lesions: [target('T1', 30), target('T2', 20, 'liver')] }),
          study('2026-05-01', 'stable', { lesions: [target('T1', 29), target('T2', null, 'liver')] }),
        ],
      }),
    )
    expect(e.response).toMatchObject({ category: 'NE', unmeasuredTargets: ['T2'] })
    expect(alertText(e, 'recist-not-evaluable')).toBe(
      'RECIST 1.1 could not assess the response at the study of 2026-05-01: target lesion T2 not measured.',
    )
    expect(e.rationale.find((r) => r.rule === 'result.recist-not-evaluable')?.text).toContain(
      'baseline of 2025-12-01',
    )
  })

  it('a non-target lesion not assessed is named (non-target disease only)', () => {
    const nt = (id: string) => ({
      id,
      organ: 'peritoneum',
      nodal: false,
      role: 'non-target' as const,
      status: 'present' as const,
    })
    const e = ev(
      makeCase({
        studies: [
          study('2025-12-01', 'stable', { lesions: [nt('N7'), nt('N8')] }),
          study('2026-05-01', 'stable', { lesions: [nt('N8')] }),
        ],
      }),
    )
    expect(e.response).toMatchObject({ category: 'NE', unassessedNonTargets: ['N7'] })
    expect(alertText(e, 'recist-not-evaluable')).toContain('non-target lesion N7 not assessed')
  })

  it('a baseline alone is not called not evaluable', () => {
    const e = ev(makeCase({ studies: [study('2026-03-12', 'stable', { lesions: [target('T1', 30)] })] }))
    expect(e.response?.baselineOnly).toBe(true)
    expect(e.alerts).not.toContain('recist-not-evaluable')
  })
})

describe('a result derived from measurements is not called read', () => {
  it('says derived, not "latest read study"', () => {
    const e = ev(
      makeCase({
        studies: [
          study('2025-12-01', 'stable', { lesions: [target('T1', 30)] }),
          study('2026-05-01', null, { lesions: [target('T1', 29)] }),
        ],
      }),
    )
    const latest = e.rationale.filter((r) => r.rule.startsWith('history.latest'))
    expect(latest).toHaveLength(1)
    expect(latest[0]?.rule).toBe('history.latest-derived')
    expect(latest[0]?.text).not.toContain('Latest read study')
    expect(latest[0]?.text).toContain('no radiologist has read it')
  })
})

describe('every step cites a source that is true for the variant', () => {
  it('no step of a variant the founding article excludes is cited to it', () => {
    const arbPlaced = fc.tuple(arbCase, fc.constantFrom(...VARIANT_IDS)).map(([c, v]): Case => {
      switch (v) {
        case 'follow-up-liver-dominant':
          return {
            ...c,
            treatments: [{ kind: 'prrt', date: '2025-01-10' }],
            burden: 'liver-dominant',
            diagnosis: { ...c.diagnosis, confirmed: true },
          }
        case 'follow-up-non-liver-dominant':
          return {
            ...c,
            treatments: [{ kind: 'prrt', date: '2025-01-10' }],
            burden: 'non-liver-dominant',
            diagnosis: { ...c.diagnosis, confirmed: true },
          }
        case 'post-resection-surveillance':
          return {
            ...c,
            treatments: [{ kind: 'resection', date: '2024-01-10', completeResection: true }],
            suspectedRecurrence: false,
            symptoms: [],
          }
        case 'untreated-surveillance':
          return { ...c, treatments: [], activeSurveillance: true }
        case 'initial-staging':
          return { ...c, treatments: [], activeSurveillance: false, stagingComplete: false }
      }
    })
    let checked = 0
    fc.assert(
      fc.property(arbPlaced, (c) => {
        const e = ev(c)
        if (e.variant === null) return
        const fromSeed = ACR_PNET.sources[ACR_PNET.variants[e.variant].source]?.kind === 'seed'
        if (fromSeed) return
        checked++
        expect(e.rationale.filter((r) => r.source === 'seed').map((r) => r.rule)).toEqual([])
      }),
      { numRuns: 600, seed: 5 },
    )
    expect(checked).toBeGreaterThan(200)
  })

  it('the pancreas protocol and the priors are engine rules outside the founding article\u2019s variant, and say so', () => {
    const e = ev(makeCase({ burden: 'liver-dominant', studies: [] }))
    const protocol = e.rationale.find((r) => r.rule === 'pitfall.protocol')
    expect(protocol).toMatchObject({ source: 'app-rule' })
    expect(protocol?.text).toContain('An engine rule here')
    expect(e.rationale.find((r) => r.rule === 'pitfall.priors')).toMatchObject({ source: 'app-rule' })
    expect(ev(makeCase({ studies: [] })).rationale.find((r) => r.rule === 'pitfall.protocol')).toMatchObject({
      source: 'seed',
    })
  })
})

describe('a requested study is always named with its rating', () => {
  it('every procedure requested in every variant gets a step naming it; a bad one gets an alert naming it and its rating', () => {
    const placed: Case[] = [
      makeCase(),
      makeCase({ burden: 'liver-dominant' }),
      makeCase({ treatments: [{ kind: 'resection', date: '2024-01-10', completeResection: true }] }),
      makeCase({ treatments: [], activeSurveillance: true, diagnosis: { primarySizeMm: 12 } }),
      makeCase({ treatments: [], stagingComplete: false, studies: [] }),
    ]
    for (const base of placed) {
      for (const req of PROCEDURE_IDS) {
        const e = ev({ ...base, requestedProcedure: req })
        const v = ACR_PNET.variants[e.variant!]
        const step = e.rationale.find((r) => r.rule.startsWith('request.') && r.text.includes(label(req)))
        expect(step, `${e.variant} ${req}`).toBeDefined()
        const rating = v.rating[req].rating
        if (rating === 'usually-appropriate' || rating === 'may-be-appropriate') {
          expect(step?.rule).toBe('request.appropriate')
          expect(step?.text).toContain(rating.replace(/-/g, ' '))
          expect(e.alerts).not.toContain('requested-study-not-appropriate')
        } else {
          const text = alertText(e, 'requested-study-not-appropriate')
          expect(text).toContain(label(req))
          expect(text).toMatch(rating === 'not-loaded' ? /no verified rating/ : /usually not appropriate/)
        }
      }
    }
  })

  it('a usually appropriate request says how it relates to the recommended study', () => {
    const asked = ev(makeCase({ requestedProcedure: MRI }))
    expect(asked.rationale.find((r) => r.rule === 'request.appropriate')?.text).toContain(
      'it is the recommended study',
    )
    const other = ev(makeCase({ requestedProcedure: CT }))
    expect(other.rationale.find((r) => r.rule === 'request.appropriate')).toMatchObject({
      source: 'seed',
      text: expect.stringContaining(`an alternative to the recommended ${label(MRI)}`),
    })
  })
})

describe('missing facts are named, with what each is needed for', () => {
  it('a placed case with only contrast safety unknown does not say the case cannot be placed', () => {
    const e = ev(makeCase({ constraints: { gadoliniumContraindicated: null } }))
    expect(e.variant).toBe('follow-up-non-liver-dominant')
    const text = alertText(e, 'missing-facts')
    expect(text).toContain('before ordering the study')
    expect(text).toContain('constraints.gadoliniumContraindicated')
    expect(text).not.toContain('place the case')
  })

  it('a case that cannot be placed names the fact that places it', () => {
    const e = ev(makeCase({ burden: null, constraints: { eGFR: null } }))
    expect(e.variant).toBeNull()
    expect(alertText(e, 'missing-facts')).toMatch(
      /^Not recorded — to place the case: where most of the tumour lies .*\(burden\)/,
    )
  })

  it('every missing input is named in the alert', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const e = ev(c)
        if (e.inputsMissing.length === 0) {
          expect(e.alerts).not.toContain('missing-facts')
          return
        }
        const text = alertText(e, 'missing-facts') ?? ''
        for (const f of e.inputsMissing) expect(text).toContain(`(${f})`)
      }),
      { numRuns: 400, seed: 7 },
    )
  })
})

describe('after progression, DOTATATE PET/CT is an addition to the tumour board, not an alternative', () => {
  it('the board may add it; nothing replaces the board', () => {
    const e = ev(makeCase({ studies: [study('2026-05-01', 'progression')] }))
    expect(e.next).toMatchObject({ action: 'tumor-board', alternatives: [], additions: [DOTATATE] })
    expect(e.rationale.find((r) => r.rule === 'progression.offer')?.text).toContain(
      'not instead of the board',
    )
  })
})

describe('the first study after a treatment is the response assessment, not a baseline', () => {
  it.each(['non-liver-dominant', 'liver-dominant'] as const)('%s: counted from the treatment', (burden) => {
    const e = ev(makeCase({ burden, studies: [], treatments: [{ kind: 'prrt', date: '2026-01-05' }] }))
    expect(e.next).toMatchObject({
      action: 'image',
      procedure: MRI,
      anchor: { date: '2026-01-05', kind: 'treatment' },
      due: { from: '2026-07-05', to: '2027-01-05' },
    })
    expect(e.alerts).not.toContain('baseline-imaging-now')
    const step = e.rationale.find((r) => r.rule === 'interval.first-response')
    expect(step?.text).toContain('assesses the response')
    expect(step?.text).not.toMatch(/\(baseline\)|first \(baseline\)/)
  })

  it('an undated treatment: due now, and the date is asked for', () => {
    const e = ev(makeCase({ studies: [], treatments: [{ kind: 'prrt', date: null }] }))
    expect(e.next.anchor?.kind).toBe('as-of')
    expect(e.inputsMissing).toContain('treatments.date')
    expect(e.alerts).not.toContain('baseline-imaging-now')
  })

  it('untreated surveillance with no study keeps its baseline', () => {
    const e = ev(
      makeCase({ treatments: [], activeSurveillance: true, studies: [], diagnosis: { primarySizeMm: 12 } }),
    )
    expect(e.alerts).toContain('baseline-imaging-now')
  })
})

describe('the variants are for adults: a child is outside every one of them', () => {
  const placed: Record<string, Partial<Case>> = {
    'follow-up-non-liver-dominant': {},
    'post-resection-surveillance': {
      burden: null,
      treatments: [{ kind: 'resection', date: '2025-01-20', completeResection: true }],
    },
    'untreated-surveillance': {
      treatments: [],
      activeSurveillance: true,
      diagnosis: { date: null, confirmed: true, grade: 'G1', functional: false, primarySizeMm: 15 },
    },
    'initial-staging': { treatments: [], stagingComplete: false, studies: [] },
  }

  it.each(Object.keys(placed))('%s facts at 17: no variant, a clinician decides', (variant) => {
    const adult = ev({ ...makeCase(), ...placed[variant], birthDate: '2008-06-15' })
    expect(adult.variant).toBe(variant)
    const child = ev({ ...makeCase(), ...placed[variant], birthDate: '2008-06-16' })
    expect(child.variant).toBeNull()
    expect(child.next.action).toBe('clinician-review')
    expect(child.next.procedure).toBeNull()
    expect(child.alerts).toContain('outside-topic')
    expect(child.variantReasons.join(' ')).toMatch(/adults; this patient is 17 on 2026-06-15/)
  })

  it('an unknown birth date does not keep a case out', () => {
    expect(ev(makeCase({ birthDate: null })).variant).toBe('follow-up-non-liver-dominant')
  })

  it('property: no case with a known age under 18 is placed or gets a study', () => {
    fc.assert(
      fc.property(arbCase, fc.integer({ min: 0, max: 17 }), (c, years) => {
        const birthDate = `${Number(AS_OF.slice(0, 4)) - years}${AS_OF.slice(4)}`
        const e = ev({ ...c, birthDate })
        expect(e.variant).toBeNull()
        expect(e.next.procedure).toBeNull()
      }),
      { numRuns: 200, seed: 18 },
    )
  })
})

describe('every source address is the source\u2019s own home', () => {
  const HOMES = [
    'gighz.com', // the founding article and its series
    'acsearch.acr.org',
    'gravitas.acr.org',
    'www.acr.org',
    'doi.org',
    'pmc.ncbi.nlm.nih.gov',
    'pubmed.ncbi.nlm.nih.gov',
    'dailymed.nlm.nih.gov',
    'jamanetwork.com',
    'heart.bmj.com',
    'jnm.snmjournals.org',
    'www.nccn.org',
    'www.radiologyinfo.org',
    'www.aapm.org',
    'www.eortc.be',
    'recist.eortc.org',
    'www.enets.org',
  ]
  it('every address is https on a publisher, a society, the ACR, NLM or the FDA label', () => {
    for (const s of Object.values(ACR_PNET.sources)) {
      if (s.url === null) continue
      const u = new URL(s.url)
      expect(u.protocol, s.key).toBe('https:')
      expect(HOMES, `${s.key}: ${s.url}`).toContain(u.hostname)
    }
  })

  it('the Ga-68 DOTATATE label is cited at its FDA label on DailyMed', () => {
    for (const key of ['netspot_label', 'drugs_ga68']) {
      expect(ACR_PNET.sources[key]?.url).toBe(
        'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=NETSPOT',
      )
    }
  })

  it('docs/sources.md lists every key with the same address', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/sources.md'), 'utf8')
    for (const s of Object.values(ACR_PNET.sources)) {
      expect(doc, s.key).toContain(`\`${s.key}\``)
      if (s.url) expect(doc, s.key).toContain(s.url)
    }
    expect(doc).not.toMatch(
      /butalbitalapap|scribd\.com|blogspot|mimsdev|rxlist|drugs\.com|radclass|risimaging|rad-call/,
    )
  })
})
