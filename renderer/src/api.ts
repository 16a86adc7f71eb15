import type { CallName, PnetApi, RequestOf, ResultOf } from '../../electron/contract/contract'
import type { ApiError, Result } from '../../electron/contract/result'

declare global {
  interface Window {
    pnet?: PnetApi
  }
}

export type { ApiError, Result }

/** The renderer's one way to the back end: a typed call by name, whichever transport is underneath. */
export function call<K extends CallName>(name: K, request: RequestOf<K>): Promise<Result<ResultOf<K>>> {
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
