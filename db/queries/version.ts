// The record versions (migration 65). Every statement that creates or changes an editable record
// sets its `version` to NEXT_VERSION: the sequence number the change's first audit row will get
// (one more than the newest audit row's). Every change is audited in its own transaction
// (electron/backend/services/audited.ts), and the audit log only grows (its triggers refuse updates
// and deletes), so a record's next change always reads a larger number: a record's versions only go
// up, and a record removed and later replaced under the same id (treatments are rewritten whole by
// a facts edit, SQLite may reuse the highest id) never comes back with a version someone saw
// before. All the writes of one change to one record share one version.
//
// The records of a migration-created log start at 1; the audit log of a log holding any record has
// at least that record's creation row, so NEXT_VERSION is 2 or more there.

/** The SQL expression of the version a change writes. */
export const NEXT_VERSION = '(SELECT coalesce(max(id), 0) + 1 FROM audit_log)'
