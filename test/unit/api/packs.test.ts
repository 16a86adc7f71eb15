// Guideline packs through the same dispatch path the UI uses, on a real SQLite file: import
// (checked, stored inactive), compare (a dry run), adopt and revert (every open case re-evaluated
// in one audited transaction), and the list of open cases still on another pack.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../db/audit'
import { fullCheck } from '../../../db/integrity'
import { openDatabase } from '../../../db/open'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../db/migrations/index'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import type { CallName, RequestOf, ResultOf, StudyRequest } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { ACR_PNET, ACR_PNET_DATA, type PackDocument } from '../../../engine'
import { patientInput, tempDir } from '../../helpers/db'

let backend: Backend
let dir: string
let cleanup: () => void
const now = new Date('2026-11-24T10:00:00Z')

beforeEach(() => {
  const t = tempDir()
  dir = t.dir
  cleanup = t.cleanup
  backend = openBackend({
    dataFile: path.join(t.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    now: () => now,
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
const count = (sql: string): number => backend.db.prepare(sql).pluck().get() as number

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast' as const
const CT = 'ct-abdomen-pelvis-with-iv-contrast' as const
const study = (date: string, result: StudyRequest['result']): StudyRequest => ({
  date,
  procedure: MRI,
  result,
  lesions: [],
  dose: {
    effectiveMsv: null,
    ctdiVolMgy: null,
    dlpMgyCm: null,
    region: null,
    activityMbq: null,
    agent: null,
  },
  note: null,
})

/** The built-in pack with follow-up MRI rated may be appropriate, as version 2027.1. */
function revision(version = '2027.1', edit?: (d: PackDocument) => void): string {
  const d = JSON.parse(JSON.stringify(ACR_PNET_DATA)) as PackDocument
  d.version = version
  const v = d.variants.find((x) => x.id === 'follow-up-non-liver-dominant')!
  v.cells.find((c) => c.procedure === MRI)!.rating = 'may-be-appropriate'
  edit?.(d)
  return JSON.stringify(d, null, 2)
}

/** Two treated patients with a stable MRI (they move to CT), one untreated (does not move), one who left. */
async function someLog() {
  const a = await ok('patients.create', patientInput({ mrn: 'P-1', name: 'Ada One' }))
  await ok('studies.record', { patientId: a.id, study: study('2026-09-01', 'stable') })
  const b = await ok('patients.create', patientInput({ mrn: 'P-2', name: 'Bo Two' }))
  await ok('studies.record', { patientId: b.id, study: study('2026-10-01', 'stable') })
  const u = await ok(
    'patients.create',
    patientInput({
      mrn: 'P-3',
      name: 'Cy Three',
      treatments: [],
      activeSurveillance: true,
      diagnosis: { ...patientInput().diagnosis, primarySizeMm: 12 },
    }),
  )
  await ok('studies.record', { patientId: u.id, study: study('2026-10-01', 'stable') })
  const gone = await ok('patients.create', patientInput({ mrn: 'P-4', name: 'Di Four' }))
  await ok('surveillance.leave', {
    patientId: gone.id,
    exit: { reasonCode: 'discharged-elsewhere', text: 'Oslo', attempts: null, date: '2026-11-20' },
  })
  return { a, b, u, gone }
}

describe('import', () => {
  it('lists the built-in pack as the one in use before anything is imported', async () => {
    const l = await ok('packs.list', {})
    expect(l.active).toEqual(ACR_PNET.ref)
    expect(l.packs).toEqual([expect.objectContaining({ id: null, builtIn: true, active: true })])
  })

  it('stores a valid pack inactive with its checksum, who and when; audited; nothing re-evaluated', async () => {
    await someLog()
    const recs = count('SELECT count(*) FROM recommendation')
    const text = revision()
    const p = await ok('packs.import', { text })
    expect(p).toMatchObject({
      packId: 'acr-pnet',
      version: '2027.1',
      active: false,
      builtIn: false,
      importedBy: 'dr.test',
      importedAt: '2026-11-24T10:00:00.000Z',
    })
    expect(p.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(p.sha256).toBe(createHash('sha256').update(text).digest('hex'))
    expect(count('SELECT count(*) FROM recommendation')).toBe(recs)
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'pack.import'")).toBe(1)
    expect((await ok('packs.list', {})).active).toEqual(ACR_PNET.ref)
  })

  it('refuses a bad pack with every problem by path, and stores nothing', async () => {
    const r = await call('packs.import', {
      text: revision('2027.1', (d) => {
        d.variants[0]!.cells[0]!.rating = 'rarely' as never
        d.agents['ga68-dotatate'].coefficientMsvPerMbq = -1
      }),
    })
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        fields: {
          'variants[0].cells[0].rating': expect.stringContaining('"rarely" is not allowed here') as unknown,
          'agents.ga68-dotatate.coefficientMsvPerMbq': 'must be more than 0, not -1',
        },
      },
    })
    expect(await call('packs.import', { text: '{"format": ' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/not valid JSON/) as unknown },
    })
    expect(count('SELECT count(*) FROM guideline_pack')).toBe(0)
  })

  it('refuses the same id and version twice, and a different document under an existing version', async () => {
    await ok('packs.import', { text: revision() })
    expect(await call('packs.import', { text: revision() })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'Pack acr-pnet 2027.1 is already in the log.' },
    })
    expect(
      await call('packs.import', { text: revision('2027.1', (d) => (d.title = 'Another edition')) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringMatching(/new version/) as unknown },
    })
    expect(await call('packs.import', { text: JSON.stringify(ACR_PNET_DATA) })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    })
  })
})

