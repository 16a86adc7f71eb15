import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import type { MenuItemConstructorOptions } from 'electron'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { logFileFor } from '../../../electron/backend/log'
import { startApp } from '../../../electron/main/app'
import { buildMenuTemplate } from '../../../electron/main/menu'
import {
  CONTENT_SECURITY_POLICY,
  devRendererUrl,
  isAllowedExternal,
  isAppUrl,
  isDevToolsShortcut,
  mainWindowOptions,
} from '../../../electron/main/security'
import { DEV_CONTENT_SECURITY_POLICY } from '../../../electron/serving/csp'
import { makeElectronStub, makeWebContentsStub } from '../../helpers/electronStub'
import { tempDir } from '../../helpers/db'
import { makeServedFolder, OWN_URLS, PATH_TRAPS, URL_TRAPS } from './traps'

let dir: string
let cleanup: () => void
let quit: Array<() => void> = []
beforeEach(() => ({ dir, cleanup } = tempDir()))
afterEach(() => {
  quit.forEach((q) => q())
  quit = []
  cleanup()
})

/** Starts the app under the stub, as a packaged build or a development one. */
async function started(opts: { packaged?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const stub = makeElectronStub({ userData: dir })
  const outDir = path.join(dir, 'out')
  fs.mkdirSync(outDir)
  makeServedFolder(outDir)
  startApp(stub.deps, {
    outDir,
    argv: ['electron', '.'],
    env: opts.env ?? {},
    platform: 'linux',
    ...(opts.packaged === undefined ? {} : { packaged: opts.packaged }),
  })
  await stub.ready()
  quit.push(() => stub.emitApp('will-quit'))
  const csp = (): string[] | undefined => {
    let headers: Record<string, string[]> = {}
    stub.headersHook!({ responseHeaders: {} }, (r) => {
      headers = (r as { responseHeaders: Record<string, string[]> }).responseHeaders
    })
    return headers['Content-Security-Policy']
  }
  // A call every page may make before anyone signs in (app.info): the sender check comes first,
  // so an answer other than FORBIDDEN means the sender was taken for our own page.
  const call = async (url: string, parent: unknown = null) =>
    (await stub.handlers.get('pnet:app.info')!({ senderFrame: { url, parent } }, {})) as {
      ok: boolean
      error?: { code: string }
    }
  const prefs = () => (stub.windows[0]!.options as { webPreferences: Record<string, unknown> }).webPreferences
  const contents = () => {
    const wc = makeWebContentsStub()
    stub.emitApp('web-contents-created', {}, wc.contents)
    return wc
  }
  return { stub, csp, call, prefs, contents }
}

const EVIL = 'https://evil.example'
const logText = () => {
  const file = logFileFor(path.join(dir, 'pnet-followup.sqlite'))
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
}

describe('ELECTRON_RENDERER_URL is a development-only switch', () => {
  it('a packaged app ignores it: its own pages, the strict CSP, and the other origin gets no answer', async () => {
    const app = await started({ packaged: true, env: { ELECTRON_RENDERER_URL: `${EVIL}/` } })
    expect(app.stub.windows[0]!.loaded).toEqual(['app://pnet/index.html'])
    expect(app.csp()).toEqual([CONTENT_SECURITY_POLICY])
    expect(await app.call(`${EVIL}/`)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await app.call('app://pnet/index.html')).toMatchObject({ ok: true })
    expect(app.contents().fire('will-navigate', `${EVIL}/`)).toBe(true)
    expect(logText()).toContain('ELECTRON_RENDERER_URL is ignored: a packaged app loads only its own pages.')
  })

  it('a packaged app ignores a loopback dev server too', async () => {
    const app = await started({ packaged: true, env: { ELECTRON_RENDERER_URL: 'http://localhost:5173/' } })
    expect(app.stub.windows[0]!.loaded).toEqual(['app://pnet/index.html'])
    expect(app.csp()).toEqual([CONTENT_SECURITY_POLICY])
    expect(await app.call('http://localhost:5173/')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    })
  })

  it('without the packaged flag the app behaves as packaged', async () => {
    const app = await started({ env: { ELECTRON_RENDERER_URL: 'http://localhost:5173/' } })
    expect(app.stub.windows[0]!.loaded).toEqual(['app://pnet/index.html'])
    expect(app.prefs()['devTools']).toBe(false)
  })

  it('a development build loads the loopback dev server with the dev CSP, and answers only it and app://', async () => {
    const app = await started({ packaged: false, env: { ELECTRON_RENDERER_URL: 'http://localhost:5173/' } })
    expect(app.stub.windows[0]!.loaded).toEqual(['http://localhost:5173/'])
    expect(app.csp()).toEqual([DEV_CONTENT_SECURITY_POLICY])
    expect(logText()).not.toContain('ELECTRON_RENDERER_URL')
    expect(await app.call('http://localhost:5173/index.html')).toMatchObject({ ok: true })
    expect(await app.call('app://pnet/index.html')).toMatchObject({ ok: true })
    for (const other of [
      `${EVIL}/`,
      'http://localhost:5174/',
      'http://127.0.0.1:5173/',
      'https://localhost:5173/',
      'http://evil@localhost:5173/',
      'ws://localhost:5173/',
    ])
      expect(await app.call(other), other).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await app.call('http://localhost:5173/', { url: 'http://localhost:5173/' })).toMatchObject({
      ok: false,
    })
  })

  it('a development build refuses a dev server that is not on this computer', async () => {
    const app = await started({ packaged: false, env: { ELECTRON_RENDERER_URL: `${EVIL}/` } })
    expect(app.stub.windows[0]!.loaded).toEqual(['app://pnet/index.html'])
    expect(app.csp()).toEqual([CONTENT_SECURITY_POLICY])
    expect(await app.call(`${EVIL}/`)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(logText()).toContain(
      'ELECTRON_RENDERER_URL is ignored: a development renderer must be http(s) on this computer',
    )
  })

  it('devRendererUrl accepts only http(s) on localhost, 127.0.0.1 or [::1], without a user name', () => {
    for (const ok of [
      'http://localhost:5173/',
      'http://127.0.0.1:5173/',
      'http://[::1]:5173/',
      'https://localhost/',
    ])
      expect(devRendererUrl({ ELECTRON_RENDERER_URL: ok }, false), ok).toBe(ok)
    for (const bad of [
      `${EVIL}/`,
      'http://localhost.evil.example/',
      'http://user@localhost:5173/',
      'file:///tmp/index.html',
      'javascript:alert(1)',
      'app://pnet/',
      'not a url',
      '',
    ])
      expect(devRendererUrl({ ELECTRON_RENDERER_URL: bad }, false), bad).toBeUndefined()
    expect(devRendererUrl({ ELECTRON_RENDERER_URL: 'http://localhost:5173/' }, true)).toBeUndefined()
    expect(devRendererUrl({}, false)).toBeUndefined()
  })
})

