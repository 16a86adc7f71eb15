import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { cached } from './stmt'
import type { ReadableDb } from './tx'

// Delta storage (schema 110, issue 10): a patient's recommendations and undo entries each repeat
// almost all of the one before (the next recommendation holds the same case plus one study; the
// next kept state the same rows plus the one that changed). Each such row stores its documents as
// a `body`: for each text, what it copies from the same text of the patient's previous row of the
// same table (`body_base`) and what it adds, deflated. Every KEYFRAME-th row of a chain is stored
// on its own (`body_base` NULL: the whole text, deflated), so reading a row decodes at most
// KEYFRAME rows. A chain may start from another patient's row stored on its own (`newBody`): a
// patient's first recommendation repeats most of anyone's (the keys, the pack's texts), so it
// costs what differs from that one, not a whole keyframe.
//
// The difference is a list of copies and insertions (as VCDIFF and xdelta describe one): the base
// text is indexed every third of WINDOW characters by the WINDOW characters there; the new text is scanned
// for a window the base has, each match is extended both ways as far as the texts agree, and what
// lies between matches is inserted. A copy costs a few bytes however long it is, so a row costs
// what changed (a new study, a new due window), not the length of the history it repeats. The list
// and the insertions are deflated with the base's text as the dictionary (insertions resemble it).
//
// Decoding is exact: the texts read back character for character (`encodeTexts` checks, and stores
// a text whole if it did not), so the digests of the audit log (db/audit.ts, taken over the texts
// as written) match whatever the stored form.

/** A chain restarts (a row stored on its own) every this many rows. */
export const KEYFRAME = 16
const WINDOW = 24

/** The tables whose rows are stored as deltas. */
export type DeltaTable = 'recommendation' | 'undo_entry'

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff

/**
 * The copies and insertions that make `text` from `base`: a header of numbers (per step: how many
 * characters are inserted, then where in the base a copy starts and how long it is) and the
 * inserted characters, one after another. Copies never split a character made of two UTF-16 units.
 */
export function diffText(text: string, base: string, window = WINDOW): { ops: number[]; inserted: string } {
  // What both begin and end with is one copy each (a study appended to a case leaves most of the
  // text as it was): only what lies between is looked at.
  const most = Math.min(text.length, base.length)
  let p = agreeing(text, 0, base, 0, most)
  if (p > 0 && isHigh(text.charCodeAt(p - 1))) p--
  let q = agreeingBack(text, text.length, base, base.length, most - p)
  if (q > 0 && isLow(text.charCodeAt(text.length - q))) q--
  const t = text.slice(p, text.length - q)
  const b = base.slice(p, base.length - q)
  let inner = diffMiddle(t, b, window, true)
  // A part moved further than the walk looks (rare): the whole base is indexed after all.
  if (inner.inserted.length > 256 && inner.inserted.length > t.length / 4) {
    const whole = diffMiddle(t, b, window, false)
    if (whole.inserted.length < inner.inserted.length) inner = whole
  }
  const ops: number[] = p > 0 ? [0, 0, p] : []
  for (let k = 0; k < inner.ops.length; k += 3)
    ops.push(inner.ops[k]!, inner.ops[k + 2]! > 0 ? inner.ops[k + 1]! + p : 0, inner.ops[k + 2]!)
  if (q > 0) ops.push(0, base.length - q, q)
  return { ops, inserted: inner.inserted }
}

// Texts are compared a block at a time (string equality is native), the block halved where two
// blocks differ: the length two texts agree over costs a few comparisons, not one per character.
const BLOCK = 4096

/** How many characters (at most `max`) `text` from `i` and `base` from `j` have in common. */
function agreeing(text: string, i: number, base: string, j: number, max: number): number {
  let n = 0
  for (let b = BLOCK; b >= 1;)
    if (n + b <= max && text.substring(i + n, i + n + b) === base.substring(j + n, j + n + b)) n += b
    else b >>= 1
  return n
}

/** How many characters (at most `max`) `text` before `i` and `base` before `j` end with alike. */
function agreeingBack(text: string, i: number, base: string, j: number, max: number): number {
  let n = 0
  for (let b = BLOCK; b >= 1;)
    if (n + b <= max && text.substring(i - n - b, i - n) === base.substring(j - n - b, j - n)) n += b
    else b >>= 1
  return n
}

/** The base is indexed in parts of this many characters, those near where the walk is. */
const PART = 1024

/**
 * The copies and insertions between what the texts begin and end with. The text is walked from
 * the start; each window of it is looked up among the base's windows, and a match is extended both
 * ways. `near`: only the parts of the base around where the last copy ended, and around where the
 * text's position would be in it, are indexed (the texts are a patient's state one change apart: what
 * matches lies close by), so the work grows with what changed rather than with the whole base.
 */
