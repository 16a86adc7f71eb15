import { performance } from 'node:perf_hooks'
import type { Actor } from '../../../db/audit'
import { atCall, auditedInterop } from './audited'
import {
  deleteEndpoint,
  deleteMapping,
  endpointWithSecret,
  listMappings,
  requireEndpoint,
  requireMapping,
  saveEndpoint,
  saveMapping,
} from '../../../db/queries/interop'
import { requirePatient } from '../../../db/queries/patients'
import { studyByUid, listStudies, studyErrorMark } from '../../../db/queries/studies'
import { writeTx, type ReadableDb } from '../../../db/tx'
import type {
  DoseEventInput,
  ImportedStudyFacts,
  PacsEndpointInput,
  PacsEndpointRecord,
  PatientRecord,
  ProcedureMappingInput,
  ProcedureMappingRecord,
  StudyInput,
} from '../../../db/types'
import { ACR_PNET, studyEntrySchema, type ProcedureId } from '../../../engine'
import type {
  DicomReadResult,
  DroppedFile,
  FoundStudy,
  JobStatus,
  PacsFindResult,
  StudiesImportResult,
} from '../../contract/contract'
import { ApiFailure, invalid } from '../../contract/dispatch'
import * as dicomweb from '../interop/dicomweb'
import { matchMapping, normaliseKeywords, primaryModality } from '../interop/mapping'
import { DicomFileError, DOSE_SR_CLASSES, readDoseReport, type DoseReport } from '../interop/rdsr'
import type { JobHandle, Jobs } from '../jobs'
import type { Uploads } from '../uploads'
import { recordStudyInTx, type FollowUpContext } from './followup'
import { keepUndo } from './lifecycle'

// Studies and dose from the department (docs/interop.md): the PACS endpoints and the procedure
// mapping table (settings, audited), finding a patient's studies on a PACS (QIDO-RS), importing
// the ticked ones with their Radiation Dose SRs (WADO-RS, read with dcmjs), and the same import
// from dropped DICOM files for sites without DICOMweb. Each import first fetches and reads
// everything, then stores every study in one transaction through the path a typed study takes
// (engine, follow-up step, audit); a study already in the log (by Study Instance UID) is skipped.
// A PACS that is down, slow or answers nonsense, or a bad file, stops the job with a message and
// nothing is stored.

export interface PacsContext extends FollowUpContext {
  jobs: Jobs
  uploads: Uploads
}

// ---------------------------------------------------------------------------------------------
// Settings: endpoints and mappings
// ---------------------------------------------------------------------------------------------

export function savePacsEndpoint(
  db: ReadableDb,
  actor: Actor,
  id: number | null,
  input: PacsEndpointInput,
): PacsEndpointRecord {
  if (input.auth !== 'none' && input.secret === null)
    throw invalid('Give the password or token.', { 'endpoint.secret': 'Give the password or token.' })
  return writeTx(db, (tx) => {
    const before = id === null ? null : requireEndpoint(tx, id)
    if (id === null && input.auth !== 'none' && !input.secret)
      throw invalid('Give the password or token.', { 'endpoint.secret': 'Give the password or token.' })
    if (before && input.auth !== 'none' && input.secret === undefined && !before.hasSecret)
      throw invalid('Give the password or token.', { 'endpoint.secret': 'Give the password or token.' })
    const saved = saveEndpoint(tx, id, input, actor.now().toISOString())
    const after = requireEndpoint(tx, saved)
    // The audit keeps whether a secret is stored, never the secret.
    auditedInterop(tx, actor, {
      action: id === null ? 'pacs.create' : 'pacs.update',
      entity: 'pacs_endpoint',
      entityId: saved,
      before,
      after,
    })
    return after
  })
}

export function removePacsEndpoint(db: ReadableDb, actor: Actor, id: number): { removed: number } {
  return writeTx(db, (tx) => {
    const before = requireEndpoint(tx, id)
    deleteEndpoint(tx, id)
    auditedInterop(tx, actor, {
      action: 'pacs.remove',
      entity: 'pacs_endpoint',
      entityId: id,
      before,
      after: null,
    })
    return { removed: id }
  })
}

