// Validates electron-builder.yml against electron-builder's own schema without packaging
// (packaging needs the Electron download, which CI machines here cannot make), and asserts the
// Electron fuses the packager flips in the binary (Electron security checklist item 19). The
// packaged binary itself cannot be read here; a release machine checks it with
// `npx @electron/fuses read --app <the packaged app>`.
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config')
const { DebugLogger } = require('builder-util')

/** The fuses every build must set, and to what (docs/security.md, "Hardening"). */
const REQUIRED_FUSES = Object.freeze({
  // The binary cannot be started as a plain Node.js (ELECTRON_RUN_AS_NODE).
  runAsNode: false,
  // Cookies on disk are encrypted with the OS keychain's key.
  enableCookieEncryption: true,
  // NODE_OPTIONS and NODE_EXTRA_CA_CERTS are ignored.
  enableNodeOptionsEnvironmentVariable: false,
  // --inspect, --inspect-brk and friends are ignored: no debugger can attach to main.
  enableNodeCliInspectArguments: false,
  // app.asar is checked against the hash embedded at packaging (macOS, Windows).
  enableEmbeddedAsarIntegrityValidation: true,
  // The app is loaded only from app.asar, never from a loose app folder beside it.
  onlyLoadAppFromAsar: true,
  // file:// pages get no extra privileges (we serve from app://, never file://).
  grantFileProtocolExtraPrivileges: false,
})

/** What is wrong with a resolved electron-builder configuration's fuses ([] when nothing). */
function fuseProblems(config) {
  const fuses = config && config.electronFuses
  if (!fuses || typeof fuses !== 'object') return ['electronFuses is missing: no fuse would be flipped']
  const problems = []
  for (const [name, wanted] of Object.entries(REQUIRED_FUSES)) {
    if (fuses[name] !== wanted)
      problems.push(
        `electronFuses.${name} must be ${wanted}, is ${fuses[name] === undefined ? 'not set' : fuses[name]}`,
      )
  }
  return problems
}

/** Reads and schema-checks the configuration (the file the packager reads), then checks the fuses. */
async function checkBuilderConfig(cwd = process.cwd(), configPath = null) {
  const config = await getConfig(cwd, configPath, null)
  await validateConfiguration(config, new DebugLogger(false))
  return { config, problems: fuseProblems(config) }
}

module.exports = { REQUIRED_FUSES, fuseProblems, checkBuilderConfig }

if (require.main === module) {
  checkBuilderConfig(process.cwd(), process.argv[2] ?? null)
    .then(({ config, problems }) => {
      if (problems.length) {
        console.error(
          `electron-builder config ${config.appId}: fuses not as required:\n  ${problems.join('\n  ')}`,
        )
        process.exit(1)
      }
      console.log(
        'electron-builder config OK:',
        config.appId,
        `(${Object.keys(REQUIRED_FUSES).length} fuses as required)`,
      )
    })
    .catch((e) => {
      console.error(String(e.message ?? e))
      process.exit(1)
    })
}
