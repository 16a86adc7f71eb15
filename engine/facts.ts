// What the decision needs from a case's imaging history, gathered in one pass: the studies up to
// `asOf`, the latest read study (a result derived from RECIST counts, and says so), a newer
// unread study, and the RECIST response.
import { recist, resultFromCategory } from './recist'
import type { Case, DerivedResult, IsoDate, ProcedureId, RecistResponse, Study, StudyResult } from './types'

export interface ReadStudy {
  date: IsoDate
  procedure: ProcedureId
  result: StudyResult
  /** The result was derived from RECIST, not given by a reader. */
  derived: boolean
}

export interface CaseFacts {
  /** Studies dated on or before `asOf` (the input array itself when none is later). */
  studies: readonly Study[]
  /** How many studies were dated after `asOf` and left out. */
  futureStudies: number
  latestRead: ReadStudy | null
  /** The newest study without a result, when it is newer than the latest read one. */
  unread: Study | null
  readCount: number
  response: RecistResponse | null
  derived: DerivedResult | null
  /** RECIST and the reader disagree about progression at the latest read study. */
  recistDisagrees: boolean
}

/** Higher = more severe: breaks ties between studies read on the same day, whatever their order. */
const SEVERITY: Readonly<Record<StudyResult, number>> = {
  progression: 4,
  indeterminate: 3,
  stable: 2,
  response: 1,
  'no-evidence-of-disease': 0,
}

/** Same day: the more severe result wins, then the procedure id, so input order never matters. */
export function readFirst(
  a: Pick<Study, 'result' | 'procedure'>,
  b: Pick<Study, 'result' | 'procedure'>,
): boolean {
  const sa = SEVERITY[a.result as StudyResult]
  const sb = SEVERITY[b.result as StudyResult]
  return sa > sb || (sa === sb && a.procedure < b.procedure)
}

/**
 * Gather the imaging facts of a case as of a day.
 *
 * @example gatherFacts(ex02, '2027-09-07').latestRead?.date // '2027-08-31'
 */
export function gatherFacts(c: Case, asOf: IsoDate): CaseFacts {
  // One pass over the studies (the first touch of each is the costly part in batch jobs).
  const all = c.studies
  let futureStudies = 0
  let latest: Study | null = null
  let latestUnread: Study | null = null
  let readCount = 0
  let hasLesions = false
  for (let i = 0; i < all.length; i++) {
    const s = all[i] as Study
    const date = s.date
    if (date > asOf) {
      futureStudies++
      continue
    }
    if (s.lesions && s.lesions.length > 0) hasLesions = true
    if (s.result !== null) {
      readCount++
      if (latest === null || date > latest.date || (date === latest.date && readFirst(s, latest))) latest = s
    } else if (
      latestUnread === null ||
      date > latestUnread.date ||
      (date === latestUnread.date && s.procedure < latestUnread.procedure)
    ) {
      latestUnread = s
    }
  }
  const studies = futureStudies > 0 ? onOrBefore(all, asOf) : all

  const response = hasLesions ? recist(studies, c.treatments) : null
  let latestRead: ReadStudy | null =
    latest === null
      ? null
      : {
          date: latest.date,
          procedure: latest.procedure,
          result: latest.result as StudyResult,
          derived: false,
        }
  let unread =
    latestUnread !== null && (latestRead === null || latestUnread.date > latestRead.date)
      ? latestUnread
      : null
  let derived: DerivedResult | null = null

  if (unread !== null && response !== null && response.date === unread.date && !response.baselineOnly) {
    const result = resultFromCategory(response.category)
    if (result !== null) {
      derived = { date: unread.date, procedure: unread.procedure, result, fromCategory: response.category }
      latestRead = { date: unread.date, procedure: unread.procedure, result, derived: true }
      readCount++
      unread = null
    }
  }

  let recistDisagrees = false
  if (response !== null && latestRead !== null && !latestRead.derived && response.date === latestRead.date) {
    const implied = resultFromCategory(response.category)
    if (implied !== null) {
      recistDisagrees =
        (implied === 'progression' && latestRead.result !== 'progression') ||
        (latestRead.result === 'progression' && implied !== 'progression')
    }
  }

  return { studies, futureStudies, latestRead, unread, readCount, response, derived, recistDisagrees }
}

function onOrBefore(studies: readonly Study[], asOf: IsoDate): Study[] {
  const out: Study[] = []
  for (const s of studies) if (s.date <= asOf) out.push(s)
  return out
}
