import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CALLS, channelOf } from '../../../electron/contract/calls'
import { startApp } from '../../../electron/main/app'
import { CONTENT_SECURITY_POLICY } from '../../../electron/main/security'
import { buildBridge } from '../../../electron/preload/bridge'
import { ACR_PNET } from '../../../engine/guideline'
import { makeElectronStub, makeWebContentsStub } from '../../helpers/electronStub'
import { tempDir } from '../../helpers/db'
import { FIRST_ACCOUNT } from '../../helpers/logfiles'

let dir: string
let cleanup: () => void
let running: { emitApp: (event: string) => void } | null = null
beforeEach(() => ({ dir, cleanup } = tempDir()))
afterEach(() => {
  // Quit the app first: the log closes and its background check and backup stop writing in `dir`.
  running?.emitApp('will-quit')
  running = null
  cleanup()
})

async function started(extra: { env?: NodeJS.ProcessEnv; saveAs?: string | null } = {}) {
  const stub = makeElectronStub({ userData: dir, saveAs: extra.saveAs ?? null })
  const outDir = path.join(dir, 'out')
  fs.mkdirSync(path.join(outDir, 'renderer', 'assets'), { recursive: true })
  fs.writeFileSync(path.join(outDir, 'renderer', 'index.html'), '<!doctype html><title>t</title>')
  fs.writeFileSync(path.join(outDir, 'renderer', 'assets', 'a.js'), 'console.log(1)')
  startApp(stub.deps, { outDir, argv: ['electron', '.'], env: extra.env ?? {}, platform: 'linux' })
  running = stub
  await stub.ready()
  return { stub, outDir }
}

const appFrame = { url: 'app://pnet/index.html', parent: null }

/** The window signs in (the log's first account) the way the sign-in screen does. */
async function signIn(stub: Awaited<ReturnType<typeof started>>['stub']): Promise<void> {
  const r = (await stub.handlers.get('pnet:session.createFirst')!(
    { senderFrame: appFrame },
    { ...FIRST_ACCOUNT },
  )) as { ok: boolean }
  expect(r.ok).toBe(true)
}

