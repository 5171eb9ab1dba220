// The per-backend table from the responses clients saw (attributed by the x-lbbench-backend header), and
// the balancer's own view beside it: the attempts (retries included) it started in the same measured time,
// from its 100 ms buckets. The caller fills `attempts` and the backend's `events`.

import type {AttemptBucket} from '../model/balancer-stats.js'
import type {Sample} from '../model/generator-messages.js'
import type {BackendReport} from '../model/report.js'
import {encodeHistogram, mergeEncoded, percentileUs} from './histogram.js'

/**
 * One row per backend: every id of `ids` (in that order, even with no responses), then any other id the
 * responses named (sorted). Share is of the responses that named a backend. Pass measured samples.
 */
export function backendRows(samples: Sample[], ids: string[], weights: Record<string, number> = {}): BackendReport[] {
  const histograms = new Map<string, string[]>()
  const requests = new Map<string, number>()
  const errors = new Map<string, number>()
  for (const s of samples) {
    for (const [id, b] of Object.entries(s.perBackend)) {
      requests.set(id, (requests.get(id) ?? 0) + b.completed)
      errors.set(id, (errors.get(id) ?? 0) + b.non2xx)
      const list = histograms.get(id)
      if (list) list.push(b.histogram)
      else histograms.set(id, [b.histogram])
    }
  }
  const known = new Set(ids)
  const all = [...ids, ...[...requests.keys()].filter((id) => !known.has(id)).sort()]
  const total = [...requests.values()].reduce((a, n) => a + n, 0)
  return all.map((id) => {
    const h = mergeEncoded(histograms.get(id) ?? [])
    const n = requests.get(id) ?? 0
    const row: BackendReport = {
      id,
      requests: n,
      share: total > 0 ? n / total : 0,
      errors: errors.get(id) ?? 0,
      latencyUs: {p50: percentileUs(h, 50), p99: percentileUs(h, 99)},
      events: [],
    }
    if (weights[id] !== undefined) row.weight = weights[id]
    if (h.totalCount > 0) row.histogram = encodeHistogram(h)
    return row
  })
}

/** The width of a balancer's attempt buckets (model/balancer-stats.ts). */
const bucketMs = 100

/** A bucket's time and attempts per ms, with those of the buckets just before and after it. */
interface BucketTime {
  start: number
  end: number
  rate: (id: string) => number
  before: (id: string) => number
  after: (id: string) => number
}

/**
 * Attempts per backend that started within the spans (epoch ms, [start, end); ±Infinity for an open end),
 * from the balancer's 100 ms buckets. The buckets are not aligned with the load clock, so a span's edge
 * cuts through one: its attempts are split by the time on each side, each side weighted by the attempt
 * rate of the neighbouring bucket on that side. So where the load starts or stops at the edge, the far
 * side's neighbour has no attempts and the whole bucket counts; in steady load the split is by time.
 * Rounded per backend.
 */
export function attemptsInSpans(buckets: readonly AttemptBucket[], spans: ReadonlyArray<{start: number; end: number}>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const b of bucketTimes(buckets)) {
    for (const [id, n] of Object.entries(b.bucket.attempts)) {
      if (n === 0) continue
      const inside = spans.reduce((sum, span) => sum + shareInside(b.time, span, id), 0)
      if (inside > 0) out[id] = (out[id] ?? 0) + n * inside
    }
  }
  for (const id of Object.keys(out)) out[id] = Math.round(out[id])
  return out
}

/**
 * Each bucket with when it ends: where the next one starts when that is less than two buckets later (a
 * balancer's timer may fire late), else 100 ms on (a list may leave out empty buckets: nginx, HAProxy).
 */
function bucketTimes(buckets: readonly AttemptBucket[]): Array<{bucket: AttemptBucket; time: BucketTime}> {
  const sorted = [...buckets].sort((a, b) => a.epochMs - b.epochMs)
  const ends = sorted.map((b, i) => {
    const next = sorted[i + 1]
    return next && next.epochMs - b.epochMs < 2 * bucketMs ? next.epochMs : b.epochMs + bucketMs
  })
  const rateOf = (i: number, id: string) => (sorted[i].attempts[id] ?? 0) / Math.max(1, ends[i] - sorted[i].epochMs)
  return sorted.map((bucket, i) => {
    const touchesPrev = i > 0 && ends[i - 1] === bucket.epochMs
    const touchesNext = i + 1 < sorted.length && ends[i] === sorted[i + 1].epochMs
    const time: BucketTime = {
      start: bucket.epochMs,
      end: ends[i],
      rate: (id) => rateOf(i, id),
      before: (id) => (touchesPrev ? rateOf(i - 1, id) : 0),
      after: (id) => (touchesNext ? rateOf(i + 1, id) : 0),
    }
    return {bucket, time}
  })
}

/** The share of a bucket's attempts of one backend that started inside the span, by the split described above. */
function shareInside(b: BucketTime, span: {start: number; end: number}, id: string): number {
  const from = Math.max(b.start, span.start)
  const to = Math.min(b.end, span.end)
  if (to <= from) return 0
  if (from === b.start && to === b.end) return 1
  // The part inside has the rate of the side it touches (both sides: the bucket's own); the parts outside, their neighbour's.
  const insideRate = from === b.start ? b.before(id) : to === b.end ? b.after(id) : b.rate(id)
  const inside = (to - from) * insideRate
  const outside = (from - b.start) * b.before(id) + (b.end - to) * b.after(id)
  if (inside + outside === 0) return (to - from) / (b.end - b.start)
  return inside / (inside + outside)
}
