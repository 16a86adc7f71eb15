// The follow-up lifecycle as a pure state machine (issue 8.1). Given the open step, the step the
// current recommendation calls for, what just happened and the little history that matters, it
// decides what the log does with the open step: keep it, retarget it, close it and open the next
// step, or close it with an outcome that leaves surveillance. Every decision names the guard that
// fired and says why in plain words. Services only apply the decision.
//
// States of a patient: UNDER SURVEILLANCE with one open step of a kind (imaging, imaging-now,
// treatment-response, enter-result, tumor-board, clinician-review), or LEFT SURVEILLANCE with an
// exit (reason, person, date). Transitions are the events of `LifecycleEvent`.

import { describeExit, exitProblem } from './exit'
import { fulfilment } from './fulfilment'
import type {
  Close,
  Decision,
  DeferralReason,
  Guard,
  LifecycleEvent,
  OpenStep,
  ReconcileInput,
  Step,
  StepOverride,
} from './types'
import { isDecisionKind, isDueNowKind, isImagingKind } from './types'

const KIND_WORDS: Record<Step['kind'], string> = {
  imaging: 'the next study',
  'imaging-now': 'a study due now',
  'treatment-response': 'the response study after the new treatment',
  'enter-result': 'a result to enter',
  'tumor-board': 'a tumour board',
  'clinician-review': 'a radiologist review',
}

function refuse(guard: Guard, code: 'CONFLICT' | 'INVALID', reason: string, field?: string): Decision {
  return field === undefined
    ? { type: 'refuse', code, guard, reason }
    : { type: 'refuse', code, guard, reason, field }
}

const superseded: Close = { status: 'cancelled', reasonCode: 'superseded', studyId: null, text: null }

