// The built-in proxy as a Balancer: forks src/proxy/main.ts as its own process (so its event loop neither
// slows nor is slowed by the orchestrator's) and talks to it over IPC (src/proxy/messages.ts). The
// proxy's output goes to `proxy.log` in the run's folder.

import {fork, type ChildProcess} from 'node:child_process'
import {EventEmitter} from 'node:events'
import {closeSync, mkdirSync, openSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {childEntry} from '../process/child-entry.js'
import {RunError} from '../model/errors.js'
import type {FromProxy, ProxyConfig, ProxyStats, ToProxy} from '../proxy/messages.js'
import type {ReplicaAddress} from '../replicas/replica-set.js'
import type {Balancer, BalancerEvents, BalancerOptions, BalancerStats} from './balancer.js'

const startTimeoutMs = 10_000
const statsTimeoutMs = 5000
/** The proxy exits as soon as its IPC channel closes; SIGKILL only if it has not after this. */
const stopGraceMs = 2000

export class BuiltinBalancer extends EventEmitter<BalancerEvents> implements Balancer {
  readonly kind = 'builtin'
  private child: ChildProcess | undefined
  private exited: Promise<void> | undefined
  private running = false
  private stopping = false
  private latestUsage: {cpuPct: number; elu: number} | undefined
  private lastStats: ProxyStats | undefined
  /** With balancer.workers > 1: the primary's and its workers' process ids. */
  private allPids: number[] | undefined
  private nextReqId = 1
  private readonly pending = new Map<number, {resolve: (s: ProxyStats) => void; reject: (e: Error) => void}>()

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
    }
    mkdirSync(this.opts.runDir, {recursive: true})
    const log = openSync(join(this.opts.runDir, 'proxy.log'), 'a')
    const entry = childEntry('proxy/main')
    let child: ChildProcess
    try {
      child = fork(entry.file, [], {execArgv: entry.execArgv, stdio: ['ignore', log, log, 'ipc']})
    } finally {
      closeSync(log)
    }
    this.child = child
    child.on('error', () => {}) // IPC errors once it is gone; its exit is what counts
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const wasRunning = this.running
        this.running = false
        for (const p of this.pending.values()) p.reject(new RunError('the built-in proxy exited'))
        this.pending.clear()
        if (wasRunning && !this.stopping) this.emit('exit', signal ? `the built-in proxy was killed by ${signal}` : `the built-in proxy exited with code ${code}`)
        resolve()
      })
    })
    child.on('message', (m: FromProxy) => this.onMessage(m))

    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => fail(`the built-in proxy did not start within ${startTimeoutMs / 1000} s (see ${join(this.opts.runDir, 'proxy.log')})`), startTimeoutMs)
      const fail = (message: string): void => {
        cleanup()
        reject(new RunError(message))
      }
      const onMessage = (m: FromProxy): void => {
        if (m.type === 'ready') {
          cleanup()
          this.allPids = m.pids
          resolve(m.port)
        } else if (m.type === 'error') fail(`the built-in proxy could not start: ${m.message}`)
      }
      const onExit = (): void => fail(`the built-in proxy exited while starting (see ${join(this.opts.runDir, 'proxy.log')})`)
      const cleanup = (): void => {
        clearTimeout(timer)
        child.off('message', onMessage)
        child.off('exit', onExit)
      }
      child.on('message', onMessage)
      child.once('exit', onExit)
      this.send({type: 'start', config})
    }).catch(async (err: unknown) => {
      await this.stop()
      throw err
    })
    this.running = true
    return [`http://127.0.0.1:${port}`]
  }

  async updateBackend(backend: ReplicaAddress): Promise<void> {
    this.send({type: 'set-backend', backend: {id: backend.id, host: backend.host, port: backend.port}})
  }

  async stats(): Promise<BalancerStats> {
    if (!this.running) return this.lastStats ?? emptyStats()
    const reqId = this.nextReqId++
    const stats = await new Promise<ProxyStats>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(reqId)
        reject(new RunError(`the built-in proxy did not answer for its counters within ${statsTimeoutMs / 1000} s`))
      }, statsTimeoutMs)
      this.pending.set(reqId, {
        resolve: (s) => {
          clearTimeout(timer)
          resolve(s)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      })
      this.send({type: 'stats?', reqId})
    }).catch((err: unknown) => {
      if (this.lastStats) return this.lastStats
      throw err
    })
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
    // The engine is a library of the same name (http-proxy, later undici): its version is the proxy's.
    const engine = this.opts.loaded.scenario.balancer.engine
    const {version} = createRequire(import.meta.url)(`${engine}/package.json`) as {version: string}
    return `lbbench-proxy (${engine} ${version})`
  }

  /** Its CPU use over the last second, as the proxy last reported it. */
  usage(): {cpuPct: number; elu: number} | undefined {
    return this.latestUsage
  }

  async stop(): Promise<void> {
    this.stopping = true
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    // Closing the channel is the proxy's signal to exit (as when the orchestrator dies).
    if (child.connected) child.disconnect()
    const hard = setTimeout(() => child.kill('SIGKILL'), stopGraceMs)
    await this.exited
    clearTimeout(hard)
  }

  private onMessage(m: FromProxy): void {
    if (m.type === 'backend-state') {
      this.emit('backend-state', {id: m.id, state: m.state, reason: m.reason, epochMs: m.epochMs})
    } else if (m.type === 'usage') {
      this.latestUsage = {cpuPct: m.cpuPct, elu: m.elu}
    } else if (m.type === 'stats') {
      const p = this.pending.get(m.reqId)
      this.pending.delete(m.reqId)
      p?.resolve(m.stats)
    }
  }

  private send(msg: ToProxy): void {
    if (this.child?.connected) this.child.send(msg)
  }
}

function emptyStats(): BalancerStats {
  return {attempts: {}, retries: 0, failedAttempts: {}, noBackend: 0}
}
