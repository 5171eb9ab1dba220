// The ProxyEngine seam: how one attempt of a request travels to one backend and its response back to the
// client. Everything else (which backend, retries, health, counting) is the server's business, so a new
// engine (undici) is one more file plus one line in engines.ts. An engine may also serve the clients
// itself (`createFront`, the lean engine); the others are served by node:http.

import type {AddressInfo} from 'node:net'
import type {Readable} from 'node:stream'

/** What the server reads of a client request's head, whoever parsed it. */
interface RequestHeadView {
  readonly method?: string
  readonly url?: string
  readonly headers: Record<string, string | string[] | undefined>
  /** The body has been read in full. */
  readonly complete: boolean
  readonly socket: {remoteAddress?: string}
}

/** node:http's IncomingMessage: the request is itself the stream of its body. */
export interface StreamedRequest extends RequestHeadView, Readable {
  readonly body?: undefined
}

/**
 * An engine's own request (lean): its body's stream is an object of its own, made only when the head says
 * a body follows (null: none), so that a request without one costs no stream.
 */
export interface HeadedRequest extends RequestHeadView {
  readonly body: Readable | null
}

/** What the server reads of a client request: node:http's IncomingMessage, or an engine's own. */
export type FrontRequest = StreamedRequest | HeadedRequest

/** The stream of `req`'s body (null when its head says none follows). */
export function bodyStream(req: FrontRequest): Readable | null {
  return req.body === undefined ? req : req.body
}

/** What the server answers through: node:http's ServerResponse, or an engine's own. */
export interface FrontResponse {
  readonly headersSent: boolean
  readonly destroyed: boolean
  writeHead(status: number, headers: Record<string, string | number>): unknown
  end(text: string): unknown
  destroy(): unknown
}

export type FrontListener = (req: FrontRequest, res: FrontResponse) => void

/** The listening side: node:http's Server, or an engine's own. */
export interface FrontServer {
  listen(port: number, host: string, backlog: number, done: () => void): unknown
  once(event: 'error', listener: (err: Error) => void): unknown
  address(): AddressInfo | string | null
  close(): unknown
  closeAllConnections(): void
}

/** Why an attempt failed: the connection was refused, it was reset, or it took longer than the per-try timeout. */
export type FailureKind = 'connect' | 'reset' | 'timeout'

export interface EngineTarget {
  readonly id: string
  readonly host: string
  readonly port: number
}

export interface AttemptFailure {
  kind: FailureKind
  /** The error code (ECONNREFUSED, ECONNRESET, ETIMEDOUT …), for reasons on the timeline. */
  code: string
  /** The request went out on a pooled keep-alive socket, so the backend may just have closed it idle. */
  reusedSocket: boolean
  /** The backend's response had begun: nothing can be retried, and the engine destroyed the client's response. */
  responseStarted: boolean
}

/**
 * What an engine reports about one attempt. For each attempt, after `forward`: at most one `onResponse`,
 * then exactly one of `onFailure` or `onEnd`; nothing after that, whatever the sockets still do.
 */
export interface AttemptHandler {
  /** The backend's response head arrived (and was stamped with x-lbbench-backend). No retry after this. */
  onResponse(status: number): void
  onFailure(failure: AttemptFailure): void
  /** The response reached the client in full (`complete`), or the client went away first. */
  onEnd(complete: boolean): void
}

export interface ForwardOptions {
  /**
   * Per-try timeout, for the whole attempt, body included (Envoy's per_try_timeout): before the response
   * head it can be retried; after it the client's response is broken off, so a backend that stalls
   * mid-body cannot hang the client. 0 = none.
   */
  timeoutMs: number
  /** The body to send instead of the request's own (a buffered body for a replay); absent = the request's body stream (bodyStream). */
  body?: Readable
}

export interface ProxyEngine {
  /** e.g. `http-proxy 1.18.1`, for the environment fingerprint. */
  readonly version: string
  forward(req: FrontRequest, res: FrontResponse, target: EngineTarget, opts: ForwardOptions, handler: AttemptHandler): void
  /** Serves the clients itself (absent: node:http serves them, and `forward` gets its objects). */
  createFront?(onRequest: FrontListener, tls?: {cert: Buffer; key: Buffer}): FrontServer
  /** Closes pooled connections. */
  close(): void
}