/** The decision for one event. Pure and total: every input gives exactly one decision. */
export function reconcile(i: ReconcileInput): Decision {
  const { event, open, wanted } = i

  if (event.type === 'reopen') {
    if (!i.left)
      return refuse('already-under-surveillance', 'CONFLICT', 'The patient is already under surveillance.')
    return {
      type: 'open',
      open: wanted,
      guard: 'surveillance-reopened',
      reason: `Surveillance reopened: the next step is ${KIND_WORDS[wanted.kind]}, as the guideline asks.`,
    }
  }

  if (event.type === 'leave') {
    if (i.left) return refuse('left-surveillance', 'CONFLICT', 'The patient has already left surveillance.')
    const problem = exitProblem(event.exit, i.asOf)
    if (problem) return refuse(problem.guard, 'INVALID', problem.message, problem.field)
    return {
      type: 'close-with-outcome',
      close: open
        ? { status: 'cancelled', reasonCode: 'left-surveillance', studyId: null, text: event.exit.text }
        : null,
      exit: event.exit,
      guard: 'leave-surveillance',
      reason: `The patient left surveillance: ${describeExit(event.exit)}.`,
    }
  }

  const isCommand =
    event.type === 'cancel' ||
    event.type === 'defer' ||
    event.type === 'decision' ||
    event.type === 'done-elsewhere'

  if (i.left) {
    if (isCommand)
      return refuse('nothing-open', 'CONFLICT', 'The patient has left surveillance; there is no open step.')
    return {
      type: 'none',
      guard: 'left-surveillance',
      reason: 'The patient has left surveillance; the change is kept as history and no step opens.',
    }
  }

  if (!open) {
    if (isCommand) return refuse('nothing-open', 'CONFLICT', 'There is no open step to change.')
    return {
      type: 'open',
      open: wanted,
      guard: 'no-open-step',
      reason: `No step was open: ${KIND_WORDS[wanted.kind]} opens, as the guideline asks.`,
    }
  }

  switch (event.type) {
    case 'cancel':
      return {
        type: 'close-and-open',
        close: { status: 'cancelled', reasonCode: event.reasonCode, studyId: null, text: event.text },
        open: wanted,
        guard: 'cancel-reopens-guideline-step',
        reason: `Cancelled. The next step follows the guideline again: ${KIND_WORDS[wanted.kind]}. To stop following the patient, choose “Leave surveillance” with a reason.`,
      }
    case 'defer':
      return defer(open, event, i.asOf)
    case 'decision':
      return decide(open, event, i)
    case 'done-elsewhere': {
      if (!isImagingKind(open.kind)) {
        return refuse(
          'done-elsewhere-needs-imaging-step',
          'CONFLICT',
          `The open step is ${KIND_WORDS[open.kind]}; only an imaging step can be done elsewhere.`,
        )
      }
      const f = fulfilment(open, event.study, i.settings, true)
      return {
        type: 'close-and-open',
        close: { status: 'done', reasonCode: 'done-elsewhere', studyId: event.study.id, text: null },
        open: wanted,
        guard: 'done-elsewhere',
        fulfilment: f,
        reason: `Done elsewhere on ${event.study.date}; the outside study is in the log. Next: ${KIND_WORDS[wanted.kind]}.`,
      }
    }
    case 'study-recorded': {
      const f = fulfilment(open, event.study, i.settings)
      if (f.fulfils) {
        return {
          type: 'close-and-open',
          close: { status: 'done', reasonCode: 'study-recorded', studyId: event.study.id, text: null },
          open: wanted,
          guard: 'study-fulfils-step',
          fulfilment: f,
          reason: `${f.reason} Next: ${KIND_WORDS[wanted.kind]}.`,
        }
      }
      if (open.kind === 'tumor-board') {
        return {
          type: 'keep',
          guard: 'board-awaits-decision',
          fulfilment: f,
          reason: 'The tumour board is still open; only its decision closes it. The study is kept.',
        }
      }
      return { ...follow(open, wanted, i), fulfilment: f }
    }
    case 'result-entered':
      if (open.kind === 'enter-result' && open.studyId === event.study.id && event.study.result !== null) {
        return {
          type: 'close-and-open',
          close: { status: 'done', reasonCode: 'result-entered', studyId: event.study.id, text: null },
          open: wanted,
          guard: 'result-entered',
          reason: `The result of the ${event.study.date} study was entered. Next: ${KIND_WORDS[wanted.kind]}.`,
        }
      }
      return follow(open, wanted, i)
    case 'facts-changed':
      return follow(open, wanted, i)
  }
}

/**
 * The open step after facts changed (or a study that did not fulfil it): it follows the
 * recommendation where it may, and is replaced where the recommendation now asks for a different
 * kind of step.
 */
