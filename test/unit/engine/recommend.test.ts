// The decision branches: the founding article for follow-up of non-liver-dominant disease, and
// only what the facts support for the other variants.
import { describe, expect, it } from 'vitest'
import { ACR_PNET, evaluate, recommend, type Case } from '../../../engine'
import { makeCase, study, target } from './support/factory'

const AS_OF = '2026-06-15'
const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const CT = 'ct-abdomen-pelvis-with-iv-contrast'
const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh'

const ev = (c: Case, asOf = AS_OF) => evaluate(c, asOf, ACR_PNET)
const rules = (c: Case, asOf = AS_OF) => ev(c, asOf).rationale.map((r) => r.rule)

describe('follow-up of non-liver-dominant disease (founding article)', () => {
  it('stable -> MRI 6-12 months after the latest read study; CT and DOTATATE are the alternatives', () => {
    const e = ev(makeCase())
    expect(e.next).toEqual({
      action: 'image',
      procedure: MRI,
      alternatives: [CT, DOTATATE],
      intervalMonths: { min: 6, max: 12 },
      due: { from: '2026-09-12', to: '2027-03-12' },
      anchor: { date: '2026-03-12', kind: 'latest-read-study' },
      status: 'upcoming',
    })
    expect(e.alerts).toEqual(['pancreas-protocol'])
    expect(rules(makeCase())).toEqual([
      'classify',
      'history.latest',
      'interval.routine',
      'choose.mri',
      'pitfall.protocol',
      'schedule.due',
    ])
  })

  it('responding and no-evidence-of-disease follow the same routine interval', () => {
    for (const result of ['response', 'no-evidence-of-disease'] as const) {
      expect(ev(makeCase({ studies: [study('2026-03-12', result)] })).next.intervalMonths).toEqual({
        min: 6,
        max: 12,
      })
    }
  })

  it('the interval counts from the latest read study, whatever the input order', () => {
    const c = makeCase({
      studies: [study('2026-03-12', 'stable'), study('2025-09-01', 'stable'), study('2025-12-01', 'stable')],
    })
    expect(ev(c).next.due).toEqual({ from: '2026-09-12', to: '2027-03-12' })
  })

  it('MRI contraindicated -> CT with contrast, and says why', () => {
    const e = ev(makeCase({ constraints: { mriContraindicated: true } }))
    expect(e.next.procedure).toBe(CT)
    expect(e.next.alternatives).toEqual([DOTATATE])
    expect(e.alerts).toContain('mri-contraindicated')
    expect(e.rationale.map((r) => r.rule)).toContain('choose.ct-when-mri-contraindicated')
  })

  it('gadolinium contraindicated -> contrast MRI is out, CT is chosen', () => {
    const e = ev(makeCase({ constraints: { gadoliniumContraindicated: true } }))
    expect(e.next.procedure).toBe(CT)
    expect(e.alerts).toContain('gadolinium-contraindicated')
  })

  it('MRI and iodinated contrast both ruled out -> DOTATATE PET/CT, the remaining usually-appropriate study', () => {
    const e = ev(
      makeCase({ constraints: { mriContraindicated: true, iodinatedContrastContraindicated: true } }),
    )
    expect(e.next.procedure).toBe(DOTATATE)
    expect(e.next.alternatives).toEqual([])
    expect(e.alerts).toEqual(
      expect.arrayContaining(['mri-contraindicated', 'iodinated-contrast-contraindicated']),
    )
  })

  it('progression followed by a new treatment -> the board has acted: image 6-12 months after the treatment began', () => {
    const e = ev(
      makeCase({
        treatments: [
          { kind: 'prrt', date: '2025-09-10' },
          { kind: 'targeted-therapy', date: '2026-05-20' },
        ],
        studies: [study('2026-05-01', 'progression')],
      }),
    )
    expect(e.next).toMatchObject({
      action: 'image',
      procedure: MRI,
      intervalMonths: { min: 6, max: 12 },
      due: { from: '2026-11-20', to: '2027-05-20' },
      anchor: { date: '2026-05-20', kind: 'treatment' },
    })
    // The progression is answered by the treatment: said as history, not as a live alert.
    expect(e.alerts).toContain('progression-answered')
    expect(e.alerts).not.toContain('progression')
    expect(
      rules(
        makeCase({
          treatments: [{ kind: 'prrt', date: '2026-05-20' }],
          studies: [study('2026-05-01', 'progression')],
        }),
      ),
    ).toEqual(expect.arrayContaining(['progression.new-treatment', 'interval.after-new-treatment']))
    // A treatment dated after the evaluation day does not count yet.
    const planned = ev(
      makeCase({
        treatments: [
          { kind: 'prrt', date: '2025-09-10' },
          { kind: 'prrt', date: '2026-07-01' },
        ],
        studies: [study('2026-05-01', 'progression')],
      }),
    )
    expect(planned.next.action).toBe('tumor-board')
    expect(planned.alerts).toContain('progression')
    expect(planned.alerts).not.toContain('progression-answered')
  })

  it('progression -> tumour board, DOTATATE PET/CT offered to confirm receptors; PRRT can mimic progression', () => {
    const e = ev(makeCase({ studies: [study('2026-05-01', 'progression')] }))
    expect(e.next).toMatchObject({
      action: 'tumor-board',
      procedure: null,
      alternatives: [DOTATATE],
      due: null,
    })
    expect(e.alerts).toEqual(expect.arrayContaining(['progression', 'post-treatment-change']))
    expect(e.rationale.map((r) => r.rule)).toEqual(
      expect.arrayContaining([
        'progression.tumor-board',
        'progression.offer',
        'pitfall.post-treatment-change',
      ]),
    )
    const noPrrt = ev(
      makeCase({
        treatments: [{ kind: 'chemotherapy', date: '2025-01-01' }],
        studies: [study('2026-05-01', 'progression')],
      }),
    )
    expect(noPrrt.alerts).not.toContain('post-treatment-change')
  })

  it('a new lesion gives progression and the new-lesion alert even without the reader result', () => {
    const c = makeCase({
      studies: [
        study('2025-12-01', 'stable', { lesions: [target('T1', 30)] }),
        study('2026-05-01', null, {
          lesions: [target('T1', 29), { id: 'L9', organ: 'liver', nodal: false, role: 'new', diameterMm: 8 }],
        }),
      ],
    })
    const e = ev(c)
    expect(e.response?.category).toBe('PD')
    expect(e.derivedResults).toEqual([
      { date: '2026-05-01', procedure: MRI, result: 'progression', fromCategory: 'PD' },
    ])
    expect(e.next.action).toBe('tumor-board')
    expect(e.alerts).toEqual(
      expect.arrayContaining(['progression', 'new-lesion', 'result-derived-from-recist']),
    )
  })

  it('indeterminate -> MRI in 3-4 months, DOTATATE first among the alternatives', () => {
    const e = ev(makeCase({ studies: [study('2025-09-04', 'stable'), study('2026-03-05', 'indeterminate')] }))
    expect(e.next).toMatchObject({
      action: 'image',
      procedure: MRI,
      alternatives: [DOTATATE, CT],
      intervalMonths: { min: 3, max: 4 },
      due: { from: '2026-06-05', to: '2026-07-05' },
      status: 'due',
    })
    expect(e.alerts).toEqual(
      expect.arrayContaining(['indeterminate-finding', 'functional-correlation', 'post-treatment-change']),
    )
  })

  it('no read study yet -> baseline now, counted from asOf, and priors are flagged', () => {
    const e = ev(makeCase({ studies: [] }))
    expect(e.next).toMatchObject({
      procedure: MRI,
      intervalMonths: { min: 0, max: 1 },
      due: { from: AS_OF, to: '2026-07-15' },
      anchor: { date: AS_OF, kind: 'as-of' },
      status: 'due',
    })
    expect(e.alerts).toEqual(expect.arrayContaining(['baseline-imaging-now', 'priors-not-available']))
  })

  it('an unread newer study is flagged and the plan rests on the last read one', () => {
    const e = ev(makeCase({ studies: [study('2026-01-10', 'stable'), study('2026-06-01', null)] }))
    expect(e.next.anchor).toEqual({ date: '2026-01-10', kind: 'latest-read-study' })
    expect(e.alerts).toContain('unread-study')
    expect(e.alerts).not.toContain('priors-not-available')
  })

  it('flags RECIST that disagrees with the reader, and follows the reader', () => {
    const c = makeCase({
      studies: [
        study('2025-12-01', 'stable', { lesions: [target('T1', 30)] }),
        study('2026-05-01', 'stable', { lesions: [target('T1', 40)] }),
      ],
    })
    const e = ev(c)
    expect(e.response?.category).toBe('PD')
    expect(e.alerts).toContain('recist-disagrees-with-read')
    expect(e.next.action).toBe('image')
  })

  it('clinical or biochemical suspicion -> image now, DOTATATE first', () => {
    const e = ev(makeCase({ symptoms: ['rising-biomarkers'] }))
    expect(e.next).toMatchObject({
      procedure: MRI,
      alternatives: [DOTATATE, CT],
      due: { from: AS_OF, to: '2026-07-15' },
    })
    expect(e.alerts).toContain('clinical-progression-suspected')
    expect(e.rationale.map((r) => r.source)).toContain('snmmi_auc')
  })

  it('new localized symptoms (bone pain) -> alert, regional or whole-body SSTR imaging', () => {
    const e = ev(makeCase({ symptoms: ['new-localized-bone-pain'] }))
    expect(e.alerts).toContain('extra-abdominal-symptoms')
    expect(e.next.alternatives[0]).toBe(DOTATATE)
    expect(e.rationale.map((r) => r.rule)).toContain('pitfall.extra-abdominal')
  })

  it('endoscopic US requested -> requested-study-not-appropriate, recommendation unchanged', () => {
    const e = ev(makeCase({ requestedProcedure: 'endoscopic-us' }))
    expect(e.alerts).toContain('requested-study-not-appropriate')
    expect(e.next.procedure).toBe(MRI)
    expect(e.rationale.map((r) => r.rule)).toContain('request.eus')
  })

  it('requests: not rated, contraindicated, In-111', () => {
    expect(ev(makeCase({ requestedProcedure: 'us-abdomen' })).alerts).toContain(
      'requested-study-not-appropriate',
    )
    expect(ev(makeCase({ requestedProcedure: CT })).alerts).not.toContain('requested-study-not-appropriate')
    const mri = ev(makeCase({ requestedProcedure: MRI, constraints: { mriContraindicated: true } }))
    expect(mri.alerts).toContain('requested-study-contraindicated')
    const in111 = ev(makeCase({ requestedProcedure: 'in111-pentetreotide-spect-ct' }))
    expect(in111.alerts).toEqual(
      expect.arrayContaining(['prefer-sstr-pet', 'requested-study-not-appropriate']),
    )
  })

  it('kidney function and contrast', () => {
    const ct = ev(makeCase({ constraints: { mriContraindicated: true, eGFR: 24 } }))
    expect(ct.alerts).toContain('egfr-below-30')
    expect(ct.rationale.find((r) => r.rule === 'constraint.egfr')?.source).toBe('acr_nkf_iodine')
    const mri = ev(makeCase({ constraints: { eGFR: 24 } }))
    expect(mri.rationale.find((r) => r.rule === 'constraint.egfr')?.source).toBe('acr_nkf_gadolinium')
    expect(ev(makeCase({ constraints: { mriContraindicated: true, eGFR: 40 } })).alerts).toContain(
      'egfr-30-to-44',
    )
    expect(ev(makeCase({ constraints: { eGFR: 40 } })).alerts).not.toContain('egfr-30-to-44')
    // No eGFR before contrast CT: asked for when over 60 (a risk factor) or age unknown, not otherwise.
    const older = ev(makeCase({ birthDate: '1960-06-16', constraints: { mriContraindicated: true } }))
    expect(older.inputsMissing).toContain('constraints.eGFR')
    expect(older.alerts).toContain('missing-facts')
    expect(older.rationale.map((r) => r.source)).toContain('acr_manual_risk')
    const sixty = ev(makeCase({ birthDate: '1966-06-15', constraints: { mriContraindicated: true } }))
    expect(sixty.inputsMissing).not.toContain('constraints.eGFR')
    const unknownAge = ev(makeCase({ birthDate: null, constraints: { mriContraindicated: true } }))
    expect(unknownAge.inputsMissing).toContain('constraints.eGFR')
  })

  it('an overdue window is flagged', () => {
    expect(ev(makeCase({ studies: [study('2024-01-10', 'stable')] })).alerts).toContain('follow-up-overdue')
  })

  it('an unknown MRI safety status is asked for, not assumed safe or unsafe', () => {
    const e = ev(makeCase({ constraints: { mriContraindicated: null } }))
    expect(e.next.procedure).toBe(MRI)
    expect(e.inputsMissing).toContain('constraints.mriContraindicated')
    expect(e.alerts).toContain('missing-facts')
  })

  it('studies after asOf are left out and flagged', () => {
    const e = ev(makeCase({ studies: [study('2026-03-12', 'stable'), study('2026-07-01', 'progression')] }))
    expect(e.next.action).toBe('image')
    expect(e.alerts).toContain('study-after-as-of')
  })
})

