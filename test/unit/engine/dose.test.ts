import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ACR_PNET,
  MODALITIES,
  doseAvoided,
  doseLedger,
  estimateStudyDose,
  eventDoses,
  projectDose,
  typicalProcedureDose,
  type Study,
} from '../../../engine'
import { arbStudy } from './support/factory'

const CT = 'ct-abdomen-pelvis-with-iv-contrast'
const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh'
const s = (procedure: Study['procedure'], dose?: Study['dose'], date = '2026-01-01'): Study => ({
  date,
  procedure,
  result: 'stable',
  dose,
})

describe('dose per study', () => {
  it('uses a recorded effective dose as is', () => {
    expect(estimateStudyDose(s(CT, { effectiveMsv: 12.3456, dlpMgyCm: 100 }))).toMatchObject({
      msv: 12.346,
      method: 'recorded',
      estimated: false,
    })
  })

  it('MRI and ultrasound add no dose and are not estimates', () => {
    for (const p of [MRI, 'us-abdomen', 'endoscopic-us', 'mri-targeted-region'] as const) {
      expect(estimateStudyDose(s(p))).toMatchObject({ msv: 0, method: 'non-ionizing', estimated: false })
    }
  })

  it('CT: DLP × region k-factor (AAPM 96 by default, ICRP 103 as a setting)', () => {
    expect(estimateStudyDose(s(CT, { dlpMgyCm: 800, region: 'abdomen-pelvis' }))).toMatchObject({
      msv: 12,
      method: 'dlp-k',
      kFactor: 0.015,
    })
    expect(estimateStudyDose(s('ct-chest-with-iv-contrast', { dlpMgyCm: 400, region: 'chest' })).msv).toBe(
      5.6,
    )
    expect(
      estimateStudyDose(s(CT, { dlpMgyCm: 800, region: 'pelvis' }), { kFactors: 'icrp103' }).msv,
    ).toBeCloseTo(10.32, 6)
    // ICRP 103 has no combined abdomen-pelvis value: the AAPM 96 value is used and flagged.
    const ap = estimateStudyDose(s(CT, { dlpMgyCm: 800, region: 'abdomen-pelvis' }), { kFactors: 'icrp103' })
    expect(ap).toMatchObject({ msv: 12, flags: ['k-factor-from-aapm96'] })
    // Region not recorded: the procedure's region is assumed and flagged.
    expect(estimateStudyDose(s(CT, { dlpMgyCm: 800 }))).toMatchObject({
      msv: 12,
      region: 'abdomen-pelvis',
      flags: ['region-assumed'],
    })
  })

  it('CT without DLP: the typical value, flagged estimated', () => {
    expect(estimateStudyDose(s(CT))).toMatchObject({
      msv: 10,
      method: 'typical',
      estimated: true,
      flags: ['typical-value'],
    })
    expect(estimateStudyDose(s('ct-chest-without-iv-contrast', { ctdiVolMgy: 8 }))).toMatchObject({
      msv: 7,
      flags: ['typical-value', 'ctdivol-without-length'],
    })
  })

  it('PET/CT: activity × coefficient + DLP × k (fixture DOSE-03: 110 kg -> 200 MBq -> 4.2 + 7.5)', () => {
    const e = estimateStudyDose(
      s(DOTATATE, {
        agent: 'ga68-dotatate',
        activityMbq: null,
        dlpMgyCm: 500,
        region: 'chest-abdomen-pelvis',
      }),
      {
        weightKg: 110,
      },
    )
    expect(e).toMatchObject({
      msv: 11.7,
      radiopharmaceuticalMsv: 4.2,
      ctMsv: 7.5,
      activityMbq: 200,
      method: 'typical',
      estimated: true,
      incomplete: false,
    })
    expect(e.flags).toContain('activity-defaulted')
  })

  it('Ga-68 DOTATATE default activity: 2 MBq/kg, capped at 200 MBq; 150 MBq without a weight', () => {
    expect(
      estimateStudyDose(s(DOTATATE, { agent: 'ga68-dotatate', dlpMgyCm: 0 }), { weightKg: 60 }).activityMbq,
    ).toBe(120)
    const noWeight = estimateStudyDose(s(DOTATATE, { agent: 'ga68-dotatate', dlpMgyCm: 0 }))
    expect(noWeight).toMatchObject({ activityMbq: 150, msv: 3.15 })
    expect(noWeight.flags).toContain('weight-unknown')
  })

  it('recorded activity -> activity-coefficient; In-111 and FDG use their coefficients', () => {
    expect(
      estimateStudyDose(s(DOTATATE, { agent: 'ga68-dotatate', activityMbq: 185, dlpMgyCm: 400 })),
    ).toMatchObject({
      msv: 9.885,
      method: 'activity-coefficient',
      estimated: false,
    })
    expect(estimateStudyDose(s('in111-pentetreotide-spect-ct', { activityMbq: 222, dlpMgyCm: 0 })).msv).toBe(
      17.76,
    )
    expect(
      estimateStudyDose(s('fdg-pet-ct-skull-base-to-mid-thigh', { activityMbq: 370, dlpMgyCm: 0 })).msv,
    ).toBe(7.03)
  })

  it('a hybrid study without a DLP is a lower bound (CT part unknown)', () => {
    const e = estimateStudyDose(s(DOTATATE, { agent: 'ga68-dotatate', activityMbq: 150 }))
    expect(e).toMatchObject({ msv: 3.15, incomplete: true, estimated: true, ctMsv: null })
    expect(e.flags).toContain('ct-part-unknown')
  })

  it('Cu-64 DOTATATE has no known coefficient: unknown, never invented; a site value fixes it', () => {
    const study = s(DOTATATE, { agent: 'cu64-dotatate', activityMbq: 148, dlpMgyCm: 400 })
    const e = estimateStudyDose(study)
    expect(e).toMatchObject({ msv: null, method: 'unknown', ctMsv: 6 })
    expect(e.flags).toContain('coefficient-unknown')
    const site = estimateStudyDose(study, { siteCoefficients: { 'cu64-dotatate': 0.0315 } })
    expect(site.msv).toBeCloseTo(148 * 0.0315 + 6, 3)
    expect(site.sources).toContain('site-setting')
  })
})

