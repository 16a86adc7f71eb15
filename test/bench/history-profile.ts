// The history section of `npm run bench:scale` alone (test/bench/scale-log.ts `historyFigures`),
// for profiling: `node --cpu-prof --import tsx test/bench/history-profile.ts`.
//   PATIENTS=3 (default): how many patients' histories the medians are over
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { historyFigures } from './scale-log'

const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()
const dir = fs.mkdtempSync(path.join(base, 'pnet-history-'))
historyFigures(dir, Number(process.env['PATIENTS'] ?? 3))
  .catch((e: unknown) => {
    console.error(e)
    process.exitCode = 1
  })
  .finally(() => fs.rmSync(dir, { recursive: true, force: true }))
