import { atCall, auditedInterop } from './audited'
import { auditHead } from '../../../db/audit'
import { withPrefixesDeferred } from '../../../db/queries/search'
import { cached } from '../../../db/stmt'
import { longWriteTx, type WritableDb } from '../../../db/tx'
import { CSV_IMPORT_FIELDS, type CsvImportField } from '../../../engine'
import type { CsvImportResult, CsvPreview, JobStatus } from '../../contract/contract'
import { ApiFailure } from '../../contract/dispatch'
import { CSV_FIELD_SPECS, headersOf, readCsv, suggestMapping, type CsvPlan } from '../interop/csvImport'
import type { JobHandle, Jobs } from '../jobs'
import type { Uploads } from '../uploads'
import type { FollowUpContext } from './followup'
import { createPatientWithStudiesInTx } from './patients'

// The CSV import (docs/interop.md) as two jobs: `preview` reads and checks every row and changes
// nothing; `commit` checks again (unless the file, mapping, day and log are the ones the preview
// checked) and then stores every patient and study in one transaction: each patient created with
// all of their studies, audited, and the plan and open step the typed path would end with
// (`createPatientWithStudiesInTx`), with one more audit row for the import as a whole. A problem in
// any row, a failure or a cancel leaves the log as it was.

export interface ImportContext extends FollowUpContext {
  jobs: Jobs
  uploads: Uploads
}

/** Every MRN in the log, in lower case (MRNs are unique without case). */
function takenMrns(ctx: ImportContext): Set<string> {
  return new Set(cached(ctx.db, 'SELECT lower(mrn) FROM patient').pluck().all() as string[])
}

// The last check of each upload, kept for the import that follows its preview: when the file, the
// mapping, the day and the log (its audit head: every change of a patient is audited) are what the
// preview checked, the import uses that check instead of checking every row again. Only the newest
// few are kept (a plan holds every row).
interface Checked {
  key: string
  plan: CsvPlan
}
const CHECKED = new WeakMap<Uploads, Map<string, Checked>>()
const KEEP_CHECKED = 2

function checkedOf(uploads: Uploads): Map<string, Checked> {
  let m = CHECKED.get(uploads)
  if (!m) CHECKED.set(uploads, (m = new Map()))
  return m
}

async function check(
  ctx: ImportContext,
  job: JobHandle,
  uploadId: string,
  mapping: Record<string, CsvImportField | null> | undefined,
): Promise<{ plan: CsvPlan; suggested: Record<string, CsvImportField | null> }> {
  job.progress('reading the file', 0, null)
  const text = ctx.uploads.text(uploadId)
  const suggested = suggestMapping(headersOf(text))
  const chosen = mapping ?? suggested
  const { taken, head } = await job.db(() => ({ taken: takenMrns(ctx), head: auditHead(ctx.db) }))
  const key = JSON.stringify([
    text.length,
    Object.entries(chosen).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ctx.today(),
    head,
  ])
  const checked = checkedOf(ctx.uploads)
  const known = checked.get(uploadId)
  if (known && known.key === key) {
    job.progress('checking rows', known.plan.records, known.plan.records)
    return { plan: known.plan, suggested }
  }
  const plan = await readCsv(text, chosen, {
    today: ctx.today(),
    isTaken: (mrn) => taken.has(mrn.toLowerCase()),
    tick: async (done, total) => {
      job.progress('checking rows', done, total)
      await job.breathe()
    },
  })
  checked.delete(uploadId)
  checked.set(uploadId, { key, plan })
  for (const id of checked.keys()) if (checked.size > KEEP_CHECKED) checked.delete(id)
  return { plan, suggested }
}

function toPreview(plan: CsvPlan, suggested: Record<string, CsvImportField | null>): CsvPreview {
  return {
    headers: plan.headers,
    mapping: plan.mapping,
    suggested: Object.fromEntries(plan.headers.map((h) => [h, suggested[h] ?? null])),
    fields: CSV_IMPORT_FIELDS.map((key) => ({ key, label: CSV_FIELD_SPECS[key].label })),
    records: plan.records,
    patients: plan.patients.length,
    studies: plan.studies,
    skipped: plan.skipped.slice(0, 200),
    skippedCount: plan.skipped.length,
    problems: plan.problems,
    problemCount: plan.problemCount,
    sample: plan.patients.slice(0, 20).map((p) => ({
      row: p.row,
      mrn: p.input.mrn,
      name: p.input.name,
      birthDate: p.input.birthDate,
      studies: p.studies.length,
    })),
  }
}