describe('the other variants do only what their facts support', () => {
  const liver = {
    burden: 'liver-dominant' as const,
    treatments: [{ kind: 'liver-directed' as const, date: '2025-11-05' }],
  }

  it('liver-dominant: MRI only; MRI contraindicated -> clinician review, no substitute', () => {
    expect(ev(makeCase(liver)).next).toMatchObject({ procedure: MRI, alternatives: [] })
    const e = ev(makeCase({ ...liver, constraints: { mriContraindicated: true } }))
    expect(e.next).toMatchObject({ action: 'clinician-review', procedure: null, alternatives: [] })
    expect(e.alerts).toEqual(expect.arrayContaining(['mri-contraindicated', 'no-verified-alternative']))
  })

  it('liver-dominant indeterminate: short interval, SSTR PET mentioned but not offered', () => {
    const e = ev(makeCase({ ...liver, studies: [study('2026-04-01', 'indeterminate')] }))
    expect(e.next).toMatchObject({ procedure: MRI, alternatives: [], intervalMonths: { min: 3, max: 4 } })
    expect(e.rationale.find((r) => r.rule === 'indeterminate.functional')?.source).toBe('snmmi_auc')
  })

  it('liver-dominant progression -> tumour board without offering unrated studies', () => {
    const e = ev(makeCase({ ...liver, studies: [study('2026-04-01', 'progression')] }))
    expect(e.next).toMatchObject({ action: 'tumor-board', alternatives: [] })
    expect(e.rationale.map((r) => r.source)).toContain('app-rule')
  })

  const resected = {
    treatments: [{ kind: 'resection' as const, date: '2025-05-20', completeResection: true }],
    burden: null,
  }

  it('post-resection: first CT 3-12 months after surgery, then 6-12 months (secondary source, flagged)', () => {
    const first = ev(makeCase({ ...resected, studies: [] }), '2025-06-16')
    expect(first.next).toMatchObject({
      procedure: CT,
      intervalMonths: { min: 3, max: 12 },
      due: { from: '2025-08-20', to: '2026-05-20' },
      anchor: { date: '2025-05-20', kind: 'resection' },
    })
    expect(first.alerts).toContain('interval-secondary-source')
    const later = ev(
      makeCase({
        ...resected,
        studies: [{ ...study('2026-06-01', 'no-evidence-of-disease'), procedure: CT }],
      }),
    )
    expect(later.next).toMatchObject({
      procedure: CT,
      intervalMonths: { min: 6, max: 12 },
      due: { from: '2026-12-01', to: '2027-06-01' },
    })
  })

  it('post-resection: a pre-operative study does not anchor surveillance', () => {
    const e = ev(
      makeCase({ ...resected, studies: [{ ...study('2025-04-30', 'progression'), procedure: CT }] }),
      '2025-06-16',
    )
    expect(e.variant).toBe('post-resection-surveillance')
    expect(e.next.anchor?.kind).toBe('resection')
  })

  it('post-resection: iodinated contrast contraindicated -> clinician review', () => {
    const e = ev(makeCase({ ...resected, constraints: { iodinatedContrastContraindicated: true } }))
    expect(e.next.action).toBe('clinician-review')
    expect(e.alerts).toContain('no-verified-alternative')
  })

  it('post-resection: routine imaging ends 10 years after the resection (to the day)', () => {
    const c = makeCase({
      ...resected,
      treatments: [{ kind: 'resection', date: '2014-09-15', completeResection: true }],
    })
    expect(ev(c, '2024-09-14').next.action).toBe('image')
    const end = ev(c, '2024-09-15')
    expect(end.next).toMatchObject({ action: 'end-surveillance', procedure: null, due: null })
    expect(end.alerts).toContain('ten-years-after-resection')
  })

  it('post-resection: PET requested -> not rated here, and not advised for routine surveillance', () => {
    const e = ev(makeCase({ ...resected, requestedProcedure: DOTATATE }))
    expect(e.alerts).toContain('requested-study-not-appropriate')
    expect(e.rationale.map((r) => r.rule)).toContain('request.pet-after-resection')
  })

  const untreated = { treatments: [], activeSurveillance: true, diagnosis: { primarySizeMm: 15 } }

  it('untreated: MRI 6-12 months; tumour above 2 cm -> tumour board', () => {
    expect(ev(makeCase(untreated)).next).toMatchObject({
      procedure: MRI,
      intervalMonths: { min: 6, max: 12 },
    })
    const big = ev(makeCase({ ...untreated, diagnosis: { primarySizeMm: 22 } }))
    expect(big.next.action).toBe('tumor-board')
    expect(big.alerts).toContain('size-over-2cm')
    const grown = ev(
      makeCase({ ...untreated, studies: [study('2026-04-01', 'stable', { lesions: [target('T1', 21)] })] }),
    )
    expect(grown.next.action).toBe('tumor-board')
  })

  it('untreated with no known size: asks for it', () => {
    expect(ev(makeCase({ ...untreated, diagnosis: { primarySizeMm: null } })).inputsMissing).toContain(
      'diagnosis.primarySizeMm',
    )
  })

  it('initial staging: MRI now; once a staging study is read, clinician review', () => {
    const staging = { treatments: [], stagingComplete: false, studies: [] }
    expect(ev(makeCase(staging)).next).toMatchObject({
      action: 'image',
      procedure: MRI,
      due: { from: AS_OF, to: '2026-07-15' },
    })
    const read = ev(makeCase({ ...staging, studies: [study('2026-05-20', 'stable')] }))
    expect(read.next.action).toBe('clinician-review')
    expect(read.rationale.map((r) => r.rule)).toContain('staging.on-file')
  })

  it('no variant -> clinician review with the reason', () => {
    const e = ev(makeCase({ burden: null }))
    expect(e).toMatchObject({
      variant: null,
      ratings: [],
      next: { action: 'clinician-review', procedure: null },
    })
    expect(e.rationale.map((r) => r.rule)).toEqual(['missing-facts'])
  })
})

describe('recommend on its own', () => {
  it('computes classification and facts itself when not given', () => {
    const r = recommend(makeCase(), AS_OF)
    expect(r.next.procedure).toBe(MRI)
    expect(
      r.rationale.every((s) => s.text.length > 0 && s.source in ACR_PNET.sources && s.rule.length > 0),
    ).toBe(true)
  })
})
