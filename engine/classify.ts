// Case facts -> guideline variant, with the reasons in plain words.
//
// The variants are mutually exclusive (each source article excludes the others; domain-facts
// §1.2 and §8.1). A fact that is `null` is unknown: when it decides the variant, the case gets no
// variant, a `missing-facts` alert and the name of the missing field, never a guess.
import { wholeYearsBetween } from './dates'
import { TREATMENT_LABELS } from './labels'
import type { AlertCode, Case, IsoDate, StudyResult, Treatment, VariantId } from './types'

/** The age from which the variants apply: each source article describes an adult patient. */
export const ADULT_AGE = 18

export interface Classification {
  variant: VariantId | null
  /** The facts that placed the case (or kept it out), in plain words. */
  reasons: string[]
  alerts: AlertCode[]
  /** Fields whose value is unknown and matters here, e.g. `burden`. */
  inputsMissing: string[]
  /** Post-resection surveillance: the date of the complete resection (null when unknown). */
  resectionDate: IsoDate | null
}

/** The latest read study (date and result), as the caller found it. */
export interface LatestRead {
  date: IsoDate
  result: StudyResult
}

function latestReadOf(c: Case, asOf: IsoDate): LatestRead | null {
  let best: LatestRead | null = null
  for (const s of c.studies) {
    if (s.result === null || s.date > asOf) continue
    if (best === null || s.date > best.date) best = { date: s.date, result: s.result }
  }
  return best
}

function treatmentWords(list: readonly Treatment[]): string {
  let out = ''
  for (const t of list) {
    const words =
      t.kind === 'resection'
        ? 'incomplete resection'
        : TREATMENT_LABELS[t.kind] + (t.date ? ' on ' + t.date : '')
    out = out === '' ? words : out + ', ' + words
  }
  return out
}

/**
 * Place a case in a guideline variant, or in none.
 *
 * Treatments dated after `asOf` are planned, not done, and are ignored. Pass `latestRead` when
 * the caller already knows it (e.g. a result derived from RECIST); otherwise the latest study
 * with a reader's result on or before `asOf` is used.
 *
 * @example classify(nl01, '2026-06-15').variant // 'follow-up-non-liver-dominant'
 */