describe('compare, adopt, revert', () => {
  it('compare is a dry run listing each open case that would move, before -> after, and why', async () => {
    const { a, b } = await someLog()
    const p = await ok('packs.import', { text: revision() })
    const audit = count('SELECT count(*) FROM audit_log')
    const c = await ok('packs.compare', { id: p.id })
    expect(count('SELECT count(*) FROM audit_log')).toBe(audit)
    expect(c).toMatchObject({ from: ACR_PNET.ref, to: { id: 'acr-pnet', version: '2027.1' }, openCases: 3 })
    expect(c.changed.map((x) => x.patientId).sort()).toEqual([a.id, b.id].sort())
    const first = c.changed.find((x) => x.patientId === a.id)!
    expect(first).toMatchObject({
      name: 'Ada One',
      changed: ['study'],
      before: { procedure: MRI },
      after: { procedure: CT },
    })
    expect(first.reasons.map((r) => r.text)).toContain(
      'CT abdomen/pelvis with contrast (usually appropriate) comes before MRI abdomen/pelvis without and with contrast, which this pack rates may be appropriate for this variant.',
    )
  })

  it('adopt: one transaction; new recommendations with the trigger and the new pack; items reconciled; audited; revert goes back', async () => {
    const { a, u, gone } = await someLog()
    const item = (await ok('patients.detail', { id: a.id })).items.find((i) => i.status === 'scheduled')!
    expect(item.procedure).toBe(MRI)
    const p = await ok('packs.import', { text: revision() })
    const adopted = await ok('packs.adopt', { id: p.id })
    expect(adopted).toMatchObject({ pack: { id: p.id, active: true }, reevaluated: 3, stepsChanged: 2 })
    expect(adopted.previous).toMatchObject({ builtIn: true, version: ACR_PNET.version, active: false })

    const after = await ok('patients.detail', { id: a.id })
    const current = after.recommendations[0]!
    expect(current).toMatchObject({ trigger: 'guideline-pack-changed', packVersion: '2027.1', procedure: CT })
    expect(after.recommendations[1]).toMatchObject({
      packVersion: ACR_PNET.version,
      supersededBy: current.id,
    })
    const open = after.items.find((i) => i.status === 'scheduled')!
    expect(open).toMatchObject({ id: item.id, procedure: CT, recommendationId: current.id })
    // The untreated patient keeps its step, under the new pack's recommendation.
    expect((await ok('patients.detail', { id: u.id })).recommendations[0]).toMatchObject({
      trigger: 'guideline-pack-changed',
      packVersion: '2027.1',
    })
    // The patient who left is not re-evaluated: not an open case.
    expect((await ok('patients.detail', { id: gone.id })).recommendations[0]?.packVersion).toBe(
      ACR_PNET.version,
    )
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'pack.adopt'")).toBe(1)
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'followup.retarget'")).toBeGreaterThanOrEqual(
      2,
    )
    expect(verifyAuditChain(backend.db)).toBeNull()

    const l = await ok('packs.list', {})
    expect(l.active).toEqual({ id: 'acr-pnet', version: '2027.1' })
    expect(l.stale).toEqual([])
    expect(await call('packs.adopt', { id: p.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })

    // A new study of the patient is evaluated under the adopted pack.
    const next = await ok('studies.record', { patientId: a.id, study: study('2026-11-20', 'stable') })
    expect(next.recommendation).toMatchObject({ packVersion: '2027.1', procedure: CT })

    const back = await ok('packs.revert', {})
    expect(back.pack).toMatchObject({ builtIn: true, version: ACR_PNET.version, active: true })
    const reverted = await ok('patients.detail', { id: a.id })
    expect(reverted.recommendations[0]).toMatchObject({
      trigger: 'guideline-pack-changed',
      packVersion: ACR_PNET.version,
      procedure: MRI,
    })
    expect(reverted.items.find((i) => i.status === 'scheduled')?.procedure).toBe(MRI)
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'pack.revert'")).toBe(1)
    // Every record still equals its last audit row (the packs included).
    expect(fullCheck(backend.db)).toEqual([])
    expect(await call('packs.revert', {})).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
  })

  it('a radiologist’s override survives the adoption', async () => {
    const { a } = await someLog()
    const item = (await ok('patients.detail', { id: a.id })).items.find((i) => i.status === 'scheduled')!
    await ok('followup.override', {
      itemId: item.id,
      version: item.version,
      procedure: null,
      due: { from: '2027-03-01', to: '2027-04-01' },
      reasonCode: 'patient-preference',
      text: null,
    })
    const p = await ok('packs.import', { text: revision() })
    await ok('packs.adopt', { id: p.id })
    const open = (await ok('patients.detail', { id: a.id })).items.find((i) => i.status === 'scheduled')!
    expect(open).toMatchObject({ procedure: CT, override: { due: { from: '2027-03-01', to: '2027-04-01' } } })
  })

  it('lists the open cases whose current recommendation came from an older pack', async () => {
    const { a } = await someLog()
    const p = await ok('packs.import', { text: revision() })
    await ok('packs.adopt', { id: p.id })
    // An older recommendation made current again behind the engine's back (as a log written by an
    // older app would hold): the case is listed until it is re-evaluated.
    backend.db
      .prepare(
        "UPDATE recommendation SET pack_version = '2026.1' WHERE patient_id = ? AND superseded_by IS NULL",
      )
      .run(a.id)
    expect((await ok('packs.list', {})).stale).toEqual([
      expect.objectContaining({ patientId: a.id, name: 'Ada One', packVersion: '2026.1' }),
    ])
  })
})

