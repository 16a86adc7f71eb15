// @vitest-environment happy-dom
import '@testing-library/jest-dom/vitest'
import { cleanup, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { render } from '../../helpers/render'
import type { PnetApi } from '../../../electron/contract/contract'
import { PatientForm } from '../../../renderer/src/features/patients/PatientForm'
import { draftToInput, EMPTY_DRAFT } from '../../../renderer/src/features/patients/patientDraft'
import { StudyForm } from '../../../renderer/src/features/studies/StudyForm'

// The forms' own validation, and how they show the back end's per-field errors. The back end
// is a fake `window.pnet` that records what it was sent.

let sent: Array<[string, unknown]>
let answer: (name: string, req: unknown) => unknown

beforeEach(() => {
  sent = []
  answer = () => ({ ok: true, value: {} })
  window.pnet = new Proxy({} as PnetApi, {
    get: (_t, name: string) => async (req: unknown) => {
      sent.push([name, req])
      return answer(name, req)
    },
  })
})
afterEach(() => {
  cleanup()
  delete window.pnet
})

describe('patient form', () => {
  it('keeps unanswered yes/no facts unknown (null), never false', () => {
    const r = draftToInput({ ...EMPTY_DRAFT, mrn: 'A1', name: 'X' })
    expect('input' in r && r.input).toMatchObject({
      stagingComplete: null,
      activeSurveillance: null,
      symptoms: null,
      suspectedRecurrence: null,
      diagnosis: { confirmed: null, functional: null, grade: null },
      constraints: {
        mriContraindicated: null,
        iodinatedContrastContraindicated: null,
        gadoliniumContraindicated: null,
        eGFR: null,
      },
    })
  })

  it('refuses text in a number field next to the field, and sends nothing', async () => {
    const user = userEvent.setup()
    render(<PatientForm onSaved={vi.fn()} onCancel={vi.fn()} />)
    await user.type(screen.getByLabelText('MRN'), 'A-1')
    await user.type(screen.getByLabelText('Name'), 'Test Person')
    await user.type(screen.getByLabelText('Weight (kg)'), 'seventy')
    await user.click(screen.getByRole('button', { name: 'Save patient' }))
    expect(screen.getByLabelText('Weight (kg)')).toHaveAttribute('aria-invalid', 'true')
    expect(screen.getByText('Weight (kg) must be a number.')).toBeInTheDocument()
    expect(screen.getByRole('status')).toHaveTextContent('Nothing was saved.')
    expect(sent).toEqual([])
  })

  it('shows each error the back end returns next to its field, including nested ones', async () => {
    answer = () => ({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: 'x',
        fields: {
          birthDate: 'The birth date is in the future.',
          'treatments.0.date': 'The treatment date is in the future.',
        },
      },
    })
    const user = userEvent.setup()
    const onSaved = vi.fn()
    render(<PatientForm onSaved={onSaved} onCancel={vi.fn()} />)
    await user.type(screen.getByLabelText('MRN'), 'A-1')
    await user.type(screen.getByLabelText('Name'), 'Test Person')
    await user.type(screen.getByLabelText('Birth date'), '2099-01-01')
    await user.click(screen.getByRole('button', { name: 'Add treatment' }))
    await user.type(screen.getByLabelText('Start date'), '2099-01-01')
    await user.click(screen.getByRole('button', { name: 'Save patient' }))
    await waitFor(() => expect(screen.getByText('The birth date is in the future.')).toBeInTheDocument())
    expect(screen.getByText('The treatment date is in the future.')).toBeInTheDocument()
    expect(screen.getByLabelText('Birth date')).toHaveAttribute('aria-invalid', 'true')
    expect(onSaved).not.toHaveBeenCalled()
    expect(sent[0]![0]).toBe('patients.create')
    expect((sent[0]![1] as { treatments: unknown[] }).treatments).toEqual([
      { kind: 'resection', date: '2099-01-01', completeResection: null },
    ])
  })

  it('asks for the MRI contraindication reason only when MRI is contraindicated', async () => {
    const user = userEvent.setup()
    render(<PatientForm onSaved={vi.fn()} onCancel={vi.fn()} />)
    expect(screen.queryByLabelText('Reason MRI is contraindicated')).toBeNull()
    await user.selectOptions(screen.getByLabelText('MRI contraindicated'), 'yes')
    expect(screen.getByLabelText('Reason MRI is contraindicated')).toBeInTheDocument()
  })
})

