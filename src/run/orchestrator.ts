// One run: start the replicas, put the balancer in front, drive the load through it, break parts of it on
// the load clock, and report what the clients saw. This is the only module that knows every step; each
// step is a function of its own over the run's context, and each part is chosen by name from its registry.

import {LbbenchError, RunError} from '../model/errors.js'
import type {Report} from '../model/report.js'
import type {LoadedScenario} from '../model/scenario.js'
import {buildReport} from './build-report.js'
import {cleanEarlierRuns} from './earlier-leftovers.js'
import {openRun, type RunContext, type RunOptions} from './context.js'
import {LoadDriver} from './drive-load.js'
import {FaultScheduler} from './fault-scheduler.js'
import {createBalancer, startBalancer} from './start-balancer.js'
import {createReplicas, startReplicas} from './start-replicas.js'
import {AbortedRun} from './stops.js'
import {teardown, type TornDown} from './teardown.js'

export interface RunOutcome {
  report: Report
  runDir: string
  /** A part broke while load was measured: the report (marked aborted) is still worth writing; exit 3. */
  failure?: RunError
}

/**
 * The run could not be carried out (a program missing, a replica never ready, Docker unreachable): exit 3,
 * with its message. It still has a report, marked not run, that carries the error and what was recorded
 * before it (the start-up's timeline), so that a CI page is not blank for the commonest CI failure.
 */
export class RunNotCarriedOut extends RunError {
  constructor(readonly cause: RunError, readonly report: Report, readonly runDir: string) {
    super(cause.message)
  }
}

export async function runScenario(loaded: LoadedScenario, opts: RunOptions): Promise<RunOutcome> {
  const run = await openRun(loaded, opts)
  await cleanEarlierRuns(loaded.scenario.replicas.kind, run.log)
  const load = new LoadDriver(run)
  try {
    const set = await createReplicas(run)
    // The generators load beside the replicas; they learn where to send once the balancer is up.
    load.start()
    const infos = await startReplicas(run, set)
    const lb = await createBalancer(run, set)
    const targets = await startBalancer(run, lb, infos)
    run.faults = new FaultScheduler(loaded, set, lb, run.timeline, run.event)
    load.aimAt(targets, infos)
    await run.recordPids()
    await load.untilDone()
  } catch (error) {
    // A signal or abortOnFail during start-up: the run is reported, marked aborted. Anything else is a
    // run that could not be carried out: what was started is stopped, and the error goes to the caller
    // with the run's report, marked not run.
    if (!(error instanceof AbortedRun)) {
      const tornDown = await teardown(run)
      const failure = error instanceof LbbenchError ? error : new RunError(`the run failed: ${(error as Error).message}`)
      throw failure instanceof RunError ? notCarriedOut(run, load, tornDown, failure) : failure
    }
    run.abortReason = error.message
    run.timeline.add('aborted', error.message)
  }
  const tornDown = await teardown(run)
  return {report: reportOf(run, load, tornDown), runDir: run.runDir, ...(run.failure ? {failure: run.failure} : {})}
}

/** The error of a run that could not be carried out, with its report (or, should that fail, the error alone). */
function notCarriedOut(run: RunContext, load: LoadDriver, tornDown: TornDown, failure: RunError): RunError {
  // No load clock was started: the times of what happened count from the start of the run.
  run.timeline.t0 ??= run.startedAt.getTime()
  run.timeline.add('not-run', failure.message.split('\n')[0])
  const notRun = {message: failure.message, hint: `what the replicas and the balancer wrote is in ${run.runDir}`}
  try {
    return new RunNotCarriedOut(failure, reportOf(run, load, tornDown, notRun), run.runDir)
  } catch {
    return failure
  }
}

function reportOf(run: RunContext, load: LoadDriver, tornDown: TornDown, notRun?: {message: string; hint?: string}): Report {
  const {balancer} = run
  return buildReport({
    loaded: run.loaded,
    startedAt: run.startedAt,
    runDir: run.runDir,
    samples: load.samples,
    timeline: run.timeline,
    applied: run.faults?.applied ?? [],
    stats: tornDown.stats,
    balancerVersion: run.balancerVersion,
    target: run.target,
    tls: run.tls,
    generatorUsage: load.usage,
    generatorLateMs: load.lateMs,
    shards: load.shardsMeta(),
    timing: load.timing,
    balancerUsage: tornDown.balancerCpuPct === undefined ? undefined : {cpuPct: tornDown.balancerCpuPct, elu: balancer?.usage?.()?.elu, ...balancer?.proxyMeta?.()},
    abortReason: run.abortReason,
    notRun,
  })
}