describe('dose per irradiation event (a dose report’s events)', () => {
  it('CT: each event’s DLP × the k of its own region, not the total × one k', () => {
    const e = estimateStudyDose(
      s(CT, {
        dlpMgyCm: 800,
        region: 'abdomen-pelvis',
        events: [
          { dlpMgyCm: 300, region: 'chest' },
          { dlpMgyCm: 500, region: 'abdomen-pelvis' },
        ],
      }),
    )
    // 300 × 0.014 + 500 × 0.015 = 11.7 (800 × 0.015 would be 12).
    expect(e).toMatchObject({
      method: 'dlp-k',
      msv: 11.7,
      ctMsv: 11.7,
      region: null,
      kFactor: null,
      incomplete: false,
    })
    expect(e.flags).toContain('k-per-event')
    expect(
      eventDoses(
        [
          { dlpMgyCm: 300, region: 'chest' },
          { dlpMgyCm: 500, region: null },
        ],
        'aapm96',
        'abdomen',
      ),
    ).toEqual([
      {
        index: 0,
        dlpMgyCm: 300,
        region: 'chest',
        regionAssumed: false,
        kFactor: 0.014,
        kFromAapm96: false,
        msv: 4.2,
      },
      {
        index: 1,
        dlpMgyCm: 500,
        region: 'abdomen',
        regionAssumed: true,
        kFactor: 0.015,
        kFromAapm96: false,
        msv: 7.5,
      },
    ])
  })

  it('an event without DLP makes the CT part a lower bound; an unknown region is assumed and flagged', () => {
    const e = estimateStudyDose(
      s(CT, {
        dlpMgyCm: 500,
        region: null,
        events: [
          { dlpMgyCm: 500, region: null },
          { ctdiVolMgy: 4, dlpMgyCm: null },
        ],
      }),
    )
    expect(e).toMatchObject({ msv: 7.5, incomplete: true, region: 'abdomen-pelvis' })
    expect(e.flags).toEqual(expect.arrayContaining(['region-assumed', 'event-dlp-missing']))
  })

  it('ICRP 103: a region without a factor uses AAPM 96’s, flagged; PET/CT adds its CT events to the activity', () => {
    const icrp = estimateStudyDose(s(CT, { events: [{ dlpMgyCm: 100, region: 'abdomen-pelvis' }] }), {
      kFactors: 'icrp103',
    })
    expect(icrp).toMatchObject({ msv: 1.5, kFactor: 0.015 })
    expect(icrp.flags).toContain('k-factor-from-aapm96')
    const pet = estimateStudyDose(
      s(DOTATATE, {
        agent: 'ga68-dotatate',
        activityMbq: 150,
        events: [{ dlpMgyCm: 250, region: 'abdomen' }],
      }),
    )
    expect(pet).toMatchObject({
      method: 'activity-coefficient',
      radiopharmaceuticalMsv: 3.15,
      ctMsv: 3.75,
      msv: 6.9,
    })
  })

  it('without any event DLP, the study’s DLP and region are used as before', () => {
    expect(
      estimateStudyDose(s(CT, { dlpMgyCm: 600, region: 'abdomen-pelvis', events: [{ ctdiVolMgy: 9 }] })),
    ).toMatchObject({
      msv: 9,
      kFactor: 0.015,
    })
    expect(eventDoses([], 'aapm96', 'abdomen')).toBeNull()
  })
})

