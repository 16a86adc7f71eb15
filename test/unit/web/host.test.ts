import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openBackend, type Backend } from '../../../electron/backend/backend'
import { CONTENT_SECURITY_POLICY } from '../../../electron/serving/csp'
import { startWebHost, type WebHost } from '../../../electron/web/host'
import { patientInput, tempDir } from '../../helpers/db'

let backend: Backend
let host: WebHost
let cleanup: () => void

beforeEach(async () => {
  const t = tempDir()
  cleanup = t.cleanup
  const root = path.join(t.dir, 'renderer')
  fs.mkdirSync(root)
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>pNET</title>')
  fs.writeFileSync(path.join(t.dir, 'secret.txt'), 'outside the renderer folder')
  backend = openBackend({
    dataFile: path.join(t.dir, 'log.sqlite'),
    transport: 'web',
    version: 'test',
    user: 'dr.test',
  })
  host = await startWebHost({ handlers: backend.handlers, rendererRoot: root, log: () => undefined })
})
afterEach(async () => {
  await host.close()
  backend.close()
  cleanup()
})

/** A raw request, so Host and Origin can be set to anything (fetch would not allow it). */
function request(
  method: string,
  urlPath: string,
  opts: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        method,
        path: urlPath,
        headers: { host: `127.0.0.1:${host.port}`, ...opts.headers },
      },
      (res) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

const apiCall = (name: string, payload: unknown, headers: Record<string, string> = {}) =>
  request('POST', `/api/${name}`, {
    headers: { 'content-type': 'application/json', 'x-pnet-token': host.token, ...headers },
    body: JSON.stringify(payload),
  })

const patientCount = () => backend.db.prepare('SELECT count(*) FROM patient').pluck().get()

describe('loopback web host', () => {
  it('listens on 127.0.0.1 only, on a random port, and prints the token in the fragment', () => {
    expect(host.port).toBeGreaterThan(0)
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`)
    expect(host.token.length).toBeGreaterThanOrEqual(32)
  })

  it('answers the contract with the per-run token', async () => {
    const r = await apiCall('patients.create', patientInput())
    expect(r.status).toBe(200)
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, value: { mrn: 'MRN-0001' } })
    expect(patientCount()).toBe(1)
  })

  it('refuses calls without the token or with a wrong one, and changes nothing', async () => {
    for (const token of ['', 'x', host.token.slice(1), host.token + 'x']) {
      const r = await apiCall('patients.create', patientInput(), { 'x-pnet-token': token })
      expect(r.status).toBe(401)
      expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
    expect(patientCount()).toBe(0)
  })

  it('refuses another Host (DNS rebinding) and another Origin', async () => {
    expect((await apiCall('patients.list', { limit: 1, offset: 0 }, { host: 'evil.example' })).status).toBe(
      421,
    )
    expect(
      (await apiCall('patients.list', { limit: 1, offset: 0 }, { origin: 'https://evil.example' })).status,
    ).toBe(403)
    expect(
      (await apiCall('patients.list', { limit: 1, offset: 0 }, { origin: `http://127.0.0.1:${host.port}` }))
        .status,
    ).toBe(200)
  })

  it('refuses bad bodies with a specific error', async () => {
    const notJson = await request('POST', '/api/patients.list', {
      headers: { 'content-type': 'application/json', 'x-pnet-token': host.token },
      body: '{nope',
    })
    expect(notJson.status).toBe(400)
    expect(JSON.parse(notJson.body).error.message).toMatch(/not valid JSON/)
    const big = await apiCall('patients.list', { query: 'x'.repeat(2 * 1024 * 1024) })
    expect(big.status).toBe(413)
    const badName = await request('POST', '/api/patients.%E0%A4%A', {
      headers: { 'content-type': 'application/json', 'x-pnet-token': host.token },
      body: '{}',
    })
    expect(badName.status).toBe(400)
    expect((await apiCall('patients.list', { limit: 1, offset: 0 })).status).toBe(200)
    const get = await request('GET', '/api/patients.list', { headers: { 'x-pnet-token': host.token } })
    expect(get.status).toBe(405)
  })

  it('serves the renderer with the CSP and nothing outside its folder', async () => {
    const page = await request('GET', '/')
    expect(page.status).toBe(200)
    expect(page.body).toContain('pNET')
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/.hidden', '/nope.js']) {
      expect((await request('GET', p)).status).toBe(404)
    }
  })
})
