// The built-in proxy's HTTP (or, with balancer.tls, HTTPS) server. Per request: choose a backend through the strategy among the usable
// ones not yet tried, forward through the engine, and on a failure before any response byte reached the
// client, try another one (retries.ts). Counts everything the report shows: attempts, failures and
// responses per backend, in-flight requests per backend (per request, not per socket), refusals.
//
// The request path avoids allocations it can: one Forwarding object per request, one PickRequest shared
// by every pick (balancing.ts, which mode tcp shares), counters in arrays by backend position.

import {readFileSync} from 'node:fs'
import {createServer} from 'node:http'
import {createServer as createTlsServer} from 'node:https'
import {performance} from 'node:perf_hooks'
import type {Readable} from 'node:stream'
import type {BackendStateChange} from '../model/balancer-stats.js'
import type {HashKey} from './hash-key.js'
import {BalancedServer} from './balanced-server.js'
import {bodyStream, type AttemptFailure, type AttemptHandler, type FailureKind, type FrontListener, type FrontRequest, type FrontResponse, type FrontServer, type ProxyEngine} from './engine.js'
import type {ProxyConfig} from './messages.js'
import {ProxyCounters} from './proxy-stats.js'
import {bufferBody, hasBody, replay} from './request-body.js'
import {failureStatus, isReplayableMethod} from './retries.js'
import type {HealthEvent} from './shared-health.js'
import type {StrategyKind} from './strategies/strategy.js'

export class ProxyServer extends BalancedServer<ProxyCounters> {
  private readonly hashKey: HashKey | undefined
  protected readonly server: FrontServer

  constructor(
    config: ProxyConfig,
    readonly engine: ProxyEngine,
    definition: StrategyKind,
    onState: (change: BackendStateChange) => void,
    /**
     * A worker with shared health state (balancer.sharedState): its passive events go here, and it runs no
     * active checks of its own (the primary checks for every worker and sends the results).
     */
    share?: (event: HealthEvent) => void,
  ) {
    super(config, definition, new ProxyCounters(config.backends.map((b) => b.id), Date.now()), onState, share)
    if (definition.needsHashKey) this.hashKey = hashKeyOf(this.spec.hashKey)
    const forward: FrontListener = (req, res) => new Forwarding(this, req, res).start()
    // balancer.tls: the proxy terminates TLS; the replicas stay plain HTTP.
    const tls = config.tls && {cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key)}
    this.server = engine.createFront?.(forward, tls) ?? nodeFront(forward, tls)
  }

  close(): void {
    this.balancing.stop()
    this.server.close()
    this.server.closeAllConnections()
    this.engine.close()
  }

  /** The backend position the strategy chooses for `f`, or -1 when none is usable. */
  pick(f: Forwarding): number {
    return this.balancing.pick(f, this.hashKey && f.hashKeyValue(this.hashKey))
  }
}

/**
 * `balancer.hashKey` as the proxy reads it (validated by the scenario schema; absent = the path). Any
 * header name the schema accepts works here, `_` included, unlike in nginx and HAProxy.
 */
function hashKeyOf(key: string | undefined): HashKey {
  if (key === 'ip') return {kind: 'ip'}
  if (key?.startsWith('header:')) return {kind: 'header', name: key.slice('header:'.length).toLowerCase()}
  return {kind: 'path'}
}

/** node:http's server (node:https with balancer.tls), for the engines that do not serve clients themselves. */
function nodeFront(forward: FrontListener, tls: {cert: Buffer; key: Buffer} | undefined): FrontServer {
  const server = tls ? createTlsServer(tls, forward) : createServer(forward)
  // Load generators keep connections busy; a long idle allowance only matters between phases.
  server.keepAliveTimeout = 30_000
  return server
}

/** One client request on its way through one or more attempts. */
class Forwarding implements AttemptHandler {
  /** Backends tried, as a bit mask by position (positions ≥ 31 in `triedMore`). */
  private tried = 0
  private triedMore: Set<number> | undefined
  private tries = 0
  private staleRetried = false
  private backend = -1
  private startedAt = 0
  private methodReplayable: boolean
  /** The buffered body, replayed on each attempt. */
  private body: Buffer | undefined
  /** A body over the cap: streamed once, so no retry after it. */
  private oneShot: Readable | undefined
  private bodyOverCap = false
  private lastFailure: FailureKind = 'reset'
  /** `status NNN` when the response's status counts as a passive-health failure. */
  private statusFailure: string | undefined

  constructor(
    private readonly s: ProxyServer,
    private readonly req: FrontRequest,
    private readonly res: FrontResponse,
  ) {
    this.methodReplayable = isReplayableMethod(req.method, s.spec.retryNonIdempotent)
  }