describe('dose ledger', () => {
  it('sums by modality, lists unknown and incomplete studies', () => {
    const studies: Study[] = [
      s(CT, { dlpMgyCm: 800, region: 'abdomen-pelvis' }, '2025-01-01'),
      s(MRI, undefined, '2025-06-01'),
      s(DOTATATE, { agent: 'ga68-dotatate', activityMbq: 200, dlpMgyCm: 500 }, '2025-09-01'),
      s(DOTATATE, { agent: 'cu64-dotatate', activityMbq: 148 }, '2025-10-01'),
      s(DOTATATE, { agent: 'ga68-dotatate', activityMbq: 200 }, '2025-11-01'),
      s('in111-pentetreotide-spect-ct', { activityMbq: 222, dlpMgyCm: 100 }, '2025-12-01'),
    ]
    const l = doseLedger(studies)
    expect(l.byModality).toEqual({ CT: 12, MR: 0, 'PET/CT': 15.9, NM: 19.26, US: 0, XR: 0 }) // 11.7 + 4.2, in whole µSv
    expect(l.cumulativeMsv).toBeCloseTo(12 + 11.7 + 4.2 + 19.26, 9)
    expect(l.unknownStudies).toEqual([{ index: 3, date: '2025-10-01', procedure: DOTATATE }])
    expect(l.incompleteStudies).toEqual([{ index: 4, date: '2025-11-01', procedure: DOTATATE }])
    expect(l.estimated).toBe(true)
    expect(l.studies.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('leaves out studies after asOf but keeps the others’ indexes', () => {
    const l = doseLedger([s(CT, undefined, '2026-07-01'), s(CT, undefined, '2026-01-01')], {
      asOf: '2026-06-15',
    })
    expect(l.cumulativeMsv).toBe(10)
    expect(l.studies.map((e) => e.index)).toEqual([1])
  })

  it('property: the total is the sum of the modalities and of the known studies', () => {
    fc.assert(
      fc.property(
        fc.array(arbStudy, { maxLength: 12 }),
        fc.option(fc.integer({ min: 30, max: 200 }), { nil: null }),
        (studies, w) => {
          const l = doseLedger(studies, { weightKg: w })
          const byModality = MODALITIES.reduce((a, m) => a + l.byModality[m], 0)
          expect(l.cumulativeMsv).toBeCloseTo(byModality, 9)
          const known = l.studies.reduce((a, e) => a + (e.msv ?? 0), 0)
          expect(l.cumulativeMsv).toBeCloseTo(known, 9)
          expect(l.unknownStudies.length).toBe(l.studies.filter((e) => e.msv === null).length)
          for (const m of MODALITIES) expect(l.byModality[m]).toBeGreaterThanOrEqual(0)
          expect(l.estimated).toBe(l.studies.some((e) => e.estimated))
        },
      ),
      { numRuns: 2_000 },
    )
  })

  it('property: adding a study never lowers the total', () => {
    fc.assert(
      fc.property(fc.array(arbStudy, { maxLength: 8 }), arbStudy, (studies, extra) => {
        expect(doseLedger([...studies, extra]).cumulativeMsv).toBeGreaterThanOrEqual(
          doseLedger(studies).cumulativeMsv,
        )
      }),
      { numRuns: 1_000 },
    )
  })
})

describe('dose helpers for the dose view', () => {
  it('typical dose of a procedure', () => {
    expect(typicalProcedureDose(CT).msv).toBe(10)
    expect(typicalProcedureDose(MRI).msv).toBe(0)
    expect(typicalProcedureDose(DOTATATE, { weightKg: 60 })).toMatchObject({ msv: 2.52, incomplete: true })
    expect(typicalProcedureDose('fdg-pet-ct-skull-base-to-mid-thigh').msv).toBe(7.03)
  })

  it('projects what a plan adds over N years at its interval (MRI vs CT)', () => {
    expect(projectDose({ procedure: CT, intervalMonths: { min: 6, max: 12 }, years: 5 })).toMatchObject({
      studies: { min: 5, max: 10 },
      totalMsv: { min: 50, max: 100 },
      perStudyMsv: 10,
      estimated: true,
    })
    expect(projectDose({ procedure: MRI, intervalMonths: 6, years: 5 })).toMatchObject({
      studies: { min: 10, max: 10 },
      totalMsv: { min: 0, max: 0 },
      estimated: false,
    })
    expect(projectDose({ procedure: CT, intervalMonths: 12, years: 2.5 }).studies).toEqual({ min: 2, max: 2 })
    expect(() => projectDose({ procedure: CT, intervalMonths: 0, years: 1 })).toThrow(RangeError)
    expect(
      projectDose({ procedure: DOTATATE, intervalMonths: 12, years: 1, options: { siteCoefficients: {} } })
        .incomplete,
    ).toBe(true)
  })

  it('dose avoided: each MRI done while CT was also usually appropriate avoided a typical CT', () => {
    const ratings = ACR_PNET.variants['follow-up-non-liver-dominant'].ratings
    const studies = [
      s(MRI, undefined, '2025-01-01'),
      s(CT, undefined, '2025-06-01'),
      s(MRI, undefined, '2026-01-01'),
    ]
    const a = doseAvoided(studies, ratings)
    expect(a.msv).toBe(20)
    expect(a.studies.map((r) => r.index)).toEqual([0, 2])
    // Liver-dominant follow-up has no verified CT rating: nothing is claimed.
    expect(doseAvoided(studies, ACR_PNET.variants['follow-up-liver-dominant'].ratings).msv).toBe(0)
  })
})
