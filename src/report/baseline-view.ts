// What every renderer says about a --baseline comparison, worded once: each row's verdict, its change
// with a sign in the metric's unit, and the heading line. The renderers only lay it out.

import type {BaselineComparison, BaselineRow} from '../model/report.js'
import {formatMetricValue, num, percent, signedPercent} from './format.js'
import {lookupMetric} from '../metrics/catalogue.js'
import {plural} from '../model/plural.js'

export type RowVerdict = 'regression' | 'within noise' | 'within tolerance' | 'better' | 'better, within noise' | 'unchanged' | 'not compared'

/**
 * regression: worse beyond the tolerance and the noise. within noise: worse beyond the tolerance, but the
 * seconds of the runs vary as much. within tolerance: a real change, smaller than allowed (or no worse).
 */
export function rowVerdict(r: BaselineRow): RowVerdict {
  if (r.delta === null) return 'not compared'
  if (r.regression) return 'regression'
  if (r.beyondTolerance) return 'within noise'
  if (r.delta === 0) return 'unchanged'
  if (improved(r)) return r.beyondNoise ? 'better' : 'better, within noise'
  return 'within tolerance'
}

function improved(r: BaselineRow): boolean {
  const info = lookupMetric(r.metric)
  if (!info || r.delta === null || r.metric.endsWith('.share')) return false
  return info.higherIsBetter ? r.delta > 0 : r.delta < 0
}

/** The change in the metric's unit, signed: `+1.204 ms`, `-612.0`, `+0.120%`. */
export function signedDelta(metric: string, delta: number | null): string {
  if (delta === null) return '–'
  const text = baselineValue(metric, Math.abs(delta))
  return `${delta > 0 ? '+' : delta < 0 ? '-' : '±'}${text}`
}

/** The change as a percentage of the baseline: `-30.2%`, or `new` from a baseline of 0. */
export function signedPct(r: BaselineRow): string {
  if (r.deltaPct === null) return r.delta !== null && r.delta !== 0 ? 'from 0' : '–'
  return signedPercent(r.deltaPct)
}

/** A value as the rest of the report shows it: rps with one decimal, Jain's index with four. */
export function baselineValue(metric: string, v: number | null): string {
  if (v === null) return 'n/a'
  if (metric.startsWith('throughput.')) return num(v, 1)
  if (metric.startsWith('fairness.')) return num(v, 4)
  return formatMetricValue(metric, v)
}

/** `against baseline/report.json (2025-06-01T12:00:00.000Z), tolerance 10%: 1 regression` */
export function baselineHeading(b: BaselineComparison): string {
  const verdict = b.regressions === 0 ? 'no regression' : plural(b.regressions, 'regression')
  return `against ${b.file} (${b.startedAt}), tolerance ${percent(b.tolerance, b.tolerance * 100 % 1 === 0 ? 0 : 1)}: ${verdict}`
}
