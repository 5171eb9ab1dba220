// A process's own CPU use and event-loop utilisation since it last looked, so that a saturated process
// can be told apart from a slow system. The generator reports it once a second of the load clock (its
// phase runner sends it on the clock that is also checked from the generator's own events, so that a
// starved timers phase cannot silence it); the built-in proxy once a second of its own.

import {performance} from 'node:perf_hooks'

export class UsageMeter {
  private cpu = process.cpuUsage()
  private wall = performance.now()
  private elu = performance.eventLoopUtilization()

  /** CPU (percent of one core) and event-loop utilisation since the last call (or since it was made). */
  take(): {cpuPct: number; elu: number} {
    const cpuDelta = process.cpuUsage(this.cpu)
    const now = performance.now()
    const eluDelta = performance.eventLoopUtilization(this.elu)
    const cpuPct = ((cpuDelta.user + cpuDelta.system) / 1000 / Math.max(1, now - this.wall)) * 100
    this.cpu = process.cpuUsage()
    this.wall = now
    this.elu = performance.eventLoopUtilization()
    return {cpuPct: Math.round(cpuPct * 10) / 10, elu: Math.round(eluDelta.utilization * 1000) / 1000}
  }
}
