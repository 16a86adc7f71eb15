// The follow-up lifecycle's public surface for the tests, and the kind list to draw from.
export * from '../../../../engine/followup'
export { FOLLOW_UP_ITEM_KINDS as FOLLOW_UP_ITEM_KINDS_FOR_TESTS } from '../../../../engine/codes'