/** Every role in a menu template, submenus included. */
function roles(template: readonly MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ])
}

describe('developer tools only in development builds', () => {
  const actions = { openDataFolder: () => undefined, showAbout: () => undefined }

  it.each(['linux', 'darwin', 'win32'] as const)(
    'the %s menu has no Toggle Developer Tools when packaged',
    (platform) => {
      expect(roles(buildMenuTemplate(platform, 'pNET Follow-up', actions, { packaged: true }))).not.toContain(
        'toggleDevTools',
      )
      expect(roles(buildMenuTemplate(platform, 'pNET Follow-up', actions, { packaged: false }))).toContain(
        'toggleDevTools',
      )
      // Everything else is the same in both.
      expect(roles(buildMenuTemplate(platform, 'x', actions, { packaged: true }))).toEqual(
        roles(buildMenuTemplate(platform, 'x', actions, { packaged: false })).filter(
          (r) => r !== 'toggleDevTools',
        ),
      )
    },
  )

  it('the window has devTools off when packaged, on in development', () => {
    expect(mainWindowOptions('/p.js', { packaged: true }).webPreferences?.devTools).toBe(false)
    expect(mainWindowOptions('/p.js', { packaged: false }).webPreferences?.devTools).toBe(true)
  })

  it('a packaged app sets that menu and window, blocks the shortcuts and closes tools opened anyway', async () => {
    const app = await started({ packaged: true })
    expect(roles(app.stub.menuTemplate as MenuItemConstructorOptions[])).not.toContain('toggleDevTools')
    expect(app.prefs()['devTools']).toBe(false)
    const wc = app.contents()
    const key = (k: string, mods: Partial<Record<'control' | 'shift' | 'alt' | 'meta', boolean>> = {}) =>
      wc.fire('before-input-event', {
        type: 'keyDown',
        key: k,
        control: false,
        shift: false,
        alt: false,
        meta: false,
        ...mods,
      })
    expect(key('F12')).toBe(true)
    expect(key('I', { control: true, shift: true })).toBe(true)
    expect(key('J', { control: true, shift: true })).toBe(true)
    expect(key('C', { control: true, shift: true })).toBe(true)
    expect(key('i', { meta: true, alt: true })).toBe(true)
    // The app's own keys still reach the page.
    expect(key('/')).toBe(false)
    expect(key('r')).toBe(false)
    expect(key('R', { shift: true })).toBe(false)
    expect(key('c', { control: true })).toBe(false)
    wc.fire('devtools-opened')
    expect(wc.closedDevTools).toBe(1)
  })

  it('a development build keeps them', async () => {
    const app = await started({ packaged: false })
    expect(roles(app.stub.menuTemplate as MenuItemConstructorOptions[])).toContain('toggleDevTools')
    expect(app.prefs()['devTools']).toBe(true)
    const wc = app.contents()
    expect(wc.fire('before-input-event', { type: 'keyDown', key: 'F12' })).toBe(false)
  })

  it('isDevToolsShortcut reacts to key presses only', () => {
    const base = { key: 'F12', control: false, shift: false, alt: false, meta: false }
    expect(isDevToolsShortcut({ ...base, type: 'keyDown' })).toBe(true)
    expect(isDevToolsShortcut({ ...base, type: 'keyUp' })).toBe(false)
  })
})

