import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeTx } from '../../../db/tx'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import { markRedose, redoseBatch, redosePending } from '../../../electron/backend/services/dose'
import { activePack } from '../../../electron/backend/services/packs'
import { engineSettingsOf, getSettings } from '../../../electron/backend/services/settings'
import { patientInput, tempDir } from '../../helpers/db'
import { mriStudy, ok } from '../../helpers/logfiles'

// The re-dose after a dose-setting change (docs/data.md, "The re-dose"): the change answers at
// once, a `redose` job works every stored cumulative dose out again in batches with other calls in
// between, and a re-dose a crash interrupted is finished at the next open.

let file: string
let cleanup: () => void
let b: Backend

const open = (): Backend => {
  let t = Date.parse('2026-11-24T12:00:00.000Z')
  return openBackend({
    dataFile: file,
    transport: 'web',
    version: 'test',
    user: 'dr.test',
    now: () => new Date((t += 1000)),
    backgroundCheck: false,
  })
}

beforeEach(() => {
  const t = tempDir('pnet-redose-')
  cleanup = t.cleanup
  file = path.join(t.dir, 'log.sqlite')
  b = open()
})
afterEach(() => {
  b.close()
  cleanup()
})

/** Patients each with one CT of the pelvis, DLP 1,000 mGy·cm: 15 mSv (AAPM 96), 12.9 (ICRP 103). */
async function ctPatients(n: number, prefix = 'CT'): Promise<number[]> {
  const ids: number[] = []
  for (let i = 0; i < n; i++) {
    const p = await ok(
      b,
      'patients.create',
      patientInput({ mrn: `${prefix}-${i}`, name: `Patient ${prefix}${i}` }),
    )
    await ok(b, 'studies.record', {
      patientId: p.id,
      study: {
        ...mriStudy('2026-09-01'),
        procedure: 'ct-abdomen-pelvis-with-iv-contrast',
        dose: { ...mriStudy('2026-09-01').dose, dlpMgyCm: 1000, region: 'pelvis' },
      },
    })
    ids.push(p.id)
  }
  return ids
}

const doses = (): number[] =>
  (b.db.prepare('SELECT cumulative_msv FROM patient ORDER BY id').pluck().all() as number[]).map(
    (x) => Math.round(x * 10) / 10,
  )

const settingsFns = () => ({
  settings: () => engineSettingsOf(getSettings(b.db)),
  pack: () => activePack(b.db),
})

describe('the re-dose after a dose-setting change', () => {
  it('answers at once, runs as a job with progress, and leaves every patient re-dosed and no marker', async () => {
    await ctPatients(4)
    expect(doses()).toEqual([15, 15, 15, 15])
    await ok(b, 'settings.update', { kFactors: 'icrp103' })
    // Committed with the settings: the marker; the doses follow in the job.
    expect(redosePending(b.db)).toMatchObject({ after: 0, done: 0, total: 4 })
    const job = b.jobs.running('redose')!
    expect(job.kind).toBe('redose')
    expect((await ok(b, 'jobs.list', {})).map((j) => j.kind)).toContain('redose')
    const done = await b.jobs.settled(job.id)
    expect(done).toMatchObject({ state: 'done', result: { kind: 'redose', patients: 4 } })
    expect(doses()).toEqual([12.9, 12.9, 12.9, 12.9])
    expect(redosePending(b.db)).toBeNull()
  })

  it('goes in batches that let other calls through; a patient added meanwhile has the new dose', async () => {
    const ids = await ctPatients(3)
    // As a long re-dose does: the settings changed, one patient per batch (no time budget).
    await ok(b, 'settings.update', { kFactors: 'icrp103' })
    await b.jobs.settled(b.jobs.running('redose')!.id)
    writeTx(b.db, (tx) => markRedose(tx, new Date()))
    b.db.prepare('UPDATE patient SET cumulative_msv = 99').run()
    const { settings, pack } = settingsFns()
    expect(redoseBatch(b.db, settings, pack, 0)).toMatchObject({ after: ids[0], done: 1, total: 3 })
    expect(doses()).toEqual([12.9, 99, 99])
    await ctPatients(1, 'LATE')
    expect(redoseBatch(b.db, settings, pack, 0)).toMatchObject({ after: ids[1], done: 2 })
    expect(redoseBatch(b.db, settings, pack, 0)).toMatchObject({ after: ids[2], done: 3 })
    expect(doses()).toEqual([12.9, 12.9, 12.9, 12.9])
    // The patient added meanwhile, then the batch that finds none left and removes the marker.
    expect(redoseBatch(b.db, settings, pack, 0)).toMatchObject({ done: 4 })
    expect(redoseBatch(b.db, settings, pack, 0)).toMatchObject({ done: 3, total: 3 })
    expect(redosePending(b.db)).toBeNull()
    expect(redoseBatch(b.db, settings, pack, 0)).toBeNull()
  })

  it('finishes a re-dose a crash interrupted at the next open', async () => {
    await ctPatients(3)
    await ok(b, 'settings.update', { kFactors: 'icrp103' })
    await b.jobs.settled(b.jobs.running('redose')!.id)
    // The state a crash after the first batch leaves: the marker, one patient done.
    writeTx(b.db, (tx) => markRedose(tx, new Date()))
    b.db.prepare('UPDATE patient SET cumulative_msv = 99').run()
    const { settings, pack } = settingsFns()
    redoseBatch(b.db, settings, pack, 0)
    b.close()
    b = open()
    const job = b.jobs.running('redose')
    expect(job?.kind).toBe('redose')
    expect((await b.jobs.settled(job!.id)).state).toBe('done')
    expect(doses()).toEqual([12.9, 12.9, 12.9])
    expect(redosePending(b.db)).toBeNull()
  })
})
