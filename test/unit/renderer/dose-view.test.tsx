// @vitest-environment happy-dom
import '@testing-library/jest-dom/vitest'
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { render } from '../../helpers/render'
import type { PnetApi } from '../../../electron/contract/contract'
import { DoseSettings } from '../../../renderer/src/features/dose/DoseSettings'
import { DoseView } from '../../../renderer/src/features/dose/DoseView'
import { ACR_PNET_DATA, loadPack, type PackDocument } from '../../../engine'
import { CT, doseViewOf, MRI, STUDIES, studyRecord, TODAY } from './dose-fixture'

afterEach(() => {
  cleanup()
  delete window.pnet
  vi.restoreAllMocks()
})

function show(dose = doseViewOf(), studies = STUDIES, onOpenSettings = () => {}) {
  return render(
    <DoseView
      dose={dose}
      studies={studies}
      mrn="MRN-7"
      name="Lovelace, Ada"
      today={TODAY}
      onOpenSettings={onOpenSettings}
    />,
  )
}

/** The dose conversion settings form, as the Settings screen shows it. */
function showSettings(dose = doseViewOf(), onSaved = () => {}) {
  return render(
    <DoseSettings
      kFactors={dose.kFactors}
      cu64DotatateMsvPerMbq={dose.cu64DotatateMsvPerMbq}
      onSaved={onSaved}
    />,
  )
}

const rows = () => screen.getAllByTestId('dose-row')