describe('a stored pack changed outside the app', () => {
  it('is noticed by the integrity check and refused when loaded', async () => {
    await someLog()
    const p = await ok('packs.import', { text: revision() })
    backend.db.prepare("UPDATE guideline_pack SET title = 'edited' WHERE id = ?").run(p.id)
    expect(fullCheck(backend.db).map((x) => x.message)).toEqual([
      expect.stringMatching(/^Guideline pack \d+ differs from what the app last recorded/),
    ])
  })

  it('a document that no longer matches its checksum is not used', async () => {
    const p = await ok('packs.import', { text: revision() })
    backend.db
      .prepare("UPDATE guideline_pack SET document = replace(document, '2027.1', '2027.9') WHERE id = ?")
      .run(p.id)
    expect(await call('packs.compare', { id: p.id })).toMatchObject({ ok: false })
  })
})

describe('site rules', () => {
  it('listed as the site’s, off; turning one on re-evaluates every open case: the alert appears, the plan does not move', async () => {
    const p = await ok('patients.create', patientInput({ mrn: 'G-1', name: 'Gia Grows' }))
    const lesion = (mm: number) => [
      { id: 'T1', organ: 'pancreas', nodal: false, role: 'target' as const, diameterMm: mm, status: null },
    ]
    await ok('studies.record', {
      patientId: p.id,
      study: { ...study('2026-07-01', 'stable'), lesions: lesion(30) },
    })
    await ok('studies.record', {
      patientId: p.id,
      study: { ...study('2026-10-01', 'stable'), lesions: lesion(32) },
    })
    const l = await ok('packs.list', {})
    expect(l.siteRules).toEqual([
      expect.objectContaining({ id: 'greponet-growth-rate', enabledInPack: false, on: false }),
    ])
    const before = (await ok('patients.detail', { id: p.id })).current!
    expect(before.output.alerts).not.toContain('site-rule-growth-rate')

    const s = await ok('settings.update', { siteRules: { 'greponet-growth-rate': true } })
    expect(s.siteRules).toEqual({ 'greponet-growth-rate': true })
    const after = (await ok('patients.detail', { id: p.id })).current!
    expect(after).toMatchObject({
      trigger: 'guideline-pack-changed',
      procedure: before.procedure,
      due: before.due,
    })
    expect(after.output.alertDetails.find((a) => a.code === 'site-rule-growth-rate')?.text).toMatch(
      /^Site rule/,
    )
    expect((await ok('packs.list', {})).siteRules[0]).toMatchObject({ on: true })

    await ok('settings.update', { siteRules: { 'greponet-growth-rate': false } })
    const off = (await ok('patients.detail', { id: p.id })).current!
    expect(off.output.alerts).not.toContain('site-rule-growth-rate')
    expect(await call('settings.update', { siteRules: { 'Bad Id': true } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    })
  })
})

describe('migration 70', () => {
  it('a log of schema 60 keeps every recommendation and item, and its references, and takes the new trigger', () => {
    const file = path.join(dir, 'old.sqlite')
    const old = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 60) })
    old.exec(`
      INSERT INTO patient (id, mrn, name, created_at, updated_at) VALUES (1, 'M1', 'Old Patient', 'x', 'x');
      INSERT INTO recommendation (id, patient_id, created_at, as_of, trigger, pack_id, pack_version, action,
        inputs_json, output_json, superseded_by) VALUES
        (1, 1, 'a', '2026-01-01', 'manual', 'acr-pnet', '2026.1', 'image', '{}', '{}', 2),
        (2, 1, 'b', '2026-02-01', 'facts-changed', 'acr-pnet', '2026.1', 'image', '{}', '{}', NULL);
      INSERT INTO followup_item (patient_id, recommendation_id, kind, due_from, due_to, reason, created_at, updated_at)
        VALUES (1, 2, 'imaging', '2026-08-01', '2027-02-01', 'Next study in 6–12 months', 'x', 'x');
    `)
    old.close()
    const db = openDatabase(file)
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
      expect(db.prepare('SELECT id, superseded_by FROM recommendation ORDER BY id').all()).toEqual([
        { id: 1, superseded_by: 2 },
        { id: 2, superseded_by: null },
      ])
      expect(db.prepare('SELECT recommendation_id FROM followup_item').pluck().get()).toBe(2)
      expect(db.pragma('foreign_key_check')).toEqual([])
      expect(() => db.prepare('DELETE FROM recommendation WHERE id = 2').run()).toThrow(/FOREIGN KEY/)
      const insert = (trigger: string) =>
        db
          .prepare(
            `INSERT INTO recommendation (patient_id, created_at, as_of, trigger, pack_id, pack_version, action,
               inputs_json, output_json) VALUES (1, 'c', '2026-03-01', ?, 'acr-pnet', '2027.1', 'image', '{}', '{}')`,
          )
          .run(trigger)
      expect(() => insert('guideline-pack-changed')).not.toThrow()
      expect(() => insert('bogus')).toThrow(/CHECK constraint failed/)
      expect(fs.existsSync(`${file}.before-v${LATEST_SCHEMA_VERSION}-from-v60.sqlite`)).toBe(true)
    } finally {
      db.close()
    }
  })
})
