// `npm run bench:scale` (issue 10): see test/bench/scale-log.ts for what is built and measured.
//   PATIENTS=10000 npm run bench:scale   (default)   PATIENTS=100000 npm run bench:scale
import fs from 'node:fs'
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
  printStorage(storageFigures(file))
  // The worklist's reads on the log itself (they write nothing).
  const reads = openCalls(file)
  try {
    await worklistFigures(reads, patients)
  } finally {
    reads.backend.close()
  }
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
