// The built-in proxy in mode tcp (balancer.mode: tcp): a plain TCP server that gives each client
// connection to the backend the strategy picks and forwards its bytes both ways unchanged
// (tcp-connection.ts). Health (passive marks from failed connects, active HTTP checks), the strategy,
// the in-flight samples and the counters are those of mode http; what differs is the unit: a
// connection, where mode http balances requests. For strategies, in flight means connections open to a
// backend, a strategy that learns from latencies (peak-ewma) learns from connect times, and a hash
// strategy hashes on the client's address (validation refuses any other key).

import {createServer, type AddressInfo, type Server, type Socket} from 'node:net'
import {performance} from 'node:perf_hooks'
import type {BackendStateChange} from '../../model/balancer-stats.js'
import {deriveSeed, seededRandom} from '../../model/random.js'
import type {BalancerSpec} from '../../model/scenario.js'
import {BackendTable} from '../backend-table.js'
import {HealthChecker} from '../health-checker.js'
import {inflightSampleMs, type ProxyConfig, type ProxyStats} from '../messages.js'
import {RetryBudget} from '../retries.js'
import type {HealthEvent} from '../shared-health.js'
import type {PickRequest, Strategy, StrategyKind} from '../strategies/strategy.js'
import {TcpCounters} from './tcp-counters.js'
import {TcpForwarding} from './tcp-connection.js'

export class TcpProxyServer {
  readonly table: BackendTable
  readonly counters: TcpCounters
  readonly spec: BalancerSpec
  readonly budget: RetryBudget | undefined
  private readonly strategy: Strategy
  private readonly hashed: boolean
  private readonly server: Server
  private readonly open = new Set<Socket>()
  private readonly checker: HealthChecker | undefined
  private sampler: NodeJS.Timeout | undefined
  private picking: TcpForwarding | undefined
  private pickNow = 0
  private readonly pickRequest: PickRequest

  constructor(
    private readonly config: ProxyConfig,
    definition: StrategyKind,
    onState: (change: BackendStateChange) => void,
    share?: (event: HealthEvent) => void,
  ) {
    this.spec = config.balancer
    this.table = new BackendTable(config.backends, this.spec, onState, share)
    this.counters = new TcpCounters(config.backends.map((b) => b.id), Date.now())
    this.budget = this.spec.retryBudget === undefined ? undefined : new RetryBudget(this.spec.retryBudget)
    this.strategy = definition.create({
      backends: this.table.views,
      random: seededRandom(deriveSeed(config.seed, 'proxy-strategy')),
      now: () => performance.now(),
    })
    this.hashed = definition.needsHashKey
    this.pickRequest = {key: undefined, usable: (b) => this.picking!.mayTry(b.index) && this.table.usable(b.index, this.pickNow)}
    this.server = createServer({allowHalfOpen: true, noDelay: true}, (client) => {
      this.open.add(client)
      client.once('close', () => this.open.delete(client))
      new TcpForwarding(this, client).start()
    })
    const active = this.spec.health.active
    if (active && !share) this.checker = new HealthChecker(this.table.targets, active, (i, ok, cause) => this.table.checkResult(i, ok, cause))
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.config.port, this.config.host, () => resolve())
    })
    this.sampler = setInterval(() => this.counters.sample(Date.now(), (i) => this.table.views[i].inflight), inflightSampleMs)
    this.checker?.start()
    return (this.server.address() as AddressInfo).port
  }

  setBackend(id: string, host: string, port: number): void {
    const i = this.table.indexOf(id)
    if (i >= 0) this.table.replace(i, host, port)
  }

  stats(): ProxyStats {
    return this.counters.snapshot()
  }

  close(): void {
    if (this.sampler) clearInterval(this.sampler)
    this.checker?.stop()
    this.server.close()
    for (const socket of this.open) socket.destroy()
  }

  /** The backend position the strategy chooses for `f`'s connection, or -1 when none is usable. */
  pick(f: TcpForwarding): number {
    this.picking = f
    this.pickNow = Date.now()
    this.pickRequest.key = this.hashed ? f.clientAddress : undefined
    const v = this.strategy.pick(this.pickRequest)
    this.picking = undefined
    return v ? v.index : -1
  }

  observe(i: number, latencyMs: number, ok: boolean, now: number): void {
    this.strategy.observe?.(this.table.views[i], latencyMs, ok, now)
  }
}
