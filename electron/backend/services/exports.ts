import { randomUUID } from 'node:crypto'
import { openItem } from '../../../db/queries/followups'
import { requirePatient } from '../../../db/queries/patients'
import { currentRecommendation } from '../../../db/queries/recommendations'
import { listStudies } from '../../../db/queries/studies'
import { worklistPage, type WorklistDates } from '../../../db/queries/worklist'
import type { ReadableDb } from '../../../db/tx'
import type { WorklistCursor, WorklistRow, WorklistSort } from '../../../db/types'
import { worklistSortKey, type CalendarIdentity } from '../../../engine'
import type { ExportFile, StoredRecommendation, WorklistExportFilter } from '../../contract/contract'
import { ApiFailure } from '../../contract/dispatch'
import { calendarText, type CalendarEntry } from '../interop/calendar'
import { fhirBundle } from '../interop/fhir'
import { ledgerFor } from './dose'
import { activePack } from './packs'
import { engineSettingsOf, getSettings } from './settings'

// The plan out of the app: the worklist's rows (the renderer writes them as CSV), calendar files
// and FHIR bundles. Reads only; nothing here changes the log. Each answer is a file (name, media
// type, text) that the renderer saves the way it saves every export (features/export/save.ts).

/** More rows than any worklist holds; a filter with more is cut there and says so. */
export const EXPORT_ROW_LIMIT = 200_000

export interface ExportContext {
  db: ReadableDb
  now: () => Date
  today: () => string
  dates: () => WorklistDates
}

/** A file name part from free text: letters, digits, dot and dash; anything else `_`. */
export function fileNamePart(text: string, fallback: string): string {
  return text.replace(/[^A-Za-z0-9.-]/g, '_').replace(/^\.+/, '_') || fallback
}

/** Rows per keyset page while an export reads the whole list. */
const EXPORT_PAGE = 1000

/**
 * Every row of the worklist's tab and filter (not a page), in the order asked for: read page by
 * page, each a seek from the last row of the one before (keyset paging, as the worklist scrolls),
 * so a long list costs what its rows cost. All in one read transaction, so the pages agree.
 */
export function worklistRows(
  ctx: ExportContext,
  filter: WorklistExportFilter,
  sort: WorklistSort = 'due',
  descending = false,
): { rows: WorklistRow[]; truncated: boolean } {
  const dates = ctx.dates()
  const read = (): WorklistRow[] => {
    const rows: WorklistRow[] = []
    let cursor: WorklistCursor | undefined
    while (rows.length <= EXPORT_ROW_LIMIT) {
      const page = worklistPage(
        ctx.db,
        { ...filter, sort, descending, limit: EXPORT_PAGE, ...(cursor ? { cursor } : {}) },
        dates,
      )
      rows.push(...page)
      const last = page.at(-1)
      if (!last || page.length < EXPORT_PAGE) break
      cursor = { at: 'after', key: worklistSortKey(last, sort), patientId: last.patientId }
    }
    return rows
  }
  const rows = ctx.db.transaction(read)()
  const truncated = rows.length > EXPORT_ROW_LIMIT
  return { rows: truncated ? rows.slice(0, EXPORT_ROW_LIMIT) : rows, truncated }
}

export type CalendarScope =
  ({ kind: 'worklist'; title: string } & WorklistExportFilter) | { kind: 'patient'; patientId: number }

/** An `.ics` file of the open steps in scope: one event per due window, with a reminder. */
export function calendarExport(
  ctx: ExportContext,
  req: { scope: CalendarScope; identify: CalendarIdentity; reminderDays: number },
): ExportFile & { events: number } {
  let entries: CalendarEntry[]
  let title: string
  let fileName: string
  if (req.scope.kind === 'patient') {
    const patient = requirePatient(ctx.db, req.scope.patientId)
    const item = openItem(ctx.db, patient.id)
    if (!item) {
      throw new ApiFailure({
        code: 'NOT_FOUND',
        message: 'This patient has no open follow-up step, so there is nothing to put in a calendar.',
      })
    }
    entries = [
      {
        itemId: item.id,
        name: patient.name,
        mrn: patient.mrn,
        kind: item.kind,
        procedure: item.override?.procedure ?? item.procedure,
        due: item.override?.due ?? item.due,
      },
    ]
    title = 'pNET follow-up'
    fileName = `pnet-followup_${fileNamePart(patient.mrn, 'patient')}_${ctx.today()}.ics`
  } else {
    const { kind: _kind, title: scopeTitle, ...filter } = req.scope
    const { rows } = worklistRows(ctx, filter)
    entries = rows.flatMap((r) =>
      r.item
        ? [
            {
              itemId: r.item.id,
              name: r.name,
              mrn: r.mrn,
              kind: r.item.kind,
              procedure: r.item.procedure,
              due: r.item.due,
            },
          ]
        : [],
    )
    title = scopeTitle
    fileName = `pnet-followup_worklist_${fileNamePart(filter.bucket, 'all')}_${ctx.today()}.ics`
  }
  return {
    fileName,
    mediaType: 'text/calendar;charset=utf-8',
    text: calendarText(entries, {
      identify: req.identify,
      reminderDays: req.reminderDays,
      now: ctx.now(),
      title,
    }),
    events: entries.length,
  }
}

/** A FHIR R4 Bundle (JSON) of the patient's current recommendation and dose history. */
export function fhirExport(ctx: ExportContext, patientId: number): ExportFile {
  const patient = requirePatient(ctx.db, patientId)
  const studies = listStudies(ctx.db, patientId)
  const recommendation = currentRecommendation(ctx.db, patientId) as StoredRecommendation | null
  const ledger = ledgerFor(ctx.db, patientId, engineSettingsOf(getSettings(ctx.db)), activePack(ctx.db))
  const bundle = fhirBundle({
    patient,
    studies,
    doses: ledger.studies,
    recommendation,
    item: openItem(ctx.db, patientId),
    now: ctx.now(),
    uuid: randomUUID,
  })
  return {
    fileName: `pnet-followup_${fileNamePart(patient.mrn, 'patient')}_${ctx.today()}.fhir.json`,
    mediaType: 'application/fhir+json;charset=utf-8',
    text: `${JSON.stringify(bundle, null, 2)}\n`,
  }
}
