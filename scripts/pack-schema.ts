// Publishes the JSON Schema of the `pnet-guideline-pack/1` document, generated from the engine's
// pack schema (engine/guideline/packSchema.ts), at docs/guideline-pack.schema.json.
//
//   npm run schema:pack            write the file
//   npm run schema:pack -- --check exit 1 when the committed file is not what the schema generates
//
// test/unit/engine/pack-document.test.ts checks the committed file is fresh. The JSON Schema
// holds the shape; the cross-references (a cited source exists, an offer is rated, a text fills
// only what its rule provides) are checked by `parsePack` and listed in docs/guideline-pack.md.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { packJsonSchema } from '../engine'

export const PACK_SCHEMA_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'docs',
  'guideline-pack.schema.json',
)

/** The file's exact text: the schema as 2-space JSON with a final newline. */
export function packSchemaText(): string {
  return JSON.stringify(packJsonSchema(), null, 2) + '\n'
}

function main(args: string[]): number {
  const text = packSchemaText()
  if (args.includes('--check')) {
    const current = fs.existsSync(PACK_SCHEMA_FILE) ? fs.readFileSync(PACK_SCHEMA_FILE, 'utf8') : ''
    if (current === text) return 0
    process.stderr.write(
      `${path.relative(process.cwd(), PACK_SCHEMA_FILE)} is stale: run npm run schema:pack\n`,
    )
    return 1
  }
  fs.writeFileSync(PACK_SCHEMA_FILE, text)
  process.stdout.write(`wrote ${path.relative(process.cwd(), PACK_SCHEMA_FILE)}\n`)
  return 0
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (invokedDirectly) process.exitCode = main(process.argv.slice(2))
