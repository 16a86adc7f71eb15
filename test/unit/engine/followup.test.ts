// The follow-up lifecycle state machine, every transition, without SQLite.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_LIFECYCLE_SETTINGS,
  FOLLOW_UP_ITEM_KINDS_FOR_TESTS,
  fulfilment,
  reconcile,
  stepFor,
  stepTiming,
  summarizeAdherence,
  type Decision,
  type LifecycleEvent,
  type OpenStep,
  type ReconcileInput,
  type Step,
  type StudyFact,
} from './support/followup'
import { evaluate } from '../../../engine'
import { makeCase } from './support/factory'

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast' as const
const CT = 'ct-abdomen-pelvis-with-iv-contrast' as const
const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh' as const
const TODAY = '2026-11-24'

const step = (over: Partial<Step> = {}): Step => ({
  kind: 'imaging',
  procedure: MRI,
  due: { from: '2027-05-20', to: '2027-11-20' },
  reason: 'Next study in 6–12 months',
  studyId: null,
  override: null,
  deferralReason: null,
  ...over,
})
const openStep = (over: Partial<OpenStep> = {}): OpenStep => ({ id: 7, ...step(over), ...over })
const study = (over: Partial<StudyFact> = {}): StudyFact => ({
  id: 50,
  date: '2027-05-01',
  procedure: MRI,
  result: 'stable',
  ...over,
})

function input(over: Partial<ReconcileInput> & { event: LifecycleEvent }): ReconcileInput {
  return {
    open: openStep(),
    wanted: step(),
    left: false,
    decidedSinceLatestStudy: [],
    studies: [],
    asOf: TODAY,
    settings: DEFAULT_LIFECYCLE_SETTINGS,
    ...over,
  }
}

const decide = (over: Partial<ReconcileInput> & { event: LifecycleEvent }): Decision => reconcile(input(over))

describe('fulfilment: a study fulfils only the imaging step it is', () => {
  const open = openStep({ due: { from: '2027-05-20', to: '2027-11-20' } })
  it('same modality group, dated within the margin before the window: fulfils', () => {
    const f = fulfilment(open, study({ date: '2027-04-20' }), DEFAULT_LIFECYCLE_SETTINGS)
    expect(f).toMatchObject({ fulfils: true, guard: 'same-group-in-time' })
  })
  it('an abdominal CT fulfils an abdominal MRI step (same group)', () => {
    expect(fulfilment(open, study({ procedure: CT }), DEFAULT_LIFECYCLE_SETTINGS).fulfils).toBe(true)
  })
  it('a study earlier than the margin is history (a backdated prior, a 1900 study)', () => {
    expect(fulfilment(open, study({ date: '2027-04-19' }), DEFAULT_LIFECYCLE_SETTINGS)).toMatchObject({
      fulfils: false,
      guard: 'before-window-margin',
    })
    expect(fulfilment(open, study({ date: '1900-01-01' }), DEFAULT_LIFECYCLE_SETTINGS).guard).toBe(
      'before-window-margin',
    )
  })
  it('the margin is a setting', () => {
    const s = { fulfilmentMarginDays: 60 }
    expect(fulfilment(open, study({ date: '2027-03-21' }), s).fulfils).toBe(true)
    expect(fulfilment(open, study({ date: '2027-03-20' }), s).fulfils).toBe(false)
  })
  it('another modality group never fulfils (DOTATATE PET/CT for an MRI step)', () => {
    expect(fulfilment(open, study({ procedure: DOTATATE }), DEFAULT_LIFECYCLE_SETTINGS)).toMatchObject({
      fulfils: false,
      guard: 'other-modality-group',
    })
  })
  it('the override’s study and window are what the step asks for', () => {
    const o = openStep({
      override: {
        procedure: DOTATATE,
        due: { from: '2027-01-01', to: '2027-02-01' },
        reasonCode: 'other',
        text: 'x',
      },
    })
    expect(
      fulfilment(o, study({ procedure: DOTATATE, date: '2026-12-10' }), DEFAULT_LIFECYCLE_SETTINGS).fulfils,
    ).toBe(true)
    expect(
      fulfilment(o, study({ procedure: MRI, date: '2027-01-10' }), DEFAULT_LIFECYCLE_SETTINGS).fulfils,
    ).toBe(false)
  })
  it('a result step, a board and a review are never fulfilled by a study', () => {
    for (const kind of ['enter-result', 'tumor-board', 'clinician-review'] as const) {
      const f = fulfilment(openStep({ kind, studyId: 3 }), study(), DEFAULT_LIFECYCLE_SETTINGS)
      expect(f.fulfils).toBe(false)
      expect(f.guard).toBe(kind === 'enter-result' ? 'result-step-for-other-study' : 'not-an-imaging-step')
    }
  })
  it('no open step: nothing to fulfil', () => {
    expect(fulfilment(null, study(), DEFAULT_LIFECYCLE_SETTINGS).guard).toBe('no-open-step')
  })
  it('done elsewhere is the person’s statement, for imaging steps only', () => {
    expect(fulfilment(open, study({ date: '2020-01-01' }), DEFAULT_LIFECYCLE_SETTINGS, true).guard).toBe(
      'done-elsewhere-declared',
    )
  })
})

