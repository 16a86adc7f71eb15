/** A yes/no fact that may be unknown: the forms never turn "not answered" into "no". */
export type Tri = '' | 'yes' | 'no'

export const triOf = (v: boolean | null): Tri => (v === null ? '' : v ? 'yes' : 'no')
export const boolOf = (t: Tri): boolean | null => (t === '' ? null : t === 'yes')
