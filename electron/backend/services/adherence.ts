import { fulfilledSteps, fulfilledStepTimes } from '../../../db/queries/surveillance'
import type { ReadableDb } from '../../../db/tx'
import { CALENDAR_RANGE, stepTiming, summarizeAdherence, type IsoDate } from '../../../engine'
import type { AdherenceReport } from '../../contract/contract'

// Adherence read models (issue 8.7): the closed imaging steps with their study, timed and summed
// by the engine (engine/followup/adherence.ts owns the definition), over a period for the
// worklist, or over the whole history of one patient for the timeline.

/** The most items a report lists; its summary always counts every step. */
export const ADHERENCE_ITEMS_LISTED = 500

export function adherenceReport(
  db: ReadableDb,
  q: { from: IsoDate; to: IsoDate; patientId?: number },
  listed = ADHERENCE_ITEMS_LISTED,
): AdherenceReport {
  return {
    from: q.from,
    to: q.to,
    summary: summarizeAdherence(fulfilledStepTimes(db, q)),
    items: fulfilledSteps(db, q, listed).map((s) => ({
      ...s,
      timing: stepTiming(s.window, s.studyDate),
    })),
  }
}

/** Every closed imaging step of one patient, whenever its study was done. */
export function patientAdherence(db: ReadableDb, patientId: number): AdherenceReport {
  return adherenceReport(db, { from: CALENDAR_RANGE.from, to: CALENDAR_RANGE.to, patientId })
}