describe('reconcile: a new study', () => {
  it('fulfils the imaging step: close as done with the study, open the next step', () => {
    const next = step({ due: { from: '2027-11-01', to: '2028-05-01' } })
    const d = decide({ event: { type: 'study-recorded', study: study() }, wanted: next })
    expect(d).toMatchObject({
      type: 'close-and-open',
      guard: 'study-fulfils-step',
      close: { status: 'done', reasonCode: 'study-recorded', studyId: 50 },
      open: next,
      fulfilment: { fulfils: true },
    })
  })
  it('a backdated prior does not close the step; the step follows the suggestion', () => {
    const d = decide({
      event: { type: 'study-recorded', study: study({ date: '2025-01-01' }) },
      wanted: step({ due: { from: '2027-06-01', to: '2027-12-01' } }),
    })
    expect(d).toMatchObject({ type: 'retarget', guard: 'suggestion-changed', fulfilment: { fulfils: false } })
  })
  it('an unread 1900 study leaves "Study due now" open (history does not replace the step)', () => {
    const open = openStep({ kind: 'imaging-now', due: { from: '2026-11-01', to: '2026-11-01' } })
    const old = study({ id: 9, date: '1900-01-01', result: null })
    const d = decide({
      open,
      event: { type: 'study-recorded', study: old },
      wanted: step({ kind: 'enter-result', studyId: 9, procedure: null }),
      studies: [old],
    })
    expect(d).toMatchObject({ type: 'keep', guard: 'history-does-not-replace-step' })
    // ...and the same holds when any later fact changes.
    expect(
      decide({
        open,
        event: { type: 'facts-changed' },
        wanted: step({ kind: 'enter-result', studyId: 9 }),
        studies: [old],
      }).guard,
    ).toBe('history-does-not-replace-step')
  })
  it('a DOTATATE PET/CT does not close the result step of another, unread study', () => {
    const unread = study({ id: 9, date: '1900-01-01', result: null })
    const pet = study({ id: 10, procedure: DOTATATE, date: '2026-11-20' })
    const d = decide({
      open: openStep({ kind: 'enter-result', studyId: 9, procedure: null }),
      event: { type: 'study-recorded', study: pet },
      wanted: step(),
      studies: [unread, pet],
    })
    expect(d).toMatchObject({ type: 'keep', guard: 'result-awaited', fulfilment: { fulfils: false } })
  })
  it('a board stays open: only its decision closes it', () => {
    const d = decide({
      open: openStep({ kind: 'tumor-board', due: { from: TODAY, to: TODAY } }),
      event: { type: 'study-recorded', study: study({ date: TODAY }) },
    })
    expect(d).toMatchObject({ type: 'keep', guard: 'board-awaits-decision' })
  })
  it('an unread study that fulfils: the next step is its result', () => {
    const s = study({ result: null })
    const d = decide({
      event: { type: 'study-recorded', study: s },
      wanted: step({ kind: 'enter-result', studyId: s.id }),
      studies: [s],
    })
    expect(d).toMatchObject({ type: 'close-and-open', open: { kind: 'enter-result', studyId: 50 } })
  })
})

