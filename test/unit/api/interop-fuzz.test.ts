import fc from 'fast-check'
import Papa from 'papaparse'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import { DicomFileError, readDoseReport } from '../../../electron/backend/interop/rdsr'
import type { Handlers } from '../../../electron/contract/contract'
import { patientInput, tempDir } from '../../helpers/db'
import { ctDoseReport, radiopharmaceuticalDoseReport, REGION_CODES, studyIds } from '../../helpers/dicom'
import { ok, settle, uploadBytes, uploadText } from '../../helpers/jobs'

// Fuzzing the two ways data comes in (docs/interop.md). Every mutated DICOM file is either read as
// a dose report whose values make sense or refused with a typed error (DicomFileError and its
// code) — never another exception; a batch with any bad file imports nothing. Every mutated CSV row
// is either valid or listed as a problem with its row; a file with a problem imports nothing, and
// the rows without a problem import exactly, all of them.

const MRN = 'FUZZ-1'
const CODES = new Set([
  'not-dicom',
  'damaged',
  'too-large',
  'wrong-sop-class',
  'missing-values',
  'unexpected-unit',
  'other-patient',
])

let backend: Backend
let h: Handlers
let cleanup: () => void
let patientId: number
beforeEach(async () => {
  const t = tempDir()
  cleanup = t.cleanup
  backend = openBackend({
    dataFile: path.join(t.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    now: () => new Date('2026-11-24T10:00:00Z'),
    user: 'dr.fuzz',
  })
  h = backend.handlers
})
afterEach(() => {
  backend.close()
  cleanup()
})
const count = (sql: string): number => backend.db.prepare(sql).pluck().get() as number

const ids = studyIds(MRN, '2025-06-01', 'CT ABDOMEN PELVIS WITH CONTRAST')
const SEEDS = [
  ctDoseReport(
    ids,
    [
      { ctdiVolMgy: 7.5, dlpMgyCm: 300, region: REGION_CODES.chest },
      { ctdiVolMgy: 12, dlpMgyCm: 500, region: REGION_CODES.abdomenPelvis },
    ],
    800,
  ),
  radiopharmaceuticalDoseReport(studyIds(MRN, '2025-07-01', 'PET CT DOTATATE'), {
    agent: 'Ga-68 DOTATATE',
    radionuclide: 'Gallium-68',
    activityMbq: 150,
  }),
]

/** A mutation of a file: flipped bytes, a cut, bytes put in or overwritten. */
const mutatedFile = fc
  .record({
    seed: fc.integer({ min: 0, max: SEEDS.length - 1 }),
    edits: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
        fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
        fc.record({
          kind: fc.constant('insert' as const),
          at: fc.nat(),
          bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
        }),
        fc.record({
          kind: fc.constant('overwrite' as const),
          at: fc.nat(),
          bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
        }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ seed, edits }) => {
    let b: Uint8Array = SEEDS[seed]!.slice()
    for (const e of edits) {
      const at = b.length === 0 ? 0 : e.at % b.length
      if (e.kind === 'flip') b[at] = b[at]! ^ (1 << e.bit)
      else if (e.kind === 'cut') b = b.slice(0, at)
      else if (e.kind === 'insert') b = new Uint8Array([...b.subarray(0, at), ...e.bytes, ...b.subarray(at)])
      else b.set(e.bytes.subarray(0, Math.max(0, b.length - at)), at)
    }
    return b
  })

/** What a dose report that was read must look like. */
function sane(r: ReturnType<typeof readDoseReport>): void {
  expect(r.studyDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  expect(r.studyInstanceUid).toMatch(/^[0-9.]{1,64}$/)
  expect(r.sopInstanceUid).toMatch(/^[0-9.]{1,64}$/)
  expect(r.events.length + (r.totalDlpMgyCm === null ? 0 : 1)).toBeGreaterThan(0)
  for (const e of r.events) {
    for (const n of [e.ctdiVolMgy, e.dlpMgyCm, e.activityMbq])
      if (n !== null) expect(Number.isFinite(n) && n >= 0).toBe(true)
    expect(e.eventUid).toMatch(/^[0-9.]{1,64}$/)
  }
}

describe('fuzz: DICOM files', () => {
  it('1,200 mutated dose reports: each read and sane, or a typed error; never anything else', () => {
    const times: number[] = []
    const outcomes = new Map<string, number>()
    fc.assert(
      fc.property(mutatedFile, (bytes) => {
        const t = performance.now()
        try {
          sane(readDoseReport(bytes))
          outcomes.set('read', (outcomes.get('read') ?? 0) + 1)
        } catch (e) {
          if (!(e instanceof DicomFileError)) throw e
          expect(CODES.has(e.code)).toBe(true)
          expect(e.message.length).toBeGreaterThan(10)
          outcomes.set(e.code, (outcomes.get(e.code) ?? 0) + 1)
        } finally {
          times.push(performance.now() - t)
        }
      }),
      { numRuns: 1200, seed: 12 },
    )
    times.sort((a, b) => a - b)
    console.log(
      `fuzz DICOM: ${times.length} files, outcomes ${JSON.stringify(Object.fromEntries(outcomes))}, parse median ${times[times.length >> 1]!.toFixed(2)} ms, max ${times.at(-1)!.toFixed(1)} ms`,
    )
    expect([...outcomes.keys()].length).toBeGreaterThan(2)
  }, 120_000)

  it('a batch with any mutated file imports nothing; a batch of good files imports all', async () => {
    patientId = (await ok(h, 'patients.create', patientInput({ mrn: MRN }))).id
    const batches = fc.sample(fc.array(mutatedFile, { minLength: 1, maxLength: 3 }), { numRuns: 40, seed: 7 })
    for (const batch of batches) {
      const before = count('SELECT count(*) FROM study')
      const uploadIds: string[] = []
      for (const [i, b] of batch.entries()) uploadIds.push(await uploadBytes(h, `f${i}.dcm`, b))
      const read = await settle(h, await ok(h, 'dicomFiles.read', { patientId, uploadIds }))
      expect(read.state).toBe('done')
      if (read.result?.kind !== 'dicom-read') throw new Error('no result')
      const studies = read.result.studies.filter((s) => s.inLog === 'no')
      if (studies.length === 0) continue
      const job = await settle(
        h,
        await ok(h, 'dicomFiles.import', {
          patientId,
          uploadIds,
          studies: studies.map((s) => ({
            studyInstanceUid: s.studyInstanceUid,
            procedure: 'ct-abdomen-pelvis-with-iv-contrast',
          })),
        }),
      )
      const allGood = read.result.files.every((f) => f.ok)
      if (!allGood || job.state !== 'done') {
        expect(job.state).toBe('failed')
        expect(['BAD_FILE', 'INVALID_REQUEST']).toContain(job.error?.code)
        expect(count('SELECT count(*) FROM study')).toBe(before)
      } else if (job.result?.kind === 'dicom-import') {
        expect(count('SELECT count(*) FROM study')).toBe(before + job.result.imported.length)
      }
    }
  }, 120_000)
})

const HEADER = [
  'MRN',
  'Name',
  'Birth date',
  'Grade',
  'Tumour burden',
  'Study date',
  'Procedure',
  'Result',
  'DLP',
  'Body region',
]
const base = (i: number): string[] => [
  `Z-${i}`,
  `Fuzz ${i}`,
  '1960-05-05',
  'G2',
  'not liver-dominant',
  '2025-02-02',
  'CT abdomen and pelvis with IV contrast',
  'stable',
  '500',
  'abdomen-pelvis',
]

/** A row's cells after random edits: characters in or out, quotes, commas, line breaks, swaps. */
const mutatedRow = (i: number) =>
  fc
    .array(
      fc.oneof(
        fc.record({ kind: fc.constant('set' as const), cell: fc.nat(9), text: fc.string({ maxLength: 12 }) }),
        fc.record({
          kind: fc.constant('inject' as const),
          cell: fc.nat(9),
          text: fc.constantFrom('"', ',', '\n', '\r\n', ';', '=1+1', ' ', '\u0000', 'é', '-', '13', '2031'),
        }),
        fc.record({ kind: fc.constant('clear' as const), cell: fc.nat(9) }),
        fc.record({ kind: fc.constant('swap' as const), a: fc.nat(9), b: fc.nat(9) }),
      ),
      { maxLength: 3 },
    )
    .map((edits) => {
      const cells = base(i)
      for (const e of edits) {
        if (e.kind === 'set') cells[e.cell] = e.text
        else if (e.kind === 'inject')
          cells[e.cell] = cells[e.cell]!.slice(0, 3) + e.text + cells[e.cell]!.slice(3)
        else if (e.kind === 'clear') cells[e.cell] = ''
        else [cells[e.a], cells[e.b]] = [cells[e.b]!, cells[e.a]!]
      }
      return cells
    })

describe('fuzz: CSV rows', () => {
  it('1,200 mutated rows in 20 files: each row valid or a listed problem; a file with one imports nothing; the valid rows import exactly', async () => {
    let rows = 0
    for (let f = 0; f < 20; f++) {
      const records = fc.sample(fc.tuple(...Array.from({ length: 60 }, (_, i) => mutatedRow(f * 100 + i))), {
        numRuns: 1,
        seed: f,
      })[0]!
      rows += records.length
      const text = Papa.unparse([HEADER, ...records], { newline: '\r\n' })
      const uploadId = await uploadText(h, `fuzz-${f}.csv`, text)
      const preview = await settle(h, await ok(h, 'csvImport.preview', { uploadId }))
      expect(preview.state).toBe('done')
      if (preview.result?.kind !== 'csv-preview') throw new Error('no preview')
      const p = preview.result
      for (const x of p.problems) {
        expect(x.row).toBeGreaterThanOrEqual(1)
        expect(x.row).toBeLessThanOrEqual(p.records + 1)
        expect(x.message.length).toBeGreaterThan(5)
      }
      const before = count('SELECT count(*) FROM patient')
      const commit = await settle(h, await ok(h, 'csvImport.commit', { uploadId, mapping: p.mapping }))
      if (p.problemCount > 0) {
        expect(commit.state).toBe('failed')
        expect(count('SELECT count(*) FROM patient')).toBe(before)
        // The rows without a problem, alone, are a valid file that imports exactly.
        const bad = new Set(p.problems.map((x) => x.row))
        if (p.problemCount > p.problems.length || bad.has(1)) continue
        const parsed = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' }).data
        const good = parsed.slice(1).filter((_, i) => !bad.has(i + 2))
        // A row whose MRN repeats a problem row's MRN may depend on it: keep distinct MRNs only.
        const badMrns = new Set(
          parsed
            .slice(1)
            .filter((_, i) => bad.has(i + 2))
            .map((r) => r[0]?.trim()),
        )
        const clean = good.filter((r) => !badMrns.has(r[0]?.trim()))
        if (clean.length === 0) continue
        const again = await uploadText(
          h,
          `fuzz-${f}-clean.csv`,
          Papa.unparse([parsed[0]!, ...clean], { newline: '\r\n' }),
        )
        const p2 = await settle(h, await ok(h, 'csvImport.preview', { uploadId: again }))
        if (p2.result?.kind !== 'csv-preview') throw new Error('no preview')
        expect(p2.result.problemCount).toBe(0)
        const c2 = await settle(
          h,
          await ok(h, 'csvImport.commit', { uploadId: again, mapping: p2.result.mapping }),
        )
        expect(c2.state).toBe('done')
        expect(count('SELECT count(*) FROM patient')).toBe(before + p2.result.patients)
      } else {
        expect(commit.state).toBe('done')
        expect(count('SELECT count(*) FROM patient')).toBe(before + p.patients)
      }
    }
    expect(rows).toBeGreaterThanOrEqual(1200)
  }, 300_000)
})
