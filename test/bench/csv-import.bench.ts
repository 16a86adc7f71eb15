// `npm run bench:csv-import`: writes a synthetic RIS list (one patient per row, with one study),
// sends it to the back end in pieces as the renderer does, and times the preview (parse and check
// every row with the case schema) and the import (every patient and study in one transaction: each
// patient created with their studies, audited, the engine run, the follow-up step opened), on a
// temporary SQLite file: into an empty log, and into a log already holding PREFILL patients (1000)
// imported the same way (PREFILL=0: the empty log only). ROWS rows (default 10000; ROWS=100000 for the goal's size). Prints rows/s
// and times beside the goal (100k rows imported in <= 10 s), the longest time the import held the
// writer without letting another call in, and the process's peak memory.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { openBackend } from '../../electron/backend/backend'
import type { Handlers } from '../../electron/contract/contract'
import { ok, resultOf, settle, uploadText } from '../helpers/jobs'

const ROWS = Number(process.env['ROWS'] ?? 10_000)
const PREFILL = Number(process.env['PREFILL'] ?? 1000)
const GOAL_ROWS_PER_S = 100_000 / 10
const PROCS = [
  'MRI abdomen and pelvis without and with IV contrast',
  'CT abdomen and pelvis with IV contrast',
  'DOTATATE PET/CT skull base to mid-thigh',
]

function list(rows: number, prefix = 'B'): string {
  const out = [
    'MRN,Name,Birth date,Grade,Tumour burden,Histologically confirmed,Staging complete,Active surveillance,Recurrence suspected,New symptoms,MRI contraindicated,Treatment,Treatment date,Study date,Procedure,Result,DLP,Body region',
  ]
  for (let i = 0; i < rows; i++) {
    const p = PROCS[i % 3]!
    const ct = p.startsWith('CT')
    const y = 1940 + (i % 50)
    out.push(
      [
        `${prefix}-${String(i).padStart(7, '0')}`,
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

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`

/** Uploads, previews and imports `text`; returns the times. */
async function importList(h: Handlers, text: string, rows: number, quiet = false) {
  let t = performance.now()
  const uploadId = await uploadText(h, 'bench.csv', text)
  const upload = performance.now() - t
  t = performance.now()
  const p = resultOf(await settle(h, await ok(h, 'csvImport.preview', { uploadId }), 600_000), 'csv-preview')
  const previewMs = performance.now() - t
  if (p.problemCount > 0) throw new Error(`problems: ${JSON.stringify(p.problems.slice(0, 3))}`)
  t = performance.now()
  const cpu = process.cpuUsage()
  const job = await ok(h, 'csvImport.commit', { uploadId, mapping: p.mapping })
  // How long a call waits behind the import: the longest gap between two answered status reads.
  let longestGap = 0
  let longestAt = ''
  let last = performance.now()
  let polling = true
  const poll = (async () => {
    while (polling) {
      const st = await ok(h, 'jobs.status', { jobId: job.id })
      const now = performance.now()
      if (now - last > longestGap) {
        longestGap = now - last
        longestAt = `${st.state}, ${st.progress.phase} ${st.progress.done}/${st.progress.total ?? '?'}`
      }
      last = now
      if (st.state !== 'running') break
      await new Promise((r) => setTimeout(r, 5))
    }
  })()
  const r = resultOf(await settle(h, job, 3_600_000), 'csv-import')
  polling = false
  await poll
  const commitMs = performance.now() - t
  const used = process.cpuUsage(cpu)
  const commitCpuMs = (used.user + used.system) / 1000
  if (!quiet) {
    console.log(`  upload (pieces through dispatch)        ${s(upload)}`)
    console.log(
      `  preview: parse + check every row        ${s(previewMs)}  ${Math.round(rows / (previewMs / 1000))} rows/s`,
    )
    console.log(
      `  import: ${r.patients} patients, ${r.studies} studies (check again + store)  ${s(commitMs)}  ${Math.round(rows / (commitMs / 1000))} rows/s  goal >= ${GOAL_ROWS_PER_S} rows/s (100k in <= 10 s)`,
    )
    console.log(
      `  import, CPU time of this process        ${s(commitCpuMs)}  ${Math.round(rows / (commitCpuMs / 1000))} rows/s (the machine's load aside)`,
    )
    console.log(
      `  preview + import                        ${s(previewMs + commitMs)}  ${Math.round(rows / ((previewMs + commitMs) / 1000))} rows/s`,
    )
    console.log(`  longest wait of a status call           ${s(longestGap)}  (answered at: ${longestAt})`)
  }
}

async function run(label: string, prefill: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-bench-csv-'))
  try {
    const backend = openBackend({
      dataFile: path.join(dir, 'log.sqlite'),
      transport: 'web',
      version: 'bench',
      now: () => new Date('2026-11-24T10:00:00Z'),
      user: 'bench',
    })
    // The check at open (and the daily backup after it) first, as when the app has been open a while.
    await backend.checked
    const h = backend.handlers
    if (prefill > 0) await importList(h, list(prefill, 'P'), prefill, true)
    const text = list(ROWS)
    console.log(`${label}: ${ROWS} rows, ${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB`)
    await importList(h, text, ROWS)
    backend.close()
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  await run('into an empty log', 0)
  if (PREFILL > 0) await run(`into a log holding ${PREFILL} patients`, PREFILL)
  console.log(`peak memory (resident set): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
}

void main()
