// Latency histograms: HDR histograms of microseconds. autocannon's own histogram has 1 ms resolution,
// so every latency lbbench reports comes from these instead. They travel between processes as
// compressed base64 and merge exactly (adding counts), so N generators give the same percentiles as one.

import {createRequire} from 'node:module'
import type {Histogram} from 'hdr-histogram-js'
import type {LatencyUs} from '../model/report.js'

export type {Histogram}

// Loaded on first use (~70 ms): commands such as `validate` import metric modules without needing it.
type Hdr = typeof import('hdr-histogram-js')
let loaded: Hdr | undefined
const hdrLib = (): Hdr => (loaded ??= createRequire(import.meta.url)('hdr-histogram-js') as Hdr)

/** 60 s: the longest latency recorded exactly; autoResize keeps anything longer instead of throwing. */
const highestUs = 60_000_000

/** An empty histogram of latencies in µs, 1 µs .. 60 s, 3 significant digits. */
export function newLatencyHistogram(): Histogram {
  return hdrLib().build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: highestUs,
    numberOfSignificantValueDigits: 3,
  })
}

export function encodeHistogram(h: Histogram): string {
  return hdrLib().encodeIntoCompressedBase64(h)
}

/** The histogram an encodeHistogram() string holds (the empty string decodes to an empty one). */
export function decodeHistogram(encoded: string): Histogram {
  if (!encoded) return newLatencyHistogram()
  // Decoded histograms are fixed-size; adding into a fresh autoResize one keeps merges safe.
  const merged = newLatencyHistogram()
  merged.add(hdrLib().decodeFromCompressedBase64(encoded, 64, false))
  return merged
}

/** Adds `from` into `into` (counts add: exact, not an approximation) and returns `into`. */
export function mergeHistograms(into: Histogram, from: Histogram): Histogram {
  if (from.totalCount > 0) into.add(from)
  return into
}

/** One histogram holding every value of the encoded ones. */
export function mergeEncoded(encoded: Iterable<string>): Histogram {
  return addEncoded(newLatencyHistogram(), encoded)
}

/** Adds every value of the encoded histograms into `into`, or with sign -1 takes them away (they must be in it). */
export function addEncoded(into: Histogram, encoded: Iterable<string>, sign: 1 | -1 = 1): Histogram {
  for (const e of encoded) {
    if (!e) continue
    const h = hdrLib().decodeFromCompressedBase64(e, 64, false)
    if (h.totalCount === 0) continue
    if (sign === 1) into.add(h)
    else into.subtract(h)
  }
  return into
}

/** The value at percentile p (0..100) in µs, 0 for an empty histogram. */
export function percentileUs(h: Histogram, p: number): number {
  return h.totalCount === 0 ? 0 : h.getValueAtPercentile(p)
}

/**
 * The report's latency figures. Percentiles are HDR's "highest equivalent value" of the bucket (within
 * 0.1% above the true value); the mean is rounded to whole µs. All zeros for an empty histogram.
 */
export function latencyOf(h: Histogram): LatencyUs {
  if (h.totalCount === 0) return {p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0}
  return {
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.maxValue,
    mean: Math.round(h.mean),
    count: h.totalCount,
  }
}
