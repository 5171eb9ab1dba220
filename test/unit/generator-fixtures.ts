// Shared by the load generator's unit tests: stand-ins for autocannon 9 and its clients, which make
// clients the way autocannon does (setupClient, then its own listeners) without any network.
import {EventEmitter} from 'node:events'
import type {AcRequestIterator, Autocannon} from '../../src/load/generator/autocannon-client.js'

export function iterator(requests: unknown[]): AcRequestIterator {
  return {requests, currentRequest: requests[0], currentRequestIndex: 0, resetted: false, nextRequest: () => undefined}
}

/** Stands in for autocannon 9's Client: the methods the driver wraps, and what stop() looks at. */
export class FakeClient extends EventEmitter {
  destroyed = false
  connects = 0
  requestIterator = iterator(['buffer'])
  inFlight = 2
  pipelinedRequests = {size: () => this.inFlight, clear: () => (this.inFlight = 0), addBody: (_: unknown) => {}}
  parser = {type: 'RESPONSE', reinitialize: (_: string) => {}}
  /** What autocannon's Client#_connect makes: a socket, here the events of one. */
  conn: EventEmitter | undefined
  _connect(): void {
    this.connects++
    this.conn = new EventEmitter()
  }
  // Uses no `this`: the driver test compares it, unbound, with the paced sender that replaces it.
  _doRequest(this: void): void {}
  destroy(): void {
    this.destroyed = true
  }
}

export function fakeAutocannon() {
  const made = {opts: undefined as Record<string, unknown> | undefined, clients: [] as FakeClient[], stopped: 0}
  const autocannon: Autocannon = (opts) => {
    made.opts = opts
    for (let i = 0; i < (opts.connections as number); i++) {
      const c = new FakeClient()
      ;(opts.setupClient as (c: unknown) => void)(c)
      // What autocannon's lib/run.js adds after setupClient: its own statistics.
      c.on('response', () => {})
      c.on('request', () => {})
      c.on('reset', () => {})
      made.clients.push(c)
    }
    return {stop: () => made.stopped++}
  }
  return {autocannon, made}
}

