import { describe, expect, it } from 'vitest'
import { classify } from '../../../engine'
import { makeCase, study } from './support/factory'

const AS_OF = '2026-06-15'

describe('classify', () => {
  it('treated, non-liver-dominant -> follow-up-non-liver-dominant, with reasons in words', () => {
    const r = classify(makeCase(), AS_OF)
    expect(r.variant).toBe('follow-up-non-liver-dominant')
    expect(r.reasons).toEqual([
      'Treated (PRRT on 2025-09-10): this is follow-up of known disease.',
      'Most of the tumour volume lies outside the liver.',
    ])
    expect(r.alerts).toEqual([])
    expect(r.inputsMissing).toEqual([])
  })

  it('treated, liver-dominant -> follow-up-liver-dominant', () => {
    const r = classify(
      makeCase({ burden: 'liver-dominant', treatments: [{ kind: 'liver-directed', date: '2025-11-05' }] }),
      AS_OF,
    )
    expect(r.variant).toBe('follow-up-liver-dominant')
  })

  it('does not guess an unknown burden: no variant, asks for it', () => {
    const r = classify(makeCase({ burden: null }), AS_OF)
    expect(r.variant).toBeNull()
    expect(r.alerts).toEqual(['missing-facts'])
    expect(r.inputsMissing).toEqual(['burden'])
    expect(r.reasons.at(-1)).toMatch(/not recorded.*Record it/)
  })

  it('does not read an unknown treatment history as "untreated"', () => {
    const r = classify(makeCase({ treatments: null, activeSurveillance: true }), AS_OF)
    expect(r.variant).toBeNull()
    expect(r.inputsMissing).toEqual(['treatments'])
  })

  it('complete resection, no symptoms, no suspicion -> post-resection surveillance', () => {
    const r = classify(
      makeCase({
        treatments: [{ kind: 'resection', date: '2025-05-20', completeResection: true }],
        burden: null,
      }),
      AS_OF,
    )
    expect(r.variant).toBe('post-resection-surveillance')
    expect(r.resectionDate).toBe('2025-05-20')
    expect(r.reasons[0]).toBe('Complete resection on 2025-05-20, with no known residual disease.')
  })

  it('suspected recurrence after resection is outside the topic (clinician review)', () => {
    const r = classify(
      makeCase({
        treatments: [{ kind: 'resection', date: '2023-02-14', completeResection: true }],
        suspectedRecurrence: true,
        symptoms: ['jaundice', 'rising-biomarkers'],
        burden: null,
      }),
      AS_OF,
    )
    expect(r.variant).toBeNull()
    expect(r.alerts).toEqual(['suspected-recurrence', 'outside-topic'])
    expect(r.reasons.at(-1)).toMatch(
      /recurrence is suspected and symptoms are recorded \(jaundice, rising-biomarkers\)/,
    )
  })

  it('symptoms alone also take a resected patient out of routine surveillance', () => {
    const c = makeCase({
      treatments: [{ kind: 'resection', date: '2023-02-14', completeResection: true }],
      symptoms: ['flushing'],
    })
    expect(classify(c, AS_OF).alerts).toContain('outside-topic')
  })

  it('unknown suspicion or symptoms after resection: asks, does not assume "none"', () => {
    const base = { treatments: [{ kind: 'resection' as const, date: '2023-02-14', completeResection: true }] }
    expect(classify(makeCase({ ...base, suspectedRecurrence: null }), AS_OF)).toMatchObject({
      variant: null,
      inputsMissing: ['suspectedRecurrence'],
      alerts: ['missing-facts'],
    })
    expect(classify(makeCase({ ...base, symptoms: null }), AS_OF).inputsMissing).toEqual(['symptoms'])
  })

  it('progression on a study after the resection is recurrence: outside the topic', () => {
    const c = makeCase({
      treatments: [{ kind: 'resection', date: '2024-01-10', completeResection: true }],
      studies: [study('2023-12-01', 'progression'), study('2026-01-10', 'progression')],
    })
    const r = classify(c, AS_OF)
    expect(r.variant).toBeNull()
    expect(r.alerts).toEqual(['progression', 'outside-topic'])
    // Progression before the operation does not count against surveillance.
    const before = makeCase({ ...c, studies: [study('2023-12-01', 'progression')] })
    expect(classify(before, AS_OF).variant).toBe('post-resection-surveillance')
  })

  it('treatment after a complete resection means known disease: follow-up by burden', () => {
    const c = makeCase({
      treatments: [
        { kind: 'resection', date: '2022-01-10', completeResection: true },
        { kind: 'prrt', date: '2024-03-01' },
      ],
    })
    expect(classify(c, AS_OF).variant).toBe('follow-up-non-liver-dominant')
    const neoadjuvant = makeCase({
      treatments: [
        { kind: 'somatostatin-analog', date: '2021-06-01' },
        { kind: 'resection', date: '2022-01-10', completeResection: true },
      ],
    })
    expect(classify(neoadjuvant, AS_OF).variant).toBe('post-resection-surveillance')
  })

  it('an incomplete resection is treated disease; an unstated one is asked for', () => {
    expect(
      classify(
        makeCase({ treatments: [{ kind: 'resection', date: '2025-01-01', completeResection: false }] }),
        AS_OF,
      ).variant,
    ).toBe('follow-up-non-liver-dominant')
    const r = classify(
      makeCase({ treatments: [{ kind: 'resection', date: '2025-01-01', completeResection: null }] }),
      AS_OF,
    )
    expect(r).toMatchObject({ variant: null, inputsMissing: ['treatments.completeResection'] })
  })

  it('untreated and watched -> untreated-surveillance; flags an atypical tumour', () => {
    const c = makeCase({
      treatments: [],
      activeSurveillance: true,
      diagnosis: { grade: 'G3', functional: true },
    })
    const r = classify(c, AS_OF)
    expect(r.variant).toBe('untreated-surveillance')
    expect(r.alerts).toEqual(['atypical-for-surveillance'])
    expect(r.reasons.at(-1)).toMatch(/grade G3 and a hormone syndrome/)
  })

  it('new, untreated, not staged -> initial-staging (suspected only also qualifies)', () => {
    const r = classify(
      makeCase({ treatments: [], stagingComplete: false, diagnosis: { confirmed: false } }),
      AS_OF,
    )
    expect(r.variant).toBe('initial-staging')
  })

  it('staged, untreated, not watched: no variant covers it', () => {
    const r = classify(makeCase({ treatments: [], stagingComplete: true, activeSurveillance: false }), AS_OF)
    expect(r).toMatchObject({ variant: null, alerts: ['outside-topic'] })
  })

  it('untreated with unknown staging or surveillance status: asks', () => {
    const r = classify(makeCase({ treatments: [], stagingComplete: null, activeSurveillance: null }), AS_OF)
    expect(r).toMatchObject({ variant: null, inputsMissing: ['activeSurveillance', 'stagingComplete'] })
  })

  it('follow-up needs histological confirmation; unknown confirmation is noted, not assumed false', () => {
    expect(classify(makeCase({ diagnosis: { confirmed: false } }), AS_OF)).toMatchObject({
      variant: null,
      alerts: ['outside-topic'],
    })
    const r = classify(makeCase({ diagnosis: { confirmed: null } }), AS_OF)
    expect(r.variant).toBe('follow-up-non-liver-dominant')
    expect(r.inputsMissing).toEqual(['diagnosis.confirmed'])
  })

  it('ignores treatments dated after asOf (planned, not given)', () => {
    const c = makeCase({ treatments: [{ kind: 'prrt', date: '2026-07-01' }], activeSurveillance: true })
    expect(classify(c, AS_OF).variant).toBe('untreated-surveillance')
    expect(classify(c, '2026-07-01').variant).toBe('follow-up-non-liver-dominant')
  })
})
