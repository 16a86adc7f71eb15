import type { CallName, RequestOf, ResultOf } from '../../../electron/contract/contract'
import { call, type ApiError, type Result } from '../api'

/** A call the back end refused, as an error TanStack Query can hold; `error` is the back end's answer. */
export class CallError extends Error {
  readonly error: ApiError
  constructor(error: ApiError) {
    super(error.message)
    this.name = 'CallError'
    this.error = error
  }
}

/** `call`, with a refusal thrown as a CallError: the shape query and mutation functions need. */
export async function fetchValue<K extends CallName>(name: K, request: RequestOf<K>): Promise<ResultOf<K>> {
  const r = await call(name, request)
  if (!r.ok) throw new CallError(r.error)
  return r.value
}

/** Back from a thrown CallError to the Result the forms read (field errors included). */
export function toResult<T>(promise: Promise<T>): Promise<Result<T>> {
  return promise.then(
    (value): Result<T> => ({ ok: true, value }),
    (e: unknown): Result<T> => ({
      ok: false,
      error:
        e instanceof CallError
          ? e.error
          : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) },
    }),
  )
}

/** The message to show for a failed query. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
