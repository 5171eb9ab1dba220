// What the load generator process and the orchestrator say to each other over IPC.

import type {Ms, PhaseSpec, RequestSpec} from './scenario.js'

export interface GeneratorConfig {
  /** One URL (a balancer), or several (balancer `none`: connections are spread over them). */
  targets: string[]
  phases: PhaseSpec[]
  requests: RequestSpec[]
  timeout: Ms
  seed: number
  /** load.keepAlive false: a new connection for every request, and each sample counts the connections opened. */
  keepAlive?: false
  /** load.keepAlive {requests: N}: a new connection after every N requests, and each sample counts the connections opened. */
  requestsPerConnection?: number
  /**
   * How a phase with a `rate` times latency. intended-send (the default): requests follow a schedule
   * and latency runs from when a request was due, so a stall shows in the tail (wrk2). actual-send:
   * autocannon's own rate limit (a burst at the start of each second), timed from the actual write.
   * Phases without a rate are always timed from the actual send (closed loop).
   */
  timing?: Timing
  /** The response header that names the backend, for a balancer lbbench did not configure (read before x-lbbench-backend). */
  backendHeader?: string
  /**
   * One of several generators (or shards) sharing a paced load: per phase, how far its schedule is moved
   * (generator g of a phase at total rate R: g × 1000 / R ms), so that they interleave instead of firing
   * in lockstep.
   */
  scheduleOffsetsMs?: number[]
}

export type Timing = 'intended-send' | 'actual-send'

export type ToGenerator = {type: 'start'; config: GeneratorConfig} | {type: 'stop'}

/** Counts of one second (or the part of it that belongs to one phase). */
export interface Sample {
  /**
   * Second index on the load clock: covers [second * 1000, second * 1000 + 1000) ms from t = 0. Warm-ups
   * before the first measured phase have negative seconds (t = 0 is known from the phase durations).
   * A second that straddles two phases gives one sample per phase.
   */
  second: number
  phase: string
  measure: boolean
  sent: number
  completed: number
  bytes: number
  /** Responses by status code. */
  status: Record<string, number>
  errors: {connect: number; reset: number; timeout: number}
  /**
   * Requests written on a connection the server closed without answering them (autocannon resends
   * them silently; they are failures the client saw as a delay, or as a loss without retries).
   */
  lost?: number
  /**
   * Requests still in flight when the phase (or the generator) stopped: sent, but neither answered nor
   * failed. Not failures; the summary leaves them out of `sent`.
   */
  cutOff?: number
  /**
   * Of the `cutOff` requests, those sent in an earlier second of the same phase, by that second (a slow
   * response can be in flight for seconds). A second's requests sent is its `sent` less the cut-offs
   * sent in it, which is never negative; its own sample's `cutOff` may be larger than its `sent`.
   */
  cutOffSentBefore?: Record<string, number>
  /** load.keepAlive false or {requests: N} only: connections the generator opened (each with its TLS handshake, over HTTPS). */
  connections?: number
  /** Connections the generator held open when the sample was taken (absent from older shard files). */
  openConnections?: number
  /** Per backend (from x-lbbench-backend, or the config's backendHeader): responses, non-2xx, and a latency histogram. */
  perBackend: Record<string, {completed: number; non2xx: number; histogram: string}>
  /** HDR histogram of all response latencies in µs, compressed base64 (hdr-histogram-js). */
  histogram: string
  /** Intended-send timing only: the same responses timed from the actual write (for comparison). */
  uncorrectedHistogram?: string
  /** The same counts in the second's ten 100 ms parts, for the report's finer series. */
  tenths?: TenthsSample
}

/**
 * Counts of each 100 ms part of a sample's second: every array has ten entries, entry j covering
 * [second * 1000 + j * 100, + 100) ms on the load clock; parts outside the sample's phase are zeros.
 * Each count is also in the sample's own (per-second) fields.
 */
export interface TenthsSample {
  sent: number[]
  completed: number[]
  /** Responses outside 200–299. */
  non2xx: number[]
  connect: number[]
  reset: number[]
  timeout: number[]
  lost: number[]
  cutOff: number[]
  /** Responses per backend (the backends the sample's perBackend names). */
  perBackend: Record<string, number[]>
  /**
   * The responses' latencies of each part as a coarse histogram (metrics/fine-histogram.ts), sparse:
   * `[bucket, count, bucket, count, …]`, one list per part.
   */
  latency: number[][]
}

export type FromGenerator =
  | {type: 'ready'}
  /** A phase started; the first measured phase's start is t = 0 of the load clock. */
  | {type: 'phase-start'; phase: string; measure: boolean; epochMs: number; timing?: Timing}
  | {type: 'phase-end'; phase: string; epochMs: number}
  | {type: 'sample'; sample: Sample}
  /**
   * Its own CPU use, so a saturated generator can be told apart from a slow system; `lateMs`: how late
   * its 100 ms clock ticked at worst during the measured phases of that second (a starved event loop).
   */
  | {type: 'usage'; cpuPct: number; elu: number; lateMs?: number}
  | {type: 'done'}
  | {type: 'error'; message: string}
