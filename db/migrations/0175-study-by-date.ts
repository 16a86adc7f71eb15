import type { Migration } from './types'

// The adherence figures by study date (issue 10: no call holds the back end for long). The
// worklist's adherence panel reads the closed imaging steps whose study falls in a period (the last
// 12 months by default); without an index by date, SQLite read every closed step of the log to
// find them — about a second at 100k patients, on every start and after every recorded study —
// whatever the period held. By date, it reads only the studies of the period, newest first (the
// order the report lists them in). Studies entered in error are never counted, so they are left
// out of the index.
export const migration0175: Migration = {
  version: 175,
  name: 'study-by-date',
  up: (db) => {
    db.exec(`CREATE INDEX study_by_date ON study(date) WHERE entered_in_error_at IS NULL`)
  },
}
