import path from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditValues, verifyAuditChain } from '../../../db/audit'
import { auditKindOf, auditPage, PATIENT_OF_ENTRY } from '../../../db/queries/audit'
import { setReadOnly, writeTx } from '../../../db/tx'
import { appendAudit } from '../../../db/audit'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import type { CallName, RequestOf, ResultOf } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { AUDIT_KINDS } from '../../../engine'
import { addPatient, localNoon, patientInput, tempDir, testActor } from '../../helpers/db'
import { backupOk } from '../../helpers/logfiles'
import { openLogSession } from '../../../db/open'
import { MIGRATIONS } from '../../../db/migrations'

// The audit trail as people read it (issue 13): the list overall and per patient, its filters and
// keyset paging, and the rows that record reads, exports and backups, through the real dispatch
// path on a real SQLite file.

let backend: Backend
let cleanup: () => void
let dir: string
let clock: number

function open(user = 'dr.test'): Backend {
  return openBackend({
    dataFile: path.join(dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    now: () => new Date(clock),
    user,
    backgroundCheck: false,
  })
}

beforeEach(() => {
  const t = tempDir()
  cleanup = t.cleanup
  dir = t.dir
  clock = localNoon('2026-11-24', 10).getTime()
  backend = open()
})
afterEach(() => {
  backend.close()
  cleanup()
})

const call = <K extends CallName>(name: K, req: RequestOf<K>) =>
  dispatch(backend.handlers, name, req, () => undefined)

async function ok<K extends CallName>(name: K, req: RequestOf<K>): Promise<ResultOf<K>> {
  const r = await call(name, req)
  if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`)
  return r.value as ResultOf<K>
}

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast' as const
const NO_DOSE = {
  effectiveMsv: null,
  ctdiVolMgy: null,
  dlpMgyCm: null,
  region: null,
  activityMbq: null,
  agent: null,
}
const study = (date: string, result: 'not-read-yet' | 'stable') => ({
  date,
  procedure: MRI,
  result,
  lesions: [],
  dose: NO_DOSE,
  note: null,
})

const auditCount = (): number => backend.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number
const actions = (patientId: number | null = null) =>
  backend.db
    .prepare(
      patientId === null
        ? 'SELECT action FROM audit_log ORDER BY id'
        : `SELECT action FROM audit_log WHERE ${PATIENT_OF_ENTRY} = ? ORDER BY id`,
    )
    .pluck()
    .all(...(patientId === null ? [] : [patientId])) as string[]

describe('the list of one patient', () => {
  it('holds every entry about the patient (record, studies, steps, values, note, reads) and none of another', async () => {
    const a = await ok('patients.create', patientInput({ mrn: 'A-1', name: 'Ann Alpha' }))
    const b = await ok('patients.create', patientInput({ mrn: 'B-1', name: 'Bob Beta' }))
    const recorded = await ok('studies.record', {
      patientId: a.id,
      study: study('2026-03-01', 'not-read-yet'),
    })
    await ok('studies.setResult', {
      studyId: recorded.study.id,
      version: recorded.study.version,
      result: 'stable',
    })
    const v = await ok('biomarkers.add', {
      patientId: a.id,
      biomarker: { marker: 'chromogranin-a', unit: 'ng/mL', date: '2026-06-01', value: 150 },
    })
    await ok('biomarkers.remove', { id: v.id, version: v.version })
    await ok('notes.set', { patientId: a.id, version: null, text: 'Prefers mornings.' })
    await ok('patients.detail', { id: a.id })
    const page = await ok('audit.list', { patientId: a.id, limit: 200 })
    const entities = new Set(page.entries.map((e) => e.entity))
    for (const e of [
      'patient',
      'study',
      'recommendation',
      'followup_item',
      'biomarker',
      'patient_note',
      'access',
    ])
      expect(entities, e).toContain(e)
    // The undo points kept before each change ride on the change's entry (schema 145, db/audit.ts):
    // none is an entry of its own.
    expect(entities).not.toContain('undo_entry')
    expect(page.entries.every((e) => e.patient?.id === a.id)).toBe(true)
    // The removed value is still listed: its entry keeps the patient's id.
    expect(page.entries.map((e) => e.action)).toContain('biomarker.remove')
    expect(page.entries.map((e) => e.action)).not.toContain(undefined)
    expect(page.total).toBe(page.entries.length)
    const other = await ok('audit.list', { patientId: b.id, limit: 200 })
    expect(other.entries.length).toBeGreaterThan(0)
    expect(other.entries.every((e) => e.patient?.id === b.id)).toBe(true)
    // Newest first.
    const ids = page.entries.map((e) => e.id)
    expect(ids).toEqual([...ids].sort((x, y) => y - x))
  })

  it('reads one patient through the index, not a scan of the whole trail', () => {
    const plan = backend.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM audit_log WHERE ${PATIENT_OF_ENTRY} = 1 AND id < 99 ORDER BY id DESC LIMIT 5`,
      )
      .all() as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toContain('audit_log_patient')
  })
})

