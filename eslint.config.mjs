import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import boundaries from 'eslint-plugin-boundaries'

// Import directions (docs/architecture.md, "Areas and import directions"), enforced by
// eslint-plugin-boundaries. Each source folder is an element; every import, re-export, dynamic
// import and require is checked, local or package, and anything no policy allows is refused.
const AREAS = {
  engine: 'engine',
  db: 'db',
  contract: 'electron/contract',
  backend: 'electron/backend',
  serving: 'electron/serving',
  web: 'electron/web',
  main: 'electron/main',
  preload: 'electron/preload',
  renderer: 'renderer',
}
/** The only files that may import `electron` as a value (the composition roots). */
const ENTRY_FILES = ['electron/main/index.ts', 'electron/preload/index.ts']

// An import counts as type-only when the whole statement is (`import type { A }`) or every name in
// it is (`import { type A, type B }`, the inline style this repository's fixer writes). The
// plugin's default nodes see only the first form, so the nodes are declared here: each statement
// matches exactly one selector.
const ALL_TYPE_SPECIFIERS = (decl, spec, kind) =>
  `${decl}[${kind}=value]:has(${spec}[${kind}=type]):not(:has(${spec}[${kind}=value])):not(:has(ImportDefaultSpecifier)):not(:has(ImportNamespaceSpecifier))`
const DEPENDENCY_NODES = [
  { selector: 'ImportDeclaration[importKind=type] > Literal', kind: 'type', name: 'import' },
  {
    selector: `${ALL_TYPE_SPECIFIERS('ImportDeclaration', 'ImportSpecifier', 'importKind')} > Literal`,
    kind: 'type',
    name: 'import',
  },
  {
    selector: `ImportDeclaration[importKind=value]:not(${ALL_TYPE_SPECIFIERS('ImportDeclaration', 'ImportSpecifier', 'importKind')}) > Literal`,
    kind: 'value',
    name: 'import',
  },
  { selector: 'ExportAllDeclaration[exportKind=type] > Literal', kind: 'type', name: 'export' },
  { selector: 'ExportAllDeclaration[exportKind=value] > Literal', kind: 'value', name: 'export' },
  { selector: 'ExportNamedDeclaration[exportKind=type] > Literal', kind: 'type', name: 'export' },
  {
    selector: `${ALL_TYPE_SPECIFIERS('ExportNamedDeclaration', 'ExportSpecifier', 'exportKind')} > Literal`,
    kind: 'type',
    name: 'export',
  },
  {
    selector: `ExportNamedDeclaration[exportKind=value]:not(${ALL_TYPE_SPECIFIERS('ExportNamedDeclaration', 'ExportSpecifier', 'exportKind')}) > Literal`,
    kind: 'value',
    name: 'export',
  },
  { selector: 'ImportExpression > Literal', kind: 'value', name: 'dynamic-import' },
  { selector: 'CallExpression[callee.name=require] > Literal', kind: 'value', name: 'require' },
]

/** How other areas reach an area: the engine only through its public entry, engine/index.ts. */
const REACH = Object.fromEntries(Object.keys(AREAS).map((type) => [type, { element: { type } }]))
REACH.engine = { element: { type: 'engine', fileInternalPath: 'index.ts' } }

const self = (type) => ({ to: { element: { type } } })
const valuesOf = (...types) => ({ to: types.map((t) => REACH[t]) })
const typesOf = (...types) => ({ ...valuesOf(...types), dependency: { kind: 'type' } })
const nodeBuiltins = { to: { module: { origin: 'core' } } }
const packages = (...sources) => ({ to: { module: { origin: 'external', source: sources } } })
const typesOfPackages = (...sources) => ({ ...packages(...sources), dependency: { kind: 'type' } })

