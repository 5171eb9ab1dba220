// The built-in proxy in mode tcp (balancer.mode: tcp): a plain TCP server that gives each client
// connection to the backend the strategy picks and forwards its bytes both ways unchanged
// (tcp-connection.ts). Health (passive marks from failed connects, active HTTP checks), the strategy,
// the in-flight samples and the counters are those of mode http (balancing.ts); what differs is the
// unit: a connection, where mode http balances requests. For strategies, in flight means connections
// open to a backend, a strategy that learns from latencies (peak-ewma) learns from connect times, and a
// hash strategy hashes on the client's address (validation refuses any other key).

import {createServer, type AddressInfo, type Server, type Socket} from 'node:net'
import type {BackendStateChange} from '../../model/balancer-stats.js'
import type {BalancerSpec} from '../../model/scenario.js'
import type {BackendTable} from '../backend-table.js'
import {Balancing} from '../balancing.js'
import type {ProxyConfig, ProxyStats} from '../messages.js'
import type {RetryBudget} from '../retries.js'
import type {HealthEvent} from '../shared-health.js'
import type {StrategyKind} from '../strategies/strategy.js'
import {TcpCounters} from './tcp-counters.js'
import {TcpForwarding} from './tcp-connection.js'

export class TcpProxyServer {
  readonly balancing: Balancing<TcpCounters>
  readonly table: BackendTable
  readonly counters: TcpCounters
  readonly budget: RetryBudget | undefined
  readonly spec: BalancerSpec
  private readonly server: Server
  private readonly open = new Set<Socket>()

  constructor(
    private readonly config: ProxyConfig,
    definition: StrategyKind,
    onState: (change: BackendStateChange) => void,
    share?: (event: HealthEvent) => void,
  ) {
    this.spec = config.balancer
    this.balancing = new Balancing(config, definition, new TcpCounters(config.backends.map((b) => b.id), Date.now()), onState, share)
    this.table = this.balancing.table
    this.counters = this.balancing.counters
    this.budget = this.balancing.budget
    this.server = createServer({allowHalfOpen: true, noDelay: true}, (client) => {
      this.open.add(client)
      client.once('close', () => this.open.delete(client))
      new TcpForwarding(this, client).start()
    })
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.config.port, this.config.host, () => resolve())
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

  close(): void {
    this.balancing.stop()
    this.server.close()
    for (const socket of this.open) socket.destroy()
  }

  /** The backend position the strategy chooses for `f`'s connection, or -1 when none is usable. */
  pick(f: TcpForwarding): number {
    return this.balancing.pick(f, this.balancing.hashed ? f.clientAddress : undefined)
  }

  observe(i: number, latencyMs: number, ok: boolean, now: number): void {
    this.balancing.observe(i, latencyMs, ok, now)
  }
}
