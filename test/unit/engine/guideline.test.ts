// The guideline pack: its content (what the sources support and no more) and its validation.
import { describe, expect, it } from 'vitest'
import {
  ACR_PNET,
  ACR_PNET_DATA,
  PROCEDURE_IDS,
  VARIANT_IDS,
  loadPack,
  validatePack,
  PackValidationError,
  type GuidelinePackData,
} from '../../../engine'

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const CT = 'ct-abdomen-pelvis-with-iv-contrast'
const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh'

/** A deep, mutable copy of the pack data to break. */
function copy(): GuidelinePackData & Record<string, unknown> {
  return JSON.parse(JSON.stringify(ACR_PNET_DATA)) as GuidelinePackData & Record<string, unknown>
}
type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> }
function broken(edit: (d: Mutable<GuidelinePackData>) => void): string[] {
  const d = copy() as Mutable<GuidelinePackData>
  edit(d)
  return validatePack(d).map((p) => `${p.path}: ${p.message}`)
}

describe('the acr-pnet pack', () => {
  it('loads and has an id, a version and every variant and procedure', () => {
    expect(validatePack(ACR_PNET_DATA)).toEqual([])
    expect(ACR_PNET.ref).toEqual({ id: 'acr-pnet', version: '2026.1' })
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

describe('pack validation', () => {
  it('rejects a duplicate procedure', () => {
    expect(
      broken((d) => {
        d.procedures.push({ ...d.procedures[0]! })
      }),
    ).toContain(`procedures[10].id: duplicate procedure '${MRI}'`)
  })

  it('rejects an unknown variant and reports the missing one', () => {
    const problems = broken((d) => {
      d.variants[0]!.id = 'follow-up-everything' as never
    })
    expect(problems).toContain('variants[0].id: unknown variant "follow-up-everything"')
    expect(problems).toContain("variants: variant 'follow-up-non-liver-dominant' is missing")
  })

  it('rejects a rating whose source is missing or unknown', () => {
    expect(
      broken((d) => {
        d.variants[0]!.cells[0]!.source = 'nowhere'
      }),
    ).toContain("variants[0].cells[0].source: unknown source 'nowhere'")
    expect(
      broken((d) => {
        d.variants[0]!.cells[1]!.source = null
      }),
    ).toContain('variants[0].cells[1].source: missing source')
  })

  it('rejects a provenance that does not match its source', () => {
    expect(
      broken((d) => {
        d.variants[0]!.cells[0]!.source = 'nccn_digest_a'
      }),
    ).toContain("variants[0].cells[0].source: provenance 'seed' needs a 'seed' source, not a 'secondary' one")
  })

  it('rejects an interval with min > max, or not whole months', () => {
    expect(
      broken((d) => {
        d.variants[0]!.intervals.routine = { min: 12, max: 6, source: 'seed' }
      }),
    ).toContain('variants[0].intervals.routine: interval min 12 > max 6')
    expect(
      broken((d) => {
        d.variants[0]!.intervals.short = { min: 2.5, max: 4, source: 'seed' }
      }),
    ).toContain('variants[0].intervals.short.min: must be a whole number >= 0')
  })

  it('rejects a not-loaded rating that claims a provenance, and an unknown rating', () => {
    expect(
      broken((d) => {
        d.variants[0]!.cells[0]!.rating = 'not-loaded'
      }),
    ).toContain('variants[0].cells[0]: a not-loaded rating must have not-loaded provenance, and only it')
    expect(
      broken((d) => {
        d.variants[0]!.cells[0]!.rating = 'rarely-appropriate' as never
      }),
    ).toContain('variants[0].cells[0].rating: unknown rating "rarely-appropriate"')
  })

  it('rejects an offer of a study that has no appropriate rating in the variant', () => {
    expect(
      broken((d) => {
        d.variants[1]!.offers = { progression: { procedures: [DOTATATE], source: 'app-rule' } }
      }),
    ).toContain(
      `variants[1].offers.progression.procedures[0]: offers "${DOTATATE}", which has no appropriate rating here`,
    )
  })

  it('rejects unknown procedures, modalities, agents and sources without an address', () => {
    const problems = broken((d) => {
      d.procedures[1]!.modality = 'PET/MR' as never
      d.procedures[2]!.typical = {
        kind: 'radiopharmaceutical',
        agent: 'ga67-citrate' as never,
        source: 'seed',
      }
      d.variants[0]!.cells.push({
        procedure: 'pet-mri' as never,
        rating: 'usually-appropriate',
        provenance: 'seed',
        source: 'seed',
      })
      ;(d.sources as { url: string | null }[])[1]!.url = null
      d.version = ''
    })
    expect(problems).toEqual(
      expect.arrayContaining([
        'procedures[1].modality: unknown modality "PET/MR"',
        'procedures[2].typical.agent: unknown agent "ga67-citrate"',
        'variants[0].cells[4].procedure: unknown procedure "pet-mri"',
        "sources[1].url: source 'gighz_liver' needs an http(s) address",
        'version: missing pack version',
      ]),
    )
  })

  it('loadPack throws with every problem listed', () => {
    const d = copy() as Mutable<GuidelinePackData>
    d.procedures.pop()
    d.variants[2]!.stopAfterYears = { years: 0, source: 'app-rule' }
    let error: unknown
    try {
      loadPack(d)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PackValidationError)
    const problems = (error as PackValidationError).problems.map((p) => p.path)
    expect(problems).toEqual(expect.arrayContaining(['procedures', 'variants[2].stopAfterYears']))
    expect((error as Error).message).toMatch(/procedure 'mri-targeted-region' is missing/)
    expect(validatePack('not a pack')).toEqual([{ path: '', message: 'a pack must be an object' }])
  })
})
