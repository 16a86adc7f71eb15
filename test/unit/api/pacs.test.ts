import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../db/audit'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import type { Handlers, JobStatus } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { patientInput, tempDir } from '../../helpers/db'
import { ctDoseReport, imageInstance, REGION_CODES, studyIds, uid } from '../../helpers/dicom'
import { ok, resultOf, settle, uploadBytes } from '../../helpers/jobs'
import { startOrthanc, type RunningOrthanc } from '../../helpers/orthanc'
import { seedPacs, type SeededPacs } from '../../helpers/pacsFixture'

// Studies and dose from a real PACS: Debian's Orthanc with its DICOMweb plugin, started by the
// test on 127.0.0.1 with HTTP basic authentication, seeded with synthetic studies built by dcmjs.
// Then: find by MRN, map, import with the dose reports, the ledger per event, no duplicates on a
// second import; a PACS that refuses, is down, is slow or sends nonsense; dropped DICOM files.

const MRN = 'PACS-0001'
const USER = { name: 'reader', password: 'pw-for-tests' }
const CT = 'ct-abdomen-pelvis-with-iv-contrast'
const DOTATATE = 'dotatate-pet-ct-skull-base-to-mid-thigh'
const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast'

let orthanc: RunningOrthanc
let seeded: SeededPacs
let backend: Backend
let h: Handlers
let cleanup: () => void
let patientId: number
let endpointId: number

beforeAll(async () => {
  orthanc = await startOrthanc({ user: USER })
  seeded = await seedPacs(orthanc, MRN)
}, 60_000)
afterAll(async () => orthanc?.stop())

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
  patientId = (await ok(h, 'patients.create', patientInput({ mrn: MRN, name: 'Pax Orthanc' }))).id
  endpointId = (
    await ok(h, 'pacs.save', {
      endpoint: {
        name: 'Test PACS',
        baseUrl: orthanc.dicomWeb,
        auth: 'basic',
        username: USER.name,
        secret: USER.password,
        timeoutMs: 10_000,
      },
    })
  ).id
})
afterEach(() => {
  backend.close()
  cleanup()
})

const count = (sql: string): number => backend.db.prepare(sql).pluck().get() as number
const run = async (start: Promise<JobStatus>) => settle(h, await start, 60_000)

