// Child process for the crash test: opens the log through the real back end (lock, probe, anchor,
// keyed chain), reports the mode it opened in, then creates patients, one command per
// transaction, and prints each MRN only after its command has answered (the acknowledgement).
import { openBackend } from '../../electron/backend/backend'
import { dispatch } from '../../electron/contract/dispatch'
import { patientInput } from './db'

const [file, prefix] = process.argv.slice(2) as [string, string]
let backend: ReturnType<typeof openBackend>
try {
  backend = openBackend({ dataFile: file, transport: 'web', version: 'crash-test', user: 'crash' })
} catch (e) {
  process.stdout.write(`OPEN-FAILED ${JSON.stringify(e instanceof Error ? e.message : String(e))}\n`)
  process.exit(3)
}
const status = backend.status()
process.stdout.write(`MODE ${status.mode} ${JSON.stringify(status.problems)}\n`)
if (status.mode !== 'writable') process.exit(2)
let n = 0
async function loop(): Promise<void> {
  for (;;) {
    const mrn = `${prefix}-${n++}`
    const r = await dispatch(
      backend.handlers,
      'patients.create',
      patientInput({ mrn, name: `Crash ${mrn}` }),
      () => undefined,
    )
    if (r.ok) process.stdout.write(`ACK ${mrn}\n`)
    else process.stdout.write(`REFUSED ${JSON.stringify(r.error)}\n`)
  }
}
void loop()
