import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditFor, verifyAuditChain } from '../../../db/audit'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import type { CallName, RequestOf, ResultOf } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { patientInput, tempDir, localNoon } from '../../helpers/db'

// Biomarker values and the patient note (migration 60) through the same dispatch path as the UI,
// on a real SQLite file: validated, audited in the write's own transaction, and never read by the
// engine (no recommendation is made for them).

let backend: Backend
let cleanup: () => void

beforeEach(() => {
  const t = tempDir()
  cleanup = t.cleanup
  backend = openBackend({
    dataFile: path.join(t.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    now: () => localNoon('2026-11-24', 10),
    user: 'dr.test',
  })
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

describe('biomarkers', () => {
  it('records values, lists them by marker oldest first, audits each, and changes no recommendation', async () => {
    const p = await ok('patients.create', patientInput())
    const before = (await ok('patients.detail', { id: p.id })).recommendations.length
    const cga = { marker: 'chromogranin-a', unit: 'ng/mL' } as const
    const later = await ok('biomarkers.add', {
      patientId: p.id,
      biomarker: { ...cga, date: '2026-06-01', value: 150 },
    })
    await ok('biomarkers.add', { patientId: p.id, biomarker: { ...cga, date: '2026-01-10', value: 120 } })
    const detail = await ok('patients.detail', { id: p.id })
    expect(detail.biomarkers.map((b) => [b.date, b.value, b.unit])).toEqual([
      ['2026-01-10', 120, 'ng/mL'],
      ['2026-06-01', 150, 'ng/mL'],
    ])
    expect(detail.recommendations).toHaveLength(before)
    const audit = auditFor(backend.db, 'biomarker', later.id)
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ action: 'biomarker.add', before: null, after: { value: 150 } })

    const removed = await ok('biomarkers.remove', { id: later.id, version: later.version })
    expect(removed.value).toBe(150)
    expect((await ok('patients.detail', { id: p.id })).biomarkers).toHaveLength(1)
    expect(auditFor(backend.db, 'biomarker', later.id).map((a) => [a.action, a.after])).toEqual([
      ['biomarker.add', expect.anything()],
      ['biomarker.remove', null],
    ])
    expect(verifyAuditChain(backend.db)).toBeNull()
  })

  it('refuses a bad value, an unknown marker, a missing unit and a future date, field by field', async () => {
    const p = await ok('patients.create', patientInput())
    const bad = await call('biomarkers.add', {
      patientId: p.id,
      biomarker: { date: '2026-01-10', marker: 'chromogranin-a', value: -1, unit: ' ' },
    })
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(bad.error.fields).toMatchObject({
        'biomarker.value': 'A value is at least 0.',
        'biomarker.unit': 'Give the unit, e.g. ng/mL.',
      })
    }
    const marker = await call('biomarkers.add', {
      patientId: p.id,
      biomarker: { date: '2026-01-10', marker: 'ki-67' as 'nse', value: 1, unit: '%' },
    })
    expect(!marker.ok && marker.error.fields?.['biomarker.marker']).toBe('Choose a biomarker from the list.')
    const future = await call('biomarkers.add', {
      patientId: p.id,
      biomarker: { date: '2027-01-10', marker: 'nse', value: 1, unit: 'ng/mL' },
    })
    expect(!future.ok && future.error.fields?.['biomarker.date']).toBe('The date is in the future.')
    const missing = await call('biomarkers.add', {
      patientId: 9999,
      biomarker: { date: '2026-01-10', marker: 'nse', value: 1, unit: 'ng/mL' },
    })
    expect(!missing.ok && missing.error.code).toBe('NOT_FOUND')
    expect((await ok('patients.detail', { id: p.id })).biomarkers).toEqual([])
  })
})

describe('the patient note', () => {
  it('is set, replaced and removed (empty text), each change audited with before and after', async () => {
    const p = await ok('patients.create', patientInput())
    expect((await ok('patients.detail', { id: p.id })).note).toBeNull()
    const first = (
      await ok('notes.set', { patientId: p.id, version: null, text: '  Prefers afternoon slots. ' })
    ).note
    expect(first).toMatchObject({ text: 'Prefers afternoon slots.' })
    const second = (
      await ok('notes.set', { patientId: p.id, version: first!.version, text: 'Claustrophobic: open MRI.' })
    ).note
    expect((await ok('patients.detail', { id: p.id })).note?.text).toBe('Claustrophobic: open MRI.')
    expect((await ok('notes.set', { patientId: p.id, version: second!.version, text: '' })).note).toBeNull()
    const audit = auditFor(backend.db, 'patient_note', p.id)
    expect(audit.map((a) => [a.action, (a.before as { text?: string } | null)?.text ?? null])).toEqual([
      ['note.set', null],
      ['note.set', 'Prefers afternoon slots.'],
      ['note.set', 'Claustrophobic: open MRI.'],
    ])
    expect(audit[2]!.after).toBeNull()
    const long = await call('notes.set', { patientId: p.id, version: null, text: 'x'.repeat(4001) })
    expect(!long.ok && long.error.fields?.['text']).toBe('Keep the note under 4000 characters.')
  })
})
