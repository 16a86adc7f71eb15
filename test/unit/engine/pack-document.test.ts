// A revision that changes only the pack document needs no code change: ratings and intervals come
// from the pack passed in, and the words follow.
import fs from 'node:fs'
import path from 'node:path'
import Ajv2020 from 'ajv/dist/2020'
import { describe, expect, it } from 'vitest'
import {
  ACR_PNET,
  ACR_PNET_DATA,
  doseLedger,
  estimateWorking,
  evaluate,
  loadPack,
  packJsonSchema,
  type PackDocument,
  type Study,
} from '../../../engine'
import { packSchemaText, PACK_SCHEMA_FILE } from '../../../scripts/pack-schema'
import { makeCase, study } from './support/factory'

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const CT = 'ct-abdomen-pelvis-with-iv-contrast'
const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh'
const AS_OF = '2026-06-15'

function revised(edit: (d: PackDocument) => void, version = '2027.1'): ReturnType<typeof loadPack> {
  const d = JSON.parse(JSON.stringify(ACR_PNET_DATA)) as PackDocument
  d.version = version
  edit(d)
  return loadPack(d)
}
const nonLiver = (d: PackDocument) => d.variants.find((v) => v.id === 'follow-up-non-liver-dominant')!

describe('a revised pack changes the decision without a code change', () => {
  it('follow-up MRI rated may be appropriate: CT becomes the study, and the rationale says so', () => {
    const pack = revised((d) => {
      nonLiver(d).cells.find((c) => c.procedure === MRI)!.rating = 'may-be-appropriate'
    })
    const before = evaluate(makeCase(), AS_OF, ACR_PNET)
    const after = evaluate(makeCase(), AS_OF, pack)
    expect(before.next.procedure).toBe(MRI)
    expect(after.next).toMatchObject({ action: 'image', procedure: CT, alternatives: [DOTATATE, MRI] })
    expect(after.guideline).toEqual({ id: 'acr-pnet', version: '2027.1' })
    expect(after.ratings.find((r) => r.procedure === MRI)?.rating).toBe('may-be-appropriate')
    const rules = after.rationale.map((r) => r.rule)
    expect(rules).not.toContain('choose.mri')
    expect(after.rationale.find((r) => r.rule === 'choose.best-feasible')?.text).toBe(
      'CT abdomen/pelvis with contrast is the best feasible study with a verified rating for this variant (usually appropriate).',
    )
    expect(after.rationale.find((r) => r.rule === 'choose.ranked')?.text).toBe(
      'CT abdomen/pelvis with contrast (usually appropriate) comes before MRI abdomen/pelvis without and with contrast, which this pack rates may be appropriate for this variant.',
    )
  })

  it('a 4-8 month routine interval schedules that', () => {
    const pack = revised((d) => {
      nonLiver(d).intervals.routine = { min: 4, max: 8, source: 'app-rule' }
    })
    const e = evaluate(makeCase({ studies: [study('2026-03-12', 'stable')] }), AS_OF, pack)
    expect(e.next).toMatchObject({
      procedure: MRI,
      intervalMonths: { min: 4, max: 8 },
      due: { from: '2026-07-12', to: '2026-11-12' },
    })
    expect(e.rationale.find((r) => r.rule === 'interval.routine')).toEqual({
      text: 'Stable or responding disease: repeat imaging 4 to 8 months after the latest read study.',
      source: 'app-rule',
      rule: 'interval.routine',
    })
    expect(e.rationale.find((r) => r.rule === 'schedule.due')?.text).toContain('(4-8 months from')
  })

  it('dose coefficients and sources come from the pack too', () => {
    const pack = revised((d) => {
      d.agents['ga68-dotatate'].coefficientMsvPerMbq = 0.0257
      d.agents['ga68-dotatate'].coefficientSource = 'walker_dosimetry'
    })
    const c = makeCase({
      studies: [
        study('2026-03-12', 'stable', {
          procedure: DOTATATE,
          dose: { agent: 'ga68-dotatate', activityMbq: 200, dlpMgyCm: 0 },
        }),
      ],
    })
    expect(evaluate(c, AS_OF, ACR_PNET).dose.cumulativeMsv).toBe(4.2)
    const e = evaluate(c, AS_OF, pack)
    expect(e.dose.cumulativeMsv).toBe(5.14)
    expect(e.studyDoses[0]?.sources).toContain('walker_dosimetry')
  })
})

describe('the published JSON Schema', () => {
  it('docs/guideline-pack.schema.json is what the pack schema generates (npm run schema:pack)', () => {
    expect(fs.readFileSync(PACK_SCHEMA_FILE, 'utf8')).toBe(packSchemaText())
    expect(path.basename(PACK_SCHEMA_FILE)).toBe('guideline-pack.schema.json')
  })

  it('accepts the built-in pack and refuses a broken one', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false })
    const validate = ajv.compile(packJsonSchema())
    expect(validate(ACR_PNET_DATA), JSON.stringify(validate.errors)).toBe(true)
    const broken = JSON.parse(JSON.stringify(ACR_PNET_DATA)) as Record<string, unknown>
    broken.format = 'pnet-guideline-pack/9'
    expect(validate(broken)).toBe(false)
  })
})

describe('the arithmetic a screen shows follows the pack the ledger used', () => {
  it('a pack with other k-factors and another coefficient: every per-event k and the coefficient are the pack’s', () => {
    const pack = revised((d) => {
      d.kFactors.sets.aapm96.chest = 0.02
      d.kFactors.sets.aapm96['abdomen-pelvis'] = 0.018
      d.agents['ga68-dotatate'].coefficientMsvPerMbq = 0.03
    })
    const pet: Study = {
      date: '2026-01-10',
      procedure: DOTATATE,
      result: 'stable',
      dose: {
        agent: 'ga68-dotatate',
        activityMbq: 150,
        events: [
          { dlpMgyCm: 200, region: 'chest' },
          { dlpMgyCm: 300, region: 'abdomen-pelvis' },
        ],
      },
    }
    for (const p of [ACR_PNET, pack]) {
      const options = { kFactors: 'aapm96' as const, pack: p }
      const e = doseLedger([pet], options).studies[0]!
      const w = estimateWorking(pet, e, options)
      const k = p.kFactors.sets.aapm96
      expect(w.events?.map((ev) => ev.kFactor)).toEqual([k.chest, k['abdomen-pelvis']])
      // The parts add up to what the ledger counted.
      expect(w.events!.reduce((a, ev) => a + ev.msv, 0)).toBeCloseTo(e.ctMsv!, 3)
      expect(w.coefficientMsvPerMbq).toBe(p.agents['ga68-dotatate'].coefficientMsvPerMbq)
      expect(150 * w.coefficientMsvPerMbq!).toBeCloseTo(e.radiopharmaceuticalMsv!, 3)
    }
  })

  it('no CT part and no radiopharmaceutical: nothing to show', () => {
    const mri: Study = { date: '2026-01-10', procedure: MRI, result: 'stable' }
    const e = doseLedger([mri]).studies[0]!
    expect(estimateWorking(mri, e)).toEqual({ events: null, coefficientMsvPerMbq: null })
  })
})
