// The type-ahead table (`patient_prefix`, migration 130) as a test expects it: for every patient,
// a row per sort (due 0, name 1, MRN 2, result 3, dose 4) and per distinct beginning of 1 to 3
// letters of a word of its name or MRN, holding that sort's key (an empty blob when it has none).
import type { DB } from '../../db/open'

type Row = { k: number; prefix: string; key: unknown; patient_id: number }

const order = (rows: Row[]): string[] => rows.map((r) => JSON.stringify(r)).sort()

/** The table's rows, and the rows a rebuild from the patients and their open steps makes (both in one order). */
export function prefixTableAndRebuild(db: DB): [string[], string[]] {
  const table = db.prepare('SELECT k, prefix, key, patient_id FROM patient_prefix').all() as Row[]
  const rebuilt = db
    .prepare(
      `SELECT s.k, j.value ->> 0 AS prefix,
         CASE s.k WHEN 0 THEN coalesce((SELECT coalesce(f.override_due_from, f.due_from) FROM followup_item f
                                        WHERE f.patient_id = p.id AND f.status = 'scheduled'), X'')
                  WHEN 1 THEN p.name WHEN 2 THEN p.mrn WHEN 3 THEN coalesce(p.last_result, X'')
                  ELSE coalesce(p.cumulative_msv, X'') END AS key,
         p.id AS patient_id
       FROM patient p, json_each(pnet_prefixes(p.name, p.mrn)) j,
         (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) s`,
    )
    .all() as Row[]
  return [order(table), order(rebuilt)]
}
