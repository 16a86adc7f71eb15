// Validates electron-builder.yml against electron-builder's own schema without packaging
// (packaging needs the Electron download, which CI machines here cannot make).
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config')
const { DebugLogger } = require('builder-util')
;(async () => {
  const config = await getConfig(process.cwd(), process.argv[2] ?? null, null)
  await validateConfiguration(config, new DebugLogger(false))
  console.log('electron-builder config OK:', config.appId)
})().catch((e) => {
  console.error(String(e.message ?? e))
  process.exit(1)
})
