// Command line: evaluate a `pnet-case/1` file and print `pnet-evaluation/1` on stdout.
//
//   npm run --silent evaluate -- FILE [--pack PACK.json] [--k-factors aapm96|icrp103] [--cu64-coefficient MSV_PER_MBQ]
//
// `--pack` evaluates with a guideline pack document (pnet-guideline-pack/1) instead of the
// built-in one; the evaluation names the pack id and version it used.
//
// Exit 0 with the evaluation on stdout. Exit 2 when a file cannot be read, is not JSON, or is not
// a valid case file or pack: each problem on stderr (`caseId: field: why`, `pack: path: why`),
// nothing on stdout.
// Warnings (unknown fields, unknown symptom codes, ...) go to stderr in every case.
import fs from 'node:fs'
import { pathToFileURL } from 'node:url'
import {
  ACR_PNET,
  PackValidationError,
  evaluateCaseFile,
  loadPack,
  K_FACTOR_SETS,
  parseCaseFile,
  type EngineSettings,
  type FileProblem,
  type LoadedPack,
} from '../engine'

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
}

const USAGE =
  'usage: evaluate FILE [--pack PACK.json] [--k-factors aapm96|icrp103] [--cu64-coefficient MSV_PER_MBQ]'

function line(kind: 'error' | 'warning', p: FileProblem): string {
  const where = p.field === '' ? '(file)' : p.field
  return `${kind === 'warning' ? 'warning: ' : ''}${p.caseId ?? '-'}: ${where}: ${p.message}\n`
}

/** A file's JSON, or `undefined` after saying on stderr why it could not be read. */
function readJson(file: string, io: CliIo): unknown {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (e) {
    io.stderr(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`)
    return undefined
  }
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    io.stderr(`${file} is not valid JSON: ${(e as Error).message}\n`)
    return undefined
  }
}

/** Run the command with its arguments; returns the exit code. */
export function main(args: readonly string[], io: CliIo): number {
  let file: string | null = null
  let packFile: string | null = null
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
    } else if (a === '--pack') {
      const v = args[++i]
      if (v === undefined || v.startsWith('--')) {
        io.stderr(`--pack needs a pack file (pnet-guideline-pack/1)\n${USAGE}\n`)
        return 2
      }
      packFile = v
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

  let pack: LoadedPack = ACR_PNET
  if (packFile !== null) {
    const doc = readJson(packFile, io)
    if (doc === undefined) return 2
    try {
      pack = loadPack(doc)
    } catch (e) {
      if (!(e instanceof PackValidationError)) throw e
      for (const p of e.problems) io.stderr(`pack: ${p.path === '' ? '(pack)' : p.path}: ${p.message}\n`)
      io.stderr(
        `${packFile}: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}; nothing evaluated\n`,
      )
      return 2
    }
  }

  const json = readJson(file, io)
  if (json === undefined) return 2

  const parsed = parseCaseFile(json)
  for (const w of parsed.warnings) io.stderr(line('warning', w))
  if (!parsed.ok) {
    for (const p of parsed.problems) io.stderr(line('error', p))
    io.stderr(
      `${file}: ${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}; nothing evaluated\n`,
    )
    return 2
  }
  const out = evaluateCaseFile(parsed.file, pack, settings)
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
