// The lean engine (`balancer.engine: lean`): a forwarder on node:net sockets of its own, both ways, for a
// proxy whose own cost per request is close to nginx's. Node's HTTP server and an HTTP client library
// each build objects, header maps and streams per request; here a request is one strict parse of its
// head (request-head.ts), one write of the forwarded head on a pooled keep-alive socket (backend-pool.ts),
// a response head read only for its framing (response-head.ts) and bytes passed on as they arrive
// (attempt.ts). It serves clients itself (front.ts) instead of through node:http.

import type {AttemptHandler, EngineTarget, ForwardOptions, FrontServer, ProxyEngine} from '../engine.js'
import type {AttemptTarget} from './attempt.js'
import {LeanAttempt} from './attempt.js'
import {BackendPool} from './backend-pool.js'
import {writeHead} from './fields.js'
import {createFront, type RequestListener} from './front.js'
import type {LeanRequest, LeanResponse} from './messages.js'

export class LeanEngine implements ProxyEngine {
  readonly version = `lean node ${process.versions.node}`
  private readonly pool = new BackendPool()
  private readonly targets = new WeakMap<EngineTarget, AttemptTarget>()

  createFront(onRequest: RequestListener, tls?: {cert: Buffer; key: Buffer}): FrontServer {
    return createFront(onRequest, tls)
  }

  forward(req: LeanRequest, res: LeanResponse, target: EngineTarget, opts: ForwardOptions, handler: AttemptHandler): void {
    const h = req.head
    const body = opts.body ?? req.body
    let tail = '\r\n'
    if (h.lengthField) tail = `content-length: ${h.length}\r\n\r\n`
    else if (h.length < 0) tail = 'transfer-encoding: chunked\r\n\r\n'
    if (h.minor === 0) tail = `connection: close\r\n${tail}`
    const head = writeHead(h.bytes, h.kept, tail, 0)
    new LeanAttempt(req, res, this.attemptTarget(target), handler, body).start(this.pool, head, opts.timeoutMs)
  }

  close(): void {
    this.pool.close()
  }

  private attemptTarget(target: EngineTarget): AttemptTarget {
    let t = this.targets.get(target)
    if (!t) {
      const stamp = `x-lbbench-backend: ${target.id}\r\n`
      t = {address: this.pool.address(target.host, target.port), endOfHead: `${stamp}\r\n`, endOfClosingHead: `${stamp}connection: close\r\n\r\n`}
      this.targets.set(target, t)
    }
    return t
  }
}
