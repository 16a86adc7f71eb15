// Site rules: the site's, not the ACR's; off unless turned on; they add an alert and a step and
// never change the study, its window or the action.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ACR_PNET, ACR_PNET_DATA, evaluate, loadPack, type Case, type PackDocument } from '../../../engine'
import { arbCase, makeCase, study, target } from './support/factory'

const AS_OF = '2026-06-15'
const ON = { siteRules: { 'greponet-growth-rate': true } }

/** Two measured studies `days` apart, the sum growing from 30 to `mm`. */
function growing(mm: number, second = '2026-05-01', first = '2026-02-01'): Case {
  return makeCase({
    studies: [
      study(first, 'stable', { lesions: [target('T1', 30)] }),
      study(second, 'stable', { lesions: [target('T1', mm)] }),
    ],
  })
}

describe('the GREPONET growth-rate site rule', () => {
  it('ships disabled: nothing is said', () => {
    const rule = ACR_PNET.siteRules.find((r) => r.id === 'greponet-growth-rate')
    expect(rule).toMatchObject({ enabled: false, thresholdPctPerMonth: 0.8, source: 'greponet_tgr' })
    const e = evaluate(growing(32), AS_OF)
    expect(e.response?.tgrPctPerMonth).toBeGreaterThan(0.8)
    expect(e.alerts).not.toContain('site-rule-growth-rate')
    expect(e.rationale.map((r) => r.rule)).not.toContain('site-rule.growth-rate')
  })

  it('turned on: an alert and a step that say they are the site’s rule, citing GREPONET; the plan is unchanged', () => {
    const off = evaluate(growing(32), AS_OF, ACR_PNET)
    const on = evaluate(growing(32), AS_OF, ACR_PNET, ON)
    expect(on.next).toEqual(off.next)
    expect(on.alertDetails.find((a) => a.code === 'site-rule-growth-rate')?.text).toMatch(
      /^Site rule \(not the ACR’s\): growth \d+(\.\d+)? %\/month, above 0\.8 %\/month; consider the short end of the interval \(from 2026-11-01\)\.$/,
    )
    const step = on.rationale.find((r) => r.rule === 'site-rule.growth-rate')
    expect(step?.source).toBe('greponet_tgr')
    expect(step?.text).toMatch(
      /^Site rule, not the ACR’s: the tumour grew .* between 2026-02-01 and 2026-05-01 \(2\.9 months apart\)/,
    )
  })

  it('stays silent below the threshold, or when the two timepoints are not about 3 months apart', () => {
    expect(evaluate(growing(30), AS_OF, ACR_PNET, ON).alerts).not.toContain('site-rule-growth-rate')
    expect(evaluate(growing(32, '2026-05-01', '2025-05-01'), AS_OF, ACR_PNET, ON).alerts).not.toContain(
      'site-rule-growth-rate',
    )
  })

  it('a pack that ships it on fires without the setting; the site can still turn it off', () => {
    const d = JSON.parse(JSON.stringify(ACR_PNET_DATA)) as PackDocument
    d.version = '2027.1-site'
    d.siteRules[0]!.enabled = true
    const pack = loadPack(d)
    expect(evaluate(growing(32), AS_OF, pack).alerts).toContain('site-rule-growth-rate')
    expect(
      evaluate(growing(32), AS_OF, pack, { siteRules: { 'greponet-growth-rate': false } }).alerts,
    ).not.toContain('site-rule-growth-rate')
  })

  it('never changes the next step, for any case', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        expect(evaluate(c, AS_OF, ACR_PNET, ON).next).toEqual(evaluate(c, AS_OF, ACR_PNET).next)
      }),
      { numRuns: 300, seed: 3 },
    )
  })
})
