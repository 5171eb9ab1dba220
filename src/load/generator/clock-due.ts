// The phase runner's 100 ms clock, also checked from the generator's own events. A Node timer only runs
// when the event loop comes back to its timers phase, and with more than 1024 sockets ready at once it
// does not for a long time: libuv's poll phase takes up to 1024 events per epoll_wait and polls again
// without returning while every slot was used, up to 48 times, so one poll phase handles up to 49,152
// socket events. At 3,000 connections and a generator short of CPU that measured 13 s without a single
// timer (strace: 22 epoll_wait calls in a row, each returning 1,024 events): no sample, no phase end,
// "the load generator did not finish in time". So the recording listeners count their events and, every
// CHECK_EVERY of them, compare the clock with the next tick; a tick that is due runs right after the
// current I/O callback (process.nextTick), whatever the timers phase does. Reading the clock once per 64
// events costs nothing measurable; no response handler reads it otherwise.

import {performance} from 'node:perf_hooks'

/** How many events pass between two looks at the clock. */
export const CHECK_EVERY = 64

export class ClockDue {
  /** Events since the last look, bumped by the recording listeners. */
  events = 0
  /** performance.now() at which the next tick is due (Infinity: none). */
  at = Infinity
  private queued = false

  /** The phase runner's tick (set once the runner exists). */
  tick: () => void = () => {}

  /** Called every CHECK_EVERY events: queues the tick when it is due. */
  check(): void {
    this.events = 0
    if (this.queued || performance.now() < this.at) return
    this.queued = true
    process.nextTick(this.runIfDue)
  }

  private readonly runIfDue = (): void => {
    this.queued = false
    // The timer may have run it meanwhile (and set the next `at`).
    if (performance.now() >= this.at) this.tick()
  }
}
