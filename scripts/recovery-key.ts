// `npx tsx scripts/recovery-key.ts --data=FILE`: reads the recovery key printed at set-up from
// standard input, checks that it opens the encrypted log FILE (or a backup), and prints the raw
// key as hex with the commands that open the file in the `sqlcipher` 4.x shell or DB Browser for
// SQLite. For reading a log without the app (docs/privacy.md); the app itself recovers through its
// "Open with recovery key" screen. Nothing is written.
import fs from 'node:fs'
import readline from 'node:readline/promises'
import { openDb } from '../db/cipher'
import { keyFromRecoveryKey } from '../db/keystore'

async function main(): Promise<void> {
  const flag = process.argv.slice(2).find((a) => a.startsWith('--data='))
  const file = flag?.slice('--data='.length)
  if (!file || !fs.existsSync(file)) throw new Error('Name the encrypted log: --data=FILE (it must exist).')
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr })
  const typed = await rl.question('Recovery key (14 groups of 4): ')
  rl.close()
  const key = keyFromRecoveryKey(typed)
  const db = openDb(file, key, { readonly: true, fileMustExist: true })
  const version = db.pragma('user_version', { simple: true }) as number
  db.close()
  console.error(`The recovery key opens ${file} (schema ${version}).`)
  console.log(key.toString('hex'))
  console.error(
    [
      '',
      `sqlcipher "${file}"`,
      `  PRAGMA key = "x'<the hex above>'";`,
      '  PRAGMA cipher_compatibility = 4;',
      '  SELECT count(*) FROM patient;',
      '',
      'DB Browser for SQLite: open the file, choose SQLCipher 4 defaults and "Raw key", paste 0x<hex>.',
    ].join('\n'),
  )
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e))
  process.exit(1)
})
