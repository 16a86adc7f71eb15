import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

// A real Orthanc (Debian's `orthanc` with the `orthanc-dicomweb` plugin) for the tests: its own
// JSON configuration, storage and index in a temporary folder, HTTP on 127.0.0.1 at a free port,
// no DICOM network port, remote access off, optional HTTP basic authentication. Started by the
// test, waited for (bounded), and stopped after.

export const ORTHANC_BINARY = process.env['ORTHANC_BINARY'] ?? '/usr/sbin/Orthanc'
export const DICOMWEB_PLUGIN =
  process.env['ORTHANC_DICOMWEB_PLUGIN'] ?? '/usr/share/orthanc/plugins/libOrthancDicomWeb.so'

export interface RunningOrthanc {
  /** http://127.0.0.1:PORT */
  url: string
  /** The DICOMweb root: `${url}/dicom-web`. */
  dicomWeb: string
  /** `Authorization` header value when authentication is on. */
  auth: string | null
  /** Stores a DICOM instance (REST `POST /instances`). */
  upload(bytes: Uint8Array): Promise<void>
  stop(): Promise<void>
}

/** A TCP port nobody listens on now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

export async function startOrthanc(
  opts: { user?: { name: string; password: string }; startTimeoutMs?: number } = {},
): Promise<RunningOrthanc> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnet-orthanc-'))
  const port = await freePort()
  const config = {
    Name: 'pnet-test',
    StorageDirectory: path.join(dir, 'storage'),
    IndexDirectory: path.join(dir, 'index'),
    HttpPort: port,
    HttpBindAddress: '127.0.0.1',
    DicomServerEnabled: false,
    DicomPort: await freePort(),
    RemoteAccessAllowed: false,
    AuthenticationEnabled: opts.user !== undefined,
    RegisteredUsers: opts.user ? { [opts.user.name]: opts.user.password } : {},
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: true, StudiesMetadata: 'Full' },
    HttpDescribeErrors: true,
    ConcurrentJobs: 1,
    HttpThreadsCount: 4,
    StableAge: 1,
    SaveJobs: false,
  }
  const configFile = path.join(dir, 'orthanc.json')
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2))
  const child: ChildProcess = spawn(ORTHANC_BINARY, [configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()))
  const url = `http://127.0.0.1:${port}`
  const auth = opts.user
    ? `Basic ${Buffer.from(`${opts.user.name}:${opts.user.password}`).toString('base64')}`
    : null
  const headers: Record<string, string> = auth ? { Authorization: auth } : {}

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(killTimer)
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000)
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`Orthanc exited (${child.exitCode}) before answering:\n${output.slice(-2000)}`)
    }
    try {
      const r = await fetch(`${url}/system`, { headers, signal: AbortSignal.timeout(1_000) })
      if (r.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`Orthanc did not answer on ${url} in time:\n${output.slice(-2000)}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }

  return {
    url,
    dicomWeb: `${url}/dicom-web`,
    auth,
    upload: async (bytes) => {
      const r = await fetch(`${url}/instances`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/dicom' },
        body: Buffer.from(bytes),
        signal: AbortSignal.timeout(10_000),
      })
      if (!r.ok) throw new Error(`Orthanc refused the instance: ${r.status} ${await r.text()}`)
    },
    stop,
  }
}
