import type { FollowUpItem } from '../../../../../electron/contract/contract'

/**
 * The step a form acts on, as it was when the form opened: a change made since (by someone else)
 * is refused (STALE), and the form keeps what was typed even when the page reads the newer step.
 */
export const seenOf = (item: FollowUpItem) => ({ itemId: item.id, version: item.version })
