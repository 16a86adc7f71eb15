// The imaging and treatment history as the recommendation sees it: which read study counts, what
// the engine says about the history, and the treatments that matter for the next step.
import { alert, alertSaying } from '../alerts'
import type { CaseFacts, ReadStudy } from '../facts'
import type { LoadedPack, LoadedVariant } from '../guideline'
import { RESULT_LABELS } from '../labels'
import type { Alert, Case, IsoDate, RationaleStep, TreatmentKind } from '../types'
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
  const alerts: Alert[] = []
  const rationale: RationaleStep[] = []
  if (facts.derived !== null && latest !== null && latest.derived) {
    alerts.push(alert('result-derived-from-recist'))
    rationale.push(
      caseStep(
        `The study of ${facts.derived.date} has measurements but no reader\u2019s result; RECIST 1.1 gives ${facts.derived.fromCategory}, taken here as "${RESULT_LABELS[facts.derived.result]}". The reader should confirm.`,
        'recist_thresholds',
        'result.derived',
      ),
    )
  }
  if (facts.recistDisagrees && facts.response !== null && latest !== null) {
    alerts.push(alert('recist-disagrees-with-read'))
    rationale.push(
      caseStep(
        `RECIST 1.1 on the measurements (${facts.response.category}) does not match the reader\u2019s impression ("${RESULT_LABELS[latest.result]}"); the plan follows the reader. Please check.`,
        'recist_thresholds',
        'result.recist-mismatch',
      ),
    )
  }
  if (facts.unread !== null) {
    alerts.push(alert('unread-study'))
    rationale.push(
      caseStep(
        `The study of ${facts.unread.date} has not been read yet; this plan rests on the last read study and will change once it is read.`,
        'app-rule',
        'result.unread',
      ),
    )
  }
  if (facts.futureStudies > 0) {
    alerts.push(alert('study-after-as-of'))
    rationale.push(
      caseStep(
        `${facts.futureStudies} ${facts.futureStudies === 1 ? 'study is' : 'studies are'} dated after the evaluation date and left out.`,
        'app-rule',
        'input.future-study',
      ),
    )
  }
  const r = facts.response
  if (r !== null && r.category === 'NE' && !r.baselineOnly) {
    const words = notEvaluableWords(r.unmeasuredTargets, r.unassessedNonTargets)
    alerts.push(
      alertSaying(
        'recist-not-evaluable',
        `RECIST 1.1 could not assess the response at the study of ${r.date}: ${words}.`,
      ),
    )
    rationale.push(
      caseStep(
        `RECIST 1.1 could not assess the response at the study of ${r.date} (not evaluable): ${words}. Measure ${r.unmeasuredTargets.length + r.unassessedNonTargets.length === 1 ? 'it' : 'them'} to compare with the baseline of ${r.baselineDate}; until then the plan rests on the reader\u2019s result alone.`,
        'recist_overall',
        'result.recist-not-evaluable',
      ),
    )
  }
  if (latest !== null) {
    const label = pack.procedure[latest.procedure].label
    rationale.push(
      latest.derived
        ? caseStep(
            `Latest study: ${label} on ${latest.date}, ${RESULT_LABELS[latest.result]} as derived from its RECIST measurements; no radiologist has read it.`,
            'recist_thresholds',
            'history.latest-derived',
          )
        : caseStep(
            `Latest read study: ${label} on ${latest.date}, ${RESULT_LABELS[latest.result]}.`,
            'app-rule',
            'history.latest',
          ),
    )
  }
  return { alerts: alerts, rationale: rationale, missing: [] }
}

function lesionList(ids: readonly string[]): string {
  return ids.length === 1 ? `lesion ${ids[0]}` : `lesions ${ids.join(', ')}`
}

/** Which lesions kept RECIST from assessing the response, in words. */
function notEvaluableWords(targets: readonly string[], nonTargets: readonly string[]): string {
  const parts: string[] = []
  if (targets.length > 0) parts.push(`target ${lesionList(targets)} not measured`)
  if (nonTargets.length > 0) parts.push(`non-target ${lesionList(nonTargets)} not assessed`)
  return parts.length > 0 ? parts.join('; ') : 'not every lesion followed was assessed'
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
