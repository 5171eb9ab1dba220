// The built-in proxy in several processes (balancer.workers: N > 1). The process the orchestrator forked
// becomes a cluster primary: it forks N workers (the same proxy/main module, each a whole proxy) that share
// one listening port, and hands them connections in turn (cluster's round-robin scheduling, the primary
// accepts and passes each connection on). The orchestrator still talks only to this process:
// - by default state is per worker, like nginx's workers without a `zone`: each has its own strategy
//   position, health marks (passive failures, and its own active checks), in-flight counts and retry
//   budget; a backend is reported down when the first worker marks it down, up when every worker has it
//   up again (worker-states.ts);
// - with balancer.sharedState health is shared, like nginx's `zone` (shared-health.ts): this process
//   relays each worker's passive events to the others, runs the active checks once for all of them and
//   sends every worker each result; the workers then flip together and the first report of a flip is the
//   one passed on. Strategy positions, in-flight counts and retry budgets stay per worker. The report's
//   meta.proxy.state says which;
// - its counters are the workers' added up (merge-stats.ts), asked of every worker on each `stats?`;
// - `set-backend` goes to every worker (and, with shared checks, to this process's checker);
// - its CPU use is its own plus all workers', its event-loop utilisation the busiest worker's.
// A worker that dies ends the proxy (exit 1; the run then ends as for any balancer that dies) rather than
// being replaced with fresh state in the middle of a measurement. The workers go when this process goes:
// cluster workers exit when their channel to the primary closes, and they are sent SIGTERM on exit too.

import cluster, {type Worker} from 'node:cluster'
import {childEntry} from '../process/child-entry.js'
import {endChild} from '../process/end-child.js'
import {describeExit} from '../process/program-exit.js'
import {Replies} from '../process/replies.js'
import {deriveSeed} from '../model/random.js'
import {HealthChecker, type CheckTarget} from './health-checker.js'
import {mergeProxyStats} from './merge-stats.js'
import {proxyNodeFlags} from './node-flags.js'
import type {FromProxy, ProxyConfig, ProxyStats, ToProxy} from './messages.js'
import {relayTargets, type HealthEvent} from './shared-health.js'
import {SharedStates, WorkerStates, type BackendStates} from './worker-states.js'

/** The environment variable that carries a worker's ProxyConfig (JSON). */
export const workerConfigEnv = 'LBBENCH_PROXY_WORKER_CONFIG'

/** A worker that has not answered for its counters by then is left out of that answer (the orchestrator waits 5 s). */
const workerStatsTimeoutMs = 4000

export class ProxyPrimary {
  private readonly workers: Worker[] = []
  /** Questions to each worker (its counters), in worker order. */
  private readonly replies: Array<Replies<FromProxy>> = []
  private readonly usage: Array<{cpuPct: number; elu: number} | undefined> = []
  private readonly states: BackendStates
  private readonly shared: boolean
  /** With shared state and active checks: the checks, run here once for every worker. */
  private readonly checker: HealthChecker | undefined
  /** The addresses the checker probes, replaced in place when a replica moves. */
  private readonly checkTargets: CheckTarget[]
  private running = false

  constructor(
    private readonly config: ProxyConfig,
    private readonly send: (m: FromProxy) => void,
  ) {
    this.shared = config.balancer.sharedState === true
    this.states = this.shared ? new SharedStates() : new WorkerStates(config.balancer.workers)
    this.checkTargets = config.backends.map((b) => ({host: b.host, port: b.port}))
    const active = config.balancer.health.active
    // Shared checks run here rather than in one of the workers: this process forwards no requests, so a
    // check never waits behind client traffic on a busy event loop (checks that share the request path
    // stall with it, and a hung backend would then stall the checks that should find it), no worker does
    // more than the others, and every worker gets each result from the same sender, in the same order.
    if (this.shared && active) {
      this.checker = new HealthChecker(this.checkTargets, active, (backend, ok, cause) => this.relay(undefined, {kind: 'check', backend, at: Date.now(), ok, cause}))
    }
  }

