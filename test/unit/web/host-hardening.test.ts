import { randomBytes } from 'node:crypto'
import net from 'node:net'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import { startWebHost, WEB_HOST_LIMITS, webTokenProblem, type WebHost } from '../../../electron/web/host'
import { patientInput, tempDir } from '../../helpers/db'
import { makeServedFolder, PATH_TRAPS, SERVED_PATHS } from '../electron/traps'

let backend: Backend
let host: WebHost
let root: string
let cleanup: () => void
const sockets: net.Socket[] = []

beforeEach(async () => {
  const t = tempDir()
  cleanup = t.cleanup
  root = makeServedFolder(t.dir)
  backend = openBackend({
    dataFile: path.join(t.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    user: 'dr.test',
  })
  host = await startWebHost({ handlers: backend.handlers, rendererRoot: root, log: () => undefined })
})
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.destroy())
  await host.close()
  backend.close()
  cleanup()
})

/** A raw TCP connection to the host, so the bytes on the wire are exactly the test's. */
function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(host.port, '127.0.0.1', () => resolve(s))
    s.on('error', reject)
    sockets.push(s)
  })
}

/** Everything the server sends until it closes the socket, and how long that took. */
function untilClosed(s: net.Socket, limitMs: number): Promise<{ data: string; ms: number; closed: boolean }> {
  const t0 = Date.now()
  let data = ''
  s.on('data', (c: Buffer) => (data += c.toString('latin1')))
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ data, ms: Date.now() - t0, closed: false }), limitMs)
    s.on('close', () => {
      clearTimeout(timer)
      resolve({ data, ms: Date.now() - t0, closed: true })
    })
  })
}

/** Undoes HTTP/1.1 chunked transfer coding. */
function unchunk(body: string): string {
  let out = ''
  let i = 0
  for (;;) {
    const eol = body.indexOf('\r\n', i)
    const size = parseInt(body.slice(i, eol), 16)
    if (!(size > 0)) return out
    out += body.slice(eol + 2, eol + 2 + size)
    i = eol + 2 + size + 2
  }
}

/** Sends one raw request (with Connection: close) and reads the response the server sends. */
async function raw(lines: string[], body = ''): Promise<{ status: number; text: string }> {
  const s = await connect()
  const done = untilClosed(s, 10_000)
  s.write([...lines, 'Connection: close', '', body].join('\r\n'))
  const { data } = await done
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)
  const split = data.indexOf('\r\n\r\n')
  const head = data.slice(0, split)
  const rest = data.slice(split + 4)
  return { status, text: /^transfer-encoding: chunked$/im.test(head) ? unchunk(rest) : rest }
}

const patientCount = () => backend.db.prepare('SELECT count(*) FROM patient').pluck().get()
const ours = () => `127.0.0.1:${host.port}`

function createRequest(headers: string[]): [string[], string] {
  const body = JSON.stringify(patientInput())
  return [
    [
      'POST /api/patients.create HTTP/1.1',
      ...headers,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
    ],
    body,
  ]
}

describe('PNET_WEB_TOKEN strength', () => {
  it('refuses a token under 128 bits at start, with what to do', async () => {
    for (const weak of [
      'x',
      'secret',
      'a'.repeat(21) /* 126 bits of base64url */,
      randomBytes(15).toString('hex') /* 30 hex digits: 120 bits */,
      'a'.repeat(40),
      '0123456701234567012345670123456701234567'.replace(/[2-7]/g, '0'),
      `${randomBytes(16).toString('hex')}!`,
      `${randomBytes(16).toString('base64')}`,
      ' '.repeat(30),
    ]) {
      expect(webTokenProblem(weak), weak).toMatch(/PNET_WEB_TOKEN/)
      await expect(
        startWebHost({ handlers: backend.handlers, rendererRoot: root, token: weak }),
      ).rejects.toThrow(/PNET_WEB_TOKEN .*128 bits/)
    }
  })

  it('takes a random token of 22 base64url characters or 32 hex digits, and answers with it', async () => {
    expect(webTokenProblem(randomBytes(16).toString('hex'))).toBeNull()
    expect(webTokenProblem(randomBytes(17).toString('base64url').slice(0, 22))).toBeNull()
    const token = randomBytes(16).toString('base64url')
    const chosen = await startWebHost({ handlers: backend.handlers, rendererRoot: root, token })
    try {
      expect(chosen.token).toBe(token)
      const r = await fetch(`http://127.0.0.1:${chosen.port}/api/patients.list`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-pnet-token': token },
        body: JSON.stringify({ limit: 1, offset: 0 }),
      })
      expect(r.status).toBe(200)
    } finally {
      await chosen.close()
    }
  })

  it('its own random token passes its own rule', () => {
    expect(webTokenProblem(host.token)).toBeNull()
  })
})