export function saveProcedureMapping(
  db: ReadableDb,
  actor: Actor,
  id: number | null,
  input: ProcedureMappingInput,
): ProcedureMappingRecord {
  const m = { ...input, keywords: normaliseKeywords(input.keywords) }
  if (m.keywords === '' && m.bodyPart === '')
    throw invalid(
      'Give description words or a body part: a rule on the modality alone would map every study.',
      {
        'mapping.keywords': 'Give at least one word (or a body part).',
      },
    )
  return writeTx(db, (tx) => {
    const before = id === null ? null : requireMapping(tx, id)
    const saved = saveMapping(tx, id, m, actor.now().toISOString())
    const after = requireMapping(tx, saved)
    auditedInterop(tx, actor, {
      action: before ? 'mapping.update' : 'mapping.create',
      entity: 'procedure_mapping',
      entityId: saved,
      before,
      after,
    })
    return after
  })
}

export function removeProcedureMapping(db: ReadableDb, actor: Actor, id: number): { removed: number } {
  return writeTx(db, (tx) => {
    const before = requireMapping(tx, id)
    deleteMapping(tx, id)
    auditedInterop(tx, actor, {
      action: 'mapping.remove',
      entity: 'procedure_mapping',
      entityId: id,
      before,
      after: null,
    })
    return { removed: id }
  })
}

// ---------------------------------------------------------------------------------------------
// What the log already has
// ---------------------------------------------------------------------------------------------

function inLogOf(db: ReadableDb, uid: string): FoundStudy['inLog'] {
  const id = studyByUid(db, uid)
  if (id === null) return 'no'
  return studyErrorMark(db, id) ? 'entered-in-error' : 'imported'
}

function typedDates(db: ReadableDb, patientId: number): Set<string> {
  return new Set(
    listStudies(db, patientId)
      .filter((s) => s.studyInstanceUid === null)
      .map((s) => s.date),
  )
}

const isoDate = (da: string | null): string | null =>
  da && /^\d{8}$/.test(da) ? `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}` : null

const sameMrn = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase()

// ---------------------------------------------------------------------------------------------
// PACS: find and import
// ---------------------------------------------------------------------------------------------

function endpointOf(db: ReadableDb, id: number): dicomweb.Endpoint {
  const e = endpointWithSecret(db, id)
  return {
    name: e.name,
    baseUrl: e.baseUrl,
    auth: e.auth,
    username: e.username,
    secret: e.secret,
    timeoutMs: e.timeoutMs,
  }
}

interface SeriesInfo {
  seriesUid: string
  modality: string | null
  bodyPart: string | null
}

async function seriesOf(ep: dicomweb.Endpoint, studyUid: string, signal: AbortSignal): Promise<SeriesInfo[]> {
  return (await dicomweb.findSeries(ep, studyUid, signal)).flatMap((s) => {
    const seriesUid = dicomweb.str(s, dicomweb.TAG.seriesInstanceUid)
    return seriesUid
      ? [
          {
            seriesUid,
            modality: dicomweb.str(s, dicomweb.TAG.modality),
            bodyPart: dicomweb.str(s, dicomweb.TAG.bodyPartExamined),
          },
        ]
      : []
  })
}

/** The dose report instances of a study (SR series, SOP class 88.67 or 88.68). */
async function doseReportsOf(
  ep: dicomweb.Endpoint,
  studyUid: string,
  series: readonly SeriesInfo[],
  signal: AbortSignal,
): Promise<{ seriesUid: string; sopInstanceUid: string }[]> {
  const out: { seriesUid: string; sopInstanceUid: string }[] = []
  for (const s of series) {
    if (s.modality !== 'SR') continue
    for (const i of await dicomweb.findInstances(ep, studyUid, s.seriesUid, signal)) {
      const cls = dicomweb.str(i, dicomweb.TAG.sopClassUid)
      const sop = dicomweb.str(i, dicomweb.TAG.sopInstanceUid)
      if (cls && sop && DOSE_SR_CLASSES.includes(cls))
        out.push({ seriesUid: s.seriesUid, sopInstanceUid: sop })
    }
  }
  return out
}

