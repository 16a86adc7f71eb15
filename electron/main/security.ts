import type { BrowserWindowConstructorOptions, WebContents } from 'electron'

export { CONTENT_SECURITY_POLICY } from '../serving/csp'
import { ACR_PNET } from '../../engine'

/** The custom scheme the packaged renderer is served from (never file://). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'pnet'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`

/** Window options: the renderer gets no Node, an isolated world and Chromium's sandbox. */
export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
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
      devTools: true,
    },
  }
}

/** Is `url` a page of our own renderer (packaged scheme, or the dev server in development)? */
export function isAppUrl(url: string, devServerUrl: string | undefined): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true
  if (devServerUrl) {
    const dev = new URL(devServerUrl)
    return parsed.origin === dev.origin
  }
  return false
}

/**
 * Denies every navigation away from our pages, every new window, every <webview> and every
 * permission request (camera, notifications, ...). Links that must open outside go through
 * `openExternal` with an explicit allow-list.
 */
export function hardenWebContents(
  contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
  opts: {
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
