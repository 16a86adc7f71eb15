// @vitest-environment happy-dom
import '@testing-library/jest-dom/vitest'
import { cleanup, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { render } from '../../helpers/render'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type {
  AdherenceReport,
  PatientDetail,
  RecommendationTrigger,
  StoredRecommendation,
  TreatmentRecord,
} from '../../../electron/contract/contract'
import { RECOMMENDATION_TRIGGERS } from '../../../engine/codes'
import { Timeline } from '../../../renderer/src/features/patient/Timeline'
import { patientInput } from '../../helpers/db'
import { CT, doseViewOf, STUDIES } from './dose-fixture'

afterEach(cleanup)

function recommendation(id: number, trigger: RecommendationTrigger): StoredRecommendation {
  return {
    id,
    patientId: 1,
    createdAt: '2026-04-01T10:00:00.000Z',
    asOf: `2026-03-0${id}`,
    trigger,
    packId: 'acr-pnet',
    packVersion: '2026.1',
    variant: 'follow-up-non-liver-dominant',
    action: 'image',
    procedure: CT,
    intervalMonths: { min: 6, max: 12 },
    due: { from: '2026-09-01', to: '2027-03-01' },
    inputs: {},
    output: {} as StoredRecommendation['output'],
    supersededBy: null,
    supersededAt: null,
  }
}

const NO_ADHERENCE: AdherenceReport = {
  from: '1900-01-01',
  to: '2200-12-31',
  summary: {
    steps: 0,
    onTime: 0,
    early: 0,
    late: 0,
    shareOnTime: null,
    medianDelayDays: null,
    shareWithinHealthWindow: null,
  },
  items: [],
}

function detail(recommendations: StoredRecommendation[], over: Partial<PatientDetail> = {}): PatientDetail {
  return {
    patient: {
      ...patientInput(),
      id: 1,
      isDemo: false,
      version: 1,
      enteredInError: null,
      createdAt: '',
      updatedAt: '',
    },
    studies: STUDIES,
    current: recommendations.find((r) => r.supersededBy === null) ?? null,
    recommendations,
    recommendationCount: recommendations.length,
    items: [],
    dose: doseViewOf(),
    exit: null,
    exits: [],
    treatments: [],
    withdrawnStudies: [],
    undo: null,
    biomarkers: [],
    note: null,
    adherence: NO_ADHERENCE,
    ...over,
  }
}

describe('Timeline', () => {
  it('says what led to each recommendation, including a result being entered', () => {
    render(
      <Timeline
        detail={detail(RECOMMENDATION_TRIGGERS.map((t, i) => recommendation(i + 1, t)))}
        onChanged={() => {}}
      />,
    )
    const titles = screen
      .getAllByTestId('timeline-recommendation')
      .map((e) => e.querySelector('.timeline__title')?.textContent)
    expect(titles.sort()).toEqual(
      [
        'Recommendation after a study was recorded',
        'Recommendation after a result was entered',
        'Recommendation after the record changed',
        'Recommendation on request',
        'Recommendation after the guideline pack changed',
      ].sort(),
    )
  })
})

describe('Timeline: adherence and corrections', () => {
  const step = (studyId: number, timing: { timeliness: 'on-time' | 'early' | 'late'; days: number }) => ({
    itemId: studyId + 100,
    patientId: 1,
    name: 'Ada Example',
    mrn: 'MRN-0001',
    window: { from: '2025-08-01', to: '2025-08-31' },
    studyId,
    studyDate: '2025-09-01',
    timing,
  })

  it('says, for a patient without closed imaging steps, that there is nothing to count yet', () => {
    render(<Timeline detail={detail([])} onChanged={() => {}} />)
    expect(screen.getByTestId('patient-adherence')).toHaveTextContent(
      'Adherence: no closed imaging steps yet.',
    )
    expect(screen.getByTestId('patient-adherence')).not.toHaveTextContent('%')
    expect(screen.queryAllByTestId('study-timing')).toHaveLength(0)
  })

  it('gives the patient’s share and median, and each closing study its timing against its window', () => {
    const adherence: AdherenceReport = {
      ...NO_ADHERENCE,
      summary: {
        steps: 2,
        onTime: 1,
        early: 0,
        late: 1,
        shareOnTime: 0.5,
        medianDelayDays: 0.5,
        shareWithinHealthWindow: 1,
      },
      // Studies 4 (2025-09-01) and 3 (2025-03-03), as STUDIES numbers them (id = index + 1).
      items: [step(4, { timeliness: 'late', days: 1 }), step(3, { timeliness: 'on-time', days: 0 })],
    }
    render(<Timeline detail={detail([], { adherence })} onChanged={() => {}} />)
    expect(screen.getByTestId('patient-adherence')).toHaveTextContent(
      'Adherence: 1 of 2 closed imaging steps on time (50%) · median 0.5 days late · 0 early, 1 late.',
    )
    const studies = screen.getAllByTestId('timeline-study')
    const ct = studies.find((e) => e.textContent?.includes('2025-09-01'))!
    expect(within(ct).getByTestId('study-timing')).toHaveTextContent(
      'Closed the step due 2025-08-01 – 2025-08-31: 1 day late',
    )
    const mri = studies.find((e) => e.textContent?.includes('2025-03-03'))!
    expect(within(mri).getByTestId('study-timing')).toHaveTextContent('on time')
    expect(screen.getAllByTestId('study-timing')).toHaveLength(2)
  })

  it('edits a live treatment with its record; a treatment entered in error has no Edit', async () => {
    const live: TreatmentRecord = {
      id: 8,
      version: 1,
      patientId: 1,
      kind: 'prrt',
      date: '2025-01-15',
      completeResection: null,
      enteredInError: null,
    }
    const withdrawn: TreatmentRecord = {
      ...live,
      id: 9,
      kind: 'resection',
      date: '2019-05-05',
      enteredInError: { at: '2026-01-01T00:00:00Z', by: 'dr.test', reason: 'wrong patient' },
    }
    const d = detail([], { treatments: [withdrawn, live] })
    const onEditTreatment = vi.fn()
    const user = userEvent.setup()
    render(<Timeline detail={d} onChanged={() => {}} onEditTreatment={onEditTreatment} />)
    const rows = screen.getAllByTestId('timeline-treatment')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toHaveTextContent('PRRT')
    await user.click(within(rows[0]!).getByRole('button', { name: 'Edit' }))
    expect(onEditTreatment).toHaveBeenCalledWith(live)
  })
})