export function findInPacs(ctx: PacsContext, patientId: number, endpointId: number): JobStatus {
  const patient = requirePatient(ctx.db, patientId)
  const ep = endpointOf(ctx.db, endpointId)
  return ctx.jobs.start('pacs-find', async (job): Promise<PacsFindResult> => {
    job.progress(`asking ${ep.name}`, 0, null)
    const found = await dicomweb.findStudies(ep, patient.mrn, job.signal)
    const rules = await job.db(() => listMappings(ctx.db))
    const typed = await job.db(() => typedDates(ctx.db, patientId))
    const studies: FoundStudy[] = []
    for (let i = 0; i < found.length; i++) {
      job.progress('reading each study', i, found.length)
      const s = found[i]!
      const uid = dicomweb.str(s, dicomweb.TAG.studyInstanceUid)
      if (!uid || !/^[0-9.]{1,64}$/.test(uid)) continue
      // QIDO matches Patient ID exactly; a server that matches loosely is held to it here.
      const pid = dicomweb.str(s, dicomweb.TAG.patientId)
      if (pid !== null && !sameMrn(pid, patient.mrn)) continue
      const series = await seriesOf(ep, uid, job.signal)
      const reports = await doseReportsOf(ep, uid, series, job.signal)
      const modalities = dicomweb.strs(s, dicomweb.TAG.modalitiesInStudy)
      const allModalities = modalities.length
        ? modalities
        : series.flatMap((x) => (x.modality ? [x.modality] : []))
      const modality = primaryModality(allModalities)
      const description = dicomweb.str(s, dicomweb.TAG.studyDescription)
      const bodyParts = [...new Set(series.flatMap((x) => (x.bodyPart ? [x.bodyPart.toUpperCase()] : [])))]
      const match = matchMapping(rules, { modality, description, bodyParts })
      const date = isoDate(dicomweb.str(s, dicomweb.TAG.studyDate))
      studies.push({
        studyInstanceUid: uid,
        date,
        modalities: [...new Set(allModalities)],
        modality,
        description,
        accessionNumber: dicomweb.str(s, dicomweb.TAG.accessionNumber),
        bodyParts,
        doseReports: reports.length,
        suggested: match ? { procedure: match.procedure, mappingId: match.rule.id } : null,
        inLog: await job.db(() => inLogOf(ctx.db, uid)),
        sameDayTyped: date !== null && typed.has(date),
      })
      await job.breathe()
    }
    studies.sort((a, b) => ((a.date ?? '') < (b.date ?? '') ? 1 : (a.date ?? '') > (b.date ?? '') ? -1 : 0))
    job.progress('done', found.length, found.length)
    return { endpoint: ep.name, patientId: patient.mrn, studies }
  })
}

/** The dose fields of a study from its dose reports, the events to keep, and notes. */
export function doseFromReports(reports: readonly DoseReport[]): {
  dose: StudyInput['dose']
  events: DoseEventInput[]
  notes: string[]
} {
  const notes: string[] = []
  const seen = new Set<string>()
  const events: DoseEventInput[] = []
  for (const r of reports)
    for (const e of r.events) {
      if (seen.has(e.eventUid)) continue
      seen.add(e.eventUid)
      events.push(e)
    }
  const ct = events.filter((e) => e.kind === 'ct')
  const ctReports = reports.filter((r) => r.kind === 'ct')
  const sumDlp = ct.reduce<number | null>((n, e) => (e.dlpMgyCm === null ? n : (n ?? 0) + e.dlpMgyCm), null)
  const dlp =
    ctReports.length === 1 && ctReports[0]!.totalDlpMgyCm !== null ? ctReports[0]!.totalDlpMgyCm : sumDlp
  const regions = [...new Set(ct.map((e) => e.region))]
  const largest = [...ct].sort((a, b) => (b.dlpMgyCm ?? 0) - (a.dlpMgyCm ?? 0))[0]
  const region = regions.length === 1 ? (regions[0] ?? null) : (largest?.region ?? null)
  if (ct.some((e) => e.region === null && e.targetRegion))
    notes.push(
      `Target region “${ct.find((e) => e.region === null && e.targetRegion)!.targetRegion}” is not one of the app's body regions: its k is the procedure's usual region's (flagged).`,
    )
  const rp = events.filter((e) => e.kind === 'radiopharmaceutical')
  const known = rp.filter((e) => e.agent !== null)
  const agent = known[0]?.agent ?? null
  const activity = agent
    ? known
        .filter((e) => e.agent === agent)
        .reduce<number | null>((n, e) => (e.activityMbq === null ? n : (n ?? 0) + e.activityMbq), null)
    : null
  for (const e of rp.filter((x) => x.agent === null))
    notes.push(
      `Radiopharmaceutical “${e.agentText ?? 'not named'}” is not one of the app's agents: its activity (${e.activityMbq ?? '?'} MBq) is kept with the report, not used for the estimate.`,
    )
  return {
    dose: {
      effectiveMsv: null,
      ctdiVolMgy: ct.length === 1 ? ct[0]!.ctdiVolMgy : null,
      dlpMgyCm: dlp === null ? null : Math.round(dlp * 1000) / 1000,
      region,
      activityMbq: activity,
      agent,
    },
    events,
    notes,
  }
}

