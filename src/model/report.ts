// The JSON report, v1. Its keys listed in the README ("Reports and exit codes") are stable: other tools
// and CI scripts read them. Add keys freely; rename one only with a new schemaVersion.
// Times are ms from t = 0 (the start of the first measured phase) unless the name says otherwise;
// latency is in microseconds.

import type {Scenario} from './scenario.js'
import type {ShardRow} from './shard.js'

export interface LatencyUs {
  p50: number
  p90: number
  p99: number
  p999: number
  max: number
  mean: number
  count: number
}

export interface ErrorCounts {
  connect: number
  reset: number
  timeout: number
  non2xx: number
  /** Requests sent on a connection that closed before any answer (autocannon silently resends them). */
  lost: number
}

export interface Summary {
  durationMs: number
  requests: {sent: number; completed: number; failed: number}
  errors: ErrorCounts
  /** failed / sent. */
  errorRate: number
  latencyUs: LatencyUs
  /** connectionsPerSec: load.keepAlive false only, new connections (and handshakes) per second. */
  throughput: {rps: number; bytesPerSec: number; connectionsPerSec?: number}
  statusCodes: Record<string, number>
  /**
   * All latencies of the summary as an HDR histogram (µs, hdr-histogram-js compressed base64), so any
   * percentile (latency.p95 thresholds, baselines) can be read from a saved report.
   */
  histogram?: string
}

export interface BackendEvent {
  atMs: number
  state: string
  reason?: string
}

export interface BackendReport {
  id: string
  /** Responses this backend served (from the x-lbbench-backend header), measured phases only. */
  requests: number
  share: number
  /** Non-2xx responses it served. */
  errors: number
  /**
   * Attempts the balancer started to it in the measured phases, retries included (when the balancer can
   * tell; the cluster balancer: the requests its worker counted over the whole run).
   */
  attempts?: number
  latencyUs: {p50: number; p99: number}
  events: BackendEvent[]
  weight?: number
  /** Connections it accepted (the cluster balancer balances connections, not requests), or that a balancer in mode tcp forwarded to it. */
  connections?: number
  /** Mode tcp: the bytes the balancer forwarded to it and from it, over the whole run. */
  bytes?: {toBackend: number; fromBackend: number}
  /** The latencies of its responses as an HDR histogram (µs, hdr-histogram-js compressed base64), for its percentile curve. */
  histogram?: string
}

export interface Fairness {
  jain: number
  cv: number
  maxMean: number
  minMean: number
  /** The backends the figures are over: those that were up for the whole measured time. */
  over: string[]
}

export interface FailoverReport {
  fault: string
  target: string
  atMs: number
  /** Time to detect: the fault until requests stopped going to the bad backend (the last one before 500 ms without any); null = never. */
  ttdMs: number | null
  /** The balancer's own state flip for the backend, if it reported one. */
  ttdBalancerMs?: number | null
  /** Client-visible failed requests in the window. */
  failed: number
  /** Attempts that failed but were retried (latency cost only). */
  hidden: number
  /** Time to reintegrate: the fault's end until the first second the backend gets ≥ 90% of its fair share, or until its first response back (sources.ttr.until says which). */
  ttrMs: number | null
  addedP99Us?: number | null
  steadyMs?: number | null
  /** What ttd and ttr were measured from: the balancer's attempts, or the responses per backend (their backend header), and the bucket size. */
  sources?: {ttd: FailoverSource; ttr: FailoverSource}
  /** A replica an orchestrator replaced (swarm): from the fault to its task's death, to the replacement task's start (engine events), and to it answering. */
  replacement?: {dieMs: number; startMs: number | null; servingMs: number | null}
  /** A rolling update: the fault until the engine reported it ended (null: not within the run). */
  durationMs?: number | null
  /** A rolling update: the longest time one slot had no task answering, and which slot. */
  longestOutMs?: number | null
  longestOutTarget?: string
}

export interface FailoverSource {
  from: 'attempts' | 'responses'
  bucketMs: number
  /** ttr's only: what ended it (absent in reports from before it was written: fair-share). */
  until?: ReintegratedWhen
}

