// What both modes of the built-in proxy share, whatever they balance (requests in mode http, server.ts;
// connections in mode tcp, tcp/): the backend table with its health, the strategy and how it picks
// among the backends one request or connection may still try, the retry budget, the active checks and
// the in-flight samples every 100 ms. Picks are synchronous, so one PickRequest serves every pick.

import {performance} from 'node:perf_hooks'
import type {BackendStateChange} from '../model/balancer-stats.js'
import {deriveSeed, seededRandom} from '../model/random.js'
import {BackendTable} from './backend-table.js'
import {HealthChecker} from './health-checker.js'
import {inflightSampleMs, type ProxyConfig} from './messages.js'
import type {ProxyCounters} from './proxy-stats.js'
import {RetryBudget} from './retries.js'
import type {HealthEvent} from './shared-health.js'
import type {PickRequest, Strategy, StrategyKind} from './strategies/strategy.js'

/** A request or connection on its way: the backends it has not tried yet. */
export interface Placing {
  mayTry(i: number): boolean
}

export class Balancing<C extends ProxyCounters = ProxyCounters> {
  readonly table: BackendTable
  readonly budget: RetryBudget | undefined
  /** The strategy chooses by a key (a hash strategy). */
  readonly hashed: boolean
  private readonly strategy: Strategy
  private readonly checker: HealthChecker | undefined
  private sampler: NodeJS.Timeout | undefined
  /** The request or connection being placed by the current (synchronous) pick, and the time of that pick. */
  private placing: Placing | undefined
  private pickNow = 0
  private readonly pickRequest: PickRequest

  constructor(
    config: ProxyConfig,
    definition: StrategyKind,
    readonly counters: C,
    onState: (change: BackendStateChange) => void,
    /**
     * A worker with shared health state (balancer.sharedState): its passive events go here, and it runs no
     * active checks of its own (the primary checks for every worker and sends the results).
     */
    share?: (event: HealthEvent) => void,
  ) {
    const spec = config.balancer
    this.table = new BackendTable(config.backends, spec, onState, share)
    this.budget = spec.retryBudget === undefined ? undefined : new RetryBudget(spec.retryBudget)
    this.strategy = definition.create({
      backends: this.table.views,
      random: seededRandom(deriveSeed(config.seed, 'proxy-strategy')),
      now: () => performance.now(),
    })
    this.hashed = definition.needsHashKey
    this.pickRequest = {key: undefined, usable: (b) => this.placing!.mayTry(b.index) && this.table.usable(b.index, this.pickNow)}
    const active = spec.health.active
    if (active && !share) this.checker = new HealthChecker(this.table.targets, active, (i, ok, cause) => this.table.checkResult(i, ok, cause))
  }

  /** Once the server listens: in-flight samples and active checks. */
  start(): void {
    this.sampler = setInterval(() => this.counters.sample(Date.now(), (i) => this.table.views[i].inflight), inflightSampleMs)
    this.checker?.start()
  }

  stop(): void {
    if (this.sampler) clearInterval(this.sampler)
    this.checker?.stop()
  }

  /**
   * The backend position the strategy chooses for `p` (by `key`, for a hash strategy), or -1 when none is
   * usable; the table hears of the choice (passive health's probes).
   */
  pick(p: Placing, key: string | undefined): number {
    this.placing = p
    const now = (this.pickNow = Date.now())
    this.pickRequest.key = key
    const v = this.strategy.pick(this.pickRequest)
    this.placing = undefined
    if (!v) return -1
    this.table.picked(v.index, now)
    return v.index
  }

  observe(i: number, latencyMs: number, ok: boolean, now: number): void {
    this.strategy.observe?.(this.table.views[i], latencyMs, ok, now)
  }

  /** A replica came back on another address (or the same one): a new server as far as health is concerned. */
  setBackend(id: string, host: string, port: number): void {
    const i = this.table.indexOf(id)
    if (i >= 0) this.table.replace(i, host, port)
  }
}
