import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import { logFileFor, openLog, type AppLog } from '../../../electron/backend/log'
import { channelOf } from '../../../electron/contract/calls'
import type { AppInfo } from '../../../electron/contract/contract'
import { dispatch } from '../../../electron/contract/dispatch'
import { startApp } from '../../../electron/main/app'
import type { StudyInput } from '../../../db/types'
import { makeElectronStub } from '../../helpers/electronStub'
import { patientInput, tempDir } from '../../helpers/db'
import { FIRST_ACCOUNT } from '../../helpers/logfiles'

// The app's log file (electron/backend/log.ts): where it is, that it rotates, that failures reach
// it from every route (calls, backups, start-up), and that no patient data ever does.

let dir: string
let cleanup: () => void
beforeEach(() => ({ dir, cleanup } = tempDir()))
afterEach(() => cleanup())

const read = (file: string): string => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '')
/** Every file in the log folder, concatenated (the current one and the rotated ones). */
const allLogs = (logFile: string): string =>
  fs
    .readdirSync(path.dirname(logFile))
    .map((f) => read(path.join(path.dirname(logFile), f)))
    .join('\n')

describe('the log file', () => {
  it('lives in logs/pnet.log beside the data file and is named by app.info', async () => {
    const dataFile = path.join(dir, 'site', 'pnet-followup.sqlite')
    expect(logFileFor(dataFile)).toBe(path.join(dir, 'site', 'logs', 'pnet.log'))
    const backend = openBackend({ dataFile, transport: 'web', version: '9.9.9' })
    try {
      const info = await dispatch(backend.handlers, 'app.info', {}, () => undefined)
      expect(info).toMatchObject({ ok: true, value: { logFile: path.join(dir, 'site', 'logs', 'pnet.log') } })
      expect(read(backend.log.file)).toContain(`pNET Follow-up 9.9.9 (web) opened ${dataFile}`)
    } finally {
      backend.close()
    }
  })

  it('rotates by size and keeps a few files', () => {
    const log = openLog(path.join(dir, 'logs', 'pnet.log'), { maxBytes: 400, keep: 3, console: false })
    for (let i = 0; i < 60; i++) log.error(`failure number ${String(i).padStart(2, '0')} ${'x'.repeat(40)}`)
    expect(fs.readdirSync(path.join(dir, 'logs')).sort()).toEqual(['pnet.1.log', 'pnet.2.log', 'pnet.log'])
    for (const f of fs.readdirSync(path.join(dir, 'logs')))
      expect(fs.statSync(path.join(dir, 'logs', f)).size).toBeLessThanOrEqual(400 + 100)
    expect(read(log.file)).toContain('failure number 59')
    expect(read(path.join(dir, 'logs', 'pnet.1.log'))).not.toContain('failure number 59')
    expect(allLogs(log.file)).not.toContain('failure number 00')
  })
})

