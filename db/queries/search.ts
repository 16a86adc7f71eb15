// Finding a patient by name or MRN (issue 8.7). Every word typed must begin a word of the name or
// of the MRN, in any order ("ada love", "Lovelace, Ada" and "love ada" all find "Ada Lovelace");
// the whole text may also begin the MRN. Served by the full-text index `patient_search`
// (migration 40, kept by triggers), so it stays fast on a large log.
import Database from 'better-sqlite3-multiple-ciphers'
import type { WritableDb } from '../tx'

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

// The word-prefix table `patient_prefix` (migrations 115 and 130): for every patient, one row per
// distinct beginning of 1 to 3 letters of a word of the name or the MRN, with the patient's sort
// keys, so a type-ahead prefix is read as an ordered seek for every sort the worklist offers (a short
// prefix matches most of a large log, and the full-text index can only hand those back in patient
// id order). A longer word is read by the rows of its first 3 letters, each checked against the
// patient's words (`pnet_has_word`). The rows are made by `pnet_prefixes(name, mrn)`, a function
// every connection has (`registerSearchFunctions`, db/cipher.ts), called by the table's triggers
// while `pnet_prefix_live` says so (`withPrefixesDeferred`).

/** The longest word beginning the table holds; a longer word is checked against the patient's words. */
export const PREFIX_MAX = 3

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
 * The rows of `patient_prefix` for a name and an MRN, as JSON: `[prefix]` for every distinct
 * beginning of 1 to PREFIX_MAX letters of a word.
 */
export function prefixRows(name: string, mrn: string): string {
  const rows = new Set<string>()
  for (const w of new Set([...searchTokens(name), ...searchTokens(mrn)])) {
    const chars = [...w]
    for (let n = 1; n <= Math.min(PREFIX_MAX, chars.length); n++) rows.add(chars.slice(0, n).join(''))
  }
  return JSON.stringify([...rows].map((p) => [p]))
}

/** Whether a (folded) word begins a word of the name or of the MRN, as the full-text index reads them. */
export function hasWord(name: string, mrn: string, word: string): boolean {
  return (
    searchTokens(name).some((w) => w.startsWith(word)) || searchTokens(mrn).some((w) => w.startsWith(word))
  )
}

/**
 * Where a typed (folded) word is read in `patient_prefix`: the rows of its longest beginning the
 * table holds, and whether the rows must also be checked against the patient's words (the word is
 * longer than that beginning: `pnet_has_word(name, mrn, word)`).
 */
export function prefixOf(word: string): { prefix: string; checked: boolean } {
  const chars = [...word]
  return { prefix: chars.slice(0, PREFIX_MAX).join(''), checked: chars.length > PREFIX_MAX }
}

/** Per connection: null while the prefix triggers are live, else the patients they skipped. */
const deferred = new WeakMap<object, Set<number> | null>()

/**
 * Registers the SQL functions the search tables' triggers and reads call (on every connection):
 * `pnet_prefixes(name, mrn)` (the rows), `pnet_has_word(name, mrn, word)` (a longer word's check),
 * and `pnet_prefix_live(patient id)`, which the triggers ask before they write: 1, or, while the
 * connection defers them (`deferPrefixes`), 0 after noting the patient for the fill at the end.
 */
export function registerSearchFunctions(db: Pick<Database.Database, 'function'>): void {
  const str = (v: unknown): string => (typeof v === 'string' ? v : '')
  if (!deferred.has(db)) deferred.set(db, null)
  db.function('pnet_prefixes', { deterministic: true }, (name, mrn) => prefixRows(str(name), str(mrn)))
  db.function('pnet_has_word', { deterministic: true }, (name, mrn, word) =>
    hasWord(str(name), str(mrn), str(word)) ? 1 : 0,
  )
  db.function('pnet_prefix_live', { deterministic: false }, (id) => {
    const skipped = deferred.get(db)
    if (!skipped) return 1
    if (typeof id === 'number' || typeof id === 'bigint') skipped.add(Number(id))
    return 0
  })
}

/**
 * Sets the type-ahead triggers of `tx`'s connection aside for a bulk write (the CSV import): until
 * the function returned is called, a write to a patient or an open step no longer touches
 * `patient_prefix` (each row inserted, then updated again for its due date, result and dose, would
 * rewrite the same rows); the patients written are noted instead. The function returned puts the
 * triggers back and (unless called with `false`) fills those patients' rows from their final names, MRNs and sort keys, in one
 * set-based statement (their old rows removed first). It must be called in the same transaction,
 * which the caller owns: a rollback undoes the fill with the rest.
 *
 * Meanwhile no other write may run on that connection (every write of the app goes through it):
 * the import holds the job gate exclusively, so the yields of its long transaction (`longWriteTx`,
 * `job.breathe()`) let reads in, never another write. If the work fails, call it with `false` (or let
 * `withPrefixesDeferred` do it): the triggers are live again and nothing is filled.
 */
export function deferPrefixes(tx: WritableDb): (fill?: boolean) => void {
  if (!deferred.has(tx)) throw new Error('The type-ahead functions are not registered on this connection')
  if (deferred.get(tx)) throw new Error('The type-ahead triggers are already set aside on this connection')
  const skipped = new Set<number>()
  deferred.set(tx, skipped)
  return (fill = true) => {
    if (deferred.get(tx) !== skipped) throw new Error('The type-ahead triggers were already put back')
    deferred.set(tx, null)
    if (fill) fillPrefixRows(tx, [...skipped])
  }
}

/**
 * Runs `fn` (synchronous, inside the caller's write transaction) with the type-ahead triggers set
 * aside (`deferPrefixes`), then fills the rows of the patients it wrote. If `fn` throws, the
 * triggers are live again, nothing is filled, and the error goes on (the rollback is the caller's).
 */
export function withPrefixesDeferred<T>(tx: WritableDb, fn: () => T): T {
  const finish = deferPrefixes(tx)
  let result: T
  try {
    result = fn()
  } catch (e) {
    finish(false)
    throw e
  }
  finish()
  return result
}

/** The columns of `patient_prefix` (migration 130) a patient's rows are made of, on `patient p`. */
export const PREFIX_ROW_SQL = {
  columns: 'prefix, patient_id, name, mrn, eff_from, last_result, cumulative_msv',
  /** The SELECT list, with `f` the patient's open step (or none) and `j` `json_each(pnet_prefixes(...))`. */
  select: `j.value ->> 0, p.id, p.name, p.mrn, coalesce(f.override_due_from, f.due_from), p.last_result, p.cumulative_msv`,
  /** FROM patient p, its rows and its open step (the WHERE and ORDER BY are the caller's). */
  from: `patient p CROSS JOIN json_each(pnet_prefixes(p.name, p.mrn)) j
    LEFT JOIN followup_item f ON f.patient_id = p.id AND f.status = 'scheduled'`,
} as const

/** Replaces the `patient_prefix` rows of the patients `ids` by rows made from their current values. */
function fillPrefixRows(tx: WritableDb, ids: readonly number[]): void {
  if (ids.length === 0) return
  const list = JSON.stringify(ids)
  tx.prepare(`DELETE FROM patient_prefix WHERE patient_id IN (SELECT value FROM json_each(?))`).run(list)
  tx.prepare(
    `INSERT INTO patient_prefix (${PREFIX_ROW_SQL.columns})
       SELECT ${PREFIX_ROW_SQL.select} FROM ${PREFIX_ROW_SQL.from}
       WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY 2, 1`,
  ).run(list)
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