function follow(open: OpenStep, wanted: Step, i: ReconcileInput): Decision {
  // A result step waits for its own study's result.
  if (open.kind === 'enter-result') {
    const awaited = i.studies.find((s) => s.id === open.studyId)
    if (!awaited) {
      return {
        type: 'close-and-open',
        close: superseded,
        open: wanted,
        guard: 'awaited-study-withdrawn',
        reason: `The study whose result was awaited is no longer in the log. Next: ${KIND_WORDS[wanted.kind]}.`,
      }
    }
    if (awaited.result === null) {
      return {
        type: 'keep',
        guard: 'result-awaited',
        reason: `The result of the ${awaited.date} study is still awaited; another study does not replace it.`,
      }
    }
    return {
      type: 'close-and-open',
      close: { status: 'done', reasonCode: 'result-entered', studyId: awaited.id, text: null },
      open: wanted,
      guard: 'result-entered',
      reason: `The ${awaited.date} study has a result now. Next: ${KIND_WORDS[wanted.kind]}.`,
    }
  }

  // A decision already taken since the latest study answers the same request again.
  if (isDecisionKind(wanted.kind) && i.decidedSinceLatestStudy.includes(wanted.kind)) {
    return {
      type: 'keep',
      guard: 'already-decided',
      reason: `The guideline asks for ${KIND_WORDS[wanted.kind]}, whose decision is already recorded since the latest study; the step it chose stays.`,
    }
  }

  // An imaging step is not replaced by the result of a study that is not the one it asks for.
  if (isImagingKind(open.kind) && wanted.kind === 'enter-result') {
    const study = i.studies.find((s) => s.id === wanted.studyId)
    if (study && !fulfilment(open, study, i.settings).fulfils) {
      return {
        type: 'keep',
        guard: 'history-does-not-replace-step',
        reason: `The unread ${study.date} study is history (not the study this step asks for); the step stays open and the result can be entered from the timeline.`,
      }
    }
  }

  if (open.kind === wanted.kind) {
    const due = isDueNowKind(open.kind) ? open.due : wanted.due
    const changed =
      open.procedure !== wanted.procedure || open.due.from !== due.from || open.due.to !== due.to
    if (!changed)
      return { type: 'keep', guard: 'same-step', reason: 'The open step is what the guideline asks for.' }
    return {
      type: 'retarget',
      to: {
        kind: wanted.kind,
        procedure: wanted.procedure,
        due,
        reason: wanted.reason,
        studyId: wanted.studyId,
      },
      guard: 'suggestion-changed',
      reason: retargetReason(open, wanted.procedure, due, isDueNowKind(open.kind)),
    }
  }

  if (isImagingKind(open.kind) && isImagingKind(wanted.kind)) {
    return {
      type: 'retarget',
      to: {
        kind: wanted.kind,
        procedure: wanted.procedure,
        due: wanted.due,
        reason: wanted.reason,
        studyId: wanted.studyId,
      },
      guard: 'imaging-kind-changed',
      reason: `The imaging step now is ${KIND_WORDS[wanted.kind]}.`,
    }
  }

  return {
    type: 'close-and-open',
    close: superseded,
    open: wanted,
    guard: 'step-superseded',
    reason: `The guideline no longer asks for ${KIND_WORDS[open.kind]}; it asks for ${KIND_WORDS[wanted.kind]}.`,
  }
}

/** What a retarget changed, in words: the suggested study, its window, or both. */
function retargetReason(
  open: OpenStep,
  procedure: Step['procedure'],
  due: Step['due'],
  keepsWindow: boolean,
): string {
  const studyChanged = open.procedure !== procedure
  const windowChanged = open.due.from !== due.from || open.due.to !== due.to
  const kept = open.override ? ' The radiologist’s choice stays beside it.' : ''
  if (keepsWindow) return `The suggested study changed; the step keeps the window it opened with.${kept}`
  if (studyChanged && windowChanged)
    return `The suggested study changed, and its window moved to ${due.from} – ${due.to}.${kept}`
  if (studyChanged) return `The suggested study changed; the window stays ${due.from} – ${due.to}.${kept}`
  return `The suggestion moved to ${due.from} – ${due.to}.${kept}`
}

const DEFER_OVERRIDE_CODE: Record<DeferralReason, StepOverride['reasonCode']> = {
  'patient-request': 'patient-preference',
  'clinical-change': 'clinician-decision',
  scheduling: 'clinician-decision',
  other: 'other',
}

function defer(open: OpenStep, e: Extract<LifecycleEvent, { type: 'defer' }>, asOf: string): Decision {
  if (e.due.from > e.due.to)
    return refuse('deferral-window-invalid', 'INVALID', 'The window ends before it starts.', 'newDue.to')
  if (e.due.to < asOf) {
    return refuse(
      'deferral-window-in-past',
      'INVALID',
      `The new window ends on ${e.due.to}, before today (${asOf}). A deferral moves the step to a window that ends today or later.`,
      'newDue.to',
    )
  }
  if (e.reasonCode === 'other' && !e.text)
    return refuse('deferral-window-invalid', 'INVALID', 'Say why, in a few words.', 'reasonText')
  return {
    type: 'close-and-open',
    close: { status: 'deferred', reasonCode: 'deferred', studyId: null, text: e.text },
    open: {
      kind: open.kind,
      procedure: open.procedure,
      due: open.due,
      reason: open.reason,
      studyId: open.studyId,
      override: {
        procedure: open.override?.procedure ?? null,
        due: e.due,
        reasonCode: DEFER_OVERRIDE_CODE[e.reasonCode],
        text: e.text,
      },
      deferralReason: e.reasonCode,
    },
    guard: 'deferred',
    reason: `Deferred to ${e.due.from} – ${e.due.to}; the chosen window stays when the suggestion moves.`,
  }
}

