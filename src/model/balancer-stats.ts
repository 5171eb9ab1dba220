// What a balancer counts and reports while it runs: attempts, retries and health changes per backend.
// Shared by the balancer kinds, the built-in proxy process that produces them, and the metrics that read them.

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
  /** Connections per backend, where the balancer balances connections (cluster, mode tcp). */
  connections?: Record<string, number>
  /** Mode tcp: the bytes the balancer forwarded to each backend, and from it, over the whole run. */
  bytesToBackend?: Record<string, number>
  bytesFromBackend?: Record<string, number>
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
