// Finding a patient by name or MRN (issue 8.7). Every word typed must begin a word of the name or
// of the MRN, in any order ("ada love", "Lovelace, Ada" and "love ada" all find "Ada Lovelace");
// the whole text may also begin the MRN. Served by the full-text index `patient_search`
// (migration 40, kept by triggers), so it stays fast on a large log.

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
