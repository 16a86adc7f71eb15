import type { PnetApi } from '../../electron/contract/contract'

// Where `window.pnet` comes from. In Electron the preload script provides it (over IPC). Opened
// from the loopback web host, there is no preload: this installs an object of the same shape that
// POSTs each call to the host with the session token the host printed in the address fragment.
// Nothing else in the renderer knows which of the two it talks to.

const TOKEN_KEY = 'pnet.token'

function takeToken(): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash)
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1])
    // Keep the token out of the address bar, history and screenshots.
    history.replaceState(null, '', window.location.pathname + window.location.search)
    return match[1]
  }
  return sessionStorage.getItem(TOKEN_KEY)
}

function httpBridge(token: string): PnetApi {
  const call = async (name: string, request: unknown): Promise<unknown> => {
    try {
      const res = await fetch(`/api/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Pnet-Token': token },
        body: JSON.stringify(request ?? {}),
      })
      return await res.json()
    } catch {
      return {
        ok: false,
        error: {
          code: 'INTERNAL',
          message: 'The app’s back end cannot be reached. Is the host still running?',
        },
      }
    }
  }
  return new Proxy({} as PnetApi, {
    get: (_target, name) =>
      typeof name === 'string' && name !== 'then' ? (req: unknown) => call(name, req) : undefined,
  })
}

export function installTransport(): void {
  if (window.pnet) return
  const token = takeToken()
  if (token) window.pnet = httpBridge(token)
}
