// The counters of the built-in proxy in mode tcp: the request-level ones it shares with mode http (an
// attempt is a connect to a backend, a failed attempt a connect that failed, a retry a move to the next
// backend), plus per backend the connections it forwarded and the bytes each way.

import {ProxyCounters} from '../proxy-stats.js'
import type {ProxyStats} from '../messages.js'

export class TcpCounters extends ProxyCounters {
  /** Connections established to each backend, by position. */
  readonly connections: number[]
  readonly bytesToBackend: number[]
  readonly bytesFromBackend: number[]

  constructor(private readonly backendIds: readonly string[], epochMs: number) {
    super(backendIds, epochMs)
    this.connections = new Array<number>(backendIds.length).fill(0)
    this.bytesToBackend = new Array<number>(backendIds.length).fill(0)
    this.bytesFromBackend = new Array<number>(backendIds.length).fill(0)
  }

  override snapshot(): ProxyStats {
    const byId = (values: number[]): Record<string, number> => Object.fromEntries(this.backendIds.map((id, i) => [id, values[i]]))
    // No response is seen at L4: the replicas' own x-lbbench-backend stamp counts them.
    const {requests: _unseen, ...rest} = super.snapshot()
    return {...rest, connections: byId(this.connections), bytesToBackend: byId(this.bytesToBackend), bytesFromBackend: byId(this.bytesFromBackend)}
  }
}
