import icalGenerator, { ICalAlarmType } from 'ical-generator'
import { ACR_PNET, addDays } from '../../../engine'
import type { CalendarIdentity, FollowUpItemKind, IsoDate, ProcedureId } from '../../../engine'

// The follow-up plan as an iCalendar file (RFC 5545), written by ical-generator: one all-day
// VEVENT per due window (DTSTART the first day, DTEND the day after the last, as RFC 5545 has it
// for dates), with a display VALARM the chosen number of days before the window opens. An event
// names the patient only as far as the person exporting chose (CALENDAR_IDENTITIES): initials and
// MRN by default. Nothing else about the patient goes in (no birth date, no diagnosis, no result).

export interface CalendarEntry {
  /** The follow-up item: its id makes the event's UID, so a second export updates the same event. */
  itemId: number
  name: string
  mrn: string
  kind: FollowUpItemKind
  /** The study in force (the radiologist's choice when there is one). */
  procedure: ProcedureId | null
  due: { from: IsoDate; to: IsoDate }
}

export interface CalendarOptions {
  identify: CalendarIdentity
  /** The reminder fires this many days before the window opens (0: on the first day). */
  reminderDays: number
  /** DTSTAMP of every event: when the file was written. */
  now: Date
  /** The calendar's name, e.g. "pNET follow-up: overdue and due". */
  title: string
}

/** "Alvarez, Rosa" → "A. R.": the first letter of each part of the name, in the order written. */
export function initials(name: string): string {
  const letters = name
    .split(/[\s,]+/)
    .map((w) => [...w.replace(/^[^\p{L}]+/u, '')][0])
    .filter((c): c is string => c !== undefined)
    .map((c) => `${c.toUpperCase()}.`)
  return letters.join(' ') || '?'
}

/** Who the event is about, as much as the person chose to say. */
export function patientLabel(e: Pick<CalendarEntry, 'name' | 'mrn'>, identify: CalendarIdentity): string {
  switch (identify) {
    case 'mrn':
      return `MRN ${e.mrn}`
    case 'name-mrn':
      return `${e.name} (MRN ${e.mrn})`
    case 'initials-mrn':
      return `${initials(e.name)} (MRN ${e.mrn})`
  }
}

/** What the step asks for, in words. */
export function stepText(kind: FollowUpItemKind, procedure: ProcedureId | null): string {
  const study = procedure ? ACR_PNET.procedure[procedure].acrName : 'imaging (study to choose)'
  switch (kind) {
    case 'imaging':
    case 'imaging-now':
      return study
    case 'treatment-response':
      return `${study} (response to treatment)`
    case 'enter-result':
      return 'Enter the result of the latest study'
    case 'tumor-board':
      return 'Tumour board'
    case 'clinician-review':
      return 'Radiologist review'
  }
}

/** A calendar date as the UTC midnight ical-generator writes as a DATE value. */
function dateValue(d: IsoDate): Date {
  return new Date(`${d}T00:00:00.000Z`)
}

/** The iCalendar text for the entries, one event each, in the order given. */
export function calendarText(entries: readonly CalendarEntry[], opts: CalendarOptions): string {
  const cal = icalGenerator({
    name: opts.title,
    prodId: { company: 'pNET Follow-up', product: 'follow-up plan', language: 'EN' },
  })
  for (const e of entries) {
    const what = stepText(e.kind, e.procedure)
    const who = patientLabel(e, opts.identify)
    cal.createEvent({
      id: `followup-item-${e.itemId}@pnet-followup`,
      stamp: opts.now,
      start: dateValue(e.due.from),
      // DTEND of an all-day event is the day after its last day (RFC 5545, 3.6.1).
      end: dateValue(addDays(e.due.to, 1)),
      allDay: true,
      summary: `pNET follow-up: ${what} – ${who}`,
      description: [
        `${what} for ${who}.`,
        `Due window: ${e.due.from} to ${e.due.to}.`,
        'From pNET Follow-up; open the app for the reasons and sources.',
      ].join('\n'),
      alarms: [
        {
          type: ICalAlarmType.display,
          // Seconds before the event starts (a negative TRIGGER duration).
          trigger: opts.reminderDays * 86_400,
          description: `pNET follow-up due ${opts.reminderDays === 0 ? 'from today' : `in ${opts.reminderDays} days`}: ${what} – ${who}`,
        },
      ],
    })
  }
  return cal.toString()
}
