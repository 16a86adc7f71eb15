import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { StudyInput } from '../../../db/types'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import { initials } from '../../../electron/backend/interop/calendar'
import type { CallName, RequestOf, ResultOf, StudyRequest } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { ACR_PNET, addDays } from '../../../engine'
import { localNoon, patientInput, tempDir } from '../../helpers/db'
import { fhirProblems } from '../../helpers/fhirSchema'

// The plan out of the app (docs/interop.md): calendar files and FHIR bundles, through the same
// dispatch path the UI uses, on a real SQLite file with the clock at 10:00 on 2026-11-24 where the
// reader sits (the day in file names is the local one, in every time zone).

let backend: Backend
let cleanup: () => void
const NOW = localNoon('2026-11-24', 10)
/** DTSTAMP is UTC (RFC 5545 form). */
const STAMP = NOW.toISOString()
  .replace(/[-:]/g, '')
  .replace(/\.\d{3}/, '')

beforeEach(() => {
  const t = tempDir()
  cleanup = t.cleanup
  backend = openBackend({
    dataFile: path.join(t.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    now: () => NOW,
    user: 'dr.test',
  })
})
afterEach(() => {
  backend.close()
  cleanup()
})

async function call<K extends CallName>(name: K, req: RequestOf<K>) {
  return dispatch(backend.handlers, name, req, () => undefined)
}
async function ok<K extends CallName>(name: K, req: RequestOf<K>): Promise<ResultOf<K>> {
  const r = await call(name, req)
  if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`)
  return r.value as ResultOf<K>
}

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast' as const
const CT = 'ct-abdomen-pelvis-with-iv-contrast' as const
const noDose: StudyInput['dose'] = {
  effectiveMsv: null,
  ctdiVolMgy: null,
  dlpMgyCm: null,
  region: null,
  activityMbq: null,
  agent: null,
}
const study = (date: string, extra: Partial<StudyRequest> = {}): StudyRequest => ({
  date,
  procedure: MRI,
  result: 'stable',
  lesions: [],
  dose: noDose,
  note: null,
  ...extra,
})

/** RFC 5545 content lines: CRLF-terminated, folded at 75 octets, unfolded here. */
function contentLines(ics: string): string[] {
  expect(ics.endsWith('\r\n') || ics.endsWith('END:VCALENDAR')).toBe(true)
  const physical = ics.split('\r\n').filter((l) => l !== '')
  for (const l of physical) {
    expect(l).not.toMatch(/[\r\n]/)
    expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75)
  }
  const out: string[] = []
  for (const l of physical) {
    if (l.startsWith(' ')) out[out.length - 1] += l.slice(1)
    else out.push(l)
  }
  return out
}

/** The events of a calendar: each event's property lines by name, its alarm's apart. */
type CalEvent = Record<string, string> & { alarm: Record<string, string> }
function events(ics: string): CalEvent[] {
  const lines = contentLines(ics)
  expect(lines[0]).toBe('BEGIN:VCALENDAR')
  expect(lines.at(-1)).toBe('END:VCALENDAR')
  expect(lines).toContain('VERSION:2.0')
  const out: CalEvent[] = []
  let props: Record<string, string> | null = null
  let alarm: Record<string, string> = {}
  let inAlarm = false
  for (const l of lines) {
    if (l === 'BEGIN:VEVENT') {
      props = {}
      alarm = {}
    } else if (l === 'END:VEVENT') {
      out.push({ ...props!, alarm } as CalEvent)
      props = null
    } else if (l === 'BEGIN:VALARM') inAlarm = true
    else if (l === 'END:VALARM') inAlarm = false
    else if (props) {
      const i = l.indexOf(':')
      ;(inAlarm ? alarm : props)[l.slice(0, i)] = l.slice(i + 1)
    }
  }
  return out
}

const compact = (d: string) => d.replaceAll('-', '')

describe('calendar export (RFC 5545)', () => {
  it('one patient: one all-day event over the due window, a reminder before it, initials and MRN only', async () => {
    const p = await ok('patients.create', patientInput({ mrn: 'MRN-77', name: 'Example, Ada Lovelace' }))
    await ok('studies.record', { patientId: p.id, study: study('2026-10-01') })
    const item = (await ok('patients.detail', { id: p.id })).items.find((i) => i.status === 'scheduled')!

    const f = await ok('exports.calendar', {
      scope: { kind: 'patient', patientId: p.id },
      identify: 'initials-mrn',
      reminderDays: 7,
    })
    expect(f.fileName).toBe('pnet-followup_MRN-77_2026-11-24.ics')
    expect(f.mediaType).toBe('text/calendar;charset=utf-8')
    const [e, ...more] = events(f.text)
    expect(more).toHaveLength(0)
    expect(e!['DTSTART;VALUE=DATE']).toBe(compact(item.due.from))
    // DTEND of a date event is the day after the last day.
    expect(e!['DTEND;VALUE=DATE']).toBe(compact(addDays(item.due.to, 1)))
    expect(e!['UID']).toBe(`followup-item-${item.id}@pnet-followup`)
    expect(e!['DTSTAMP']).toBe(STAMP)
    expect(e!['SUMMARY']).toBe(
      `pNET follow-up: ${ACR_PNET.procedure[MRI].acrName} – E. A. L. (MRN MRN-77)`.replace(/[,;]/g, '\\$&'),
    )
    expect(e!.alarm).toMatchObject({ ACTION: 'DISPLAY', TRIGGER: '-P7D' })
    // No more of the patient than chosen: not the name, not the birth date.
    expect(f.text).not.toMatch(/Lovelace|Example|1962/)
  })

  it('names the patient as chosen: MRN only, or the full name', async () => {
    const p = await ok('patients.create', patientInput({ mrn: 'M-5', name: 'Rosa Alvarez' }))
    const mrnOnly = await ok('exports.calendar', {
      scope: { kind: 'patient', patientId: p.id },
      identify: 'mrn',
      reminderDays: 0,
    })
    expect(events(mrnOnly.text)[0]!['SUMMARY']).toMatch(/– MRN M-5$/)
    expect(mrnOnly.text).not.toMatch(/Rosa|Alvarez|R\. A\./)
    expect(events(mrnOnly.text)[0]!.alarm['TRIGGER']).toBe('PT0S')
    const full = await ok('exports.calendar', {
      scope: { kind: 'patient', patientId: p.id },
      identify: 'name-mrn',
      reminderDays: 14,
    })
    expect(events(full.text)[0]!['SUMMARY']).toMatch(/– Rosa Alvarez \(MRN M-5\)$/)
    expect(events(full.text)[0]!.alarm['TRIGGER']).toBe('-P14D')
  })

  it('the worklist: one event per open step of the tab and filter, nothing else', async () => {
    const a = await ok('patients.create', patientInput({ mrn: 'A-1', name: 'Ada One' }))
    const b = await ok('patients.create', patientInput({ mrn: 'B-2', name: 'Bea Two' }))
    const c = await ok('patients.create', patientInput({ mrn: 'C-3', name: 'Cy Three' }))
    // c had an MRI last month: its next study is months away, outside "overdue and due".
    await ok('studies.record', { patientId: c.id, study: study('2026-10-20') })
    const f = await ok('exports.calendar', {
      scope: { kind: 'worklist', bucket: 'now', title: 'pNET follow-up: overdue and due' },
      identify: 'initials-mrn',
      reminderDays: 3,
    })
    expect(f.events).toBe(2)
    const evs = events(f.text)
    expect(evs.map((e) => e['SUMMARY']!.match(/MRN ([A-Z]-\d)/)![1]).sort()).toEqual(['A-1', 'B-2'])
    expect(f.text).toContain('NAME:pNET follow-up: overdue and due')
    expect(f.fileName).toBe('pnet-followup_worklist_now_2026-11-24.ics')
    const searched = await ok('exports.calendar', {
      scope: { kind: 'worklist', bucket: 'all', search: 'Bea', title: 'x' },
      identify: 'mrn',
      reminderDays: 3,
    })
    expect(searched.events).toBe(1)
    expect(events(searched.text)[0]!['SUMMARY']).toContain('MRN B-2')
    expect([a.id, b.id]).toHaveLength(2)
  })

  it('refuses a patient without an open step and an out-of-range reminder, with a message', async () => {
    const p = await ok('patients.create', patientInput())
    await ok('surveillance.leave', {
      patientId: p.id,
      exit: { reasonCode: 'deceased', text: null, attempts: null, date: '2026-11-20' },
    })
    const none = await call('exports.calendar', {
      scope: { kind: 'patient', patientId: p.id },
      identify: 'mrn',
      reminderDays: 1,
    })
    expect(none).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    const bad = await call('exports.calendar', {
      scope: { kind: 'patient', patientId: p.id },
      identify: 'mrn',
      reminderDays: 400,
    })
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', fields: { reminderDays: expect.any(String) } },
    })
  })

  it('initials: the first letter of each part of the name, in the order written', () => {
    expect(initials('Alvarez, Rosa')).toBe('A. R.')
    expect(initials('  élodie  de la Tour ')).toBe('É. D. L. T.')
    expect(initials("O'Brien, (Jr.) Sean")).toBe('O. J. S.')
    expect(initials('---')).toBe('?')
  })
})

describe('FHIR R4 export', () => {
  it('a Bundle valid against the R4 schema: Patient, ServiceRequest (proposal, due window, reasons, pack) and dose Observations', async () => {
    const p = await ok('patients.create', patientInput({ mrn: 'F-1', name: 'Fay Hir' }))
    await ok('studies.record', {
      patientId: p.id,
      study: study('2026-05-01', {
        procedure: CT,
        dose: { ...noDose, ctdiVolMgy: 12.5, dlpMgyCm: 640, region: 'abdomen-pelvis' },
      }),
    })
    await ok('studies.record', { patientId: p.id, study: study('2026-10-01') })
    const detail = await ok('patients.detail', { id: p.id })
    const rec = detail.recommendations.find((r) => r.supersededBy === null)!
    const item = detail.items.find((i) => i.status === 'scheduled')!

    const f = await ok('exports.fhir', { patientId: p.id })
    expect(f.fileName).toBe('pnet-followup_F-1_2026-11-24.fhir.json')
    expect(f.mediaType).toBe('application/fhir+json;charset=utf-8')
    const bundle = JSON.parse(f.text)
    expect(fhirProblems(bundle)).toEqual([])
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: NOW.toISOString() })

    const byType = (t: string) =>
      bundle.entry.filter((e: { resource: { resourceType: string } }) => e.resource.resourceType === t)
    const [patient] = byType('Patient')
    expect(patient.resource).toMatchObject({
      identifier: [{ system: 'urn:pnet-followup:mrn', value: 'F-1' }],
      name: [{ text: 'Fay Hir' }],
      birthDate: '1962-05-14',
    })
    const [sr] = byType('ServiceRequest')
    expect(sr.resource).toMatchObject({
      status: 'draft',
      intent: 'proposal',
      subject: { reference: patient.fullUrl },
      code: { coding: [{ system: 'urn:pnet-followup:procedure', code: item.procedure }] },
      occurrencePeriod: { start: item.due.from, end: item.due.to },
      instantiatesCanonical: [`urn:pnet-followup:guideline:${rec.packId}|${rec.packVersion}`],
      authoredOn: rec.createdAt,
    })
    expect(sr.resource.reasonCode).toHaveLength(rec.output.rationale.length)
    expect(sr.resource.reasonCode[0].text).toContain(rec.output.rationale[0]!.text)
    expect(sr.resource.supportingInfo[0].display).toContain(rec.packVersion)

    // One Observation per study with a dose: the CT (recorded indices and the estimate); the MRI
    // has no ionising dose and no recorded index, so none.
    const obs = byType('Observation')
    expect(obs).toHaveLength(1)
    expect(obs[0].resource).toMatchObject({
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '73569-6' }] },
      effectiveDateTime: '2026-05-01',
      valueQuantity: { value: 9.6, code: 'mSv', system: 'http://unitsofmeasure.org' },
    })
    expect(obs[0].resource.component).toEqual([
      expect.objectContaining({
        code: expect.objectContaining({ coding: [expect.objectContaining({ code: '113830' })] }),
        valueQuantity: expect.objectContaining({ value: 12.5, code: 'mGy' }),
      }),
      expect.objectContaining({
        code: expect.objectContaining({ coding: [expect.objectContaining({ code: '113838' })] }),
        valueQuantity: expect.objectContaining({ value: 640, code: 'mGy.cm' }),
      }),
    ])
    expect(sr.resource.supportingInfo.map((r: { reference?: string }) => r.reference)).toContain(
      obs[0].fullUrl,
    )
  }, 60_000)

  it('the radiologist’s override is what is proposed, with the guideline’s suggestion in a note', async () => {
    const p = await ok('patients.create', patientInput())
    const item = (await ok('patients.detail', { id: p.id })).items[0]!
    await ok('followup.override', {
      itemId: item.id,
      version: item.version,
      procedure: CT,
      due: { from: '2027-01-10', to: '2027-02-10' },
      reasonCode: 'patient-preference',
      text: 'claustrophobic',
    })
    const bundle = JSON.parse((await ok('exports.fhir', { patientId: p.id })).text)
    expect(fhirProblems(bundle)).toEqual([])
    const sr = bundle.entry.find(
      (e: { resource: { resourceType: string } }) => e.resource.resourceType === 'ServiceRequest',
    ).resource
    expect(sr.code.coding[0].code).toBe(CT)
    expect(sr.occurrencePeriod).toEqual({ start: '2027-01-10', end: '2027-02-10' })
    expect(sr.note.map((n: { text: string }) => n.text).join(' ')).toMatch(
      /patient-preference: claustrophobic.*suggested/,
    )
  }, 60_000)

  it('the schema check fails a resource with an unknown field or without its subject (the check can fail)', async () => {
    const p = await ok('patients.create', patientInput())
    const bundle = JSON.parse((await ok('exports.fhir', { patientId: p.id })).text)
    const sr = bundle.entry.find(
      (e: { resource: { resourceType: string } }) => e.resource.resourceType === 'ServiceRequest',
    )
    sr.resource.dueWindow = { start: '2027-01-01' }
    expect(fhirProblems(bundle).map((x) => x.at)).toEqual([expect.stringContaining('ServiceRequest')])
    delete sr.resource.dueWindow
    delete sr.resource.subject
    expect(fhirProblems(bundle)).toHaveLength(1)
    bundle.type = 12
    expect(fhirProblems(bundle).map((x) => x.at)).toContain('Bundle')
  }, 60_000)
})
