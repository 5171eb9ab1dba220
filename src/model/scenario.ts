// The resolved scenario: what a scenario file means once it is validated and every default is filled in.
// All durations are in milliseconds here (the file always carries units). The schema in schema.ts
// produces exactly this shape; every other part of lbbench reads only this.

export type Ms = number

/** Latency of the built-in app: a fixed value, or a distribution (milliseconds). */
export interface LatencySpec {
  dist: 'fixed' | 'normal' | 'exponential' | 'uniform'
  mean: Ms
  stddev?: Ms
  min?: Ms
  max?: Ms
}

/** What the built-in app does for each request. Changed while it runs through its control channel. */
export interface AppBehaviour {
  latency: LatencySpec
  /** Busy work per request, ms of CPU. */
  cpu: Ms
  /** Response size in bytes; the default body is `Hello World!` (12 bytes). */
  body: number
  /** Fraction of requests answered with `errorStatus` (500 unless a `fail` fault says otherwise). */
  errorRate: number
  errorStatus: number
  /** Accept requests and never answer them (the `hang` fault). */
  hang: boolean
}

export interface ReplicaOverride {
  latency?: LatencySpec
  cpu?: Ms
  body?: number
  errorRate?: number
  weight?: number
}

/** The fault actions a system lbbench did not start does with commands of its own (`replicas.actions`). */
export type ExternalAction = 'kill' | 'terminate' | 'pause' | 'resume' | 'restart'

export interface ReplicasSpec {
  /** r1 … rN; 0 for external replicas none of which are listed (a balancer lbbench did not start, alone). */
  count: number
  /** A kind of replicas/registry.ts (ReplicaKind there): cluster, process, docker, external. */
  kind: string
  /** Built-in app behaviour (cluster kind, and the built-in app image for docker). */
  app: AppBehaviour
  /** process: the command, with $PORT and $REPLICA substituted; run through /bin/sh. */
  command?: string
  cwd?: string
  env: Record<string, string>
  /** docker: an image name, or a folder with a Dockerfile to build. */
  image?: string
  build?: string
  /** cluster, process, docker: fixed ports on 127.0.0.1, one per replica (for a balancer lbbench did not start). */
  ports?: number[]
  /** swarm: how long Swarm waits before it replaces a task that ended (Swarm's own default: 5 s). */
  restartDelay?: Ms
  /** swarm: how the `update` fault rolls the service's tasks over. */
  update?: SwarmUpdate
  /** swarm: Swarm's own health check of every task; a task that fails it `retries` times in a row is replaced. */
  healthCheck?: SwarmHealthCheck
  /** external: the replicas' loopback addresses (`127.0.0.1:9001`, `[::1]:9001`), r1 first. */
  addresses?: string[]
  /** external: the shell command that does each fault action ($REPLICA, $REPLICA_INDEX, $ADDRESS are set). */
  actions?: Partial<Record<ExternalAction, string>>
  ready: {path?: string; timeout: Ms}
  restart: 'never' | 'on-failure'
  overrides: Record<string, ReplicaOverride>
}

/** A swarm service's rolling update: tasks replaced at a time, stop the old one first or start the new one first, the wait between batches. */
export interface SwarmUpdate {
  parallelism: number
  order: 'stop-first' | 'start-first'
  delay: Ms
}

/** Docker's health check of a swarm task: an HTTP GET of `path` (the built-in app) or a shell `command` (another image). */
export interface SwarmHealthCheck {
  path?: string
  command?: string
  interval: Ms
  timeout: Ms
  retries: number
  startPeriod: Ms
}

export interface PassiveHealth {
  maxFails: number
  failTimeout: Ms
  /** Statuses that count as failures too (connect errors, resets and timeouts always do). */
  statuses: number[]
}

export interface ActiveHealth {
  path: string
  interval: Ms
  timeout: Ms
  rise: number
  fall: number
}

