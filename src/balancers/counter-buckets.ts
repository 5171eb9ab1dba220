// Attempts per backend in 100 ms buckets, from a balancer that only exposes cumulative counters (HAProxy's
// `show stat`, polled every 100 ms). Each poll's increase per backend happened between that poll and the
// one before; it goes into the bucket holding the middle of that interval, so a bucket is off by at most
// half a poll interval (more only when a poll was late). Failover analysis then reads when the last
// attempt went to a bad backend at about 100 ms, as it does from the built-in proxy's and nginx's buckets,
// instead of at the 1 s of the per-second series. Pure state.

import type {AttemptBucket} from './balancer.js'

const bucketMs = 100

/** Cumulative counts of one backend at one poll. */
export interface BackendTotals {
  attempts: number
  failed: number
}

export class CounterBuckets {
  private last: {atMs: number; totals: Record<string, BackendTotals>} | undefined
  private readonly buckets = new Map<number, AttemptBucket>()

  /** A poll at `atMs` read these totals. The first one is the baseline: what came before it is not in any bucket. */
  add(atMs: number, totals: Record<string, BackendTotals>): void {
    const before = this.last
    this.last = {atMs, totals}
    if (!before || atMs <= before.atMs) return
    const start = Math.floor((before.atMs + atMs) / 2 / bucketMs) * bucketMs
    for (const [id, now] of Object.entries(totals)) {
      const was = before.totals[id] ?? {attempts: 0, failed: 0}
      // A counter never goes down; if it did (the balancer restarted), the increase is unknown.
      const attempts = Math.max(0, now.attempts - was.attempts)
      const failed = Math.max(0, now.failed - was.failed)
      if (attempts === 0 && failed === 0) continue
      let b = this.buckets.get(start)
      if (!b) this.buckets.set(start, (b = {epochMs: start, attempts: {}, failed: {}}))
      b.attempts[id] = (b.attempts[id] ?? 0) + attempts
      if (failed > 0) b.failed[id] = (b.failed[id] ?? 0) + failed
    }
  }

  /** Every bucket with something in it, oldest first. */
  list(): AttemptBucket[] {
    return [...this.buckets.values()].sort((a, b) => a.epochMs - b.epochMs)
  }
}