interface PlannedImport {
  uid: string
  input: StudyInput
  facts: ImportedStudyFacts
}

/** A study to import, checked with the case schema; a problem is an error naming the study. */
function planStudy(
  uid: string,
  date: string | null,
  procedure: ProcedureId,
  accession: string | null,
  reports: readonly DoseReport[],
  source: string,
  notes: string[],
): PlannedImport {
  if (!date) throw invalid(`The study ${uid} has no valid date; it cannot be imported.`)
  const d = doseFromReports(reports)
  notes.push(...d.notes)
  const input = {
    date,
    procedure,
    result: null,
    lesions: [],
    dose: d.dose,
    note: `Imported from ${source}${accession ? ` (accession ${accession})` : ''}.`.slice(0, 500),
  }
  const parsed = studyEntrySchema.safeParse(input)
  // An unknown region per event is unknown, not a typing slip: the events carry it.
  const issues = parsed.success ? [] : parsed.error.issues.filter((i) => i.path.join('.') !== 'dose.region')
  if (issues.length > 0)
    throw invalid(
      `The study of ${date} (${ACR_PNET.procedure[procedure].label}) cannot be imported: ${issues.map((i) => i.message).join(' ')}`,
    )
  return {
    uid,
    input: input as StudyInput,
    facts: {
      studyInstanceUid: uid,
      accessionNumber: accession?.slice(0, 64) || null,
      doseSource: reports.length > 0 ? 'rdsr' : null,
      events: d.events,
    },
  }
}

/** Stores the planned studies in one transaction, oldest first; those already in the log are skipped. */
async function store(
  ctx: PacsContext,
  job: JobHandle,
  patient: PatientRecord,
  planned: readonly PlannedImport[],
  what: { action: string; source: string; reports: number },
  skipped: StudiesImportResult['skipped'],
  notes: string[],
): Promise<StudiesImportResult> {
  job.progress('storing', 0, planned.length)
  job.checkCancelled()
  return job.db(() =>
    writeTx(ctx.db, (tx) => {
      const imported: StudiesImportResult['imported'] = []
      const ordered = [...planned].sort((a, b) =>
        a.input.date < b.input.date ? -1 : a.input.date > b.input.date ? 1 : 0,
      )
      let undoKept = false
      for (const p of ordered) {
        if (studyByUid(tx, p.uid) !== null) {
          skipped.push({ studyInstanceUid: p.uid, why: 'already in the log' })
          continue
        }
        if (!undoKept) {
          keepUndo(ctx, tx, patient.id, 'study.import')
          undoKept = true
        }
        const r = recordStudyInTx(ctx, tx, patient.id, p.input, p.facts)
        imported.push({
          studyInstanceUid: p.uid,
          studyId: r.study.id,
          date: r.study.date,
          procedure: r.study.procedure,
          doseFromRdsr: r.study.doseSource === 'rdsr',
        })
      }
      auditedInterop(tx, ctx.actor, {
        action: what.action,
        entity: 'import',
        entityId: null,
        before: null,
        after: {
          source: what.source,
          patientId: patient.id,
          imported: imported.map((x) => x.studyInstanceUid),
          skipped: skipped.map((x) => x.studyInstanceUid),
          doseReports: what.reports,
        },
      })
      job.progress('storing', planned.length, planned.length)
      return { imported, skipped, doseReports: what.reports, notes }
    }),
  )
}

