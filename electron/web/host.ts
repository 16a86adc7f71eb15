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
  /** The session token (`PNET_WEB_TOKEN`); at least 128 bits (`webTokenProblem`), else a random one. */
  token?: string
  log?: (line: string) => void
}

const MAX_BODY = 1024 * 1024
const API_PREFIX = '/api/'

/**
 * Bounds on what one client can hold open. The page is one browser tab on this computer: it needs
 * a handful of connections and sends each request (at most 1 MiB) in well under a second.
 */
export const WEB_HOST_LIMITS = {
  /** Whole request line and headers, from the connection's first byte. */
  headersTimeoutMs: 5_000,
  /** Whole request, body included: a stalled body is answered 408 and the socket closed. */
  requestTimeoutMs: 5_000,
  /** How often Node checks the two timeouts above (its default is 30 s). */
  checkIntervalMs: 500,
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** Requests on one kept-alive connection before it is closed. */
  maxRequestsPerSocket: 1_000,
  /** Open connections at once; one more is closed at once. */
  maxConnections: 32,
} as const

/** Base64url alphabet (hex is a subset). */
const TOKEN_ALPHABET = /^[A-Za-z0-9_-]+$/
const TOKEN_BITS = 128

/**
 * Why a chosen `PNET_WEB_TOKEN` is refused, or null when it is strong enough: at least 128 bits,
 * counted as 6 bits per base64url character (22 or more) or 4 per hex digit (32 or more), and not
 * a run of a few repeated characters.
 */
export function webTokenProblem(token: string): string | null {
  const hint =
    `PNET_WEB_TOKEN needs at least ${TOKEN_BITS} bits: 22 or more characters of A-Z a-z 0-9 - _ ` +
    'or 32 or more hex digits, chosen at random (for example `openssl rand -hex 16`). Leave it unset ' +
    'and the host makes a random one for each start.'
  if (!TOKEN_ALPHABET.test(token)) return `PNET_WEB_TOKEN holds characters outside A-Z a-z 0-9 - _. ${hint}`
  const bitsPerChar = /^[0-9a-fA-F]+$/.test(token) ? 4 : 6
  if (token.length * bitsPerChar < TOKEN_BITS)
    return `PNET_WEB_TOKEN is too short (${token.length} character${token.length === 1 ? '' : 's'}). ${hint}`
  if (new Set(token).size < 8) return `PNET_WEB_TOKEN repeats too few different characters. ${hint}`
  return null
}

/** Headers that must come exactly once (or not at all): a second Host or token is refused. */
const SINGLE_HEADERS = ['host', 'origin', 'x-pnet-token', 'content-type', 'content-length']

function repeatedHeader(rawHeaders: readonly string[]): string | null {
  const seen = new Set<string>()
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase()
    if (!SINGLE_HEADERS.includes(name)) continue
    if (seen.has(name)) return name
    seen.add(name)
  }
  return null
}

/**
 * The second transport: a loopback-only HTTP server that serves the built renderer and answers
 * the same contract as the Electron IPC. Every API call needs this run's random token; requests
 * for another Host (DNS rebinding) or from another Origin are refused.
 */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  if (opts.token !== undefined) {
    const problem = webTokenProblem(opts.token)
    if (problem) throw new Error(problem)
  }
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const expected = Buffer.from(token)
  let port = 0
  const limits = WEB_HOST_LIMITS

  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
    },
    (req, res) => {
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

      const twice = repeatedHeader(req.rawHeaders)
      if (twice) return refuse(400, `The ${twice} header is given more than once.`)
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
    },
  )
  server.maxConnections = limits.maxConnections
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket

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
