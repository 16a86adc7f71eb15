// @vitest-environment happy-dom
import '@testing-library/jest-dom/vitest'
import { cleanup, screen } from '@testing-library/react'
import { render } from '../../helpers/render'
import { afterEach, describe, expect, it } from 'vitest'
import type {
  PatientDetail,
  RecommendationTrigger,
  StoredRecommendation,
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

function detail(recommendations: StoredRecommendation[]): PatientDetail {
  return {
    patient: { ...patientInput(), id: 1, isDemo: false, enteredInError: null, createdAt: '', updatedAt: '' },
    studies: STUDIES,
    recommendations,
    items: [],
    dose: doseViewOf(),
    exit: null,
    exits: [],
    treatments: [],
    withdrawnStudies: [],
    undo: null,
    biomarkers: [],
    note: null,
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
