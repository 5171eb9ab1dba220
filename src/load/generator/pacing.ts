// Intended-send timing (wrk2's): in a phase with a `rate`, each connection sends on a schedule of its
// own, and a request's latency runs from when it was due, so a stall shows in the tail instead of
// quietly slowing the load down. autocannon's own rate limit is a burst at the start of each second,
// and its coordinated-omission "correction" assumes a 1 ms interval whatever the rate, so a paced
// phase gives autocannon no rate at all and replaces each client's Client#_doRequest with the sender
// made here.

import {performance} from 'node:perf_hooks'
import type {PhaseSpec} from '../../model/scenario.js'
import type {Timing} from '../../model/generator-messages.js'
import type {AcClient} from './autocannon-client.js'

/** Whether a phase follows a schedule: it has a rate, and the scenario did not ask for actual-send timing. */
export function isPaced(spec: PhaseSpec, timing: Timing | undefined): boolean {
  return spec.rate !== undefined && spec.rate > 0 && timing !== 'actual-send'
}

/** The connections a phase opens: as autocannon does, fewer requests per second than connections means fewer connections. */
export function phaseConnections(spec: PhaseSpec): number {
  const rate = spec.rate ?? 0
  return rate > 0 ? Math.max(1, Math.min(spec.connections, Math.floor(rate))) : spec.connections
}

/**
 * Client `index`'s schedule in a paced phase that starts at `phaseStart` (performance.now() ms): when its
 * first request is due and how far apart its requests are. The clients are spread over one interval,
 * so the schedule is smooth, not a burst per connection.
 */
export function sendSchedule(phaseStart: number, index: number, connections: number, rate: number): {first: number; interval: number} {
  return {first: phaseStart + (index * 1000) / rate, interval: (connections * 1000) / rate}
}

/** Puts a client on its schedule: it sends with `pacedRequest` (made by pacedSender) from `first` on. */
export function pace(client: AcClient, schedule: {first: number; interval: number}, pacedRequest: (this: AcClient) => void): void {
  client.lbInterval = schedule.interval
  client.lbNext = schedule.first
  client.lbIntended = client.lbNext
  client._doRequest = pacedRequest
}

/** The replacement of Client#_doRequest in paced phases; `acDoRequest` is autocannon's own. */
export function pacedSender(acDoRequest: (this: AcClient) => void): (this: AcClient) => void {
  function fire(client: AcClient): void {
    client.lbTimer = undefined
    if (client.destroyed || client.lbDown) return
    // A timer that fires late is our own jitter, not the server's: timed from the actual send.
    client.lbIntended = performance.now()
    client.lbNext += client.lbInterval
    acDoRequest.call(client)
  }

  return function pacedRequest(this: AcClient): void {
    if (this.destroyed || this.lbDown || this.lbTimer !== undefined) return
    const now = performance.now()
    const wait = this.lbNext - now
    if (wait >= 1) {
      this.lbTimer = setTimeout(fire, wait, this)
      // Idle by design: keep autocannon's per-request timeout from firing while we wait.
      this.timeoutTicker.reschedule(wait + this.timeout)
      return
    }
    // Behind schedule: the wait for the previous response is the server's doing and counts as latency
    // (coordinated omission corrected). Slightly ahead: timed from now.
    this.lbIntended = Math.min(this.lbNext, now)
    this.lbNext += this.lbInterval
    acDoRequest.call(this)
  }
}
