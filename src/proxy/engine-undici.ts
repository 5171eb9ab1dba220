// The undici engine: a hand-written forwarder on undici's lowest level, `Pool.dispatch` with a handler
// of our own (no Readable per response, no header object parsing), one keep-alive Pool per backend
// address. What it does by hand, because nothing does it for it (undici is a client, not a proxy):
// - hop-by-hop headers (RFC 9110 §7.6.1) are stripped both ways, with those the Connection header names;
//   `expect` too (undici refuses it; Node's server has already answered 100-continue to the client);
// - the response is written to the client as it arrives, with backpressure: when the client's socket is
//   full the upstream read is paused until it drains;
// - failures are classified as the http-proxy engine does: refused (connect), reset (`other side closed`
//   is reported as ECONNRESET so both engines give the same reasons), per-try timeout (our own timer,
//   one per attempt, until the response has been delivered; undici's header/body timeouts are off);
// - the client going away aborts the upstream request (its socket is closed, the backend sees it);
// - the backend failing mid-body destroys the client's response at once;
// - the incoming request body is streamed through a PassThrough of its own: undici destroys the body
//   stream it was given when a request fails, and destroying the client's request would take the client's
//   connection (and the 502 we still owe it) with it.
// `reusedSocket`: undici validates an idle socket before reusing it (a FIN or RST that arrived is noticed),
// so the keep-alive race is rarer than with http.Agent; when it still happens the socket error carries
// the bytes the socket had read before, and a socket that had read anything had served a response already.

import {createRequire} from 'node:module'
import type {IncomingMessage, ServerResponse} from 'node:http'
import {PassThrough, type Readable} from 'node:stream'
import {Pool, type Dispatcher} from 'undici'
import type {AttemptHandler, EngineTarget, FailureKind, ForwardOptions, ProxyEngine} from './engine.js'
import {connectionTokens, hopByHop} from './hop-by-hop.js'
import {hasBody} from './request-body.js'
import {httpUrl} from '../process/loopback-address.js'

/** Where the current attempt of a request is found from its response object. */
const kAttempt = Symbol('lbbench.attempt')
type Tagged<T> = T & {[kAttempt]?: Attempt}

/** Error codes that mean the connection was never made. */
const connectCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN'])
const timeoutCodes = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/** Request headers undici refuses or that must not be forwarded. */
const dropRequest = new Set([...hopByHop, 'expect'])
/** Response headers the proxy sets itself. */
const dropResponse = new Set([...hopByHop, 'x-lbbench-backend'])

/** req.rawHeaders without hop-by-hop ones, as the flat [name, value, …] list undici takes. */
function requestHeaders(raw: string[]): string[] {
  let extra: Set<string> | undefined
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 10 && raw[i].toLowerCase() === 'connection') extra = connectionTokens(raw[i + 1], extra).names
  const out: string[] = []
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase()
    if (dropRequest.has(name) || extra?.has(name)) continue
    out.push(raw[i], raw[i + 1])
  }
  return out
}

/** The response's raw headers (Buffers) without hop-by-hop ones, stamped with the backend, for writeHead. */
function responseHeaders(raw: Buffer[], backend: string): string[] {
  const out: string[] = []
  let extra: Set<string> | undefined
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toString('latin1')
    const lower = name.toLowerCase()
    const value = raw[i + 1].toString('latin1')
    if (lower === 'connection') extra = connectionTokens(value, extra).names
    if (dropResponse.has(lower)) continue
    out.push(name, value)
  }
  if (extra) {
    for (let i = out.length - 2; i >= 0; i -= 2) if (extra.has(out[i].toLowerCase())) out.splice(i, 2)
  }
  out.push('x-lbbench-backend', backend)
  return out
}

class Attempt implements Dispatcher.DispatchHandler {
  abortUpstream: ((err?: Error) => void) | undefined
  timer: NodeJS.Timeout | undefined
  /** The handler has had its last word. */
  settled = false
  /** The backend's response head arrived. */
  started = false
  resumeUpstream: (() => void) | undefined
  readonly onDrain = (): void => this.resumeUpstream?.()

  constructor(
    readonly res: Tagged<ServerResponse>,
    readonly target: EngineTarget,
    readonly handler: AttemptHandler,
    readonly body: Readable | null,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    // Settled while it waited for a connection (timed out, the client left): it never goes out.
    if (this.settled) return abort()
    this.abortUpstream = abort
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (this.settled) return false
    const res = this.res
    if (res.destroyed) return false
    this.started = true
    this.resumeUpstream = resume
    res.writeHead(statusCode, statusText || undefined, responseHeaders(rawHeaders, this.target.id))
    this.handler.onResponse(statusCode)
    return true
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return false
    if (this.res.write(chunk)) return true
    this.res.once('drain', this.onDrain)
    return false
  }