  /** Forks the workers and starts a proxy in each; resolves with the shared port and every process id. */
  async start(): Promise<{port: number; pids: number[]}> {
    const entry = childEntry('proxy/main')
    cluster.schedulingPolicy = cluster.SCHED_RR
    cluster.setupPrimary({exec: entry.file, execArgv: [...entry.execArgv, ...proxyNodeFlags]})
    process.on('exit', () => {
      for (const w of this.workers) if (!w.isDead()) w.process.kill()
    })
    const n = this.config.balancer.workers
    const ports = await Promise.all(Array.from({length: n}, (_, k) => this.fork(k + 1)))
    if (new Set(ports).size !== 1) throw new Error(`the proxy workers listen on different ports: ${ports.join(', ')}`)
    this.running = true
    this.checker?.start()
    return {port: ports[0], pids: [process.pid, ...this.workers.map((w) => w.process.pid!)]}
  }

  /**
   * Stops every worker and resolves when they have all exited (SIGKILL after 1 s), so that once this
   * process is gone, so are its workers: whoever waits for the proxy's exit finds nothing left behind.
   */
  async shutdown(): Promise<void> {
    this.running = false
    this.checker?.stop()
    const live = this.workers.filter((w) => !w.isDead())
    await Promise.all(live.map((w) => endChild(w.process, () => w.process.kill('SIGTERM'), 1000)))
  }

  private fork(k: number): Promise<number> {
    // Each worker's random choices are its own (two `random` workers must not pick in lockstep).
    const config: ProxyConfig = {...this.config, seed: deriveSeed(this.config.seed, `proxy-worker-${k}`)}
    // The config goes in the environment, not as a `start` message: a cluster worker reads its channel
    // from the start (for cluster's own messages), so a message sent before the module has loaded is lost.
    const w = cluster.fork({[workerConfigEnv]: JSON.stringify(config)})
    const replies = new Replies<FromProxy>((question) => {
      if (!w.isConnected()) return false
      w.send(question)
      return true
    })
    this.workers[k - 1] = w
    this.replies[k - 1] = replies
    return new Promise<number>((resolve, reject) => {
      w.on('message', (m: FromProxy) => {
        replies.take(m)
        if (m.type === 'ready') resolve(m.port)
        else if (m.type === 'error') reject(new Error(`proxy worker ${k}: ${m.message}`))
        else this.onWorkerMessage(k, m)
      })
      w.on('exit', (code, signal) => {
        reject(new Error(`proxy worker ${k} exited while starting`))
        if (!this.running) return
        console.error(`proxy worker ${k} ${signal ? 'was ' : ''}${describeExit({code, signal})}: the proxy stops`)
        process.exit(1)
      })
    })
  }

  private onWorkerMessage(k: number, m: FromProxy): void {
    if (m.type === 'backend-state') {
      const change = this.states.apply(k, {id: m.id, state: m.state, reason: m.reason, epochMs: m.epochMs})
      if (change) this.send({type: 'backend-state', ...change})
    } else if (m.type === 'health') {
      if (this.shared) this.relay(k, m.event)
    } else if (m.type === 'usage') {
      this.usage[k - 1] = {cpuPct: m.cpuPct, elu: m.elu}
    }
  }

  setBackend(backend: {id: string; host: string; port: number}): void {
    const i = this.config.backends.findIndex((b) => b.id === backend.id)
    if (i >= 0) this.checkTargets[i] = {host: backend.host, port: backend.port}
    for (const w of this.workers) if (w.isConnected()) w.send({type: 'set-backend', backend} satisfies ToProxy)
  }

  /** Shared state: an event of worker `from` (or of this process's checks) to the workers that have not applied it. */
  private relay(from: number | undefined, event: HealthEvent): void {
    for (const k of relayTargets(from, this.workers.length)) {
      const w = this.workers[k - 1]
      if (w?.isConnected()) w.send({type: 'health', event} satisfies ToProxy)
    }
  }

  /** Every worker's counters, merged; a worker that has not answered in time is left out. */
  async stats(): Promise<ProxyStats> {
    const timeout = () => new Error(`no counters within ${workerStatsTimeoutMs} ms`)
    const got = await Promise.all(
      this.replies.map((r) =>
        r.ask({type: 'stats?'}, 'stats', workerStatsTimeoutMs, {timeout}).then(
          (m) => m.stats,
          () => undefined,
        ),
      ),
    )
    return mergeProxyStats(got.filter((s) => s !== undefined))
  }

  /** This process's CPU use plus every worker's; the busiest worker's event-loop utilisation. */
  combinedUsage(own: {cpuPct: number; elu: number}): {cpuPct: number; elu: number} {
    let cpuPct = own.cpuPct
    let elu = 0
    for (const u of this.usage) {
      if (!u) continue
      cpuPct += u.cpuPct
      elu = Math.max(elu, u.elu)
    }
    return {cpuPct, elu}
  }
}