describe('study form', () => {
  const props = {
    patientId: 7,
    today: '2026-11-24',
    suggestedProcedure: null,
    previous: null,
    onSaved: vi.fn(),
    onCancel: vi.fn(),
  }

  it('refuses a lesion size that is not a number, and sends nothing', async () => {
    const user = userEvent.setup()
    render(<StudyForm {...props} />)
    await user.click(screen.getByRole('button', { name: 'Add target' }))
    await user.type(screen.getByLabelText('Organ'), 'pancreas')
    await user.type(screen.getByLabelText('Size (mm)'), '2,5,1')
    await user.click(screen.getByRole('button', { name: 'Save study' }))
    expect(screen.getByText('Size (mm) must be a number.')).toBeInTheDocument()
    expect(sent).toEqual([])
  })

  it('asks for CT dose indices for a CT, and activity and agent for a PET/CT', async () => {
    const user = userEvent.setup()
    render(<StudyForm {...props} />)
    expect(screen.queryByLabelText('DLP (mGy·cm)')).toBeNull()
    await user.selectOptions(screen.getByLabelText('Procedure'), 'ct-abdomen-pelvis-with-iv-contrast')
    expect(screen.getByLabelText('DLP (mGy·cm)')).toBeInTheDocument()
    await user.selectOptions(screen.getByLabelText('Procedure'), 'dotatate-pet-ct-skull-base-to-mid-thigh')
    expect(screen.getByLabelText('Administered activity (MBq)')).toBeInTheDocument()
    expect(screen.getByLabelText('CT part: DLP (mGy·cm)')).toBeInTheDocument()
  })

  it('sends the study with measurements and dose, carrying the targets of the previous study', async () => {
    answer = () => ({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: 'x',
        fields: { 'study.dose.region': 'Give the body region the DLP was measured over.' },
      },
    })
    const user = userEvent.setup()
    const previous = {
      id: 1,
      patientId: 7,
      createdAt: '',
      date: '2026-05-01',
      procedure: 'ct-abdomen-pelvis-with-iv-contrast' as const,
      result: 'stable' as const,
      note: null,
      dose: {
        effectiveMsv: null,
        ctdiVolMgy: null,
        dlpMgyCm: null,
        region: null,
        activityMbq: null,
        agent: null,
      },
      lesions: [
        { id: 'T1', organ: 'pancreas', nodal: false, role: 'target' as const, diameterMm: 21, status: null },
      ],
    }
    render(
      <StudyForm {...props} suggestedProcedure="ct-abdomen-pelvis-with-iv-contrast" previous={previous} />,
    )
    expect(screen.getByLabelText('Label')).toHaveValue('T1')
    await user.type(screen.getByLabelText('Size (mm)'), '19')
    await user.type(screen.getByLabelText('DLP (mGy·cm)'), '640')
    await user.click(screen.getByRole('button', { name: 'Save study' }))
    await waitFor(() =>
      expect(screen.getByText('Give the body region the DLP was measured over.')).toBeInTheDocument(),
    )
    expect(sent[0]).toEqual([
      'studies.record',
      {
        patientId: 7,
        study: {
          date: '2026-11-24',
          procedure: 'ct-abdomen-pelvis-with-iv-contrast',
          result: null,
          lesions: [
            { id: 'T1', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 19, status: null },
          ],
          dose: {
            effectiveMsv: null,
            ctdiVolMgy: null,
            dlpMgyCm: 640,
            region: null,
            activityMbq: null,
            agent: null,
          },
          note: null,
        },
      },
    ])
  })
})
