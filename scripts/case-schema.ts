// Publishes the JSON Schema of the `pnet-case/1` file format, generated from the engine's case
// schema (engine/caseSchema.ts), at docs/case-format.schema.json.
//
//   npm run schema:case            write the file
//   npm run schema:case -- --check exit 1 when the committed file is not what the schema generates
//
// test/unit/engine/caseSchema.test.ts checks the committed file is fresh.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { caseFileJsonSchema } from '../engine/caseSchema'

export const CASE_SCHEMA_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'docs',
  'case-format.schema.json',
)

/** The file's exact text: the schema as 2-space JSON with a final newline. */
export function caseSchemaText(): string {
  return JSON.stringify(caseFileJsonSchema(), null, 2) + '\n'
}

function main(args: string[]): number {
  const text = caseSchemaText()
  if (args.includes('--check')) {
    const current = fs.existsSync(CASE_SCHEMA_FILE) ? fs.readFileSync(CASE_SCHEMA_FILE, 'utf8') : ''
    if (current === text) return 0
    process.stderr.write(
      `${path.relative(process.cwd(), CASE_SCHEMA_FILE)} is stale: run npm run schema:case\n`,
    )
    return 1
  }
  fs.writeFileSync(CASE_SCHEMA_FILE, text)
  process.stdout.write(`wrote ${path.relative(process.cwd(), CASE_SCHEMA_FILE)}\n`)
  return 0
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (invokedDirectly) process.exitCode = main(process.argv.slice(2))
