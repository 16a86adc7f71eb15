import type { z } from 'zod'
import { isCallName } from './calls'
import { contract, type Handlers } from './contract'
import type { ApiError, Result } from './result'

/** A problem the person can fix; thrown by handlers, answered as `{ ok: false }`. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure'
  constructor(readonly error: ApiError) {
    super(error.message)
  }
}

export function invalid(message: string, fields?: Record<string, string>): ApiFailure {
  return new ApiFailure({ code: 'INVALID_REQUEST', message, ...(fields ? { fields } : {}) })
}

function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '(request)'
    if (!(key in fields)) fields[key] = issue.message
  }
  return fields
}

function describe(fields: Record<string, string>): string {
  const entries = Object.entries(fields)
  const first = entries[0]
  if (!first) return 'The request is not valid.'
  const more = entries.length > 1 ? ` (and ${entries.length - 1} more)` : ''
  return `${first[0]}: ${first[1]}${more}`
}

/**
 * The single path every call takes, whatever the transport: known name, request parsed from
 * `unknown` against its schema, handler called, answer wrapped. Nothing is thrown across.
 * A request that fails its schema never reaches a handler, so it changes nothing.
 */
export async function dispatch(
  handlers: Handlers,
  call: unknown,
  payload: unknown,
  log: (line: string) => void = (l) => console.error(l),
): Promise<Result<unknown>> {
  if (!isCallName(call)) {
    return {
      ok: false,
      error: {
        code: 'UNKNOWN_CALL',
        message: `There is no call named ${JSON.stringify(String(call)).slice(0, 80)}.`,
      },
    }
  }
  let parsed: z.ZodSafeParseResult<unknown>
  try {
    parsed = contract[call].request.safeParse(payload)
  } catch (e) {
    // A schema must answer every value; one that threw is a bug, reported like any internal one.
    log(`[pnet] ${call} request check failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
    return { ok: false, error: INTERNAL_ERROR }
  }
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error)
    return { ok: false, error: { code: 'INVALID_REQUEST', message: describe(fields), fields } }
  }
  try {
    const handler = handlers[call] as (req: unknown) => unknown
    const value = await handler(parsed.data)
    return { ok: true, value }
  } catch (e) {
    if (e instanceof ApiFailure) return { ok: false, error: e.error }
    // Log the kind of failure, never the request: requests hold patient data.
    log(`[pnet] ${call} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
    return { ok: false, error: INTERNAL_ERROR }
  }
}

const INTERNAL_ERROR: ApiError = {
  code: 'INTERNAL',
  message:
    'Something went wrong; nothing was changed. The details are in the app’s log file (logs/pnet.log beside the follow-up log).',
}
