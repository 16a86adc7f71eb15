import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import type { JobStatus, StudiesImportResult } from '../../../../electron/contract/contract'
import { call } from '../../api'
import { queryKeys } from '../../data/keys'
import { usePacsEndpoints } from '../../data/queries'
import { JobProgress } from '../jobs/JobProgress'
import { uploadFile } from '../jobs/upload'
import { useJob } from '../jobs/useJob'
import { StudyPicker, type MappingToRemember, type PickedStudy } from './StudyPicker'

/** Files of a drop (folders walked, at most 5000 files, 12 levels deep). */
async function droppedFiles(items: DataTransferItemList | null, files: FileList | null): Promise<File[]> {
  const entries = items
    ? [...items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e)
    : []
  if (entries.length === 0) return files ? [...files] : []
  const out: File[] = []
  const walk = async (e: FileSystemEntry, depth: number): Promise<void> => {
    if (out.length >= 5000 || depth > 12) return
    if (e.isFile) {
      out.push(await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej)))
      return
    }
    const reader = (e as FileSystemDirectoryEntry).createReader()
    for (let round = 0; round < 1000; round++) {
      const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej))
      if (batch.length === 0) break
      for (const child of batch) await walk(child, depth + 1)
    }
  }
  for (const e of entries) await walk(e, 0)
  return out
}

function summary(r: StudiesImportResult): string {
  const rdsr = r.imported.filter((x) => x.doseFromRdsr).length
  return [
    `Imported ${r.imported.length} ${r.imported.length === 1 ? 'study' : 'studies'}${rdsr ? ` (dose from RDSR for ${rdsr})` : ''}.`,
    r.skipped.length ? `${r.skipped.length} already in the log, skipped.` : '',
    ...r.notes,
  ]
    .filter(Boolean)
    .join(' ')
}

/**
 * On the patient page: the patient's studies from the PACS (find by MRN, tick, map, import with
 * their dose reports) and, for sites without DICOMweb, dose reports dropped as files or a folder.
 */
