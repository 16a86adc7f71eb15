// Command line: evaluate a `pnet-case/1` file and print `pnet-evaluation/1` on stdout.
//
//   npm run --silent evaluate -- FILE [--k-factors aapm96|icrp103] [--cu64-coefficient MSV_PER_MBQ]
//
// Exit 0 with the evaluation on stdout. Exit 2 when the file cannot be read, is not JSON, or is
// not a valid case file: each problem on stderr as `caseId: field: why`, nothing on stdout.
// Warnings (unknown fields, unknown symptom codes, ...) go to stderr in every case.
import fs from 'node:fs'
import { pathToFileURL } from 'node:url'
import {
  ACR_PNET,
  evaluateCaseFile,
  K_FACTOR_SETS,
  parseCaseFile,
  type EngineSettings,
  type FileProblem,
} from '../engine'

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
}

const USAGE = 'usage: evaluate FILE [--k-factors aapm96|icrp103] [--cu64-coefficient MSV_PER_MBQ]'

function line(kind: 'error' | 'warning', p: FileProblem): string {
  const where = p.field === '' ? '(file)' : p.field
  return `${kind === 'warning' ? 'warning: ' : ''}${p.caseId ?? '-'}: ${where}: ${p.message}\n`
}

/** Run the command with its arguments; returns the exit code. */
export function main(args: readonly string[], io: CliIo): number {
  let file: string | null = null
  const settings: EngineSettings = {}
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (a === '--k-factors') {
      const v = args[++i]
      if (v !== 'aapm96' && v !== 'icrp103') {
        io.stderr(`--k-factors must be one of ${K_FACTOR_SETS.join(', ')}\n${USAGE}\n`)
        return 2
      }
      settings.kFactors = v
    } else if (a === '--cu64-coefficient') {
      const v = Number(args[++i])
      if (!Number.isFinite(v) || v <= 0) {
        io.stderr(`--cu64-coefficient must be a positive number (mSv/MBq)\n${USAGE}\n`)
        return 2
      }
      settings.siteCoefficients = { 'cu64-dotatate': v }
    } else if (a.startsWith('--')) {
      io.stderr(`unknown option ${a}\n${USAGE}\n`)
      return 2
    } else if (file === null) file = a
    else {
      io.stderr(`only one FILE, got also ${a}\n${USAGE}\n`)
      return 2
    }
  }
  if (file === null) {
    io.stderr(`${USAGE}\n`)
    return 2
  }

  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (e) {
    io.stderr(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`)
    return 2
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    io.stderr(`${file} is not valid JSON: ${(e as Error).message}\n`)
    return 2
  }

  const parsed = parseCaseFile(json)
  for (const w of parsed.warnings) io.stderr(line('warning', w))
  if (!parsed.ok) {
    for (const p of parsed.problems) io.stderr(line('error', p))
    io.stderr(
      `${file}: ${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}; nothing evaluated\n`,
    )
    return 2
  }
  const out = evaluateCaseFile(parsed.file, ACR_PNET, settings)
  io.stdout(JSON.stringify(out, null, 2) + '\n')
  return 0
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (invokedDirectly) {
  process.exitCode = main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  })
}
