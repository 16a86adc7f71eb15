// Child process for the crash test: creates patients through the real back end, one command per
// transaction, and prints each MRN only after its command has answered (the acknowledgement).
import { openBackend } from '../../electron/backend/backend'
import { dispatch } from '../../electron/contract/dispatch'
import { patientInput } from './db'

const [file, prefix] = process.argv.slice(2) as [string, string]
const backend = openBackend({ dataFile: file, transport: 'web', version: 'crash-test', user: 'crash' })
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
  }
}
void loop()