/** Who may import what; anything not listed is refused. */
const IMPORT_POLICIES = [
  { from: self('engine').to, allow: [self('engine'), packages('date-fns', '@date-fns/utc', 'zod')] },
  {
    from: self('db').to,
    allow: [self('db'), typesOf('engine'), nodeBuiltins, packages('better-sqlite3-multiple-ciphers')],
  },
  {
    from: self('contract').to,
    allow: [self('contract'), valuesOf('engine'), typesOf('db'), packages('zod')],
  },
  {
    from: self('backend').to,
    allow: [
      self('backend'),
      valuesOf('contract', 'db', 'engine'),
      nodeBuiltins,
      packages(
        'zod',
        'date-fns',
        '@date-fns/utc',
        'better-sqlite3-multiple-ciphers',
        'electron-log',
        // Interop (docs/interop.md): calendar files, CSV, DICOM and DICOMweb multipart bodies.
        'ical-generator',
        'papaparse',
        'dcmjs',
        '@remix-run/multipart-parser',
      ),
    ],
  },
  { from: self('serving').to, allow: [self('serving'), nodeBuiltins] },
  {
    from: self('web').to,
    allow: [self('web'), valuesOf('serving', 'backend', 'contract', 'db', 'engine'), nodeBuiltins],
  },
  {
    from: self('main').to,
    allow: [
      self('main'),
      valuesOf('serving', 'backend', 'contract', 'db', 'engine'),
      nodeBuiltins,
      typesOfPackages('electron'),
    ],
  },
  { from: self('preload').to, allow: [self('preload'), valuesOf('contract'), typesOfPackages('electron')] },
  // The composition roots: the only files that import `electron` as a value.
  { from: { file: { categories: 'entry' } }, allow: [packages('electron')] },
  {
    from: self('renderer').to,
    allow: [
      self('renderer'),
      valuesOf('engine'),
      typesOf('contract'),
      packages(
        'react',
        'react-dom',
        '@tanstack/*',
        'react-aria-components',
        'react-hotkeys-hook',
        'react-hook-form',
        '@hookform/resolvers',
        // The one CSV writer (features/export/csv.ts).
        'papaparse',
      ),
    ],
  },
]

const importDirections = {
  files: Object.values(AREAS).map((folder) => `${folder}/**/*.{ts,tsx}`),
  plugins: { boundaries },
  settings: {
    'boundaries/root-path': import.meta.dirname,
    'boundaries/elements': Object.entries(AREAS).map(([type, folder]) => ({
      type,
      pattern: folder,
      partialMatch: false,
    })),
    'boundaries/files': ENTRY_FILES.map((pattern) => ({ category: 'entry', pattern })),
    'boundaries/dependency-nodes': [],
    'boundaries/additional-dependency-nodes': DEPENDENCY_NODES,
    'import/resolver': { node: { extensions: ['.ts', '.tsx', '.mjs', '.js', '.json'] } },
  },
  rules: {
    'boundaries/dependencies': [
      'error',
      {
        default: 'disallow',
        checkAllOrigins: true,
        checkUnknownLocals: true,
        checkInternals: true,
        message:
          "'{{from.element.type}}' may not import '{{dependency.source}}' as a {{dependency.kind}}{{#if to.element.type}} (area '{{to.element.type}}'){{/if}}. See docs/architecture.md, import directions.",
        policies: IMPORT_POLICIES,
      },
    ],
  },
}

export default defineConfig(
  { ignores: ['out/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', '.bench/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='only'][callee.object.name=/^(it|test|describe)$/]",
          message: 'Do not commit .only.',
        },
      ],
    },
  },
  importDirections,
  {
    files: ['renderer/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },
  {
    // The engine is pure: no clock, no I/O. `asOf` is always an argument.
    files: ['engine/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'The engine takes asOf; it never reads the clock.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The engine takes asOf; it never reads the clock.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'The engine is deterministic.',
        },
      ],
    },
  },
  {
    files: ['electron/**', 'db/**', 'test/**', 'scripts/**', 'tools/**', '*.config.*'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