describe('DoseView', () => {
  it('shows the total and each modality with estimated / incomplete marks', () => {
    show()
    // 9.0 + 9.15 + 0 + 10 (typical) = 28.15; the Cu-64 study is unknown, so the total is a lower bound.
    const total = screen.getByTestId('dose-total')
    expect(total).toHaveTextContent('≥ 28.15 mSv')
    expect(within(total).getByText('estimated')).toBeInTheDocument()
    expect(within(total).getByText('incomplete')).toBeInTheDocument()
    expect(screen.getByText('1 study has no estimate and is not in the total.')).toBeInTheDocument()

    expect(screen.getByTestId('dose-modality-ct')).toHaveTextContent('CT 19.0 mSv estimated')
    expect(screen.getByTestId('dose-modality-pet-ct')).toHaveTextContent('PET/CT ≥ 9.15 mSv')
    expect(screen.getByTestId('dose-modality-mr')).toHaveTextContent('MR 0 mSv')
    expect(screen.getByTestId('dose-modality-nm')).toHaveTextContent('NM no studies')
    expect(screen.getByTestId('dose-modality-us')).toHaveTextContent('US no studies')
    expect(screen.getByTestId('dose-modality-xr')).toHaveTextContent('XR no studies')
  })

  it('lists the studies oldest first with the recorded indices before the estimate', () => {
    show()
    const headers = within(screen.getByTestId('dose-ledger'))
      .getAllByRole('columnheader')
      .map((h) => h.textContent)
    expect(headers).toEqual(['Study', 'Recorded indices', 'Estimate'])
    expect(rows().map((r) => r.querySelector('.dose__date')?.textContent)).toEqual(STUDIES.map((s) => s.date))

    const ct = rows()[0]!
    const indices = within(ct).getByTestId('dose-indices')
    const estimate = within(ct).getByTestId('dose-estimate')
    expect(indices).toHaveTextContent('CTDIvol 12.5 mGy')
    expect(indices).toHaveTextContent('DLP 600 mGy·cm, abdomen and pelvis')
    expect(estimate).toHaveTextContent('9.0 mSv')
    expect(within(estimate).getByText('DLP × k')).toBeInTheDocument()
    expect(within(estimate).getByText('600 mGy·cm × 0.015 = 9.0 mSv')).toBeInTheDocument()
    expect(within(estimate).getByText('k: AAPM Report 96, abdomen and pelvis')).toBeInTheDocument()
    // Raw indices come first in reading order.
    expect(indices.compareDocumentPosition(estimate) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()

    const pet = rows()[1]!
    expect(within(pet).getByTestId('dose-indices')).toHaveTextContent(
      'Ga-68 DOTATATE 150 MBqCT part: DLP 400 mGy·cm, chest, abdomen and pelvis',
    )
    const petEstimate = within(pet).getByTestId('dose-estimate')
    expect(petEstimate).toHaveTextContent('9.15 mSv')
    expect(within(petEstimate).getByText('activity × coefficient + CT part')).toBeInTheDocument()
    expect(within(petEstimate).getByText('150 MBq × 0.021 mSv/MBq = 3.15 mSv')).toBeInTheDocument()
    expect(within(petEstimate).getByText('CT part: 400 mGy·cm × 0.015 = 6.0 mSv')).toBeInTheDocument()
    expect(within(petEstimate).getByText('k: AAPM Report 96, chest, abdomen and pelvis')).toBeInTheDocument()
    expect(within(petEstimate).queryByText('estimated')).not.toBeInTheDocument()
  })

  it('marks a typical value as estimated and says why', () => {
    show()
    const typical = rows()[3]!
    expect(typical).toHaveAttribute('data-method', 'typical')
    expect(within(typical).getByTestId('dose-indices')).toHaveTextContent('none recorded')
    const estimate = within(typical).getByTestId('dose-estimate')
    expect(estimate).toHaveTextContent('10.0 mSv')
    expect(within(estimate).getByText('estimated')).toBeInTheDocument()
    expect(within(estimate).getByText('typical value for the procedure — estimated')).toBeInTheDocument()
    expect(estimate).toHaveTextContent('no DLP recorded: typical value for the procedure')
  })

  it('asks for a site coefficient for Cu-64 DOTATATE and shows no number for it', () => {
    show()
    const cu = rows()[4]!
    expect(within(cu).getByTestId('dose-indices')).toHaveTextContent('Cu-64 DOTATATE 148 MBq')
    const estimate = within(cu).getByTestId('dose-estimate')
    expect(estimate).toHaveTextContent('needs a site coefficient')
    expect(estimate).toHaveTextContent('not estimated')
    expect(estimate.textContent).not.toMatch(/\d\s*mSv/)
    // The settings summary says the coefficient is missing and leads to the Settings screen,
    // where the settings of every patient live (no settings form inside a patient's panel).
    const summary = screen.getByTestId('dose-settings-summary')
    expect(summary).toHaveTextContent('Cu-64 DOTATATE coefficient not set')
    expect(screen.queryByLabelText('CT k-factor set')).not.toBeInTheDocument()
    const open = vi.fn()
    cleanup()
    show(doseViewOf(), STUDIES, open)
    fireEvent.click(screen.getByRole('button', { name: 'Change in Settings' }))
    expect(open).toHaveBeenCalledTimes(1)
  })

  it('uses the site coefficient once it is set', () => {
    show(doseViewOf(STUDIES, { kFactors: 'aapm96', cu64DotatateMsvPerMbq: 0.03 }))
    const estimate = within(rows()[4]!).getByTestId('dose-estimate')
    // 148 MBq × 0.03 = 4.44 + 300 mGy·cm × 0.015 (region assumed: trunk) = 4.5 → 8.94
    expect(estimate).toHaveTextContent('8.94 mSv')
    expect(within(estimate).getByText('148 MBq × 0.03 mSv/MBq = 4.44 mSv')).toBeInTheDocument()
    expect(within(estimate).getByText('CT part: 300 mGy·cm × 0.015 = 4.5 mSv')).toBeInTheDocument()
    expect(estimate).toHaveTextContent('body region not recorded: chest, abdomen and pelvis assumed')
    expect(estimate).not.toHaveTextContent('needs a site coefficient')
    expect(screen.getByTestId('dose-total')).toHaveTextContent('37.09 mSv')
  })

  it('shows the projection: what the plan adds, MRI versus CT side by side', () => {
    show()
    expect(screen.getByTestId('dose-plan')).toHaveTextContent(
      'The current plan, MRI abdomen/pelvis without and with contrast every 6–12 months, means 5–10 more studies adding about 0 mSv',
    )
    const [mri, ct] = within(screen.getByTestId('dose-projection')).getAllByTestId('dose-projection-row')
    expect(mri).toHaveTextContent(/MRI abdomen\/pelvis.*5–10\s*0 mSv/)
    expect(ct).toHaveTextContent(/CT abdomen\/pelvis.*5–10\s*50–100 mSv \(10 mSv each\)/)
    expect(screen.getByText(/every 6–12 months for 5 years/)).toBeInTheDocument()
  })

  it('a CT plan and a plan that schedules nothing', () => {
    show(doseViewOf(STUDIES, undefined, CT))
    expect(screen.getByTestId('dose-plan')).toHaveTextContent('adding about 50–100 mSv')
    cleanup()
    show(doseViewOf(STUDIES, undefined, null))
    expect(screen.getByTestId('dose-plan')).toHaveTextContent(
      'The current recommendation schedules no imaging.',
    )
  })

  it('tallies the dose avoided by MRI, worded as an estimate', () => {
    const studies = [studyRecord(0, '2025-01-01', MRI), studyRecord(1, '2025-07-01', MRI)]
    show(doseViewOf(studies), studies)
    expect(screen.getByTestId('dose-avoided')).toHaveTextContent(
      'About 20 mSv avoided (an estimate from typical values): 2 MRI abdomen/pelvis without and with contrast studies',
    )
    cleanup()
    show()
    expect(screen.getByTestId('dose-avoided')).toHaveTextContent('About 10 mSv avoided')
  })

  it('says what effective dose is and that it never gates a recommendation', () => {
    show()
    const text = screen.getByTestId('dose-honesty').textContent ?? ''
    expect(text).toMatch(/population estimate/)
    expect(text).toMatch(/not this patient’s risk/)
    expect(text).toMatch(/recorded indices are the record/)
    expect(text).toMatch(/never blocks or changes a recommendation/)
  })

  it('draws one band per modality with dose, with a summary for screen readers', () => {
    show()
    const chart = screen.getByRole('img', { name: /cumulative estimated effective dose/i })
    expect(chart.getAttribute('aria-label')).toContain('≥ 28.15 mSv in total (CT 19.0 mSv, PET/CT 9.15 mSv)')
    expect(chart.getAttribute('aria-label')).toContain('1 study has no estimate')
    const bands = screen.getAllByTestId('dose-band')
    expect(bands.map((b) => b.getAttribute('data-modality'))).toEqual(['CT', 'PET/CT'])
    for (const b of bands) expect(b.getAttribute('d')).not.toMatch(/NaN|undefined/)
  })

  it('without ionising studies there is no chart, and without studies no export', () => {
    const studies = [studyRecord(0, '2025-01-01', MRI)]
    show(doseViewOf(studies), studies)
    expect(screen.getByTestId('dose-chart-empty')).toBeInTheDocument()
    expect(screen.queryByRole('img')).not.toBeInTheDocument()
    cleanup()
    show(doseViewOf([]), [])
    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeDisabled()
    expect(screen.getByText('No studies recorded.')).toBeInTheDocument()
  })

  it('exports the ledger as a CSV file named with the MRN and date', async () => {
    const blobs: Blob[] = []
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob)
      return 'blob:test'
    })
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    let downloaded = ''
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloaded = this.download
    })
    show()
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }))
    expect(create).toHaveBeenCalledTimes(1)
    expect(downloaded).toBe(`dose-ledger_MRN-7_${TODAY}.csv`)
    const text = await blobs[0]!.text()
    const lines = text.replace(/^\uFEFF/, '').split('\r\n')
    expect(lines[0]).toMatch(/^Date,Procedure,Modality,CTDIvol \(mGy\),DLP \(mGy·cm\)/)
    expect(lines).toHaveLength(STUDIES.length + 2) // header, 5 studies, empty after the last CRLF
    expect(text).not.toContain('Lovelace')

    fireEvent.click(screen.getByRole('checkbox', { name: 'with name and MRN' }))
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }))
    const named = (await blobs[1]!.text()).replace(/^\uFEFF/, '').split('\r\n')
    expect(named[0]).toMatch(/^Patient name,MRN,Date,/)
    expect(named[1]).toMatch(/^"Lovelace, Ada",MRN-7,/)
  })
})

