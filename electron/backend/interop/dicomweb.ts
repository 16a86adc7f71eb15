import { getMultipartBoundary, parseMultipart } from '@remix-run/multipart-parser'
import { z } from 'zod'
import { ApiFailure } from '../../contract/dispatch'

// A small typed DICOMweb client on fetch (docs/interop.md): QIDO-RS to find studies, series and
// instances (DICOM JSON, PS3.18 F.2, checked with zod), WADO-RS to fetch an instance
// (multipart/related; type="application/dicom", parsed by @remix-run/multipart-parser). Every
// request has the endpoint's timeout and the job's cancel signal; every failure is an ApiFailure
// with words a person can act on, and changes nothing.

export interface Endpoint {
  name: string
  baseUrl: string
  auth: 'none' | 'basic' | 'bearer'
  username: string | null
  secret: string | null
  timeoutMs: number
}

/** One DICOM JSON attribute: its VR and values (absent when empty). */
const attribute = z
  .object({ vr: z.string().regex(/^[A-Z]{2}$/), Value: z.array(z.unknown()).optional() })
  .passthrough()
const dataset = z.record(z.string().regex(/^[0-9A-Fa-f]{8}$/), attribute)
const datasets = z.array(dataset).max(100_000)
type Dataset = z.output<typeof dataset>

/** A string value of a tag (PN as its alphabetic form), or null. */
export function str(ds: Dataset, tag: string): string | null {
  const v = ds[tag]?.Value?.[0]
  if (typeof v === 'string') return v.trim() || null
  if (typeof v === 'number') return String(v)
  if (v && typeof v === 'object' && 'Alphabetic' in v)
    return String((v as { Alphabetic: unknown }).Alphabetic)
  return null
}

/** Every string value of a tag. */
export function strs(ds: Dataset, tag: string): string[] {
  return (ds[tag]?.Value ?? []).filter((v): v is string => typeof v === 'string').map((v) => v.trim())
}

export const TAG = {
  studyDate: '00080020',
  accessionNumber: '00080050',
  modalitiesInStudy: '00080061',
  studyDescription: '00081030',
  seriesDescription: '0008103E',
  modality: '00080060',
  sopClassUid: '00080016',
  sopInstanceUid: '00080018',
  patientId: '00100020',
  bodyPartExamined: '00180015',
  studyInstanceUid: '0020000D',
  seriesInstanceUid: '0020000E',
  numberOfInstances: '00201208',
} as const

function headers(ep: Endpoint, accept: string): Record<string, string> {
  const h: Record<string, string> = { Accept: accept }
  if (ep.auth === 'basic')
    h['Authorization'] = `Basic ${Buffer.from(`${ep.username ?? ''}:${ep.secret ?? ''}`).toString('base64')}`
  if (ep.auth === 'bearer') h['Authorization'] = `Bearer ${ep.secret ?? ''}`
  return h
}

const unavailable = (message: string) => new ApiFailure({ code: 'UNAVAILABLE', message })

/** GET with the endpoint's timeout and the job's signal; the answer's bytes and content type. */
async function get(
  ep: Endpoint,
  pathAndQuery: string,
  accept: string,
  signal: AbortSignal,
): Promise<{ status: number; type: string; body: Uint8Array }> {
  const url = `${ep.baseUrl.replace(/\/+$/, '')}${pathAndQuery}`
  const timeout = AbortSignal.timeout(ep.timeoutMs)
  const both = AbortSignal.any([timeout, signal])
  const who = `The PACS “${ep.name}”`
  try {
    const r = await fetch(url, { headers: headers(ep, accept), signal: both, redirect: 'error' })
    const body = new Uint8Array(await r.arrayBuffer())
    if (r.status === 401 || r.status === 403)
      throw unavailable(
        `${who} refused the request (HTTP ${r.status}): check the user name, password or token in Settings.`,
      )
    if (r.status === 204) return { status: 204, type: '', body: new Uint8Array() }
    if (r.status === 404) return { status: 404, type: r.headers.get('content-type') ?? '', body }
    if (!r.ok) throw unavailable(`${who} answered with an error (HTTP ${r.status}); nothing was changed.`)
    return { status: r.status, type: r.headers.get('content-type') ?? '', body }
  } catch (e) {
    if (e instanceof ApiFailure) throw e
    if (signal.aborted)
      throw new ApiFailure({ code: 'CANCELLED', message: 'Cancelled; nothing was changed.' })
    if (timeout.aborted)
      throw unavailable(
        `${who} did not answer within ${Math.round(ep.timeoutMs / 100) / 10} s; nothing was changed.`,
      )
    const cause = (e as { cause?: { code?: string } }).cause?.code
    throw unavailable(
      `${who} cannot be reached at ${ep.baseUrl}${cause ? ` (${cause})` : ''}: check the address and that the server runs; nothing was changed.`,
    )
  }
}

/** A QIDO-RS search: DICOM JSON datasets, checked. */
async function qido(ep: Endpoint, pathAndQuery: string, signal: AbortSignal): Promise<Dataset[]> {
  const r = await get(ep, pathAndQuery, 'application/dicom+json, application/json', signal)
  if (r.status === 204 || r.status === 404) return []
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: false }).decode(r.body))
  } catch {
    throw unavailable(`The PACS “${ep.name}” sent an answer that is not DICOM JSON; nothing was changed.`)
  }
  const parsed = datasets.safeParse(json)
  if (!parsed.success)
    throw unavailable(
      `The PACS “${ep.name}” sent DICOM JSON that does not have the expected shape; nothing was changed.`,
    )
  return parsed.data
}

const enc = encodeURIComponent

export const findStudies = (ep: Endpoint, patientId: string, signal: AbortSignal) =>
  qido(
    ep,
    `/studies?PatientID=${enc(patientId)}&includefield=${TAG.studyDescription}&includefield=${TAG.modalitiesInStudy}&includefield=${TAG.accessionNumber}&includefield=${TAG.numberOfInstances}`,
    signal,
  )

export const findSeries = (ep: Endpoint, study: string, signal: AbortSignal) =>
  qido(
    ep,
    `/studies/${enc(study)}/series?includefield=${TAG.bodyPartExamined}&includefield=${TAG.seriesDescription}`,
    signal,
  )

export const findInstances = (ep: Endpoint, study: string, series: string, signal: AbortSignal) =>
  qido(ep, `/studies/${enc(study)}/series/${enc(series)}/instances?includefield=${TAG.sopClassUid}`, signal)

/** WADO-RS: one instance as a DICOM Part 10 file (the first part of the multipart answer). */
export async function fetchInstance(
  ep: Endpoint,
  study: string,
  series: string,
  instance: string,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const r = await get(
    ep,
    `/studies/${enc(study)}/series/${enc(series)}/instances/${enc(instance)}`,
    'multipart/related; type="application/dicom"',
    signal,
  )
  if (r.status !== 200) throw unavailable(`The PACS “${ep.name}” does not have the dose report any more.`)
  const boundary = getMultipartBoundary(r.type)
  if (!boundary)
    throw unavailable(
      `The PACS “${ep.name}” sent the instance without a multipart boundary; nothing was changed.`,
    )
  try {
    for (const part of parseMultipart(r.body, { boundary, maxFileSize: 64 * 1024 * 1024 })) return part.bytes
  } catch {
    throw unavailable(`The PACS “${ep.name}” sent a damaged multipart answer; nothing was changed.`)
  }
  throw unavailable(`The PACS “${ep.name}” sent an empty answer for the instance.`)
}
