import type { CallName, PnetApi, RequestOf, ResultOf } from '../../electron/contract/contract'
import type { ApiError, Result } from '../../electron/contract/result'

declare global {
  interface Window {
    pnet?: PnetApi
  }
}

export type { ApiError, Result }

const signedOutListeners = new Set<() => void>()

/**
 * Heard whenever the back end answers SIGNED_OUT (the session was locked, by the idle time or in
 * another way): the sign-in gate reads the session again and shows the sign-in screen.
 */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener)
  return () => signedOutListeners.delete(listener)
}

/** The renderer's one way to the back end: a typed call by name, whichever transport is underneath. */
export async function call<K extends CallName>(name: K, request: RequestOf<K>): Promise<Result<ResultOf<K>>> {
  const r = await send(name, request)
  if (!r.ok && r.error.code === 'SIGNED_OUT') for (const l of signedOutListeners) l()
  return r
}

function send<K extends CallName>(name: K, request: RequestOf<K>): Promise<Result<ResultOf<K>>> {
  const pnet = window.pnet
  if (!pnet) {
    return Promise.resolve({
      ok: false,
      error: { code: 'INTERNAL', message: 'The app’s back end is not connected.' },
    })
  }
  const fn = pnet[name] as (req: RequestOf<K>) => Promise<Result<ResultOf<K>>>
  return fn(request)
}

export function isConnected(): boolean {
  return window.pnet !== undefined
}
