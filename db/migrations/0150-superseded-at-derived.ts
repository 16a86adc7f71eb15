import type { Migration } from './types'

// When a recommendation was superseded is no longer stored twice (issue 10, storage;
// db/queries/recommendations.ts `SUPERSEDED_AT`).
//
// `recommendation.superseded_at` held the creation time of the recommendation that superseded the
// row, which the full check already required it to be (db/integrity.ts `supersessionProblems`):
// 24 characters in 13 of a patient's 14 recommendations. From this schema on the time is read from
// the superseding row (`superseded_by`, indexed), and the column stays NULL: a NULL costs one byte
// of the row's header, and leaving the column in place rewrites no table.
//
// The stored times are set to NULL in steps of 5 000 rows, with progress, and only where they are
// what the superseding row says: a time that differs (changed behind the app's back) is left as
// it is, so the full check still names the recommendation. Rows set to NULL shrink where they are
// (the space they free is reused as the log grows; a backup, VACUUM INTO, is written compact).

const STEP = 5000

export const migration0150: Migration = {
  version: 150,
  name: 'superseded-at-derived',
  up(db, progress) {
    const total = db
      .prepare('SELECT count(*) FROM recommendation WHERE superseded_at IS NOT NULL')
      .pluck()
      .get() as number
    const next = db.prepare(
      'SELECT max(id) FROM (SELECT id FROM recommendation WHERE id > ? ORDER BY id LIMIT ?)',
    )
    const clear = db.prepare(
      `UPDATE recommendation SET superseded_at = NULL
        WHERE id > @from AND id <= @to AND superseded_at IS NOT NULL
          AND superseded_at IS (SELECT n.created_at FROM recommendation n WHERE n.id = recommendation.superseded_by)`,
    )
    let done = 0
    for (let from = 0; ;) {
      const to = next.pluck().get(from, STEP) as number | null
      if (to === null) break
      done += clear.run({ from, to }).changes
      progress?.(done, total)
      from = to
    }
    const left = db
      .prepare(
        `SELECT count(*) FROM recommendation WHERE superseded_at IS NOT NULL
           AND superseded_at IS (SELECT n.created_at FROM recommendation n WHERE n.id = recommendation.superseded_by)`,
      )
      .pluck()
      .get() as number
    if (left !== 0) throw new Error(`superseded_at: ${left} times left to clear; the log was not changed`)
  },
}
