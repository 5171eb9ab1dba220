// The lean engine's front: client connections on node:net (read into a shared buffer: shared-reads.ts) or
// node:tls (with balancer.tls), read by its own strict parser (request-head.ts), one request at a time per
// connection. Requests the client sends ahead (pipelining) wait in the buffer until the response before
// them is done. A head the parser refuses gets its status (400, 417, 431, 501, 505) and the connection is
// closed (RFC 9112 §6.3, §9.6): nothing after a refused head is ever read, so nothing after it can be
// smuggled through.

import {Buffer} from 'node:buffer' // not the global one: in an ES module that is a getter, run at each use
import {createServer as createNetServer, type Server, type Socket} from 'node:net'
import {STATUS_CODES} from 'node:http'
import {createServer as createTlsServer} from 'node:tls'
import type {FrontServer} from '../engine.js'
import {ChunkedFramer} from './chunked.js'
import {CR, LF} from './chars.js'
import {headEnd, HeadError} from './fields.js'
import {IdleSweep} from './idle-sweep.js'
import {LeanRequest, LeanResponse, type ClientSide} from './messages.js'
import {parseRequestHead} from './request-head.js'
import {readIntoShared} from './shared-reads.js'

/** Node's default limit for a request head (--max-http-header-size), kept for the same clients. */
export const maxRequestHead = 16 * 1024
/**
 * A connection is closed when this long passes after it opened or after its last response without a
 * request in progress (as the node:http server's keepAliveTimeout; a head still arriving then is cut off,
 * as nginx's client_header_timeout does), found by a sweep of the connections every thirtieth of it, each
 * second (idle-sweep.ts): so a connection is closed 30 to 31 s after its last response.
 */
const idleClientMs = 30_000
const sweepsPerIdle = 30

export type RequestListener = (req: LeanRequest, res: LeanResponse) => void

/**
 * `idleMs`: how long a connection may stay idle (30 s; tests pass less). `sharedReads`: plain connections
 * read into a shared buffer (shared-reads.ts; tests turn it off to try the other way).
 */
export function createFront(onRequest: RequestListener, tls?: {cert: Buffer; key: Buffer}, idleMs = idleClientMs, sharedReads = true): FrontServer {
  const connections = new Set<ClientConnection>()
  const sweeps = new IdleSweep(idleMs, sweepsPerIdle, () => {
    for (const c of connections) c.closeIfExpired()
  })
  const accept = (socket: Socket, fed: boolean): ClientConnection => {
    const c = new ClientConnection(socket, onRequest, sweeps, fed)
    connections.add(c)
    socket.once('close', () => connections.delete(c))
    return c
  }
  const server: Server = tls ? createTlsServer(tls, (s) => accept(s, false)) : createNetServer({noDelay: true}, (s) => accept(s, false))
  if (!tls && sharedReads) {
    readIntoShared(server, (socket) => {
      const c = accept(socket, true)
      return (bytes) => c.received(bytes)
    })
  }
  server.once('close', () => sweeps.stop())
  return Object.assign(server, {
    closeAllConnections: () => {
      for (const c of connections) c.socket.destroy()
    },
  })
}

class ClientConnection implements ClientSide {
  /** Bytes received and not yet handled (the start of a head, requests sent ahead). */
  private pending: Buffer | undefined
  private res: LeanResponse | undefined
  /** The body of the current request still to come: a byte count, or its chunked framing. */
  private bodyLeft = 0
  private framer: ChunkedFramer | undefined
  private parsing = false
  private closing = false
  /** The sweep count when the connection opened or its last response was done (idle-sweep.ts). */
  private idleSince: number

  constructor(
    readonly socket: Socket,
    private readonly onRequest: RequestListener,
    private readonly sweeps: IdleSweep,
    /** Its bytes are handed to `received` by shared-reads.ts rather than read here through 'data'. */
    fed: boolean,
  ) {
    socket.setNoDelay(true)
    this.idleSince = sweeps.count
    if (!fed) socket.on('data', (chunk: Buffer) => this.received(chunk))
    socket.on('error', () => socket.destroy())
    socket.on('close', () => this.closed())
  }

  resumeBody(): void {
    if (!this.closing) this.socket.resume()
  }

  responseDone(res: LeanResponse): void {
    if (res !== this.res) return
    this.res = undefined
    this.idleSince = this.sweeps.count
    if (res.closeAfter || !res.req.complete) {
      this.closing = true
      this.socket.end()
      return
    }
    if (this.pending && !this.parsing) this.next()
  }

