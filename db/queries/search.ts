// Finding a patient by name or MRN (issue 8.7). Every word typed must begin a word of the name or
// of the MRN, in any order ("ada love", "Lovelace, Ada" and "love ada" all find "Ada Lovelace");
// the whole text may also begin the MRN. Served by the full-text index `patient_search`
// (migration 40, kept by triggers), so it stays fast on a large log.
import Database from 'better-sqlite3-multiple-ciphers'

/** Words of the query that can be searched (each holds a letter or a digit). */
export function searchWords(query: string): string[] {
  return query
    .split(/[\s,;]+/)
    .map((w) => w.trim())
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .slice(0, 8)
}

/** The FTS5 query: each word a quoted prefix (quotes doubled), all of them required. */
export function matchExpression(words: readonly string[]): string {
  return words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ')
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c)
}

/**
 * The SQL condition (on `patient p`) for a search, with the parameters it names; null when the
 * query is empty.
 */
export function searchCondition(
  query: string | undefined,
): { sql: string; params: Record<string, string> } | null {
  const q = query?.trim() ?? ''
  if (q === '') return null
  const words = searchWords(q)
  // Nothing word-like (e.g. "%"): only an MRN that begins with exactly that text matches.
  if (words.length === 0)
    return { sql: `p.mrn LIKE :mrnPrefix ESCAPE '\\'`, params: { mrnPrefix: escapeLike(q) + '%' } }
  return {
    sql: `(p.id IN (SELECT rowid FROM patient_search WHERE patient_search MATCH :match)
      OR p.mrn LIKE :mrnPrefix ESCAPE '\\')`,
    params: { match: matchExpression(words), mrnPrefix: escapeLike(q) + '%' },
  }
}

// The word-prefix table `patient_prefix` (migration 115): for every patient, one row per distinct
// beginning of 1 to 6 letters of a word of the name or the MRN, with the patient's sort keys,
// so a type-ahead prefix is read as an ordered seek for every sort the worklist offers (a short
// prefix matches most of a large log, and the full-text index can only hand those back in patient
// id order). The rows are made by `pnet_prefixes(name, mrn)`, a function every connection has
// (`registerSearchFunctions`, db/cipher.ts), called by the table's triggers.

/** The longest word beginning the table holds; a longer word is checked against `words`. */
export const PREFIX_MAX = 6

/** A scratch full-text table with the log's tokenizer, to read how it folds each character. */
let scratch: { put: Database.Statement; terms: Database.Statement; clear: Database.Statement } | null = null
/** Each character as the tokenizer folds it ('' for one that separates words), once per process. */
const folded = new Map<string, string>()

/** The words the log's tokenizer (`unicode61`, migration 40) reads in `text`, in their order. */
function tokenize(text: string): string[] {
  if (!scratch) {
    const mem = new Database(':memory:')
    mem.exec(`CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'unicode61');
              CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');`)
    scratch = {
      put: mem.prepare('INSERT INTO t (rowid, x) VALUES (1, ?)'),
      terms: mem.prepare('SELECT term FROM v ORDER BY offset').pluck(),
      clear: mem.prepare('DELETE FROM t'),
    }
  }
  scratch.put.run(text)
  const terms = scratch.terms.all() as string[]
  scratch.clear.run()
  return terms
}

/**
 * A character as `patient_search`'s tokenizer (`unicode61`, migration 40) reads it: its folded form
 * (lower case, a Latin letter's single diacritic removed, "É" is "e"), or '' when it separates
 * words. Asked of SQLite itself, on a scratch in-memory table with the same tokenizer, so the
 * prefix table and the full-text index split and fold every text alike.
 */
function foldChar(c: string): string {
  const known = folded.get(c)
  if (known !== undefined) return known
  const terms = tokenize(c)
  const f = terms.length === 1 ? terms[0]! : ''
  folded.set(c, f)
  return f
}

/** A combining mark (an accent typed or pasted as its own character, as macOS writes "é" in NFD). */
const COMBINING = /\p{M}/u

/**
 * A text's words as the full-text index's tokenizer reads them: character by character
 * (`foldChar`, cached), or the whole text at once when it holds a combining mark — alone, a mark
 * reads as a word break, while the tokenizer removes it from the letter before it ("Ame\u0301lie"
 * is one word, "amelie").
 */
export function searchTokens(text: string): string[] {
  if (COMBINING.test(text)) return tokenize(text)
  const words: string[] = []
  let word = ''
  for (const c of text) {
    const f = foldChar(c)
    if (f === '') {
      if (word !== '') words.push(word)
      word = ''
    } else word += f
  }
  if (word !== '') words.push(word)
  return words
}

/**
 * The rows of `patient_prefix` for a name and an MRN, as JSON: `[prefix, words]` for every
 * distinct beginning of 1 to PREFIX_MAX letters of a word; `words` (for a beginning of PREFIX_MAX
 * letters) holds the patient's words that begin with it, each after a space (" lovelace
 * lovelock"), so a longer typed word is checked with `instr(words, ' ' || word)`.
 */
export function prefixRows(name: string, mrn: string): string {
  const rows = new Map<string, string[]>()
  for (const w of new Set([...searchTokens(name), ...searchTokens(mrn)])) {
    const chars = [...w]
    for (let n = 1; n <= Math.min(PREFIX_MAX, chars.length); n++) {
      const p = chars.slice(0, n).join('')
      const list = rows.get(p) ?? []
      if (n === PREFIX_MAX) list.push(w)
      rows.set(p, list)
    }
  }
  return JSON.stringify(
    [...rows].map(([p, ws]) => [p, ws.length > 0 ? ws.map((w) => ` ${w}`).join('') : null]),
  )
}

/**
 * Where a typed (folded) word is read in `patient_prefix`: the rows of its longest beginning the
 * table holds, and whether the rows must also be checked against their `words` (the word is longer
 * than that beginning).
 */
export function prefixOf(word: string): { prefix: string; checked: boolean } {
  const chars = [...word]
  return { prefix: chars.slice(0, PREFIX_MAX).join(''), checked: chars.length > PREFIX_MAX }
}

/** Registers the SQL functions the search tables' triggers call (on every connection). */
export function registerSearchFunctions(db: {
  function(
    name: string,
    options: { deterministic: boolean },
    fn: (a: unknown, b: unknown) => unknown,
  ): unknown
}): void {
  db.function('pnet_prefixes', { deterministic: true }, (name, mrn) =>
    prefixRows(typeof name === 'string' ? name : '', typeof mrn === 'string' ? mrn : ''),
  )
}

/**
 * A search the prefix table can answer exactly: every word typed is one word to the tokenizer
 * (no character of it separates words), so the MRN-begins-with rule adds nothing to the word rule.
 * Each word folded as the tokenizer folds it, longest first (the first drives the seek).
 */
export function prefixWords(query: string | undefined): string[] | null {
  const parts = (query ?? '')
    .trim()
    .split(/[\s,;]+/)
    .filter((w) => w !== '')
  if (parts.length === 0 || parts.length > 8) return null
  const words: string[] = []
  for (const part of parts) {
    // As `searchWords` keeps it (a letter or a digit), so both read the same words.
    if (!/[\p{L}\p{N}]/u.test(part)) return null
    const chars = [...part].map(foldChar)
    if (chars.some((c) => c === '')) return null
    words.push(chars.join(''))
  }
  return words.sort((a, b) => [...b].length - [...a].length)
}
