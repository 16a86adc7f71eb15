// The imaging and treatment history as the recommendation sees it: which read study counts, what
// the engine says about the history, and the treatments that matter for the next step.
import type { CaseFacts, ReadStudy } from '../facts'
import type { LoadedPack, LoadedVariant } from '../guideline'
import { RESULT_LABELS } from '../labels'
import type { AlertCode, Case, IsoDate, RationaleStep, TreatmentKind } from '../types'
import { caseStep, type Findings } from './findings'

/**
 * The read study the plan rests on: the latest read one, or none when it is not after the
 * resection that post-resection surveillance counts from (`resectionDate`, else `null`).
 */
export function latestReadAfter(facts: CaseFacts, resectionDate: IsoDate | null): ReadStudy | null {
  const latest = facts.latestRead
  return latest !== null && resectionDate !== null && latest.date <= resectionDate ? null : latest
}

/**
 * What the history says before any decision (RECIST 1.1 `recist_thresholds`, app rules): a
 * result derived from RECIST, RECIST disagreeing with the reader, a newer unread study, studies
 * dated after `asOf` that were left out, and the latest read study the plan rests on.
 */
export function historyFindings(pack: LoadedPack, facts: CaseFacts, latest: ReadStudy | null): Findings {
  const alerts: AlertCode[] = []
  const rationale: RationaleStep[] = []
  if (facts.derived !== null && latest !== null && latest.derived) {
    alerts.push('result-derived-from-recist')
    rationale.push(
      caseStep(
        `The study of ${facts.derived.date} has measurements but no reader\u2019s result; RECIST 1.1 gives ${facts.derived.fromCategory}, taken here as "${RESULT_LABELS[facts.derived.result]}". The reader should confirm.`,
        'recist_thresholds',
        'result.derived',
      ),
    )
  }
  if (facts.recistDisagrees && facts.response !== null && latest !== null) {
    alerts.push('recist-disagrees-with-read')
    rationale.push(
      caseStep(
        `RECIST 1.1 on the measurements (${facts.response.category}) does not match the reader\u2019s impression ("${RESULT_LABELS[latest.result]}"); the plan follows the reader. Please check.`,
        'recist_thresholds',
        'result.recist-mismatch',
      ),
    )
  }
  if (facts.unread !== null) {
    alerts.push('unread-study')
    rationale.push(
      caseStep(
        `The study of ${facts.unread.date} has not been read yet; this plan rests on the last read study and will change once it is read.`,
        'app-rule',
        'result.unread',
      ),
    )
  }
  if (facts.futureStudies > 0) {
    alerts.push('study-after-as-of')
    rationale.push(
      caseStep(
        `${facts.futureStudies} ${facts.futureStudies === 1 ? 'study is' : 'studies are'} dated after the evaluation date and left out.`,
        'app-rule',
        'input.future-study',
      ),
    )
  }
  if (latest !== null) {
    rationale.push(
      caseStep(
        `Latest read study: ${pack.procedure[latest.procedure].label} on ${latest.date}, ${RESULT_LABELS[latest.result]}.`,
        'app-rule',
        'history.latest',
      ),
    )
  }
  return { alerts: alerts, rationale: rationale, missing: [] }
}

export interface DatedTreatment {
  kind: TreatmentKind
  date: IsoDate
}

/** The latest treatment dated after `after` and not after `asOf` (a new line of treatment). */
export function treatmentSince(c: Case, after: IsoDate, asOf: IsoDate): DatedTreatment | null {
  let latest: DatedTreatment | null = null
  for (const t of c.treatments ?? []) {
    if (t.date !== null && t.date > after && t.date <= asOf && (latest === null || t.date > latest.date)) {
      latest = { kind: t.kind, date: t.date }
    }
  }
  return latest
}

/** PRRT or radiation given by `asOf` (an undated one counts): their after-effects mimic progression. */
function hadPrrtOrRadiation(c: Case, asOf: IsoDate): boolean {
  if (c.treatments === null) return false
  for (const t of c.treatments) {
    if ((t.kind === 'prrt' || t.kind === 'radiation') && (t.date === null || t.date <= asOf)) return true
  }
  return false
}

/**
 * Could a worrying finding be the after-effect of treatment? In the follow-up variants, after
 * PRRT or radiation (the founding article's pitfall, `seed`).
 */
export function postTreatmentChangePossible(c: Case, asOf: IsoDate, v: LoadedVariant): boolean {
  return (
    (v.id === 'follow-up-non-liver-dominant' || v.id === 'follow-up-liver-dominant') &&
    hadPrrtOrRadiation(c, asOf)
  )
}
