// The load of a run. The generator processes start beside the replicas (Node and autocannon take a few
// hundred ms to load) and learn where to send once the balancer is up. The first measured phase sets
// t = 0 of the load clock; each second's sample is kept for the report, checked by abortOnFail, and
// shown on the progress line. Once load has been measured, a run that stops early (a signal, abortOnFail,
// a part that broke) still reports what was measured, marked aborted. Behind a balancer lbbench did not
// configure, the backends its header names are matched to the replicas here, once a second.

import {balancerKinds} from '../balancers/registry.js'
import {startGenerators, type GeneratorHandlers} from '../load/generator-client.js'
import {generatorConfigOf} from '../load/generator-config.js'
import {startSwarmShards} from '../load/swarm/shard-job.js'
import type {ShardRow} from '../model/shard.js'
import {lbbenchVersion} from './environment.js'
import {backendNamer, renameBackends, type BackendNamer} from '../metrics/backend-names.js'
import {formatAddress} from '../process/loopback-address.js'
import type {ReplicaAddress} from '../replicas/replica-set.js'
import {EarlyFail} from '../metrics/early-fail.js'
import {failoverOf} from '../faults/registry.js'
import {deferred} from '../model/deferred.js'
import {earlyFailReason} from '../report/format.js'
import {RunError} from '../model/errors.js'
import type {Sample, Timing} from '../model/generator-messages.js'
import type {GeneratorUsage, RunRecord} from './build-report.js'
import {offBoundary} from '../metrics/merge-shards.js'
import type {RunContext} from './context.js'
import {AbortedRun, withTimeout} from './stops.js'

/**
 * How long the generators may take past the phases' total: 2 s, and 1 ms more per connection (opening and
 * closing them is what takes time at a phase's edges), at most 10 s. Past it they are late, which is a
 * saturated generator, not a broken run: they are stopped, and deliver what they measured.
 */
const graceMs = (connections: number): number => Math.min(10_000, 2_000 + connections)
/** Swarm shards: from the job's creation to their common start (tasks boot in 0.3–0.8 s, then load Node and autocannon). */
const SWARM_LEAD_MS = 3_000
/** How long stopped generators get to deliver their last sample (a signal or abortOnFail stopped the run). */
const STOP_GRACE_MS = 3_000
/** …and late ones, which may be busy closing their connections: 1 ms more per connection, at most 13 s. */
const lateStopMs = (connections: number): number => Math.min(13_000, STOP_GRACE_MS + connections)
const LATE = 'the load generator did not finish in time'

export class LoadDriver {
  readonly samples: Sample[] = []
  readonly usage: GeneratorUsage[] = []
  /** How far past the phases' end (ms) the generators were stopped, when they were late. */
  lateMs?: number
  /** load.generators.on swarm: each shard's row and event-loop utilisation, as it ended. */
  readonly shards: Array<{row: ShardRow; elu: number}> = []
  /** Which clock the generators' latencies are on (they say so when a phase starts). */
  timing: Timing = 'actual-send'
  /** The phase under way: its name, when it started, how long it lasts (for the progress line). */
  private phase = ''
  private phaseStartedAt?: number
  private phaseMs = 0
  private readonly totalMs: number
  private readonly graceMs: number
  private readonly lateStopMs: number
  /** abortOnFail: each second's sample may show a threshold that can no longer hold. */
  private readonly earlyFail?: EarlyFail
  private readonly targets = deferred<string[]>()
  private readonly finished = deferred<void>()
  /** A balancer lbbench did not configure names backends its own way: its names as the report's ids. */
  private nameBackend?: BackendNamer

  constructor(private readonly run: RunContext) {
    const s = run.scenario
    this.totalMs = s.load.phases.reduce((n, p) => n + p.duration, 0)
    const connections = Math.max(0, ...s.load.phases.map((p) => p.connections))
    this.graceMs = graceMs(connections)
    this.lateStopMs = lateStopMs(connections)
    this.earlyFail = s.abortOnFail ? new EarlyFail(s, failoverOf) : undefined
  }

  /** Starts the generator processes; they send nothing until aimAt. */
  start(): void {
    const s = this.run.scenario
    const config = generatorConfigOf(s, [])
    this.run.generator = s.load.generatorsOn === 'swarm'
      ? startSwarmShards({
        config,
        count: s.load.generators,
        runId: this.run.runId,
        scenarioHash: this.run.loaded.hash,
        lbbench: lbbenchVersion(),
        leadMs: SWARM_LEAD_MS,
        log: (line) => this.run.log(line),
        onShardEnd: (row, elu) => this.shards.push({row, elu}),
      }, this.handlers(), this.targets.promise)
      : startGenerators(config, s.load.generators, this.handlers(), this.targets.promise)
  }

  /** Where the load goes, and the replicas behind it: the generators start their phases. */
  aimAt(targets: string[], replicas: ReplicaAddress[]): void {
    const {balancer} = this.run.scenario
    const kind = balancerKinds.get(balancer.kind)
    if (kind?.backendHeaderOf) this.nameBackend = backendNamer(replicas.map((r) => ({id: r.id, address: formatAddress(r)})), kind.backendHeaderOf(balancer))
    this.targets.resolve(targets)
  }

