// The proxy's own counters: what it did per backend (attempts, failures, responses), what it refused
// (no backend, body too large to retry, budget), and every 100 ms the in-flight requests per backend and
// the attempts and failed attempts of those 100 ms (a snapshot adds the bucket still open). Counters are
// arrays by backend position so the request path only increments numbers; the samples are rings of bounded size.

import type {AttemptBucket} from '../model/balancer-stats.js'
import {inflightSampleCap, type ProxyStats} from './messages.js'

/** A ring that keeps the latest `cap` items. */
class Ring<T> {
  private readonly items: T[] = []
  private head = 0
  dropped = 0

  constructor(private readonly cap: number) {}

  push(item: T): void {
    if (this.items.length < this.cap) {
      this.items.push(item)
      return
    }
    this.items[this.head] = item
    this.head = (this.head + 1) % this.cap
    this.dropped += 1
  }

  list(): T[] {
    return [...this.items.slice(this.head), ...this.items.slice(0, this.head)]
  }
}

export class ProxyCounters {
  readonly attempts: number[]
  readonly failedAttempts: number[]
  readonly requests: number[]
  retries = 0
  noBackend = 0
  bodyTooLargeToRetry = 0
  budgetExhausted = 0
  staleSocketRetries = 0
  private readonly inflight = new Ring<[number, Record<string, number>]>(inflightSampleCap)
  private readonly buckets = new Ring<AttemptBucket>(inflightSampleCap)
  /** Totals at the start of the current bucket. */
  private readonly bucketAttempts: number[]
  private readonly bucketFailed: number[]
  private bucketStart: number

  constructor(private readonly ids: readonly string[], epochMs: number) {
    this.attempts = new Array<number>(ids.length).fill(0)
    this.failedAttempts = new Array<number>(ids.length).fill(0)
    this.requests = new Array<number>(ids.length).fill(0)
    this.bucketAttempts = new Array<number>(ids.length).fill(0)
    this.bucketFailed = new Array<number>(ids.length).fill(0)
    this.bucketStart = epochMs
  }

  /** Every 100 ms: in-flight requests now, and the attempts of the bucket that ends now. */
  sample(epochMs: number, inflight: (i: number) => number): void {
    this.inflight.push([epochMs, Object.fromEntries(this.ids.map((id, i) => [id, inflight(i)]))])
    this.buckets.push(this.openBucket())
    this.bucketAttempts.splice(0, this.ids.length, ...this.attempts)
    this.bucketFailed.splice(0, this.ids.length, ...this.failedAttempts)
    this.bucketStart = epochMs
  }

  /** The attempts since the current bucket began. */
  private openBucket(): AttemptBucket {
    const since = (values: number[], at: number[]): Record<string, number> => Object.fromEntries(this.ids.map((id, i) => [id, values[i] - at[i]]))
    return {epochMs: this.bucketStart, attempts: since(this.attempts, this.bucketAttempts), failed: since(this.failedAttempts, this.bucketFailed)}
  }

  snapshot(): ProxyStats {
    const byId = (values: number[]): Record<string, number> => Object.fromEntries(this.ids.map((id, i) => [id, values[i]]))
    return {
      attempts: byId(this.attempts),
      failedAttempts: byId(this.failedAttempts),
      requests: byId(this.requests),
      retries: this.retries,
      noBackend: this.noBackend,
      bodyTooLargeToRetry: this.bodyTooLargeToRetry,
      budgetExhausted: this.budgetExhausted,
      staleSocketRetries: this.staleSocketRetries,
      inflight: this.inflight.list(),
      // With the bucket still open: stats are asked for right after the load stops, and its last attempts are in it.
      attemptBuckets: [...this.buckets.list(), this.openBucket()],
      inflightDropped: this.inflight.dropped,
    }
  }
}
