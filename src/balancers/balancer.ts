// The Balancer seam: what sits between the load and the replicas (the built-in proxy, nginx, HAProxy,
// Node's cluster, or nothing). Each kind implements this in its own file and describes itself in
// kinds/<name>.ts (balancer-kind.ts); registry.ts lists the kinds by `balancer.kind`.

import type {EventEmitter} from 'node:events'
import type {LoadedScenario} from '../model/scenario.js'
import type {ReplicaAddress, ReplicaSet} from '../replicas/replica-set.js'
import type {BackendStateChange, BalancerStats} from '../model/balancer-stats.js'

export type {AttemptBucket, BackendStateChange, BalancerStats} from '../model/balancer-stats.js'

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
  /** balancer.tls: the certificate to serve (tls-files.ts). */
  tls?: TlsFiles
}

/** The certificate a balancer that terminates TLS serves: absolute paths of PEM files, and the certificate itself. */
export interface TlsFiles {
  cert: string
  key: string
  /** The certificate and its key in one file (HAProxy's `crt`). */
  combined: string
  /** The certificate's PEM text, to check that the balancer serves it. */
  certPem: string
}

export interface Balancer extends EventEmitter<BalancerEvents> {
  readonly kind: string
  /** Starts in front of the replicas; resolves with the URLs the load goes to (https:// when it terminates TLS). */
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
  /** Its configuration as it runs it (generated, or rendered from your own template), for --print-config. */
  config?(): string | undefined
  stop(): Promise<void>
}
