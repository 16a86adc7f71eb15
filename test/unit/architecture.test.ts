import fs from 'node:fs'
import path from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
import { migration0010 } from '../../db/migrations/0010-domain'
import { migration0070 } from '../../db/migrations/0070-guideline-packs'
import { migration0060 } from '../../db/migrations/0060-biomarkers-notes'
import { MAPPINGS_V80, migration0080 } from '../../db/migrations/0080-interop'
import {
  BIOMARKERS,
  ITEM_STATUSES,
  OVERRIDE_REASON_CODES,
  RECOMMENDATION_TRIGGERS,
  STATUS_REASON_CODES,
  WORKLIST_BUCKETS,
} from '../../engine/codes'
import {
  AGENTS,
  BURDENS,
  DOSE_REGIONS,
  GRADES,
  LESION_ROLES,
  LESION_STATUSES,
  PROCEDURE_IDS,
  STUDY_RESULTS,
  TREATMENT_KINDS,
} from '../../engine/types'
import {
  BUCKET_LABELS,
  ITEM_STATUS_LABELS,
  OVERRIDE_REASON_LABELS,
  STATUS_REASON_LABELS,
  TRIGGER_LABELS,
} from '../../renderer/src/domain/labels'

const root = path.resolve(__dirname, '..', '..')

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(rel)
    return /\.(ts|tsx)$/.test(e.name) ? [rel] : []
  })
}

const eslint = new ESLint({ cwd: root })

async function lintAs(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) })
  return result!.messages.filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message)
}