export interface BalancerSpec {
  kind: string
  strategy: string
  /** hash strategies: `ip`, `path` or `header:NAME`. */
  hashKey?: string
  retries: number
  retryNonIdempotent: boolean
  /** Fraction of requests that may be retries (Envoy's retry budget), e.g. 0.2; absent = no budget. */
  retryBudget?: number
  /** Largest request body buffered so it can be replayed on a retry. */
  retryBodyLimit: number
  /** Per try. */
  timeout: Ms
  health: {passive?: PassiveHealth; active?: ActiveHealth}
  /** Built-in proxy engine. */
  engine: 'http-proxy' | 'undici' | 'lean'
  /**
   * builtin, nginx, haproxy: `tcp` balances connections (L4) instead of requests; absent = http. Written
   * only when given, so the scenario hash of a scenario without it did not change when it came.
   */
  mode?: 'http' | 'tcp'
  /** Built-in proxy processes. */
  workers: number
  /**
   * Built-in proxy with workers > 1: the workers share their health state (passive marks and one set of
   * active checks), like nginx's `zone`; absent = each worker keeps its own. Only `true` is written, so
   * the scenario hash of a scenario without it did not change when it came.
   */
  sharedState?: true
  /** cluster balancer: Node's cluster scheduling policy. */
  schedulingPolicy: 'rr' | 'none'
  /** external balancer: the loopback URL the load goes to (`http://127.0.0.1:8080`). */
  url?: string
  /** external balancer: the response header that names the backend (its value: a replica's name or address). */
  backendHeader?: string
  /** external balancer at an https:// url: accept any certificate it serves (a self-signed one); absent = it must be trusted. */
  insecure?: boolean
  // Your own stack: the user's own configuration, and TLS at the balancer. Written only when given, so
  // that the scenario hash of a scenario without them did not change when they came.
  /** nginx, HAProxy: run the user's own configuration (a template) instead of a generated one. */
  config?: OwnConfigSpec
  /** The balancer terminates TLS (the replicas stay plain HTTP on loopback). */
  tls?: TlsSpec
}

/**
 * `balancer.config`: the user's nginx.conf or haproxy.cfg with `{{listen}}` and `{{servers}}` in it.
 * balancer.strategy (and hashKey) then name the same balancing as the file's, where the scenario has one.
 */
export interface OwnConfigSpec {
  /** The template, as the scenario names it: relative to the scenario file. */
  file: string
  /**
   * How the file balances, in its own words: `least_conn`, `balance leastconn`, or the program's default
   * when it says nothing. Filled in when the file is read at validation.
   */
  balancing?: string
}

/** `balancer.tls`: a certificate lbbench makes for the run (self-signed, 127.0.0.1 and localhost), or the user's. */
export type TlsSpec = {selfSigned: true} | {cert: string; key: string}

export interface PhaseSpec {
  name: string
  duration: Ms
  measure: boolean
  connections: number
  /** Total requests per second; absent = as fast as the connections go. */
  rate?: number
}

export interface RequestSpec {
  method: string
  path: string
  headers: Record<string, string>
  body?: string
  weight: number
}

export interface LoadSpec {
  connections: number
  rate?: number
  /** Per request. */
  timeout: Ms
  phases: PhaseSpec[]
  requests: RequestSpec[]
  /** Generator processes (or shards). */
  generators: number
  /**
   * swarm: the generators run as the shards of a Docker Swarm replicated job (one lbbench shard each),
   * their samples read from the engine's logs. Written only when swarm: absent, they are processes here.
   */
  generatorsOn?: 'swarm'
  /**
   * false: a new connection (and TLS handshake) for every request, and the summary gives new connections
   * per second. Written only when false (a scenario without it keeps its hash).
   */
  keepAlive?: false
  /**
   * keepAlive {requests: N}, N ≥ 2: a connection carries at most N requests, then the next goes out on a
   * new one (as nginx's keepalive_requests closes them), so a balancer that picks per connection picks
   * again. {requests: 1} is keepAlive false.
   */
  keepAliveRequests?: number
}

/** A replica id (r1 … rN), a list of them, or `random` (one, chosen with the seed). */
export type FaultTarget = string[] | 'random'

export interface FaultSpec {
  /** Offset on the load clock (t = 0 is the start of the first measured phase). */
  at: Ms
  action: string
  target?: FaultTarget
  /** For pause, slow, fail, hang: undone after this long. */
  for?: Ms
  latency?: Ms
  status?: number
  rate?: number
  command?: string
  /** scale: the service's new replica count. */
  replicas?: number
  /** Where the fault stands in the file, for messages. */
  line?: number
}

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '!='

export interface ThresholdSpec {
  /** As written, e.g. `latency.p99[steady] < 20ms`. */
  expr: string
  metric: string
  phase?: string
  /**
   * `[window=10s]`: the threshold must hold in every window this long (whole seconds), sliding by 1 s over
   * the measured seconds (of `phase`, when given), instead of over the measured time as a whole.
   */
  window?: Ms
  op: ThresholdOp
  /** In the metric's base unit: µs for latency, ms for failover times, a fraction for rates. */
  value: number
}

export interface Scenario {
  name: string
  description?: string
  seed: number
  replicas: ReplicasSpec
  balancer: BalancerSpec
  load: LoadSpec
  faults: FaultSpec[]
  thresholds: ThresholdSpec[]
  abortOnFail: boolean
}

/** A scenario with where it came from. */
export interface LoadedScenario {
  scenario: Scenario
  file: string
  /** sha256 of the resolved scenario (not of the file's text: comments do not change it). */
  hash: string
}

export const replicaIds = (s: Scenario): string[] => Array.from({length: s.replicas.count}, (_, i) => `r${i + 1}`)
