// `npm run bench:csv-import`: writes a synthetic RIS list of 100k rows (one patient each, with one
// study), sends it to the back end in pieces as the renderer does, and times the preview (parse and
// check every row with the case schema) and the import (every patient and study in one
// transaction, through the typed path: audited, engine run, follow-up step reconciled), on a
// temporary SQLite file. Prints the figures. Target: 100k rows in <= 10 s. ROWS=10000 for fewer.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { openBackend } from '../../electron/backend/backend'
import { ok, resultOf, settle, uploadText } from '../helpers/jobs'

const ROWS = Number(process.env['ROWS'] ?? 100_000)
const PROCS = [
  'MRI abdomen and pelvis without and with IV contrast',
  'CT abdomen and pelvis with IV contrast',
  'DOTATATE PET/CT skull base to mid-thigh',
]

function list(rows: number): string {
  const out = [
    'MRN,Name,Birth date,Grade,Tumour burden,Histologically confirmed,Staging complete,Active surveillance,Recurrence suspected,New symptoms,MRI contraindicated,Treatment,Treatment date,Study date,Procedure,Result,DLP,Body region',
  ]
  for (let i = 0; i < rows; i++) {
    const p = PROCS[i % 3]!
    const ct = p.startsWith('CT')
    const y = 1940 + (i % 50)
    out.push(
      [
        `B-${String(i).padStart(7, '0')}`,
        `"Patient ${i}, Test"`,
        `${y}-0${1 + (i % 9)}-1${i % 10}`,
        `G${1 + (i % 2)}`,
        i % 4 === 0 ? 'liver-dominant' : 'not liver-dominant',
        'yes',
        'yes',
        'no',
        'no',
        'none',
        'no',
        'PRRT',
        '2024-03-01',
        `2025-${String(1 + (i % 12)).padStart(2, '0')}-15`,
        p,
        'stable',
        ct ? String(400 + (i % 400)) : '',
        ct ? 'abdomen-pelvis' : '',
      ].join(','),
    )
  }
  return out.join('\r\n') + '\r\n'
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-bench-csv-'))
  try {
    const backend = openBackend({
      dataFile: path.join(dir, 'log.sqlite'),
      transport: 'web',
      version: 'bench',
      now: () => new Date('2026-11-24T10:00:00Z'),
      user: 'bench',
    })
    const h = backend.handlers
    const text = list(ROWS)
    console.log(`${ROWS} rows, ${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB`)
    let t = performance.now()
    const uploadId = await uploadText(h, 'bench.csv', text)
    const upload = performance.now() - t
    t = performance.now()
    const p = resultOf(
      await settle(h, await ok(h, 'csvImport.preview', { uploadId }), 600_000),
      'csv-preview',
    )
    const previewMs = performance.now() - t
    if (p.problemCount > 0) throw new Error(`problems: ${JSON.stringify(p.problems.slice(0, 3))}`)
    t = performance.now()
    const job = await ok(h, 'csvImport.commit', { uploadId, mapping: p.mapping })
    // Progress while it runs (stderr), so a long import shows its pace.
    const ticker = setInterval(() => {
      void ok(h, 'jobs.status', { jobId: job.id }).then((st) =>
        process.stderr.write(
          `  ${((performance.now() - t) / 1000).toFixed(0)} s: ${st.progress.phase} ${st.progress.done}/${st.progress.total ?? '?'}\n`,
        ),
      )
    }, 15_000)
    const r = resultOf(await settle(h, job, 3_600_000), 'csv-import')
    clearInterval(ticker)
    const commitMs = performance.now() - t
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
    console.log(`upload (pieces through dispatch)   ${s(upload)}`)
    console.log(
      `preview: parse + check every row   ${s(previewMs)}  (${Math.round(ROWS / (previewMs / 1000))} rows/s)`,
    )
    console.log(
      `import: ${r.patients} patients, ${r.studies} studies, one transaction   ${s(commitMs)}  (${Math.round(ROWS / (commitMs / 1000))} rows/s)`,
    )
    console.log(
      `total (upload + preview + import)  ${s(upload + previewMs + commitMs)}  target <= 10 s for 100k`,
    )
    backend.close()
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

void main()
