import { auditedInterop } from './audited'
import { cached } from '../../../db/stmt'
import { longWriteTx } from '../../../db/tx'
import { CSV_IMPORT_FIELDS, type CsvImportField } from '../../../engine'
import type { CsvImportResult, CsvPreview, JobStatus } from '../../contract/contract'
import { ApiFailure } from '../../contract/dispatch'
import { CSV_FIELD_SPECS, headersOf, readCsv, suggestMapping, type CsvPlan } from '../interop/csvImport'
import type { JobHandle, Jobs } from '../jobs'
import type { Uploads } from '../uploads'
import type { FollowUpContext } from './followup'
import { createPatientWithStudiesInTx } from './patients'

// The CSV import (docs/interop.md) as two jobs: `preview` reads and checks every row and changes
// nothing; `commit` checks again (the log may have changed since) and then stores every patient
// and study in one transaction, each through the path a typed one takes (created, audited, the
// engine run, the follow-up step reconciled), with one more audit row for the import as a whole.
// A problem in any row, a failure or a cancel leaves the log as it was.

export interface ImportContext extends FollowUpContext {
  jobs: Jobs
  uploads: Uploads
}

/** Every MRN in the log, in lower case (MRNs are unique without case). */
function takenMrns(ctx: ImportContext): Set<string> {
  return new Set(cached(ctx.db, 'SELECT lower(mrn) FROM patient').pluck().all() as string[])
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
  const taken = await job.db(() => takenMrns(ctx))
  const plan = await readCsv(text, mapping ?? suggested, {
    today: ctx.today(),
    isTaken: (mrn) => taken.has(mrn.toLowerCase()),
    tick: async (done, total) => {
      job.progress('checking rows', done, total)
      await job.breathe()
    },
  })
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
  ctx: ImportContext,
  uploadId: string,
  mapping: Record<string, CsvImportField | null>,
): JobStatus {
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
      const total = plan.patients.length
      job.progress('importing', 0, total)
      const result = await longWriteTx(ctx.db, async (tx) => {
        let studies = 0
        for (let i = 0; i < total; i++) {
          const p = plan.patients[i]!
          createPatientWithStudiesInTx(
            ctx,
            tx,
            p.input,
            p.studies.map((s) => s.input),
          )
          studies += p.studies.length
          if (i % 50 === 49) {
            job.progress('importing', i + 1, total)
            await job.breathe()
          }
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
      })
      job.progress('importing', total, total)
      ctx.uploads.drop(uploadId)
      return result
    },
    { exclusive: true },
  )
}
