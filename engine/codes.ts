// Stable codes shared by the engine, the follow-up log and the UI. Each list is declared once,
// `as const`, with its type derived from it; the database CHECKs and the contract use the same list.

/**
 * What a follow-up item asks the radiologist to do. The code, never the item's display text,
 * decides how an item behaves (stored in `followup_item.kind`, see docs/data.md):
 *
 * - `imaging`: the next study at the variant's interval, counted from the latest read study or
 *   from the resection ("Next study in 6–12 months").
 * - `imaging-now`: a study due now: baseline imaging, or imaging for a suspected progression.
 * - `treatment-response`: imaging of the response to a new treatment, counted from when the
 *   treatment began.
 * - `enter-result`: the newest study has no result yet; the plan depends on it.
 * - `tumor-board`: a tumour board review, due now.
 * - `clinician-review`: the case needs a radiologist's review (no verified plan), due now.
 *
 * Every kind but `imaging` and `treatment-response` is due from the day it is opened and keeps that
 * first window while it stays open, so it can become overdue.
 */
export const FOLLOW_UP_ITEM_KINDS = [
  'imaging',
  'imaging-now',
  'treatment-response',
  'enter-result',
  'tumor-board',
  'clinician-review',
] as const
export type FollowUpItemKind = (typeof FOLLOW_UP_ITEM_KINDS)[number]
