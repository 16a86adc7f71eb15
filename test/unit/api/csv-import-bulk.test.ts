import path from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../db/audit'
import { fullCheck } from '../../../db/integrity'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import { readCsv, suggestMapping, headersOf } from '../../../electron/backend/interop/csvImport'
import type { Handlers } from '../../../electron/contract/contract'
import { patientInput, tempDir } from '../../helpers/db'
import { ok, resultOf, settle, uploadText } from '../../helpers/jobs'

// The CSV import's bulk path (electron/backend/services/csvImport.ts: each patient created with all
// of their studies, the engine run once per patient) against the typed path a person takes
// (patients.create, then studies.record per study, each its own call): the same rows give the same
// patients, studies, current recommendations, open steps and worklist summaries. And it is still
// all or none: a failure on a row in the middle, or a cancel, leaves the log as it was, and the full
// integrity check (every record against its audit row, the chain) passes after an import.

const NOW = new Date('2026-11-24T10:00:00Z')
const TODAY = '2026-11-24'

interface Opened {
  backend: Backend
  h: Handlers
  cleanup: () => void
}
let opened: Opened[] = []

function open(): Opened {
  const t = tempDir()
  const backend = openBackend({
    dataFile: path.join(t.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    now: () => NOW,
    user: 'dr.test',
  })
  const o = { backend, h: backend.handlers, cleanup: t.cleanup }
  opened.push(o)
  return o
}
beforeEach(() => {
  opened = []
})
afterEach(() => {
  for (const o of opened) {
    o.backend.close()
    o.cleanup()
  }
})

const PROCS = [
  'MRI abdomen and pelvis without and with IV contrast',
  'CT abdomen and pelvis with IV contrast',
  'DOTATATE PET/CT skull base to mid-thigh',
  'CT chest with IV contrast',
]
const RESULTS = ['stable', 'progression', 'response', '', 'no-evidence-of-disease']

/**
 * A varied list: patients with 0 to 3 studies (rows in any date order, a result or none, a dose or
 * none), grades, burdens, treatments on some, a suspected recurrence on some.
 */
function varied(patients: number): string {
  const out = [
    'MRN,Name,Birth date,Grade,Tumour burden,Histologically confirmed,Staging complete,Active surveillance,Recurrence suspected,New symptoms,MRI contraindicated,Treatment,Treatment date,Complete resection,Study date,Procedure,Result,DLP,Body region',
  ]
  for (let i = 0; i < patients; i++) {
    const facts = [
      `V-${i}`,
      `"Varied ${i}, Test"`,
      `19${40 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
      ['G1', 'G2', 'G3', ''][i % 4]!,
      ['liver-dominant', 'not liver-dominant', ''][i % 3]!,
      i % 5 === 0 ? 'unknown' : 'yes',
      i % 6 === 0 ? 'no' : 'yes',
      i % 7 === 0 ? 'yes' : 'no',
      i % 11 === 0 ? 'yes' : 'no',
      i % 4 === 1 ? '' : 'none',
      'no',
      i % 3 === 0 ? 'PRRT' : i % 3 === 1 ? 'resection' : '',
      i % 3 === 2 ? '' : `202${3 + (i % 2)}-0${1 + (i % 8)}-01`,
      i % 3 === 1 ? (i % 2 === 0 ? 'yes' : 'no') : '',
    ]
    const studies = i % 4
    if (studies === 0) out.push([...facts, '', '', '', '', ''].join(','))
    for (let k = 0; k < studies; k++) {
      // Later studies first on some patients: the import stores them oldest first.
      const month = i % 2 === 0 ? 1 + k * 3 : 10 - k * 3
      const proc = PROCS[(i + k) % PROCS.length]!
      const ct = proc.startsWith('CT')
      out.push(
        [
          ...(k === 0 ? facts : [facts[0]!, ...facts.slice(1).map(() => '')]),
          `2025-${String(month).padStart(2, '0')}-${String(5 + (i % 20)).padStart(2, '0')}`,
          proc,
          RESULTS[(i + k) % RESULTS.length]!,
          ct ? String(300 + i) : '',
          ct ? (proc.includes('chest') ? 'chest' : 'abdomen-pelvis') : '',
        ].join(','),
      )
    }
  }
  return out.join('\r\n') + '\r\n'
}

async function preview(h: Handlers, text: string) {
  const uploadId = await uploadText(h, 'list.csv', text)
  const s = await settle(h, await ok(h, 'csvImport.preview', { uploadId }))
  return { uploadId, preview: resultOf(s, 'csv-preview') }
}

async function bulkImport(o: Opened, text: string) {
  const { uploadId, preview: p } = await preview(o.h, text)
  expect(p.problemCount).toBe(0)
  const s = await settle(o.h, await ok(o.h, 'csvImport.commit', { uploadId, mapping: p.mapping }), 300_000)
  return resultOf(s, 'csv-import')
}

/** The same rows entered by hand: each patient created, then each study recorded, one call each. */
async function typedImport(o: Opened, text: string) {
  const plan = await readCsv(text, suggestMapping(headersOf(text)), { today: TODAY, isTaken: () => false })
  expect(plan.problemCount).toBe(0)
  for (const p of plan.patients) {
    const created = await ok(o.h, 'patients.create', p.input)
    const ordered = [...p.studies].sort((a, b) =>
      a.input.date < b.input.date ? -1 : a.input.date > b.input.date ? 1 : a.row - b.row,
    )
    for (const s of ordered) {
      // The form makes the person choose "not read yet" where the list leaves the result empty.
      const study = { ...s.input, result: s.input.result ?? 'not-read-yet' } as never
      await ok(o.h, 'studies.record', { patientId: created.id, study })
    }
  }
}

const IGNORED = new Set([
  'id',
  'patientId',
  'studyId',
  'recommendationId',
  'version',
  'createdAt',
  'updatedAt',
  'statusAt',
])

/** A value without its ids, versions and timestamps (they differ between two logs by design). */
function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip)
  if (v === null || typeof v !== 'object') return v
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>)
      .filter(([k]) => !IGNORED.has(k))
      .map(([k, x]) => [k, strip(x)]),
  )
}

/** Everything the person sees of each patient: facts, studies, the plan, the open step, the row. */
function stored(o: Opened) {
  const db = o.backend.db
  const ids = db.prepare('SELECT id, mrn FROM patient ORDER BY mrn').all() as { id: number; mrn: string }[]
  return Promise.all(
    ids.map(async ({ id, mrn }) => {
      const d = await ok(o.h, 'patients.detail', { id })
      const summary = db
        .prepare(
          `SELECT variant, last_study_date, last_result, last_result_derived, cumulative_msv, dose_estimated,
             dose_incomplete FROM patient WHERE id = ?`,
        )
        .get(id)
      // The current recommendation whole, its case included (the patient page gets it without).
      const cur = await ok(o.h, 'recommendations.get', { id: d.current!.id })
      return {
        mrn,
        patient: strip(d.patient),
        studies: strip(d.studies),
        recommendation: strip({
          trigger: cur.trigger,
          packId: cur.packId,
          packVersion: cur.packVersion,
          variant: cur.variant,
          action: cur.action,
          procedure: cur.procedure,
          intervalMonths: cur.intervalMonths,
          due: cur.due,
          inputs: cur.inputs,
          output: cur.output,
        }),
        open: strip(d.items.filter((i) => i.status === 'scheduled')),
        summary,
      }
    }),
  )
}

describe('CSV import, bulk path', () => {
  it('stores what the typed path stores, row for row: patients, studies, plan, open step, summary', async () => {
    const text = varied(48)
    const bulk = open()
    const typed = open()
    const r = await bulkImport(bulk, text)
    expect(r).toMatchObject({ patients: 48, studies: 72, skipped: 0 })
    await typedImport(typed, text)
    const a = await stored(bulk)
    const b = await stored(typed)
    expect(a).toHaveLength(48)
    for (let i = 0; i < a.length; i++) expect(a[i], a[i]!.mrn).toEqual(b[i])
    // The type-ahead rows (written once per batch by the import, by triggers on the typed path) are
    // the same, sort keys included.
    const prefixRows = (o: Opened) =>
      o.backend.db
        .prepare(
          `SELECT p.mrn AS patient, pp.k, pp.prefix, pp.key
             FROM patient_prefix pp JOIN patient p ON p.id = pp.patient_id ORDER BY 1, 2, 3`,
        )
        .all()
    expect(prefixRows(bulk).length).toBeGreaterThan(48)
    expect(prefixRows(bulk)).toEqual(prefixRows(typed))
    // The import is one audited change per created record, and the log passes its full check.
    const count = (sql: string) => bulk.backend.db.prepare(sql).pluck().get() as number
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'patient.create'")).toBe(48)
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'study.record'")).toBe(72)
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'recommendation.create'")).toBe(48)
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'import.csv'")).toBe(1)
    // Stored in the delta form (db/delta.ts), as the typed path stores them.
    expect(count('SELECT count(*) FROM recommendation WHERE body IS NULL')).toBe(0)
    expect(verifyAuditChain(bulk.backend.db)).toBeNull()
    expect(fullCheck(bulk.backend.db)).toEqual([])
  })

  it('any list of patients and studies: the bulk path and the typed path store the same (property)', async () => {
    const header =
      'MRN,Name,Birth date,Grade,Tumour burden,Histologically confirmed,Active surveillance,Recurrence suspected,Treatment,Treatment date,Complete resection,Study date,Procedure,Result,DLP,Body region'
    const study = fc.record({
      day: fc.integer({ min: 0, max: 700 }),
      proc: fc.integer({ min: 0, max: PROCS.length - 1 }),
      result: fc.constantFrom(...RESULTS),
    })
    const patient = fc.record({
      grade: fc.constantFrom('G1', 'G2', 'G3', ''),
      burden: fc.constantFrom('liver-dominant', 'not liver-dominant', ''),
      confirmed: fc.constantFrom('yes', 'no', ''),
      surveillance: fc.constantFrom('yes', 'no', ''),
      recurrence: fc.constantFrom('yes', 'no', ''),
      treatment: fc.constantFrom('', 'PRRT', 'resection', 'somatostatin-analog'),
      treatedDay: fc.integer({ min: 0, max: 700 }),
      studies: fc.array(study, { maxLength: 4 }),
    })
    const day = (n: number) => new Date(Date.UTC(2024, 11, 1) + n * 86_400_000).toISOString().slice(0, 10)
    await fc.assert(
      fc.asyncProperty(fc.array(patient, { minLength: 1, maxLength: 6 }), async (ps) => {
        const lines = [header]
        ps.forEach((p, i) => {
          const facts = [
            `P-${i}`,
            `Patient ${i}`,
            '1955-03-03',
            p.grade,
            p.burden,
            p.confirmed,
            p.surveillance,
            p.recurrence,
            p.treatment,
            p.treatment ? day(p.treatedDay) : '',
            p.treatment === 'resection' ? 'yes' : '',
          ]
          if (p.studies.length === 0) lines.push([...facts, '', '', '', '', ''].join(','))
          p.studies.forEach((s, k) => {
            const proc = PROCS[s.proc]!
            const ct = proc.startsWith('CT')
            lines.push(
              [
                ...(k === 0 ? facts : [facts[0]!, ...facts.slice(1).map(() => '')]),
                day(s.day),
                proc,
                s.result,
                ct ? '500' : '',
                ct ? (proc.includes('chest') ? 'chest' : 'abdomen-pelvis') : '',
              ].join(','),
            )
          })
        })
        const text = lines.join('\r\n')
        const bulk = open()
        const typed = open()
        await bulkImport(bulk, text)
        await typedImport(typed, text)
        expect(await stored(bulk)).toEqual(await stored(typed))
      }),
      { numRuns: 12 },
    )
  })

  it('a log that already holds patients: the import adds to it and the full check still passes', async () => {
    const o = open()
    await typedImport(o, varied(12))
    const more = varied(40)
      .split('\r\n')
      .map((line, i) => (i === 0 ? line : line.replace(/^V-/, 'W-')))
      .join('\r\n')
    expect(await bulkImport(o, more)).toMatchObject({ patients: 40, studies: 60 })
    expect(o.backend.db.prepare('SELECT count(*) FROM patient').pluck().get()).toBe(52)
    expect(fullCheck(o.backend.db)).toEqual([])
  })

  it('a row in the middle that fails while being stored rolls back every row before it', async () => {
    const o = open()
    await o.backend.checked // the log's own rows at open come first
    const before = o.backend.db.prepare('SELECT count(*) FROM audit_log').pluck().get()
    // The log refuses patient V-150 (as a full disk or a constraint would): the import stops there.
    o.backend.db.exec(
      "CREATE TEMP TRIGGER refuse_one BEFORE INSERT ON patient WHEN NEW.mrn = 'V-150' BEGIN SELECT RAISE(ABORT, 'refused'); END",
    )
    const { uploadId, preview: p } = await preview(o.h, varied(300))
    expect(p.problemCount).toBe(0)
    const s = await settle(o.h, await ok(o.h, 'csvImport.commit', { uploadId, mapping: p.mapping }))
    expect(s.state).toBe('failed')
    expect(s.error?.message).toMatch(/nothing was (saved|changed|imported)/i)
    const db = o.backend.db
    for (const t of ['patient', 'study', 'recommendation', 'followup_item', 'undo_entry'])
      expect(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get(), t).toBe(0)
    expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(before)
    expect(fullCheck(db)).toEqual([])
    // The type-ahead triggers the import set aside are live again: a patient typed in now is found.
    db.exec('DROP TRIGGER temp.refuse_one')
    const zelda = await ok(o.h, 'patients.create', patientInput({ mrn: 'T-1', name: 'Zelda Quartermaine' }))
    expect(
      db
        .prepare("SELECT count(*) FROM patient_prefix WHERE prefix = 'qua' AND patient_id = ?")
        .pluck()
        .get(zelda.id),
    ).toBeGreaterThan(0)
  })

  it('a bad row in the middle of a large file: the import is refused and stores nothing', async () => {
    const o = open()
    const lines = varied(400).split('\r\n')
    const middle = lines.findIndex((l) => l.startsWith('V-201,'))
    lines[middle] = lines[middle]!.replace(/,G[123],/, ',G7,').replace(/,,/, ',G7,')
    const { uploadId, preview: p } = await preview(o.h, lines.join('\r\n'))
    expect(p.problems).toEqual([expect.objectContaining({ row: middle + 1, column: 'Grade' })])
    const s = await settle(o.h, await ok(o.h, 'csvImport.commit', { uploadId, mapping: p.mapping }))
    expect(s.state).toBe('failed')
    expect(s.error?.message).toMatch(/Nothing was imported/)
    expect(o.backend.db.prepare('SELECT count(*) FROM patient').pluck().get()).toBe(0)
  })

  it('a cancel while rows are being stored leaves the log as it was', async () => {
    const o = open()
    const db = o.backend.db
    // The log's own rows at open (the keyed chain's marker, the daily backup's row) come first.
    await o.backend.checked
    const before = db.prepare('SELECT count(*) FROM audit_log').pluck().get()
    const { uploadId, preview: p } = await preview(o.h, varied(3000))
    const started = await ok(o.h, 'csvImport.commit', { uploadId, mapping: p.mapping })
    let s = started
    for (let i = 0; i < 20_000 && !(s.progress.phase === 'importing' && s.progress.done > 0); i++) {
      await new Promise((r) => setTimeout(r, 1))
      s = await ok(o.h, 'jobs.status', { jobId: started.id })
      if (s.state !== 'running') break
    }
    expect(s.state).toBe('running')
    expect(s.progress.done).toBeGreaterThan(0)
    await ok(o.h, 'jobs.cancel', { jobId: started.id })
    expect((await settle(o.h, started)).state).toBe('cancelled')
    for (const t of ['patient', 'study', 'recommendation', 'followup_item', 'undo_entry'])
      expect(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get(), t).toBe(0)
    expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(before)
  })
})
