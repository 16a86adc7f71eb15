import { createHash } from 'node:crypto'
import { cached } from './stmt'
import type { ReadableDb } from './tx'

// Packed JSON (schemas 90 to 109, issue 10; since schema 110 rows are stored as deltas, db/delta.ts,
// and this module only reads the parts of a log being migrated, and packs one in migration 90): large JSON documents that repeat most of what the documents
// before them held (a recommendation holds the whole case, the whole evaluation and the sources it
// cites; the next one of the same patient holds the same plus one study; every patient's cites the
// same pack texts) are stored as a tree of shared parts, each part once in the log.
//
// A document is packed bottom-up: every array or object whose JSON (with its own parts already
// replaced) is at least MIN_PART characters becomes a row of `json_part`, named by the SHA-256 of
// that text, and is replaced in its parent by `{"$": "<hash>"}` (the first 72 bits of the SHA-256,
// base64url, 12 characters: content-addressed, so a reference means one text forever). Identical subtrees (a study as
// the case holds it, the cited sources, the ratings of a variant) are therefore one row however
// many documents hold them. The document's own row keeps only its top level with references.
//
// Unpacking rebuilds the exact text: JSON.stringify of the rebuilt value equals the text that was
// packed, byte for byte (`packJson` refuses a document for which that is not so, and the caller
// then stores it plain). Parts are never changed or deleted (triggers refuse both), so a document
// reads back as it was stored whatever happens later, and digests over the unpacked text (db/audit.ts)
// find a changed part.

/** Top-level keys of a recommendation's output kept inline: SQL reads them (the worklist, `$.alerts`). */
export { RECOMMENDATION_INLINE } from './audit'

/** Subtrees shorter than this stay inline: a reference costs about 10 characters. */
const MIN_PART = 48
const REF = '$'
/** A long array is stored as chunks of this many elements: appending one changes only the last chunk. */
const CHUNK = 8
const CHUNKED = '$c'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

function refOf(v: Json): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null
  const r = (v as Record<string, Json>)[REF]
  return typeof r === 'string' && Object.keys(v).length === 1 ? r : null
}

/** The SHA-256 of a part's text (base64url); its first 12 characters name the part. */
function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url')
}

/**
 * Parts by hash, parsed (never mutated). A hash names one text forever, so the cache is right
 * across transactions and connections; it is only bounded.
 */
const CACHE = new Map<string, Json>()
const CACHE_MAX = 50_000

function remember(hash: string, v: Json): void {
  if (CACHE.size >= CACHE_MAX) CACHE.clear()
  CACHE.set(hash, v)
}

/** Where a part goes: stores the text under its hash unless the log has it. */
export type PartStore = (hash: string, text: string, digest: string) => void

class NotPackable extends Error {}

/**
 * Packs `text` (a JSON document as written by JSON.stringify) into parts going to `store` (migration
 * 90's own statements), read back and compared when `verify`. Returns the document's own text (its
 * top level, with references), or null when it cannot be packed exactly (it holds an object with
 * the key `$`, or is not the text JSON.stringify writes for its value). Keys named in `inline` stay
 * inline at the top level (SQL reads them, e.g. `$.alerts`).
 */
