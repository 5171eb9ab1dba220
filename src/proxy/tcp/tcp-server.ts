// The built-in proxy in mode tcp (balancer.mode: tcp): a plain TCP server that gives each client
// connection to the backend the strategy picks and forwards its bytes both ways unchanged
// (tcp-connection.ts). Health (passive marks from failed connects, active HTTP checks), the strategy,
// the in-flight samples and the counters are those of mode http (balancing.ts); what differs is the
// unit: a connection, where mode http balances requests. For strategies, in flight means connections
// open to a backend, a strategy that learns from latencies (peak-ewma) learns from connect times, and a
// hash strategy hashes on the client's address (validation refuses any other key). A connection that
// carries no byte either way for a minute is closed, both sides, as nginx and HAProxy close it.

import {createServer, type Server, type Socket} from 'node:net'
import type {BackendStateChange} from '../../model/balancer-stats.js'
import {BalancedServer} from '../balanced-server.js'
import type {ProxyConfig} from '../messages.js'
import type {HealthEvent} from '../shared-health.js'
import type {StrategyKind} from '../strategies/strategy.js'
import {TcpCounters} from './tcp-counters.js'
import {TcpForwarding} from './tcp-connection.js'

/**
 * A connection that carries no byte either way for this long is closed on both sides: the idle timeout
 * of the configs lbbench writes for nginx (`proxy_timeout 60s`) and HAProxy (`timeout client` and
 * `timeout server 60s`) in mode tcp, so that the three L4 balancers give up on a silent client alike.
 */
export const tcpIdleMs = 60_000

export interface TcpServerOptions {
  /** The idle timeout, ms (default tcpIdleMs); tests shorten it. */
  idleMs?: number
}

export class TcpProxyServer extends BalancedServer<TcpCounters> {
  protected readonly server: Server
  readonly idleMs: number
  private readonly open = new Set<Socket>()

  constructor(
    config: ProxyConfig,
    definition: StrategyKind,
    onState: (change: BackendStateChange) => void,
    share?: (event: HealthEvent) => void,
    options: TcpServerOptions = {},
  ) {
    super(config, definition, new TcpCounters(config.backends.map((b) => b.id), Date.now()), onState, share)
    this.idleMs = options.idleMs ?? tcpIdleMs
    this.server = createServer({allowHalfOpen: true, noDelay: true}, (client) => {
      this.open.add(client)
      client.once('close', () => this.open.delete(client))
      new TcpForwarding(this, client).start()
    })
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
}
