import { call } from '../../api'

// The size of one piece (the contract's UPLOAD_LIMITS.chunk is 600,000 characters): text in
// characters (JSON escaping can grow a piece, so well under it), binary in bytes (base64 writes 4
// characters per 3 bytes).
const PIECE = { text: 150_000, binary: 420_000 } as const

/** Sends a file to the back end in pieces (each fits one call); returns its upload id. */
export async function uploadFile(
  file: File,
  encoding: 'text' | 'base64',
  onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<{ ok: true; uploadId: string } | { ok: false; message: string }> {
  const begun = await call('uploads.begin', { name: file.name || 'file', size: file.size, encoding })
  if (!begun.ok) return { ok: false, message: begun.error.message }
  const { uploadId } = begun.value
  const pieces: string[] = []
  if (encoding === 'text') {
    const text = await file.text()
    for (let i = 0; i < text.length; i += PIECE.text) pieces.push(text.slice(i, i + PIECE.text))
  } else {
    const bytes = new Uint8Array(await file.arrayBuffer())
    for (let i = 0; i < bytes.length; i += PIECE.binary)
      pieces.push(base64(bytes.subarray(i, i + PIECE.binary)))
  }
  if (pieces.length === 0) pieces.push('')
  for (let index = 0; index < pieces.length; index++) {
    if (signal?.aborted) return { ok: false, message: 'Cancelled; nothing was changed.' }
    const r = await call('uploads.chunk', { uploadId, index, data: pieces[index]! })
    if (!r.ok) return { ok: false, message: r.error.message }
    onProgress(index + 1, pieces.length)
  }
  return { ok: true, uploadId }
}

function base64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}
