// The last step of every run, however it ended: stop the faults, read the balancer's counters, stop the
// generators, the balancer and the replicas, and remove the run's state file. Every wait is bounded, and
// after Ctrl-C cut short, so that the report is written before the process exits hard (cli/interrupt.ts,
// 4.5 s after the signal). What it has not stopped by then dies with the orchestrator (orphan guards,
// IPC channels), and containers are left to `lbbench clean`.

import type {BalancerStats} from '../balancers/balancer.js'
import type {RunContext} from './context.js'
import {removeRunState} from './state-file.js'
import {withTimeout} from './stops.js'

const FAULTS_STOP_MS = 2_000
const STATS_MS = 3_000
const TEARDOWN_MS = 8_000

export interface TornDown {
  /** The balancer's counters at the end of the run. */
  stats?: BalancerStats
  /** The balancer's CPU use over the measured time (percent of one core). */
  balancerCpuPct?: number
}

export async function teardown(run: RunContext): Promise<TornDown> {
  const {balancer, stops} = run
  const balancerCpuPct = balancer ? run.balancerCpu.end(balancer.pids()) : undefined
  run.ending = true
  run.hooks.onLoadEnd?.()
  run.log('stopping the replicas and the balancer')
  await withTimeout(Promise.resolve(run.faults?.stop()), FAULTS_STOP_MS, '', stops.untilHardExit).catch(() => {})
  const stats = balancer ? await withTimeout(balancer.stats(), STATS_MS, '', stops.untilHardExit).catch(() => undefined) : undefined
  run.generator?.kill()
  // Generators in a Swarm job are gone only once their service and containers are removed.
  const steps = [balancer?.stop(), run.replicas?.stop(), run.generator?.exited].map((p) => Promise.resolve(p).catch(() => {}))
  await withTimeout(Promise.all(steps), TEARDOWN_MS, 'teardown took too long', stops.untilHardExit).catch((e: Error) => run.log(e.message))
  if (run.signal.aborted && run.abortReason === undefined) {
    // Ctrl-C while stopping: the measurement was complete, but the run did not end as it should.
    run.abortReason = `${String(run.signal.reason ?? 'interrupted')} while stopping`
    run.timeline.add('aborted', run.abortReason)
  }
  await removeRunState(run.runId).catch(() => {})
  return {stats, balancerCpuPct}
}