describe('Dose conversion settings (Settings screen)', () => {
  function stubApi(update: PnetApi['settings.update']) {
    window.pnet = { 'settings.update': update } as unknown as PnetApi
  }

  it('saves the k-factor set and the Cu-64 coefficient, then asks the page to reload', async () => {
    const update = vi.fn<PnetApi['settings.update']>(async (req) => ({
      ok: true,
      value: {
        theme: 'dark',
        kFactors: req.kFactors ?? 'aapm96',
        cu64DotatateMsvPerMbq: req.cu64DotatateMsvPerMbq ?? null,
        firstRunDone: true,
        fulfilmentMarginDays: 30,
        idleLockMinutes: 10,
        siteRules: {},
      },
    }))
    stubApi(update)
    const saved = vi.fn()
    showSettings(doseViewOf(), saved)
    fireEvent.change(screen.getByLabelText('CT k-factor set'), { target: { value: 'icrp103' } })
    fireEvent.change(screen.getByLabelText('Cu-64 DOTATATE site coefficient (mSv/MBq)'), {
      target: { value: '0,03' },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Save dose settings' }))
    await waitFor(() => expect(saved).toHaveBeenCalledTimes(1))
    expect(update).toHaveBeenCalledWith({ kFactors: 'icrp103', cu64DotatateMsvPerMbq: 0.03 })
  })

  it('an empty coefficient is saved as unknown (null), never as a number', async () => {
    const update = vi.fn<PnetApi['settings.update']>(async () => ({
      ok: true,
      value: {
        theme: 'dark',
        kFactors: 'aapm96',
        cu64DotatateMsvPerMbq: null,
        firstRunDone: true,
        fulfilmentMarginDays: 30,
        idleLockMinutes: 10,
        siteRules: {},
      },
    }))
    stubApi(update)
    showSettings(doseViewOf(STUDIES, { kFactors: 'aapm96', cu64DotatateMsvPerMbq: 0.03 }))
    const field = screen.getByLabelText('Cu-64 DOTATATE site coefficient (mSv/MBq)')
    expect(field).toHaveValue('0.03')
    fireEvent.change(field, { target: { value: ' ' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save dose settings' }))
    await waitFor(() =>
      expect(update).toHaveBeenCalledWith({ kFactors: 'aapm96', cu64DotatateMsvPerMbq: null }),
    )
  })

  it('shows validation errors next to the field and does not reload', async () => {
    const update = vi.fn<PnetApi['settings.update']>(async () => ({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: 'cu64DotatateMsvPerMbq: Use mSv per MBq, e.g. 0.03.',
        fields: { cu64DotatateMsvPerMbq: 'Use mSv per MBq, e.g. 0.03.' },
      },
    }))
    stubApi(update)
    const saved = vi.fn()
    showSettings(doseViewOf(), saved)
    const field = screen.getByLabelText('Cu-64 DOTATATE site coefficient (mSv/MBq)')

    fireEvent.change(field, { target: { value: 'abc' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save dose settings' }))
    expect(await screen.findByText('Enter a number in mSv per MBq, or leave it empty.')).toBeInTheDocument()
    expect(field).toHaveAttribute('aria-invalid', 'true')
    expect(update).not.toHaveBeenCalled()

    fireEvent.change(field, { target: { value: '30' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save dose settings' }))
    expect(await screen.findByText('Use mSv per MBq, e.g. 0.03.')).toBeInTheDocument()
    expect(field).toHaveAccessibleDescription(expect.stringContaining('Use mSv per MBq, e.g. 0.03.'))
    expect(saved).not.toHaveBeenCalled()
  })
})

describe('DoseView with a pack of other k-factors (the active pack, not the built-in one)', () => {
  it('shows each dose-report event with the pack’s k, adding up to the ledger’s figure', () => {
    const d = JSON.parse(JSON.stringify(ACR_PNET_DATA)) as PackDocument
    d.version = '2027.1'
    d.kFactors.sets.aapm96.chest = 0.02
    d.kFactors.sets.aapm96['abdomen-pelvis'] = 0.018
    const pack = loadPack(d)
    const event = (n: number, region: 'chest' | 'abdomen-pelvis', dlpMgyCm: number) => ({
      id: n,
      sopInstanceUid: '1.2.3',
      eventUid: `1.2.3.${n}`,
      kind: 'ct' as const,
      ctdiVolMgy: null,
      dlpMgyCm,
      region,
      targetRegion: null,
      protocol: null,
      agent: null,
      agentText: null,
      activityMbq: null,
    })
    const ct = {
      ...studyRecord(0, '2026-01-12', CT, { dlpMgyCm: 500 }),
      doseSource: 'rdsr' as const,
      doseEvents: [event(1, 'chest', 200), event(2, 'abdomen-pelvis', 300)],
    }
    show(doseViewOf([ct], undefined, MRI, pack), [ct])
    const row = rows()[0]!
    // 200 × 0.02 = 4.0 and 300 × 0.018 = 5.4 (the built-in pack: 0.014 and 0.015).
    expect(within(row).getByText(/event 1: 200 mGy·cm × 0\.02 \(.*\) = 4\.0 mSv/)).toBeInTheDocument()
    expect(within(row).getByText(/event 2: 300 mGy·cm × 0\.018 \(.*\) = 5\.4 mSv/)).toBeInTheDocument()
    expect(screen.getByTestId('dose-total')).toHaveTextContent('9.4 mSv')
  })
})
