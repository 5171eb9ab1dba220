// The Balancer seam: what sits between the load and the replicas (the built-in proxy, nginx, HAProxy,
// Node's cluster, or nothing). One file per kind; registry.ts chooses by `balancer.kind`.

import type {EventEmitter} from 'node:events'
import type {LoadedScenario} from '../scenario/types.js'
import type {ReplicaAddress, ReplicaSet} from '../replicas/replica-set.js'

export interface BackendStateChange {
  id: string
  state: 'up' | 'down'
  reason: string
  /** Wall-clock time of the change (epoch ms); the orchestrator puts it on the load clock. */
  epochMs: number
}

export interface BalancerStats {
  /** Attempts per backend, retries included. */
  attempts: Record<string, number>
  /** Attempts that failed and were retried on another backend. */
  retries: number
  /** Attempts that failed per backend (connect error, reset, timeout). */
  failedAttempts: Record<string, number>
  /** Requests answered 503 at once because no backend was up. */
  noBackend: number
  /** Requests not retried because their body was over the buffer cap. */
  bodyTooLargeToRetry?: number
  /** Retries refused by the retry budget. */
  budgetExhausted?: number
  /** Connections per backend, where the balancer balances connections. */
  connections?: Record<string, number>
  /** Requests per backend that the balancer counted itself. */
  requests?: Record<string, number>
  /** In-flight requests per backend, sampled ≥ 10 times a second: [epochMs, {id: n}]. */
  inflight?: Array<[number, Record<string, number>]>
  /**
   * Attempts per backend in 100 ms buckets (bucket start, epoch ms), split into all and failed ones, so
   * that failover analysis can tell when the last request went to a bad backend and how many failures a
   * retry hid. Balancers that cannot tell leave it out; the analysis then falls back to the 1 s series.
   */
  attemptBuckets?: AttemptBucket[]
}

export interface AttemptBucket {
  epochMs: number
  attempts: Record<string, number>
  failed: Record<string, number>
}

export interface BalancerEvents {
  'backend-state': [change: BackendStateChange]
  /** The balancer process ended while the run needed it. */
  exit: [detail: string]
}

export interface BalancerOptions {
  loaded: LoadedScenario
  runDir: string
  log: (line: string) => void
  /** The run's replicas, for kinds that are part of them (`cluster`: the primary shares one port). */
  replicaSet?: ReplicaSet
}

export interface Balancer extends EventEmitter<BalancerEvents> {
  readonly kind: string
  /** Starts in front of the replicas; resolves with the URLs the load goes to. */
  start(backends: ReplicaAddress[]): Promise<string[]>
  /** A replica came back on another address (a restart): send its traffic there. */
  updateBackend(backend: ReplicaAddress): Promise<void>
  /** Counters since start. */
  stats(): Promise<BalancerStats>
  /** Its process ids, for CPU sampling and cleanup checks. */
  pids(): number[]
  /** e.g. `nginx/1.22.1`, for the environment fingerprint. */
  version(): Promise<string | undefined>
  /** The balancer process's own CPU use over the last second (percent of one core, event-loop utilisation 0–1), where it reports it. */
  usage?(): {cpuPct: number; elu: number} | undefined
  /** The built-in proxy: how many proxy processes balance and whether they share their health state (report meta.proxy). */
  proxyMeta?(): {workers: number; state: 'per-worker' | 'shared'}
  /** Generated configuration (nginx.conf, haproxy.cfg), for --print-config. */
  config?(): string | undefined
  stop(): Promise<void>
}