  start(): void {
    this.s.budget?.request(Date.now())
    const body = hasBody(this.req) ? bodyStream(this.req) : null
    if (!this.methodReplayable || !body) return this.attempt()
    bufferBody(this.req, body, this.s.spec.retryBodyLimit, (r) => {
      if (r.kind === 'aborted') return
      if (r.kind === 'buffered') this.body = r.body
      else {
        this.bodyOverCap = true
        // The request's own stream, partly read: the engine reads the rest of it as it would have.
        if (r.stream !== body) this.oneShot = r.stream
      }
      this.attempt()
    })
  }

  mayTry(i: number): boolean {
    if (i < 31) return (this.tried & (1 << i)) === 0
    return !this.triedMore?.has(i)
  }

  hashKeyValue(key: HashKey): string | undefined {
    if (key.kind === 'path') return this.req.url
    if (key.kind === 'ip') return this.req.socket.remoteAddress
    const v = this.req.headers[key.name]
    return Array.isArray(v) ? v[0] : v
  }

  private attempt(): void {
    const i = this.s.pick(this)
    if (i < 0) return this.tries === 0 ? this.noBackend() : this.giveUp()
    if (this.tries > 0) this.s.counters.retries += 1
    if (i < 31) this.tried |= 1 << i
    else (this.triedMore ??= new Set()).add(i)
    this.forwardTo(i)
  }

  private forwardTo(i: number): void {
    this.tries += 1
    this.backend = i
    this.statusFailure = undefined
    this.s.table.views[i].inflight += 1
    this.s.counters.attempts[i] += 1
    this.startedAt = performance.now()
    let body: Readable | undefined
    if (this.body) body = replay(this.body)
    else if (this.oneShot) {
      body = this.oneShot
      this.oneShot = undefined
    }
    this.s.engine.forward(this.req, this.res, this.s.table.targets[i], {timeoutMs: this.s.spec.timeout, body}, this)
  }

  onResponse(status: number): void {
    this.s.counters.requests[this.backend] += 1
    if (this.s.table.passive?.countsStatus(status)) this.statusFailure = `status ${status}`
  }

  onEnd(complete: boolean): void {
    const i = this.endAttempt(complete && this.statusFailure === undefined)
    if (this.statusFailure) this.s.table.attemptFailed(i, Date.now(), this.statusFailure)
    else if (complete) this.s.table.attemptSucceeded(i)
  }

  onFailure(f: AttemptFailure): void {
    const i = this.endAttempt(false)
    // The keep-alive race: the backend closed an idle pooled socket just as this request went out. Not the
    // backend's failure; one more try on it, on a fresh or another pooled socket (Node's docs, nginx's tries++).
    if (f.kind === 'reset' && f.reusedSocket && !f.responseStarted && !this.staleRetried && this.replayable() && !this.res.destroyed) {
      this.staleRetried = true
      this.s.counters.staleSocketRetries += 1
      return this.forwardTo(i)
    }
    this.s.counters.failedAttempts[i] += 1
    this.s.table.attemptFailed(i, Date.now(), f.kind === 'timeout' ? 'timeout' : `${f.kind} ${f.code}`)
    if (f.responseStarted || this.res.destroyed) return
    this.lastFailure = f.kind
    if (this.mayRetry()) this.attempt()
    else this.giveUp()
  }

  private endAttempt(ok: boolean): number {
    const i = this.backend
    this.s.table.views[i].inflight -= 1
    const now = performance.now()
    this.s.observe(i, now - this.startedAt, ok, now)
    return i
  }

  private replayable(): boolean {
    return this.methodReplayable && !this.bodyOverCap
  }

  private mayRetry(): boolean {
    const retriesSoFar = this.tries - 1 - (this.staleRetried ? 1 : 0)
    if (retriesSoFar >= this.s.spec.retries || !this.methodReplayable) return false
    if (this.bodyOverCap) {
      this.s.counters.bodyTooLargeToRetry += 1
      return false
    }
    if (this.s.budget && !this.s.budget.take(Date.now())) {
      this.s.counters.budgetExhausted += 1
      return false
    }
    return true
  }

  private noBackend(): void {
    this.s.counters.noBackend += 1
    this.answer(503, 'none', 'no backend available\n')
  }

  private giveUp(): void {
    const status = failureStatus(this.lastFailure)
    this.answer(status, this.s.table.views[this.backend].id, status === 504 ? 'backend timed out\n' : 'backend failed\n')
  }

  private answer(status: number, backend: string, text: string): void {
    if (this.res.headersSent || this.res.destroyed) return void this.res.destroy()
    this.res.writeHead(status, {'content-type': 'text/plain', 'content-length': Buffer.byteLength(text), 'x-lbbench-backend': backend})
    this.res.end(text)
  }
}
