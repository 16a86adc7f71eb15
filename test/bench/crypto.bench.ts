// `npm run bench:crypto`: what encryption at rest costs (docs/privacy.md). Builds a synthetic plain
// log of BENCH_PATIENTS patients (default 10,000, each created through the audited patient
// service), then prints, as medians of a few runs:
// - opening the log the app's way (lock, probe on a copy, open, keyed chain) plain and encrypted,
//   and the full check after open (integrity_check, the whole audit chain, every record);
// - a checked backup, plain and encrypted;
// - encrypting the plain log in place (checked copy, swap, overwrite of the plain file);
// - scrypt for the passphrase (N = 2^17, r = 8, p = 1).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { backupTo } from '../../db/backup'
import { newLogKey } from '../../db/cipher'
import { encryptPlainLog } from '../../db/encrypt-plain'
import { readKey } from '../../db/integrity-files'
import { setUpKey, unlockWithPassphrase } from '../../db/keystore'
import { openDatabase, openLogSession } from '../../db/open'
import { addPatient, patientInput, testActor } from '../helpers/db'

const PATIENTS = Number(process.env['BENCH_PATIENTS'] ?? 10_000)
const RUNS = 5

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
async function time(runs: number, fn: () => unknown): Promise<number> {
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    out.push(performance.now() - t0)
  }
  return median(out)
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-bench-crypto-'))
  try {
    const plain = path.join(dir, 'plain.sqlite')
    const actor = testActor()
    const t0 = performance.now()
    const db = openDatabase(plain)
    db.transaction(() => {
      for (let i = 0; i < PATIENTS; i++)
        addPatient(db, actor, patientInput({ mrn: `M-${i}`, name: `Synthetic Patient ${i}` }))
    })()
    db.close()
    // One session on it, so it has its key, keyed chain and anchor like a log in use.
    openLogSession(plain, { transport: 'web', actor, backgroundCheck: false }).close()
    console.log(
      `synthetic plain log: ${PATIENTS} patients, ${(fs.statSync(plain).size / 1e6).toFixed(1)} MB, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    )

    const enc = path.join(dir, 'enc.sqlite')
    for (const s of ['', '.key', '.anchor']) fs.copyFileSync(`${plain}${s}`, `${enc}${s}`)
    const key = newLogKey()
    const tEnc = performance.now()
    encryptPlainLog(enc, key, {
      auditKey: readKey(enc).kind === 'present' ? (readKey(enc) as { key: Buffer }).key : null,
    })
    const encryptMs = performance.now() - tEnc

    const open = (file: string, k: Buffer | null) =>
      openLogSession(file, { transport: 'web', actor, backgroundCheck: false, key: k }).close()
    const fullCheck = async (file: string, k: Buffer | null) => {
      const s = openLogSession(file, { transport: 'web', actor, key: k })
      await s.checked
      s.close()
    }
    const backup = (file: string, k: Buffer | null, n: { i: number }) => {
      const s = openLogSession(file, { transport: 'web', actor, backgroundCheck: false, key: k })
      const t = performance.now()
      backupTo(s.db as never, path.join(dir, `b-${n.i++}.sqlite`))
      const ms = performance.now() - t
      s.close()
      return ms
    }
    const rows: Array<[string, number, number]> = [
      [
        'open (probe on a copy + open)',
        await time(RUNS, () => open(plain, null)),
        await time(RUNS, () => open(enc, key)),
      ],
      [
        'open + full check',
        await time(3, () => fullCheck(plain, null)),
        await time(3, () => fullCheck(enc, key)),
      ],
    ]
    const n = { i: 0 }
    const bPlain: number[] = []
    const bEnc: number[] = []
    for (let i = 0; i < 3; i++) {
      bPlain.push(backup(plain, null, n))
      bEnc.push(backup(enc, key, n))
    }
    rows.push(['checked backup', median(bPlain), median(bEnc)])
    console.log('\nmedian ms           plain    encrypted  ratio')
    for (const [what, p, e] of rows)
      console.log(
        `${what.padEnd(32)} ${p.toFixed(0).padStart(7)} ${e.toFixed(0).padStart(9)}  ${(e / p).toFixed(2)}x`,
      )
    console.log(
      `\nencrypting the plain log in place (checked copy, swap, overwrite): ${encryptMs.toFixed(0)} ms`,
    )

    const kf = path.join(dir, 'kdf.sqlite')
    await setUpKey(kf, { passphrase: 'bench passphrase words' })
    const kdf = await time(RUNS, () => unlockWithPassphrase(kf, 'bench passphrase words'))
    console.log(`scrypt N=2^17 r=8 p=1 (unlock with the passphrase): ${kdf.toFixed(0)} ms median of ${RUNS}`)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

void main()