describe('finding and importing from a real Orthanc (DICOMweb)', () => {
  it('finds the patient’s studies by MRN, maps them, and says what has dose reports', async () => {
    const find = resultOf(await run(ok(h, 'pacs.find', { patientId, endpointId })), 'pacs-find')
    expect(find.patientId).toBe(MRN)
    const byUid = new Map(find.studies.map((s) => [s.studyInstanceUid, s]))
    expect(byUid.has(seeded.other.studyInstanceUid)).toBe(false)
    expect(find.studies.map((s) => s.date)).toEqual(['2026-02-02', '2025-09-15', '2025-03-10', '2024-11-05'])
    expect(byUid.get(seeded.ct.studyInstanceUid)).toMatchObject({
      modality: 'CT',
      description: 'CT ABDOMEN PELVIS WITH CONTRAST',
      accessionNumber: seeded.ct.accessionNumber,
      bodyParts: ['ABDOMEN'],
      doseReports: 1,
      suggested: { procedure: CT },
      inLog: 'no',
    })
    expect(byUid.get(seeded.pet.studyInstanceUid)).toMatchObject({
      modality: 'PT',
      doseReports: 2,
      suggested: { procedure: DOTATATE },
    })
    expect(byUid.get(seeded.mr.studyInstanceUid)).toMatchObject({
      modality: 'MR',
      doseReports: 0,
      suggested: { procedure: MRI },
    })
    // No rule knows "CT LIVER TRIPHASIC": not mapped, never guessed.
    expect(byUid.get(seeded.unmapped.studyInstanceUid)).toMatchObject({ modality: 'CT', suggested: null })
    expect(count('SELECT count(*) FROM study')).toBe(0)
  }, 60_000)

  it('imports the ticked studies with their dose reports: from RDSR, k per event, engine and audit; a second import adds nothing', async () => {
    const studies = [
      { studyInstanceUid: seeded.ct.studyInstanceUid, procedure: CT },
      { studyInstanceUid: seeded.pet.studyInstanceUid, procedure: DOTATATE },
      { studyInstanceUid: seeded.mr.studyInstanceUid, procedure: MRI },
    ] as const
    const r = resultOf(
      await run(ok(h, 'pacs.import', { patientId, endpointId, studies: [...studies] })),
      'pacs-import',
    )
    expect(r.imported.map((x) => [x.date, x.procedure, x.doseFromRdsr])).toEqual([
      ['2025-03-10', CT, true],
      ['2025-09-15', DOTATATE, true],
      ['2026-02-02', MRI, false],
    ])
    expect(r.doseReports).toBe(3)

    const d = await ok(h, 'patients.detail', { id: patientId })
    const ct = d.studies.find((s) => s.studyInstanceUid === seeded.ct.studyInstanceUid)!
    expect(ct).toMatchObject({
      doseSource: 'rdsr',
      accessionNumber: seeded.ct.accessionNumber,
      result: null,
      dose: { dlpMgyCm: 800, region: 'abdomen-pelvis', ctdiVolMgy: null },
    })
    expect(ct.doseEvents.map((e) => [e.kind, e.ctdiVolMgy, e.dlpMgyCm, e.region])).toEqual([
      ['ct', 7.5, 300, 'chest'],
      ['ct', 12.1, 500, 'abdomen-pelvis'],
    ])
    const pet = d.studies.find((s) => s.studyInstanceUid === seeded.pet.studyInstanceUid)!
    expect(pet.dose).toMatchObject({
      agent: 'ga68-dotatate',
      activityMbq: 150,
      dlpMgyCm: 250,
      region: 'abdomen',
    })
    // The ledger applies k per event: 300 × 0.014 (chest) + 500 × 0.015 = 11.7 mSv, not 800 × 0.015 = 12.
    const ctDose = d.dose.ledger.studies.find((e) => e.date === '2025-03-10')!
    expect(ctDose).toMatchObject({ method: 'dlp-k', msv: 11.7 })
    expect(ctDose.flags).toContain('k-per-event')
    const petDose = d.dose.ledger.studies.find((e) => e.date === '2025-09-15')!
    expect(petDose).toMatchObject({
      method: 'activity-coefficient',
      radiopharmaceuticalMsv: 3.15,
      ctMsv: 3.75,
      msv: 6.9,
    })
    // The engine ran on all three, as after typed studies (these are history: the open step stays).
    const current = await ok(h, 'recommendations.get', { id: d.current!.id })
    expect((current.inputs as { studies: unknown[] }).studies).toHaveLength(3)
    expect(d.items.filter((i) => i.status === 'scheduled')).toHaveLength(1)
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'study.import'")).toBe(3)
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'import.pacs'")).toBe(1)
    expect(verifyAuditChain(backend.db)).toBeNull()

    const again = resultOf(
      await run(ok(h, 'pacs.import', { patientId, endpointId, studies: [...studies] })),
      'pacs-import',
    )
    expect(again.imported).toEqual([])
    expect(again.skipped.map((s) => s.why)).toEqual([
      'already in the log',
      'already in the log',
      'already in the log',
    ])
    expect(count('SELECT count(*) FROM study')).toBe(3)
    const find = resultOf(await run(ok(h, 'pacs.find', { patientId, endpointId })), 'pacs-find')
    expect(find.studies.filter((s) => s.inLog === 'imported')).toHaveLength(3)
  }, 60_000)

  it('an unmapped study is mapped on the spot: the rule is kept and maps it next time', async () => {
    await ok(h, 'mappings.save', {
      mapping: { modality: 'ct', keywords: 'Liver  Triphasic', bodyPart: '', procedure: CT },
    })
    const find = resultOf(await run(ok(h, 'pacs.find', { patientId, endpointId })), 'pacs-find')
    expect(
      find.studies.find((s) => s.studyInstanceUid === seeded.unmapped.studyInstanceUid)!.suggested,
    ).toMatchObject({
      procedure: CT,
    })
    const rules = await ok(h, 'mappings.list', {})
    expect(rules.find((m) => m.keywords === 'liver triphasic')).toMatchObject({
      modality: 'CT',
      procedure: CT,
    })
  }, 60_000)
})

describe('a PACS that does not answer well changes nothing', () => {
  async function answerFrom(
    handler: http.RequestListener,
  ): Promise<{ url: string; close: () => Promise<void> }> {
    const srv = http.createServer(handler)
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
    const { port } = srv.address() as AddressInfo
    return {
      url: `http://127.0.0.1:${port}/dicom-web`,
      close: () =>
        new Promise<void>((r) => {
          srv.closeAllConnections()
          srv.close(() => r())
        }),
    }
  }
  async function endpoint(baseUrl: string, extra: Partial<{ secret: string; timeoutMs: number }> = {}) {
    return (
      await ok(h, 'pacs.save', {
        endpoint: {
          name: 'Bad PACS',
          baseUrl,
          auth: 'basic',
          username: USER.name,
          secret: extra.secret ?? USER.password,
          timeoutMs: extra.timeoutMs ?? 2_000,
        },
      })
    ).id
  }
  const failed = async (eid: number) => {
    const s = await run(ok(h, 'pacs.find', { patientId, endpointId: eid }))
    expect(s.state).toBe('failed')
    expect(count('SELECT count(*) FROM study')).toBe(0)
    return s.error!
  }

  it('wrong credentials: refused, with what to check', async () => {
    const e = await failed(await endpoint(orthanc.dicomWeb, { secret: 'wrong' }))
    expect(e).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/refused the request \(HTTP 401\).*Settings/),
    })
  }, 30_000)

  it('nobody listening: cannot be reached', async () => {
    const gone = await answerFrom(() => undefined)
    await gone.close()
    const e = await failed(await endpoint(gone.url))
    expect(e.message).toMatch(/cannot be reached at http:\/\/127\.0\.0\.1:\d+\/dicom-web \(ECONNREFUSED\)/)
  }, 30_000)

  it('too slow: stops at its timeout with a message', async () => {
    const slow = await answerFrom((_req, res) => {
      setTimeout(() => res.end('[]'), 5_000)
    })
    try {
      const started = Date.now()
      const e = await failed(await endpoint(slow.url, { timeoutMs: 700 }))
      expect(e.message).toBe('The PACS “Bad PACS” did not answer within 0.7 s; nothing was changed.')
      expect(Date.now() - started).toBeLessThan(5_000)
    } finally {
      await slow.close()
    }
  }, 30_000)

  it('malformed JSON, or JSON that is not DICOM JSON: said so', async () => {
    for (const body of ['[{"0020000D": {"vr": "UI", "Value": ["1.2', '{"studies": []}', '[{"nope": 1}]']) {
      const bad = await answerFrom((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/dicom+json' })
        res.end(body)
      })
      try {
        const e = await failed(await endpoint(bad.url))
        expect(e.message).toMatch(
          /sent (an answer that is not DICOM JSON|DICOM JSON that does not have the expected shape)/,
        )
      } finally {
        await bad.close()
      }
    }
  }, 30_000)
})

