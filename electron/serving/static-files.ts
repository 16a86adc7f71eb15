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

/**
 * Maps a URL path to a file inside `root`, or null. Paths that climb out of `root` (`..`,
 * encoded or not), hidden files and directories are refused. `/` serves index.html.
 */
export function resolveStatic(root: string, urlPath: string): { file: string; type: string } | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!)
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '')
  const base = path.resolve(root)
  const file = path.resolve(base, rel)
  if (file !== base && !file.startsWith(base + path.sep)) return null
  if (rel.split('/').some((part) => part.startsWith('.'))) return null
  try {
    if (!fs.statSync(file).isFile()) return null
  } catch {
    return null
  }
  return { file, type: TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream' }
}
