import { createHash } from 'node:crypto'
import { cached } from './stmt'
import type { ReadableDb, WritableDb } from './tx'

// Packed JSON (schema 90, issue 10): large JSON documents that repeat most of what the documents
// before them held (a recommendation holds the whole case, the whole evaluation and the sources it
// cites; the next one of the same patient holds the same plus one study; every patient's cites the
// same pack texts) are stored as a tree of shared parts, each part once in the log.
//
// A document is packed bottom-up: every array or object whose JSON (with its own parts already
// replaced) is at least MIN_PART characters becomes a row of `json_part`, named by the SHA-256 of
// that text, and is replaced in its parent by `{"$": <part id>}`. Identical subtrees (a study as
// the case holds it, the cited sources, the ratings of a variant) are therefore one row however
// many documents hold them. The document's own row keeps only its top level with references.
//
// Unpacking rebuilds the exact text: JSON.stringify of the rebuilt value equals the text that was
// packed, byte for byte (`packJson` refuses a document for which that is not so, and the caller
// then stores it plain). Parts are never changed or deleted (triggers refuse both), so a document
// reads back as it was stored whatever happens later, and digests over the unpacked text (db/audit.ts)
// find a changed part.

/** Top-level keys of a recommendation's output kept inline: SQL reads them (the worklist, `$.alerts`). */
export const RECOMMENDATION_INLINE: readonly string[] = ['alerts']

/** Subtrees shorter than this stay inline: a reference costs about 10 characters. */
const MIN_PART = 48
const REF = '$'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

function isRef(v: Json): v is { $: number } {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as Record<string, Json>)[REF] === 'number' &&
    Object.keys(v).length === 1
  )
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/** The id of the part with this text, stored now if it is new. */
function partId(db: WritableDb, text: string): number {
  const hash = digest(text)
  const found = cached(db, 'SELECT id, json FROM json_part WHERE hash = ?').get(hash) as
    { id: number; json: string } | undefined
  if (found) {
    if (found.json !== text) throw new Error('json_part: two texts with one SHA-256')
    return found.id
  }
  return Number(cached(db, 'INSERT INTO json_part (hash, json) VALUES (?, ?)').run(hash, text).lastInsertRowid)
}

class NotPackable extends Error {}

/**
 * Packs `text` (a JSON document as written by JSON.stringify) into parts, in the caller's write
 * transaction. Returns the document's own text (its top level, with references), or null when the
 * document cannot be packed exactly (it holds an object with the key `$`, or does not read back
 * as the same text): the caller stores it plain. Keys named in `inline` stay inline at the top
 * level (SQL reads them, e.g. `$.alerts`).
 */
export function packJson(db: WritableDb, text: string, inline: readonly string[] = []): string | null {
  const value = JSON.parse(text) as Json
  if (JSON.stringify(value) !== text) return null
  const pack = (v: Json): Json => {
    if (typeof v !== 'object' || v === null) return v
    let node: Json
    if (Array.isArray(v)) node = v.map(pack)
    else {
      if (Object.hasOwn(v, REF)) throw new NotPackable()
      const o: Record<string, Json> = {}
      for (const [k, x] of Object.entries(v)) o[k] = pack(x)
      node = o
    }
    const t = JSON.stringify(node)
    return t.length >= MIN_PART ? { [REF]: partId(db, t) } : node
  }
  try {
    if (typeof value !== 'object' || value === null) return text
    let top: Json
    if (Array.isArray(value)) top = value.map(pack)
    else {
      if (Object.hasOwn(value, REF)) return null
      const o: Record<string, Json> = {}
      for (const [k, x] of Object.entries(value)) o[k] = inline.includes(k) ? x : pack(x)
      top = o
    }
    const packed = JSON.stringify(top)
    return unpackJson(db, packed) === text ? packed : null
  } catch (e) {
    if (e instanceof NotPackable) return null
    throw e
  }
}

/**
 * Parts read so far, by id (they never change). The cache is per connection and bounded, so a
 * check that reads every recommendation reads each shared part once.
 */
const CACHE = new WeakMap<object, Map<number, Json>>()
const CACHE_MAX = 20_000

function parts(db: ReadableDb, ids: number[]): Map<number, Json> {
  let cache = CACHE.get(db)
  if (!cache) CACHE.set(db, (cache = new Map()))
  const missing = ids.filter((id) => !cache.has(id))
  if (missing.length > 0) {
    const rows = cached(db, 'SELECT id, json FROM json_part WHERE id IN (SELECT value FROM json_each(?))').all(
      JSON.stringify(missing),
    ) as { id: number; json: string }[]
    if (cache.size + rows.length > CACHE_MAX) cache.clear()
    for (const r of rows) cache.set(r.id, JSON.parse(r.json) as Json)
  }
  const out = new Map<number, Json>()
  for (const id of ids) {
    const v = cache.get(id)
    if (v === undefined) throw new Error(`json_part ${id} is missing`)
    out.set(id, v)
  }
  return out
}

/** The value of a packed document, every reference replaced by its part (level by level). */
export function unpackValue(db: ReadableDb, packed: string): unknown {
  const root = JSON.parse(packed) as Json
  // Breadth-first: gather the references of one level, read them in one query, go down.
  let level: { holder: Json[] | Record<string, Json>; key: number | string; id: number }[] = []
  const collect = (v: Json, into: typeof level): void => {
    if (typeof v !== 'object' || v === null) return
    const entries: [number | string, Json][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v)
    for (const [k, x] of entries) {
      if (isRef(x)) into.push({ holder: v, key: k, id: x.$ })
      else collect(x, into)
    }
  }
  const box: Json[] = [root]
  collect(box, level)
  while (level.length > 0) {
    const got = parts(
      db,
      level.map((l) => l.id),
    )
    const next: typeof level = []
    for (const l of level) {
      // A fresh copy: cached parts are shared, and a reference inside is replaced in place.
      const v = structuredClone(got.get(l.id)!)
      ;(l.holder as Record<string | number, Json>)[l.key] = v
      if (isRef(v)) next.push({ holder: l.holder, key: l.key, id: v.$ })
      else collect(v, next)
    }
    level = next
  }
  return box[0]
}

/** The exact text that was packed. */
export function unpackJson(db: ReadableDb, packed: string): string {
  return JSON.stringify(unpackValue(db, packed))
}