describe('filters', () => {
  it('by person, by calendar days where the reader sits, and by kind of change', async () => {
    const p = await ok('patients.create', patientInput())
    clock = localNoon('2026-11-26', 9).getTime()
    backend.close()
    backend = open('dr.other')
    await ok('patients.update', { id: p.id, version: p.version, patient: patientInput({ weightKg: 80 }) })
    const actors = await ok('audit.actors', {})
    expect(actors).toEqual(expect.arrayContaining(['dr.test', 'dr.other']))

    const mine = await ok('audit.list', { actor: 'dr.other', limit: 200 })
    expect(mine.entries.length).toBeGreaterThan(0)
    expect(mine.entries.every((e) => e.actor === 'dr.other')).toBe(true)

    const day = await ok('audit.list', { from: '2026-11-24', to: '2026-11-24', limit: 200 })
    expect(day.entries.map((e) => e.action)).toContain('patient.create')
    expect(day.entries.map((e) => e.action)).not.toContain('patient.update')
    const later = await ok('audit.list', { from: '2026-11-25', limit: 200 })
    expect(later.entries.map((e) => e.action)).toContain('patient.update')
    expect(later.entries.map((e) => e.action)).not.toContain('patient.create')

    const changed = await ok('audit.list', { kinds: ['changed'], limit: 200 })
    expect(changed.entries.map((e) => e.action)).toEqual(['patient.update'])
    const two = await ok('audit.list', { kinds: ['created', 'changed'], patientId: p.id, limit: 200 })
    expect(new Set(two.entries.map((e) => e.kind))).toEqual(new Set(['created', 'changed']))

    const refused = await call('audit.list', { from: '2026-11-26', to: '2026-11-24', limit: 10 })
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.error.code).toBe('INVALID_REQUEST')
  })

  it('puts every action the app writes in one kind, the SQL filter agreeing with the code', async () => {
    const p = await ok('patients.create', patientInput())
    await ok('studies.record', {
      patientId: p.id,
      study: study('2026-03-01', 'stable'),
    })
    await ok('patients.markError', {
      id: p.id,
      version: (await ok('patients.get', { id: p.id })).version,
      reason: 'Wrong person',
    })
    await backupOk(backend)
    // An action no rule names (a later version's) is "other", and listed.
    writeTx(backend.db, (tx) =>
      appendAudit(
        tx,
        { user: 'dr.test', now: () => new Date(clock) },
        {
          action: 'signin.password',
          entity: 'log',
          entityId: null,
          before: null,
          after: {},
        },
      ),
    )
    const all = (await ok('audit.list', { limit: 200 })).entries
    for (const kind of AUDIT_KINDS) {
      const listed = (await ok('audit.list', { kinds: [kind], limit: 200 })).entries
      expect(
        listed.map((e) => e.id),
        kind,
      ).toEqual(all.filter((e) => auditKindOf(e.action) === kind).map((e) => e.id))
    }
    expect(auditKindOf('signin.password')).toBe('other')
    expect(auditKindOf('undo.study.record')).toBe('undone')
    expect(auditKindOf('undo.keep')).toBe('log')
    expect(auditKindOf('patient.markError')).toBe('marked-in-error')
  })
})

