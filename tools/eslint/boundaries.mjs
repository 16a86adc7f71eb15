// Import-direction rule for this repository (see docs/architecture.md).
//
// Each source file belongs to an "area" found from its path. Every import is resolved to the
// area it points at (relative paths are resolved against the importing file) and checked
// against the allow-list below. A wrong-way import is a lint error, so it fails CI.
import fs from 'node:fs'
import path from 'node:path'

/**
 * Areas, most specific first. `entry` areas are the only files allowed to import `electron`
 * as a value; everything else may only `import type` from it.
 */
export const AREAS = [
  { name: 'electron-main-entry', match: /^electron\/main\/index\.ts$/ },
  { name: 'electron-preload-entry', match: /^electron\/preload\/index\.ts$/ },
  { name: 'electron-main', match: /^electron\/main\// },
  { name: 'electron-preload', match: /^electron\/preload\// },
  { name: 'electron-api-contract', match: /^electron\/contract\// },
  { name: 'electron-api', match: /^electron\/backend\// },
  { name: 'electron-serving', match: /^electron\/serving\// },
  { name: 'electron-web', match: /^electron\/web\// },
  { name: 'engine', match: /^engine\// },
  { name: 'db', match: /^db\// },
  { name: 'renderer', match: /^renderer\// },
]

const NODE_BUILTIN = /^node:/
const pkg =
  (...names) =>
  (spec) =>
    names.some((n) => spec === n || spec.startsWith(n + '/'))

/**
 * For each area: which areas it may import from (values), which it may import only as types,
 * and which packages it may use. Anything not listed is refused.
 */
export const RULES = {
  // zod is pure (no Node, no DOM): the case schema (engine/caseSchema.ts) is the engine's.
  engine: { areas: ['engine'], typeOnly: [], packages: pkg('date-fns', '@date-fns/utc', 'zod') },
  db: {
    areas: ['db'],
    typeOnly: ['engine'],
    packages: (s) => NODE_BUILTIN.test(s) || pkg('better-sqlite3')(s),
  },
  'electron-api-contract': {
    areas: ['electron-api-contract', 'engine'],
    typeOnly: ['db'],
    packages: pkg('zod'),
  },
  'electron-api': {
    areas: ['electron-api', 'electron-api-contract', 'db', 'engine'],
    typeOnly: [],
    packages: (s) => NODE_BUILTIN.test(s) || pkg('zod', 'date-fns', '@date-fns/utc', 'better-sqlite3')(s),
  },
  'electron-serving': { areas: ['electron-serving'], typeOnly: [], packages: (s) => NODE_BUILTIN.test(s) },
  'electron-web': {
    areas: ['electron-web', 'electron-serving', 'electron-api', 'electron-api-contract', 'db', 'engine'],
    typeOnly: [],
    packages: (s) => NODE_BUILTIN.test(s),
  },
  'electron-main': {
    areas: ['electron-main', 'electron-serving', 'electron-api', 'electron-api-contract', 'db', 'engine'],
    typeOnly: [],
    typeOnlyPackages: pkg('electron'),
    packages: (s) => NODE_BUILTIN.test(s),
  },
  'electron-main-entry': {
    areas: ['electron-main', 'electron-serving', 'electron-api', 'electron-api-contract', 'db', 'engine'],
    typeOnly: [],
    packages: (s) => NODE_BUILTIN.test(s) || pkg('electron')(s),
  },
  'electron-preload': {
    areas: ['electron-preload', 'electron-api-contract'],
    typeOnly: [],
    typeOnlyPackages: pkg('electron'),
    packages: () => false,
  },
  'electron-preload-entry': {
    areas: ['electron-preload', 'electron-api-contract'],
    typeOnly: [],
    packages: pkg('electron'),
  },
  renderer: {
    areas: ['renderer', 'engine'],
    typeOnly: ['electron-api-contract'],
    packages: pkg(
      'react',
      'react-dom',
      '@tanstack/react-virtual',
      '@tanstack/react-query',
      'react-aria-components',
      'react-hotkeys-hook',
    ),
  },
}

export function areaOf(relPath) {
  const p = relPath.split(path.sep).join('/')
  return AREAS.find((a) => a.match.test(p))?.name ?? null
}

/** The area of an import target written without extension (as TypeScript imports are). */
function resolveArea(root, target) {
  for (const candidate of [target, target + '.ts', target + '.tsx', target + '/index.ts']) {
    const abs = path.resolve(root, candidate)
    if (fs.existsSync(abs) && fs.statSync(abs).isFile()) return areaOf(candidate)
  }
  return areaOf(target.endsWith('.ts') || target.endsWith('.tsx') ? target : target + '.ts')
}

function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true
  if (node.type === 'ImportDeclaration' && node.specifiers.length > 0) {
    return node.specifiers.every((s) => s.type === 'ImportSpecifier' && s.importKind === 'type')
  }
  return false
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import directions of the architecture' },
    schema: [],
    messages: {
      wrongWay: "'{{from}}' may not import '{{spec}}'{{why}}. See docs/architecture.md (import directions).",
    },
  },
  create(context) {
    const root = context.cwd
    const file = path.relative(root, context.filename)
    const from = areaOf(file)
    if (!from || !RULES[from]) return {}
    const allowed = RULES[from]

    function check(node) {
      if (!node.source || typeof node.source.value !== 'string') return
      const spec = node.source.value
      const typeOnly = isTypeOnly(node)
      let ok
      let why = ''
      if (spec.startsWith('.')) {
        const target = path.relative(root, path.resolve(path.dirname(context.filename), spec))
        const to = resolveArea(root, target)
        ok = to !== null && (allowed.areas.includes(to) || (typeOnly && allowed.typeOnly.includes(to)))
        if (!ok && to !== null && allowed.typeOnly.includes(to)) why = ' except with `import type`'
        if (!ok) why = why || ` (it is in '${to ?? 'outside the source areas'}')`
      } else {
        ok = allowed.packages(spec) || (typeOnly && allowed.typeOnlyPackages?.(spec) === true)
        if (!ok && allowed.typeOnlyPackages?.(spec)) why = ' except with `import type`'
      }
      if (!ok) context.report({ node, messageId: 'wrongWay', data: { from, spec, why } })
    }

    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression(node) {
        check({ source: node.source, type: 'ImportExpression' })
      },
    }
  },
}

export default { rules: { 'import-direction': rule } }
