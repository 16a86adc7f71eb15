// Runs the unit suite once more with the clock in a far time zone (UTC+14), with fewer crash and
// corruption rounds and contract-fuzz payloads: dates must not depend on where the reader sits. A
// script rather than a `TZ=… vitest` prefix so that `npm test` also works in a Windows shell.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'

// vitest's command-line entry (its package's "bin"), found the way Node finds the package.
const require = createRequire(import.meta.url)
const pkg = require.resolve('vitest/package.json')
const vitest = path.join(path.dirname(pkg), require(pkg).bin.vitest)
const r = spawnSync(process.execPath, [vitest, 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: {
    ...process.env,
    TZ: 'Pacific/Kiritimati',
    PNET_CRASH_ROUNDS: '20',
    PNET_SWEEP_PER_REGION: '10',
    PNET_FUZZ_PER_CALL: '100',
  },
})
process.exit(r.status ?? 1)
