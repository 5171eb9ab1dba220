// One run, as DESIGN.md's first sentence says it: start the replicas, put the balancer in front, drive
// the load through it, break parts of it on the load clock, and report what the clients saw. This is
// the only module that knows every part; each part is chosen by name from its registry.

import type {Balancer, BalancerStats} from '../balancers/balancer.js'
import {balancerKinds} from '../balancers/registry.js'
import {LbbenchError, RunError} from '../model/errors.js'
import {EarlyFail} from '../metrics/early-fail.js'
import {startGenerators, type GeneratorHandle} from '../load/generator-client.js'
import type {GeneratorUsage} from './build-report.js'
import type {GeneratorConfig, Sample, Timing} from '../model/generator-messages.js'
import type {ReplicaSet} from '../replicas/replica-set.js'
import {replicaKinds} from '../replicas/registry.js'
import type {Report} from '../model/report.js'
import type {LoadedScenario} from '../model/scenario.js'
import {buildReport} from './build-report.js'
import {FaultScheduler} from './fault-scheduler.js'
import {makeRunDir, newRunId} from './run-dir.js'
import {removeRunState, writeRunState} from './state-file.js'
import {processTreeCpuMs} from './process-cpu.js'
import {AbortedRun, RunStops, withTimeout} from './stops.js'
import {Timeline} from './timeline.js'

export interface RunHooks {
  /** A line for the progress output (stderr). */
  log: (line: string) => void
  /** Each second's sample and what is known then, for the live progress line. */
  onSample?: (sample: Sample, live: LiveState) => void
  /** A timeline event as it happens, e.g. `t=3.0s fault kill r2`. */
  onEvent?: (line: string) => void
  /** The balancer's generated configuration, once it has started (--print-config). */
  onBalancerConfig?: (text: string) => void
}

export interface LiveState {
  phase: string
  elapsedMs: number
  totalMs: number
  backendsUp: number
  backendsTotal: number
}

export interface RunOptions {
  reportsDir: string
  hooks: RunHooks
  /** Ctrl-C, SIGTERM: stop, and report what was measured so far as aborted. */
  signal: AbortSignal
}

export interface RunOutcome {
  report: Report
  runDir: string
  /** A part broke while load was measured: the report (marked aborted) is still worth writing; exit 3. */
  failure?: RunError
}

// Bounds on every wait, so that no run outlives its phases by more than a bounded start-up and teardown.
const BALANCER_START_MS = 15_000
const GENERATOR_GRACE_MS = 10_000
const STATS_MS = 3_000
const TEARDOWN_MS = 8_000

