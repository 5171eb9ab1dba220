// The parts of an autocannon client (lib/httpClient.js) the generator reaches into, and the fields it
// adds to each client, named in one place: these internals (`conn`, `_connect`, `_doRequest`,
// `_destroyConnection`, `pipelinedRequests`, `requestIterator`) are those of autocannon 9.0.0, which package.json pins
// exactly, and @types/autocannon describes none of them.

import type {EventEmitter} from 'node:events'
import type {BackendCounts} from './second-counts.js'

export interface AcClient extends EventEmitter {
  timeout: number
  destroyed: boolean
  pipelinedRequests: {size(): number; clear(): void; addBody(data: unknown): void}
  parser: {type: string; reinitialize(type: string): void}
  requestIterator: AcRequestIterator
  timeoutTicker: {reschedule(ms: number): void}
  /** The socket of the current connection (net or tls). */
  conn: unknown
  // Function-valued fields, not methods: the generator takes autocannon's own off the prototype and calls
  // them later with the client as `this`, and puts its replacements in their place.
  _connect: (this: AcClient) => void
  _doRequest: (this: AcClient) => void
  _destroyConnection: (this: AcClient) => void
  destroy(): void
  // Ours:
  lbBackend: string | undefined
  /** The backend this client's last attributed response came from, and its counts (found once, not per response). */
  lbCountsId: string | undefined
  lbCounts: BackendCounts | undefined
  /** The last response said `Connection: close`: the next request goes out on a new connection (connection-close.ts). */
  lbClose: boolean
  /** The connection failed with an error already counted for its request. */
  lbErrored: boolean
  lbConnectFailures: number
  /** The load clock's 100 ms part (from t = 0) in which the last request was written (cut-offs.ts). */
  lbSentTenth: number | undefined
  lbBackoff: NodeJS.Timeout | undefined
  /** Waiting out a backoff: nothing may be written. */
  lbDown: boolean
  // Intended-send timing (a phase with a rate):
  lbPaced: boolean
  lbNext: number
  lbInterval: number
  lbIntended: number
  lbTimer: NodeJS.Timeout | undefined
  /** load.keepAlive false or {requests: N}: the connection that has carried requests already, and how many (fresh-connections.ts). */
  lbUsedConn: unknown
  lbConnRequests: number
}

export interface AcRequestIterator {
  requests: unknown[]
  currentRequest: unknown
  currentRequestIndex: number
  resetted: boolean
  nextRequest(): unknown
}

export interface AcInstance {
  stop(): void
}

export type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null) => void) => AcInstance
