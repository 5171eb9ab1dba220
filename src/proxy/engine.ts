// The ProxyEngine seam: how one attempt of a request travels to one backend and its response back to the
// client. Everything else (which backend, retries, health, counting) is the server's business, so a new
// engine (undici) is one more file plus one line in engines.ts.

import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Readable} from 'node:stream'

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
  /** The body to send instead of reading `req` (a buffered body for a replay); absent = stream `req`. */
  body?: Readable
}

export interface ProxyEngine {
  /** e.g. `http-proxy 1.18.1`, for the environment fingerprint. */
  readonly version: string
  forward(req: IncomingMessage, res: ServerResponse, target: EngineTarget, opts: ForwardOptions, handler: AttemptHandler): void
  /** Closes pooled connections. */
  close(): void
}