describe('no patient data in the log', () => {
  // Markers in every field a person types; none may ever reach the log file.
  const M = {
    name: 'Zyxname Markerpatient',
    mrn: 'MRNMARKER4711',
    mriReason: 'pacemakermarker reason',
    symptom: 'symptommarker pain',
    note: 'notemarker free text',
    override: 'overridemarker because',
    status: 'statusmarker text',
    query: 'querymarker',
  }
  const markers = Object.values(M)

  let backend: Backend
  let log: AppLog
  let logLines: string[]
  beforeEach(async () => {
    logLines = []
    const dataFile = path.join(dir, 'pnet-followup.sqlite')
    log = openLog(logFileFor(dataFile), { console: false })
    // A file where the backups folder should be: today's automatic backup fails (and is logged).
    fs.writeFileSync(path.join(dir, 'backups'), 'not a folder')
    backend = openBackend({
      dataFile,
      transport: 'web',
      version: 'test',
      now: () => new Date('2026-11-24T10:00:00Z'),
      user: 'dr.test',
      log,
    })
    // The daily backup is taken once the full check after open has passed.
    await backend.checked
  })
  afterEach(() => backend.close())

  const call = (name: unknown, payload: unknown) =>
    dispatch(backend.handlers, name, payload, (line) => {
      logLines.push(line)
      log.error(line)
    })

  const patient = (over: Record<string, unknown> = {}) =>
    patientInput({
      name: M.name,
      mrn: M.mrn,
      symptoms: [M.symptom],
      constraints: {
        mriContraindicated: true,
        mriReason: M.mriReason,
        iodinatedContrastContraindicated: false,
        gadoliniumContraindicated: false,
        eGFR: 80,
      },
      ...over,
    })
  const study = (date: string): StudyInput => ({
    date,
    procedure: 'ct-abdomen-pelvis-with-iv-contrast',
    result: 'stable',
    lesions: [],
    dose: {
      effectiveMsv: null,
      ctdiVolMgy: null,
      dlpMgyCm: null,
      region: null,
      activityMbq: null,
      agent: null,
    },
    note: M.note,
  })

  it('keeps calls, failed backups and crashed calls out of the log except their names and stacks', async () => {
    // Calls that succeed.
    const created = await call('patients.create', patient())
    expect(created.ok).toBe(true)
    if (!created.ok) return
    const { id, version } = created.value as { id: number; version: number }
    expect((await call('studies.record', { patientId: id, study: study('2026-11-20') })).ok).toBe(true)
    const detail = await call('patients.detail', { id })
    if (!detail.ok) throw new Error('detail failed')
    const item = (detail.value as { items: { id: number; status: string; version: number }[] }).items.find(
      (i) => i.status === 'scheduled',
    )!
    const overridden = await call('followup.override', {
      itemId: item.id,
      version: item.version,
      procedure: null,
      due: { from: '2027-01-01', to: '2027-02-01' },
      reasonCode: 'other',
      text: M.override,
    })
    if (!overridden.ok) throw new Error('override failed')
    const itemVersion = (overridden.value as { version: number }).version
    expect((await call('patients.list', { query: M.query, limit: 5, offset: 0 })).ok).toBe(true)

    // Calls refused with a reason the person can act on (answered, never logged).
    expect(await call('patients.create', patient())).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    expect(await call('patients.create', patient({ weightKg: -1 }))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    })
    expect(await call(`patients.${M.name}`, { mrn: M.mrn })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CALL' },
    })
    expect(logLines).toEqual([])

    // Calls that fail inside: the database refuses writes, then is closed under the handlers.
    backend.db.pragma('query_only = ON')
    const failing: [string, unknown][] = [
      ['patients.update', { id, version, patient: patient({ name: `${M.name} second` }) }],
      ['studies.record', { patientId: id, study: study('2026-11-22') }],
      [
        'followup.setStatus',
        {
          itemId: item.id,
          version: itemVersion,
          status: 'cancelled',
          reasonCode: 'other',
          reasonText: M.status,
          newDue: null,
        },
      ],
      ['patients.create', patient({ mrn: `${M.mrn}-2` })],
    ]
    for (const [name, req] of failing)
      expect(await call(name, req)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    backend.db.close()
    for (const [name, req] of [...failing, ['patients.list', { query: M.query, limit: 5, offset: 0 }]])
      expect(await call(name, req)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })

    const text = allLogs(log.file)
    expect(text).toContain('daily backup to')
    expect(text).toContain('patients.update failed')
    expect(text).toContain('studies.record failed')
    expect(text).toContain('followup.setStatus failed')
    expect(text).toContain('patients.list failed')
    expect(logLines).toHaveLength(9)
    for (const marker of markers) {
      expect(text).not.toContain(marker)
      expect(text.toLowerCase()).not.toContain(marker.toLowerCase().split(' ')[0])
    }
  })
})

