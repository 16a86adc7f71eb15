import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import type { AuditListEntry, CallName, RequestOf, ResultOf } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { AUDIT_KINDS } from '../../../engine'
import {
  AUDIT_KIND_LABELS,
  auditActionText,
  auditChanges,
  auditSubject,
  type AuditChange,
} from '../../../renderer/src/domain/auditWords'
import { auditCsv, auditRows, AUDIT_COLUMNS } from '../../../renderer/src/features/audit/auditCsv'
import { localNoon, patientInput, tempDir } from '../../helpers/db'
import { backupOk } from '../../helpers/logfiles'

// Before/after in words (issue 13): every kind of record the app audits, as the real services
// write it, turned into "label: before → after" with the app's labels and no stored JSON.

let backend: Backend
let cleanup: () => void
let entries: AuditListEntry[]
let patientId: number

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast' as const
const NO_DOSE = {
  effectiveMsv: null,
  ctdiVolMgy: null,
  dlpMgyCm: null,
  region: null,
  activityMbq: null,
  agent: null,
}

async function ok<K extends CallName>(name: K, req: RequestOf<K>): Promise<ResultOf<K>> {
  const r = await dispatch(backend.handlers, name, req, () => undefined)
  if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`)
  return r.value as ResultOf<K>
}

beforeAll(async () => {
  const t = tempDir()
  cleanup = t.cleanup
  backend = openBackend({
    dataFile: path.join(t.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    now: () => localNoon('2026-11-24', 10),
    user: 'dr.words',
    backgroundCheck: false,
  })
  const p = await ok('patients.create', patientInput({ weightKg: 70 }))
  patientId = p.id
  await ok('patients.update', { id: p.id, version: p.version, patient: patientInput({ weightKg: 72 }) })
  const s = await ok('studies.record', {
    patientId: p.id,
    study: {
      date: '2026-03-01',
      procedure: MRI,
      result: 'not-read-yet',
      lesions: [],
      dose: NO_DOSE,
      note: null,
    },
  })
  await ok('studies.setResult', { studyId: s.study.id, version: s.study.version, result: 'stable' })
  const v = await ok('biomarkers.add', {
    patientId: p.id,
    biomarker: { marker: 'chromogranin-a', unit: 'ng/mL', date: '2026-06-01', value: 150 },
  })
  await ok('biomarkers.remove', { id: v.id, version: v.version })
  await ok('notes.set', { patientId: p.id, version: null, text: 'Prefers mornings.' })
  const d = await ok('patients.detail', { id: p.id })
  const t0 = d.treatments[0]!
  await ok('treatments.markError', { treatmentId: t0.id, version: t0.version, reason: 'Typed twice' })
  await ok('surveillance.leave', {
    patientId: p.id,
    exit: { reasonCode: 'discharged-elsewhere', text: null, attempts: null, date: '2026-11-20' },
  })
  await ok('patients.undo', { patientId: p.id })
  await ok('settings.update', { theme: 'light' })
  await ok('pacs.save', {
    endpoint: {
      name: 'Main PACS',
      baseUrl: 'https://pacs.example.org/dicom-web',
      auth: 'none',
      username: null,
      timeoutMs: 5000,
    },
  } as never)
  await ok('mappings.save', {
    mapping: { modality: 'MR', keywords: 'abdomen', bodyPart: '', procedure: MRI },
  })
  await ok('exports.fhir', { patientId: p.id })
  await backupOk(backend)
  entries = (await ok('audit.export', {})).entries
})
afterAll(() => {
  backend.close()
  cleanup()
})

const changesOf = (action: string, entity?: string): AuditChange[] => {
  const e = entries.find((x) => x.action === action && (entity === undefined || x.entity === entity))
  if (!e) throw new Error(`no ${action} entry`)
  return auditChanges(e.entity, e.before, e.after)
}

describe('before and after in words', () => {
  it('an edit of the facts names each changed field with its unit', () => {
    expect(changesOf('patient.update')).toContainEqual({ label: 'Weight', before: '70 kg', after: '72 kg' })
    // Fields that did not change are not listed.
    expect(changesOf('patient.update').map((c) => c.label)).not.toContain('Name')
  })

  it('a result names the study and says what it was set to', () => {
    const e = entries.find((x) => x.action === 'study.result')!
    expect(auditSubject(e.entity, e.before, e.after)).toMatch(/^Study 2026-03-01 /)
    expect(changesOf('study.result')).toEqual([{ label: 'Result', before: 'Not read yet', after: 'Stable' }])
  })

  it('a creation lists what was given, a removal what was there', () => {
    const add = changesOf('biomarker.add')
    expect(add).toContainEqual({ label: 'Value', before: '—', after: '150' })
    expect(add).toContainEqual({
      label: 'Marker',
      before: '—',
      after: expect.stringMatching(/Chromogranin A/i),
    })
    expect(changesOf('biomarker.remove')).toContainEqual({ label: 'Value', before: '150', after: '—' })
    expect(changesOf('note.set')).toEqual([{ label: 'Note', before: '—', after: 'Prefers mornings.' }])
  })

  it('a treatment marked in error, an exit, an undo, settings and site records in words', () => {
    const marked = entries.find((x) => x.action === 'treatment.markError' && x.entity === 'treatment')!
    expect(auditChanges(marked.entity, marked.before, marked.after)).toContainEqual({
      label: 'State',
      before: 'in use',
      after: expect.stringContaining('entered in error: “Typed twice”'),
    })
    const onPatient = entries.find((x) => x.action === 'treatment.markError' && x.entity === 'patient')!
    expect(auditChanges(onPatient.entity, onPatient.before, onPatient.after)).toEqual([
      { label: 'Treatment 1: kind', before: 'PRRT', after: '—' },
      { label: 'Treatment 1: date', before: '2025-01-15', after: '—' },
      { label: 'Treatment 1: complete resection', before: 'unknown', after: '—' },
    ])
    expect(changesOf('surveillance.leave', 'surveillance_exit')).toContainEqual({
      label: 'Reason',
      before: '—',
      after: 'Discharged to another centre',
    })
    expect(auditActionText('undo.surveillance.leave')).toBe('Undid leaving surveillance')
    expect(changesOf('settings.update')).toContainEqual({ label: 'Theme', before: 'dark', after: 'light' })
    expect(changesOf('pacs.create')).toContainEqual({ label: 'Name', before: '—', after: 'Main PACS' })
    expect(changesOf('mapping.create')).toContainEqual({ label: 'Modality', before: '—', after: 'MR' })
    expect(changesOf('export.fhir')).toEqual([
      { label: 'File', before: '—', after: expect.stringMatching(/\.fhir\.json$/) },
    ])
    expect(changesOf('backup.manual').map((c) => c.label)).toEqual(
      expect.arrayContaining(['File', 'Size', 'SHA-256', 'Last audit entry in the copy']),
    )
  })

  it('every entry of every audited kind reads as words: no stored JSON, a subject, an action text', () => {
    const entities = new Set(entries.map((e) => e.entity))
    for (const e of [
      'patient',
      'study',
      'treatment',
      'followup_item',
      'surveillance_exit',
      'biomarker',
      'patient_note',
      'recommendation',
      'undo_entry',
      'setting',
      'pacs_endpoint',
      'procedure_mapping',
      'access',
      'log',
    ])
      expect(entities, e).toContain(e)
    for (const e of entries) {
      const changes = auditChanges(e.entity, e.before, e.after)
      for (const c of changes) {
        expect(c.label, e.action).not.toMatch(/[{}"[\]]|\d+\.\d+|undefined/)
        expect(`${c.before} ${c.after}`, `${e.action} ${c.label}`).not.toMatch(
          /[{}]|"\w+":|\[object|undefined/,
        )
        expect(c.before === c.after, `${e.action} ${c.label}`).toBe(false)
      }
      expect(auditSubject(e.entity, e.before, e.after)).not.toBe('')
      // Every action the app wrote here has words of its own (an unknown one shows its code).
      expect(auditActionText(e.action), e.action).not.toBe(e.action)
      expect(AUDIT_KINDS).toContain(e.kind)
    }
    // A change that is not a creation or removal lists at least one changed field.
    for (const e of entries.filter((x) => x.kind === 'changed' || x.kind === 'result'))
      expect(auditChanges(e.entity, e.before, e.after).length, e.action).toBeGreaterThan(0)
  })

  it('the export CSV has one row per entry with the changes in words, formulas neutralised', () => {
    const rows = auditRows(entries)
    expect(rows[0]).toEqual([...AUDIT_COLUMNS])
    expect(rows).toHaveLength(entries.length + 1)
    const result = rows.find((r) => r[AUDIT_COLUMNS.indexOf('Action code')] === 'study.result')!
    expect(result[3]).toBe(AUDIT_KIND_LABELS.result)
    expect(result[8]).toBe('Result: Not read yet → Stable')
    expect(result[6]).toBe('Ada Example')
    const nasty = { ...entries[0]!, actor: '=HYPERLINK("x")' }
    expect(auditCsv([nasty])).toContain(`"'=HYPERLINK(""x"")"`)
    expect(patientId).toBeGreaterThan(0)
  })
})