  onComplete(): void {
    if (this.settled) return
    // The attempt ends when the response has reached the client (res `close`), as in the http-proxy engine.
    this.res.end()
  }

  onError(err: Error): void {
    if (this.settled) return
    const e = err as NodeJS.ErrnoException & {socket?: {bytesRead?: number}}
    const code = e.code ?? 'ERROR'
    let kind: FailureKind = 'reset'
    let reported = code
    if (connectCodes.has(code)) kind = 'connect'
    else if (timeoutCodes.has(code)) {
      kind = 'timeout'
      reported = 'ETIMEDOUT'
    } else if (code === 'UND_ERR_SOCKET') reported = 'ECONNRESET'
    this.fail(kind, reported, code === 'UND_ERR_SOCKET' && !this.started && (e.socket?.bytesRead ?? 0) > 0)
  }

  fail(kind: FailureKind, code: string, reusedSocket = false): void {
    this.settled = true
    clearTimeout(this.timer)
    this.abortUpstream?.()
    if (this.body && !this.body.destroyed) this.body.destroy()
    // Headers (or part of the body) may be out: the only honest signal left is to break the connection.
    if (this.started) this.res.destroy()
    this.handler.onFailure({kind, code, reusedSocket, responseStarted: this.started})
  }
}

function onAttemptTimeout(a: Attempt): void {
  if (!a.settled) a.fail('timeout', 'ETIMEDOUT')
}

function onClientClose(this: Tagged<ServerResponse>): void {
  const a = this[kAttempt]
  if (!a || a.settled) return
  a.settled = true
  clearTimeout(a.timer)
  const complete = this.writableFinished
  if (!complete) {
    a.abortUpstream?.()
    if (a.body && !a.body.destroyed) a.body.destroy()
  }
  a.handler.onEnd(complete)
}

export class UndiciEngine implements ProxyEngine {
  readonly version = `undici ${(createRequire(import.meta.url)('undici/package.json') as {version: string}).version}`
  private readonly pools = new Map<string, Pool>()
  private readonly byTarget = new WeakMap<EngineTarget, Pool>()
  /** The origin each backend (by id) was last sent to, so a pool no backend uses any more can be closed. */
  private readonly originOf = new Map<string, string>()

  forward(req: IncomingMessage, res: Tagged<ServerResponse>, target: EngineTarget, opts: ForwardOptions, handler: AttemptHandler): void {
    let body: Readable | null = opts.body ?? null
    if (!body && hasBody(req)) body = req.pipe(new PassThrough())
    const a = new Attempt(res, target, handler, body)
    if (res[kAttempt] === undefined) res.on('close', onClientClose)
    res[kAttempt] = a
    if (opts.timeoutMs > 0) a.timer = setTimeout(onAttemptTimeout, opts.timeoutMs, a)
    try {
      this.pool(target).dispatch({path: req.url ?? '/', method: req.method ?? 'GET', headers: requestHeaders(req.rawHeaders), body}, a)
    } catch (err) {
      // Headers undici will not send are thrown synchronously.
      a.onError(err as Error)
    }
  }

  close(): void {
    for (const p of this.pools.values()) void p.destroy().catch(() => {})
    this.pools.clear()
  }

  /** The backend addresses it holds a pool for (tests count them). */
  origins(): string[] {
    return [...this.pools.keys()]
  }

  private pool(target: EngineTarget): Pool {
    let p = this.byTarget.get(target)
    if (p) return p
    const origin = httpUrl(target)
    const previous = this.originOf.get(target.id)
    this.originOf.set(target.id, origin)
    if (previous !== undefined && previous !== origin) this.retire(previous)
    p = this.pools.get(origin)
    if (!p) {
      p = new Pool(origin, {
        // Idle sockets are closed after 4 s, before Node backends' 5 s keepAliveTimeout closes them.
        keepAliveTimeout: 4000,
        keepAliveMaxTimeout: 4000,
        // The per-try timeout is ours (it covers the body too); 0 = none, as with the http-proxy engine.
        headersTimeout: 0,
        bodyTimeout: 0,
      })
      this.pools.set(origin, p)
    }
    this.byTarget.set(target, p)
    return p
  }

  /**
   * A backend moved off `origin` (a replica back on another port). Unless another backend still uses that
   * address, its pool is closed and forgotten. Kept, it would hold its Clients (as many as requests were
   * ever in flight to it at once; about 45 KB for 8) until the proxy exits, one more pool with every such
   * restart of a long run. `close()` lets requests still running on it finish; no new ones reach it, as
   * every attempt goes to the backend's current target.
   */
  private retire(origin: string): void {
    for (const o of this.originOf.values()) if (o === origin) return
    const p = this.pools.get(origin)
    if (!p) return
    this.pools.delete(origin)
    void p.close().catch(() => {})
  }
}
