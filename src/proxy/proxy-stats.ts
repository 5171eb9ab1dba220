// The proxy's own counters: what it did per backend (attempts, failures, responses), what it refused
// (no backend, body too large to retry, budget), and every 100 ms the in-flight requests per backend and
// the attempts and failed attempts of those 100 ms. Counters are arrays by backend position so the
// request path only increments numbers; the samples are rings of bounded size.

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
    const counts: Record<string, number> = {}
    const attempts: Record<string, number> = {}
    const failed: Record<string, number> = {}
    for (let i = 0; i < this.ids.length; i++) {
      const id = this.ids[i]
      counts[id] = inflight(i)
      attempts[id] = this.attempts[i] - this.bucketAttempts[i]
      failed[id] = this.failedAttempts[i] - this.bucketFailed[i]
      this.bucketAttempts[i] = this.attempts[i]
      this.bucketFailed[i] = this.failedAttempts[i]
    }
    this.inflight.push([epochMs, counts])
    this.buckets.push({epochMs: this.bucketStart, attempts, failed})
    this.bucketStart = epochMs
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
      attemptBuckets: this.buckets.list(),
      inflightDropped: this.inflight.dropped,
    }
  }
}
