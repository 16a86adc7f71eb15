import { toCase } from '../../../db/case'
import { readSetting, removeSetting, writeSetting } from '../../../db/queries/settings'
import { writeTx, type ReadableDb, type WritableDb } from '../../../db/tx'
import { requirePatient } from '../../../db/queries/patients'
import { listStudies } from '../../../db/queries/studies'
import { allPatientIds, patientCount, patientIdsAfter, writeDoseSummary } from '../../../db/queries/summary'
import { doseAvoided, doseLedger, estimateWorking, projectDose } from '../../../engine'
import type { DoseLedger, EngineSettings, IsoDate, LoadedPack, ProcedureId } from '../../../engine'
import type { PatientRecord, StudyRecord } from '../../../db/types'
import type { CurrentRecommendation, DoseView, JobStatus, Settings } from '../../contract/contract'
import type { Jobs } from '../jobs'
import { engineSettingsOf } from './settings'

/** A patient's dose ledger from what is stored, with the current dose settings. */
export function ledgerFor(
  db: ReadableDb,
  patientId: number,
  settings: EngineSettings,
  pack: LoadedPack,
): DoseLedger {
  const patient = requirePatient(db, patientId)
  return doseLedger(toCase(patient, listStudies(db, patientId)).studies, {
    ...settings,
    pack,
    weightKg: patient.weightKg,
  })
}

/**
 * Recomputes every patient's cumulative dose in one write transaction (a pack change; a
 * dose-setting change re-doses in the background instead, see `startRedose`). Recommendations are
 * not touched: past dose never changes a recommendation.
 */
export function refreshDoseSummaries(tx: WritableDb, settings: EngineSettings, pack: LoadedPack): void {
  for (const id of allPatientIds(tx)) {
    const l = ledgerFor(tx, id, settings, pack)
    writeDoseSummary(tx, id, {
      cumulativeMsv: l.cumulativeMsv,
      doseEstimated: l.estimated,
      doseIncomplete: l.unknownStudies.length > 0 || l.incompleteStudies.length > 0,
    })
  }
}

// ---- The re-dose after a dose-setting change, as a background job -------------------------------
//
// A dose-setting change commits the new settings with a marker, `redose-pending` (in the same
// transaction): every patient's stored cumulative dose is to be worked out again. The `redose` job
// then goes through the patients in id order, a batch of about REDOSE_BATCH_MS per write
// transaction, moving the marker's cursor in the same transaction, and yields to other calls
// between batches; the last batch removes the marker. A crash leaves the marker with its cursor:
// the next open resumes from it. While the marker is there, patients after its cursor still show a
// dose worked out with the old settings, and the worklist says so (`jobs.list` has the job; the top
// bar shows it). A change made meanwhile (a study recorded) already uses the new settings. A second
// dose-setting change while the job runs starts the cursor again from the first patient.

const REDOSE_KEY = 'redose-pending'
/** Milliseconds of work per batch: other calls wait at most about this long behind the job. */
export const REDOSE_BATCH_MS = 40

export interface RedosePending {
  /** Patients up to this id are done. */
  readonly after: number
  readonly done: number
  readonly total: number
  /** When the settings changed. */
  readonly since: string
}

export function redosePending(db: ReadableDb): RedosePending | null {
  return readSetting<RedosePending | null>(db, REDOSE_KEY, null)
}

/** Marks every patient's dose as to be worked out again (in the settings change's transaction). */
export function markRedose(tx: WritableDb, at: Date): void {
  const total = patientCount(tx)
  writeSetting(tx, REDOSE_KEY, { after: 0, done: 0, total, since: at.toISOString() } satisfies RedosePending)
}

/**
 * One batch of the re-dose, in one write transaction: patients after the cursor, for about
 * `budgetMs`. Returns how far it got, or null when nothing is pending (the marker is removed
 * by the batch that finds no patient left).
 */
