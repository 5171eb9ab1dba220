// The latency distribution as HDR histograms are usually drawn: latency against percentile, the
// percentile axis stretched as 1/(1 − q) on a log scale so that p90, p99, p99.9 … get equal room and the
// tail, where balancers differ, is not squeezed into the right edge. Read from an HDR histogram (every
// value), or, for a report that has none, from its handful of summary percentiles.

import type {LatencyUs} from '../model/report.js'
import {decodeHistogram, type Histogram} from './histogram.js'

export interface CurvePoint {
  /** 1/(1 − q): 1 at p0, 10 at p90, 100 at p99 … 100,000 at p99.999. */
  x: number
  /** The percentile, 0..100. */
  percentile: number
  us: number
}

/** The highest percentile drawn, as 1/(1 − q): p99.999. */
export const CURVE_MAX_X = 100_000
/** Points per decade of 1/(1 − q). */
const PER_DECADE = 10

/** The curve from p0 to p99.999, ten points per decade; empty for an empty histogram. */
export function percentileCurve(h: Histogram): CurvePoint[] {
  if (h.totalCount === 0) return []
  const decades = Math.log10(CURVE_MAX_X)
  const out: CurvePoint[] = []
  for (let i = 0; i <= decades * PER_DECADE; i++) {
    const x = 10 ** (i / PER_DECADE)
    const percentile = 100 * (1 - 1 / x)
    out.push({x, percentile, us: h.getValueAtPercentile(percentile)})
  }
  return out
}

/** The curve of an encoded histogram (summary.histogram, a backend's histogram). */
export function encodedPercentileCurve(encoded: string): CurvePoint[] {
  return percentileCurve(decodeHistogram(encoded))
}

/** A report without histograms: the four percentiles it keeps (p50, p90, p99, p99.9). */
export function summaryPercentileCurve(l: LatencyUs): CurvePoint[] {
  if (l.count === 0) return []
  return ([[50, l.p50], [90, l.p90], [99, l.p99], [99.9, l.p999]] as const).map(([percentile, us]) => ({x: 1 / (1 - percentile / 100), percentile, us}))
}