/** Reads and checks the uploaded CSV; imports nothing. */
export function previewCsv(
  ctx: ImportContext,
  uploadId: string,
  mapping: Record<string, CsvImportField | null> | undefined,
): JobStatus {
  ctx.uploads.name(uploadId)
  return ctx.jobs.start('csv-preview', async (job) => {
    const { plan, suggested } = await check(ctx, job, uploadId, mapping)
    return toPreview(plan, suggested)
  })
}

/** Checks the uploaded CSV again and imports all of it, in one transaction, or nothing. */
export function commitCsv(
  live: ImportContext,
  uploadId: string,
  mapping: Record<string, CsvImportField | null>,
): JobStatus {
  const ctx = atCall(live)
  const fileName = ctx.uploads.name(uploadId)
  return ctx.jobs.start(
    'csv-import',
    async (job): Promise<CsvImportResult> => {
      const { plan } = await check(ctx, job, uploadId, mapping)
      if (plan.problemCount > 0) {
        throw new ApiFailure({
          code: 'INVALID_REQUEST',
          message: `${plan.problemCount} ${plan.problemCount === 1 ? 'problem' : 'problems'} in the file (first: row ${plan.problems[0]!.row}, ${plan.problems[0]!.message}). Nothing was imported.`,
        })
      }
      job.progress('importing', 0, plan.patients.length)
      const result = await longWriteTx(ctx.db, (tx) => storeAll(ctx, job, tx, plan, fileName))
      job.progress('importing', plan.patients.length, plan.patients.length)
      checkedOf(ctx.uploads).delete(uploadId)
      ctx.uploads.drop(uploadId)
      return result
    },
    { exclusive: true },
  )
}

/** Patients stored between two chances for other calls, progress and a cancel. */
const BATCH = 50

/**
 * Every patient of the plan with their studies (`createPatientWithStudiesInTx`), then the import's
 * own audit row, in the import's transaction; progress and a chance to cancel every BATCH patients.
 */
async function storeAll(
  ctx: ImportContext,
  job: JobHandle,
  tx: WritableDb,
  plan: CsvPlan,
  fileName: string,
): Promise<CsvImportResult> {
  // The pack and the settings cannot change inside this transaction: read once, not per patient.
  const pack = ctx.pack()
  const engineSettings = ctx.engineSettings()
  const lifecycleSettings = ctx.lifecycleSettings()
  const fu: FollowUpContext = {
    ...ctx,
    pack: () => pack,
    engineSettings: () => engineSettings,
    lifecycleSettings: () => lifecycleSettings,
  }
  const total = plan.patients.length
  let studies = 0
  // A batch at a time, then progress and a chance for other calls (and a cancel). Within a batch the
  // type-ahead triggers are set aside and its patients' rows written once at its end, from their
  // final sort keys (each patient's insert, then its due date, result and dose would each rewrite
  // them). The gate is held exclusively: nothing else writes on this connection meanwhile.
  for (let from = 0; from < total; from += BATCH) {
    const to = Math.min(total, from + BATCH)
    withPrefixesDeferred(tx, () => {
      for (let i = from; i < to; i++) {
        const p = plan.patients[i]!
        createPatientWithStudiesInTx(
          fu,
          tx,
          p.input,
          p.studies.map((s) => s.input),
        )
        studies += p.studies.length
      }
    })
    job.progress('importing', to, total)
    await job.breathe()
  }
  job.checkCancelled()
  const summary = { patients: total, studies, skipped: plan.skipped.length }
  auditedInterop(tx, ctx.actor, {
    action: 'import.csv',
    entity: 'import',
    entityId: null,
    before: null,
    after: { file: fileName, ...summary, skippedMrns: plan.skipped.map((s) => s.mrn) },
  })
  return summary
}
