// Finding a patient by name or MRN (issue 8.7). Every word typed must begin a word of the name or
// of the MRN, in any order ("ada love", "Lovelace, Ada" and "love ada" all find "Ada Lovelace");
// the whole text may also begin the MRN. Served by the full-text index `patient_search`
// (migration 40, kept by triggers), so it stays fast on a large log.
import Database from 'better-sqlite3-multiple-ciphers'
import type { WorklistSort } from '../types'
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

// The word-prefix table `patient_prefix` (migrations 115 and 130): for every patient, sort the
// worklist offers and distinct beginning of 1 to 3 letters of a word of the name or the MRN, a row
// holding that sort's key, so a type-ahead prefix is read as an ordered seek in every sort (a short
// prefix matches most of a large log, and the full-text index can only hand those back in patient
// id order). A longer word is read by the rows of its first 3 letters, each checked against the
// patient's words (`pnet_has_word`). The rows are made by `pnet_prefixes(name, mrn)`, a function
// every connection has (`registerSearchFunctions`, db/cipher.ts), called by the table's triggers
// while `pnet_prefix_live` says so (`withPrefixesDeferred`).

/**
 * The longest word beginning the table holds: 3 letters, or 6 for a word with a digit (an MRN or
 * a number shares its first characters with many others: "mrn0012" or "W000123"); a longer word
 * is checked against the patient's words.
 */
export const PREFIX_MAX = 3
export const PREFIX_MAX_DIGITS = 6

const DIGIT = /\p{N}/u

/** How many of a word's first characters the table holds (`chars` its characters). */
function heldOf(chars: readonly string[]): number {
  return Math.min(chars.length, DIGIT.test(chars.join('')) ? PREFIX_MAX_DIGITS : PREFIX_MAX)
}

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

/** A text of ASCII characters only (most names and MRNs), split without asking the tokenizer. */
const ASCII = /^\p{ASCII}*$/u

/** A combining mark (an accent typed or pasted as its own character, as macOS writes "é" in NFD). */
const COMBINING = /\p{M}/u

/**
 * A text's words as the full-text index's tokenizer reads them: character by character
 * (`foldChar`, cached), or the whole text at once when it holds a combining mark — alone, a mark
 * reads as a word break, while the tokenizer removes it from the letter before it ("Ame\u0301lie"
 * is one word, "amelie").
 */
export function searchTokens(text: string): string[] {
  // ASCII alone: letters and digits are the word characters, everything else separates words.
  if (ASCII.test(text))
    return text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w !== '')
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
 * beginning of a word the table holds (`heldOf`).
 */
