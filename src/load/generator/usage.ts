// The generator's own CPU use and event-loop utilisation, reported once a second, so a saturated
// generator (autocannon is single-threaded and CPU-bound) can be told apart from a slow system.

import {performance} from 'node:perf_hooks'
import type {FromGenerator} from '../../model/generator-messages.js'

export function startUsageReports(send: (message: FromGenerator) => void): void {
  let cpu = process.cpuUsage()
  let wall = performance.now()
  let elu = performance.eventLoopUtilization()
  setInterval(() => {
    const cpuDelta = process.cpuUsage(cpu)
    const now = performance.now()
    const eluDelta = performance.eventLoopUtilization(elu)
    const cpuPct = ((cpuDelta.user + cpuDelta.system) / 1000 / Math.max(1, now - wall)) * 100
    send({type: 'usage', cpuPct: Math.round(cpuPct * 10) / 10, elu: Math.round(eluDelta.utilization * 1000) / 1000})
    cpu = process.cpuUsage()
    wall = now
    elu = performance.eventLoopUtilization()
  }, 1000).unref()
}
