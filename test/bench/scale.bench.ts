// `npm run bench:scale` (issue 10): see test/bench/scale-log.ts for what is built and measured.
//   PATIENTS=10000 npm run bench:scale   (default)   PATIENTS=100000 npm run bench:scale
import fs from 'node:fs'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3-multiple-ciphers'
import os from 'node:os'
import path from 'node:path'
import {
  defaultLogFile,
  historyFigures,
  perCallFigures,
  printStorage,
  row,
  scaleLog,
  storageFigures,
  ms,
  openCalls,
} from './scale-log'
import { worklistFigures } from './scale-worklist'

/** The log's schema version (SQLite's user_version). */
function schemaOf(file: string): number {
  const db = new Database(file, { readonly: true })
  try {
    return db.pragma('user_version', { simple: true }) as number
  } finally {
    db.close()
  }
}

async function main(): Promise<void> {
  const patients = Number(process.env['PATIENTS'] ?? 10_000)
  const file = defaultLogFile(patients)
  console.log(
    `bench:scale: ${patients.toLocaleString('en')} patients, 10 studies each, through dispatch (${file})`,
  )
  const built = await scaleLog(file, patients)
  console.log('\nbuild')
  if (built.buildSeconds === null) row('log', 'reused', '(delete the file to rebuild)')
  else row('build time', `${built.buildSeconds.toFixed(0)} s`)
  for (const [name, v] of Object.entries(built.calls ?? {}))
    row(`  ${name}`, ms(v.medianMs), `median of ${v.count.toLocaleString('en')} calls during the build`)
  const schemaBefore = schemaOf(file)
  printStorage(storageFigures(file))
  // The worklist's reads on the log itself (they write nothing). Opening a log of an older schema
  // migrates it in place first (a log built by an earlier version of the app, as users' logs are).
  const t0 = performance.now()
  const reads = openCalls(file)
  const openSeconds = (performance.now() - t0) / 1000
  try {
    console.log('\nopen')
    row(
      'open the log',
      `${openSeconds.toFixed(1)} s`,
      schemaBefore === schemaOf(file)
        ? `schema ${schemaBefore}`
        : `migrated in place from schema ${schemaBefore} to ${schemaOf(file)}`,
    )
    await worklistFigures(reads, patients)
  } finally {
    reads.backend.close()
  }
  if (schemaBefore !== schemaOf(file)) {
    console.log(`\nafter the migration to schema ${schemaOf(file)}:`)
    printStorage(storageFigures(file))
  }
  // SCALE_CALLS=0: the storage and worklist figures only (the per-call and history figures do not
  // depend on the log's size; they take minutes on a large one).
  if (process.env['SCALE_CALLS'] === '0') return
  await perCallFigures(file, patients)
  // In memory-backed /dev/shm when there is one, like the log (the app's work, not the disk's).
  const dir = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'pnet-history-'))
  try {
    await historyFigures(dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