export function prefixRows(name: string, mrn: string): string {
  const rows = new Set<string>()
  for (const w of new Set([...searchTokens(name), ...searchTokens(mrn)])) {
    const chars = [...w]
    for (let n = 1; n <= heldOf(chars); n++) rows.add(chars.slice(0, n).join(''))
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
  // A word with a digit in its first 6 characters begins only words with a digit, which hold 6.
  const chars = [...word]
  const held = heldOf(chars.slice(0, PREFIX_MAX_DIGITS))
  return { prefix: chars.slice(0, held).join(''), checked: chars.length > held }
}

/** The sort each row of `patient_prefix` serves (its column `k`), and so the key it holds. */
export const PREFIX_SORT: Readonly<Record<WorklistSort, number>> = {
  due: 0,
  name: 1,
  mrn: 2,
  result: 3,
  dose: 4,
}

/** The key a row holds for a patient without one (no open step, result or dose): after every text and number. */
export const NO_KEY = "X''"

/** A patient's values as SQL expressions, which its rows of `patient_prefix` are made from. */
export interface PrefixSource {
  id: string
  name: string
  mrn: string
  /** The effective start of its open step (NULL: none). */
  due: string
  result: string
  dose: string
}

/** The columns of `patient_prefix`, in the order `prefixRowsSql` selects them. */
export const PREFIX_COLUMNS = 'k, prefix, key, patient_id'

/**
 * The SELECT of a patient's rows of `patient_prefix` from its values (`from` joins what they are
 * read from: '' in a trigger, which reads `new.` or `old.`), for every sort or only `only`.
 */
export function prefixRowsSql(v: PrefixSource, from = '', only?: WorklistSort): string {
  const key = (k: WorklistSort): string =>
    k === 'name'
      ? v.name
      : k === 'mrn'
        ? v.mrn
        : `coalesce(${k === 'due' ? v.due : k === 'result' ? v.result : v.dose}, ${NO_KEY})`
  const j = `json_each(pnet_prefixes(${v.name}, ${v.mrn})) j`
  if (only)
    return `SELECT ${PREFIX_SORT[only]}, j.value ->> 0, ${key(only)}, ${v.id} FROM ${from ? `${from} CROSS JOIN ` : ''}${j}`
  const keys = (Object.keys(PREFIX_SORT) as WorklistSort[]).map(
    (k) => `WHEN ${PREFIX_SORT[k]} THEN ${key(k)}`,
  )
  return `SELECT s.column1, j.value ->> 0, CASE s.column1 ${keys.join(' ')} END, ${v.id}
    FROM ${from ? `${from} CROSS JOIN ` : ''}${j} CROSS JOIN (VALUES (0), (1), (2), (3), (4)) s`
}

/** A patient `p` and its open step `f` as the source of its rows (`prefixRowsSql`). */
export const PATIENT_SOURCE: PrefixSource = {
  id: 'p.id',
  name: 'p.name',
  mrn: 'p.mrn',
  due: 'coalesce(f.override_due_from, f.due_from)',
  result: 'p.last_result',
  dose: 'p.cumulative_msv',
}
/** The FROM of `PATIENT_SOURCE`. */
export const PATIENT_FROM = `patient p LEFT JOIN followup_item f ON f.patient_id = p.id AND f.status = 'scheduled'`

/** A patient's values when the prefix triggers were first set aside for it: null for a new patient (no rows yet). */
type Snapshot = { name: string; mrn: string; due: unknown; result: unknown; dose: unknown } | null

/** Per connection: null while the prefix triggers are live, else the patients they skipped. */
const deferred = new WeakMap<object, Map<number, Snapshot> | null>()

/**
 * Registers the SQL functions the search tables' triggers and reads call (on every connection):
 * `pnet_prefixes(name, mrn)` (the rows), `pnet_has_word(name, mrn, word)` (a longer word's check),
 * and `pnet_prefix_live(patient id[, name, mrn, due, result, dose])`, which the triggers ask
 * before they write: 1, or, while the connection defers them (`deferPrefixes`), 0 after noting
 * the patient and, the first time, the values its rows were made from (none given: a new patient).
 */
export function registerSearchFunctions(db: Pick<Database.Database, 'function'>): void {
  const str = (v: unknown): string => (typeof v === 'string' ? v : '')
  if (!deferred.has(db)) deferred.set(db, null)
  db.function('pnet_prefixes', { deterministic: true }, (name, mrn) => prefixRows(str(name), str(mrn)))
  db.function('pnet_has_word', { deterministic: true }, (name, mrn, word) =>
    hasWord(str(name), str(mrn), str(word)) ? 1 : 0,
  )
  db.function('pnet_prefix_live', { deterministic: false, varargs: true }, (id, ...was) => {
    const skipped = deferred.get(db)
    if (!skipped) return 1
    const n = Number(id)
    if (!skipped.has(n))
      skipped.set(
        n,
        was.length === 0
          ? null
          : { name: str(was[0]), mrn: str(was[1]), due: was[2], result: was[3], dose: was[4] },
      )
    return 0
  })
}

/**
 * Sets the type-ahead triggers of `tx`'s connection aside for a bulk write (the CSV import): until
 * the function returned is called, a write to a patient or an open step no longer touches
 * `patient_prefix` (each patient inserted, then updated for its due date, result and dose, would
 * rewrite the same rows again and again); the patients written are noted instead, with the values
 * their rows were made from. The function returned puts the triggers back and (unless called with
 * `false`) fills those patients' rows from their final names, MRNs and sort keys in one set-based
 * statement, after removing the rows they had. It must be called in the same transaction, which
 * the caller owns: a rollback undoes the fill with the rest.
 *
 * Meanwhile no other write may run on that connection (every write of the app goes through it):
 * the import holds the job gate exclusively, so the yields of its long transaction (`longWriteTx`,
 * `job.breathe()`) let reads in, never another write. If the work fails, call it with `false` (or
 * let `withPrefixesDeferred` do it): the triggers are live again and nothing is filled.
 */
export function deferPrefixes(tx: WritableDb): (fill?: boolean) => void {
  if (!deferred.has(tx)) throw new Error('The type-ahead functions are not registered on this connection')
  if (deferred.get(tx)) throw new Error('The type-ahead triggers are already set aside on this connection')
  const skipped = new Map<number, Snapshot>()
  deferred.set(tx, skipped)
  return (fill = true) => {
    if (deferred.get(tx) !== skipped) throw new Error('The type-ahead triggers were already put back')
    deferred.set(tx, null)
    if (fill) fillPrefixRows(tx, skipped)
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

/** Replaces the `patient_prefix` rows of the patients noted while the triggers were set aside. */
function fillPrefixRows(tx: WritableDb, skipped: ReadonlyMap<number, Snapshot>): void {
  if (skipped.size === 0) return
  const had = [...skipped].filter(([, was]) => was !== null)
  if (had.length > 0) {
    const drop = tx.prepare(
      `DELETE FROM patient_prefix WHERE (${PREFIX_COLUMNS}) IN (${prefixRowsSql({
        id: '@id',
        name: '@name',
        mrn: '@mrn',
        due: '@due',
        result: '@result',
        dose: '@dose',
      })})`,
    )
    for (const [id, was] of had) drop.run({ id, ...was })
  }
  tx.prepare(
    `INSERT INTO patient_prefix (${PREFIX_COLUMNS})
       ${prefixRowsSql(PATIENT_SOURCE, PATIENT_FROM)}
       WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY 1, 2, 3, 4`,
  ).run(JSON.stringify([...skipped.keys()]))
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
