import type Database from 'better-sqlite3-multiple-ciphers'
import type { Migration } from './types'

// The audit trail by person without an index entry per row (issue 10, storage; db/queries/audit.ts).
//
// `audit_log_actor` (actor, id), migration 105, held an entry for every audit row: about 1 KB a
// patient with 10 studies. But the rows of one person come in runs (one person works for a while;
// a log written by one person is one run), so `audit_actor_run` keeps a row per run instead: its
// first and last audit row and the person, kept by a trigger on every append. The audit trail's
// filter by person reads the person's runs (newest first, by `audit_actor_run_actor`) and, in each,
// the audit rows by id; the people the filter offers are the runs' (`auditActors`). A patient's
// history filtered by person still goes by the patient's index and compares `actor` on its rows.
//
// Audit rows are only appended, their ids consecutive (the chain check names a gap), so a new row
// either extends the newest run (same person) or starts one. The run table is not part of the
// hash chain (as `audit_log.patient_id` is not): the full check (db/integrity.ts
// `actorRunProblem`) checks every row is in the one run that covers its id, with its person,
// and that the runs follow each other without gap or overlap.
//
// The runs of an existing log are built from its rows in steps of 20 000, with progress, and
// checked the same way before the index goes.

const STEP = 20_000

/** Keeps `audit_actor_run` on each append: the newest run grows by the row, or a new one starts. */
export const ACTOR_RUN_TRIGGER = `
  CREATE TRIGGER audit_actor_run_append AFTER INSERT ON audit_log
  BEGIN
    UPDATE audit_actor_run SET last_id = new.id
     WHERE first_id = (SELECT max(first_id) FROM audit_actor_run)
       AND actor = new.actor AND last_id = new.id - 1;
    INSERT INTO audit_actor_run (first_id, last_id, actor)
      SELECT new.id, new.id, new.actor
       WHERE NOT EXISTS (SELECT 1 FROM audit_actor_run
                          WHERE first_id = (SELECT max(first_id) FROM audit_actor_run) AND last_id = new.id);
  END;
`

/**
 * The first audit row (with id > `after`, up to `to`) that is not in the run covering its id with
 * its person, or null. Shared by the migration's check and the full check.
 */
export function firstRowOffRun(
  db: Pick<Database.Database, 'prepare'>,
  after: number,
  to: number,
): number | null {
  return (
    (db
      .prepare(
        `SELECT a.id FROM audit_log a
           LEFT JOIN audit_actor_run r
             ON r.first_id = (SELECT max(x.first_id) FROM audit_actor_run x WHERE x.first_id <= a.id)
          WHERE a.id > ? AND a.id <= ? AND (r.first_id IS NULL OR r.last_id < a.id OR r.actor IS NOT a.actor)
          ORDER BY a.id LIMIT 1`,
      )
      .pluck()
      .get(after, to) as number | undefined) ?? null
  )
}

/**
 * The first run that does not follow the run before it (its first row one after that one's last),
 * or that ends past the audit log's last row, or null.
 */
export function firstRunOutOfLine(db: Pick<Database.Database, 'prepare'>): number | null {
  return (
    (db
      .prepare(
        `SELECT r.first_id FROM audit_actor_run r
          WHERE r.last_id < r.first_id
             OR r.last_id > (SELECT coalesce(max(id), 0) FROM audit_log)
             OR (SELECT p.last_id FROM audit_actor_run p WHERE p.first_id < r.first_id
                  ORDER BY p.first_id DESC LIMIT 1) IS NOT (CASE WHEN r.first_id = 1 THEN NULL ELSE r.first_id - 1 END)
          ORDER BY r.first_id LIMIT 1`,
      )
      .pluck()
      .get() as number | undefined) ?? null
  )
}

export const migration0155: Migration = {
  version: 155,
  name: 'audit-actor-runs',
  up(db, progress) {
    db.exec(`
      CREATE TABLE audit_actor_run (
        first_id INTEGER PRIMARY KEY,
        last_id INTEGER NOT NULL,
        actor TEXT NOT NULL,
        CHECK (last_id >= first_id)
      ) STRICT;
    `)
    const total = db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number
    const page = db.prepare('SELECT id, actor FROM audit_log WHERE id > ? ORDER BY id LIMIT ?')
    const insert = db.prepare('INSERT INTO audit_actor_run (first_id, last_id, actor) VALUES (?, ?, ?)')
    let run: { first: number; last: number; actor: string } | null = null
    let done = 0
    for (let after = 0; ;) {
      const rows = page.all(after, STEP) as { id: number; actor: string }[]
      if (rows.length === 0) break
      for (const r of rows) {
        if (run && run.actor === r.actor && run.last === r.id - 1) run.last = r.id
        else {
          if (run) insert.run(run.first, run.last, run.actor)
          run = { first: r.id, last: r.id, actor: r.actor }
        }
      }
      after = rows[rows.length - 1]!.id
      done += rows.length
      progress?.(done, total)
    }
    if (run) insert.run(run.first, run.last, run.actor)
    const last = (db.prepare('SELECT coalesce(max(id), 0) FROM audit_log').pluck().get() as number) || 0
    const off = firstRowOffRun(db, 0, last)
    const outOfLine = firstRunOutOfLine(db)
    if (off !== null || outOfLine !== null)
      throw new Error(
        `audit runs by person: audit row ${off ?? outOfLine} is not where its run says; the log was not changed`,
      )
    db.exec(`
      CREATE INDEX audit_actor_run_actor ON audit_actor_run (actor, first_id);
      DROP INDEX audit_log_actor;
      ${ACTOR_RUN_TRIGGER}
    `)
  },
}