function checkPatientOf(report: DoseReport, patient: PatientRecord): void {
  if (!sameMrn(report.patientId, patient.mrn))
    throw new DicomFileError(
      'other-patient',
      `This dose report belongs to Patient ID ${report.patientId}, not to this patient (MRN ${patient.mrn}).`,
    )
}

export function importFromPacs(
  live: PacsContext,
  patientId: number,
  endpointId: number,
  choices: readonly { studyInstanceUid: string; procedure: ProcedureId }[],
): JobStatus {
  const ctx = atCall(live)
  const patient = requirePatient(ctx.db, patientId)
  const ep = endpointOf(ctx.db, endpointId)
  return ctx.jobs.start('pacs-import', async (job): Promise<StudiesImportResult> => {
    const found = await dicomweb.findStudies(ep, patient.mrn, job.signal)
    const byUid = new Map(found.map((s) => [dicomweb.str(s, dicomweb.TAG.studyInstanceUid), s]))
    const planned: PlannedImport[] = []
    const skipped: StudiesImportResult['skipped'] = []
    const notes: string[] = []
    let reports = 0
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i]!
      job.progress('fetching dose reports', i, choices.length)
      const s = byUid.get(c.studyInstanceUid)
      if (!s)
        throw invalid(
          `The PACS no longer has the study ${c.studyInstanceUid} for this patient; nothing was imported.`,
        )
      if ((await job.db(() => studyByUid(ctx.db, c.studyInstanceUid))) !== null) {
        skipped.push({ studyInstanceUid: c.studyInstanceUid, why: 'already in the log' })
        continue
      }
      const series = await seriesOf(ep, c.studyInstanceUid, job.signal)
      const read: DoseReport[] = []
      for (const r of await doseReportsOf(ep, c.studyInstanceUid, series, job.signal)) {
        const bytes = await dicomweb.fetchInstance(
          ep,
          c.studyInstanceUid,
          r.seriesUid,
          r.sopInstanceUid,
          job.signal,
        )
        try {
          const report = readDoseReport(bytes)
          checkPatientOf(report, patient)
          read.push(report)
        } catch (e) {
          if (e instanceof DicomFileError)
            throw new ApiFailure({
              code: 'BAD_FILE',
              message: `A dose report of the study ${c.studyInstanceUid}: ${e.message} Nothing was imported.`,
            })
          throw e
        }
        reports++
      }
      planned.push(
        planStudy(
          c.studyInstanceUid,
          isoDate(dicomweb.str(s, dicomweb.TAG.studyDate)),
          c.procedure,
          dicomweb.str(s, dicomweb.TAG.accessionNumber),
          read,
          `PACS “${ep.name}”`,
          notes,
        ),
      )
      await job.breathe()
    }
    return store(
      ctx,
      job,
      patient,
      planned,
      { action: 'import.pacs', source: ep.name, reports },
      skipped,
      notes,
    )
  })
}

// ---------------------------------------------------------------------------------------------
// Dropped DICOM files
// ---------------------------------------------------------------------------------------------

interface ReadFile {
  file: DroppedFile
  report: DoseReport | null
}

async function readFiles(
  ctx: PacsContext,
  job: JobHandle,
  patient: PatientRecord,
  uploadIds: readonly string[],
) {
  const out: ReadFile[] = []
  for (let i = 0; i < uploadIds.length; i++) {
    job.progress('reading files', i, uploadIds.length)
    const id = uploadIds[i]!
    const name = ctx.uploads.name(id)
    const t = performance.now()
    try {
      const report = readDoseReport(ctx.uploads.bytes(id))
      checkPatientOf(report, patient)
      out.push({
        file: {
          name,
          ok: true,
          kind: report.kind,
          studyInstanceUid: report.studyInstanceUid,
          error: null,
          ms: performance.now() - t,
        },
        report,
      })
    } catch (e) {
      if (!(e instanceof DicomFileError)) throw e
      out.push({
        file: {
          name,
          ok: false,
          kind: null,
          studyInstanceUid: null,
          error: { code: e.code, message: e.message },
          ms: performance.now() - t,
        },
        report: null,
      })
    }
    if (i % 20 === 19) await job.breathe()
  }
  return out
}

