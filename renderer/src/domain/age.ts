import type { IsoDate } from '../../../engine'

/**
 * Age in whole years on `today` (a birthday counts from its day; 29 February counts from
 * 1 March in other years). Null when either date is unknown or the birth date is after today.
 */
export function ageInYears(birthDate: IsoDate | null, today: IsoDate): number | null {
  if (!birthDate) return null
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number]
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number]
  let age = ty - by
  if (tm < bm || (tm === bm && td < bd)) age--
  return age < 0 ? null : age
}

/** "born 1958-03-14 (67 years)" as the patient page header says it. */
export function bornText(birthDate: IsoDate | null, today: IsoDate): string {
  if (!birthDate) return 'born: unknown'
  const age = ageInYears(birthDate, today)
  return age === null ? `born ${birthDate}` : `born ${birthDate} (${age} ${age === 1 ? 'year' : 'years'})`
}