export function redoseBatch(
  db: ReadableDb,
  settings: () => EngineSettings,
  pack: () => LoadedPack,
  budgetMs = REDOSE_BATCH_MS,
): RedosePending | null {
  return writeTx(db, (tx) => {
    const pending = redosePending(tx)
    if (!pending) return null
    const ids = patientIdsAfter(tx, pending.after, 2000)
    if (ids.length === 0) {
      removeSetting(tx, REDOSE_KEY)
      return { ...pending, done: pending.total }
    }
    const s = settings()
    const p = pack()
    const until = performance.now() + budgetMs
    let after = pending.after
    let done = pending.done
    for (const id of ids) {
      const l = ledgerFor(tx, id, s, p)
      writeDoseSummary(tx, id, {
        cumulativeMsv: l.cumulativeMsv,
        doseEstimated: l.estimated,
        doseIncomplete: l.unknownStudies.length > 0 || l.incompleteStudies.length > 0,
      })
      after = id
      done++
      if (performance.now() >= until) break
    }
    const next: RedosePending = { ...pending, after, done }
    writeSetting(tx, REDOSE_KEY, next)
    return next
  })
}

/**
 * Starts the `redose` job when a re-dose is pending and none runs (after a dose-setting change,
 * and at open to finish one a crash interrupted). Returns the running job, or null.
 */
export function startRedose(
  db: ReadableDb,
  jobs: Jobs,
  settings: () => EngineSettings,
  pack: () => LoadedPack,
): JobStatus | null {
  const running = jobs.running('redose')
  if (running) return running
  const first = redosePending(db)
  if (!first) return null
  return jobs.start('redose', async (job) => {
    let total = first.total
    // Not cancellable: a stopped re-dose would leave old and new doses side by side.
    for (;;) {
      const r = await job.db(() => redoseBatch(db, settings, pack))
      if (!r) break
      total = r.total
      job.progress('working out cumulative doses with the new settings', Math.min(r.done, r.total), r.total)
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    return { patients: total }
  })
}

const MRI = 'mri-abdomen-pelvis-without-and-with-iv-contrast'
const CT = 'ct-abdomen-pelvis-with-iv-contrast'
const PROJECTION_YEARS = 5

/**
 * The dose view of a patient: the ledger, the dose avoided by MRI where CT was also usually
 * appropriate, and what 5 more years of the current plan would add with MRI versus CT.
 */
export function doseViewFor(
  patient: PatientRecord,
  studies: readonly StudyRecord[],
  current: CurrentRecommendation | null,
  settings: Settings,
  asOf: IsoDate,
  pack: LoadedPack,
): DoseView {
  const engineSettings = engineSettingsOf(settings)
  const options = { ...engineSettings, pack, weightKg: patient.weightKg, asOf }
  const caseStudies = toCase(patient, studies).studies
  const ledger = doseLedger(caseStudies, options)
  const ratings = current?.output.ratings ?? []
  // Long-term cadence: the variant's routine interval (a baseline or short interval is one-off).
  const variant = current?.output.variant ?? null
  const routine = variant ? pack.variants[variant].intervals.routine : null
  const interval = routine ? { min: routine.min, max: routine.max } : ROUTINE
  const planned = current?.output.next.action === 'image' ? current.output.next.procedure : null
  const project = (procedure: ProcedureId) =>
    projectDose({ procedure, intervalMonths: interval, years: PROJECTION_YEARS, options })
  return {
    ledger,
    working: ledger.studies.map((e) => estimateWorking(caseStudies[e.index]!, e, options)),
    avoided: doseAvoided(caseStudies, ratings, options),
    projection: {
      years: PROJECTION_YEARS,
      plan: planned ? project(planned) : null,
      mri: project(MRI),
      ct: project(CT),
    },
    kFactors: settings.kFactors,
    cu64DotatateMsvPerMbq: settings.cu64DotatateMsvPerMbq,
  }
}

/** The founding article's routine interval, used when the variant has none. */
const ROUTINE = { min: 6, max: 12 }