describe('the routes into the log', () => {
  it('Electron: a start-up failure is logged and the dialog names the log file', async () => {
    const dataFile = path.join(dir, 'pnet-followup.sqlite')
    // Another process holds the log: the app cannot start on it.
    fs.writeFileSync(
      `${dataFile}.lock`,
      JSON.stringify({ pid: 1, host: 'Zyxname-other-host', startedAt: 'x', transport: 'web', nonce: 'n' }),
    )
    const stub = makeElectronStub({ userData: dir })
    startApp(stub.deps, {
      outDir: path.join(dir, 'out'),
      argv: ['electron', '.'],
      env: {},
      platform: 'linux',
    })
    await stub.ready()
    await new Promise((r) => setTimeout(r, 10))
    const logFile = logFileFor(dataFile)
    const dialog = stub.calls.find((c) => c.startsWith('error '))
    expect(dialog).toContain(`Details: ${logFile}`)
    expect(dialog).toContain('already open in the browser-mode host, process 1 on Zyxname-other-host')
    expect(read(logFile)).toContain(`cannot open ${dataFile}`)
  })

  it('Electron: a log that is not a database (nor an encrypted log with its key file) asks for the recovery key, logged without its content', async () => {
    const dataFile = path.join(dir, 'pnet-followup.sqlite')
    fs.writeFileSync(dataFile, 'this is not SQLite: Zyxname Markerpatient MRNMARKER4711')
    const stub = makeElectronStub({ userData: dir })
    fs.mkdirSync(path.join(dir, 'out', 'renderer'), { recursive: true })
    startApp(stub.deps, {
      outDir: path.join(dir, 'out'),
      argv: ['electron', '.'],
      env: {},
      platform: 'linux',
    })
    await stub.ready()
    const frame = { senderFrame: { url: 'app://pnet/index.html', parent: null } }
    // Without a key file a file that is not plain SQLite may be an encrypted log whose key file was
    // lost: the unlock screen offers the recovery key, and nothing else is answered.
    const vault = (await stub.handlers.get(channelOf('vault.status'))!(frame, {})) as {
      ok: true
      value: { state: string }
    }
    expect(vault.value.state).toBe('key-file-missing')
    const info = (await stub.handlers.get(channelOf('app.info'))!(frame, {})) as {
      ok: false
      error: { code: string }
    }
    expect(info.error.code).toBe('NOT_UNLOCKED')
    const logFile = logFileFor(dataFile)
    expect(read(logFile)).toContain('is not a plain SQLite log and its key file')
    expect(read(logFile)).not.toContain('MRNMARKER4711')
    stub.emitApp('will-quit')
  })

  it('Electron: a call that fails inside is logged through the IPC handler', async () => {
    const stub = makeElectronStub({ userData: dir })
    fs.mkdirSync(path.join(dir, 'out', 'renderer'), { recursive: true })
    startApp(stub.deps, {
      outDir: path.join(dir, 'out'),
      argv: ['electron', '.'],
      env: {},
      platform: 'linux',
    })
    await stub.ready()
    const frame = { senderFrame: { url: 'app://pnet/index.html', parent: null } }
    const info = (await stub.handlers.get(channelOf('app.info'))!(frame, {})) as { ok: true; value: AppInfo }
    expect(info.value.logFile).toBe(logFileFor(path.join(dir, 'pnet-followup.sqlite')))
    // The window signs in first (the log's first account), as the sign-in screen does.
    const first = (await stub.handlers.get(channelOf('session.createFirst'))!(frame, FIRST_ACCOUNT)) as {
      ok: boolean
    }
    expect(first.ok).toBe(true)
    stub.emitApp('will-quit') // closes the database under the handlers
    const r = await stub.handlers.get(channelOf('patients.create'))!(
      frame,
      patientInput({ mrn: 'MRNMARKER4711' }),
    )
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(read(info.value.logFile)).toContain('patients.create failed')
    expect(read(info.value.logFile)).not.toContain('MRNMARKER4711')
  })
})
