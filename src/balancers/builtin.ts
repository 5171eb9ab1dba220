// The built-in proxy as a Balancer: forks src/proxy/main.ts as its own process (so its event loop neither
// slows nor is slowed by the orchestrator's) and talks to it over IPC (src/proxy/messages.ts). The
// proxy's output goes to `proxy.log` in the run's folder.

import {EventEmitter} from 'node:events'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {ForkedChild} from '../process/child.js'
import {describeExit} from '../process/program-exit.js'
import {RunError} from '../model/errors.js'
import type {FromProxy, ProxyConfig, ProxyStats, ToProxy} from '../proxy/messages.js'
import {proxyNodeFlags} from '../proxy/node-flags.js'
import type {ReplicaAddress} from '../replicas/replica-set.js'
import type {Balancer, BalancerEvents, BalancerOptions, BalancerStats} from './balancer.js'

const startTimeoutMs = 10_000
const statsTimeoutMs = 5000
/** The proxy exits as soon as its IPC channel closes; SIGKILL only if it has not after this. */
const stopGraceMs = 2000

export class BuiltinBalancer extends EventEmitter<BalancerEvents> implements Balancer {
  readonly kind = 'builtin'
  private child: ForkedChild<ToProxy, FromProxy> | undefined
  private running = false
  private latestUsage: {cpuPct: number; elu: number} | undefined
  private lastStats: ProxyStats | undefined
  /** With balancer.workers > 1: the primary's and its workers' process ids. */
  private allPids: number[] | undefined

  constructor(private readonly opts: BalancerOptions) {
    super()
  }

  async start(backends: ReplicaAddress[]): Promise<string[]> {
    const s = this.opts.loaded.scenario
    const config: ProxyConfig = {
      host: '127.0.0.1',
      port: 0,
      backends: backends.map((b) => ({id: b.id, host: b.host, port: b.port, weight: s.replicas.overrides[b.id]?.weight ?? 1})),
      balancer: s.balancer,
      seed: s.seed,
      ...(this.opts.tls ? {tls: {cert: this.opts.tls.cert, key: this.opts.tls.key}} : {}),
    }
    const log = join(this.opts.runDir, 'proxy.log')
    const child = new ForkedChild<ToProxy, FromProxy>({module: 'proxy/main', output: {file: log}, nodeFlags: proxyNodeFlags})
    this.child = child
    child.onExit((exit, expected) => {
      const wasRunning = this.running
      this.running = false
      if (wasRunning && !expected) this.emit('exit', `the built-in proxy ${exit.signal ? 'was ' : ''}${describeExit(exit)}`)
    })
    child.onMessage((m) => this.onMessage(m))

    const ready = child.expect('ready', startTimeoutMs, {
      timeout: () => new RunError(`the built-in proxy did not start within ${startTimeoutMs / 1000} s (see ${log})`),
      gone: () => new RunError(`the built-in proxy exited while starting (see ${log})`),
      failure: (m) => (m.type === 'error' ? new RunError(`the built-in proxy could not start: ${m.message}`) : undefined),
    })
    child.send({type: 'start', config})
    const {port, pids} = await ready.catch(async (err: unknown) => {
      await this.stop()
      throw err
    })
    this.allPids = pids
    this.running = true
    return [`${this.opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`]
  }

  async updateBackend(backend: ReplicaAddress): Promise<void> {
    this.child?.send({type: 'set-backend', backend: {id: backend.id, host: backend.host, port: backend.port}})
  }

  async stats(): Promise<BalancerStats> {
    if (!this.running || !this.child) return this.lastStats ?? emptyStats()
    const stats = await this.child
      .ask({type: 'stats?'}, 'stats', statsTimeoutMs, {
        timeout: () => new RunError(`the built-in proxy did not answer for its counters within ${statsTimeoutMs / 1000} s`),
        gone: () => new RunError('the built-in proxy exited'),
      })
      .then(
        (m) => m.stats,
        (err: unknown) => {
          if (this.lastStats) return this.lastStats
          throw err
        },
      )
    this.lastStats = stats
    return stats
  }

  pids(): number[] {
    if (!this.running || !this.child?.pid) return []
    return this.allPids ?? [this.child.pid]
  }

  /** How many proxy processes balance, and whether they share their health state (report meta.proxy). */
  proxyMeta(): {workers: number; state: 'per-worker' | 'shared'} {
    const {workers, sharedState} = this.opts.loaded.scenario.balancer
    // One process holds the only state there is; several each hold their own (like nginx without `zone`)
    // unless balancer.sharedState has them share their health (like nginx's `zone`).
    return {workers, state: workers > 1 && !sharedState ? 'per-worker' : 'shared'}
  }

  async version(): Promise<string | undefined> {
    // The engine is a library of the same name (http-proxy, undici): its version is the proxy's. The lean
    // engine is lbbench's own code on node:net: the Node version is its version.
    const {engine, mode} = this.opts.loaded.scenario.balancer
    // Mode tcp forwards with Node's own sockets, no engine.
    if (mode === 'tcp') return `lbbench-proxy (mode tcp, node:net ${process.versions.node})`
    if (engine === 'lean') return `lbbench-proxy (lean node ${process.versions.node})`
    const {version} = createRequire(import.meta.url)(`${engine}/package.json`) as {version: string}
    return `lbbench-proxy (${engine} ${version})`
  }

  /** Its CPU use over the last second, as the proxy last reported it. */
  usage(): {cpuPct: number; elu: number} | undefined {
    return this.latestUsage
  }

  async stop(): Promise<void> {
    const child = this.child
    if (!child) return
    child.expectExit()
    // Closing the channel is the proxy's signal to exit (as when the orchestrator dies).
    await child.end('disconnect', stopGraceMs)
  }

  private onMessage(m: FromProxy): void {
    if (m.type === 'backend-state') {
      this.emit('backend-state', {id: m.id, state: m.state, reason: m.reason, epochMs: m.epochMs})
    } else if (m.type === 'usage') {
      this.latestUsage = {cpuPct: m.cpuPct, elu: m.elu}
    }
  }
}

function emptyStats(): BalancerStats {
  return {attempts: {}, retries: 0, failedAttempts: {}, noBackend: 0}
}
