// The lean engine's request and response objects: what the proxy server reads of a client request and
// answers through, on a client connection of the lean front (front.ts): the shape of node:http's
// IncomingMessage and ServerResponse as far as the server uses them, except that a request's body is an
// object of its own (engine.ts HeadedRequest), made only when the head says a body follows. The body is a
// Readable of its bytes exactly as received (chunked framing included), so it is forwarded, buffered or
// replayed without being decoded and encoded again.

import {STATUS_CODES} from 'node:http'
import {Readable} from 'node:stream'
import type {Socket} from 'node:net'
import {headersOf, requestTarget, type RequestHead} from './request-head.js'

/** The connection side a request and its response need (front.ts implements it). */
export interface ClientSide {
  readonly socket: Socket
  /** The body's reader wants more: resume reading the socket. */
  resumeBody(): void
  /** The response is complete: the connection goes on to the next request, or closes. */
  responseDone(res: LeanResponse): void
}

export class LeanRequest {
  readonly method: string
  /** The body has been read in full (at once when it has none). */
  complete: boolean
  /** The body's bytes as they arrive; null when the head says none follows. */
  readonly body: LeanBody | null
  private fieldMap: Record<string, string> | undefined
  private target: string | undefined

  constructor(
    readonly head: RequestHead,
    private readonly side: ClientSide,
  ) {
    this.method = head.method
    this.complete = head.length === 0
    this.body = head.length === 0 ? null : new LeanBody(side)
  }

  /** Made on the first read, as `headers`: only a hash key on the path reads it. */
  get url(): string {
    return (this.target ??= requestTarget(this.head))
  }

  /** Made on the first read: most requests are forwarded without the proxy reading any field. */
  get headers(): Record<string, string> {
    return (this.fieldMap ??= headersOf(this.head))
  }

  get socket(): Socket {
    return this.side.socket
  }
}

/** A request's body: the front pushes its bytes; reading more resumes the client's socket. */
export class LeanBody extends Readable {
  constructor(private readonly side: ClientSide) {
    super()
  }

  override _read(): void {
    this.side.resumeBody()
  }
}

/** Whoever is sending the response (an attempt) hears of the client going away through this. */
export interface ClientWatcher {
  clientGone(): void
}

export class LeanResponse {
  headersSent = false
  destroyed = false
  finished = false
  /** Close the connection after this response (the client asked, or its request was not read in full). */
  closeAfter: boolean
  watcher: ClientWatcher | undefined
  private status = 200
  private fields: Record<string, string | number> = {}

  constructor(
    readonly req: LeanRequest,
    private readonly side: ClientSide,
  ) {
    this.closeAfter = req.head.close
  }

  get socket(): Socket {
    return this.side.socket
  }

  /** The proxy's own answers (503, 502, 504): a status and a few fields. */
  writeHead(status: number, fields: Record<string, string | number>): this {
    this.status = status
    this.fields = fields
    return this
  }

  end(text: string): void {
    if (this.finished || this.destroyed) return
    let head = `HTTP/1.1 ${this.status} ${STATUS_CODES[this.status] ?? ''}\r\n`
    for (const [name, value] of Object.entries(this.fields)) head += `${name}: ${value}\r\n`
    if (!this.req.complete) this.closeAfter = true
    if (this.closeAfter) head += 'connection: close\r\n'
    this.headersSent = true
    this.side.socket.write(this.req.method === 'HEAD' ? `${head}\r\n` : `${head}\r\n${text}`, 'latin1')
    this.done()
  }

  /** Bytes of a forwarded response (its head already rewritten); false when the client's socket is full. */
  write(data: Buffer | string): boolean {
    this.headersSent = true
    return typeof data === 'string' ? this.side.socket.write(data, 'latin1') : this.side.socket.write(data)
  }

  /** The forwarded response is complete. */
  done(): void {
    if (this.finished) return
    this.finished = true
    this.watcher = undefined
    this.side.responseDone(this)
  }

  /** Breaks the client's connection: the only honest signal once part of a response is out. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.side.socket.destroy()
  }

  /** The client's connection closed (front.ts). */
  clientClosed(): void {
    this.destroyed = true
    const w = this.watcher
    this.watcher = undefined
    w?.clientGone()
  }
}
