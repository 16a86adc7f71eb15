import { describe, expect, it } from 'vitest'
import { agentOf, readDoseReport, regionOf, SOP_CT_DOSE_SR } from '../../../electron/backend/interop/rdsr'
import {
  ctDoseReport,
  imageInstance,
  radiopharmaceuticalDoseReport,
  REGION_CODES,
  studyIds,
  uid,
} from '../../helpers/dicom'

// Radiation Dose SRs read with dcmjs (electron/backend/interop/rdsr.ts), built here with dcmjs.

const ids = studyIds('RD-1', '2025-06-01', 'CT CHEST ABDOMEN PELVIS WITH CONTRAST')

const failure = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    return { name: (e as Error).name, code: (e as { code?: string }).code, message: (e as Error).message }
  }
  return null
}

describe('CT Radiation Dose SR', () => {
  it('reads every irradiation event (CTDIvol, DLP, target region, UID) and the total DLP', () => {
    const e1 = uid()
    const file = ctDoseReport(
      ids,
      [
        { ctdiVolMgy: null, dlpMgyCm: null, region: REGION_CODES.chest, localizer: true },
        { ctdiVolMgy: 8.1, dlpMgyCm: 310.5, region: REGION_CODES.chest, eventUid: e1 },
        { ctdiVolMgy: 11.2, dlpMgyCm: 520, region: REGION_CODES.abdomenPelvis },
        { ctdiVolMgy: 9, dlpMgyCm: 40, region: REGION_CODES.wholeBody },
      ],
      870.5,
    )
    const r = readDoseReport(file)
    expect(r).toMatchObject({
      kind: 'ct',
      sopClassUid: SOP_CT_DOSE_SR,
      studyInstanceUid: ids.studyInstanceUid,
      patientId: 'RD-1',
      studyDate: '2025-06-01',
      studyDescription: 'CT CHEST ABDOMEN PELVIS WITH CONTRAST',
      accessionNumber: ids.accessionNumber,
      totalDlpMgyCm: 870.5,
    })
    // The localizer has no dose and is not an event to count.
    expect(r.events.map((e) => [e.ctdiVolMgy, e.dlpMgyCm, e.region, e.targetRegion])).toEqual([
      [8.1, 310.5, 'chest', 'Chest'],
      [11.2, 520, 'abdomen-pelvis', 'Abdomen and Pelvis'],
      // Not one of our regions: kept as written, no code guessed.
      [9, 40, null, 'Entire body'],
    ])
    expect(r.events[0]!.eventUid).toBe(e1)
    expect(r.events.every((e) => e.kind === 'ct' && e.sopInstanceUid === r.sopInstanceUid)).toBe(true)
  })

  it('a report without any dose, or with DLP in another unit, is a typed error', () => {
    expect(failure(() => readDoseReport(ctDoseReport(ids, [], null)))).toMatchObject({
      name: 'DicomFileError',
      code: 'missing-values',
    })
    expect(
      failure(() =>
        readDoseReport(
          ctDoseReport(ids, [{ ctdiVolMgy: 5, dlpMgyCm: 3, region: null }], 3, { dlpUnit: 'Gy.cm' }),
        ),
      ),
    ).toMatchObject({ code: 'unexpected-unit', message: 'DLP is given in “Gy.cm”, not mGy.cm.' })
  })
})

describe('Radiopharmaceutical Radiation Dose SR', () => {
  it('reads the agent, the radionuclide and the administered activity', () => {
    const pet = studyIds('RD-1', '2025-07-01', 'PET CT DOTATATE')
    const r = readDoseReport(
      radiopharmaceuticalDoseReport(pet, {
        agent: 'Ga-68 DOTATATE',
        radionuclide: '^68^Gallium',
        activityMbq: 152,
      }),
    )
    expect(r).toMatchObject({ kind: 'radiopharmaceutical', studyDate: '2025-07-01', totalDlpMgyCm: null })
    expect(r.events).toEqual([
      expect.objectContaining({
        kind: 'radiopharmaceutical',
        agent: 'ga68-dotatate',
        agentText: 'Ga-68 DOTATATE',
        activityMbq: 152,
      }),
    ])
    expect(
      failure(() =>
        readDoseReport(
          radiopharmaceuticalDoseReport(pet, {
            agent: 'Fluorodeoxyglucose',
            radionuclide: 'F-18',
            activityMbq: null,
          }),
        ),
      ),
    ).toMatchObject({ code: 'missing-values' })
  })

  it('agents and regions are ours only when the words say so', () => {
    expect(agentOf('Fluorodeoxyglucose F^18^', '^18^Fluorine')).toBe('f18-fdg')
    expect(agentOf('Cu-64 DOTATATE', 'Copper-64')).toBe('cu64-dotatate')
    expect(agentOf('DOTATATE', null)).toBeNull()
    expect(agentOf('Ga-68 DOTATOC', 'Gallium-68')).toBeNull()
    expect(agentOf('In-111 pentetreotide', null)).toBe('in111-pentetreotide')
    expect(regionOf({ CodeValue: 'T-D4000', CodingSchemeDesignator: 'SRT', CodeMeaning: 'Abdomen' })).toBe(
      'abdomen',
    )
    expect(
      regionOf({ CodeValue: '999', CodingSchemeDesignator: '99X', CodeMeaning: 'Chest, abdomen and pelvis' }),
    ).toBe('chest-abdomen-pelvis')
    expect(
      regionOf({ CodeValue: '999', CodingSchemeDesignator: '99X', CodeMeaning: 'Head and neck' }),
    ).toBeNull()
  })
})

describe('files that are not dose reports', () => {
  it('not DICOM, truncated, an image, a random SR: each a typed error', () => {
    const good = ctDoseReport(ids, [{ ctdiVolMgy: 8, dlpMgyCm: 300, region: REGION_CODES.chest }], 300)
    expect(failure(() => readDoseReport(new TextEncoder().encode('MRN,Name\nA,B\n')))).toMatchObject({
      code: 'not-dicom',
    })
    expect(failure(() => readDoseReport(good.subarray(0, good.length - 40)))).toMatchObject({
      code: 'damaged',
    })
    expect(failure(() => readDoseReport(imageInstance(ids, 'CT', uid(), 'ABDOMEN')))).toMatchObject({
      code: 'wrong-sop-class',
    })
  })
})
