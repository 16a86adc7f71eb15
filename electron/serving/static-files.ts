import fs from 'node:fs'
import path from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
}

/** Is `file` `root` itself or inside it? (A path comparison, not a string prefix: `/app-x` is not in `/app`.) */
function within(root: string, file: string): boolean {
  const rel = path.relative(root, file)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

/**
 * Maps a URL path to a file inside `root`, or null. Refused: paths that climb out of `root`
 * (`..`, encoded or not), backslashes and NUL bytes, hidden files, directories, and anything whose
 * real path (symbolic links followed, `fs.realpath`) lies outside the real path of `root` — a link
 * in the served folder to `/etc/passwd` is not served. `/` serves index.html. The file returned is
 * the real path, so what is read is what was checked.
 */
export function resolveStatic(root: string, urlPath: string): { file: string; type: string } | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!)
  } catch {
    return null
  }
  // A backslash is a separator on Windows and never part of our file names.
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '')
  if (rel.split('/').some((part) => part.startsWith('.'))) return null
  const base = path.resolve(root)
  const file = path.resolve(base, rel)
  if (!within(base, file)) return null
  let real: string
  try {
    real = fs.realpathSync(file)
    if (!within(fs.realpathSync(base), real) || !fs.statSync(real).isFile()) return null
  } catch {
    return null
  }
  return { file: real, type: TYPES[path.extname(real).toLowerCase()] ?? 'application/octet-stream' }
}
