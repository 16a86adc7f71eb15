import type { FollowUpItem } from '../../../../../electron/contract/contract'

/**
 * The step a form acts on, as it was when the form opened (keep it in state): a change made since
 * (by someone else, or by the engine retargeting the step) is refused as STALE, and the form keeps
 * what was typed even when the page reads the newer step.
 */
export const seenOf = (item: FollowUpItem) => ({ itemId: item.id, version: item.version })
