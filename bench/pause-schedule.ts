// What clients should see when one of two backends pauses during a rate-mode run, worked out from the
// generator's schedule (src/load/generator/pacing.ts, intended-send timing) rather than measured:
// - `c` connections share `rate` requests per second; connection i sends its k-th request at
//   i·1000/rate + k·c·1000/rate ms after the phase starts (spread over one interval, not a burst);
// - with balancer `none` connection i goes to target i mod T (autocannon's url array);
// - one request at a time per connection: a request due while the previous one is unanswered waits, and
//   that wait is latency (timed from when it was due);
// - the paused backend answers nothing in [pauseStart, pauseEnd): a request it holds then is answered
//   at pauseEnd + service.
// Pure arithmetic, in ms.

export interface PauseSchedule {
  rate: number
  connections: number
  targets: number
  /** Index of the paused target (0-based). */
  paused: number
  durationMs: number
  pauseStartMs: number
  pauseEndMs: number
  /** Time a backend takes to answer when it runs (measured on the other backend in the same run). */
  serviceMs: number
}

export interface ExpectedLatency {
  /** From when each request was due (what clients see; what intended-send timing reports). */
  intended: number[]
  /** From when each request was actually written (what a closed-loop timer reports). */
  actual: number[]
  /** Interval between one connection's requests: the right one for coordinated-omission correction. */
  intervalMs: number
}

export function expectedLatencies(p: PauseSchedule): ExpectedLatency {
  const c = Math.max(1, Math.min(p.connections, Math.floor(p.rate)))
  const interval = (c * 1000) / p.rate
  const intended: number[] = []
  const actual: number[] = []
  for (let i = 0; i < c; i++) {
    const onPaused = i % p.targets === p.paused
    let free = 0 // when the connection's previous request was answered
    for (let due = (i * 1000) / p.rate; due < p.durationMs; due += interval) {
      const sent = Math.max(due, free)
      if (sent >= p.durationMs) break // the phase ended with it still waiting to be sent
      let done = sent + p.serviceMs
      if (onPaused && sent < p.pauseEndMs && done > p.pauseStartMs) done = p.pauseEndMs + p.serviceMs
      if (done > p.durationMs) break // cut off at the end of the phase: neither reported nor failed
      intended.push(done - due)
      actual.push(done - sent)
      free = done
    }
  }
  return {intended, actual, intervalMs: interval}
}
