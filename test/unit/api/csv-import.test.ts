import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../db/audit'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import type { Handlers } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { patientInput, tempDir } from '../../helpers/db'
import { ok, resultOf, settle, uploadText } from '../../helpers/jobs'

// The CSV import (docs/interop.md) through the dispatch path the UI uses, on a real SQLite file,
// with the clock at 2026-11-24: preview (nothing stored), commit (all or nothing), the shared
// case schema's messages by row and column, skipped MRNs, cancel, and the write gate.

let backend: Backend
let h: Handlers
let cleanup: () => void
let auditAtOpen = 0

beforeEach(async () => {
  const t = tempDir()
  cleanup = t.cleanup
  backend = openBackend({
    dataFile: path.join(t.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    now: () => new Date('2026-11-24T10:00:00Z'),
    user: 'dr.test',
  })
  h = backend.handlers
  // The rows the log writes of itself when it is opened (the keyed chain's marker, and the daily
  // backup's row once the full check after open has passed).
  await backend.checked
  auditAtOpen = count('SELECT count(*) FROM audit_log')
})
afterEach(() => {
  backend.close()
  cleanup()
})

const count = (sql: string): number => backend.db.prepare(sql).pluck().get() as number

const GOOD = [
  'Patient ID,Patient Name,DOB,Grade,Tumour burden,Histologically confirmed,Staging complete,Active surveillance,Recurrence suspected,New symptoms,MRI contraindicated,Treatment,Treatment date,Study date,Procedure,Result,DLP,Body region',
  'RIS-001,"Lovelace, Ada",1962-05-14,G2,not liver-dominant,yes,yes,no,no,none,no,PRRT,2025-01-15,2025-06-01,CT abdomen and pelvis with IV contrast,stable,640,abdomen-pelvis',
  'RIS-001,,,,,,,,,,,,,2025-12-01,MRI abdomen and pelvis without and with IV contrast,stable,,',
  'RIS-002,Grace Hopper,1950-12-09,G1,liver-dominant,yes,yes,no,no,,unknown,,,,,,,',
].join('\r\n')

async function preview(text: string, mapping?: Record<string, string | null>) {
  const uploadId = await uploadText(h, 'list.csv', text)
  const s = await settle(
    h,
    await ok(h, 'csvImport.preview', { uploadId, ...(mapping ? { mapping: mapping as never } : {}) }),
  )
  return { uploadId, preview: resultOf(s, 'csv-preview') }
}

describe('CSV import: preview', () => {
  it('maps columns by their headers and checks every row; nothing is stored', async () => {
    const { preview: p } = await preview(GOOD)
    expect(p.mapping).toMatchObject({
      'Patient ID': 'mrn',
      'Patient Name': 'name',
      DOB: 'birthDate',
      'Tumour burden': 'burden',
      Treatment: 'treatment.kind',
      DLP: 'study.dlpMgyCm',
    })
    expect(p).toMatchObject({ records: 3, patients: 2, studies: 2, problemCount: 0, skippedCount: 0 })
    expect(p.sample).toEqual([
      { row: 2, mrn: 'RIS-001', name: 'Lovelace, Ada', birthDate: '1962-05-14', studies: 2 },
      { row: 4, mrn: 'RIS-002', name: 'Grace Hopper', birthDate: '1950-12-09', studies: 0 },
    ])
    expect(count('SELECT count(*) FROM patient')).toBe(0)
    expect(count('SELECT count(*) FROM audit_log')).toBe(auditAtOpen)
  })

  it('lists problems by row and column in the case schema’s words', async () => {
    const text = [
      'MRN,Name,Birth date,Grade,Weight (kg),Study date,Procedure,Result,DLP,Body region',
      'A-1,Ann,1960-02-30,G4,70,2025-01-01,CT abdomen and pelvis with IV contrast,stable,500,',
      'A-2,,1960-01-01,G1,heavy,,,,,',
      'A-3,Cy,1960-01-01,G1,70,2030-01-01,MRI abdomen and pelvis without and with IV contrast,stable,,',
      'A-4,Di,1960-01-01,G1,70,2025-01-01,PET scan,maybe,,',
      'A-5,Ed,1960-01-01',
    ].join('\n')
    const { preview: p } = await preview(text)
    const at = (row: number) => p.problems.filter((x) => x.row === row).map((x) => [x.column, x.message])
    expect(at(2)).toEqual([
      ['Birth date', 'Enter a real calendar date as YYYY-MM-DD.'],
      ['Grade', 'Grade is G1, G2 or G3.'],
      // The row's study is checked too, so every problem of the row shows at once.
      ['Body region', 'Give the body region the DLP was measured over.'],
    ])
    expect(at(3)).toEqual([
      ['Name', 'Enter the patient name.'],
      ['Weight (kg)', 'Weight (kg) must be a number.'],
    ])
    expect(at(4)).toEqual([['Study date', 'The study date is in the future.']])
    expect(at(5)).toEqual([
      ['Procedure', 'Choose a procedure from the list.'],
      ['Result', 'Choose a result from the list.'],
    ])
    expect(at(6)).toEqual([[null, 'This row has 3 fields; the header has 10.']])
    expect(p.problemCount).toBe(9)
  })

  it('a CT with a DLP but no region, and a patient whose later row contradicts the first, are problems', async () => {
    const text = [
      'MRN,Name,Grade,Study date,Procedure,Result,DLP',
      'B-1,Bo,G2,2025-01-01,CT abdomen and pelvis with IV contrast,stable,500',
      'B-1,Bo,G3,,,,',
    ].join('\n')
    const { preview: p } = await preview(text)
    expect(p.problems).toEqual([
      {
        row: 2,
        column: null,
        field: 'study.region',
        message: 'Give the body region the DLP was measured over.',
      },
      {
        row: 3,
        column: 'Grade',
        field: 'diagnosis.grade',
        message: expect.stringContaining('Differs from row 2 for the same MRN'),
      },
    ])
  })

  it('a column the headers do not name can be mapped by hand; two columns on one field are refused', async () => {
    const text = 'Identifier,Surname and first name\nX-9,Doe Jane\n'
    const auto = (await preview(text)).preview
    expect(auto.mapping).toEqual({ Identifier: null, 'Surname and first name': null })
    expect(auto.problems.map((p) => p.message)).toEqual([
      'No column is mapped to MRN: every patient needs one.',
      'No column is mapped to Name: every patient needs one.',
    ])
    const mapped = (await preview(text, { Identifier: 'mrn', 'Surname and first name': 'name' })).preview
    expect(mapped).toMatchObject({ problemCount: 0, patients: 1 })
    const twice = (await preview(text, { Identifier: 'mrn', 'Surname and first name': 'mrn' })).preview
    expect(twice.problems[0]!.message).toMatch(/both mapped to MRN/)
  })
})

describe('CSV import: commit', () => {
  it('imports every patient and study in one go, through the typed path: engine, follow-up step, audit', async () => {
    const { uploadId, preview: p } = await preview(GOOD)
    const s = await settle(h, await ok(h, 'csvImport.commit', { uploadId, mapping: p.mapping }))
    expect(resultOf(s, 'csv-import')).toMatchObject({ patients: 2, studies: 2, skipped: 0 })
    expect(s.progress).toMatchObject({ phase: 'importing', done: 2, total: 2 })

    const list = await ok(h, 'patients.list', { limit: 10, offset: 0 })
    const ada = list.items.find((x) => x.mrn === 'RIS-001')!
    const d = await ok(h, 'patients.detail', { id: ada.id })
    expect(d.patient).toMatchObject({ name: 'Lovelace, Ada', burden: 'non-liver-dominant', symptoms: [] })
    expect(d.patient.treatments).toEqual([{ kind: 'prrt', date: '2025-01-15', completeResection: null }])
    expect(d.studies.map((x) => [x.date, x.procedure, x.result, x.dose.dlpMgyCm])).toEqual([
      ['2025-06-01', 'ct-abdomen-pelvis-with-iv-contrast', 'stable', 640],
      ['2025-12-01', 'mri-abdomen-pelvis-without-and-with-iv-contrast', 'stable', null],
    ])
    // The engine ran after each study: the current recommendation reads both, one step is open.
    const current = d.current!
    expect(current.output.next.anchor?.date).toBe('2025-12-01')
    expect(d.items.filter((i) => i.status === 'scheduled')).toHaveLength(1)
    expect(d.dose.ledger.cumulativeMsv).toBeGreaterThan(0)

    expect(count("SELECT count(*) FROM audit_log WHERE action = 'patient.create'")).toBe(2)
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'study.record'")).toBe(2)
    const summary = backend.db
      .prepare("SELECT after_json FROM audit_log WHERE action = 'import.csv'")
      .pluck()
      .get() as string
    expect(JSON.parse(summary)).toEqual({
      file: 'list.csv',
      patients: 2,
      studies: 2,
      skipped: 0,
      skippedMrns: [],
    })
    expect(verifyAuditChain(backend.db)).toBeNull()
  })

  it('a file with a problem imports nothing', async () => {
    const bad = GOOD + '\r\nRIS-003,Bad Date,1962-13-01,G1,,,,,,,,,,,,,,'
    const { uploadId, preview: p } = await preview(bad)
    expect(p.problemCount).toBe(1)
    const s = await settle(h, await ok(h, 'csvImport.commit', { uploadId, mapping: p.mapping }))
    expect(s.state).toBe('failed')
    expect(s.error?.message).toMatch(/1 problem in the file \(first: row 5, .*\)\. Nothing was imported\./)
    expect(count('SELECT count(*) FROM patient')).toBe(0)
    expect(count('SELECT count(*) FROM audit_log')).toBe(auditAtOpen)
  })

  it('an MRN already in the log (in any letter case) is skipped, never merged', async () => {
    await ok(h, 'patients.create', patientInput({ mrn: 'ris-002', name: 'Already Here' }))
    const { uploadId, preview: p } = await preview(GOOD)
    expect(p.skipped).toEqual([{ row: 4, mrn: 'RIS-002' }])
    expect(p.patients).toBe(1)
    const s = await settle(h, await ok(h, 'csvImport.commit', { uploadId, mapping: p.mapping }))
    expect(resultOf(s, 'csv-import')).toMatchObject({ patients: 1, skipped: 1 })
    const here = (await ok(h, 'patients.list', { query: 'ris-002', limit: 5, offset: 0 })).items
    expect(here.map((x) => x.name)).toEqual(['Already Here'])
  })

  it('a cancel during the import rolls all of it back', async () => {
    const rows = ['MRN,Name,Study date,Procedure,Result']
    for (let i = 0; i < 1500; i++)
      rows.push(
        `C-${i},Patient ${i},2025-0${1 + (i % 9)}-01,MRI abdomen and pelvis without and with IV contrast,stable`,
      )
    const { uploadId, preview: p } = await preview(rows.join('\n'))
    expect(p.problemCount).toBe(0)
    const started = await ok(h, 'csvImport.commit', { uploadId, mapping: p.mapping })
    let s = started
    for (let i = 0; i < 10_000 && !(s.progress.phase === 'importing' && s.progress.done > 0); i++) {
      await new Promise((r) => setTimeout(r, 2))
      s = await ok(h, 'jobs.status', { jobId: started.id })
      if (s.state !== 'running') break
    }
    expect(s.progress).toMatchObject({ phase: 'importing' })
    expect(s.progress.done).toBeGreaterThan(0)
    await ok(h, 'jobs.cancel', { jobId: started.id })
    const end = await settle(h, started)
    expect(end.state).toBe('cancelled')
    expect(end.error).toMatchObject({ code: 'CANCELLED' })
    expect(count('SELECT count(*) FROM patient')).toBe(0)
    expect(count('SELECT count(*) FROM audit_log')).toBe(auditAtOpen)
  })

  it('while the import holds its transaction, other calls wait and then see all of it, never a part', async () => {
    const rows = ['MRN,Name']
    for (let i = 0; i < 600; i++) rows.push(`G-${i},Gated ${i}`)
    const { uploadId, preview: p } = await preview(rows.join('\n'))
    const started = await ok(h, 'csvImport.commit', { uploadId, mapping: p.mapping })
    let s = started
    for (let i = 0; i < 10_000 && !(s.progress.phase === 'importing' && s.progress.done > 0); i++) {
      await new Promise((r) => setTimeout(r, 2))
      s = await ok(h, 'jobs.status', { jobId: started.id })
    }
    expect(s.state).toBe('running')
    const seen = await dispatch(h, 'patients.list', { limit: 1, offset: 0 }, () => undefined)
    expect(seen).toMatchObject({ ok: true, value: { total: 600 } })
    expect((await settle(h, started)).state).toBe('done')
  })
})
