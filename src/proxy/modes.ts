// What the built-in proxy process runs for each balancer.mode: the HTTP server with its engine (http,
// per request) or the TCP forwarder (tcp, per connection: tcp/). The one place main.ts asks; each loads
// its code only when chosen.
import type {BackendStateChange} from '../model/balancer-stats.js'
import type {BackendTable} from './backend-table.js'
import {proxyEngines} from './engines.js'
import type {ProxyConfig, ProxyStats} from './messages.js'
import type {HealthEvent} from './shared-health.js'
import type {StrategyKind} from './strategies/strategy.js'

/** What main.ts needs of a running proxy, in either mode. */
export interface RunningProxy {
  readonly table: BackendTable
  listen(): Promise<number>
  setBackend(id: string, host: string, port: number): void
  stats(): ProxyStats
  close(): void
}

type MakeProxy = (config: ProxyConfig, strategy: StrategyKind, onState: (change: BackendStateChange) => void, share?: (event: HealthEvent) => void) => Promise<RunningProxy>

export const proxyModes: Record<'http' | 'tcp', MakeProxy> = {
  http: async (config, strategy, onState, share) => {
    const engine = await proxyEngines[config.balancer.engine]()
    return new (await import('./server.js')).ProxyServer(config, engine, strategy, onState, share)
  },
  tcp: async (config, strategy, onState, share) => new (await import('./tcp/tcp-server.js')).TcpProxyServer(config, strategy, onState, share),
}
