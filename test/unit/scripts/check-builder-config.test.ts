import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/db'

const root = path.resolve(__dirname, '..', '..', '..')
const script = path.join(root, 'scripts', 'check-builder-config.cjs')
const { REQUIRED_FUSES, fuseProblems, checkBuilderConfig } = createRequire(import.meta.url)(script) as {
  REQUIRED_FUSES: Record<string, boolean>
  fuseProblems: (config: unknown) => string[]
  checkBuilderConfig: (
    cwd?: string,
    configPath?: string | null,
  ) => Promise<{ config: { electronFuses?: Record<string, boolean> }; problems: string[] }>
}

// The Electron binary cannot be packaged here, so these check the configuration electron-builder
// applies when it packages (its `electronFuses`), not the fuse bits in a built binary.
describe('Electron fuses (electron-builder.yml, scripts/check-builder-config.cjs)', () => {
  it('requires the checklist’s fuses: no run-as-node, NODE_OPTIONS or inspect flags; asar only and checked', () => {
    expect(REQUIRED_FUSES).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('the project’s configuration, as the packager reads it, sets every one', async () => {
    const { config, problems } = await checkBuilderConfig(root, null)
    expect(problems).toEqual([])
    expect(config.electronFuses).toMatchObject(REQUIRED_FUSES)
  })

  it('names each fuse that is missing or flipped the wrong way', () => {
    expect(fuseProblems({})).toEqual(['electronFuses is missing: no fuse would be flipped'])
    for (const [name, wanted] of Object.entries(REQUIRED_FUSES)) {
      expect(fuseProblems({ electronFuses: { ...REQUIRED_FUSES, [name]: !wanted } })).toEqual([
        `electronFuses.${name} must be ${wanted}, is ${!wanted}`,
      ])
      const without: Record<string, boolean> = { ...REQUIRED_FUSES }
      delete without[name]
      expect(fuseProblems({ electronFuses: without })).toEqual([
        `electronFuses.${name} must be ${wanted}, is not set`,
      ])
    }
  })

  it('npm run check:builder fails on a configuration with runAsNode on', () => {
    const { dir, cleanup } = tempDir()
    try {
      const yml = fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')
      expect(yml).toMatch(/^ {2}runAsNode: false$/m)
      const bad = path.join(dir, 'bad.yml')
      fs.writeFileSync(bad, yml.replace(/^ {2}runAsNode: false$/m, '  runAsNode: true'))
      const r = spawnSync(process.execPath, [script, bad], { cwd: root, encoding: 'utf8' })
      expect(r.status).toBe(1)
      expect(r.stderr).toContain('electronFuses.runAsNode must be false, is true')
    } finally {
      cleanup()
    }
  })
})
