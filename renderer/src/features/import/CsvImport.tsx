import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useRef, useState } from 'react'
import type { CsvImportField, CsvPreview, JobStatus } from '../../../../electron/contract/contract'
import { call } from '../../api'
import { queryKeys } from '../../data/keys'
import { JobProgress } from '../jobs/JobProgress'
import { uploadFile } from '../jobs/upload'
import { useJob } from '../jobs/useJob'

type Mapping = Record<string, CsvImportField | null>

interface Props {
  onBack: () => void
  onDone: (message: string) => void
}

/**
 * Import patients (and their studies) from a CSV list: choose the file, see every column's field
 * and every problem by row and column, change the mapping if needed, then import it all in one
 * transaction. Nothing is stored before “Import”; a cancel or a problem stores nothing.
 */
export function CsvImport({ onBack, onDone }: Props) {
  const qc = useQueryClient()
  const ids = useId()
  const [file, setFile] = useState<File | null>(null)
  const [uploadId, setUploadId] = useState<string | null>(null)
  const [sending, setSending] = useState<{ sent: number; total: number } | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [previewJob, setPreviewJob] = useState<JobStatus | null>(null)
  const [importJob, setImportJob] = useState<JobStatus | null>(null)
  // The person's changes to the mapping of the preview now shown.
  const [edit, setEdit] = useState<{ job: string; mapping: Mapping } | null>(null)
  const preview = useJob(previewJob)
  const imported = useJob(importJob)
  const result: CsvPreview | null =
    preview?.state === 'done' && preview.result?.kind === 'csv-preview' ? preview.result : null

  const mapping: Mapping | null =
    preview && edit?.job === preview.id ? edit.mapping : (result?.mapping ?? null)
  const setMapping = (m: Mapping) => preview && setEdit({ job: preview.id, mapping: m })
  const importError =
    imported && (imported.state === 'failed' || imported.state === 'cancelled')
      ? (imported.error?.message ?? 'The import stopped; nothing was imported.')
      : null

  const reported = useRef<string | null>(null)
  useEffect(() => {
    if (
      imported?.state === 'done' &&
      imported.result?.kind === 'csv-import' &&
      reported.current !== imported.id
    ) {
      reported.current = imported.id
      const r = imported.result
      void qc.invalidateQueries({ queryKey: queryKeys.worklist.all })
      void qc.invalidateQueries({ queryKey: queryKeys.patients.all })
      onDone(
        `Imported ${r.patients} ${r.patients === 1 ? 'patient' : 'patients'} and ${r.studies} ${r.studies === 1 ? 'study' : 'studies'}${
          r.skipped ? `; ${r.skipped} already in the log skipped` : ''
        }.`,
      )
    }
  }, [imported, qc, onDone])

  async function choose(f: File) {
    setFile(f)
    setUploadId(null)
    setPreviewJob(null)
    setImportJob(null)
    setEdit(null)
    setMessage(null)
    setSending({ sent: 0, total: 1 })
    const up = await uploadFile(f, 'text', (sent, total) => setSending({ sent, total }))
    setSending(null)
    if (!up.ok) return setMessage(up.message)
    setUploadId(up.uploadId)
    await check(up.uploadId, undefined)
  }

  async function check(id: string, m: Mapping | undefined) {
    const r = await call('csvImport.preview', { uploadId: id, ...(m ? { mapping: m } : {}) })
    if (!r.ok) return setMessage(r.error.message)
    setPreviewJob(r.value)
  }

  async function commit() {
    if (!uploadId || !mapping) return
    setMessage(null)
    setImportJob(null)
    const r = await call('csvImport.commit', { uploadId, mapping })
    if (!r.ok) return setMessage(r.error.message)
    setImportJob(r.value)
  }

  const cancel = (job: JobStatus | null) => {
    if (job) void call('jobs.cancel', { jobId: job.id })
  }
  const mappingChanged =
    result !== null && mapping !== null && JSON.stringify(mapping) !== JSON.stringify(result.mapping)
  const busy = sending !== null || preview?.state === 'running' || imported?.state === 'running'

  return (
    <section className="panel import" aria-labelledby={`${ids}-title`} data-testid="csv-import">
      <div className="panel__head">
        <h2 id={`${ids}-title`}>Import patients from a CSV list</h2>
        <button className="button button--quiet" onClick={onBack} disabled={imported?.state === 'running'}>
          ← Worklist
        </button>
      </div>
      <p className="muted">
        One row per patient, or one per study with the patient’s MRN repeated. Columns are matched by their
        headers (MRN, Name, Birth date, Grade, Tumour burden, Treatment, Study date, Procedure, Result, DLP,
        …); every row is checked as if it were typed in. Nothing is imported until you press Import, and then
        all of it is, or none. Patients whose MRN is already in the log are skipped.
      </p>
      <label className="field">
        <span className="field__label">CSV file</span>
        <input
          type="file"
          accept=".csv,text/csv,text/plain"
          disabled={busy}
          onChange={(e) => {
            const f = e.target.files?.[0]
            if (f) void choose(f)
          }}
        />
      </label>
      {sending && (
        <JobProgress
          label={`Sending ${file?.name ?? 'the file'}`}
          progress={{ phase: 'sending', done: sending.sent, total: sending.total }}
        />
      )}
      {preview?.state === 'running' && (
        <JobProgress label="Checking" progress={preview.progress} onCancel={() => cancel(preview)} />
      )}
      {imported?.state === 'running' && (
        <JobProgress label="Importing" progress={imported.progress} onCancel={() => cancel(imported)} />
      )}
      {(message ?? importError) && (
        <p className="alert alert--warn" role="alert">
          {message ?? importError}
        </p>
      )}
      {result && mapping && (
        <>
          <p data-testid="import-summary" role="status">
            {result.records.toLocaleString('en')} rows: {result.patients.toLocaleString('en')} new{' '}
            {result.patients === 1 ? 'patient' : 'patients'}, {result.studies.toLocaleString('en')}{' '}
            {result.studies === 1 ? 'study' : 'studies'}
            {result.skippedCount > 0 ? `, ${result.skippedCount} already in the log (skipped)` : ''}.{' '}
            {result.problemCount > 0 ? (
              <strong className="import__bad">
                {result.problemCount} {result.problemCount === 1 ? 'problem' : 'problems'}: fix the file (or
                the mapping) and check again.
              </strong>
            ) : (
              'No problems.'
            )}
          </p>
          <details open className="import__mapping">
            <summary>Columns and fields</summary>
            <table className="table" data-testid="import-mapping">
              <thead>
                <tr>
                  <th scope="col">Column in the file</th>
                  <th scope="col">Imported as</th>
                </tr>
              </thead>
              <tbody>
                {result.headers.map((h) => (
                  <tr key={h}>
                    <td className="mono">{h || '(no header)'}</td>
                    <td>
                      <select
                        aria-label={`Field for column ${h}`}
                        value={mapping[h] ?? ''}
                        disabled={busy}
                        onChange={(e) =>
                          setMapping({ ...mapping, [h]: (e.target.value || null) as CsvImportField | null })
                        }
                      >
                        <option value="">Not imported</option>
                        {result.fields.map((f) => (
                          <option key={f.key} value={f.key}>
                            {f.label}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button
              className="button"
              disabled={!mappingChanged || busy || !uploadId}
              onClick={() => uploadId && void check(uploadId, mapping)}
            >
              Check again with this mapping
            </button>
          </details>
          {result.problems.length > 0 && (
            <table className="table import__problems" data-testid="import-problems">
              <caption>
                Problems by row and column
                {result.problemCount > result.problems.length ? ` (the first ${result.problems.length})` : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Column</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {result.problems.map((p, i) => (
                  <tr key={i}>
                    <td className="mono">{p.row}</td>
                    <td>{p.column ?? '—'}</td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {result.sample.length > 0 && (
            <table className="table" data-testid="import-sample">
              <caption>The first patients as they will be stored</caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">MRN</th>
                  <th scope="col">Name</th>
                  <th scope="col">Birth date</th>
                  <th scope="col">Studies</th>
                </tr>
              </thead>
              <tbody>
                {result.sample.map((s) => (
                  <tr key={s.row}>
                    <td className="mono">{s.row}</td>
                    <td className="mono">{s.mrn}</td>
                    <td>{s.name}</td>
                    <td>{s.birthDate ?? 'unknown'}</td>
                    <td>{s.studies}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="form__actions">
            <button
              className="button button--primary"
              disabled={busy || mappingChanged || result.problemCount > 0 || result.patients === 0}
              onClick={() => void commit()}
            >
              Import {result.patients.toLocaleString('en')} {result.patients === 1 ? 'patient' : 'patients'}{' '}
              and {result.studies.toLocaleString('en')} {result.studies === 1 ? 'study' : 'studies'}
            </button>
          </div>
        </>
      )}
    </section>
  )
}
