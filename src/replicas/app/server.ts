// The built-in app's HTTP server: answers every request after its latency, burns its CPU time, fails the
// configured fraction, and stamps its replica id. The same server runs as a cluster worker (worker.ts) and
// as a plain process (standalone.ts); only the control channel around it differs.
//
// Decisions:
// - `hang` holds requests (the connection is accepted and the request read, nothing is written). When the
//   hang is lifted (`{hang: false}` or `{reset: true}`), the held requests are served normally, with a
//   fresh latency draw; requests whose client went away meanwhile are dropped.
// - Keep-alive is on with a 65 s idle timeout, longer than any proxy's idle pool, so that the proxy is
//   always the side that closes an idle connection (otherwise a request can race the server's close).
// - drain() (SIGTERM) stops accepting, closes idle keep-alive connections, answers in-flight requests
//   with `connection: close`, and resolves once every connection is gone or `timeoutMs` passed.
// - Readiness probes carry `x-lbbench-probe` and are not counted: a connection counts from its first
//   request that is not a probe.

import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {Socket} from 'node:net'
import {performance} from 'node:perf_hooks'
import type {Random} from '../../model/random.js'
import type {AppBehaviour} from '../../model/scenario.js'
import type {BehaviourChange} from '../replica-set.js'
import {applyChange, liveBehaviour, planRequest, responseBody, type LiveBehaviour} from './behaviour.js'
import {createPreciseDelay} from './precise-delay.js'

export interface AppServerOptions {
  /** Also stamp `x-lbbench-backend` (when no balancer in front does: the `cluster` balancer). */
  stampBackend?: boolean
}

export interface AppCounts {
  connections: number
  requests: number
}

export interface AppServer {
  server: Server
  apply(change: BehaviourChange): void
  behaviour(): LiveBehaviour
  counts(): AppCounts
  /** Graceful drain: see the top of this file. */
  drain(timeoutMs: number): Promise<void>
}

export const probeHeader = 'x-lbbench-probe'
export const keepAliveTimeoutMs = 65_000

function burnCpu(ms: number): void {
  if (ms <= 0) return
  const end = performance.now() + ms
  while (performance.now() < end) {
    // busy on purpose: the `cpu` setting is CPU time spent per request
  }
}

export function createAppServer(id: string, behaviour: AppBehaviour, random: Random, opts: AppServerOptions = {}): AppServer {
  let live = liveBehaviour(behaviour)
  let draining = false
  const counts: AppCounts = {connections: 0, requests: 0}
  const held = new Set<() => void>()
  const counted = new WeakSet<Socket>()
  const bodyOf = bodyCache()
  const delay = createPreciseDelay()

  // A readiness probe asks whether the app is up; injected failures are how it behaves under load, so
  // a replica that fails every request (errorRate: 1, the fast-failure scenario) can still start.
  function serve(res: ServerResponse, probe: boolean): void {
    const drawn = planRequest(live, random)
    const plan = probe && drawn.fails ? {...drawn, fails: false, status: 200} : drawn
    const answer = () => {
      if (res.destroyed) return
      burnCpu(plan.cpuMs)
      const body = plan.fails ? Buffer.from(`injected failure ${plan.status}\n`) : bodyOf(live.current.body)
      res.writeHead(plan.status, {'content-type': 'text/plain', 'content-length': body.length, ...(draining ? {connection: 'close'} : {})})
      res.end(body)
    }
    // Timed from here (the request was read); a plain setTimeout would answer up to ~1 ms early or late.
    if (plan.latencyMs > 0) delay.after(plan.latencyMs, answer)
    else answer()
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('x-lbbench-replica', id)
    if (opts.stampBackend) res.setHeader('x-lbbench-backend', id)
    const probe = req.headers[probeHeader] !== undefined
    if (!probe) {
      counts.requests++
      // A connection counts once it carries a request that is not a readiness probe.
      if (!counted.has(req.socket)) {
        counted.add(req.socket)
        counts.connections++
      }
    }
    req.resume() // read and drop any request body so the connection can be reused
    if (!live.current.hang) return serve(res, probe)
    const go = () => {
      held.delete(go)
      serve(res, probe)
    }
    held.add(go)
    res.on('close', () => held.delete(go))
  })
  server.keepAliveTimeout = keepAliveTimeoutMs
  server.headersTimeout = keepAliveTimeoutMs + 1000

  return {
    server,
    apply(change) {
      live = applyChange(live, change)
      if (!live.current.hang) for (const go of [...held]) go()
    },
    behaviour: () => live,
    counts: () => ({...counts}),
    drain(timeoutMs) {
      draining = true
      return closeWithin(server, timeoutMs)
    },
  }
}

/** Response bodies by size, each made once (a behaviour change may bring a new size; a few are kept). */
function bodyCache(): (bytes: number) => Buffer {
  const bodies = new Map<number, Buffer>()
  return (bytes) => {
    let b = bodies.get(bytes)
    if (!b) {
      if (bodies.size > 16) bodies.clear()
      b = responseBody(bytes)
      bodies.set(bytes, b)
    }
    return b
  }
}

/** Stops accepting and closes idle connections; resolves once every connection is gone, or after `timeoutMs`. */
function closeWithin(server: Server, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs)
    timer.unref()
    server.close(() => {
      clearTimeout(timer)
      resolve()
    })
    server.closeIdleConnections()
  })
}