describe('Electron checklist: window options', () => {
  it.each([true, false])(
    'packaged %s: every hardening preference is set, nothing risky is turned on',
    (packaged) => {
      const prefs = mainWindowOptions('/p.js', { packaged }).webPreferences as Record<string, unknown>
      expect(prefs).toMatchObject({
        preload: '/p.js',
        contextIsolation: true, // 3
        sandbox: true, // 4
        nodeIntegration: false, // 2
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true, // 6
        allowRunningInsecureContent: false, // 8
        experimentalFeatures: false, // 9
        webviewTag: false, // 11
        navigateOnDragDrop: false,
      })
      // 10: no Blink features switched on; nothing that loosens the above.
      for (const key of [
        'enableBlinkFeatures',
        'additionalArguments',
        'enableRemoteModule',
        'plugins',
        'safeDialogs',
        'disableHtmlFullscreenWindowResize',
        'partition',
        'session',
        'javascript',
      ])
        expect(prefs, key).not.toHaveProperty(key)
    },
  )

  it('the app opens its window with exactly those options', async () => {
    const app = await started({ packaged: true })
    expect(app.stub.windows[0]!.options).toEqual(
      mainWindowOptions(path.join(dir, 'out', 'preload', 'index.js'), { packaged: true }),
    )
  })
})

describe('Electron checklist: Content-Security-Policy', () => {
  const directives = (csp: string) =>
    Object.fromEntries(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...v]) => [name, v]),
    )

  it('allows only our own origin: no remote source, no inline or eval script, no plugins, no framing', () => {
    expect(directives(CONTENT_SECURITY_POLICY)).toEqual({
      'default-src': ["'none'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'"],
      'connect-src': ["'self'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
      'frame-ancestors': ["'none'"],
      'object-src': ["'none'"],
    })
  })

  it('the development CSP differs only by what hot reload needs, on loopback', () => {
    const dev = directives(DEV_CONTENT_SECURITY_POLICY)
    const prod = directives(CONTENT_SECURITY_POLICY)
    expect(dev['script-src']).toEqual(["'self'", "'unsafe-inline'"])
    expect(dev['style-src']).toEqual(["'self'", "'unsafe-inline'"])
    expect(dev['connect-src']).toEqual(["'self'", 'ws://localhost:*', 'ws://127.0.0.1:*'])
    expect({ ...dev, 'script-src': [], 'style-src': [], 'connect-src': [] }).toEqual({
      ...prod,
      'script-src': [],
      'style-src': [],
      'connect-src': [],
    })
  })
})