describe('headers that must come once', () => {
  it('refuses two Host headers even when the first is ours, and changes nothing', async () => {
    for (const second of ['evil.example', ours()]) {
      const [lines, body] = createRequest([
        `Host: ${ours()}`,
        `Host: ${second}`,
        `X-Pnet-Token: ${host.token}`,
      ])
      const r = await raw(lines, body)
      expect(r.status, second).toBe(400)
      expect(JSON.parse(r.text)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
    expect(patientCount()).toBe(0)
  })

  it('refuses a repeated Origin or token header (in any letter case)', async () => {
    const cases = [
      [`Origin: http://${ours()}`, `Origin: http://${ours()}`],
      [`Origin: http://${ours()}`, 'origin: https://evil.example'],
      [`x-pnet-token: ${host.token}`],
    ]
    for (const extra of cases) {
      const [lines, body] = createRequest([`Host: ${ours()}`, `X-Pnet-Token: ${host.token}`, ...extra])
      expect((await raw(lines, body)).status, extra.join(' | ')).toBe(400)
    }
    expect(patientCount()).toBe(0)
    // The same request with each header once is answered.
    const [lines, body] = createRequest([
      `Host: ${ours()}`,
      `Origin: http://${ours()}`,
      `X-Pnet-Token: ${host.token}`,
    ])
    expect((await raw(lines, body)).status).toBe(200)
    expect(patientCount()).toBe(1)
  })
})

describe('slow and many connections', () => {
  const bound = WEB_HOST_LIMITS.requestTimeoutMs + WEB_HOST_LIMITS.checkIntervalMs + 1_500

  it('keeps every bound to a few seconds and a small number of connections', () => {
    expect(WEB_HOST_LIMITS.requestTimeoutMs).toBeLessThanOrEqual(10_000)
    expect(WEB_HOST_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(WEB_HOST_LIMITS.requestTimeoutMs)
    expect(WEB_HOST_LIMITS.keepAliveTimeoutMs).toBeLessThanOrEqual(10_000)
    expect(WEB_HOST_LIMITS.maxConnections).toBeGreaterThanOrEqual(8)
  })

  it(`closes a request whose body stalls half way within ${bound} ms, and writes nothing`, async () => {
    const body = JSON.stringify(patientInput())
    const s = await connect()
    const done = untilClosed(s, bound + 5_000)
    s.write(
      [
        'POST /api/patients.create HTTP/1.1',
        `Host: ${ours()}`,
        `X-Pnet-Token: ${host.token}`,
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body.slice(0, body.length / 2),
      ].join('\r\n'),
    )
    const r = await done
    expect(r.closed).toBe(true)
    expect(r.ms).toBeLessThan(bound)
    expect(r.data).toMatch(/^HTTP\/1\.1 408/)
    expect(patientCount()).toBe(0)
  }, 30_000)

  it(`closes a connection that stalls in its headers, or sends nothing, within ${bound} ms`, async () => {
    const half = await connect()
    const silent = await connect()
    const a = untilClosed(half, bound + 5_000)
    const b = untilClosed(silent, bound + 5_000)
    half.write(`GET /index.html HTTP/1.1\r\nHost: ${ours()}\r\n`)
    for (const r of await Promise.all([a, b])) {
      expect(r.closed).toBe(true)
      expect(r.ms).toBeLessThan(bound)
    }
  }, 30_000)

  it('closes an idle kept-alive connection after its answer within the keep-alive bound', async () => {
    const s = await connect()
    const done = untilClosed(s, WEB_HOST_LIMITS.keepAliveTimeoutMs + 5_000)
    s.write(`GET /index.html HTTP/1.1\r\nHost: ${ours()}\r\n\r\n`)
    const r = await done
    expect(r.data).toMatch(/^HTTP\/1\.1 200/)
    expect(r.closed).toBe(true)
    expect(r.ms).toBeLessThan(WEB_HOST_LIMITS.keepAliveTimeoutMs + 1_500)
  }, 30_000)

  it('refuses connections beyond the cap, and serves again once they are gone', async () => {
    const held = await Promise.all(Array.from({ length: WEB_HOST_LIMITS.maxConnections }, () => connect()))
    // Let the server accept them all before the one too many.
    await new Promise((r) => setTimeout(r, 200))
    const extra = await connect()
    const r = await untilClosed(extra, 5_000)
    expect(r.closed).toBe(true)
    expect(r.data).toBe('')
    held.forEach((s) => s.destroy())
    await new Promise((res) => setTimeout(res, 200))
    expect((await raw(['GET / HTTP/1.1', `Host: ${ours()}`])).status).toBe(200)
  }, 30_000)
})

describe('static files over HTTP (trap list in test/unit/electron/traps.ts)', () => {
  it('serves none of the path traps', async () => {
    for (const { kind, path: p } of PATH_TRAPS) {
      // The raw request line carries the path as is; a NUL or a space is not allowed in it.
      const r = await raw([`GET ${p} HTTP/1.1`, `Host: ${ours()}`])
      expect([400, 404], `${kind}: ${p} → ${r.status}`).toContain(r.status)
      expect(r.text).not.toMatch(/outside the renderer|sibling folder|root:|SECRET|hidden/)
    }
  })

  it('serves the files inside the folder, symbolic links that stay inside included', async () => {
    for (const { path: p, body } of SERVED_PATHS) {
      const r = await raw([`GET ${p} HTTP/1.1`, `Host: ${ours()}`])
      expect(r.status, p).toBe(200)
      expect(r.text).toBe(body)
    }
  })
})
