// One attempt of a request on one backend through the lean engine: the request head written in one
// piece (when the proxy is busy, at the end of the event loop's turn: write-batch.ts), the body piped
// after it, the response head read as far as framing needs (response-head.ts) and the response passed to
// the client as it arrives, with backpressure (the backend socket is paused while the client's is full).
// Outcomes as engine.ts defines them: connect failure (an error before the socket connected), reset (an
// error or close before the response was complete; `reusedSocket` when a pooled socket failed before any
// byte of a response), per-try timeout (the pool's timer for the socket, body included).
// A backend socket goes back to the pool only after a complete response to a completely written request.
// Response bytes arrive in the pool's shared read buffer: whatever is written on or kept is a copy.

import {Buffer} from 'node:buffer' // not the global one: in an ES module that is a getter, run at each use
import type {Readable} from 'node:stream'
import type {AttemptHandler, FailureKind} from '../engine.js'
import type {BackendPool, PoolAddress, PooledSocket, SocketOwner} from './backend-pool.js'
import {ChunkedFramer} from './chunked.js'
import {headEnd, HeadError, writeHead} from './fields.js'
import type {ClientWatcher, LeanRequest, LeanResponse} from './messages.js'
import {parseResponseHead, type BodyFraming} from './response-head.js'

/** A response head larger than this is refused (as a failure of the backend). */
const maxResponseHead = 64 * 1024

export interface AttemptTarget {
  /** The backend's address in the pool (BackendPool.address). */
  address: PoolAddress
  /** What ends a response head for the client: the proxy's stamp and the empty line, `x-lbbench-backend: <id>\r\n\r\n`. */
  endOfHead: string
  /** The same with `connection: close` before the empty line. */
  endOfClosingHead: string
}

export class LeanAttempt implements SocketOwner, ClientWatcher {
  private socket!: PooledSocket
  private settled = false
  private started = false
  private gotBytes = false
  private requestWritten: boolean
  private pending: Buffer | undefined
  private framing: BodyFraming = 'none'
  private left = 0
  private framer: ChunkedFramer | undefined
  private reusable = false
  private pool: BackendPool | undefined
  /** Set while the backend socket is paused for a full client socket: resumes it on the client's drain. */
  private resumeOnDrain: (() => void) | undefined

  constructor(
    private readonly req: LeanRequest,
    private readonly res: LeanResponse,
    private readonly target: AttemptTarget,
    private readonly handler: AttemptHandler,
    private readonly body: Readable | null,
  ) {
    this.requestWritten = body === null
  }

  start(pool: BackendPool, head: Buffer, timeoutMs: number): void {
    const address = this.target.address
    const socket = pool.take(address, this, timeoutMs)
    this.pool = pool
    this.socket = socket
    this.res.watcher = this
    pool.writes.write(socket, address.key, head)
    const body = this.body
    if (body) {
      body.once('end', () => (this.requestWritten = true))
      body.pipe(socket, {end: false})
    }
  }

  onData(chunk: Buffer): void {
    if (this.settled) return
    this.gotBytes = true
    if (!this.started) return this.head(chunk)
    this.forwardBody(chunk, 0)
  }

  onError(err: NodeJS.ErrnoException): void {
    if (this.settled) return
    const code = err.code ?? 'ERROR'
    if (!this.socket.connected) return this.fail('connect', code)
    this.fail(code === 'ETIMEDOUT' ? 'timeout' : 'reset', code)
  }

  onClose(): void {
    if (this.settled) return
    // A body framed by the end of the connection is complete when it closes.
    if (this.started && this.framing === 'close') return this.complete()
    this.fail('reset', 'ECONNRESET')
  }

  clientGone(): void {
    if (this.settled) return
    this.settled = true
    this.stopBody()
    this.socket.destroy()
    this.handler.onEnd(false)
  }

  onTimeout(): void {
    if (!this.settled) this.fail('timeout', 'ETIMEDOUT')
  }

