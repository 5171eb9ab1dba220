// What the built-in proxy's two servers share, whatever unit they balance (requests in mode http,
// server.ts; connections in mode tcp, tcp/tcp-server.ts): the balancing state they are built on, and
// listening, re-pointing a backend, counting and learning from an outcome, which do not depend on the unit.

import type {AddressInfo} from 'node:net'
import type {BackendStateChange} from '../model/balancer-stats.js'
import {LISTEN_BACKLOG} from '../process/listen-backlog.js'
import type {BalancerSpec} from '../model/scenario.js'
import type {BackendTable} from './backend-table.js'
import {Balancing} from './balancing.js'
import type {ProxyConfig, ProxyStats} from './messages.js'
import type {ProxyCounters} from './proxy-stats.js'
import type {RetryBudget} from './retries.js'
import type {HealthEvent} from './shared-health.js'
import type {StrategyKind} from './strategies/strategy.js'

/** The part of a listening server (node:net, node:http or an engine's own front) that starting one needs. */
export interface Listener {
  listen(port: number, host: string, backlog: number, done: () => void): unknown
  once(event: 'error', listener: (err: Error) => void): unknown
  address(): AddressInfo | string | null
}

export abstract class BalancedServer<C extends ProxyCounters> {
  readonly balancing: Balancing<C>
  readonly table: BackendTable
  readonly counters: C
  readonly budget: RetryBudget | undefined
  readonly spec: BalancerSpec
  protected abstract readonly server: Listener

  constructor(
    protected readonly config: ProxyConfig,
    definition: StrategyKind,
    counters: C,
    onState: (change: BackendStateChange) => void,
    share?: (event: HealthEvent) => void,
  ) {
    this.spec = config.balancer
    this.balancing = new Balancing(config, definition, counters, onState, share)
    this.table = this.balancing.table
    this.counters = counters
    this.budget = this.balancing.budget
  }

  /** Starts listening and checking; resolves with the port. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.config.port, this.config.host, LISTEN_BACKLOG, () => resolve())
    })
    this.balancing.start()
    return (this.server.address() as AddressInfo).port
  }

  setBackend(id: string, host: string, port: number): void {
    this.balancing.setBackend(id, host, port)
  }

  stats(): ProxyStats {
    return this.counters.snapshot()
  }

  observe(i: number, latencyMs: number, ok: boolean, now: number): void {
    this.balancing.observe(i, latencyMs, ok, now)
  }
}