describe('import directions (docs/architecture.md)', () => {
  it('only the main and preload entry files import electron as a value', () => {
    const importsElectronValue = (code: string): boolean =>
      [...code.matchAll(/^import\s+([\s\S]*?)\s+from\s+['"]([^'"]+)['"]/gm)].some(
        (m) => m[2] === 'electron' && !/^type\b/.test(m[1]!),
      )
    const offenders = ['electron', 'db', 'engine', 'renderer']
      .flatMap(sourceFiles)
      .filter((f) => importsElectronValue(fs.readFileSync(path.join(root, f), 'utf8')))
    expect(offenders.sort()).toEqual([
      path.join('electron', 'main', 'index.ts'),
      path.join('electron', 'preload', 'index.ts'),
    ])
  })

  it.each([
    ['engine/x.ts', "import Database from 'better-sqlite3-multiple-ciphers'"],
    ['engine/x.ts', "import fs from 'node:fs'"],
    ['engine/x.ts', "import { openDatabase } from '../db/open'"],
    ['engine/x.ts', "import React from 'react'"],
    ['db/x.ts', "import { dispatch } from '../electron/contract/dispatch'"],
    ['db/x.ts', "import { something } from '../engine/index'"],
    ['renderer/src/x.ts', "import { openDatabase } from '../../db/open'"],
    ['renderer/src/x.ts', "import fs from 'node:fs'"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron'"],
    ['renderer/src/x.ts', "import { contract } from '../../electron/contract/contract'"],
    ['electron/backend/x.ts', "import { app } from 'electron'"],
    ['electron/main/window.ts', "import { BrowserWindow } from 'electron'"],
    ['electron/preload/x.ts', "import { dispatch } from '../backend/handlers'"],
    ['electron/web/x.ts', "import { startApp } from '../main/app'"],
    ['electron/preload/bridge.ts', "import { contextBridge } from 'electron'"],
    ['electron/serving/x.ts', "import { dispatch } from '../contract/dispatch'"],
    ['electron/serving/x.ts', "import { openBackend } from '../backend/backend'"],
    ['electron/serving/x.ts', "import { app } from 'electron'"],
    ['electron/contract/x.ts', "import { openDatabase } from '../../db/open'"],
    ['electron/contract/x.ts', "import { createHandlers } from '../backend/handlers'"],
    ['electron/contract/x.ts', "import fs from 'node:fs'"],
    ['electron/contract/x.ts', "import { resolveStatic } from '../serving/static-files'"],
    ['renderer/src/x.ts', "import { z } from 'zod'"],
    // Other areas reach the engine only through its public entry, engine/index.ts.
    ['renderer/src/x.ts', "import { evaluate } from '../../engine/evaluate'"],
    ['electron/backend/x.ts', "import { evaluate } from '../../engine/evaluate'"],
    ['electron/contract/x.ts', "import { K_FACTOR_SETS } from '../../engine/types'"],
    ['db/x.ts', "import type { Case } from '../engine/types'"],
    ['renderer/src/x.ts', "import { type PnetApi, contract } from '../../electron/contract/contract'"],
  ])('a wrong-way import in %s fails lint: %s', async (file, code) => {
    expect(
      await lintAs(
        file,
        `${code}\nexport const used = [${code.match(/import\s+(?:\{\s*)?(?:type\s+)?(\w+)/)![1]}]\n`,
      ),
    ).toHaveLength(1)
  })

  it.each([
    ['engine/x.ts', "import { addMonths } from 'date-fns'"],
    ['engine/x.ts', "import { z } from 'zod'"],
    ['db/x.ts', "import type { Case } from '../engine'"],
    ['renderer/src/x.ts', "import { evaluate } from '../../engine'"],
    ['electron/backend/x.ts', "import { evaluate } from '../../engine/index'"],
    ['renderer/src/x.ts', "import type { PnetApi } from '../../electron/contract/contract'"],
    ['electron/main/window.ts', "import type { BrowserWindow } from 'electron'"],
    ['electron/main/index.ts', "import { app } from 'electron'"],
    ['electron/backend/x.ts', "import { openDatabase } from '../../db/open'"],
    ['electron/backend/x.ts', "import log from 'electron-log/node'"],
    ['engine/x.ts', "import { z } from 'zod'"],
    ['db/x.ts', "import { type Case } from '../engine'"],
    ['renderer/src/x.ts', "import { useVirtualizer } from '@tanstack/react-virtual'"],
    ['electron/serving/x.ts', "import fs from 'node:fs'"],
    ['electron/web/x.ts', "import { resolveStatic } from '../serving/static-files'"],
    ['electron/main/app.ts', "import { CONTENT_SECURITY_POLICY } from '../serving/csp'"],
    ['electron/contract/x.ts', "import type { DB } from '../../db/open'"],
    ['electron/contract/x.ts', "import { K_FACTOR_SETS } from '../../engine'"],
    ['electron/contract/x.ts', "import { z } from 'zod'"],
  ])('an allowed import in %s passes: %s', async (file, code) => {
    expect(
      await lintAs(
        file,
        `${code}\nexport const used = [${code.match(/import\s+(?:type\s+)?(?:\{\s*)?(?:type\s+)?(\w+)/)![1]}]\n`,
      ),
    ).toEqual([])
  })
})

describe('codes declared once (engine/codes.ts, engine/types.ts)', () => {
  it('a label map missing one code does not compile (tsc -p tsconfig.test.json)', () => {
    // Each map's declared type, given a map with one code left out: every line must be an error.
    // @ts-expect-error 'result-entered' has no label
    const triggers: typeof TRIGGER_LABELS = {
      'study-recorded': 'x',
      'facts-changed': 'x',
      manual: 'x',
    }
    // @ts-expect-error 'duplicate' has no label
    const reasons: typeof STATUS_REASON_LABELS = {
      'study-recorded': 'x',
      'done-elsewhere': 'x',
      'patient-declined': 'x',
      'patient-request': 'x',
      'clinical-change': 'x',
      scheduling: 'x',
      'end-of-surveillance': 'x',
      other: 'x',
    }
    // @ts-expect-error 'contraindication' has no label
    const overrides: typeof OVERRIDE_REASON_LABELS = {
      'clinician-decision': 'x',
      'patient-preference': 'x',
      other: 'x',
    }
    // @ts-expect-error 'upcoming-90' has no label
    const buckets: typeof BUCKET_LABELS = {
      now: 'x',
      overdue: 'x',
      due: 'x',
      'upcoming-30': 'x',
      all: 'x',
    }
    // @ts-expect-error 'deferred' has no label
    const statuses: typeof ITEM_STATUS_LABELS = { scheduled: 'x', done: 'x', cancelled: 'x' }
    expect([triggers, reasons, overrides, buckets, statuses].map((m) => Object.keys(m).length)).toEqual([
      3, 8, 3, 5, 3,
    ])
  })

  it('every label map holds exactly its list', () => {
    const keys = (m: object) => Object.keys(m).sort()
    expect(keys(TRIGGER_LABELS)).toEqual([...RECOMMENDATION_TRIGGERS].sort())
    expect(keys(STATUS_REASON_LABELS)).toEqual([...STATUS_REASON_CODES].sort())
    expect(keys(OVERRIDE_REASON_LABELS)).toEqual([...OVERRIDE_REASON_CODES].sort())
    expect(keys(BUCKET_LABELS)).toEqual([...WORKLIST_BUCKETS].sort())
    expect(keys(ITEM_STATUS_LABELS)).toEqual([...ITEM_STATUSES].sort())
  })

  it('the database CHECK constraints list the same codes', () => {
    let sql = ''
    migration0010.up({ exec: (s: string) => (sql += s) } as never)
    // Migration 70 rebuilt the recommendation table with the trigger list of now.
    let sql70 = ''
    migration0070.up({ exec: (s: string) => (sql70 += s) } as never)
    const triggers70 = /trigger IN\s*\(([^)]*)\)/.exec(sql70)![1]!
    /** The codes of `column IN (...)`; `check` picks the item status over the lesion status. */
    const listed = (column: string, check = `${column} IN`): string[] => {
      const m = new RegExp(`${check}\\s*\\(([^)]*)\\)`).exec(sql)
      if (!m) throw new Error(`no CHECK list for ${column}`)
      return [...m[1]!.matchAll(/'([^']*)'/g)].map((x) => x[1]!)
    }
    expect([...triggers70.matchAll(/'([^']*)'/g)].map((x) => x[1]!)).toEqual([...RECOMMENDATION_TRIGGERS])
    expect(listed('status', 'CHECK \\(status IN')).toEqual([...ITEM_STATUSES])
    expect(listed('status', 'status IS NULL OR status IN')).toEqual([...LESION_STATUSES])
    expect(listed('override_reason_code')).toEqual([...OVERRIDE_REASON_CODES])
    expect(listed('grade')).toEqual([...GRADES])
    expect(listed('burden')).toEqual([...BURDENS])
    expect(listed('kind')).toEqual([...TREATMENT_KINDS])
    expect(listed('result')).toEqual([...STUDY_RESULTS])
    expect(listed('region')).toEqual([...DOSE_REGIONS])
    expect(listed('agent')).toEqual([...AGENTS])
    expect(listed('role')).toEqual([...LESION_ROLES])
    let sql60 = ''
    migration0060.up({ exec: (s: string) => (sql60 += s) } as never)
    const markers = /marker IN\s*\(([^)]*)\)/.exec(sql60)
    expect([...markers![1]!.matchAll(/'([^']*)'/g)].map((x) => x[1]!)).toEqual([...BIOMARKERS])
    let sql80 = ''
    migration0080.up({
      exec: (s: string) => (sql80 += s),
      prepare: () => ({ run: () => undefined }),
    } as never)
    const in80 = (column: string) =>
      [...new RegExp(`${column} IN \\(([^)]*)\\)`).exec(sql80)![1]!.matchAll(/'([^']*)'/g)].map((x) => x[1]!)
    expect(in80('region')).toEqual([...DOSE_REGIONS])
    expect(in80('agent')).toEqual([...AGENTS])
    // The starting procedure mappings name procedures of the pack.
    expect(MAPPINGS_V80.filter((m) => !(PROCEDURE_IDS as readonly string[]).includes(m.procedure))).toEqual(
      [],
    )
  })
})
