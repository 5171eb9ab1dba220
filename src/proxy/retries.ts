// When the built-in proxy tries a request again on another backend, and what it answers when it cannot.
//
// - Only failures before any response byte reached the client: connect error, reset, per-try timeout.
// - Only on a backend not yet tried for this request (nginx's tried[], Envoy's previous_hosts).
// - Only idempotent methods, unless `retryNonIdempotent`. (nginx would still retry a POST whose connection
//   was refused, as nothing was sent; lbbench follows the scenario's word and does not.)
// - Only requests whose body could be replayed: no body, or one buffered up to `retryBodyLimit`.
// - Up to `retries` more tries, and, with `retryBudget`, within the budget below.
// After the last try: 502, or 504 when the last try timed out (nginx's and Envoy's codes).

import type {FailureKind} from './engine.js'

/** RFC 9110 §9.2.2 idempotent methods. */
export const idempotentMethods: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'])

export function isReplayableMethod(method: string | undefined, retryNonIdempotent: boolean): boolean {
  // GET, the common case, without a hash lookup (this runs per request).
  return retryNonIdempotent || method === 'GET' || idempotentMethods.has(method ?? 'GET')
}

/** The status the client gets when every try failed. */
export function failureStatus(kind: FailureKind): 502 | 504 {
  return kind === 'timeout' ? 504 : 502
}

/**
 * A retry budget: the retries started in the last 10 s (a sliding window of ten 1-s buckets, like the ttl
 * of Linkerd's budget) may be at most `fraction` of the requests that arrived in it, but never fewer than
 * 3 are allowed, so a quiet service can still retry (Envoy's `min_retry_concurrency` is 3 too). Envoy's
 * own budget compares retries in flight with requests in flight; that lets any number of fast failures
 * through one by one, so a windowed ratio is used here: with `retryBudget: 20%` retries stay near 20% of
 * requests however fast the backends fail, which is what a brownout report wants to show.
 */
export class RetryBudget {
  static readonly bucketMs = 1000
  static readonly buckets = 10
  static readonly minRetries = 3
  private readonly requests = new Array<number>(RetryBudget.buckets).fill(0)
  private readonly retries = new Array<number>(RetryBudget.buckets).fill(0)
  /** The second (epoch ms / bucketMs) each bucket holds. */
  private readonly second = new Array<number>(RetryBudget.buckets).fill(-1)

  constructor(private readonly fraction: number) {}

  /** A new request arrived at `now` (ms). */
  request(now: number): void {
    this.requests[this.bucket(now)] += 1
  }

  /** Whether a retry may start at `now`; if so, it is counted. */
  take(now: number): boolean {
    const b = this.bucket(now)
    const oldest = Math.floor(now / RetryBudget.bucketMs) - RetryBudget.buckets + 1
    let requests = 0
    let retries = 0
    for (let i = 0; i < RetryBudget.buckets; i++) {
      if (this.second[i] < oldest) continue
      requests += this.requests[i]
      retries += this.retries[i]
    }
    if (retries >= Math.max(RetryBudget.minRetries, this.fraction * requests)) return false
    this.retries[b] += 1
    return true
  }

  private bucket(now: number): number {
    const s = Math.floor(now / RetryBudget.bucketMs)
    const i = s % RetryBudget.buckets
    if (this.second[i] !== s) {
      this.second[i] = s
      this.requests[i] = 0
      this.retries[i] = 0
    }
    return i
  }
}