  private head(chunk: Buffer): void {
    // A head that arrives in parts is kept in a buffer of its own (chunk is the pool's shared one).
    const joined = this.pending !== undefined
    let buf = joined ? Buffer.concat([this.pending!, chunk]) : chunk
    this.pending = undefined
    for (;;) {
      let end: number
      let h
      try {
        end = headEnd(buf, 0, maxResponseHead)
        if (end < 0) {
          this.pending = joined ? buf : Buffer.from(buf)
          return
        }
        h = parseResponseHead(buf, end, this.req.method === 'HEAD')
      } catch (err) {
        if (!(err instanceof HeadError)) throw err
        return this.fail('reset', 'EBADRESPONSE')
      }
      if (h.status === 101) return this.fail('reset', 'EBADRESPONSE')
      if (h.status < 200) {
        // An interim response (100, 103): passed on, the final one follows.
        this.res.socket.write(writeHead(buf, h.kept, this.target.endOfHead, 0))
        buf = buf.subarray(end)
        if (buf.length === 0) return
        continue
      }
      this.started = true
      this.framing = h.framing
      this.left = h.length
      this.reusable = h.reusable
      if (h.framing === 'chunked') this.framer = new ChunkedFramer()
      this.handler.onResponse(h.status)
      if (this.settled) return
      // A body that ends when the backend closes ends the client's connection too: nothing else frames it.
      if (h.framing === 'close') this.res.closeAfter = true
      const tail = this.res.closeAfter ? this.target.endOfClosingHead : this.target.endOfHead
      if (h.framing === 'none' || (h.framing === 'length' && h.length === 0)) {
        this.res.write(writeHead(buf, h.kept, tail, 0))
        if (end < buf.length) this.reusable = false
        return this.complete()
      }
      const bodyEnd = this.frame(buf, end)
      if (bodyEnd < 0) return
      // The head and the body's first bytes leave in one buffer, one write (one syscall, no writev).
      const first = writeHead(buf, h.kept, tail, bodyEnd - end)
      buf.copy(first, first.length - (bodyEnd - end), end, bodyEnd)
      return this.sent(first, buf, bodyEnd)
    }
  }

  private forwardBody(buf: Buffer, start: number): void {
    const end = this.frame(buf, start)
    if (end < 0) return
    this.sent(Buffer.from(buf.subarray(start, end)), buf, end)
  }

  /** Where the response's bytes in buf[start…] end (its framing followed that far); -1 when the framing broke (failed). */
  private frame(buf: Buffer, start: number): number {
    if (this.framing === 'length') {
      const end = Math.min(buf.length, start + this.left)
      this.left -= end - start
      return end
    }
    if (!this.framer) return buf.length
    let e: number
    try {
      e = this.framer.feed(buf, start, buf.length)
    } catch {
      this.fail('reset', 'EBADRESPONSE')
      return -1
    }
    return e >= 0 ? e : buf.length
  }

  /** Writes `bytes` to the client (pausing the backend while the client is full); completes at the body's end (`end` in `buf`). */
  private sent(bytes: Buffer, buf: Buffer, end: number): void {
    if (bytes.length > 0 && !this.res.write(bytes) && !this.resumeOnDrain) {
      this.socket.pause()
      this.resumeOnDrain = () => this.resumeBackend()
      this.res.socket.once('drain', this.resumeOnDrain)
    }
    const over = this.framing === 'length' ? this.left === 0 : this.framer?.done === true
    if (!over) return
    if (end < buf.length) this.reusable = false
    this.complete()
  }

  /** The backend socket reads again (a paused one would go back to the pool paused). */
  private resumeBackend(): void {
    if (!this.resumeOnDrain) return
    this.res.socket.off('drain', this.resumeOnDrain)
    this.resumeOnDrain = undefined
    this.socket.resume()
  }

  private complete(): void {
    this.settled = true
    const s = this.socket
    this.resumeBackend()
    if (this.reusable && this.requestWritten && !s.destroyed) this.pool!.give(s)
    else {
      s.owner = undefined
      this.stopBody()
      s.destroy()
    }
    this.res.done()
    this.handler.onEnd(true)
  }

  private fail(kind: FailureKind, code: string): void {
    this.settled = true
    this.stopBody()
    this.socket.owner = undefined
    this.socket.destroy()
    // Part of the response is out: the only honest signal left is to break the client's connection.
    if (this.started) this.res.destroy()
    else this.res.watcher = undefined
    this.handler.onFailure({kind, code, reusedSocket: kind === 'reset' && this.socket.reused && !this.gotBytes, responseStarted: this.started})
  }

  private stopBody(): void {
    const body = this.body
    if (!body || this.requestWritten) return
    body.unpipe(this.socket)
    // A replayed copy is ours to drop; the client's own body stays, its connection closes after the answer.
    if (body !== this.req.body) body.destroy()
  }
}