/**
 * What ends time to reintegrate: `fair-share`, the end of the first second in which the backend gets
 * ≥ 90% of its fair share; `first-response`, its first response back (a balancer lbbench did not start,
 * known only by the responses' backend header).
 */
export type ReintegratedWhen = 'fair-share' | 'first-response'

export interface SeriesPoint {
  tMs: number
  phase: string
  sent: number
  completed: number
  failed: number
  errors: ErrorCounts
  latencyUs: {p50: number; p99: number}
  perBackend: Record<string, number>
  /** The p99 latency (µs) of each backend's responses in the second; a backend with fewer than 20 is left out. */
  perBackendP99Us?: Record<string, number>
  inflight?: Record<string, number>
  backendsUp?: number
  /** The connections the load generator(s) held open at the end of the second. */
  openConnections?: number
}

/**
 * The finer series: 100 ms buckets, kept only where they tell something the per-second series cannot,
 * so a long run's report stays small:
 * - for the whole measured time when it is at most 30 s;
 * - otherwise from 2 s before to 2 s after each fault event (applied or ended) in the measured time.
 * Overlapping stretches are merged; `windows` lists them, and every bucket inside one has a point (a
 * bucket without any request is a point of zeros, not a gap).
 */
export interface FineSeries {
  /** The buckets' length in ms: 100. */
  bucketMs: number
  /** Percentiles of a bucket are given only when it had at least this many responses (20). */
  minLatencyCount: number
  /** The stretches of the load clock covered, [startMs, endMs), in time order. */
  windows: Array<{startMs: number; endMs: number}>
  points: FinePoint[]
}

/** One 100 ms bucket, [tMs, tMs + 100): the same counts as a SeriesPoint, over a tenth of the time. */
export interface FinePoint {
  tMs: number
  sent: number
  completed: number
  failed: number
  /** The failures by kind, only when there were any. */
  errors?: ErrorCounts
  /** From a coarse histogram (buckets ≤ 3.1% wide); only with at least minLatencyCount responses. */
  latencyUs?: {p50: number; p99: number}
  perBackend: Record<string, number>
  /** The built-in proxy's in-flight requests per backend, averaged over its samples in the bucket. */
  inflight?: Record<string, number>
}

export interface TimelineEvent {
  atMs: number
  kind: string
  target?: string
  detail: string
}

/**
 * The timeline kinds of the notes said before the load about what the fairness figures will show besides
 * the balancer's choices (balancers/fairness-notes.ts); the reports print them beside fairness.
 */
export const fairnessNoteKinds = ['connection-split', 'weights-ignored', 'one-client-address'] as const

export interface ThresholdResult {
  expr: string
  /** For a window threshold, the worst window's value. */
  actual: number | null
  pass: boolean
  detail?: string
  /** A window threshold (`errors.rate[window=10s] < 1%`): its worst window. */
  worstWindow?: WorstWindow
}

/** The window a window threshold is furthest from holding in, on the load clock, [startMs, endMs). */
export interface WorstWindow {
  startMs: number
  endMs: number
  /** How many windows there were, and how many broke the threshold (latency windows without a response do neither). */
  windows: number
  failed: number
}

/** One metric of a comparison with a saved report (`lbbench run --baseline`). */
export interface BaselineRow {
  metric: string
  baseline: number | null
  current: number | null
  /** current − baseline, in the metric's base unit (µs, ms, a fraction, a count). */
  delta: number | null
  /** delta as a percentage of |baseline|; null when the baseline is 0 or a value is missing. */
  deltaPct: number | null
  /** The change is in the metric's bad direction and larger than the tolerance. */
  beyondTolerance: boolean
  /** The change is larger than the per-second noise of the two runs (see metrics/noise.ts). */
  beyondNoise: boolean
  /** beyondTolerance and beyondNoise: a regression, exit 1. */
  regression: boolean
  /** How the noise was judged, e.g. `Welch t=-8.12 df=17.3 p<0.001 (n=10/10 s)`. */
  noise?: string
}