function groupByStudy(files: readonly ReadFile[]): Map<string, DoseReport[]> {
  const m = new Map<string, DoseReport[]>()
  for (const f of files)
    if (f.report) m.set(f.report.studyInstanceUid, [...(m.get(f.report.studyInstanceUid) ?? []), f.report])
  return m
}

/** A study's modality from its reports: a radiopharmaceutical report makes it PT (NM for In-111). */
function modalityOfReports(reports: readonly DoseReport[]): string {
  const rp = reports.flatMap((r) => r.events).find((e) => e.kind === 'radiopharmaceutical')
  if (!rp) return 'CT'
  return rp.agent === 'in111-pentetreotide' ? 'NM' : 'PT'
}

export function readDroppedFiles(
  ctx: PacsContext,
  patientId: number,
  uploadIds: readonly string[],
): JobStatus {
  const patient = requirePatient(ctx.db, patientId)
  for (const id of uploadIds) ctx.uploads.name(id)
  return ctx.jobs.start('dicom-read', async (job): Promise<DicomReadResult> => {
    const files = await readFiles(ctx, job, patient, uploadIds)
    const rules = await job.db(() => listMappings(ctx.db))
    const typed = await job.db(() => typedDates(ctx.db, patientId))
    const studies: FoundStudy[] = []
    for (const [uid, reports] of groupByStudy(files)) {
      const first = reports[0]!
      const modality = modalityOfReports(reports)
      const match = matchMapping(rules, { modality, description: first.studyDescription, bodyParts: [] })
      studies.push({
        studyInstanceUid: uid,
        date: first.studyDate,
        modalities: [modality],
        modality,
        description: first.studyDescription,
        accessionNumber: first.accessionNumber,
        bodyParts: [],
        doseReports: reports.length,
        suggested: match ? { procedure: match.procedure, mappingId: match.rule.id } : null,
        inLog: await job.db(() => inLogOf(ctx.db, uid)),
        sameDayTyped: typed.has(first.studyDate),
      })
    }
    job.progress('done', uploadIds.length, uploadIds.length)
    return { files: files.map((f) => f.file), studies }
  })
}

export function importDroppedFiles(
  live: PacsContext,
  patientId: number,
  uploadIds: readonly string[],
  choices: readonly { studyInstanceUid: string; procedure: ProcedureId }[],
): JobStatus {
  const ctx = atCall(live)
  const patient = requirePatient(ctx.db, patientId)
  for (const id of uploadIds) ctx.uploads.name(id)
  return ctx.jobs.start('dicom-import', async (job): Promise<StudiesImportResult> => {
    const files = await readFiles(ctx, job, patient, uploadIds)
    const bad = files.filter((f) => !f.file.ok)
    if (bad.length > 0)
      throw new ApiFailure({
        code: 'BAD_FILE',
        message: `${bad.length} ${bad.length === 1 ? 'file is' : 'files are'} not a dose report of this patient (first: ${bad[0]!.file.name}: ${bad[0]!.file.error!.message}). Remove ${bad.length === 1 ? 'it' : 'them'}; nothing was imported.`,
      })
    const byStudy = groupByStudy(files)
    const notes: string[] = []
    const skipped: StudiesImportResult['skipped'] = []
    const planned: PlannedImport[] = []
    for (const c of choices) {
      const reports = byStudy.get(c.studyInstanceUid)
      if (!reports) throw invalid(`None of the files is of the study ${c.studyInstanceUid}.`)
      if ((await job.db(() => studyByUid(ctx.db, c.studyInstanceUid))) !== null) {
        skipped.push({ studyInstanceUid: c.studyInstanceUid, why: 'already in the log' })
        continue
      }
      planned.push(
        planStudy(
          c.studyInstanceUid,
          reports[0]!.studyDate,
          c.procedure,
          reports[0]!.accessionNumber,
          reports,
          'dropped DICOM files',
          notes,
        ),
      )
    }
    const reports = files.length
    const result = await store(
      ctx,
      job,
      patient,
      planned,
      { action: 'import.dicom-files', source: 'dropped DICOM files', reports },
      skipped,
      notes,
    )
    for (const id of uploadIds) ctx.uploads.drop(id)
    return result
  })
}
