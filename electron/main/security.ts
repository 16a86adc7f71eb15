import type { BrowserWindowConstructorOptions, Input, WebContents } from 'electron'

export { CONTENT_SECURITY_POLICY } from '../serving/csp'
import { ACR_PNET } from '../../engine'

/** The custom scheme the packaged renderer is served from (never file://). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'pnet'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`

/**
 * Window options: the renderer gets no Node, an isolated world and Chromium's sandbox. Developer
 * tools exist only in a development build (`packaged` false); a packaged app has none.
 */
export function mainWindowOptions(
  preloadPath: string,
  opts: { packaged: boolean },
): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#0f1216',
    title: 'pNET Follow-up',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !opts.packaged,
    },
  }
}

/** Hosts a development renderer may be served from: this computer only. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * The electron-vite dev server's address (`ELECTRON_RENDERER_URL`), honoured only in a development
 * build and only when it is plain http(s) on this computer with no user name or password.
 * A packaged app always loads its own bundled pages, whatever the environment says.
 */
export function devRendererUrl(env: NodeJS.ProcessEnv, packaged: boolean): string | undefined {
  const raw = env['ELECTRON_RENDERER_URL']
  if (packaged || !raw) return undefined
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    return undefined
  }
  const web = parsed.protocol === 'http:' || parsed.protocol === 'https:'
  if (!web || !LOOPBACK_HOSTS.has(parsed.hostname) || parsed.username || parsed.password) return undefined
  return parsed.href
}

/**
 * Is `url` a page of our own renderer (the packaged scheme, or the dev server in development)?
 * Compared on the parsed URL: same scheme and host exactly, no port, no user name or password
 * (`app://evil@pnet/` is not ours even though its host is).
 */
export function isAppUrl(url: string, devServerUrl: string | undefined): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.username || parsed.password) return false
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true
  if (devServerUrl) {
    const dev = new URL(devServerUrl)
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === dev.origin
  }
  return false
}

/**
 * Keys that open Chromium's developer tools: F12, Ctrl+Shift+I/J/C (Windows, Linux) and
 * Cmd+Alt+I/J/C (macOS). Blocked in a packaged app.
 */
export function isDevToolsShortcut(
  input: Pick<Input, 'type' | 'key' | 'control' | 'meta' | 'alt' | 'shift'>,
): boolean {
  if (input.type !== 'keyDown') return false
  const key = input.key.toLowerCase()
  if (key === 'f12') return true
  if (!['i', 'j', 'c'].includes(key)) return false
  return (input.control && input.shift) || (input.meta && input.alt)
}

/**
 * Denies every navigation away from our pages, every new window, every <webview> and every
 * permission request (camera, notifications, ...). Links that must open outside go through
 * `openExternal` with an explicit allow-list.
 */
export function hardenWebContents(
  contents: Pick<WebContents, 'on' | 'setWindowOpenHandler' | 'closeDevTools'>,
  opts: {
    /** A packaged app: developer tools are refused (shortcut blocked, closed if opened anyway). */
    packaged: boolean
    devServerUrl: string | undefined
    openExternal: (url: string) => void
    externalAllowed: (url: string) => boolean
  },
): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, opts.devServerUrl)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, opts.devServerUrl)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  if (opts.packaged) {
    contents.on('before-input-event', (event, input) => {
      if (isDevToolsShortcut(input)) event.preventDefault()
    })
    contents.on('devtools-opened', () => contents.closeDevTools())
  }
  contents.setWindowOpenHandler(({ url }) => {
    if (opts.externalAllowed(url)) opts.openExternal(url)
    return { action: 'deny' }
  })
}

/** The guideline pack's cited sources, exactly as listed: the only pages opened outside the app. */
const SOURCE_URLS: ReadonlySet<string> = new Set(
  Object.values(ACR_PNET.sources)
    .map((src) => src.url)
    .filter((u): u is string => u !== null),
)

/** Guideline sources open in the system browser; nothing else does. */
export function isAllowedExternal(url: string): boolean {
  return SOURCE_URLS.has(url) && /^https?:\/\//.test(url)
}