function diffMiddle(
  text: string,
  base: string,
  window: number,
  near: boolean,
): { ops: number[]; inserted: string } {
  const win = window
  const step = Math.max(1, Math.floor(window / 3))
  const index = new Map<string, number>()
  const parts = Math.ceil(base.length / PART)
  const indexed = new Uint8Array(parts + 1)
  const indexPart = (c: number): void => {
    if (c < 0 || c >= parts || indexed[c] === 1) return
    indexed[c] = 1
    const start = Math.ceil((c * PART) / step) * step
    for (let q = start; q < (c + 1) * PART && q + win <= base.length; q += step) {
      const w = base.substring(q, q + win)
      if (!index.has(w)) index.set(w, q)
    }
  }
  const around = (at: number): void => {
    const c = Math.floor(at / PART)
    for (let k = c; k <= c + 1; k++) indexPart(k)
  }
  if (!near) for (let c = 0; c < parts; c++) indexPart(c)
  const ops: number[] = []
  const inserted: string[] = []
  let from = 0 // start of the characters not copied yet
  let copiedTo = 0 // where in the base the last copy ended
  for (let i = 0; i + win <= text.length;) {
    if (near) {
      around(copiedTo)
      around(copiedTo + (i - from))
    }
    let q0 = index.get(text.substring(i, i + win))
    // The same place in the base (a value of the same length changed) before any other.
    const aligned = copiedTo + (i - from)
    if (aligned + win <= base.length && text.startsWith(base.substring(aligned, aligned + win), i))
      q0 = aligned
    if (q0 === undefined) {
      i++
      continue
    }
    let start = i
    let q = q0
    while (start > from && q > 0 && text.charCodeAt(start - 1) === base.charCodeAt(q - 1)) {
      start--
      q--
    }
    const along = agreeing(
      text,
      i + win,
      base,
      q0 + win,
      Math.min(text.length - i - win, base.length - q0 - win),
    )
    let end = i + win + along
    while (start < end && isLow(text.charCodeAt(start))) {
      start++
      q++
    }
    while (end > start && isHigh(text.charCodeAt(end - 1))) end--
    if (end - start < win) {
      i++
      continue
    }
    inserted.push(text.substring(from, start))
    ops.push(start - from, q, end - start)
    from = end
    copiedTo = q + (end - start)
    i = end
  }
  if (from < text.length) {
    inserted.push(text.substring(from))
    ops.push(text.length - from, 0, 0)
  }
  return { ops, inserted: inserted.join('') }
}

/**
 * How a text is encoded against its base: `diff` (copies and insertions, then deflated with the
 * base as dictionary) or `dictionary` (the whole text deflated with the base as dictionary, no
 * copies). Both read back the same way (`decodeOne`).
 */
export type Encoding = 'diff' | 'dictionary'

/**
 * One text's stored form: its copies and insertions from `base` (or the whole text), deflated. The
 * copies are checked to rebuild the text exactly before it is deflated (deflate itself is
 * lossless): one that would not (it never has) is stored whole instead, so a row always reads back
 * as written without being inflated again here.
 */
function encodeOne(text: string, base: string | null, encoding: Encoding = 'diff'): Buffer {
  let { ops, inserted } =
    base === null || encoding === 'dictionary'
      ? { ops: [text.length, 0, 0], inserted: text }
      : diffText(text, base)
  if (base !== null && applyText(base, ops, inserted) !== text) {
    ops = [text.length, 0, 0]
    inserted = text
  }
  return deflateRawSync(Buffer.from(`${JSON.stringify(ops)}\n${inserted}`, 'utf8'), dictionaryOf(base))
}

/**
 * What is inserted resembles the base (the same keys, dates, wording): deflate gets the base's first
 * 32 KB (all deflate can look back at) as its dictionary.
 */
function dictionaryOf(base: string | null): { dictionary?: Buffer } {
  if (base === null || base.length === 0) return {}
  return { dictionary: Buffer.from(base.slice(0, DICTIONARY_REACH), 'utf8').subarray(0, DICTIONARY_REACH) }
}

/** Deflate's window: how much of a dictionary it can refer to. */
const DICTIONARY_REACH = 32 * 1024

function decodeOne(body: Buffer, base: string | null): string {
  const s = inflateRawSync(body, dictionaryOf(base)).toString('utf8')
  const nl = s.indexOf('\n')
  return applyText(base, JSON.parse(s.slice(0, nl)) as number[], s.slice(nl + 1))
}

