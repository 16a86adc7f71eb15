import type { ElectronDeps } from '../../electron/main/app'

type Listener = (...args: unknown[]) => unknown

/**
 * A stand-in for the parts of `electron` the main process uses, recording what the app does
 * with them. Lets the real wiring run under plain Node (the Electron binary is not available).
 */
export function makeElectronStub(
  opts: { gotLock?: boolean; userData?: string; saveAs?: string | null } = {},
) {
  const appListeners = new Map<string, Listener[]>()
  const handlers = new Map<string, Listener>()
  const windows: Array<{
    options: unknown
    loaded: string[]
    printed: unknown[]
    listeners: Map<string, Listener[]>
  }> = []
  const calls: string[] = []
  let protocolHandler: ((req: { url: string }) => Promise<Response>) | null = null
  let headersHook:
    ((details: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void) | null =
    null
  let permissionRequest: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | null =
    null
  let permissionCheck: (() => boolean) | null = null
  const schemes: unknown[] = []
  let menuTemplate: unknown[] | null = null
  let resolveReady: () => void = () => undefined
  const ready = new Promise<void>((r) => (resolveReady = r))

  class FakeWindow {
    listeners = new Map<string, Listener[]>()
    loaded: string[] = []
    printed: unknown[] = []
    webContents = {
      printToPDF: (options: unknown) => {
        this.printed.push(options)
        return Promise.resolve(Buffer.from('%PDF-1.7 stub'))
      },
    }
    constructor(public options: unknown) {
      windows.push(this)
    }
    once(event: string, fn: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn])
    }
    on(event: string, fn: Listener) {
      this.once(event, fn)
    }
    loadURL(url: string) {
      this.loaded.push(url)
      return Promise.resolve()
    }
    show() {}
    isMinimized() {
      return false
    }
    restore() {}
    focus() {
      calls.push('focus')
    }
  }

  const deps = {
    app: {
      requestSingleInstanceLock: () => opts.gotLock ?? true,
      quit: () => calls.push('quit'),
      on: (event: string, fn: Listener) => appListeners.set(event, [...(appListeners.get(event) ?? []), fn]),
      whenReady: () => ready,
      getPath: (name: string) => (name === 'userData' ? (opts.userData ?? '/tmp/pnet-userdata') : '/tmp'),
      getVersion: () => '9.9.9',
      getName: () => 'pNET Follow-up',
      enableSandbox: () => calls.push('enableSandbox'),
      setAboutPanelOptions: () => undefined,
      showAboutPanel: () => undefined,
    },
    BrowserWindow: FakeWindow,
    ipcMain: { handle: (channel: string, fn: Listener) => handlers.set(channel, fn) },
    Menu: {
      buildFromTemplate: (t: unknown[]) => {
        menuTemplate = t
        return {}
      },
      setApplicationMenu: () => calls.push('setApplicationMenu'),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => schemes.push(...s),
      handle: (_scheme: string, fn: (req: { url: string }) => Promise<Response>) => (protocolHandler = fn),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof permissionRequest) => (permissionRequest = fn),
        setPermissionCheckHandler: (fn: typeof permissionCheck) => (permissionCheck = fn),
        webRequest: { onHeadersReceived: (fn: typeof headersHook) => (headersHook = fn) },
      },
    },
    shell: {
      openExternal: (url: string) => calls.push(`openExternal ${url}`),
      showItemInFolder: () => undefined,
    },
    dialog: {
      showErrorBox: (title: string, body: string) => calls.push(`error ${title}: ${body}`),
      showSaveDialog: (_window: unknown, options: { defaultPath?: string }) => {
        calls.push(`save ${options.defaultPath ?? ''}`)
        const chosen = opts.saveAs ?? null
        return Promise.resolve({ canceled: chosen === null, filePath: chosen ?? '' })
      },
    },
    // safeStorage, stubbed: a reversible wrap tagged with this "account" (docs/privacy.md).
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (text: string) => Buffer.concat([Buffer.from('stub:'), Buffer.from(text).reverse()]),
      decryptString: (b: Buffer) => Buffer.from(b.subarray(5)).reverse().toString(),
    },
  }

  return {
    deps: deps as unknown as ElectronDeps,
    ready: async () => {
      resolveReady()
      await ready
      await new Promise((r) => setTimeout(r, 0))
    },
    emitApp: (event: string, ...args: unknown[]) => appListeners.get(event)?.forEach((fn) => fn(...args)),
    handlers,
    windows,
    calls,
    schemes,
    get protocolHandler() {
      return protocolHandler
    },
    get headersHook() {
      return headersHook
    },
    get permissionRequest() {
      return permissionRequest
    },
    get permissionCheck() {
      return permissionCheck
    },
    get menuTemplate() {
      return menuTemplate
    },
  }
}

/** A fake webContents that records the hooks the app installs on it. */
export function makeWebContentsStub() {
  const listeners = new Map<string, Listener>()
  let openHandler: ((d: { url: string }) => { action: string }) | null = null
  const stub = {
    /** How often the app closed developer tools. */
    closedDevTools: 0,
    contents: {
      on: (event: string, fn: Listener) => listeners.set(event, fn),
      setWindowOpenHandler: (fn: (d: { url: string }) => { action: string }) => (openHandler = fn),
      closeDevTools: () => {
        stub.closedDevTools++
      },
    },
    /** Fires an event and says whether the app prevented it. */
    fire(event: string, ...args: unknown[]): boolean {
      let prevented = false
      listeners.get(event)?.({ preventDefault: () => (prevented = true) }, ...args)
      return prevented
    },
    open(url: string) {
      return openHandler?.({ url })
    },
  }
  return stub
}