function decide(
  open: OpenStep,
  e: Extract<LifecycleEvent, { type: 'decision' }>,
  i: ReconcileInput,
): Decision {
  if (!isDecisionKind(open.kind)) {
    return refuse(
      'not-a-decision-step',
      'CONFLICT',
      `The open step is ${KIND_WORDS[open.kind]}; a decision is recorded on a tumour board or a review.`,
    )
  }
  if (e.date > i.asOf)
    return refuse('decision-date-in-future', 'INVALID', 'The decision date is in the future.', 'date')
  const who = open.kind === 'tumor-board' ? 'Tumour board' : 'Review'
  const closed: Close = { status: 'done', reasonCode: 'decision-recorded', studyId: null, text: null }
  const d = e.decision
  switch (d.type) {
    case 'leave-surveillance': {
      const problem = exitProblem(d.exit, i.asOf)
      if (problem) return refuse(problem.guard, 'INVALID', problem.message, `decision.exit.${problem.field}`)
      return {
        type: 'close-with-outcome',
        close: closed,
        exit: d.exit,
        guard: 'decision-leaves-surveillance',
        reason: `${who} decision on ${e.date}: leave surveillance (${describeExit(d.exit)}).`,
      }
    }
    case 'new-treatment': {
      if (d.treatment.date > i.asOf) {
        return refuse(
          'treatment-date-in-future',
          'INVALID',
          'The treatment start date is in the future; record the decision once the treatment has started.',
          'decision.treatment.date',
        )
      }
      if (isDecisionKind(i.wanted.kind)) {
        return {
          type: 'close-and-open',
          close: closed,
          open: {
            kind: 'clinician-review',
            procedure: null,
            due: { from: i.asOf, to: i.asOf },
            reason: 'Review the plan: the new treatment did not change what the guideline asks for',
            studyId: null,
            override: null,
            deferralReason: null,
          },
          guard: 'decision-not-reflected',
          reason: `${who} decision recorded, but the guideline still asks for ${KIND_WORDS[i.wanted.kind]}; a review opens so the plan is set by a person.`,
        }
      }
      return {
        type: 'close-and-open',
        close: closed,
        open: i.wanted,
        guard: 'decision-recorded',
        reason: `${who} decision on ${e.date}: new treatment from ${d.treatment.date}. Next: ${KIND_WORDS[i.wanted.kind]}.`,
      }
    }
    case 'continue-surveillance':
    case 'further-imaging': {
      if (d.due.from > d.due.to)
        return refuse(
          'deferral-window-invalid',
          'INVALID',
          'The window ends before it starts.',
          'decision.due.to',
        )
      if (d.due.to < i.asOf) {
        return refuse(
          'decision-window-in-past',
          'INVALID',
          `The chosen window ends on ${d.due.to}, before today (${i.asOf}).`,
          'decision.due.to',
        )
      }
      const words = d.type === 'continue-surveillance' ? 'continue surveillance' : 'further imaging'
      const text = `${who} decision on ${e.date}: ${words}`
      return {
        type: 'close-and-open',
        close: closed,
        open: {
          kind: d.due.from <= i.asOf ? 'imaging-now' : 'imaging',
          procedure: d.procedure,
          due: d.due,
          reason: text,
          studyId: null,
          // The board's choice is kept as the radiologist's choice: a later suggestion never moves it.
          override: { procedure: d.procedure, due: d.due, reasonCode: 'clinician-decision', text },
          deferralReason: null,
        },
        guard: 'decision-recorded',
        reason: `${text}, ${d.due.from} – ${d.due.to}.`,
      }
    }
  }
}