describe('reconcile: results and facts', () => {
  const unread = study({ id: 9, result: null })
  const resultStep = openStep({
    kind: 'enter-result',
    studyId: 9,
    procedure: null,
    due: { from: TODAY, to: TODAY },
  })
  it('entering the awaited result closes the result step and opens the next', () => {
    const read = { ...unread, result: 'stable' as const }
    const d = decide({ open: resultStep, event: { type: 'result-entered', study: read }, studies: [read] })
    expect(d).toMatchObject({
      type: 'close-and-open',
      guard: 'result-entered',
      close: { reasonCode: 'result-entered' },
    })
  })
  it('the result of another study does not close it', () => {
    const other = study({ id: 11 })
    const d = decide({
      open: resultStep,
      event: { type: 'result-entered', study: other },
      studies: [unread, other],
    })
    expect(d.guard).toBe('result-awaited')
  })
  it('a result step whose study was withdrawn is superseded', () => {
    const d = decide({ open: resultStep, event: { type: 'facts-changed' }, studies: [] })
    expect(d).toMatchObject({
      type: 'close-and-open',
      guard: 'awaited-study-withdrawn',
      close: { reasonCode: 'superseded' },
    })
  })
  it('a result given by a correction closes the result step', () => {
    const read = { ...unread, result: 'progression' as const }
    expect(decide({ open: resultStep, event: { type: 'facts-changed' }, studies: [read] }).guard).toBe(
      'result-entered',
    )
  })
  it('same step: kept', () => {
    expect(decide({ event: { type: 'facts-changed' } })).toMatchObject({ type: 'keep', guard: 'same-step' })
  })
  it('a retarget says what changed: the study, the window, or both', () => {
    const reason = (wanted: Step, open = openStep()) =>
      decide({ open, event: { type: 'facts-changed' }, wanted }).reason
    const moved = { from: '2027-08-01', to: '2028-02-01' }
    expect(reason(step({ due: moved }))).toBe('The suggestion moved to 2027-08-01 – 2028-02-01.')
    expect(reason(step({ procedure: CT }))).toBe(
      'The suggested study changed; the window stays 2027-05-20 – 2027-11-20.',
    )
    expect(reason(step({ procedure: CT, due: moved }))).toBe(
      'The suggested study changed, and its window moved to 2027-08-01 – 2028-02-01.',
    )
    const chosen = openStep({
      override: { procedure: MRI, due: null, reasonCode: 'clinician-decision', text: null },
    })
    expect(reason(step({ due: moved }), chosen)).toBe(
      'The suggestion moved to 2027-08-01 – 2028-02-01. The radiologist’s choice stays beside it.',
    )
  })
  it('a due-now step keeps its first window (so it can become overdue)', () => {
    const open = openStep({ kind: 'imaging-now', due: { from: '2026-10-01', to: '2026-10-01' } })
    expect(
      decide({
        open,
        event: { type: 'facts-changed' },
        wanted: step({ kind: 'imaging-now', due: { from: TODAY, to: TODAY } }),
      }).guard,
    ).toBe('same-step')
    const d = decide({
      open,
      event: { type: 'facts-changed' },
      wanted: step({ kind: 'imaging-now', procedure: CT, due: { from: TODAY, to: TODAY } }),
    })
    expect(d).toMatchObject({ type: 'retarget', to: { procedure: CT, due: { from: '2026-10-01' } } })
  })
  it('one imaging kind to another is a retarget', () => {
    const d = decide({
      event: { type: 'facts-changed' },
      wanted: step({ kind: 'imaging-now', due: { from: TODAY, to: TODAY } }),
    })
    expect(d).toMatchObject({ type: 'retarget', guard: 'imaging-kind-changed', to: { kind: 'imaging-now' } })
  })
  it('imaging to a board: the imaging step is superseded and the board opens', () => {
    const board = step({ kind: 'tumor-board', due: { from: TODAY, to: TODAY } })
    expect(decide({ event: { type: 'facts-changed' }, wanted: board })).toMatchObject({
      type: 'close-and-open',
      guard: 'step-superseded',
      open: board,
    })
  })
  it('a board no longer indicated after a correction is superseded', () => {
    const d = decide({ open: openStep({ kind: 'tumor-board' }), event: { type: 'facts-changed' } })
    expect(d.guard).toBe('step-superseded')
  })
  it('a board already decided since the latest study is not asked for again', () => {
    const d = decide({
      event: { type: 'facts-changed' },
      wanted: step({ kind: 'tumor-board' }),
      decidedSinceLatestStudy: ['tumor-board'],
    })
    expect(d).toMatchObject({ type: 'keep', guard: 'already-decided' })
  })
  it('no open step (a patient just created, or reopened): the wanted step opens', () => {
    expect(decide({ open: null, event: { type: 'facts-changed' } })).toMatchObject({
      type: 'open',
      guard: 'no-open-step',
    })
  })
})