  /**
   * Waits until every phase has run. Once the load is under way, whatever stops the run, what was recorded
   * is worth a report marked aborted with the reason, and the generators deliver their last sample. A part
   * that broke (the generator died, even in a warm-up before t = 0) is still exit 3 (run.failure).
   */
  async untilDone(): Promise<void> {
    const {run} = this
    const swarm = run.scenario.load.generatorsOn === 'swarm'
    try {
      // Swarm shards may first have to build their image: the time limit counts from when they can start.
      if (swarm) await run.stops.race(run.generator?.ready ?? Promise.resolve())
      await run.stops.race(this.finishedOrLate(swarm ? SWARM_LEAD_MS : 0))
    } catch (error) {
      if (!(error instanceof AbortedRun || error instanceof RunError || run.timeline.t0 !== undefined)) throw error
      if (!(error instanceof AbortedRun)) run.failure = error instanceof RunError ? error : new RunError((error as Error).message)
      run.abortReason = (error as Error).message
      run.event('aborted', run.abortReason)
      run.generator?.stop()
      await withTimeout(this.finished.promise, STOP_GRACE_MS, '', run.stops.untilHardExit).catch(() => {})
    }
  }

  /**
   * Every phase ran; or, once the generators are past the phases' end by the grace and something was
   * measured, they are stopped and deliver their last samples: the report is whole and marked saturated.
   * One too busy even to answer the stop in time, or to reach the measured phases at all, leaves a report
   * of what it sent, marked aborted (exit 1, or 4 with --strict): lateness is never exit 3.
   */
  private async finishedOrLate(leadMs: number): Promise<void> {
    const {run} = this
    const deadline = this.totalMs + this.graceMs + leadMs
    const startedAt = Date.now()
    try {
      await withTimeout(this.finished.promise, deadline, LATE)
    } catch {
      this.lateMs = Date.now() - startedAt - this.totalMs
      run.event('generator-late', `the load generator was still running ${(this.lateMs / 1000).toFixed(1)}s past the phases' end: stopped, and marked saturated`)
      run.generator?.stop(this.lateStopMs)
      await withTimeout(this.finished.promise, this.lateStopMs, '', run.stops.untilHardExit).catch(() => {
        run.abortReason = `${LATE}: stopped, it did not deliver its last samples within ${(this.lateStopMs / 1000).toFixed(1)}s`
        run.event('aborted', run.abortReason)
      })
      if (run.abortReason === undefined && run.timeline.t0 === undefined) {
        run.abortReason = `${LATE}: it never reached the measured phases`
        run.event('aborted', run.abortReason)
      }
    }
  }

  /** load.generators.on swarm: the shards for the report (all on this machine: one clock, so only lateness skews them). */
  shardsMeta(): RunRecord['shards'] {
    if (this.shards.length === 0) return undefined
    const rows = this.shards.map((x) => x.row).sort((a, b) => a.index - b.index)
    return {rows, elu: this.shards.map((x) => x.elu), skewBoundMs: Math.max(0, ...rows.map((r) => offBoundary(r.lateMs, null))), clockOffsetsKnown: true}
  }

  private handlers(): GeneratorHandlers {
    const {run} = this
    return {
      onPhaseStart: (p) => {
        const spec = run.scenario.load.phases.find((x) => x.name === p.phase)
        this.phase = p.phase
        this.phaseStartedAt = p.epochMs
        this.phaseMs = spec?.duration ?? 0
        this.timing = p.timing
        if (p.measure && run.timeline.t0 === undefined) run.startClock(p.epochMs)
        run.timeline.add('phase-start', p.phase, undefined, p.epochMs)
        run.hooks.onEvent?.(`phase ${p.phase} started${p.measure ? '' : ' (not measured)'}: ${this.phaseMs / 1000}s`)
      },
      onPhaseEnd: (p) => run.timeline.add('phase-end', p.phase, undefined, p.epochMs),
      onSample: (sample) => this.onSample(sample),
      onUsage: (u) => this.usage.push(u),
      onDone: () => this.finished.resolve(),
      onError: (e) => run.stops.partFailed(e),
    }
  }

  private onSample(received: Sample): void {
    const {run} = this
    const sample = this.nameBackend ? renameBackends(received, this.nameBackend) : received
    this.samples.push(sample)
    const broken = this.earlyFail?.add(sample, {applied: run.faults?.applied ?? [], timeline: run.timeline.list()})
    if (broken) run.stops.failEarly(earlyFailReason(broken))
    run.hooks.onSample?.(sample, {
      phase: this.phase,
      // The last sample of a phase comes just after its end: the line then says it ran to its end.
      elapsedMs: Math.min(this.phaseMs, Math.max(0, Date.now() - (this.phaseStartedAt ?? Date.now()))),
      totalMs: this.phaseMs,
      backendsUp: run.scenario.replicas.count - run.down.size,
      backendsTotal: run.scenario.replicas.count,
    })
  }
}
