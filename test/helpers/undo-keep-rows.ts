import type * as Audit from '../../db/audit'

/**
 * `db/audit.ts` as a log before schema 145 wrote it: each kept undo entry with an `undo.keep` row
 * of its own instead of on the row of its change. For a test that turns a log of the latest schema
 * into one of an older schema (`vi.mock('…/db/audit', (o) => keptOnTheirOwn(o))`): the rows of
 * such a log cannot carry an entry.
 */
export async function keptOnTheirOwn(importOriginal: () => Promise<typeof Audit>): Promise<typeof Audit> {
  const audit = await importOriginal()
  return {
    ...audit,
    keepUndoEntry: (tx, actor, c) =>
      audit.appendAudit(tx, actor, audit.undoEntryAudit({ action: 'undo.keep', ...c })),
  }
}