describe('reconcile: commands', () => {
  it('cancel closes and opens the guideline’s step at once (never nothing)', () => {
    const d = decide({ event: { type: 'cancel', reasonCode: 'scheduling', text: null } })
    expect(d).toMatchObject({
      type: 'close-and-open',
      guard: 'cancel-reopens-guideline-step',
      close: { status: 'cancelled' },
    })
  })
  it('defer: the successor keeps the suggestion and holds the chosen window as an override, with the reason code', () => {
    const d = decide({
      event: {
        type: 'defer',
        due: { from: '2027-08-01', to: '2027-09-01' },
        reasonCode: 'patient-request',
        text: null,
      },
    })
    expect(d).toMatchObject({
      type: 'close-and-open',
      guard: 'deferred',
      close: { status: 'deferred' },
      open: {
        due: { from: '2027-05-20' },
        override: { due: { from: '2027-08-01' }, reasonCode: 'patient-preference' },
        deferralReason: 'patient-request',
      },
    })
  })
  it('a deferral window in the past is refused with a specific message', () => {
    const d = decide({
      event: {
        type: 'defer',
        due: { from: '2026-01-01', to: '2026-02-01' },
        reasonCode: 'scheduling',
        text: null,
      },
    })
    expect(d).toMatchObject({ type: 'refuse', guard: 'deferral-window-in-past', field: 'newDue.to' })
    expect(d.reason).toContain('before today (2026-11-24)')
    expect(
      decide({
        event: {
          type: 'defer',
          due: { from: '2027-02-01', to: '2027-01-01' },
          reasonCode: 'scheduling',
          text: null,
        },
      }).guard,
    ).toBe('deferral-window-invalid')
  })
  it('done elsewhere closes an imaging step with the outside study and opens the next', () => {
    const d = decide({ event: { type: 'done-elsewhere', study: study({ date: '2026-11-01' }) } })
    expect(d).toMatchObject({
      type: 'close-and-open',
      guard: 'done-elsewhere',
      close: { reasonCode: 'done-elsewhere', studyId: 50 },
    })
  })
  it('done elsewhere is refused on a board, a review or a result step', () => {
    for (const kind of ['tumor-board', 'clinician-review', 'enter-result'] as const) {
      expect(
        decide({ open: openStep({ kind }), event: { type: 'done-elsewhere', study: study() } }).guard,
      ).toBe('done-elsewhere-needs-imaging-step')
    }
  })
  const board = openStep({ kind: 'tumor-board', due: { from: TODAY, to: TODAY } })
  it('board decision: continue surveillance opens the chosen study, held as the board’s choice', () => {
    const d = decide({
      open: board,
      event: {
        type: 'decision',
        date: TODAY,
        decision: {
          type: 'continue-surveillance',
          procedure: MRI,
          due: { from: '2027-05-01', to: '2027-06-01' },
        },
      },
      wanted: step({ kind: 'tumor-board' }),
    })
    expect(d).toMatchObject({
      type: 'close-and-open',
      guard: 'decision-recorded',
      close: { status: 'done', reasonCode: 'decision-recorded' },
      open: {
        kind: 'imaging',
        override: { procedure: MRI, due: { from: '2027-05-01' }, reasonCode: 'clinician-decision' },
      },
    })
  })
  it('board decision: further imaging now is a study due now', () => {
    const d = decide({
      open: board,
      event: {
        type: 'decision',
        date: TODAY,
        decision: { type: 'further-imaging', procedure: DOTATATE, due: { from: TODAY, to: '2026-12-24' } },
      },
    })
    expect(d).toMatchObject({ type: 'close-and-open', open: { kind: 'imaging-now', procedure: DOTATATE } })
  })
  it('board decision: new treatment opens what the guideline asks after it', () => {
    const response = step({ kind: 'treatment-response' })
    const d = decide({
      open: board,
      wanted: response,
      event: {
        type: 'decision',
        date: TODAY,
        decision: { type: 'new-treatment', treatment: { kind: 'prrt', date: TODAY } },
      },
    })
    expect(d).toMatchObject({ type: 'close-and-open', guard: 'decision-recorded', open: response })
  })
  it('board decision the guideline does not reflect: a review opens (never nothing)', () => {
    const d = decide({
      open: board,
      wanted: step({ kind: 'tumor-board' }),
      event: {
        type: 'decision',
        date: TODAY,
        decision: { type: 'new-treatment', treatment: { kind: 'prrt', date: TODAY } },
      },
    })
    expect(d).toMatchObject({
      type: 'close-and-open',
      guard: 'decision-not-reflected',
      open: { kind: 'clinician-review' },
    })
  })
  it('board decision: leave surveillance closes with the outcome and an exit', () => {
    const exit = { reasonCode: 'deceased' as const, text: null, attempts: null, date: TODAY }
    const d = decide({
      open: board,
      event: { type: 'decision', date: TODAY, decision: { type: 'leave-surveillance', exit } },
    })
    expect(d).toMatchObject({ type: 'close-with-outcome', guard: 'decision-leaves-surveillance', exit })
  })
  it('a decision is refused on an imaging step, in the future, or with a window in the past', () => {
    const ok = {
      type: 'continue-surveillance' as const,
      procedure: MRI,
      due: { from: '2027-05-01', to: '2027-06-01' },
    }
    expect(decide({ event: { type: 'decision', date: TODAY, decision: ok } }).guard).toBe(
      'not-a-decision-step',
    )
    expect(decide({ open: board, event: { type: 'decision', date: '2027-01-01', decision: ok } }).guard).toBe(
      'decision-date-in-future',
    )
    expect(
      decide({
        open: board,
        event: {
          type: 'decision',
          date: TODAY,
          decision: { ...ok, due: { from: '2026-01-01', to: '2026-02-01' } },
        },
      }).guard,
    ).toBe('decision-window-in-past')
    expect(
      decide({
        open: board,
        event: {
          type: 'decision',
          date: TODAY,
          decision: { type: 'new-treatment', treatment: { kind: 'prrt', date: '2027-01-01' } },
        },
      }).guard,
    ).toBe('treatment-date-in-future')
  })
  it('leave surveillance: close with outcome; "other" needs words, lost to follow-up the attempts', () => {
    const exit = { reasonCode: 'lost-to-follow-up' as const, text: null, attempts: 3, date: TODAY }
    expect(decide({ event: { type: 'leave', exit } })).toMatchObject({
      type: 'close-with-outcome',
      guard: 'leave-surveillance',
      close: { reasonCode: 'left-surveillance' },
    })
    expect(decide({ event: { type: 'leave', exit: { ...exit, attempts: null } } }).guard).toBe(
      'exit-needs-attempts',
    )
    expect(decide({ event: { type: 'leave', exit: { ...exit, reasonCode: 'other' } } }).guard).toBe(
      'exit-needs-text',
    )
    expect(decide({ event: { type: 'leave', exit: { ...exit, date: '2027-01-01' } } }).guard).toBe(
      'exit-date-in-future',
    )
    expect(decide({ left: true, open: null, event: { type: 'leave', exit } }).guard).toBe('left-surveillance')
  })
  it('after leaving, nothing opens; commands are refused; reopening opens the guideline’s step', () => {
    expect(
      decide({ left: true, open: null, event: { type: 'study-recorded', study: study() } }),
    ).toMatchObject({
      type: 'none',
      guard: 'left-surveillance',
    })
    expect(
      decide({ left: true, open: null, event: { type: 'cancel', reasonCode: 'scheduling', text: null } })
        .guard,
    ).toBe('nothing-open')
    expect(decide({ left: true, open: null, event: { type: 'reopen' } })).toMatchObject({
      type: 'open',
      guard: 'surveillance-reopened',
    })
    expect(decide({ event: { type: 'reopen' } }).guard).toBe('already-under-surveillance')
    expect(
      decide({ open: null, event: { type: 'cancel', reasonCode: 'scheduling', text: null } }).guard,
    ).toBe('nothing-open')
  })
})

