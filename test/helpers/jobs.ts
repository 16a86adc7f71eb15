import type { Handlers, JobStatus, RequestOf, ResultOf, CallName } from '../../electron/contract/contract'
import { UPLOAD_LIMITS } from '../../electron/contract/contract'
import { dispatch } from '../../electron/contract/dispatch'

/** A call through the dispatch path the UI uses; a refusal throws with its error. */
export async function ok<K extends CallName>(
  handlers: Handlers,
  name: K,
  req: RequestOf<K>,
): Promise<ResultOf<K>> {
  const r = await dispatch(handlers, name, req, () => undefined)
  if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`)
  return r.value as ResultOf<K>
}

/** Sends a text file in pieces, as the renderer does; returns its upload id. */
export async function uploadText(handlers: Handlers, name: string, text: string): Promise<string> {
  const { uploadId } = await ok(handlers, 'uploads.begin', {
    name,
    size: Buffer.byteLength(text, 'utf8'),
    encoding: 'text',
  })
  const piece = UPLOAD_LIMITS.chunk / 2
  for (let i = 0, index = 0; i < text.length || index === 0; i += piece, index++) {
    await ok(handlers, 'uploads.chunk', { uploadId, index, data: text.slice(i, i + piece) })
  }
  return uploadId
}

/** Sends binary files in pieces (base64), as the renderer does; returns the upload ids. */
export async function uploadBytes(handlers: Handlers, name: string, bytes: Uint8Array): Promise<string> {
  const { uploadId } = await ok(handlers, 'uploads.begin', { name, size: bytes.length, encoding: 'base64' })
  const piece = (UPLOAD_LIMITS.chunk / 4) * 3
  for (let i = 0, index = 0; i < bytes.length || index === 0; i += piece, index++) {
    await ok(handlers, 'uploads.chunk', {
      uploadId,
      index,
      data: Buffer.from(bytes.subarray(i, i + piece)).toString('base64'),
    })
  }
  return uploadId
}

/** Reads a job's status until it is no longer running (at most `timeoutMs`). */
export async function settle(handlers: Handlers, job: JobStatus, timeoutMs = 120_000): Promise<JobStatus> {
  const until = Date.now() + timeoutMs
  let s = job
  while (s.state === 'running') {
    if (Date.now() > until) throw new Error(`job ${job.kind} still running after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 10))
    s = await ok(handlers, 'jobs.status', { jobId: job.id })
  }
  return s
}

/** The job's result of its kind; throws with the error when it did not finish. */
export function resultOf<K extends JobStatus['kind']>(s: JobStatus, kind: K) {
  if (s.state !== 'done' || !s.result || s.result.kind !== kind)
    throw new Error(`job ${s.kind} ${s.state}: ${JSON.stringify(s.error)}`)
  return s.result as Extract<NonNullable<JobStatus['result']>, { kind: K }>
}
