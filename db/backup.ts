import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { DbError } from './errors'
import type { DB } from './open'

/**
 * Writes a consistent copy of the log to `target` (SQLite's VACUUM INTO, safe while the app is
 * running), checks the copy, and only then gives it its final name: a crash never leaves a
 * half-written file under a backup's name.
 */
export function backupTo(db: DB, target: string): { file: string; bytes: number } {
  fs.mkdirSync(path.dirname(target), { recursive: true })
  const tmp = `${target}.partial`
  fs.rmSync(tmp, { force: true })
  db.prepare('VACUUM INTO ?').run(tmp)
  const copy = new Database(tmp, { readonly: true })
  try {
    const ok = copy.pragma('quick_check', { simple: true })
    if (ok !== 'ok')
      throw new DbError('DB_CORRUPT', `The backup failed its check (${String(ok)}); it was not kept.`)
  } catch (e) {
    copy.close()
    fs.rmSync(tmp, { force: true })
    throw e
  }
  copy.close()
  fs.renameSync(tmp, target)
  return { file: target, bytes: fs.statSync(target).size }
}

const DAILY = /^pnet-followup-(\d{4}-\d{2}-\d{2})\.sqlite$/

/**
 * One checked backup per calendar day in `dir` (taken when the log is opened), keeping the newest
 * `keep` days. Returns the new backup, or null when today's already exists.
 */
export function dailyBackup(
  db: DB,
  dir: string,
  today: string,
  keep = 14,
): { file: string; bytes: number } | null {
  const target = path.join(dir, `pnet-followup-${today}.sqlite`)
  if (fs.existsSync(target)) return null
  const made = backupTo(db, target)
  const days = fs
    .readdirSync(dir)
    .filter((f) => DAILY.test(f))
    .sort()
  for (const old of days.slice(0, Math.max(0, days.length - keep)))
    fs.rmSync(path.join(dir, old), { force: true })
  return made
}