/** The text `diffText` described: the insertions and the copies from `base`, in order. */
export function applyText(base: string | null, ops: readonly number[], inserted: string): string {
  const out: string[] = []
  let at = 0
  for (let k = 0; k + 2 < ops.length; k += 3) {
    const n = ops[k]!
    out.push(inserted.substring(at, at + n))
    at += n
    if (ops[k + 2]! > 0) {
      if (base === null) throw new Error('a delta without its base')
      out.push(base.substring(ops[k + 1]!, ops[k + 1]! + ops[k + 2]!))
    }
  }
  return out.join('')
}

/**
 * A row's texts as one body: each text (its difference from the base's text of the same place,
 * deflated) with its length in front. `base`: the base row's texts, or null for a keyframe.
 */
export function encodeTexts(
  texts: readonly string[],
  base: readonly string[] | null,
  encoding: Encoding = 'diff',
): Buffer {
  const parts: Buffer[] = []
  texts.forEach((t, i) => {
    const z = encodeOne(t, base?.[i] ?? null, encoding)
    const len = Buffer.alloc(4)
    len.writeUInt32BE(z.length)
    parts.push(len, z)
  })
  return Buffer.concat(parts)
}

export function decodeTexts(body: Buffer, base: readonly string[] | null): string[] {
  const texts: string[] = []
  for (let p = 0, i = 0; p < body.length; i++) {
    const n = body.readUInt32BE(p)
    texts.push(decodeOne(body.subarray(p + 4, p + 4 + n), base?.[i] ?? null))
    p += 4 + n
  }
  return texts
}

interface Decoded {
  readonly body: Buffer
  readonly base: readonly string[] | null
  readonly texts: readonly string[]
}

// Decoded rows by connection, table and id. An entry is used only while the row's body bytes (read
// from the file every time) and its base's decoded texts are the very ones it was decoded from, so a
// row changed outside the app, or an id given to another row after a rolled-back write, is decoded
// anew: the cache never answers for bytes it did not decode.
const MEMO = new WeakMap<ReadableDb, Map<string, Decoded>>()
const MEMO_MAX = 256

/**
 * The texts of the rows of one table decoded in one pass over it, by id (newest kept: a row's base
 * is its patient's previous row, usually read shortly before). Each row is decoded once in a pass
 * instead of once for every row whose chain passes through it (up to KEYFRAME times).
 */
export type DecodedPass = Map<number, readonly string[]>
const PASS_MAX = 2048

function memoOf(db: ReadableDb): Map<string, Decoded> {
  let m = MEMO.get(db)
  if (!m) MEMO.set(db, (m = new Map()))
  return m
}

/**
 * The texts of a delta-stored row (`body` not NULL), or null when the row is missing or stored
 * another way. Inflates the row and, unless cached, its base chain (at most KEYFRAME rows).
 */
export function readTexts(
  db: ReadableDb,
  table: DeltaTable,
  id: number,
  pass?: DecodedPass,
): readonly string[] | null {
  const row = cached(db, `SELECT body, body_base FROM ${table} WHERE id = ?`).get(id) as
    { body: Buffer | null; body_base: number | null } | undefined
  if (!row || row.body === null) return null
  let base: readonly string[] | null = null
  if (row.body_base !== null) {
    base = pass?.get(row.body_base) ?? readTexts(db, table, row.body_base, pass)
    if (base === null) throw new Error(`${table} ${id}: its base row ${row.body_base} is missing`)
  }
  if (pass) {
    // One pass over a table (the full check): this row's own body is decoded (that is its check),
    // against a base decoded earlier in the same pass, not read again down its chain.
    const texts = decodeTexts(row.body, base)
    if (pass.size >= PASS_MAX) pass.delete(pass.keys().next().value!)
    pass.set(id, texts)
    return texts
  }
  const memo = memoOf(db)
  const key = `${table}:${id}`
  const hit = memo.get(key)
  if (hit && hit.base === base && hit.body.equals(row.body)) {
    memo.delete(key)
    memo.set(key, hit)
    return hit.texts
  }
  const texts = decodeTexts(row.body, base)
  if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value!)
  memo.set(key, { body: row.body, base, texts })
  return texts
}

/** A new row's body, as `newBody` encoded it: stored, then `remember`ed under the row's id. */
export interface NewBody {
  readonly body: Buffer
  readonly base: number | null
  readonly texts: readonly string[]
  readonly baseTexts: readonly string[] | null
}

/**
 * The body of a new row whose base is `previous` (the patient's newest row of the table, or null):
 * deflated against it unless its chain is KEYFRAME rows long already. A chain that starts (the
 * patient's first row, or one KEYFRAME rows on) is deflated against the table's shared keyframe
 * (`sharedKeyframe`: another patient's row stored on its own, which a new chain repeats most of:
 * the same keys, the pack's texts and sources) when that is clearly smaller, else stored on its own.
 */
