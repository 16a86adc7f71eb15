import fs from 'node:fs/promises'
import path from 'node:path'
import type * as Electron from 'electron'
import type { OsKeychain } from '../../db/keystore'
import { resolveDataFile } from '../backend/backend'
import { openVaultBackend, type VaultBackend } from '../backend/vault'
import { describeError, logFileFor, openLog } from '../backend/log'
import { DEV_CONTENT_SECURITY_POLICY } from '../serving/csp'
import { resolveStatic } from '../serving/static-files'
import { registerIpc, trustedFrameCheck } from './ipc'
import { buildMenuTemplate } from './menu'
import {
  APP_ORIGIN,
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  devRendererUrl,
  hardenWebContents,
  isAllowedExternal,
  isAppUrl,
  mainWindowOptions,
} from './security'

/** The parts of the `electron` module the app uses; the entry file passes the real ones. */
export interface ElectronDeps {
  app: Pick<
    Electron.App,
    | 'requestSingleInstanceLock'
    | 'quit'
    | 'on'
    | 'whenReady'
    | 'getPath'
    | 'getVersion'
    | 'getName'
    | 'enableSandbox'
    | 'setAboutPanelOptions'
    | 'showAboutPanel'
  >
  BrowserWindow: new (options: Electron.BrowserWindowConstructorOptions) => Electron.BrowserWindow
  ipcMain: Pick<Electron.IpcMain, 'handle'>
  Menu: Pick<typeof Electron.Menu, 'buildFromTemplate' | 'setApplicationMenu'>
  protocol: Pick<Electron.Protocol, 'registerSchemesAsPrivileged' | 'handle'>
  session: {
    defaultSession: Pick<
      Electron.Session,
      'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'
    >
  }
  shell: Pick<Electron.Shell, 'openExternal' | 'showItemInFolder'>
  dialog: Pick<Electron.Dialog, 'showErrorBox' | 'showSaveDialog'>
  /** Electron's safeStorage: wraps the log's key with the OS keychain (absent: a passphrase is asked). */
  safeStorage?: OsKeychain
}

export interface StartOptions {
  /** Folder holding out/main, out/preload and out/renderer. */
  outDir: string
  argv: readonly string[]
  env: NodeJS.ProcessEnv
  platform: NodeJS.Platform
  /**
   * Electron's `app.isPackaged`. A packaged app ignores `ELECTRON_RENDERER_URL` and has no
   * developer tools. Absent means packaged: a missing flag never turns development behaviour on.
   */
  packaged?: boolean
}

/**
 * Wires the Electron app: single instance, hardened window, custom scheme for the renderer,
 * IPC handlers for every contract call, the database in userData, and the menu.
 * Returns false when another instance already runs (this one quits).
 */
export function startApp(e: ElectronDeps, opts: StartOptions): boolean {
  if (!e.app.requestSingleInstanceLock()) {
    e.app.quit()
    return false
  }
  e.app.enableSandbox()
  // Must happen before 'ready': our scheme behaves like https (secure context, fetch, CSP 'self').
  e.protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])

  const packaged = opts.packaged ?? true
  const devServerUrl = devRendererUrl(opts.env, packaged)
  let mainWindow: Electron.BrowserWindow | null = null
  let backend: VaultBackend | null = null

  e.app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })
  e.app.on('window-all-closed', () => e.app.quit())
  e.app.on('will-quit', () => backend?.close())
  e.app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(contents, {
      packaged,
      devServerUrl,
      openExternal: (url) => void e.shell.openExternal(url),
      externalAllowed: isAllowedExternal,
    }),
  )

  void e.app.whenReady().then(async () => {
    const dataFile = resolveDataFile(opts.argv, opts.env, e.app.getPath('userData'))
    const log = openLog(logFileFor(dataFile))
    if (opts.env['ELECTRON_RENDERER_URL'] && !devServerUrl) {
      log.warn(
        packaged
          ? 'ELECTRON_RENDERER_URL is ignored: a packaged app loads only its own pages.'
          : 'ELECTRON_RENDERER_URL is ignored: a development renderer must be http(s) on this computer (localhost, 127.0.0.1 or [::1]).',
      )
    }
    try {
      // The log opens through its key (docs/privacy.md): the keychain's, or the unlock screen's.
      backend = openVaultBackend({
        dataFile,
        transport: 'electron',
        version: e.app.getVersion(),
        log,
        // Answered inside the back end, so it passes the sign-in like every other call.
        savePdf: (fileName) => savePdf(e, mainWindow, fileName),
        ...(e.safeStorage ? { keychain: e.safeStorage } : {}),
      })
      await backend.ready
      if (backend.startFailure()) throw backend.startFailure()
    } catch (err) {
      log.error(`cannot open ${dataFile}: ${describeError(err)}`)
      e.dialog.showErrorBox(
        'pNET Follow-up cannot open its log',
        `${err instanceof Error ? err.message : String(err)}\n\nDetails: ${log.file}`,
      )
      e.app.quit()
      return
    }

    const ses = e.session.defaultSession
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
    ses.setPermissionCheckHandler(() => false)
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: {
          ...details.responseHeaders,
          'Content-Security-Policy': [devServerUrl ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY],
        },
      })
    })

    const rendererRoot = path.join(opts.outDir, 'renderer')
    e.protocol.handle(APP_SCHEME, async (request) => {
      const url = URL.canParse(request.url) ? new URL(request.url) : null
      const ours = url !== null && isAppUrl(url.href, undefined)
      const hit = ours ? resolveStatic(rendererRoot, url.pathname) : null
      if (!hit) return new Response('Not found', { status: 404 })
      return new Response(new Uint8Array(await fs.readFile(hit.file)), {
        headers: { 'Content-Type': hit.type, 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
      })
    })

    registerIpc(
      e.ipcMain,
      backend.handlers,
      trustedFrameCheck((url) => isAppUrl(url, devServerUrl)),
      log.error,
    )

    const appName = e.app.getName()
    e.app.setAboutPanelOptions({ applicationName: appName, applicationVersion: e.app.getVersion() })
    e.Menu.setApplicationMenu(
      e.Menu.buildFromTemplate(
        buildMenuTemplate(
          opts.platform,
          appName,
          {
            openDataFolder: () => e.shell.showItemInFolder(dataFile),
            showAbout: () => e.app.showAboutPanel(),
          },
          { packaged },
        ),
      ),
    )

    mainWindow = new e.BrowserWindow(
      mainWindowOptions(path.join(opts.outDir, 'preload', 'index.js'), { packaged }),
    )
    mainWindow.once('ready-to-show', () => mainWindow?.show())
    mainWindow.on('closed', () => {
      mainWindow = null
    })
    void mainWindow.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`)
  })
  return true
}

/**
 * Save as PDF in the desktop app: the page now shown, printed by Chromium with the print
 * stylesheet (A4, no background, so the light page), then saved where the person chooses.
 */
export async function savePdf(
  e: Pick<ElectronDeps, 'dialog'>,
  window: Electron.BrowserWindow | null,
  fileName: string,
): Promise<{ file: string } | { cancelled: true }> {
  if (!window) return { cancelled: true }
  const pdf = await window.webContents.printToPDF({ pageSize: 'A4', printBackground: false })
  const choice = await e.dialog.showSaveDialog(window, {
    defaultPath: fileName.endsWith('.pdf') ? fileName : `${fileName}.pdf`,
    filters: [{ name: 'PDF', extensions: ['pdf'] }],
  })
  if (choice.canceled || !choice.filePath) return { cancelled: true }
  await fs.writeFile(choice.filePath, pdf)
  return { file: choice.filePath }
}
