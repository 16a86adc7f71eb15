import { randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Handlers } from '../contract/contract'
import { dispatch } from '../contract/dispatch'
import type { Result } from '../contract/result'
import { resolveStatic } from '../serving/static-files'
import { CONTENT_SECURITY_POLICY } from '../serving/csp'

export interface WebHost {
  readonly port: number
  readonly token: string
  /** The address to open: the token travels in the fragment, which browsers never send. */
  readonly url: string
  close(): Promise<void>
}

export interface WebHostOptions {
  handlers: Handlers
  rendererRoot: string
  /** 0 (default) picks a free port. */
  port?: number
  token?: string
  log?: (line: string) => void
}

const MAX_BODY = 1024 * 1024
const API_PREFIX = '/api/'

/**
 * The second transport: a loopback-only HTTP server that serves the built renderer and answers
 * the same contract as the Electron IPC. Every API call needs this run's random token; requests
 * for another Host (DNS rebinding) or from another Origin are refused.
 */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const expected = Buffer.from(token)
  let port = 0

  const server = http.createServer((req, res) => {
    const send = (
      status: number,
      body: string | Buffer,
      type: string,
      extra: Record<string, string> = {},
    ): void => {
      res.writeHead(status, {
        'Content-Type': type,
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Resource-Policy': 'same-origin',
        'Cache-Control': 'no-store',
        ...extra,
      })
      res.end(body)
    }
    const sendJson = (status: number, body: Result<unknown>): void =>
      send(status, JSON.stringify(body), 'application/json; charset=utf-8')
    const refuse = (status: number, message: string): void =>
      sendJson(status, { ok: false, error: { code: 'FORBIDDEN', message } })

    const host = req.headers.host ?? ''
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return refuse(421, 'Wrong host.')
    const origin = req.headers.origin
    if (origin !== undefined && origin !== `http://${host}`)
      return refuse(403, 'Cross-origin requests are refused.')

    const url = req.url ?? '/'
    if (url.startsWith(API_PREFIX)) {
      if (req.method !== 'POST') return refuse(405, 'Use POST.')
      const given = Buffer.from(String(req.headers['x-pnet-token'] ?? ''))
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return refuse(401, 'Missing or wrong session token. Open the address the host printed.')
      }
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return sendJson(415, { ok: false, error: { code: 'INVALID_REQUEST', message: 'Send JSON.' } })
      }
      let call: string
      try {
        call = decodeURIComponent(url.slice(API_PREFIX.length).split('?')[0]!)
      } catch {
        return sendJson(400, {
          ok: false,
          error: { code: 'UNKNOWN_CALL', message: 'The call name is not valid.' },
        })
      }
      const chunks: Buffer[] = []
      let size = 0
      let tooBig = false
      req.on('data', (c: Buffer) => {
        size += c.length
        if (size > MAX_BODY) tooBig = true
        else chunks.push(c)
      })
      req.on('end', () => {
        if (tooBig) {
          return sendJson(413, {
            ok: false,
            error: { code: 'INVALID_REQUEST', message: 'The request is too large.' },
          })
        }
        let payload: unknown
        try {
          payload = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined
        } catch {
          return sendJson(400, {
            ok: false,
            error: { code: 'INVALID_REQUEST', message: 'The request is not valid JSON.' },
          })
        }
        void dispatch(opts.handlers, call, payload, opts.log).then((result) => sendJson(200, result))
      })
      return
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'Only GET here.')
    const hit = resolveStatic(opts.rendererRoot, url)
    if (!hit) return send(404, 'Not found', 'text/plain; charset=utf-8')
    fs.readFile(hit.file, (err, data) => {
      if (err) return send(500, 'Cannot read file', 'text/plain; charset=utf-8')
      send(200, req.method === 'HEAD' ? Buffer.alloc(0) : data, hit.type)
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
