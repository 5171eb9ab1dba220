// Connection failures, counted once for the request they affect, and the reconnect after them. Left to
// itself autocannon gets both wrong:
// - a request written on a connection the server closes without answering (FIN) is resent and counted
//   nowhere, and its stale queue entry times the resent request from the old start: here it is counted
//   as `lost` and the entry dropped;
// - after a connection error it reconnects with no backoff (a hot loop burning a core while a backend
//   is down): here a reconnect after connect errors backs off, doubling up to 100 ms.

import type {Socket} from 'node:net'
import type {AcClient} from './autocannon-client.js'
import {countWhileOpen} from './open-connections.js'
import type {SecondCounts} from './second-counts.js'

const connectErrorCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'])
const maxBackoffMs = 100

export interface ConnectionFailureHooks {
  /** Listener of the client's `connError` event. */
  onConnError: (this: AcClient, err: NodeJS.ErrnoException) => void
  /** Replaces Client#_connect: account for what the old connection took with it, then reconnect. */
  connect: (this: AcClient) => void
}

/** The hooks that count connection failures into `counts`; `acConnect` is autocannon's Client#_connect. */
export function connectionFailureHooks(counts: SecondCounts, acConnect: (this: AcClient) => void): ConnectionFailureHooks {
  function onConnError(this: AcClient, err: NodeJS.ErrnoException): void {
    const connectError = connectErrorCodes.has(err.code ?? '')
    if (connectError) this.lbConnectFailures++
    // autocannon emits this before it reconnects, so the queue still holds the failed request. An idle
    // keep-alive connection that fails affects no request and is not a request error.
    if (this.pipelinedRequests.size() === 0) return
    this.lbErrored = true
    if (connectError) {
      counts.connect++
      counts.tenths.connect[counts.tenth]++
    } else {
      counts.reset++
      counts.tenths.reset[counts.tenth]++
    }
  }

  function connect(this: AcClient): void {
    const q = this.pipelinedRequests
    const pending = q.size()
    if (pending > 0) {
      // The server closed without answering (FIN): autocannon will resend, and would time the resent
      // request from the old start. (No request follows a `Connection: close`: connection-close.ts.)
      if (!this.lbErrored) {
        counts.lost += pending
        counts.tenths.lost[counts.tenth] += pending
      }
      q.clear()
      // The shared parser may be mid-response; the new connection starts a fresh one.
      this.parser.reinitialize(this.parser.type)
    }
    this.lbErrored = false
    this.lbClose = false
    if (this.destroyed || this.lbBackoff !== undefined) return
    if (this.lbConnectFailures > 0) {
      this.lbDown = true
      this.lbBackoff = setTimeout(reconnect, backoffMs(this.lbConnectFailures), this)
      return
    }
    counts.opened++
    acConnect.call(this)
    countWhileOpen(this.conn as Socket, counts)
  }

  function reconnect(client: AcClient): void {
    client.lbBackoff = undefined
    client.lbDown = false
    if (client.destroyed) return
    counts.opened++
    acConnect.call(client)
    countWhileOpen(client.conn as Socket, counts)
  }

  return {onConnError, connect}
}

/** How long to wait before reconnecting after `failures` connect errors in a row: 1, 2, 4 … 100 ms. */
export function backoffMs(failures: number): number {
  return Math.min(maxBackoffMs, 2 ** (failures - 1))
}