describe('the invariant, for any input', () => {
  const arbDate = fc
    .integer({ min: 0, max: 2000 })
    .map((n) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10))
  const arbWindow = fc
    .tuple(arbDate, arbDate)
    .map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a }))
  const arbKind = fc.constantFrom(...FOLLOW_UP_ITEM_KINDS_FOR_TESTS)
  const arbProc = fc.constantFrom(MRI, CT, DOTATATE, null)
  const arbStep = fc.record({
    kind: arbKind,
    procedure: arbProc,
    due: arbWindow,
    reason: fc.constant('x'),
    studyId: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    override: fc.constant(null),
    deferralReason: fc.constant(null),
  })
  const arbStudy = fc.record({
    id: fc.integer({ min: 1, max: 4 }),
    date: arbDate,
    procedure: fc.constantFrom(MRI, CT, DOTATATE),
    result: fc.constantFrom('stable' as const, 'progression' as const, null),
  })
  const arbExit = fc.record({
    reasonCode: fc.constantFrom('deceased' as const, 'other' as const, 'lost-to-follow-up' as const),
    text: fc.option(fc.constant('moved'), { nil: null }),
    attempts: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
    date: arbDate,
  })
  const arbEvent: fc.Arbitrary<LifecycleEvent> = fc.oneof(
    arbStudy.map((s) => ({ type: 'study-recorded' as const, study: s })),
    arbStudy.map((s) => ({ type: 'done-elsewhere' as const, study: s })),
    arbStudy.map((s) => ({ type: 'result-entered' as const, study: s })),
    fc.constant({ type: 'facts-changed' as const }),
    fc.constant({ type: 'cancel' as const, reasonCode: 'duplicate' as const, text: null }),
    fc.constant({ type: 'reopen' as const }),
    arbWindow.map((due) => ({ type: 'defer' as const, due, reasonCode: 'scheduling' as const, text: null })),
    arbExit.map((exit) => ({ type: 'leave' as const, exit })),
    fc.tuple(arbDate, arbWindow, fc.constantFrom(MRI, DOTATATE)).map(([date, due, procedure]) => ({
      type: 'decision' as const,
      date,
      decision: { type: 'further-imaging' as const, procedure, due },
    })),
    arbExit.map((exit) => ({
      type: 'decision' as const,
      date: TODAY,
      decision: { type: 'leave-surveillance' as const, exit },
    })),
  )

  it('a patient under surveillance is never left without a step; only an exit closes without a successor', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.option(arbStep, { nil: null }),
        arbStep,
        arbEvent,
        fc.array(arbStudy, { maxLength: 4 }),
        arbDate,
        (left, open, wanted, event, studies, asOf) => {
          const o = left ? null : open ? { ...open, id: 1 } : null
          const d = reconcile({
            open: o,
            wanted,
            event,
            left,
            decidedSinceLatestStudy: [],
            studies,
            asOf,
            settings: DEFAULT_LIFECYCLE_SETTINGS,
          })
          expect(typeof d.reason).toBe('string')
          expect(d.reason.length).toBeGreaterThan(0)
          // State after the decision.
          let hasStep = o !== null
          let isLeft = left
          switch (d.type) {
            case 'open':
            case 'close-and-open':
              // Opening a step is only ever done under surveillance (a reopen ends the exit).
              if (left) expect(event.type).toBe('reopen')
              hasStep = true
              isLeft = false
              break
            case 'close-with-outcome':
              hasStep = false
              isLeft = true
              expect(['leave', 'decision']).toContain(event.type)
              break
            case 'keep':
            case 'retarget':
              expect(o).not.toBeNull()
              break
            case 'none':
              expect(left).toBe(true)
              break
            case 'refuse':
              break
          }
          // Exactly one of: an open step, or left surveillance (a patient with no step yet and no
          // exit only exists before the first decision; every decision but refuse fixes that).
          if (d.type !== 'refuse' || o !== null || left) expect(hasStep !== isLeft).toBe(true)
        },
      ),
      { numRuns: 3000 },
    )
  })
})