  /** Bytes from the client (its own: kept as they are for a head still arriving or a request sent ahead). */
  received(chunk: Buffer): void {
    if (this.closing) return
    const res = this.res
    if (res && !res.req.complete) {
      const used = this.body(res.req, chunk, 0)
      if (used === chunk.length) return
      chunk = chunk.subarray(used)
    }
    this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk
    if (this.res) {
      // Requests sent ahead wait; a client that sends far ahead waits for the responses first.
      if (this.pending.length > maxRequestHead) this.socket.pause()
      return
    }
    this.next()
  }

  /** Handles the heads in `pending`, one request at a time. */
  private next(): void {
    this.parsing = true
    try {
      while (this.pending && !this.res && !this.closing) if (!this.nextHead(this.pending)) break
    } finally {
      this.parsing = false
    }
    if (!this.res && !this.closing && this.socket.isPaused()) this.socket.resume()
  }

  /** Starts the request whose head begins `buf`; false when that head has not all arrived yet (kept in `pending`). */
  private nextHead(buf: Buffer): boolean {
    let start = 0
    // RFC 9112 §2.2: empty lines before a request-line are ignored.
    while (buf[start] === CR && buf[start + 1] === LF) start += 2
    let end: number
    let req: LeanRequest
    try {
      end = headEnd(buf, start, maxRequestHead)
      if (end < 0) {
        this.pending = start === buf.length ? undefined : buf.subarray(start)
        return false
      }
      req = new LeanRequest(parseRequestHead(buf, start, end), this)
    } catch (err) {
      if (!(err instanceof HeadError)) throw err
      this.refuse(err.status)
      return true
    }
    const res = new LeanResponse(req, this)
    this.res = res
    this.pending = undefined
    if (req.head.expectContinue) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n', 'latin1')
    if (!req.complete) {
      if (req.head.length > 0) this.bodyLeft = req.head.length
      else this.framer = new ChunkedFramer()
    }
    let used = end
    if (!req.complete && end < buf.length) used = this.body(req, buf, end)
    if (this.res !== res) return true // its body broke the rules already (brokenBody)
    if (used < buf.length) this.pending = buf.subarray(used)
    this.onRequest(req, res)
    return true
  }

  /** Passes the body bytes of buf[start…] to `req`; returns where its body ended (or buf.length). */
  private body(req: LeanRequest, buf: Buffer, start: number): number {
    let end: number
    if (this.framer) {
      try {
        end = this.framer.feed(buf, start, buf.length)
      } catch {
        this.brokenBody()
        return buf.length
      }
      if (end < 0) end = buf.length
    } else {
      end = Math.min(buf.length, start + this.bodyLeft)
      this.bodyLeft -= end - start
    }
    const body = req.body!
    const more = body.push(start === 0 && end === buf.length ? buf : buf.subarray(start, end))
    if (this.framer ? this.framer.done : this.bodyLeft === 0) {
      this.framer = undefined
      req.complete = true
      body.push(null)
    } else if (!more) this.socket.pause()
    return end
  }

  /**
   * A chunked body that breaks the rules: the request cannot be completed and nothing after it can be
   * trusted. The attempt on it is abandoned (as when a client goes away), and the client gets a 400 if
   * no response has begun, then the connection closes.
   */
  private brokenBody(): void {
    const res = this.res!
    this.res = undefined
    this.framer = undefined
    const answered = res.headersSent
    res.req.body?.destroy()
    res.clientClosed()
    if (answered) this.socket.destroy()
    else this.refuse(400)
  }

  private refuse(status: number): void {
    this.closing = true
    this.pending = undefined
    const text = `${STATUS_CODES[status]}\n`
    this.socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: text/plain\r\ncontent-length: ${text.length}\r\nconnection: close\r\n\r\n${text}`, 'latin1')
  }

  /** Closed when idle for longer than the idle time, not while a request is in progress. */
  closeIfExpired(): void {
    if (this.res === undefined && this.sweeps.expired(this.idleSince)) this.socket.destroy()
  }

  private closed(): void {
    this.closing = true
    const res = this.res
    if (!res) return
    this.res = undefined
    if (!res.req.complete) res.req.body?.destroy()
    res.clientClosed()
  }
}
