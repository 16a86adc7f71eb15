// `npm run bench:startup` (issue 10, parts 3 and 5b): start-up that does not grow with the file, and
// no call held long behind a background job. On a copy of the write-path log of bench:scale
// (test/bench/scale-log.ts, built through dispatch and cached), encrypted with a fresh key as the
// app's logs are, optionally padded to a larger file:
//
//   PATIENTS=10000 npm run bench:startup     (default: the bench:scale log of 10,000 patients)
//   STARTUP_KEEP=DIR npm run bench:startup  (keeps the encrypted copy in DIR for the next run)
//   PAD_MIB=2048 npm run bench:startup       (adds 2 GiB of stored data no check skips: settings
//                                             rows the page check, VACUUM INTO and the copy's check
//                                             all read; the audited records are unchanged)
//
// Figures, each beside its goal:
//   - time to the first answer (open + worklist.page), first start of the day (no backup yet) and
//     a later start (today's backup exists);
//   - the longest wait of a worklist.page issued every 10 ms while the full check after open and
//     the daily backup run, while Back up now runs, and while the re-dose after a dose-setting
//     change runs (the wait counts from when the call was due, so a blocked event loop shows).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { newLogKey, type LogKey } from '../../db/cipher'
import { encryptPlainLog } from '../../db/encrypt-plain'
import { anchorFileOf, keyFileOf, readKey } from '../../db/integrity-files'
import { openDb } from '../../db/cipher'
import { openBackend, type Backend } from '../../electron/backend/backend'
import type { CallName, RequestOf, ResultOf } from '../../electron/contract/contract'
import { dispatch } from '../../electron/contract/dispatch'
import { defaultLogFile, ms, row, scaleLog } from './scale-log'

const PATIENTS = Number(process.env['PATIENTS'] ?? 10_000)
const PAD_MIB = Number(process.env['PAD_MIB'] ?? 0)
const FIRST_ANSWER_GOAL_MS = 1000
const WAIT_GOAL_MS = 100