export async function runScenario(loaded: LoadedScenario, opts: RunOptions): Promise<RunOutcome> {
  const s = loaded.scenario
  const {log} = opts.hooks
  const runId = newRunId(s.name)
  const runDir = await makeRunDir(opts.reportsDir, runId)
  // Every process of the run inherits this, so `lbbench clean` and the tests can tell ours from others.
  process.env.LBBENCH_RUN_ID = runId
  const timeline = new Timeline()
  const startedAt = new Date()
  const samples: Sample[] = []
  const usage: GeneratorUsage[] = []
  let timing: Timing = 'actual-send'
  let replicas: ReplicaSet | undefined
  let balancer: Balancer | undefined
  let generator: GeneratorHandle | undefined
  let faults: FaultScheduler | undefined
  let stats: BalancerStats | undefined
  let abortReason: string | undefined
  let balancerVersion: string | undefined
  const down = new Set<string>()
  // Once teardown starts, replicas exiting are ours to stop, not events of the run.
  let ending = false
  // The balancer's CPU time at t = 0, and its use over the measured time once known.
  let balancerCpu: {atMs: number; cpuMs: number; pct?: number} | undefined

  const event = (kind: string, detail: string, target?: string, epochMs = Date.now()) => {
    timeline.add(kind, detail, target, epochMs)
    const t = timeline.t0 === undefined ? 'start-up' : `t=${(timeline.at(epochMs) / 1000).toFixed(1)}s`
    opts.hooks.onEvent?.(`${t} ${kind} ${target ?? ''} ${detail}`.replace(/\s+/g, ' ').trim())
  }
  // A signal, a part that dies, abortOnFail: how the run stops early, and how long its waits may last.
  const stops = new RunStops(opts.signal)
  // abortOnFail: each second's sample may show a threshold that can no longer hold (stops.failEarly).
  const earlyFail = s.abortOnFail ? new EarlyFail(s) : undefined
  let failure: RunError | undefined

  await writeRunState({runId, runDir, orchestratorPid: process.pid, startedAt: startedAt.toISOString(), pids: []})
  try {
    replicas = await replicaKinds[s.replicas.kind]({loaded, runId, runDir, sharedPort: s.balancer.kind === 'cluster', log})
    const set = replicas
    set.on('exit', (id, detail) => {
      if (ending) return
      down.add(id)
      const byFault = faults?.explainsExit(id, timeline.now()) ?? false
      event(byFault ? 'replica-exit' : 'replica-crash', detail, id)
      if (!byFault && s.replicas.restart === 'on-failure' && timeline.t0 !== undefined) {
        set.restart(id).catch((e: Error) => ending || event('restart-failed', e.message, id))
      }
    })
    set.on('ready', (info) => {
      if (ending) return
      down.delete(info.id)
      event('replica-ready', `on port ${info.port}`, info.id)
      balancer?.updateBackend(info).catch((e: Error) => event('balancer-error', e.message, info.id))
    })

    // The generator starts loading now, beside the replicas; it learns where to send once the balancer is up.
    const targetsKnown = deferred<string[]>()
    const config: GeneratorConfig = {targets: [], phases: s.load.phases, requests: s.load.requests, timeout: s.load.timeout, seed: s.seed}
    const totalMs = s.load.phases.reduce((n, p) => n + p.duration, 0)
    let loadStarted: number | undefined
    let phase = ''
    const finished = deferred<void>()
    generator = startGenerators(config, s.load.generators, {
      onPhaseStart: (p) => {
        phase = p.phase
        timing = p.timing
        loadStarted ??= p.epochMs
        if (p.measure && timeline.t0 === undefined) {
          timeline.t0 = p.epochMs
          faults?.start(p.epochMs)
          balancerCpu = {atMs: Date.now(), cpuMs: processTreeCpuMs(balancer?.pids() ?? [])}
        }
        timeline.add('phase-start', p.phase, undefined, p.epochMs)
        const spec = s.load.phases.find((x) => x.name === p.phase)
        opts.hooks.onEvent?.(`phase ${p.phase} started${p.measure ? '' : ' (not measured)'}: ${(spec?.duration ?? 0) / 1000}s`)
      },
      onPhaseEnd: (p) => timeline.add('phase-end', p.phase, undefined, p.epochMs),
      onSample: (sample) => {
        samples.push(sample)
        const reason = earlyFail?.add(sample, {applied: faults?.applied ?? [], timeline: timeline.list()})
        if (reason) stops.failEarly(reason)
        opts.hooks.onSample?.(sample, {
          phase,
          elapsedMs: Date.now() - (loadStarted ?? Date.now()),
          totalMs,
          backendsUp: s.replicas.count - down.size,
          backendsTotal: s.replicas.count,
        })
      },
      onUsage: (u) => usage.push(u),
      onDone: () => finished.resolve(),
      onError: (e) => stops.partFailed(e),
    }, targetsKnown.promise)

    log(`starting ${s.replicas.count} ${s.replicas.kind} replicas`)
    const infos = await stops.race(set.start())
    await recordPids()

    balancer = await balancerKinds[s.balancer.kind]({loaded, runDir, log, replicaSet: set})
    const lb = balancer
    lb.on('backend-state', (c) => {
      timeline.add(c.state === 'down' ? 'backend-down' : 'backend-up', c.reason, c.id, c.epochMs)
      opts.hooks.onEvent?.(`backend ${c.id} ${c.state}: ${c.reason}`)
    })
    lb.on('exit', (detail) => {
      event('balancer-exit', detail)
      stops.partFailed(new RunError(`the ${s.balancer.kind} balancer exited during the run (${detail}); its output is in ${runDir}`))
    })
    log(`starting the ${s.balancer.kind} balancer`)
    const targets = await stops.race(withTimeout(lb.start(infos), BALANCER_START_MS, `the ${s.balancer.kind} balancer did not start`))
    balancerVersion = await lb.version().catch(() => undefined)
    const generated = lb.config?.()
    if (generated) opts.hooks.onBalancerConfig?.(generated)
    await recordPids()

    faults = new FaultScheduler(loaded, set, lb, timeline, event)
    targetsKnown.resolve(targets)
    await recordPids()
    try {
      await stops.race(withTimeout(finished.promise, totalMs + GENERATOR_GRACE_MS, 'the load generator did not finish in time'))
    } catch (error) {
      // Once load has been measured, what was measured is worth a report, whatever stopped the run.
      if (!(error instanceof AbortedRun || timeline.t0 !== undefined)) throw error
      if (!(error instanceof AbortedRun)) failure = error instanceof RunError ? error : new RunError((error as Error).message)
      abortReason = (error as Error).message
      event('aborted', abortReason)
      generator.stop()
      await withTimeout(finished.promise, 3_000, '', stops.untilHardExit).catch(() => {})
    }
  } catch (error) {
    if (error instanceof AbortedRun) {
      abortReason = error.message
      timeline.add('aborted', error.message)
    } else {
      await teardown()
      throw error instanceof LbbenchError ? error : new RunError(`the run failed: ${(error as Error).message}`)
    }
  }
  await teardown()

  const report = buildReport({
    loaded,
    startedAt,
    runDir,
    samples,
    timeline,
    applied: faults?.applied ?? [],
    stats,
    balancerVersion,
    generatorUsage: usage,
    timing,
    balancerUsage: balancerCpu?.pct === undefined ? undefined : {cpuPct: balancerCpu.pct, elu: balancer?.usage?.()?.elu, ...balancer?.proxyMeta?.()},
    abortReason,
  })
  return {report, runDir, ...(failure ? {failure} : {})}

  async function recordPids(): Promise<void> {
    const pids = [...(replicas?.pids() ?? []), ...(balancer?.pids() ?? []), ...(generator?.pids ?? [])]
    await writeRunState({runId, runDir, orchestratorPid: process.pid, startedAt: startedAt.toISOString(), pids})
  }

  async function teardown(): Promise<void> {
    if (balancer && balancerCpu && !ending) {
      const wallMs = Date.now() - balancerCpu.atMs
      if (wallMs > 0) balancerCpu.pct = ((processTreeCpuMs(balancer.pids()) - balancerCpu.cpuMs) / wallMs) * 100
    }
    ending = true
    log('stopping the replicas and the balancer')
    await withTimeout(Promise.resolve(faults?.stop()), 2_000, '', stops.untilHardExit).catch(() => {})
    if (balancer && !stats) stats = await withTimeout(balancer.stats(), STATS_MS, '', stops.untilHardExit).catch(() => undefined)
    generator?.kill()
    const steps = [balancer?.stop(), replicas?.stop()].map((p) => Promise.resolve(p).catch(() => {}))
    // After Ctrl-C the process exits hard 4.5 s later (interrupt.ts): the report must be written before
    // that, so teardown gets less time then. What it has not stopped yet dies with the orchestrator
    // (orphan guards, IPC channels), and containers are left to `lbbench clean`.
    await withTimeout(Promise.all(steps), TEARDOWN_MS, 'teardown took too long', stops.untilHardExit).catch((e: Error) => log(e.message))
    if (opts.signal.aborted && abortReason === undefined) {
      // Ctrl-C while stopping: the measurement was complete, but the run did not end as it should.
      abortReason = `${String(opts.signal.reason ?? 'interrupted')} while stopping`
      timeline.add('aborted', abortReason)
    }
    await removeRunState(runId).catch(() => {})
  }
}

function deferred<T>(): {promise: Promise<T>; resolve: (v: T) => void} {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return {promise, resolve}
}