describe('Electron main process wiring', () => {
  it('quits when another instance already holds the single-instance lock', () => {
    const stub = makeElectronStub({ gotLock: false })
    expect(startApp(stub.deps, { outDir: dir, argv: [], env: {}, platform: 'linux' })).toBe(false)
    expect(stub.calls).toContain('quit')
    expect(stub.handlers.size).toBe(0)
  })

  it('focuses the existing window when a second instance starts', async () => {
    const { stub } = await started()
    stub.emitApp('second-instance')
    expect(stub.calls).toContain('focus')
  })

  it('opens the window with context isolation, sandbox and no Node integration', async () => {
    const { stub, outDir } = await started()
    expect(stub.calls).toContain('enableSandbox')
    expect(stub.windows).toHaveLength(1)
    const prefs = (stub.windows[0]!.options as { webPreferences: Record<string, unknown> }).webPreferences
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
    expect(prefs['preload']).toBe(path.join(outDir, 'preload', 'index.js'))
    expect(stub.windows[0]!.loaded).toEqual(['app://pnet/index.html'])
  })

  it('keeps the log in userData unless a path is given', async () => {
    await started()
    expect(fs.existsSync(path.join(dir, 'pnet-followup.sqlite'))).toBe(true)
  })

  it('registers a handler for every contract call, and only those', async () => {
    const { stub } = await started()
    expect([...stub.handlers.keys()].sort()).toEqual(CALLS.map(channelOf).sort())
  })

  it('answers calls from its own page and refuses any other sender, without touching the log', async () => {
    const { stub } = await started()
    const create = stub.handlers.get('pnet:patients.list')!
    // Signed out, the window's calls are refused (the sign-in comes first).
    expect(await create({ senderFrame: appFrame }, { limit: 5, offset: 0 })).toMatchObject({
      ok: false,
      error: { code: 'SIGNED_OUT' },
    })
    await signIn(stub)
    const ok = (await create({ senderFrame: appFrame }, { limit: 5, offset: 0 })) as { ok: boolean }
    expect(ok.ok).toBe(true)
    const forgedSenders = [
      null,
      { url: 'https://evil.example/', parent: null },
      { url: 'app://pnet/index.html', parent: { url: 'app://pnet/' } },
      { url: 'file:///etc/passwd', parent: null },
      { url: 'app://other/index.html', parent: null },
    ]
    const createPatient = stub.handlers.get('pnet:patients.create')!
    for (const frame of forgedSenders) {
      const r = (await createPatient({ senderFrame: frame }, {})) as { ok: boolean; error?: { code: string } }
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
  })

  it('Save as PDF prints the window on A4 without backgrounds and writes the file the person chose', async () => {
    const target = path.join(dir, 'sheet.pdf')
    const { stub } = await started({ saveAs: target })
    await signIn(stub)
    const r = await stub.handlers.get('pnet:app.savePdf')!(
      { senderFrame: appFrame },
      { fileName: 'sheet_M1' },
    )
    expect(r).toEqual({ ok: true, value: { file: target } })
    expect(stub.windows[0]!.printed).toEqual([{ pageSize: 'A4', printBackground: false }])
    expect(stub.calls).toContain('save sheet_M1.pdf')
    expect(fs.readFileSync(target, 'utf8')).toBe('%PDF-1.7 stub')
  })

  it('Save as PDF writes nothing when the save dialog is cancelled', async () => {
    const { stub } = await started({ saveAs: null })
    await signIn(stub)
    const r = await stub.handlers.get('pnet:app.savePdf')!({ senderFrame: appFrame }, { fileName: 'x.pdf' })
    expect(r).toEqual({ ok: true, value: { cancelled: true } })
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.pdf'))).toEqual([])
  })

  it('sets a strict Content-Security-Policy on every response and serves the renderer only from its folder', async () => {
    const { stub } = await started()
    let headers: Record<string, string[]> = {}
    stub.headersHook!({ responseHeaders: { 'X-Other': ['1'] } }, (r) => {
      headers = (r as { responseHeaders: Record<string, string[]> }).responseHeaders
    })
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY])
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe')
    const page = await stub.protocolHandler!({ url: 'app://pnet/index.html' })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    for (const bad of [
      'app://pnet/../../../etc/passwd',
      'app://pnet/%2e%2e/%2e%2e/package.json',
      'app://elsewhere/index.html',
    ]) {
      expect((await stub.protocolHandler!({ url: bad })).status).toBe(404)
    }
    expect(stub.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ])
  })

  it('denies every permission request', async () => {
    const { stub } = await started()
    let granted: boolean | undefined
    stub.permissionRequest!({}, 'media', (g) => (granted = g))
    expect(granted).toBe(false)
    expect(stub.permissionCheck!()).toBe(false)
  })

  it('denies navigation away from the app, new windows and webviews', async () => {
    const { stub } = await started()
    const wc = makeWebContentsStub()
    stub.emitApp('web-contents-created', {}, wc.contents)
    expect(wc.fire('will-navigate', 'https://evil.example/')).toBe(true)
    expect(wc.fire('will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(wc.fire('will-navigate', 'app://pnet/index.html')).toBe(false)
    expect(wc.fire('will-redirect', 'https://evil.example/')).toBe(true)
    expect(wc.fire('will-attach-webview')).toBe(true)
    expect(wc.open('https://evil.example/')).toEqual({ action: 'deny' })
    expect(stub.calls.some((c) => c.startsWith('openExternal'))).toBe(false)
    // A source cited by the guideline pack opens in the system browser, still never in a new app
    // window; any other page on the same site does not.
    const cited = Object.values(ACR_PNET.sources).find((s) => s.url?.startsWith('https://'))!.url!
    expect(wc.open(cited)).toEqual({ action: 'deny' })
    expect(stub.calls).toContain(`openExternal ${cited}`)
    expect(wc.open(new URL(cited).origin + '/somewhere-else')).toEqual({ action: 'deny' })
    expect(stub.calls.filter((c) => c.startsWith('openExternal'))).toHaveLength(1)
  })

  it('sets an application menu with File, Edit, View, Window and Help', async () => {
    const { stub } = await started()
    expect(stub.calls).toContain('setApplicationMenu')
    expect((stub.menuTemplate as Array<{ label: string }>).map((m) => m.label)).toEqual([
      'File',
      'Edit',
      'View',
      'Window',
      'Help',
    ])
  })

  it('shows an error and quits when the log cannot be opened (another process holds it)', async () => {
    fs.writeFileSync(
      path.join(dir, 'pnet-followup.sqlite.lock'),
      JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: 'x', transport: 'electron', nonce: 'n' }),
    )
    const { stub } = await started()
    expect(stub.calls.some((c) => c.startsWith('error pNET Follow-up cannot open its log'))).toBe(true)
    expect(stub.calls).toContain('quit')
    expect(stub.windows).toHaveLength(0)
  })
})

describe('preload bridge', () => {
  it('exposes exactly one function per contract call, each on its own fixed channel', async () => {
    const seen: Array<[string, unknown]> = []
    const bridge = buildBridge(async (channel, payload) => {
      seen.push([channel, payload])
      return { ok: true, value: null }
    })
    expect(Object.keys(bridge).sort()).toEqual([...CALLS].sort())
    expect(Object.isFrozen(bridge)).toBe(true)
    await bridge['patients.list']({ limit: 1, offset: 0 })
    expect(seen).toEqual([['pnet:patients.list', { limit: 1, offset: 0 }]])
    expect((bridge as Record<string, unknown>)['send']).toBeUndefined()
  })
})