export function StudiesFromDepartment({
  patientId,
  onChanged,
}: {
  patientId: number
  onChanged: (message: string) => void
}) {
  const qc = useQueryClient()
  const { data: endpoints } = usePacsEndpoints()
  const [endpointId, setEndpointId] = useState<number | null>(null)
  const chosenEndpoint = endpointId ?? endpoints?.[0]?.id ?? null
  const [findJob, setFindJob] = useState<JobStatus | null>(null)
  const [importJob, setImportJob] = useState<JobStatus | null>(null)
  const [readJob, setReadJob] = useState<JobStatus | null>(null)
  const [uploads, setUploads] = useState<{ id: string; name: string }[]>([])
  const [sending, setSending] = useState<{ done: number; total: number } | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [over, setOver] = useState(false)
  const find = useJob(findJob)
  const imported = useJob(importJob)
  const read = useJob(readJob)
  const reported = useRef<string | null>(null)

  useEffect(() => {
    if (!imported || imported.state !== 'done' || reported.current === imported.id) return
    reported.current = imported.id
    const r = imported.result
    if (r && (r.kind === 'pacs-import' || r.kind === 'dicom-import')) {
      void qc.invalidateQueries({ queryKey: queryKeys.patients.detail(patientId) })
      void qc.invalidateQueries({ queryKey: queryKeys.worklist.all })
      onChanged(summary(r))
    }
  }, [imported, qc, patientId, onChanged])

  const failure = [find, imported, read].find((j) => j && (j.state === 'failed' || j.state === 'cancelled'))
  const running = [find, imported, read].find((j) => j?.state === 'running') ?? null
  const busy = running !== null || sending !== null

  async function remember(rules: MappingToRemember[]) {
    for (const m of rules) await call('mappings.save', { mapping: { ...m, bodyPart: '' } })
    if (rules.length) void qc.invalidateQueries({ queryKey: queryKeys.mappings })
  }

  async function importFromPacs(picked: PickedStudy[], rules: MappingToRemember[]) {
    if (chosenEndpoint === null) return
    await remember(rules)
    const r = await call('pacs.import', { patientId, endpointId: chosenEndpoint, studies: picked })
    if (!r.ok) return setMessage(r.error.message)
    setImportJob(r.value)
  }

  async function importDropped(picked: PickedStudy[], rules: MappingToRemember[]) {
    const result = read?.result?.kind === 'dicom-read' ? read.result : null
    if (!result) return
    await remember(rules)
    const okNames = new Set(
      result.files
        .filter((f) => f.ok && picked.some((p) => p.studyInstanceUid === f.studyInstanceUid))
        .map((f) => f.name),
    )
    const ids = uploads.filter((u) => okNames.has(u.name)).map((u) => u.id)
    const r = await call('dicomFiles.import', { patientId, uploadIds: ids, studies: picked })
    if (!r.ok) return setMessage(r.error.message)
    setImportJob(r.value)
  }

  async function readDropped(files: File[]) {
    setMessage(null)
    setReadJob(null)
    setImportJob(null)
    if (files.length === 0) return
    const ids: { id: string; name: string }[] = []
    setSending({ done: 0, total: files.length })
    for (let i = 0; i < files.length; i++) {
      const up = await uploadFile(files[i]!, 'base64', () => undefined)
      if (!up.ok) {
        setSending(null)
        return setMessage(`${files[i]!.name}: ${up.message}`)
      }
      ids.push({ id: up.uploadId, name: files[i]!.name || `file ${i + 1}` })
      setSending({ done: i + 1, total: files.length })
    }
    setSending(null)
    setUploads(ids)
    const r = await call('dicomFiles.read', { patientId, uploadIds: ids.map((u) => u.id) })
    if (!r.ok) return setMessage(r.error.message)
    setReadJob(r.value)
  }

  const found = find?.state === 'done' && find.result?.kind === 'pacs-find' ? find.result : null
  const dropped = read?.state === 'done' && read.result?.kind === 'dicom-read' ? read.result : null

  return (
    <section className="panel" aria-labelledby="department-title" data-testid="studies-in">
      <h2 id="department-title">Studies from the PACS</h2>
      {endpoints && endpoints.length === 0 ? (
        <p className="muted">
          No PACS is set up: add one in Settings (DICOMweb), or drop dose reports below.
        </p>
      ) : (
        <div className="pacs-find">
          {endpoints && endpoints.length > 1 && (
            <label className="inline-label">
              PACS
              <select value={chosenEndpoint ?? ''} onChange={(e) => setEndpointId(Number(e.target.value))}>
                {endpoints.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button
            className="button"
            disabled={busy || chosenEndpoint === null}
            onClick={async () => {
              setMessage(null)
              setImportJob(null)
              const r = await call('pacs.find', { patientId, endpointId: chosenEndpoint! })
              if (!r.ok) return setMessage(r.error.message)
              setFindJob(r.value)
            }}
          >
            Find studies in PACS
          </button>
        </div>
      )}
      {sending && (
        <JobProgress
          label="Sending files"
          progress={{ phase: 'sending', done: sending.done, total: sending.total }}
        />
      )}
      {running && (
        <JobProgress
          label={
            running.kind === 'pacs-find'
              ? 'Searching'
              : running.kind === 'dicom-read'
                ? 'Reading'
                : 'Importing'
          }
          progress={running.progress}
          onCancel={() => void call('jobs.cancel', { jobId: running.id })}
        />
      )}
      {(message ?? failure?.error?.message) && (
        <p className="alert alert--warn" role="alert">
          {message ?? failure?.error?.message}
        </p>
      )}
      {found && (
        <StudyPicker
          key={find!.id}
          testId="pacs-studies"
          studies={found.studies}
          busy={busy}
          onImport={(p, r) => void importFromPacs(p, r)}
        />
      )}

      <div
        className={over ? 'dropzone dropzone--over' : 'dropzone'}
        data-testid="dicom-drop"
        onDragOver={(e) => {
          e.preventDefault()
          setOver(true)
        }}
        onDragLeave={() => setOver(false)}
        onDrop={async (e) => {
          e.preventDefault()
          setOver(false)
          await readDropped(await droppedFiles(e.dataTransfer.items, e.dataTransfer.files))
        }}
      >
        <p>No DICOMweb? Drop dose reports (DICOM files or a folder) here, or choose them:</p>
        <label className="button">
          DICOM files…
          <input
            type="file"
            multiple
            className="visually-hidden"
            disabled={busy}
            onChange={(e) => void readDropped([...(e.target.files ?? [])])}
          />
        </label>{' '}
        <label className="button">
          A folder…
          <input
            type="file"
            multiple
            className="visually-hidden"
            disabled={busy}
            {...{ webkitdirectory: '' }}
            onChange={(e) => void readDropped([...(e.target.files ?? [])])}
          />
        </label>
      </div>
      {dropped && (
        <>
          <ul className="dropped-files" data-testid="dropped-files">
            {dropped.files.map((f, i) => (
              <li key={i} className={f.ok ? '' : 'import__bad'}>
                <span className="mono">{f.name}</span>:{' '}
                {f.ok
                  ? f.kind === 'ct'
                    ? 'CT dose report'
                    : 'radiopharmaceutical dose report'
                  : f.error?.message}
              </li>
            ))}
          </ul>
          <StudyPicker
            key={read!.id}
            testId="dropped-studies"
            studies={dropped.studies}
            busy={busy}
            onImport={(p, r) => void importDropped(p, r)}
          />
        </>
      )}
    </section>
  )
}
