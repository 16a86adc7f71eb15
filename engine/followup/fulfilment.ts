// When a study fulfils the open follow-up step (issue 8.3). Pure: dates and codes in, a verdict
// with its guard and plain words out.

import { addDays } from '../dates'
import type { IsoDate, ProcedureId } from '../types'
import type { Fulfilment, LifecycleSettings, OpenStep, StudyFact } from './types'
import { isImagingKind } from './types'

/**
 * Studies that answer the same surveillance question. An abdominal CT done instead of the MRI
 * that was asked for still answers "has the disease changed?"; a DOTATATE PET/CT or a chest CT
 * does not fulfil an abdominal MRI step (it is a different question), nor the other way round.
 * A `Record` over every procedure id, so a new procedure cannot be left out.
 */
export const MODALITY_GROUP: Readonly<Record<ProcedureId, ModalityGroup>> = {
  'mri-abdomen-pelvis-without-and-with-iv-contrast': 'abdominal-cross-sectional',
  'ct-abdomen-pelvis-with-iv-contrast': 'abdominal-cross-sectional',
  'mri-targeted-region': 'abdominal-cross-sectional',
  'dotatate-pet-ct-skull-base-to-mid-thigh': 'sstr-imaging',
  'in111-pentetreotide-spect-ct': 'sstr-imaging',
  'fdg-pet-ct-skull-base-to-mid-thigh': 'fdg-pet',
  'endoscopic-us': 'endoscopic-us',
  'ct-chest-with-iv-contrast': 'chest-ct',
  'ct-chest-without-iv-contrast': 'chest-ct',
  'us-abdomen': 'abdominal-us',
}
export type ModalityGroup =
  'abdominal-cross-sectional' | 'sstr-imaging' | 'fdg-pet' | 'endoscopic-us' | 'chest-ct' | 'abdominal-us'

export const MODALITY_GROUP_LABELS: Readonly<Record<ModalityGroup, string>> = {
  'abdominal-cross-sectional': 'abdominal MRI or CT',
  'sstr-imaging': 'somatostatin-receptor imaging',
  'fdg-pet': 'FDG PET/CT',
  'endoscopic-us': 'endoscopic ultrasound',
  'chest-ct': 'chest CT',
  'abdominal-us': 'abdominal ultrasound',
}

/** The study the step asks for now: the radiologist's choice when there is one. */
export function effectiveProcedure(step: Pick<OpenStep, 'procedure' | 'override'>): ProcedureId | null {
  return step.override?.procedure ?? step.procedure
}

/** The window the step is due in now: the radiologist's choice when there is one. */
export function effectiveDue(step: Pick<OpenStep, 'due' | 'override'>): { from: IsoDate; to: IsoDate } {
  return step.override?.due ?? step.due
}

/**
 * Whether `study` fulfils `open`:
 * - only an imaging step can be fulfilled by a study (a result to enter, a board or a review is
 *   closed by the result or the decision, never by another study);
 * - the study must be of the same modality group as the study the step asks for;
 * - and dated no earlier than `fulfilmentMarginDays` before the step's window opens (an earlier
 *   study is history: a prior being entered, not the study that was due).
 * A study declared as done elsewhere for this step fulfils it when it is an imaging step (the
 * person said so); the verdict says so.
 */
export function fulfilment(
  open: OpenStep | null,
  study: StudyFact,
  settings: LifecycleSettings,
  declaredDoneElsewhere = false,
): Fulfilment {
  if (!open) return { fulfils: false, guard: 'no-open-step', reason: 'No step was open.' }
  if (!isImagingKind(open.kind)) {
    if (open.kind === 'enter-result') {
      return {
        fulfils: false,
        guard: 'result-step-for-other-study',
        reason:
          open.studyId === study.id
            ? 'A result step is closed by entering the result, not by the study itself.'
            : 'The open step asks for the result of another study; a new study does not close it.',
      }
    }
    return {
      fulfils: false,
      guard: 'not-an-imaging-step',
      reason:
        open.kind === 'tumor-board'
          ? 'The open step is a tumour board; only its decision closes it.'
          : 'The open step is a review; only its outcome closes it.',
    }
  }
  if (declaredDoneElsewhere) {
    return {
      fulfils: true,
      guard: 'done-elsewhere-declared',
      reason: `Recorded as done elsewhere on ${study.date}.`,
    }
  }
  const wantedProcedure = effectiveProcedure(open)
  if (wantedProcedure !== null) {
    const want = MODALITY_GROUP[wantedProcedure]
    const got = MODALITY_GROUP[study.procedure]
    if (want !== got) {
      return {
        fulfils: false,
        guard: 'other-modality-group',
        reason: `The step asks for ${MODALITY_GROUP_LABELS[want]}; a study of ${MODALITY_GROUP_LABELS[got]} is kept as history.`,
      }
    }
  }
  const due = effectiveDue(open)
  const earliest = addDays(due.from, -settings.fulfilmentMarginDays)
  if (study.date < earliest) {
    return {
      fulfils: false,
      guard: 'before-window-margin',
      reason: `The study (${study.date}) is earlier than ${settings.fulfilmentMarginDays} days before the window opens (${due.from}); it is kept as history.`,
    }
  }
  return {
    fulfils: true,
    guard: 'same-group-in-time',
    reason: `The ${study.date} study is the study the step asked for (same kind of imaging, not earlier than ${settings.fulfilmentMarginDays} days before the window).`,
  }
}
