// @vitest-environment happy-dom
import '@testing-library/jest-dom/vitest'
import { cleanup, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { render } from '../../helpers/render'
import type {
  PatientRecord,
  PnetApi,
  StudyRecord,
  TreatmentRecord,
} from '../../../electron/contract/contract'
import { PatientForm } from '../../../renderer/src/features/patients/PatientForm'
import {
  draftToInput,
  EMPTY_DRAFT,
  recordToDraft,
} from '../../../renderer/src/features/patients/patientDraft'
import { StudyForm } from '../../../renderer/src/features/studies/StudyForm'
import { TreatmentForm } from '../../../renderer/src/features/treatments/TreatmentForm'
import { NotePanel } from '../../../renderer/src/features/patient/NotePanel'

// The forms: react-hook-form checked with the shared case schema, field names equal to the
// request's paths, and the back end's per-field errors landing on their fields. The back end is a
// fake `window.pnet` that records what it was sent.

// happy-dom 21 has neither `HTMLSelectElement.size` nor `HTMLOptionElement.defaultSelected`;
// react-hook-form reads both to tell whether a select was changed before the form was ready, and
// without them takes every select for changed (and its first option for its value). As in browsers:
if (!('size' in HTMLSelectElement.prototype)) {
  Object.defineProperty(HTMLSelectElement.prototype, 'size', {
    configurable: true,
    get(this: HTMLSelectElement) {
      return Number(this.getAttribute('size')) || 0
    },
  })
}
if (!('defaultSelected' in HTMLOptionElement.prototype)) {
  Object.defineProperty(HTMLOptionElement.prototype, 'defaultSelected', {
    configurable: true,
    get(this: HTMLOptionElement) {
      return this.hasAttribute('selected')
    },
  })
}

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

const refused = (fields: Record<string, string>, code = 'INVALID_REQUEST', message = 'x') => ({
  ok: false,
  error: { code, message, fields },
})

/** The error text an input points at (aria-describedby), as a screen reader reads it. */
function describedText(el: HTMLElement): string {
  return (el.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ')
}

const stored: PatientRecord = {
  id: 12,
  isDemo: false,
  version: 3,
  enteredInError: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  mrn: 'P-12',
  name: 'Ada Example',
  birthDate: '1960-04-02',
  weightKg: 71.5,
  diagnosis: { date: '2020-05-01', confirmed: true, grade: 'G2', functional: false, primarySizeMm: 18 },
  stagingComplete: true,
  activeSurveillance: false,
  burden: 'non-liver-dominant',
  suspectedRecurrence: null,
  symptoms: ['rising-biomarkers'],
  constraints: {
    mriContraindicated: true,
    mriReason: 'Pacemaker',
    iodinatedContrastContraindicated: null,
    gadoliniumContraindicated: false,
    eGFR: 64,
  },
  treatments: [{ kind: 'resection', date: '2020-07-01', completeResection: true }],
  requestedProcedure: null,
}

describe('patient form', () => {
  it('keeps unanswered yes/no facts unknown (null), never false', () => {
    const r = draftToInput({ ...EMPTY_DRAFT, mrn: 'A1', name: 'X' })
    expect(r.refused).toEqual({})
    expect(r.input).toMatchObject({
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

  it('reads a stored record back unchanged (record → form → request)', () => {
    const {
      id: _id,
      isDemo: _d,
      version: _v,
      enteredInError: _e,
      createdAt: _c,
      updatedAt: _u,
      ...facts
    } = stored
    expect(draftToInput(recordToDraft(stored))).toEqual({ input: facts, refused: {} })
  })

  it('reports a bad number as type and range in one message, with every other error, in one pass', async () => {
    const user = userEvent.setup()
    render(<PatientForm onSaved={vi.fn()} onCancel={vi.fn()} />)
    await user.type(screen.getByLabelText('Name'), 'Test Person')
    await user.type(screen.getByLabelText('Weight (kg)'), 'seventy')
    await user.type(screen.getByLabelText('Primary size (mm)'), '1500')
    await user.type(screen.getByLabelText('eGFR (mL/min/1.73 m²)'), '-3')
    await user.click(screen.getByRole('button', { name: 'Save patient' }))

    const weight = screen.getByLabelText('Weight (kg)')
    await waitFor(() => expect(weight).toHaveAttribute('aria-invalid', 'true'))
    // Not a number and out of range read the same: what the field takes, from the named limits.
    expect(describedText(weight)).toContain('Weight (kg) must be a number, above 0 and below 700.')
    expect(describedText(screen.getByLabelText('Primary size (mm)'))).toContain(
      'Primary size (mm) must be a number, above 0 and below 1000.',
    )
    expect(describedText(screen.getByLabelText('eGFR (mL/min/1.73 m²)'))).toBe(
      'eGFR must be a number, at least 0 and below 300.',
    )
    // The schema's own rules in the same pass, and focus on the first invalid field.
    const mrn = screen.getByLabelText('MRN')
    expect(mrn).toHaveAttribute('aria-invalid', 'true')
    expect(describedText(mrn)).toBe('Enter the MRN.')
    expect(mrn).toHaveFocus()
    expect(screen.getByLabelText('Name')).not.toHaveAttribute('aria-invalid')
    expect(screen.getByRole('status')).toHaveTextContent(
      'Please correct the highlighted fields. Nothing was saved.',
    )
    expect(sent).toEqual([])
  })

  it('clears a field’s error once it is corrected, and then sends the record', async () => {
    const user = userEvent.setup()
    const onSaved = vi.fn()
    render(<PatientForm onSaved={onSaved} onCancel={vi.fn()} />)
    await user.type(screen.getByLabelText('MRN'), 'A-1')
    await user.type(screen.getByLabelText('Name'), 'Test Person')
    await user.type(screen.getByLabelText('Weight (kg)'), '7000')
    await user.click(screen.getByRole('button', { name: 'Save patient' }))
    const weight = screen.getByLabelText('Weight (kg)')
    await waitFor(() => expect(weight).toHaveAttribute('aria-invalid', 'true'))
    await user.clear(weight)
    await user.type(weight, '70,5')
    await waitFor(() => expect(weight).not.toHaveAttribute('aria-invalid'))
    await user.click(screen.getByRole('button', { name: 'Save patient' }))
    await waitFor(() => expect(onSaved).toHaveBeenCalled())
    expect(sent[0]![0]).toBe('patients.create')
    expect(sent[0]![1]).toMatchObject({ mrn: 'A-1', name: 'Test Person', weightKg: 70.5 })
  })

  it('shows each error the back end returns next to its field, including nested ones', async () => {
    answer = () =>
      refused({
        birthDate: 'The birth date is in the future.',
        'treatments.0.date': 'The treatment date is in the future.',
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
    expect(describedText(screen.getByLabelText('Start date'))).toContain(
      'The treatment date is in the future.',
    )
    expect(screen.getByLabelText('Birth date')).toHaveAttribute('aria-invalid', 'true')
    expect(screen.getByLabelText('Birth date')).toHaveFocus()
    expect(onSaved).not.toHaveBeenCalled()
    expect(sent[0]![0]).toBe('patients.create')
    expect((sent[0]![1] as { treatments: unknown[] }).treatments).toEqual([
      { kind: 'resection', date: '2099-01-01', completeResection: null },
    ])
  })

  it('puts the back end’s `patient.name` on the Name field on Edit record', async () => {
    answer = () => refused({ 'patient.name': 'The name is at most 200 characters.' })
    const user = userEvent.setup()
    render(<PatientForm patient={stored} onSaved={vi.fn()} onCancel={vi.fn()} />)
    expect(screen.getByRole('heading', { name: 'Edit Ada Example' })).toBeInTheDocument()
    expect(screen.getByLabelText('Weight (kg)')).toHaveValue('71.5')
    expect(screen.getByLabelText('WHO grade')).toHaveValue('G2')
    expect(screen.getByLabelText('Reason MRI is contraindicated')).toHaveValue('Pacemaker')
    await user.click(screen.getByRole('button', { name: 'Save changes' }))

    const name = screen.getByLabelText('Name')
    await waitFor(() => expect(name).toHaveAttribute('aria-invalid', 'true'))
    expect(describedText(name)).toBe('The name is at most 200 characters.')
    expect(name).toHaveFocus()
    expect(screen.getByRole('status')).toHaveTextContent(
      'Please correct the highlighted fields. Nothing was saved.',
    )
    const {
      id: _id,
      isDemo: _d,
      version: _v,
      enteredInError: _e,
      createdAt: _c,
      updatedAt: _u,
      ...facts
    } = stored
    expect(sent).toEqual([['patients.update', { id: 12, version: 3, patient: facts }]])
  })

  it('a save refused as stale says so once, keeps the input, and keeps naming the version it opened with', async () => {
    const message =
      'Ada Example (MRN P-12) was changed by someone else since you opened it. Nothing was saved: look at their change, then enter yours again if it is still needed.'
    answer = () => ({ ok: false, error: { code: 'STALE', message } })
    const user = userEvent.setup()
    const { rerender } = render(<PatientForm patient={stored} onSaved={vi.fn()} onCancel={vi.fn()} />)
    const weight = screen.getByLabelText('Weight (kg)')
    await user.clear(weight)
    await user.type(weight, '80')
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(message))
    expect(screen.getByRole('status').textContent).toBe(message)
    expect(weight).toHaveValue('80')
    // The page re-reads the record someone else saved: the open form keeps what was typed and the
    // version it was opened with, so saving it again cannot overwrite their change.
    rerender(
      <PatientForm patient={{ ...stored, version: 9, weightKg: 95 }} onSaved={vi.fn()} onCancel={vi.fn()} />,
    )
    expect(screen.getByLabelText('Weight (kg)')).toHaveValue('80')
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(sent).toHaveLength(2))
    expect(sent.map(([, req]) => (req as { version: number }).version)).toEqual([3, 3])
  })

  it('says in the summary what no field shows, and never speaks of highlighted fields then', async () => {
    answer = () => refused({ 'patient.symptoms.0': 'A symptom code is at most 64 characters.' })
    const user = userEvent.setup()
    render(<PatientForm patient={stored} onSaved={vi.fn()} onCancel={vi.fn()} />)
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    const summary = screen.getByRole('status')
    await waitFor(() =>
      expect(summary).toHaveTextContent('A symptom code is at most 64 characters. Nothing was saved.'),
    )
    expect(summary).not.toHaveTextContent('highlighted')
    expect(summary).toHaveFocus()
    expect(document.querySelector('[aria-invalid="true"]')).toBeNull()
  })

  it('says a refusal without fields in the summary, and a taken MRN next to the MRN', async () => {
    answer = () => ({ ok: false, error: { code: 'DB_BUSY', message: 'The log is busy; try again.' } })
    const user = userEvent.setup()
    render(<PatientForm patient={stored} onSaved={vi.fn()} onCancel={vi.fn()} />)
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('The log is busy; try again. Nothing was saved.'),
    )
    answer = () => ({
      ok: false,
      error: { code: 'CONFLICT', message: 'Another patient already has MRN P-12. MRNs must be unique.' },
    })
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    const mrn = screen.getByLabelText('MRN')
    await waitFor(() => expect(mrn).toHaveAttribute('aria-invalid', 'true'))
    expect(describedText(mrn)).toBe('Another patient already has MRN P-12. MRNs must be unique.')
    expect(screen.getByRole('status')).toHaveTextContent('Please correct the highlighted fields.')
  })

  it('asks for the MRI contraindication reason only when MRI is contraindicated', async () => {
    const user = userEvent.setup()
    render(<PatientForm onSaved={vi.fn()} onCancel={vi.fn()} />)
    expect(screen.queryByLabelText('Reason MRI is contraindicated')).toBeNull()
    await user.selectOptions(screen.getByLabelText('MRI contraindicated'), 'yes')
    expect(screen.getByLabelText('Reason MRI is contraindicated')).toBeInTheDocument()
  })

  it('asks which symptoms when there are some, and sends the ticked ones', async () => {
    const user = userEvent.setup()
    render(<PatientForm onSaved={vi.fn()} onCancel={vi.fn()} />)
    await user.type(screen.getByLabelText('MRN'), 'S-1')
    await user.type(screen.getByLabelText('Name'), 'Sym Ptom')
    const asked = screen.getByLabelText('New symptoms')
    await user.selectOptions(asked, 'yes')
    await user.click(screen.getByRole('button', { name: 'Save patient' }))
    await waitFor(() => expect(asked).toHaveAttribute('aria-invalid', 'true'))
    expect(describedText(asked)).toBe('Tick at least one symptom, or choose None.')
    expect(asked).toHaveFocus()
    expect(sent).toEqual([])
    const group = screen.getByRole('group', { name: 'Which new symptoms' })
    await user.click(within(group).getByLabelText('New localized bone pain'))
    await user.click(screen.getByRole('button', { name: 'Save patient' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]![1]).toMatchObject({ symptoms: ['new-localized-bone-pain'] })
  })

  it('adds and removes treatments, asking about a complete resection only for a resection', async () => {
    const user = userEvent.setup()
    render(<PatientForm onSaved={vi.fn()} onCancel={vi.fn()} />)
    await user.type(screen.getByLabelText('MRN'), 'T-1')
    await user.type(screen.getByLabelText('Name'), 'Tre Atment')
    expect(screen.getByText('No treatment recorded.')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Add treatment' }))
    await user.click(screen.getByRole('button', { name: 'Add treatment' }))
    const rows = () => screen.getAllByTestId('treatment-row')
    expect(rows()).toHaveLength(2)
    await user.type(within(rows()[0]!).getByLabelText('Start date'), '2021-01-01')
    await user.selectOptions(within(rows()[1]!).getByLabelText('Treatment 2'), 'prrt')
    expect(within(rows()[1]!).queryByLabelText('Complete resection')).toBeNull()
    await user.type(within(rows()[1]!).getByLabelText('Start date'), '2022-02-02')
    await user.click(within(rows()[0]!).getByRole('button', { name: 'Remove' }))
    expect(rows()).toHaveLength(1)
    expect(within(rows()[0]!).getByLabelText('Treatment 1')).toHaveValue('prrt')
    expect(within(rows()[0]!).getByLabelText('Start date')).toHaveValue('2022-02-02')
    await user.click(screen.getByRole('button', { name: 'Save patient' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect((sent[0]![1] as { treatments: unknown[] }).treatments).toEqual([
      { kind: 'prrt', date: '2022-02-02', completeResection: null },
    ])
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
  /** Date, procedure and result are the reader's choices: an untouched form saves nothing. */
  async function fillBasics(
    user: ReturnType<typeof userEvent.setup>,
    procedure = 'ct-abdomen-pelvis-with-iv-contrast',
  ): Promise<void> {
    await user.type(screen.getByLabelText('Study date'), '2026-11-24')
    await user.selectOptions(screen.getByLabelText('Procedure'), procedure)
    await user.selectOptions(screen.getByLabelText('Result'), 'not-read-yet')
  }
  const noDose = {
    effectiveMsv: null,
    ctdiVolMgy: null,
    dlpMgyCm: null,
    region: null,
    activityMbq: null,
    agent: null,
  }
  const previous: StudyRecord = {
    id: 1,
    patientId: 7,
    createdAt: '',
    enteredInError: null,
    studyInstanceUid: null,
    accessionNumber: null,
    doseSource: null,
    doseEvents: [],
    version: 1,
    date: '2026-05-01',
    procedure: 'ct-abdomen-pelvis-with-iv-contrast',
    result: 'stable',
    note: null,
    dose: noDose,
    lesions: [
      { id: 'T1', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 21, status: null },
      { id: 'T2', organ: 'liver', nodal: false, role: 'target', diameterMm: 12, status: null },
      { id: 'N1', organ: 'liver', nodal: false, role: 'new', diameterMm: 8, status: null },
    ],
  }

  it('refuses a lesion size that is not a number, and sends nothing', async () => {
    const user = userEvent.setup()
    render(<StudyForm {...props} />)
    await fillBasics(user)
    await user.click(screen.getByRole('button', { name: 'Add target' }))
    await user.type(screen.getByLabelText('Organ'), 'pancreas')
    await user.type(screen.getByLabelText('Size (mm)'), '2,5,1')
    await user.click(screen.getByRole('button', { name: 'Save study' }))
    const size = screen.getByLabelText('Size (mm)')
    await waitFor(() => expect(size).toHaveAttribute('aria-invalid', 'true'))
    expect(describedText(size)).toBe('Size (mm) must be a number, at least 0 and below 1000.')
    expect(size).toHaveFocus()
    expect(sent).toEqual([])
  })

  it('an untouched form asks for the date, the procedure and the result first, and sends nothing', async () => {
    const user = userEvent.setup()
    render(<StudyForm {...props} suggestedProcedure="mri-abdomen-pelvis-without-and-with-iv-contrast" />)
    await user.click(screen.getByRole('button', { name: 'Save study' }))
    expect(screen.getByText('Enter the study date.')).toBeInTheDocument()
    expect(screen.getByText('Choose the procedure.')).toBeInTheDocument()
    expect(screen.getByText('Choose the result, or “Not read yet”.')).toBeInTheDocument()
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

  it('checks the whole study with the shared schema before sending: a DLP needs its body region', async () => {
    const user = userEvent.setup()
    render(<StudyForm {...props} suggestedProcedure="ct-abdomen-pelvis-with-iv-contrast" />)
    await user.type(screen.getByLabelText('Study date'), '2026-11-24')
    await user.selectOptions(screen.getByLabelText('Procedure'), 'ct-abdomen-pelvis-with-iv-contrast')
    await user.selectOptions(screen.getByLabelText('Result'), 'not-read-yet')
    await user.type(screen.getByLabelText('DLP (mGy·cm)'), '640')
    await user.click(screen.getByRole('button', { name: 'Save study' }))
    const region = screen.getByLabelText('Body region')
    await waitFor(() => expect(region).toHaveAttribute('aria-invalid', 'true'))
    expect(describedText(region)).toBe('Give the body region the DLP was measured over.')
    expect(sent).toEqual([])
  })

  it('sends the study with measurements and dose, carrying the targets of the previous study', async () => {
    const user = userEvent.setup()
    const onSaved = vi.fn()
    render(
      <StudyForm
        {...props}
        onSaved={onSaved}
        suggestedProcedure="ct-abdomen-pelvis-with-iv-contrast"
        previous={previous}
      />,
    )
    await fillBasics(user)
    const rows = screen.getAllByTestId('lesion-row')
    expect(rows).toHaveLength(2)
    expect(within(rows[0]!).getByLabelText('Label')).toHaveValue('T1')
    expect(within(rows[1]!).getByLabelText('Label')).toHaveValue('T2')
    await user.type(within(rows[0]!).getByLabelText('Size (mm)'), '19')
    await user.type(within(rows[1]!).getByLabelText('Size (mm)'), '0')
    await user.click(screen.getByRole('button', { name: 'Add non-target' }))
    const added = screen.getAllByTestId('lesion-row')[2]!
    expect(within(added).getByLabelText('Label')).toHaveValue('NT1')
    expect(within(added).getByLabelText('Status')).toHaveValue('present')
    await user.type(within(added).getByLabelText('Organ'), 'bone')
    await user.type(screen.getByLabelText('DLP (mGy·cm)'), '640')
    await user.selectOptions(screen.getByLabelText('Body region'), 'abdomen-pelvis')
    await user.click(screen.getByRole('button', { name: 'Save study' }))
    await waitFor(() => expect(onSaved).toHaveBeenCalled())
    expect(sent).toEqual([
      [
        'studies.record',
        {
          patientId: 7,
          study: {
            date: '2026-11-24',
            procedure: 'ct-abdomen-pelvis-with-iv-contrast',
            result: 'not-read-yet',
            lesions: [
              { id: 'T1', organ: 'pancreas', nodal: false, role: 'target', diameterMm: 19, status: null },
              { id: 'T2', organ: 'liver', nodal: false, role: 'target', diameterMm: 0, status: null },
              {
                id: 'NT1',
                organ: 'bone',
                nodal: false,
                role: 'non-target',
                diameterMm: null,
                status: 'present',
              },
            ],
            dose: { ...noDose, dlpMgyCm: 640, region: 'abdomen-pelvis' },
            note: null,
          },
        },
      ],
    ])
  })

  it('puts the back end’s `study.lesions.1.diameterMm` on the second lesion’s size', async () => {
    answer = () => refused({ 'study.lesions.1.diameterMm': 'Size (mm) must be less than 1000.' })
    const user = userEvent.setup()
    render(<StudyForm {...props} previous={previous} />)
    await fillBasics(user, 'mri-abdomen-pelvis-without-and-with-iv-contrast')
    const rows = screen.getAllByTestId('lesion-row')
    await user.type(within(rows[0]!).getByLabelText('Size (mm)'), '19')
    await user.type(within(rows[1]!).getByLabelText('Size (mm)'), '11')
    await user.click(screen.getByRole('button', { name: 'Save study' }))
    const second = within(rows[1]!).getByLabelText('Size (mm)')
    await waitFor(() => expect(second).toHaveAttribute('aria-invalid', 'true'))
    expect(describedText(second)).toBe('Size (mm) must be less than 1000.')
    expect(second).toHaveFocus()
    expect(within(rows[0]!).getByLabelText('Size (mm)')).not.toHaveAttribute('aria-invalid')
    expect(screen.getByRole('status')).toHaveTextContent(
      'Please correct the highlighted fields. Nothing was saved.',
    )
  })

  it('sends no dose the chosen procedure does not ask for', async () => {
    const user = userEvent.setup()
    render(<StudyForm {...props} suggestedProcedure="ct-abdomen-pelvis-with-iv-contrast" />)
    await fillBasics(user)
    await user.type(screen.getByLabelText('DLP (mGy·cm)'), 'lots')
    await user.selectOptions(
      screen.getByLabelText('Procedure'),
      'mri-abdomen-pelvis-without-and-with-iv-contrast',
    )
    await user.click(screen.getByRole('button', { name: 'Save study' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect((sent[0]![1] as { study: { dose: unknown } }).study.dose).toEqual(noDose)
  })
})

describe('treatment form', () => {
  const treatment: TreatmentRecord = {
    id: 31,
    patientId: 12,
    kind: 'prrt',
    date: '2025-01-15',
    completeResection: null,
    enteredInError: null,
    version: 4,
  }
  const props = { treatment, today: '2026-11-24', onSaved: vi.fn(), onCancel: vi.fn() }

  it('opens with the stored treatment and sends the corrected one, asking about completeness only for a resection', async () => {
    const onSaved = vi.fn()
    answer = () => ({ ok: true, value: { closed: null, next: null, lifecycle: { reason: 'ok' } } })
    const user = userEvent.setup()
    render(<TreatmentForm {...props} onSaved={onSaved} />)
    expect(screen.getByLabelText('Treatment')).toHaveValue('prrt')
    expect(screen.getByLabelText('Start date')).toHaveValue('2025-01-15')
    expect(screen.queryByLabelText('Complete resection')).toBeNull()
    await user.selectOptions(screen.getByLabelText('Treatment'), 'resection')
    await user.selectOptions(screen.getByLabelText('Complete resection'), 'yes')
    await user.clear(screen.getByLabelText('Start date'))
    await user.type(screen.getByLabelText('Start date'), '2026-09-24')
    await user.click(screen.getByRole('button', { name: 'Save treatment' }))
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1))
    expect(sent).toEqual([
      [
        'treatments.update',
        {
          treatmentId: 31,
          version: 4,
          treatment: { kind: 'resection', date: '2026-09-24', completeResection: true },
        },
      ],
    ])
  })

  it('an empty date is unknown; a changed kind drops the completeness it no longer has', async () => {
    const user = userEvent.setup()
    render(
      <TreatmentForm {...props} treatment={{ ...treatment, kind: 'resection', completeResection: false }} />,
    )
    await user.selectOptions(screen.getByLabelText('Treatment'), 'somatostatin-analog')
    await user.clear(screen.getByLabelText('Start date'))
    await user.click(screen.getByRole('button', { name: 'Save treatment' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]![1]).toEqual({
      treatmentId: 31,
      version: 4,
      treatment: { kind: 'somatostatin-analog', date: null, completeResection: null },
    })
  })

  it('refuses a date that is not one on its field and sends nothing', async () => {
    const user = userEvent.setup()
    render(<TreatmentForm {...props} />)
    await user.clear(screen.getByLabelText('Start date'))
    await user.type(screen.getByLabelText('Start date'), '2025-02-30')
    await user.click(screen.getByRole('button', { name: 'Save treatment' }))
    const date = screen.getByLabelText('Start date')
    await waitFor(() => expect(date).toHaveAttribute('aria-invalid', 'true'))
    expect(date).toHaveFocus()
    expect(sent).toEqual([])
    expect(screen.getByRole('status')).toHaveTextContent('Nothing was saved.')
  })

  it('puts the back end’s `treatment.date` on the start date', async () => {
    answer = () => refused({ 'treatment.date': 'The treatment date is in the future.' })
    const onSaved = vi.fn()
    const user = userEvent.setup()
    render(<TreatmentForm {...props} onSaved={onSaved} />)
    await user.clear(screen.getByLabelText('Start date'))
    await user.type(screen.getByLabelText('Start date'), '2026-12-24')
    await user.click(screen.getByRole('button', { name: 'Save treatment' }))
    const date = screen.getByLabelText('Start date')
    await waitFor(() => expect(date).toHaveAttribute('aria-invalid', 'true'))
    expect(describedText(date)).toContain('The treatment date is in the future.')
    expect(onSaved).not.toHaveBeenCalled()
  })
})

describe('note', () => {
  const note = { patientId: 12, text: 'Open MRI only.', updatedAt: '2026-11-01T10:00:00Z', version: 5 }

  it('sends the version it was filled from; typing survives a stale refusal and the page reading a newer note', async () => {
    answer = () => ({
      ok: false,
      error: {
        code: 'STALE',
        message: 'The note was changed by someone else since you opened it. Nothing was saved.',
      },
    })
    const user = userEvent.setup()
    const { rerender } = render(<NotePanel patientId={12} note={note} onChanged={vi.fn()} />)
    const box = screen.getByLabelText(/Note about this patient/)
    await user.type(box, ' Sedation.')
    await user.click(screen.getByRole('button', { name: 'Save note' }))
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent('changed by someone else since you opened it'),
    )
    expect(screen.getByRole('alert').textContent).toBe(
      'The note was changed by someone else since you opened it. Nothing was saved.',
    )
    rerender(<NotePanel patientId={12} note={{ ...note, text: 'Theirs.', version: 8 }} onChanged={vi.fn()} />)
    expect(box).toHaveValue('Open MRI only. Sedation.')
    await user.click(screen.getByRole('button', { name: 'Save note' }))
    await waitFor(() => expect(sent).toHaveLength(2))
    expect(sent.map(([, req]) => (req as { version: number | null }).version)).toEqual([5, 5])
  })

  it('an untouched box shows the newer note the page read, and saves against its version', async () => {
    const user = userEvent.setup()
    const { rerender } = render(<NotePanel patientId={12} note={null} onChanged={vi.fn()} />)
    rerender(<NotePanel patientId={12} note={{ ...note, text: 'Theirs.', version: 8 }} onChanged={vi.fn()} />)
    const box = screen.getByLabelText(/Note about this patient/)
    expect(box).toHaveValue('Theirs.')
    answer = () => ({ ok: true, value: { note: { ...note, text: 'Theirs. More.', version: 9 } } })
    await user.type(box, ' More.')
    await user.click(screen.getByRole('button', { name: 'Save note' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toEqual(['notes.set', { patientId: 12, version: 8, text: 'Theirs. More.' }])
  })
})