export interface BaselineComparison {
  /** The baseline report's path, as given. */
  file: string
  /** Allowed change in the bad direction, as a fraction of the baseline value (0.1 = 10%). */
  tolerance: number
  /** The baseline's scenario hash and start, so a reader can tell which run it was. */
  scenarioHash: string
  startedAt: string
  /** --force compared a baseline made from another scenario. */
  forced?: boolean
  /** Differences of scenario or environment fingerprint that make the comparison less telling. */
  warnings: string[]
  rows: BaselineRow[]
  regressions: number
}

export interface Environment {
  cpu: string
  cores: number
  node: string
  os: string
  balancerVersion?: string
}

export interface Report {
  schemaVersion: 1
  meta: {
    lbbench: string
    startedAt: string
    scenarioHash: string
    scenarioFile: string
    seed: number
    environment: Environment
    /**
     * The load generator(s): CPU (percent of one core) and event-loop utilisation, and whether one was
     * saturated. A merged run (`lbbench merge`) also lists its shards (`shards`; saturated if any was), the
     * bound that their start skew puts on per-second figures and times to detect (`skewBoundMs`: the spread
     * of their starts, plus their clock offsets where known), and the shards that were missing (`missing`,
     * with --partial). `lateMs`: how late the generator's 100 ms clock ticked at worst while it measured (a
     * saturated generator).
     */
    generator: {cpuPct: number; saturated: boolean; elu?: number; shards?: ShardRow[]; skewBoundMs?: number; clockOffsetsKnown?: boolean; missing?: number[]; lateMs?: number}
    /** The balancer's processes (the built-in proxy, nginx, HAProxy, a cluster primary): CPU % of one core over the measured time. */
    /**
     * The built-in proxy: CPU use (all its processes together, percent of one core), event-loop utilisation
     * (the busiest process), how many proxy processes balanced (balancer.workers), and whether they shared
     * their state:
     * - `per-worker` (workers > 1, the default): each worker kept its own health marks and ran its own
     *   active checks, like nginx workers without a `zone`: a backend one worker had marked down could
     *   still get another worker's requests;
     * - `shared`: one process (workers 1), whose state is the only one; or workers > 1 with
     *   balancer.sharedState, like nginx's `zone`: the workers shared their health state, that is the
     *   passive failure counts and down/up marks (relayed between them by the primary, so they stop and
     *   resume sending to a backend together) and the active checks (run once, in the primary, every
     *   result applied in every worker). Even then each worker kept its own in-flight counts, strategy
     *   position (round-robin turn, peak-EWMA averages, random draws) and retry budget.
     */
    proxy?: {cpuPct: number; elu?: number; workers?: number; state?: 'per-worker' | 'shared'}
    aborted?: boolean
    abortReason?: string
    /**
     * The run could not be carried out (exit 3: a program missing, a replica never ready): nothing was
     * measured under load, the thresholds were not evaluated, and t = 0 is the start of the run. Such a
     * report is also marked aborted, with the error's first line as abortReason.
     */
    notRun?: boolean
    /** Why it could not be: the error as printed, and where to look. */
    error?: {message: string; hint?: string}
    /** How latency was timed: from the actual send (autocannon) or from the intended send (schedule). */
    timing: 'actual-send' | 'intended-send'
    reportDir?: string
    /** Wall-clock time (epoch ms) of t = 0, the start of the first measured phase (start-up is measured to it). */
    t0EpochMs?: number
    /** The URL the load went to (balancer `none`: each replica's, space-separated). */
    target?: string
    /** balancer.tls: what a handshake with the balancer negotiated before the load. */
    tls?: {protocol: string; cipher: string}
  }
  scenario: Scenario
  summary: Summary
  phases: Record<string, Summary>
  backends: BackendReport[]
  fairness: Fairness
  failover: FailoverReport[]
  series: SeriesPoint[]
  /** 100 ms buckets around the faults, or over the whole run when it is short (see FineSeries). */
  fineSeries?: FineSeries
  timeline: TimelineEvent[]
  thresholds: ThresholdResult[]
  /** The comparison with --baseline, when one was given. */
  baseline?: BaselineComparison
  /** Every threshold held, the run was not aborted, and no metric regressed against --baseline. */
  pass: boolean
}