async function call<K extends CallName>(b: Backend, name: K, req: RequestOf<K>): Promise<ResultOf<K>> {
  const r = await dispatch(b.handlers, name, req, (l) => console.error(l))
  if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`)
  return r.value as ResultOf<K>
}

const PAGE: RequestOf<'worklist.page'> = {
  bucket: 'all',
  sort: 'due',
  descending: false,
  limit: 50,
  offset: 0,
} as RequestOf<'worklist.page'>

/**
 * Calls worklist.page every 10 ms until `until` resolves; answers the longest wait (from when each
 * call was due to its answer) and how many calls were made.
 */
interface Waits {
  max: number
  p99: number
  calls: number
}

async function probeWaits(b: Backend, until: Promise<unknown>): Promise<Waits> {
  let finished = false
  void until.finally(() => (finished = true))
  const waits: number[] = []
  while (!finished) {
    const due = performance.now() + 10
    await new Promise((r) => setTimeout(r, 10))
    await call(b, 'worklist.page', PAGE)
    waits.push(performance.now() - due)
  }
  await until
  waits.sort((x, y) => x - y)
  return {
    max: waits[waits.length - 1] ?? 0,
    p99: waits[Math.floor(waits.length * 0.99)] ?? 0,
    calls: waits.length,
  }
}

const waitText = (w: Waits, extra = ''): string =>
  `goal ≤ ${WAIT_GOAL_MS} ms (p99 ${w.p99.toFixed(1)} ms, ${w.calls} calls${extra})`

function open(file: string, key: Buffer, now: () => Date): Backend {
  return openBackend({
    dataFile: file,
    transport: 'web',
    version: 'bench',
    now,
    user: 'bench',
    key,
    log: { file: '', info: () => undefined, warn: () => undefined, error: (l: string) => console.error(l) },
  })
}

async function jobDone(b: Backend, id: string): Promise<void> {
  const s = await b.jobs.settled(id, 3_600_000)
  if (s.state !== 'done') throw new Error(`job ${s.kind} ${s.state}: ${JSON.stringify(s.error)}`)
}

async function main(): Promise<void> {
  const source = defaultLogFile(PATIENTS)
  const built = await scaleLog(source, PATIENTS)
  const dir = fs.mkdtempSync(path.join(path.dirname(path.dirname(source)), 'pnet-startup-'))
  const file = path.join(dir, 'log.sqlite')
  try {
    // STARTUP_KEEP=DIR: the encrypted copy (and its key, test data only) is kept in DIR and copied
    // for the next run — at 100k patients encrypting and checking the copy takes many minutes.
    const keep = process.env['STARTUP_KEEP']
    const kept = keep ? path.join(keep, 'log.sqlite') : null
    const keptKey = keep ? path.join(keep, 'bench-cipher-key.hex') : null
    let key: LogKey
    const copyLog = (from: string): void => {
      for (const f of [from, anchorFileOf(from), keyFileOf(from)])
        fs.copyFileSync(f, path.join(dir, path.basename(f).replace(path.basename(from), 'log.sqlite')))
    }
    const stamp = keep ? path.join(keep, 'startup-bench.json') : null
    const want = JSON.stringify({ patients: PATIENTS, source: built.file })
    if (
      kept &&
      keptKey &&
      stamp &&
      fs.existsSync(kept) &&
      fs.existsSync(keptKey) &&
      fs.existsSync(stamp) &&
      fs.readFileSync(stamp, 'utf8') === want &&
      PAD_MIB === 0
    ) {
      copyLog(kept)
      key = Buffer.from(fs.readFileSync(keptKey, 'utf8').trim(), 'hex')
    } else {
      copyLog(built.file)
      if (PAD_MIB > 0) {
        const db = openDb(file, null)
        const chunk = 'x'.repeat(1024 * 1024)
        db.transaction(() => {
          const put = db.prepare('INSERT INTO setting (key, value) VALUES (?, ?)')
          for (let i = 0; i < PAD_MIB; i++) put.run(`bench-padding-${i}`, JSON.stringify(`${i}${chunk}`))
        })()
        db.close()
      }
      key = newLogKey()
      const auditKey = readKey(file)
      const e0 = performance.now()
      encryptPlainLog(file, key, { auditKey: auditKey.kind === 'present' ? auditKey.key : null })
      row('encrypt the plain copy (and check it)', `${((performance.now() - e0) / 1000).toFixed(1)} s`)
      if (kept && keptKey && PAD_MIB === 0) {
        fs.mkdirSync(keep!, { recursive: true })
        for (const f of [file, anchorFileOf(file), keyFileOf(file)])
          fs.copyFileSync(f, path.join(keep!, path.basename(f)))
        fs.writeFileSync(keptKey, key.toString('hex'))
        fs.writeFileSync(stamp!, want)
      }
    }
    const bytes = fs.statSync(file).size
    console.log(
      `bench:startup: ${PATIENTS.toLocaleString('en')} patients, ${(bytes / 2 ** 20).toFixed(0)} MiB encrypted ` +
        `(${PAD_MIB} MiB padding), ${os.cpus().length} cores (${file})`,
    )

    let day = Date.parse('2026-11-25T08:00:00.000Z')
    const clock = () => new Date((day += 1))

    // First start of the day: no backup yet.
    let t0 = performance.now()
    let b = open(file, key, clock)
    await call(b, 'worklist.page', PAGE)
    const first = performance.now() - t0
    const t1 = performance.now()
    const during = await probeWaits(b, b.checked)
    const checkAndBackup = performance.now() - t1
    const backups = fs.readdirSync(path.join(dir, 'backups')).filter((f) => f.endsWith('.sqlite'))
    const status = b.status()
    b.close()

    // A later start the same day.
    t0 = performance.now()
    b = open(file, key, clock)
    await call(b, 'worklist.page', PAGE)
    const later = performance.now() - t0
    const t2 = performance.now()
    const duringCheck = await probeWaits(b, b.checked)
    const checkOnly = performance.now() - t2

    // The same calls with nothing in the background: what the machine itself adds.
    const idle = await probeWaits(b, new Promise((r) => setTimeout(r, 10_000)))

    // Back up now.
    const t3 = performance.now()
    const job = await call(b, 'app.backup', {})
    const duringBackup = await probeWaits(b, jobDone(b, job.id))
    const backupNow = performance.now() - t3

    // A dose-setting change: every patient re-dosed in the background.
    const settings = await call(b, 'settings.get', {})
    const t4 = performance.now()
    await call(b, 'settings.update', { kFactors: settings.kFactors === 'aapm96' ? 'icrp103' : 'aapm96' })
    const answered = performance.now() - t4
    const redose = b.jobs.running('redose')
    const duringRedose = redose ? await probeWaits(b, jobDone(b, redose.id)) : { max: 0, p99: 0, calls: 0 }
    const redoseMs = performance.now() - t4
    b.close()

    console.log(`\nstart-up (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`)
    row('first start of the day: first answer', ms(first), `goal ≤ ${FIRST_ANSWER_GOAL_MS} ms`)
    row('later start: first answer', ms(later), `goal ≤ ${FIRST_ANSWER_GOAL_MS} ms`)
    row(
      'check + daily backup, in the background',
      `${(checkAndBackup / 1000).toFixed(1)} s`,
      `${backups.length} backup, log ${status.mode}`,
    )
    row('full check alone, in the background', `${(checkOnly / 1000).toFixed(1)} s`)
    console.log('\nlongest wait of a call every 10 ms')
    row('with nothing in the background (10 s)', ms(idle.max), waitText(idle))
    row('during check + daily backup', ms(during.max), waitText(during))
    row('during the full check (later start)', ms(duringCheck.max), waitText(duringCheck))
    row(
      'during Back up now',
      ms(duringBackup.max),
      waitText(duringBackup, `, ${(backupNow / 1000).toFixed(1)} s`),
    )
    row('settings.update (dose) answers', ms(answered), `goal ≤ ${WAIT_GOAL_MS} ms`)
    row(
      'during the re-dose',
      ms(duringRedose.max),
      `goal ≤ ${WAIT_GOAL_MS} ms (${duringRedose.calls} calls, ${(redoseMs / 1000).toFixed(1)} s)`,
    )
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
