// What the built-in proxy process (proxy/main.ts) and the orchestrator (balancers/builtin.ts) say to each
// other over IPC. The orchestrator sends `start` once, the proxy answers `ready` with the port it listens
// on; from then on the proxy reports state changes and its own CPU use unasked, and answers `stats?`.
// With balancer.workers > 1 the primary and its workers speak the same messages, and with
// balancer.sharedState also `health` both ways (shared-health.ts); the orchestrator never sees those.

import type {BackendStateChange, BalancerStats} from '../model/balancer-stats.js'
import type {BalancerSpec} from '../model/scenario.js'
import type {HealthEvent} from './shared-health.js'

/** One replica as the proxy forwards to it. */
export interface ProxyBackend {
  id: string
  host: string
  port: number
  /** From `replicas.overrides.<id>.weight`; 1 when not given. */
  weight: number
}

export interface ProxyConfig {
  /** Always 127.0.0.1: lbbench talks to loopback only. */
  host: string
  /** 0 = any free port; the proxy says which in `ready`. */
  port: number
  /** In the scenario's order (r1 first): strategies tie-break on this order. */
  backends: ProxyBackend[]
  balancer: BalancerSpec
  /** The scenario's seed; the strategy's random numbers are derived from it. */
  seed: number
  /** balancer.tls: terminate TLS with this certificate and key (PEM files). */
  tls?: {cert: string; key: string}
}

/** How often the proxy samples in-flight requests per backend and closes an attempt bucket. */
export const inflightSampleMs = 100
/**
 * In-flight samples and attempt buckets the proxy keeps (10 minutes at 10 a second). Older ones are
 * dropped so a long run cannot grow the proxy's memory; `stats.inflightDropped` says how many were.
 */
export const inflightSampleCap = 6000
/** How often the proxy reports its own CPU use. */
export const usageIntervalMs = 1000

export type ToProxy =
  | {type: 'start'; config: ProxyConfig}
  /** A replica came back on another address (a restart on a new port). */
  | {type: 'set-backend'; backend: {id: string; host: string; port: number}}
  | {type: 'stats?'; reqId: number}
  /** Primary to worker, shared state: another worker's passive event, or the primary's check result. */
  | {type: 'health'; event: HealthEvent}

export interface ProxyStats extends BalancerStats {
  /** In-flight samples (and as many attempt buckets) dropped because the buffer was full (see inflightSampleCap). */
  inflightDropped: number
  /**
   * Retries on the same backend after a reset on a pooled keep-alive socket (the backend closed an idle
   * connection as the request went out): not failures of the backend, not counted in `retries`.
   */
  staleSocketRetries: number
  /** With balancer.workers > 1: the attempts each worker made, in worker order (how evenly the primary spread the connections). */
  workerAttempts?: number[]
}

export type FromProxy =
  /** `pids`: with balancer.workers > 1, this process's and every worker's (for CPU sampling and cleanup checks). */
  | {type: 'ready'; port: number; pids?: number[]}
  | ({type: 'backend-state'} & BackendStateChange)
  | {type: 'stats'; reqId: number; stats: ProxyStats}
  /** Its own CPU use over the last second: percent of one core, and event-loop utilisation (0–1). */
  | {type: 'usage'; cpuPct: number; elu: number}
  /** It could not start (a bad engine, a port in use); it exits after sending this. */
  | {type: 'error'; message: string}
  /** Worker to primary, shared state: a passive event of this worker, for the primary to relay to the others. */
  | {type: 'health'; event: HealthEvent}