describe('keyset paging', () => {
  it('pages through more than one page newest first with no entry twice and none left out, whatever the filter', async () => {
    const people = ['dr.a', 'dr.b', 'dr.c']
    const patients: number[] = []
    for (let i = 0; i < 6; i++) {
      backend.close()
      clock += 7 * 3600_000
      backend = open(people[i % 3]!)
      const p = await ok(
        'patients.create',
        patientInput({ mrn: `P-${i}`, name: `Pat ${i}`, weightKg: 60 + i }),
      )
      patients.push(p.id)
      await ok('patients.update', {
        id: p.id,
        version: p.version,
        patient: patientInput({ mrn: `P-${i}`, name: `Pat ${i}`, weightKg: 70 + i }),
      })
    }
    const db = backend.db
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          limit: fc.integer({ min: 1, max: 7 }),
          actor: fc.option(fc.constantFrom(...people), { nil: undefined }),
          patientId: fc.option(fc.constantFrom(...patients), { nil: undefined }),
          kinds: fc.option(fc.subarray([...AUDIT_KINDS], { minLength: 1 }), { nil: undefined }),
          from: fc.option(fc.constantFrom('2026-11-24', '2026-11-25', '2026-11-26'), { nil: undefined }),
        }),
        async (f) => {
          const seen: number[] = []
          let beforeId: number | null = null
          for (let guard = 0; guard < 1000; guard++) {
            const page: ResultOf<'audit.list'> = await ok('audit.list', { ...f, beforeId, limit: f.limit })
            expect(page.entries.length).toBeLessThanOrEqual(f.limit)
            seen.push(...page.entries.map((e) => e.id))
            if (page.next === null) break
            beforeId = page.next
          }
          // The same as one unpaged read of the filter, newest first.
          const whole = auditPage(
            db,
            {
              actor: f.actor ?? null,
              patientId: f.patientId ?? null,
              kinds: f.kinds ?? null,
              fromAt: f.from ? new Date(localNoon(f.from, 0)).toISOString() : null,
            },
            { beforeId: null, limit: 100_000 },
          ).entries.map((e) => e.id)
          expect(seen).toEqual(whole)
          expect(new Set(seen).size).toBe(seen.length)
          const first = await ok('audit.list', { ...f, limit: f.limit })
          expect(first.total).toBe(whole.length)
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('reads, exports and backups are audited', () => {
  it('opening a record writes one small read row per person, patient and 10 minutes', async () => {
    const p = await ok('patients.create', patientInput({ name: 'Secret Name' }))
    const n = auditCount()
    await ok('patients.detail', { id: p.id })
    await ok('patients.detail', { id: p.id })
    expect(auditCount()).toBe(n + 1)
    const row = backend.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT 1').get() as Record<
      string,
      unknown
    >
    expect(row).toMatchObject({ action: 'read.patient', entity: 'access', entity_id: p.id, actor: 'dr.test' })
    expect(JSON.stringify(auditValues(backend.db, row as never))).not.toContain('Secret')
    clock += 11 * 60_000
    await ok('patients.detail', { id: p.id })
    expect(auditCount()).toBe(n + 2)
    // The stored recommendation (the whole case) is a read too, of its patient.
    const detail = await ok('patients.detail', { id: p.id })
    await ok('recommendations.get', { id: detail.current!.id })
    expect(actions(p.id).at(-1)).toBe('read.recommendation')
    expect(verifyAuditChain(backend.db)).toBeNull()
  })

  it('every export writes a row with what was exported and its filter, no patient data', async () => {
    const p = await ok('patients.create', patientInput({ name: 'Secret Name', mrn: 'MRN-77' }))
    const before = auditCount()
    await ok('worklist.export', { bucket: 'all', sort: 'due', descending: false } as never)
    await ok('exports.fhir', { patientId: p.id })
    await ok('exports.calendar', {
      scope: { kind: 'patient', patientId: p.id },
      identify: 'initials-mrn',
      reminderDays: 7,
    })
    await ok('audit.noteExport', { what: 'dose-csv', patientId: p.id, fileName: 'dose-ledger_x.csv' })
    await ok('audit.noteExport', { what: 'sheet-print', patientId: p.id })
    const csv = await ok('audit.export', { kinds: ['export'] })
    expect(csv.entries.map((e) => e.action)).toEqual([
      'export.sheet-print',
      'export.dose-csv',
      'export.calendar',
      'export.fhir',
      'export.worklist-csv',
    ])
    const rows = backend.db
      .prepare('SELECT action, entity_id, before_json, after_json FROM audit_log WHERE id > ? ORDER BY id')
      .all(before) as { action: string; entity_id: number | null; before_json: null; after_json: string }[]
    const after = (r: (typeof rows)[number]): unknown => auditValues(backend.db, r).after
    expect(rows.map((r) => r.action)).toEqual([
      'export.worklist-csv',
      'export.fhir',
      'export.calendar',
      'export.dose-csv',
      'export.sheet-print',
      'export.audit-csv',
    ])
    expect(rows.map((r) => r.entity_id)).toEqual([null, p.id, p.id, p.id, p.id, null])
    expect(after(rows[0]!)).toMatchObject({ filter: { bucket: 'all' }, rows: 1 })
    expect(after(rows[5]!)).toMatchObject({ filter: { kinds: ['export'] }, rows: 5 })
    for (const r of rows) expect(JSON.stringify(after(r))).not.toContain('Secret')
  })

  it('Back up now and the daily backup write a backup row; the copy before a migration too', async () => {
    await backupOk(backend)
    expect(actions().at(-1)).toBe('backup.manual')
    backend.close()
    clock += 24 * 3600_000
    backend = openBackend({
      dataFile: path.join(dir, 'log.sqlite'),
      transport: 'web',
      version: 'test',
      now: () => new Date(clock),
      user: 'dr.test',
    })
    await backend.checked
    expect(actions()).toContain('backup.daily')
    const row = backend.db
      .prepare("SELECT before_json, after_json FROM audit_log WHERE action = 'backup.daily'")
      .get() as { before_json: null; after_json: string }
    expect(auditValues(backend.db, row).after).toMatchObject({
      file: expect.stringMatching(/^pnet-followup-\d{4}-\d\d-\d\d\.sqlite$/),
    })
    expect(verifyAuditChain(backend.db)).toBeNull()
  })

  it('in recovery mode a read or export is allowed and not written (nothing can be)', async () => {
    const p = await ok('patients.create', patientInput())
    setReadOnly(backend.db, 'test: read-only')
    const n = auditCount()
    expect((await ok('patients.detail', { id: p.id })).patient.id).toBe(p.id)
    await ok('exports.fhir', { patientId: p.id })
    expect((await ok('audit.noteExport', { what: 'sheet-pdf', patientId: p.id })).recorded).toBe(false)
    expect(auditCount()).toBe(n)
  })
})

it('the migration copy taken before an upgrade is recorded once the log is open', async () => {
  // A log at the schema before this indexes is upgraded: the checked copy is recorded.
  backend.close()
  const file = path.join(dir, 'old.sqlite')
  const actor = testActor()
  const old = openLogSession(file, {
    transport: 'web',
    actor,
    migrations: MIGRATIONS.slice(0, -1),
    backgroundCheck: false,
  })
  addPatient(old.db!, actor, patientInput())
  old.close()
  const s = openLogSession(file, { transport: 'web', actor, backgroundCheck: false })
  try {
    const row = s
      .db!.prepare("SELECT before_json, after_json FROM audit_log WHERE action = 'backup.before-migration'")
      .get() as { before_json: null; after_json: string } | undefined
    expect(row && auditValues(s.db!, row).after).toMatchObject({
      fromSchema: MIGRATIONS.at(-2)!.version,
      toSchema: MIGRATIONS.at(-1)!.version,
      file: `old.sqlite.before-v${MIGRATIONS.at(-1)!.version}-from-v${MIGRATIONS.at(-2)!.version}.sqlite`,
    })
    expect(verifyAuditChain(s.db!)).toBeNull()
  } finally {
    s.close()
    backend = open()
  }
})
