// One client connection in mode tcp: a backend chosen by the strategy among those usable and not yet
// tried, a connect with the per-try timeout, and, when the connect fails (refused, reset, timed out),
// the next backend, up to balancer.retries times, as nginx's stream module and HAProxy's mode tcp do.
// Once connected, bytes go both ways unchanged, with back-pressure, until one side closes: an end is
// passed on as an end (half-close), an error as a reset, so a backend that dies mid-request fails the
// requests on that connection, which the client sees. Nothing is retried after the connect, since the
// proxy cannot know what the bytes were. Only connects count for passive health. The proxy cannot see
// requests, so a connection is idle when no byte moves either way; after the server's idleMs of that,
// both sides are closed.

import {connect, type Socket} from 'node:net'
import {performance} from 'node:perf_hooks'
import type {TcpProxyServer} from './tcp-server.js'

export class TcpForwarding {
  /** Backends tried, as a bit mask by position (positions ≥ 31 in `triedMore`). */
  private tried = 0
  private triedMore: Set<number> | undefined
  private tries = 0

  constructor(
    private readonly s: TcpProxyServer,
    private readonly client: Socket,
  ) {}

  get clientAddress(): string | undefined {
    return this.client.remoteAddress
  }

  start(): void {
    this.s.budget?.request(Date.now())
    // A client that goes away before its backend answers the connect: nothing more to do.
    this.client.on('error', () => this.client.destroy())
    this.attempt()
  }

  mayTry(i: number): boolean {
    if (i < 31) return (this.tried & (1 << i)) === 0
    return !this.triedMore?.has(i)
  }

  private attempt(): void {
    if (this.client.destroyed) return
    const i = this.s.pick(this)
    if (i < 0) {
      if (this.tries === 0) this.s.counters.noBackend += 1
      return reset(this.client)
    }
    if (this.tries > 0) this.s.counters.retries += 1
    if (i < 31) this.tried |= 1 << i
    else (this.triedMore ??= new Set()).add(i)
    this.connectTo(i)
  }

  private connectTo(i: number): void {
    this.tries += 1
    const s = this.s
    const target = s.table.targets[i]
    s.table.views[i].inflight += 1
    s.counters.attempts[i] += 1
    const startedAt = performance.now()
    const upstream = connect({host: target.host, port: target.port, allowHalfOpen: true, noDelay: true})
    const timer = s.spec.timeout > 0 ? setTimeout(() => upstream.destroy(Object.assign(new Error('connect timed out'), {code: 'ETIMEDOUT'})), s.spec.timeout) : undefined
    const failed = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      s.table.views[i].inflight -= 1
      const now = performance.now()
      s.observe(i, now - startedAt, false, now)
      s.counters.failedAttempts[i] += 1
      s.table.attemptFailed(i, Date.now(), err.code === 'ETIMEDOUT' ? 'timeout' : `connect ${err.code ?? err.message}`)
      if (this.mayRetry()) this.attempt()
      else reset(this.client)
    }
    upstream.once('error', failed)
    upstream.once('connect', () => {
      clearTimeout(timer)
      upstream.off('error', failed)
      const now = performance.now()
      s.observe(i, now - startedAt, true, now)
      s.counters.connections[i] += 1
      s.table.attemptSucceeded(i)
      this.splice(i, upstream)
    })
  }

  private mayRetry(): boolean {
    if (this.client.destroyed || this.tries - 1 >= this.s.spec.retries) return false
    if (this.s.budget && !this.s.budget.take(Date.now())) {
      this.s.counters.budgetExhausted += 1
      return false
    }
    return true
  }

  /** Both directions, byte for byte, counted; the connection is in flight for backend `i` until both sides closed. */
  private splice(i: number, upstream: Socket): void {
    const {client, s} = this
    if (client.destroyed) {
      s.table.views[i].inflight -= 1
      return void upstream.destroy()
    }
    pump(client, upstream, (n) => (s.counters.bytesToBackend[i] += n))
    pump(upstream, client, (n) => (s.counters.bytesFromBackend[i] += n))
    // Every byte passes through the client's socket (read from it or written to it), so its timer sees
    // both directions. Both sides destroyed at once end with a close each, not a reset.
    client.setTimeout(s.idleMs, () => {
      client.destroy()
      upstream.destroy()
    })
    let closed = 0
    const onClose = () => {
      if (++closed === 2) s.table.views[i].inflight -= 1
    }
    client.once('close', onClose)
    upstream.once('close', onClose)
  }
}

function reset(socket: Socket): void {
  if (!socket.destroyed) socket.resetAndDestroy()
}

/** `from`'s bytes to `to` with back-pressure; an end passed on as an end, an error as a reset. */
function pump(from: Socket, to: Socket, count: (bytes: number) => void): void {
  from.on('data', (chunk: Buffer) => {
    count(chunk.length)
    if (!to.write(chunk)) from.pause()
  })
  to.on('drain', () => from.resume())
  from.on('end', () => to.end())
  // A side that closed without its end (an error, a reset, a kill) takes the other down with a reset;
  // after an end, the other side finishes on its own.
  from.on('error', () => reset(to))
  from.on('close', () => {
    if (!from.readableEnded) reset(to)
  })
}
