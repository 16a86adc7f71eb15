// The next step a recommendation calls for, as a follow-up step (kind, study, window, words).
// Pure: the evaluation and the newest unread study in, a step out.

import type { Evaluation } from '../types'
import type { Step } from './types'

const DECISION_REASON = {
  'tumor-board': 'Tumour board review',
  'clinician-review': 'Radiologist review needed',
} as const

/**
 * The step the evaluation asks for:
 * - the newest study has no result: enter its result (the plan depends on it);
 * - imaging: its window; a study counted from today is due now (`imaging-now`); counted from a
 *   new treatment it assesses the response (`treatment-response`); else `imaging`;
 * - a tumour board or a review: due now;
 * - the guideline ends surveillance (ten years after a resection): a review due now, asking the
 *   radiologist to confirm leaving surveillance. Surveillance never ends by itself: leaving it is
 *   a person's recorded decision (reason, person, date).
 * - imaging without a window (no anchor could be found): a review due now.
 */
export function stepFor(e: Evaluation, unreadLatest: { id: number; date: string } | null): Step {
  const today = { from: e.asOf, to: e.asOf }
  const base = { override: null, deferralReason: null, studyId: null }
  if (unreadLatest) {
    return {
      ...base,
      kind: 'enter-result',
      procedure: null,
      due: today,
      reason: `Enter the result of the ${unreadLatest.date} study`,
      studyId: unreadLatest.id,
    }
  }
  switch (e.next.action) {
    case 'image': {
      if (!e.next.due) {
        return {
          ...base,
          kind: 'clinician-review',
          procedure: e.next.procedure,
          due: today,
          reason: 'Radiologist review needed: no due window could be set',
        }
      }
      const anchor = e.next.anchor?.kind
      const months = e.next.intervalMonths
        ? `${e.next.intervalMonths.min}–${e.next.intervalMonths.max} months`
        : ''
      const kind =
        anchor === 'as-of' ? 'imaging-now' : anchor === 'treatment' ? 'treatment-response' : 'imaging'
      return {
        ...base,
        kind,
        procedure: e.next.procedure,
        due: e.next.due,
        reason:
          kind === 'imaging-now'
            ? 'Study due now'
            : kind === 'treatment-response'
              ? `Response to the treatment, ${months} after it began`
              : `Next study in ${months}`,
      }
    }
    case 'tumor-board':
    case 'clinician-review':
      return {
        ...base,
        kind: e.next.action,
        procedure: e.next.procedure,
        due: today,
        reason: DECISION_REASON[e.next.action],
      }
    case 'end-surveillance':
      return {
        ...base,
        kind: 'clinician-review',
        procedure: null,
        due: today,
        reason: 'The guideline’s surveillance has ended: confirm leaving surveillance',
      }
  }
}
