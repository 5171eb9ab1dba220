// What the steps of one run share: who the run is (its id, folder and scenario), its clock and timeline,
// how it stops, the parts started so far, and how it ended. One object owned by the orchestrator, so that
// each step says by its parameter what it may read and set, and teardown stops exactly the parts that
// were started, whichever step the run got to.

import type {Balancer, TlsFiles} from '../balancers/balancer.js'
import type {GeneratorHandle} from '../load/generator-client.js'
import type {RunError} from '../model/errors.js'
import type {Sample} from '../model/generator-messages.js'
import type {TlsHandshake} from '../process/tls-probe.js'
import type {LoadedScenario, Scenario} from '../model/scenario.js'
import type {ReplicaSet} from '../replicas/replica-set.js'
import type {FaultScheduler} from './fault-scheduler.js'
import {CpuSpan} from './process-cpu.js'
import {makeRunDir, newRunId} from './run-dir.js'
import {writeRunState} from './state-file.js'
import {RunStops} from './stops.js'
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
  /** The load has ended (or never started): the run now stops its parts; the live line is final. */
  onLoadEnd?: () => void
}

export interface LiveState {
  phase: string
  /** Time into the current phase, and that phase's duration. */
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

export class RunContext {
  readonly scenario: Scenario
  readonly hooks: RunHooks
  /** Ctrl-C, SIGTERM. */
  readonly signal: AbortSignal
  readonly startedAt = new Date()
  readonly timeline = new Timeline()
  /** A signal, a part that dies, abortOnFail: how the run stops early, and how long its waits may last. */
  readonly stops: RunStops

  // The parts, each set by the step that starts it.
  replicas?: ReplicaSet
  balancer?: Balancer
  balancerVersion?: string
  /** Where the load goes (report meta.target). */
  target?: string
  /** balancer.tls: the certificate the balancer serves, and what a handshake with it negotiated. */
  tlsFiles?: TlsFiles
  tls?: TlsHandshake
  generator?: GeneratorHandle
  faults?: FaultScheduler

  /** The balancer's CPU use over the measured time. */
  readonly balancerCpu = new CpuSpan()
  /** Replicas down now, for the progress line. */
  readonly down = new Set<string>()
  /** Once teardown starts, replicas exiting are ours to stop, not events of the run. */
  ending = false
  /** Why the run stopped early (a signal, abortOnFail, a part that broke): the report is marked aborted. */
  abortReason?: string
  /** A part broke while load was measured: the report is still written, and the run exits 3. */
  failure?: RunError

  constructor(readonly loaded: LoadedScenario, readonly runId: string, readonly runDir: string, opts: RunOptions) {
    this.scenario = loaded.scenario
    this.hooks = opts.hooks
    this.signal = opts.signal
    this.stops = new RunStops(opts.signal)
  }

  readonly log = (line: string): void => this.hooks.log(line)

  /** Puts an event on the timeline and shows it in the progress output. */
  readonly event = (kind: string, detail: string, target?: string, epochMs = Date.now()): void => {
    this.timeline.add(kind, detail, target, epochMs)
    const t = this.timeline.t0 === undefined ? 'start-up' : `t=${(this.timeline.at(epochMs) / 1000).toFixed(1)}s`
    this.hooks.onEvent?.(`${t} ${kind} ${target ?? ''} ${detail}`.replace(/\s+/g, ' ').trim())
  }

  /** The first measured phase started: t = 0 of the load clock, from which faults and the balancer's CPU count. */
  startClock(epochMs: number): void {
    this.timeline.t0 = epochMs
    this.faults?.start(epochMs)
    this.balancerCpu.begin(this.balancer?.pids() ?? [])
  }

  /** Rewrites the run's state file with every process started so far, for `lbbench clean`. */
  async recordPids(): Promise<void> {
    const pids = [...(this.replicas?.pids() ?? []), ...(this.balancer?.pids() ?? []), ...(this.generator?.pids ?? [])]
    await writeRunState({
      runId: this.runId, runDir: this.runDir, orchestratorPid: process.pid, startedAt: this.startedAt.toISOString(),
      replicaKind: this.scenario.replicas.kind, pids,
      ...(this.scenario.load.generatorsOn ? {generatorsOn: this.scenario.load.generatorsOn} : {}),
    })
  }
}

/** A new run: its id, its folder under the reports folder, and its state file (nothing started yet). */
export async function openRun(loaded: LoadedScenario, opts: RunOptions): Promise<RunContext> {
  const runId = newRunId(loaded.scenario.name)
  const runDir = await makeRunDir(opts.reportsDir, runId)
  // Every process of the run inherits this, so `lbbench clean` and the tests can tell ours from others.
  process.env.LBBENCH_RUN_ID = runId
  const run = new RunContext(loaded, runId, runDir, opts)
  await run.recordPids()
  return run
}
