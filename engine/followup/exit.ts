// Leaving surveillance: the reasons in words and the checks on a recorded exit.

import type { Guard, SurveillanceExit, SurveillanceExitReason } from './types'

export const EXIT_REASON_LABELS: Readonly<Record<SurveillanceExitReason, string>> = {
  'surveillance-completed': 'surveillance completed per the guideline',
  'discharged-elsewhere': 'discharged to another centre',
  deceased: 'deceased',
  'declined-imaging': 'declined further imaging',
  'lost-to-follow-up': 'lost to follow-up',
  other: 'other',
}

/** The exit in words, e.g. "lost to follow-up after 3 attempts". */
export function describeExit(exit: SurveillanceExit): string {
  const label = EXIT_REASON_LABELS[exit.reasonCode]
  const attempts =
    exit.reasonCode === 'lost-to-follow-up' && exit.attempts !== null
      ? ` after ${exit.attempts} attempt${exit.attempts === 1 ? '' : 's'}`
      : ''
  const text = exit.text ? `: ${exit.text}` : ''
  return `${label}${attempts}${text}`
}

/** What is wrong with an exit, or null: `other` needs words, lost to follow-up the attempts. */
export function exitProblem(
  exit: SurveillanceExit,
  asOf: string,
): { guard: Guard; message: string; field: string } | null {
  if (exit.reasonCode === 'other' && !exit.text?.trim())
    return { guard: 'exit-needs-text', message: 'Say why the patient leaves surveillance.', field: 'text' }
  if (exit.reasonCode === 'lost-to-follow-up' && (exit.attempts === null || exit.attempts < 1)) {
    return {
      guard: 'exit-needs-attempts',
      message: 'Give how many attempts to reach the patient were made.',
      field: 'attempts',
    }
  }
  if (exit.date > asOf)
    return {
      guard: 'exit-date-in-future',
      message: 'The date the patient left is in the future.',
      field: 'date',
    }
  return null
}