export function classify(c: Case, asOf: IsoDate, latestRead?: LatestRead | null): Classification {
  // Plain state and module-level helpers (no closures): this runs once per case in batch jobs.
  const st: Classification = {
    variant: null,
    reasons: [],
    alerts: [],
    inputsMissing: [],
    resectionDate: null,
  }
  const { reasons, inputsMissing } = st

  // Every variant of the pack is written for adults (each source article opens with an adult
  // patient); a child's imaging choices and radiation levels differ.
  if (c.birthDate !== null && c.birthDate <= asOf) {
    const age = wholeYearsBetween(c.birthDate, asOf)
    if (age < ADULT_AGE) {
      return outside(
        st,
        `The guideline variants are written for adults; this patient is ${age} on ${asOf}, so none applies and a clinician decides.`,
      )
    }
  }

  if (c.treatments === null) {
    inputsMissing.push('treatments')
    reasons.push('The treatment history is not recorded, and every variant depends on it.')
    return done(st, null)
  }

  // Sort the treatments given so far.
  let complete: Treatment | null = null
  let completeUndated = false
  let resectionUnknown = false
  const other: Treatment[] = []
  for (const t of c.treatments) {
    if (t.date !== null && t.date > asOf) continue
    if (t.kind !== 'resection') other.push(t)
    else if (t.completeResection === true) {
      if (t.date === null) completeUndated = true
      else if (complete === null || complete.date === null || t.date > complete.date) complete = t
    } else if (t.completeResection === false) other.push(t)
    else resectionUnknown = true
  }
  if (complete === null && completeUndated)
    complete = { kind: 'resection', date: null, completeResection: true }

  // After a complete resection: surveillance unless something shows disease came back or remains.
  if (complete !== null) {
    const rDate = complete.date
    let after = 0
    for (const t of other) {
      if (t.date === null || rDate === null) {
        inputsMissing.push('treatments.date')
        reasons.push('Treatment dates are needed to tell whether treatment followed the complete resection.')
        return done(st, null)
      }
      if (t.date > rDate) after++
    }
    if (after === 0) return afterResection(st, c, asOf, rDate, latestRead)
  } else if (resectionUnknown && other.length === 0) {
    inputsMissing.push('treatments.completeResection')
    reasons.push('A resection is recorded without saying whether it was complete; that decides the variant.')
    return done(st, null)
  }

  // Treated disease (non-surgical treatment, an incomplete resection, or treatment after surgery).
  if (other.length > 0) {
    reasons.push(`Treated (${treatmentWords(other)}): this is follow-up of known disease.`)
    if (c.diagnosis.confirmed === false) {
      return outside(
        st,
        'The follow-up variants are for a histologically confirmed pNET; this one is recorded as suspected only.',
      )
    }
    if (c.diagnosis.confirmed === null) {
      inputsMissing.push('diagnosis.confirmed')
      reasons.push('Histological confirmation is not recorded; the follow-up variants assume it.')
    }
    if (c.activeSurveillance === true) {
      reasons.push(
        'Marked as active surveillance, but treatment is recorded, so the treated pathway applies.',
      )
    }
    if (c.burden === 'non-liver-dominant') {
      reasons.push('Most of the tumour volume lies outside the liver.')
      return done(st, 'follow-up-non-liver-dominant')
    }
    if (c.burden === 'liver-dominant') {
      reasons.push('Most of the tumour volume lies in the liver.')
      return done(st, 'follow-up-liver-dominant')
    }
    inputsMissing.push('burden')
    reasons.push(
      'Where most of the tumour volume lies (liver or elsewhere) is not recorded; it decides between the two follow-up variants. Record it.',
    )
    return done(st, null)
  }

  // No treatment so far.
  if (c.activeSurveillance === true) {
    reasons.push('No treatment is recorded and the tumour is deliberately watched (active surveillance).')
    const atypical: string[] = []
    if (c.diagnosis.grade === 'G3') atypical.push('grade G3')
    if (c.diagnosis.functional === true) atypical.push('a hormone syndrome')
    if (c.diagnosis.confirmed === false) reasons.push('The diagnosis is recorded as suspected only.')
    if (atypical.length > 0) {
      reasons.push(
        `Surveillance usually concerns small, low-grade, non-functioning tumours; this one has ${atypical.join(' and ')}.`,
      )
      st.alerts.push('atypical-for-surveillance')
    }
    return done(st, 'untreated-surveillance')
  }
  if (c.stagingComplete === false) {
    reasons.push('A new diagnosis, not yet treated, and baseline staging is not complete.')
    if (c.diagnosis.confirmed === false)
      reasons.push('Suspected only, which the staging variant also covers.')
    return done(st, 'initial-staging')
  }
  if (c.activeSurveillance === null || c.stagingComplete === null) {
    if (c.activeSurveillance === null) inputsMissing.push('activeSurveillance')
    if (c.stagingComplete === null) inputsMissing.push('stagingComplete')
    reasons.push(
      'No treatment is recorded; whether staging is complete and whether the tumour is being watched decide the variant.',
    )
    return done(st, null)
  }
  return outside(
    st,
    'Staged and untreated, but not under active surveillance: no variant covers the wait for a treatment decision.',
  )
}

function done(
  st: Classification,
  variant: VariantId | null,
  resectionDate: IsoDate | null = null,
): Classification {
  if (st.inputsMissing.length > 0) st.alerts.push('missing-facts')
  st.variant = variant
  st.resectionDate = resectionDate
  return st
}

function outside(st: Classification, why: string): Classification {
  st.reasons.push(why)
  st.alerts.push('outside-topic')
  return done(st, null)
}

function afterResection(
  st: Classification,
  c: Case,
  asOf: IsoDate,
  rDate: IsoDate | null,
  latestRead: LatestRead | null | undefined,
): Classification {
  const { reasons, inputsMissing } = st
  reasons.push(`Complete resection${rDate ? ' on ' + rDate : ''}, with no known residual disease.`)
  const latest = latestRead === undefined ? latestReadOf(c, asOf) : latestRead
  if (latest !== null && latest.result === 'progression' && (rDate === null || latest.date > rDate)) {
    st.alerts.push('progression')
    return outside(
      st,
      `The study of ${latest.date} shows progression after the resection: that is recurrence, which routine surveillance does not cover.`,
    )
  }
  const suspicion: string[] = []
  if (c.suspectedRecurrence === true) suspicion.push('recurrence is suspected')
  if (c.symptoms !== null && c.symptoms.length > 0)
    suspicion.push(`symptoms are recorded (${c.symptoms.join(', ')})`)
  if (suspicion.length > 0) {
    st.alerts.push('suspected-recurrence')
    return outside(
      st,
      `Routine surveillance after resection requires no suspicion of recurrence, but ${suspicion.join(' and ')}; no variant covers a suspected recurrence, so a clinician decides.`,
    )
  }
  if (c.suspectedRecurrence === null) inputsMissing.push('suspectedRecurrence')
  if (c.symptoms === null) inputsMissing.push('symptoms')
  if (inputsMissing.length > 0) {
    reasons.push(
      'Surveillance after resection requires no symptoms and no suspected recurrence; record these facts.',
    )
    return done(st, null)
  }
  reasons.push('No symptoms that suggest recurrence, and recurrence is not suspected.')
  return done(st, 'post-resection-surveillance', rDate)
}