describe('the step a recommendation calls for', () => {
  it('imaging with its window, a result first when the newest study is unread, never nothing', () => {
    const c = makeCase()
    const e = evaluate(c, TODAY)
    const s = stepFor(e, null)
    expect(s.kind).not.toBe(undefined)
    expect(stepFor(e, { id: 4, date: '2026-11-01' })).toMatchObject({ kind: 'enter-result', studyId: 4 })
    const ended = {
      ...e,
      next: { ...e.next, action: 'end-surveillance' as const, due: null, procedure: null },
    }
    expect(stepFor(ended, null)).toMatchObject({ kind: 'clinician-review' })
    const noWindow = { ...e, next: { ...e.next, action: 'image' as const, due: null } }
    expect(stepFor(noWindow, null).kind).toBe('clinician-review')
  })
})

describe('adherence', () => {
  const w = { from: '2027-05-01', to: '2027-11-01' }
  it('on time inside the window, early before, late after, in days from the window', () => {
    expect(stepTiming(w, '2027-06-01')).toEqual({ timeliness: 'on-time', days: 0 })
    expect(stepTiming(w, '2027-04-21')).toEqual({ timeliness: 'early', days: -10 })
    expect(stepTiming(w, '2027-11-06')).toEqual({ timeliness: 'late', days: 5 })
  })
  it('share on time and median delay', () => {
    const s = summarizeAdherence([
      { window: w, studyDate: '2027-06-01' },
      { window: w, studyDate: '2027-11-11' },
      { window: w, studyDate: '2027-04-21' },
      { window: w, studyDate: '2027-07-01' },
    ])
    expect(s).toMatchObject({ steps: 4, onTime: 2, early: 1, late: 1, shareOnTime: 0.5, medianDelayDays: 0 })
    expect(s.shareWithinHealthWindow).toBe(0.5)
    expect(summarizeAdherence([])).toMatchObject({ steps: 0, shareOnTime: null, medianDelayDays: null })
  })
})
