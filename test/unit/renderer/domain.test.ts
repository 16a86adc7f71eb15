import { describe, expect, it } from 'vitest'
import type { BiomarkerRecord, StudyRecord } from '../../../electron/contract/contract'
import { ageInYears, bornText } from '../../../renderer/src/domain/age'
import { changeText, trends } from '../../../renderer/src/domain/biomarkers'
import { carriedLesions, studyToCarryFrom } from '../../../renderer/src/domain/carryOver'
import { formatMsv } from '../../../renderer/src/domain/labels'
import { msvNumber, msvText } from '../../../renderer/src/domain/msv'

describe('one dose formatter', () => {
  it('rounds the stored sum once, half up: 12.75 + 8.685 reads 21.44 on the worklist and the patient page', () => {
    const sum = (12_750 + 8_685) / 1000 // the engine's whole microsieverts
    expect(msvText(sum)).toBe('21.44 mSv')
    expect(formatMsv(sum, false, false)).toBe('21.44 mSv')
    expect(formatMsv(sum, true, true)).toBe('≥ 21.44 mSv (est.)')
    // Before: toFixed(2) on the float 21.435 gave 21.43 on the worklist.
    expect((21.435).toFixed(2)).toBe('21.43')
    expect(msvNumber(1.005)).toBe('1.01')
    expect(formatMsv(null, false, false)).toBe('—')
  })
})

const lesion = (id: string, role: 'target' | 'non-target' | 'new', diameterMm: number | null) => ({
  id,
  organ: 'liver',
  nodal: false,
  role,
  diameterMm,
  status: null,
})

function study(id: number, date: string, lesions: StudyRecord['lesions']): StudyRecord {
  return {
    id,
    patientId: 1,
    date,
    procedure: 'mri-abdomen-pelvis-without-and-with-iv-contrast',
    result: 'stable',
    lesions,
    enteredInError: null,
    studyInstanceUid: null,
    accessionNumber: null,
    doseSource: null,
    doseEvents: [],
    version: 1,
    dose: {
      effectiveMsv: null,
      ctdiVolMgy: null,
      dlpMgyCm: null,
      region: null,
      activityMbq: null,
      agent: null,
    },
    note: null,
    createdAt: '',
  }
}

describe('carrying lesions over to a new study', () => {
  const mri = study(1, '2026-01-10', [
    lesion('T1', 'target', 22),
    lesion('NT1', 'non-target', null),
    lesion('N1', 'new', 8),
  ])
  it('after a PET/CT with no lesions, the next study still carries the MRI targets', () => {
    const pet = study(2, '2026-03-10', [])
    expect(studyToCarryFrom([mri, pet])?.id).toBe(1)
    expect(carriedLesions([mri, pet])).toEqual([
      { id: 'T1', organ: 'liver', nodal: false, role: 'target' },
      { id: 'NT1', organ: 'liver', nodal: false, role: 'non-target' },
    ])
  })
  it('a study that left its carried lesions unmeasured is skipped; the latest that measured wins', () => {
    const pet = study(2, '2026-03-10', [lesion('T1', 'target', null)])
    expect(studyToCarryFrom([pet, mri])?.id).toBe(1)
    const next = study(3, '2026-06-10', [lesion('T1', 'target', 18)])
    expect(studyToCarryFrom([mri, pet, next])?.id).toBe(3)
    expect(studyToCarryFrom([])).toBeNull()
  })
})

describe('age', () => {
  it('counts whole years, a birthday from its day, 29 February from 1 March', () => {
    expect(ageInYears('1958-03-14', '2026-03-13')).toBe(67)
    expect(ageInYears('1958-03-14', '2026-03-14')).toBe(68)
    expect(ageInYears('2000-02-29', '2025-02-28')).toBe(24)
    expect(ageInYears('2000-02-29', '2025-03-01')).toBe(25)
    expect(ageInYears(null, '2026-01-01')).toBeNull()
    expect(ageInYears('2027-01-01', '2026-01-01')).toBeNull()
    expect(bornText('1958-03-14', '2026-12-01')).toBe('born 1958-03-14 (68 years)')
    expect(bornText(null, '2026-12-01')).toBe('born: unknown')
  })
})

describe('biomarker trends', () => {
  const v = (id: number, date: string, value: number, unit = 'ng/mL'): BiomarkerRecord => ({
    id,
    patientId: 1,
    version: 1,
    date,
    marker: 'chromogranin-a',
    value,
    unit,
    createdAt: '',
  })
  it('gives each value its change from the one before, and never compares across units', () => {
    const [t] = trends([v(2, '2026-06-01', 150), v(1, '2026-01-10', 120), v(3, '2026-09-01', 1.2, 'µg/L')])
    expect(t!.points.map((p) => [p.record.value, p.changePct, p.unitChanged])).toEqual([
      [120, null, false],
      [150, 25, false],
      [1.2, null, true],
    ])
    expect(t!.oneUnit).toBe(false)
    expect(changeText(25)).toBe('+25.0 %')
    expect(changeText(-3)).toBe('−3.0 %')
  })
})

describe('a reason in a sentence', () => {
  it('gives the words typed for "Other (say why)", never the option’s instruction', async () => {
    const { reasonText, OVERRIDE_REASON_LABELS } = await import('../../../renderer/src/domain/labels')
    expect(reasonText(OVERRIDE_REASON_LABELS.other, 'other', 'Claustrophobic')).toBe('“Claustrophobic”')
    expect(reasonText(OVERRIDE_REASON_LABELS.contraindication, 'contraindication', null)).toBe(
      'Contraindication',
    )
    expect(reasonText('Clinician decision', 'clinician-decision', 'board')).toBe(
      'Clinician decision: “board”',
    )
  })
})