export function newBody(
  db: ReadableDb,
  table: DeltaTable,
  previous: number | null,
  texts: readonly string[],
): NewBody {
  let base: number | null = null
  if (previous !== null) {
    let depth = 1
    for (let at: number | null = previous; at !== null && depth < KEYFRAME; depth++) {
      at = cached(db, `SELECT body_base FROM ${table} WHERE id = ? AND body IS NOT NULL`).pluck().get(at) as
        number | null
      if (at === undefined) {
        depth = KEYFRAME
        break
      }
    }
    if (depth < KEYFRAME) base = previous
  }
  const baseTexts = base === null ? null : readTexts(db, table, base)
  if (base !== null && baseTexts !== null)
    return { body: encodeTexts(texts, baseTexts), base, texts, baseTexts }
  const shared = sharedKeyframe(db, table)
  const sharedTexts = shared === null ? null : readTexts(db, table, shared)
  let body: Buffer | null = null
  if (shared !== null && sharedTexts !== null) {
    // Another patient's texts differ from these everywhere (names, ids, dates), so copies are
    // short and costly to find; deflate with that row as its dictionary finds the same repeats,
    // about 5 times faster and a little smaller (measured on first recommendations of a CSV
    // import), while it can look back over the whole text (DICTIONARY_REACH).
    const fits = sharedTexts.every((t) => t.length <= DICTIONARY_REACH)
    body = encodeTexts(texts, sharedTexts, fits ? 'dictionary' : 'diff')
    // The shared keyframe is stored on its own: its body, scaled by the texts' lengths, is what
    // this row would cost on its own. A delta clearly below that is taken without deflating the
    // texts a second time (a new patient's first row: most of what a bulk import writes).
    const keyframeBytes = cached(db, `SELECT length(body) FROM ${table} WHERE id = ?`)
      .pluck()
      .get(shared) as number
    const estimate = (keyframeBytes * lengthOf(texts)) / Math.max(1, lengthOf(sharedTexts))
    if (body.length < estimate * SHARED_GAIN * SHARED_GAIN)
      return { body, base: shared, texts, baseTexts: sharedTexts }
  }
  const alone = encodeTexts(texts, null)
  if (body !== null && body.length < alone.length * SHARED_GAIN)
    return { body, base: shared, texts, baseTexts: sharedTexts }
  return { body: alone, base: null, texts, baseTexts: null }
}

const lengthOf = (texts: readonly string[]) => texts.reduce((n, t) => n + t.length, 0)

/** A chain starts from the shared keyframe only when that costs less than this part of a keyframe. */
const SHARED_GAIN = 0.75
/** How far back from the newest row a shared keyframe is looked for, once per connection and table. */
const SHARED_LOOKBACK = 1000

// The shared keyframe of each connection and table: the newest row stored on its own, once known.
const SHARED = new WeakMap<ReadableDb, Map<DeltaTable, number>>()

/**
 * The row a new chain may be a delta of: stored on its own (`body_base` NULL, so a chain from it
 * stays at most KEYFRAME rows), and not a demo patient's (the one kind of patient the app deletes,
 * with its rows: a base must outlive the rows that refer to it). Null when none is near the end.
 */
function sharedKeyframe(db: ReadableDb, table: DeltaTable): number | null {
  const usable = `body IS NOT NULL AND body_base IS NULL
    AND NOT EXISTS (SELECT 1 FROM demo_patients d WHERE d.patient_id = ${table}.patient_id)`
  const known = SHARED.get(db)?.get(table)
  if (known !== undefined && cached(db, `SELECT 1 FROM ${table} WHERE id = ? AND ${usable}`).get(known))
    return known
  const found = cached(
    db,
    `SELECT id FROM ${table} WHERE id > (SELECT coalesce(max(id), 0) FROM ${table}) - ${SHARED_LOOKBACK}
       AND ${usable} ORDER BY id DESC LIMIT 1`,
  )
    .pluck()
    .get() as number | undefined
  if (found === undefined) return null
  sharedOf(db).set(table, found)
  return found
}

function sharedOf(db: ReadableDb): Map<DeltaTable, number> {
  let m = SHARED.get(db)
  if (!m) SHARED.set(db, (m = new Map()))
  return m
}

/**
 * Keeps the texts of the row just stored as `id` with `b`, as if read back: the next row of the
 * patient is encoded against them without decoding them again. Like every entry, it answers only
 * while the row holds these very bytes over this very base (`readTexts`).
 */
export function remember(db: ReadableDb, table: DeltaTable, id: number, b: NewBody): void {
  const memo = memoOf(db)
  const key = `${table}:${id}`
  memo.delete(key)
  if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value!)
  memo.set(key, { body: b.body, base: b.baseTexts, texts: b.texts })
  // A row stored on its own is the shared keyframe from now on (checked before each use).
  if (b.base === null) sharedOf(db).set(table, id)
}
