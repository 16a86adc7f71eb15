import { randomUUID } from 'node:crypto'
import { UPLOAD_LIMITS } from '../contract/contract'
import { ApiFailure, invalid } from '../contract/dispatch'

// Files on their way in (a CSV list, DICOM files), held in memory in pieces until the job that
// reads them takes them. Either transport carries a piece per call (the web host takes 1 MiB per
// request). An upload not used within an hour is dropped.

interface Upload {
  name: string
  size: number
  encoding: 'text' | 'base64'
  pieces: string[]
  bytes: number
  at: number
}

const MAX_AGE_MS = 60 * 60_000
/** All uploads together (several files may wait at once, e.g. a folder of DICOM files). */
const MAX_HELD = 1024 * 1024 * 1024

export class Uploads {
  private readonly uploads = new Map<string, Upload>()

  constructor(private readonly clock: () => number = () => Date.now()) {}

  begin(name: string, size: number, encoding: 'text' | 'base64'): { uploadId: string } {
    this.prune()
    const held = [...this.uploads.values()].reduce((n, u) => n + u.size, 0)
    if (held + size > MAX_HELD)
      throw new ApiFailure({
        code: 'CONFLICT',
        message: 'Too many files are waiting to be read; import or cancel them first.',
      })
    const uploadId = randomUUID()
    this.uploads.set(uploadId, { name, size, encoding, pieces: [], bytes: 0, at: this.clock() })
    return { uploadId }
  }

  chunk(uploadId: string, index: number, data: string): { received: number } {
    const u = this.get(uploadId)
    if (index !== u.pieces.length)
      throw invalid(`Piece ${index} came out of order (expected ${u.pieces.length}).`)
    const bytes =
      u.encoding === 'base64' ? Buffer.byteLength(data, 'base64') : Buffer.byteLength(data, 'utf8')
    // A decoded text may grow a little (an unreadable byte becomes U+FFFD, three bytes in UTF-8).
    const allowed = u.encoding === 'base64' ? u.size : u.size * 3 + 4
    if (u.bytes + bytes > allowed || u.bytes + bytes > UPLOAD_LIMITS.file * 3)
      throw invalid('The file is larger than it was announced.')
    u.pieces.push(data)
    u.bytes += bytes
    u.at = this.clock()
    return { received: u.bytes }
  }

  name(uploadId: string): string {
    return this.get(uploadId).name
  }

  /** The whole text of a text upload. */
  text(uploadId: string): string {
    const u = this.get(uploadId)
    if (u.encoding !== 'text') throw invalid('This upload is not a text file.')
    this.complete(u)
    return u.pieces.join('')
  }

  /** The bytes of a binary upload. */
  bytes(uploadId: string): Uint8Array {
    const u = this.get(uploadId)
    if (u.encoding !== 'base64') throw invalid('This upload is not a binary file.')
    this.complete(u)
    return new Uint8Array(Buffer.concat(u.pieces.map((p) => Buffer.from(p, 'base64'))))
  }

  drop(uploadId: string): void {
    this.uploads.delete(uploadId)
  }

  private complete(u: Upload): void {
    // Text sizes are announced in UTF-16 units by a browser and counted in UTF-8 here: only a
    // binary upload must match to the byte.
    if (u.encoding === 'base64' && u.bytes !== u.size)
      throw invalid(`The file ${u.name} has not arrived whole (${u.bytes} of ${u.size} bytes).`)
  }

  private get(uploadId: string): Upload {
    const u = this.uploads.get(uploadId)
    if (!u)
      throw new ApiFailure({ code: 'NOT_FOUND', message: 'That file is no longer here: choose it again.' })
    return u
  }

  private prune(): void {
    const cutoff = this.clock() - MAX_AGE_MS
    for (const [id, u] of this.uploads) if (u.at < cutoff) this.uploads.delete(id)
  }
}