describe('Electron checklist: navigation, new windows, senders (trap lists in ./traps.ts)', () => {
  it('covers every trap class of the checklist', () => {
    const kinds = new Set(URL_TRAPS.map((t) => t.kind))
    for (const k of [
      'lookalike host',
      'userinfo',
      'IDN',
      'javascript:',
      'data:',
      'file:',
      'other scheme',
      'backslash',
    ])
      expect(kinds).toContain(k)
    const pathKinds = new Set(PATH_TRAPS.map((t) => t.kind))
    for (const k of [
      'encoded traversal',
      'encoded slash',
      'backslash',
      'null byte',
      'symlink to a file outside',
    ])
      expect(pathKinds).toContain(k)
  })

  it('refuses every URL trap: navigation, redirect, new window, outside browser and IPC sender', async () => {
    const app = await started({ packaged: true })
    const wc = app.contents()
    for (const { kind, url } of URL_TRAPS) {
      const what = `${kind}: ${JSON.stringify(url)}`
      expect(isAppUrl(url, undefined), what).toBe(false)
      expect(wc.fire('will-navigate', url), what).toBe(true)
      expect(wc.fire('will-redirect', url), what).toBe(true)
      expect(wc.open(url), what).toEqual({ action: 'deny' })
      expect(await app.call(url), what).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
    expect(app.stub.calls.some((c) => c.startsWith('openExternal'))).toBe(false)
  })

  it('in a development build the same traps are refused, bar the dev server itself', () => {
    const allowed = URL_TRAPS.filter((t) => isAppUrl(t.url, 'http://localhost:5173/')).map((t) => t.url)
    expect(allowed).toEqual(['http://localhost:5173/'])
  })

  it('allows our own pages, and only in the main frame', async () => {
    const app = await started({ packaged: true })
    const wc = app.contents()
    for (const url of OWN_URLS) {
      expect(isAppUrl(url, undefined), url).toBe(true)
      expect(wc.fire('will-navigate', url), url).toBe(false)
      expect(await app.call(url), url).toMatchObject({ ok: true })
      expect(await app.call(url, { url })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      // A page of ours still never opens a second window.
      expect(wc.open(url)).toEqual({ action: 'deny' })
    }
    expect(wc.fire('will-attach-webview', {}, { src: 'app://pnet/index.html' })).toBe(true)
  })

  it('property: no web URL is ever taken for ours, nor any URL with a user name', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        expect(isAppUrl(url, undefined)).toBe(false)
      }),
      { numRuns: 300 },
    )
    const user = fc.option(fc.stringMatching(/^[a-z0-9]{1,8}(:[a-z0-9]{0,8})?$/), { nil: undefined })
    const host = fc.constantFrom('pnet', 'pnet.evil', 'evil', 'pnet:1', 'evilpnet', 'xn--pnet-9ra')
    fc.assert(
      fc.property(user, host, fc.webPath(), (u, h, p) => {
        const url = `app://${u === undefined ? '' : `${u}@`}${h}${p}`
        expect(isAppUrl(url, undefined), url).toBe(h === 'pnet' && u === undefined)
      }),
      { numRuns: 500 },
    )
  })

  it('property: every new window is denied, and only a cited guideline source opens outside', async () => {
    const app = await started({ packaged: true })
    const wc = app.contents()
    fc.assert(
      fc.property(
        fc.oneof(fc.webUrl(), fc.string(), fc.constantFrom(...URL_TRAPS.map((t) => t.url))),
        (url) => {
          expect(wc.open(url)).toEqual({ action: 'deny' })
        },
      ),
      { numRuns: 300 },
    )
    expect(app.stub.calls.filter((c) => c.startsWith('openExternal'))).toEqual([])
    fc.assert(
      fc.property(fc.oneof(fc.webUrl(), fc.string()), (url) => {
        expect(isAllowedExternal(url)).toBe(false)
      }),
      { numRuns: 300 },
    )
  })

  it('the app:// handler serves none of the path traps', async () => {
    const app = await started({ packaged: true })
    expect((await app.stub.protocolHandler!({ url: 'app://pnet/index.html' })).status).toBe(200)
    for (const { path: p } of PATH_TRAPS) {
      expect((await app.stub.protocolHandler!({ url: `app://pnet${p}` })).status, p).toBe(404)
    }
    for (const { url } of URL_TRAPS) expect((await app.stub.protocolHandler!({ url })).status, url).toBe(404)
  })

  it('property: every permission is denied, for any name', async () => {
    const app = await started({ packaged: true })
    fc.assert(
      fc.property(fc.string(), (permission) => {
        let granted: boolean | undefined
        app.stub.permissionRequest!({}, permission, (g) => (granted = g))
        expect(granted).toBe(false)
      }),
    )
    expect(app.stub.permissionCheck!()).toBe(false)
  })
})