describe('dropped DICOM files (sites without DICOMweb)', () => {
  it('reads each file: dose reports by study, a typed error for every other file; with a bad one nothing is imported', async () => {
    const s = studyIds(MRN, '2025-04-04', 'CT ABDOMEN PELVIS WITH CONTRAST')
    const report = ctDoseReport(
      s,
      [{ ctdiVolMgy: 9, dlpMgyCm: 420, region: REGION_CODES.abdomenPelvis }],
      420,
    )
    const other = ctDoseReport(
      studyIds('SOMEONE-ELSE', '2025-04-04', 'CT'),
      [{ ctdiVolMgy: 1, dlpMgyCm: 1, region: null }],
      1,
    )
    const files = [
      ['dose.dcm', report],
      ['notes.txt', new TextEncoder().encode('not dicom at all')],
      ['image.dcm', imageInstance(s, 'CT', uid(), 'ABDOMEN')],
      ['cut.dcm', report.subarray(0, 700)],
      ['other.dcm', other],
    ] as const
    const ids: string[] = []
    for (const [name, bytes] of files) ids.push(await uploadBytes(h, name, bytes))
    const read = resultOf(await run(ok(h, 'dicomFiles.read', { patientId, uploadIds: ids })), 'dicom-read')
    expect(read.files.map((f) => [f.name, f.ok, f.error?.code ?? null])).toEqual([
      ['dose.dcm', true, null],
      ['notes.txt', false, 'not-dicom'],
      ['image.dcm', false, 'wrong-sop-class'],
      ['cut.dcm', false, 'damaged'],
      ['other.dcm', false, 'other-patient'],
    ])
    expect(read.studies).toEqual([
      expect.objectContaining({
        studyInstanceUid: s.studyInstanceUid,
        date: '2025-04-04',
        modality: 'CT',
        suggested: expect.objectContaining({ procedure: CT }),
      }),
    ])
    const refused = await run(
      ok(h, 'dicomFiles.import', {
        patientId,
        uploadIds: ids,
        studies: [{ studyInstanceUid: s.studyInstanceUid, procedure: CT }],
      }),
    )
    expect(refused).toMatchObject({ state: 'failed', error: { code: 'BAD_FILE' } })
    expect(refused.error!.message).toMatch(
      /^4 files are not a dose report of this patient \(first: notes\.txt: .*nothing was imported\.$/,
    )
    expect(count('SELECT count(*) FROM study')).toBe(0)

    const good = resultOf(
      await run(
        ok(h, 'dicomFiles.import', {
          patientId,
          uploadIds: [ids[0]!],
          studies: [{ studyInstanceUid: s.studyInstanceUid, procedure: CT }],
        }),
      ),
      'dicom-import',
    )
    expect(good.imported).toEqual([expect.objectContaining({ date: '2025-04-04', doseFromRdsr: true })])
    const d = await ok(h, 'patients.detail', { id: patientId })
    expect(d.studies[0]).toMatchObject({
      studyInstanceUid: s.studyInstanceUid,
      doseSource: 'rdsr',
      dose: { dlpMgyCm: 420 },
    })
  }, 60_000)

  it('a dose report whose agent does not fit the chosen procedure is refused with the schema’s words', async () => {
    const refused = await dispatch(
      h,
      'pacs.import',
      {
        patientId,
        endpointId,
        studies: [
          { studyInstanceUid: seeded.pet.studyInstanceUid, procedure: 'fdg-pet-ct-skull-base-to-mid-thigh' },
        ],
      },
      () => undefined,
    )
    const s = await settle(h, (refused as { value: JobStatus }).value, 60_000)
    expect(s).toMatchObject({ state: 'failed', error: { code: 'INVALID_REQUEST' } })
    expect(s.error!.message).toMatch(/This procedure uses F-18 FDG, not Ga-68 DOTATATE\./)
    expect(count('SELECT count(*) FROM study')).toBe(0)
  }, 60_000)
})
