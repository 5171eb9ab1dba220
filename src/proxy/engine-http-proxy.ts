// The http-proxy engine: http-proxy 1.18.1 (the library the project asked for), with the fixes it
// needs on Node 20, each of which is a real failure without it:
// - a keep-alive agent (without one every request opens a new TCP connection and sends `Connection: close`);
//   idle pooled sockets are closed after 4 s, before Node backends' 5 s keepAliveTimeout closes them;
// - the backend dying mid-body: http-proxy pipes proxyRes to the client with no error path, so the client
//   hangs until its own timeout. On proxyRes `error`/`aborted` the client's response is destroyed;
// - the client going away: http-proxy listens for `req.on('aborted')`, which no longer fires reliably, so
//   the backend keeps working. On res `close` before it finished, the request to the backend is destroyed;
// - errors: a callback per call (no callback and no listener = a crash); after the response began the
//   client's response is destroyed, before it the server decides (retry, 502/504);
// - the per-try timeout: http-proxy's `proxyTimeout` aborts and then reports a plain `socket hang up`
//   reset, so the timeout is our own timer (one per attempt, running until the response has been
//   delivered) with a flag that tells it from a real reset;
// - `reusedSocket` is reported, so the server can retry the keep-alive race (a pooled socket the backend
//   closed just as the request went out) once on the same backend.
// Known gap: http-proxy announces its outgoing request (`proxyReq`) only when the request has no `Expect`
// header; for such requests a timeout cannot destroy the outgoing request, only give up on it.

import {Agent, type ClientRequest, type IncomingMessage, type ServerResponse} from 'node:http'
import {createRequire} from 'node:module'
import httpProxy from 'http-proxy'
import type {AttemptHandler, EngineTarget, FailureKind, ForwardOptions, ProxyEngine} from './engine.js'

/** Where the current attempt of a request is found from its response objects. */
const kAttempt = Symbol('lbbench.attempt')
/** http-proxy copies per-call options with Object.keys, so this key must be a string. */
const attemptOption = 'lbbenchAttempt'

type Tagged<T> = T & {[kAttempt]?: Attempt}

/** Error codes that mean the connection was never made. */
const connectCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN'])

/** What http-proxy needs of a target, parsed once per backend address instead of url.parse per request. */
interface ParsedTarget {
  protocol: 'http:'
  host: string
  hostname: string
  port: number
}

class Attempt {
  proxyReq: ClientRequest | undefined
  timer: NodeJS.Timeout | undefined
  /** The handler has had its last word. */
  settled = false
  /** The backend's response head arrived. */
  started = false
  timedOut = false
  readonly onError: (err: Error) => void

  constructor(
    readonly res: ServerResponse,
    readonly target: EngineTarget,
    readonly handler: AttemptHandler,
    readonly timeoutMs: number,
  ) {
    this.onError = (err) => this.errored(err)
  }

  errored(err: NodeJS.ErrnoException): void {
    if (this.settled) return
    if (this.timedOut) return this.fail('timeout', 'ETIMEDOUT')
    const code = err.code ?? 'ERROR'
    this.fail(code === 'ETIMEDOUT' ? 'timeout' : connectCodes.has(code) ? 'connect' : 'reset', code)
  }

  fail(kind: FailureKind, code: string): void {
    this.settled = true
    clearTimeout(this.timer)
    const proxyReq = this.proxyReq
    if (proxyReq && !proxyReq.destroyed) proxyReq.destroy()
    // Headers (or part of the body) may be out: the only honest signal left is to break the connection.
    if (this.started) this.res.destroy()
    this.handler.onFailure({kind, code, reusedSocket: proxyReq?.reusedSocket ?? false, responseStarted: this.started})
  }
}

function onAttemptTimeout(a: Attempt): void {
  if (a.settled) return
  a.timedOut = true
  a.fail('timeout', 'ETIMEDOUT')
}

function onProxyResBroken(this: Tagged<IncomingMessage>, err?: NodeJS.ErrnoException): void {
  const a = this[kAttempt]
  if (!a || a.settled) return
  a.fail('reset', err?.code ?? 'ECONNRESET')
}

function onClientClose(this: Tagged<ServerResponse>): void {
  const a = this[kAttempt]
  if (!a || a.settled) return
  a.settled = true
  clearTimeout(a.timer)
  const complete = this.writableFinished
  if (!complete && a.proxyReq && !a.proxyReq.destroyed) a.proxyReq.destroy()
  a.handler.onEnd(complete)
}

export class HttpProxyEngine implements ProxyEngine {
  readonly version = `http-proxy ${(createRequire(import.meta.url)('http-proxy/package.json') as {version: string}).version}`
  private readonly agent = new Agent({keepAlive: true, maxFreeSockets: 256, timeout: 4000, scheduling: 'lifo'})
  private readonly proxy = httpProxy.createProxyServer({agent: this.agent, xfwd: false, ws: false})
  private readonly targets = new WeakMap<EngineTarget, ParsedTarget>()

  constructor() {
    this.proxy.on('proxyReq', (proxyReq, _req, _res, options) => {
      const a = (options as Record<string, unknown>)[attemptOption] as Attempt
      a.proxyReq = proxyReq
      if (a.settled) proxyReq.destroy()
    })
    this.proxy.on('proxyRes', (proxyRes: Tagged<IncomingMessage>, _req, res: Tagged<ServerResponse>) => {
      const a = res[kAttempt]
      if (!a || a.settled) return
      a.started = true
      proxyRes[kAttempt] = a
      proxyRes.headers['x-lbbench-backend'] = a.target.id
      proxyRes.on('error', onProxyResBroken)
      proxyRes.on('aborted', onProxyResBroken)
      a.handler.onResponse(proxyRes.statusCode ?? 0)
    })
    // Every web() call has its own callback; this listener only keeps http-proxy from throwing on
    // anything that would still reach its `error` event.
    this.proxy.on('error', () => {})
  }

  forward(req: IncomingMessage, res: Tagged<ServerResponse>, target: EngineTarget, opts: ForwardOptions, handler: AttemptHandler): void {
    const a = new Attempt(res, target, handler, opts.timeoutMs)
    if (res[kAttempt] === undefined) res.on('close', onClientClose)
    res[kAttempt] = a
    if (opts.timeoutMs > 0) a.timer = setTimeout(onAttemptTimeout, opts.timeoutMs, a)
    try {
      this.proxy.web(req, res, {target: this.parsed(target), buffer: opts.body, [attemptOption]: a} as httpProxy.ServerOptions, a.onError)
    } catch (err) {
      // http.request throws synchronously on headers it cannot send.
      a.errored(err as NodeJS.ErrnoException)
    }
  }

  close(): void {
    this.agent.destroy()
    this.proxy.close()
  }

  private parsed(target: EngineTarget): ParsedTarget {
    let t = this.targets.get(target)
    if (!t) {
      t = {protocol: 'http:', host: target.host, hostname: target.host, port: target.port}
      this.targets.set(target, t)
    }
    return t
  }
}
