import fs from 'node:fs'
import path from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

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
    ['engine/x.ts', "import Database from 'better-sqlite3'"],
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
    ['db/x.ts', "import type { Case } from '../engine/types'"],
    ['renderer/src/x.ts', "import type { PnetApi } from '../../electron/contract/contract'"],
    ['electron/main/window.ts', "import type { BrowserWindow } from 'electron'"],
    ['electron/main/index.ts', "import { app } from 'electron'"],
    ['electron/backend/x.ts', "import { openDatabase } from '../../db/open'"],
    ['electron/backend/x.ts', "import log from 'electron-log/node'"],
    ['engine/x.ts', "import { z } from 'zod'"],
    ['db/x.ts', "import { type Case } from '../engine/types'"],
    ['renderer/src/x.ts', "import { useVirtualizer } from '@tanstack/react-virtual'"],
    ['electron/serving/x.ts', "import fs from 'node:fs'"],
    ['electron/web/x.ts', "import { resolveStatic } from '../serving/static-files'"],
    ['electron/main/app.ts', "import { CONTENT_SECURITY_POLICY } from '../serving/csp'"],
    ['electron/contract/x.ts', "import type { DB } from '../../db/open'"],
    ['electron/contract/x.ts', "import { K_FACTOR_SETS } from '../../engine/types'"],
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
