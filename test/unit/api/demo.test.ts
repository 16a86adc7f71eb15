import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../../db/audit'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../db/migrations'
import { openDatabase } from '../../../db/open'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import type { CallName, RequestOf, ResultOf } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { patientInput, tempDir } from '../../helpers/db'

// Which patients are demo patients is the back end's record (demo_patients), never a guess from
// the MRN: a real patient with MRN "demo-77" is neither reported nor removed as demo.

let backend: Backend
let dir: string
let cleanup: () => void

beforeEach(() => {
  const t = tempDir()
  dir = t.dir
  cleanup = t.cleanup
  backend = openBackend({
    dataFile: path.join(dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    now: () => new Date('2026-11-24T10:00:00Z'),
    user: 'dr.test',
  })
})
afterEach(() => {
  backend.close()
  cleanup()
})

async function ok<K extends CallName>(name: K, req: RequestOf<K>): Promise<ResultOf<K>> {
  const r = await dispatch(backend.handlers, name, req, () => undefined)
  if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`)
  return r.value as ResultOf<K>
}

describe('demo state', () => {
  it('a real patient whose MRN looks like a demo one is not demo and is never removed', async () => {
    const real = await ok('patients.create', patientInput({ mrn: 'demo-77', name: 'Real, Dana' }))
    expect(real.isDemo).toBe(false)
    expect(await ok('demo.status', {})).toEqual({ patients: 0 })
    expect(await ok('demo.remove', {})).toEqual({ removed: 0 })
    expect(await ok('patients.get', { id: real.id })).toMatchObject({ mrn: 'demo-77', isDemo: false })
  })

  it('records the patients the demo loaded, counts them, and removes exactly those', async () => {
    const real = await ok('patients.create', patientInput({ mrn: 'demo-77', name: 'Real, Dana' }))
    expect(await ok('demo.load', {})).toEqual({ patients: 10 })
    expect(await ok('demo.status', {})).toEqual({ patients: 10 })
    const ids = backend.db.prepare('SELECT patient_id FROM demo_patients ORDER BY 1').pluck().all()
    expect(ids).toHaveLength(10)
    expect(ids).not.toContain(real.id)

    const found = await ok('worklist.page', {
      bucket: 'all',
      search: 'demo',
      sort: 'mrn',
      descending: false,
      limit: 50,
      offset: 0,
    })
    expect(found).toHaveLength(11)
    expect(found.filter((r) => r.isDemo).map((r) => r.mrn)).toHaveLength(10)
    expect(found.find((r) => r.mrn === 'demo-77')?.isDemo).toBe(false)
    const list = await ok('patients.list', { query: 'demo', limit: 50, offset: 0 })
    expect(list.items.find((p) => p.mrn === 'demo-77')?.isDemo).toBe(false)
    expect(list.items.filter((p) => p.isDemo)).toHaveLength(10)

    expect(await ok('demo.remove', {})).toEqual({ removed: 10 })
    expect(await ok('demo.status', {})).toEqual({ patients: 0 })
    expect(backend.db.prepare('SELECT mrn FROM patient').pluck().all()).toEqual(['demo-77'])
    expect(backend.db.prepare('SELECT count(*) FROM demo_patients').pluck().get()).toBe(0)
    const removed = backend.db
      .prepare("SELECT entity_id FROM audit_log WHERE action = 'demo.remove' ORDER BY entity_id")
      .pluck()
      .all()
    expect(removed).toEqual(ids)
    expect(verifyAuditChain(backend.db)).toBeNull()
  })

  it('deleting a demo patient by any path drops its demo record too', async () => {
    await ok('demo.load', {})
    const id = backend.db.prepare('SELECT min(patient_id) FROM demo_patients').pluck().get() as number
    backend.db.prepare('DELETE FROM patient WHERE id = ?').run(id)
    expect(await ok('demo.status', {})).toEqual({ patients: 9 })
  })
})

describe('migration 30 (demo_patients)', () => {
  it('moves the old is_demo flags into demo_patients and drops the column', () => {
    const file = path.join(dir, 'old.sqlite')
    const v10 = MIGRATIONS.filter((m) => m.version <= 10)
    const old = openDatabase(file, { migrations: v10 })
    const add = old.prepare(
      "INSERT INTO patient (mrn, name, is_demo, created_at, updated_at) VALUES (?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    )
    add.run('DEMO-0001', 'Demo, One', 1)
    add.run('demo-77', 'Real, Dana', 0)
    old.close()

    const db = openDatabase(file)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(
      db.prepare('SELECT p.mrn FROM demo_patients d JOIN patient p ON p.id = d.patient_id').pluck().all(),
    ).toEqual(['DEMO-0001'])
    const columns = (db.pragma('table_info(patient)') as Array<{ name: string }>).map((c) => c.name)
    expect(columns).not.toContain('is_demo')
    expect(
      db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'demo_patients'").pluck().get(),
    ).toBe(1)
    db.close()
  })
})