export function packWith(
  db: ReadableDb,
  store: PartStore,
  text: string,
  inline: readonly string[],
  verify: boolean,
): string | null {
  const value = JSON.parse(text) as Json
  if (JSON.stringify(value) !== text) return null
  const pack = (v: Json): Json => {
    if (typeof v !== 'object' || v === null) return v
    let node: Json
    if (Array.isArray(v)) node = v.length > CHUNK ? chunked(v.map(pack)) : v.map(pack)
    else {
      if (Object.hasOwn(v, REF) || Object.hasOwn(v, CHUNKED)) throw new NotPackable()
      const o: Record<string, Json> = {}
      for (const [k, x] of Object.entries(v)) o[k] = pack(x)
      node = o
    }
    return part(node)
  }
  const part = (node: Json): Json => {
    const t = JSON.stringify(node)
    if (t.length < MIN_PART) return node
    const digest = digestOf(t)
    const hash = digest.slice(0, 12)
    store(hash, t, digest)
    remember(hash, node)
    return { [REF]: hash }
  }
  // Chunks at fixed places from the start, so the chunks before the last are the ones the same
  // array one element shorter had.
  const chunked = (kids: Json[]): Json => {
    const chunks: Json[] = []
    for (let i = 0; i < kids.length; i += CHUNK) chunks.push(part(kids.slice(i, i + CHUNK)))
    return { [CHUNKED]: chunks }
  }
  try {
    if (typeof value !== 'object' || value === null) return text
    let top: Json
    if (Array.isArray(value)) top = value.map(pack)
    else {
      if (Object.hasOwn(value, REF) || Object.hasOwn(value, CHUNKED)) return null
      const o: Record<string, Json> = {}
      for (const [k, x] of Object.entries(value)) o[k] = inline.includes(k) ? x : pack(x)
      top = o
    }
    const packed = JSON.stringify(top)
    if (verify && unpackJson(db, packed) !== text) return null
    return packed
  } catch (e) {
    if (e instanceof NotPackable) return null
    throw e
  }
}

/**
 * Reads the parts these hashes name that the cache does not hold, and every part they name.
 * `into` is the cache, or (for the integrity check, which must see the file as it is) a map of
 * this one read.
 */
function load(db: ReadableDb, root: Json, into: Map<string, Json>): void {
  let want = new Set<string>()
  const collect = (v: Json): void => {
    if (typeof v !== 'object' || v === null) return
    const r = refOf(v)
    if (r !== null) {
      const c = into.get(r)
      if (c === undefined) want.add(r)
      else collect(c)
      return
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) collect(x)
  }
  collect(root)
  while (want.size > 0) {
    const ids = [...want]
    want = new Set()
    const rows = cached(
      db,
      'SELECT hash, json FROM json_part WHERE hash IN (SELECT value FROM json_each(?))',
    ).all(JSON.stringify(ids)) as { hash: string; json: string }[]
    if (rows.length !== ids.length) {
      const got = new Set(rows.map((r) => r.hash))
      throw new Error(`json_part ${ids.find((h) => !got.has(h))} is missing`)
    }
    const parsed = rows.map((r) => [r.hash, JSON.parse(r.json) as Json] as const)
    for (const [h, v] of parsed)
      if (into === CACHE) remember(h, v)
      else into.set(h, v)
    for (const [, v] of parsed) collect(v)
  }
}

/**
 * The value of a packed document, every reference replaced by its part. `fresh`: every part read
 * from the file, none from the cache (the integrity check: a part changed outside the app is seen).
 */
export function unpackValue(db: ReadableDb, packed: string, fresh = false): unknown {
  const root = JSON.parse(packed) as Json
  for (let attempt = 0; ; attempt++) {
    const from = fresh ? new Map<string, Json>() : CACHE
    load(db, root, from)
    try {
      return build(root, from)
    } catch (e) {
      // The bounded cache was cleared while loading a large document: load it again.
      if (!(e instanceof Evicted) || attempt > 2) throw e
    }
  }
}

class Evicted extends Error {}

function build(v: Json, from: Map<string, Json>): Json {
  if (typeof v !== 'object' || v === null) return v
  const r = refOf(v)
  if (r !== null) {
    const c = from.get(r)
    if (c === undefined) throw new Evicted()
    return build(c, from)
  }
  if (Array.isArray(v)) return v.map((x) => build(x, from))
  const chunks = (v as Record<string, Json>)[CHUNKED]
  if (Array.isArray(chunks) && Object.keys(v).length === 1)
    return chunks.flatMap((c) => build(c, from) as Json[])
  const o: Record<string, Json> = {}
  for (const [k, x] of Object.entries(v)) o[k] = build(x, from)
  return o
}

/** The exact text that was packed (`fresh`: see unpackValue). */
export function unpackJson(db: ReadableDb, packed: string, fresh = false): string {
  return JSON.stringify(unpackValue(db, packed, fresh))
}
