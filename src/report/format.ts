// Number formatting shared by every renderer, so the terminal, Markdown, HTML and JUnit outputs agree
// to the digit. A fixed locale keeps golden files stable on any machine.

import {lookupMetric} from '../metrics/catalogue.js'
import type {BrokenThreshold} from '../metrics/early-fail.js'
import {fairnessNoteKinds, type FailoverSource, type Report, type WorstWindow} from '../model/report.js'
import {plural} from '../model/plural.js'

const LOCALE = 'en-US'

function fixed(n: number, decimals: number): string {
  return n.toLocaleString(LOCALE, {minimumFractionDigits: decimals, maximumFractionDigits: decimals})
}

/** A latency in µs as milliseconds with 3 decimals: 412 → `0.412 ms`, 1234567 → `1,234.567 ms`. */
export function ms(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '–'
  return `${fixed(us / 1000, 3)} ms`
}

/** A whole count with thousands separators: 12345 → `12,345`. */
export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  return fixed(Math.round(n), 0)
}

/** A plain number with a few decimals: 2345.678 → `2,345.7`. */
export function num(n: number | null | undefined, decimals = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  return fixed(n, decimals)
}

/** A fraction as a percentage: 0.2512 → `25.1%`. */
export function percent(fraction: number | null | undefined, decimals = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–'
  return `${fixed(fraction * 100, decimals)}%`
}

/** A point on the load clock: 3000 → `t=3.0s` (or `t=3.000s` with 3 decimals). */
export function at(msFromZero: number, decimals = 1): string {
  return `t=${(msFromZero / 1000).toFixed(decimals)}s`
}

/** A length of time given in ms: 850 → `850 ms`, 10000 → `10.0 s`, 125000 → `2m 5.0s`. */
export function duration(msLength: number | null | undefined): string {
  if (msLength === null || msLength === undefined || !Number.isFinite(msLength)) return '–'
  if (Math.abs(msLength) < 1000) return `${fixed(msLength, 0)} ms`
  if (Math.abs(msLength) < 60_000) return `${(msLength / 1000).toFixed(1)} s`
  const minutes = Math.floor(msLength / 60_000)
  return `${minutes}m ${((msLength - minutes * 60_000) / 1000).toFixed(1)}s`
}

/** Bytes in decimal units: 1234567 → `1.23 MB`. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let v = n
  let i = 0
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${i === 0 ? fixed(v, 0) : fixed(v, 2)} ${units[i]}`
}

/** Bytes per second in decimal units: 1234567 → `1.23 MB/s`. */
export function bytesPerSec(n: number | null | undefined): string {
  const text = bytes(n)
  return text === '–' ? text : `${text}/s`
}

/** A change in percent with its sign: 12.34 → `+12.3%`, -5 → `-5.0%`; one that rounds to nothing → `0.0%`, never `-0.0%`. */
export function signedPercent(pct: number): string {
  const rounded = Math.round(pct * 10) / 10
  return rounded === 0 ? '0.0%' : `${rounded > 0 ? '+' : ''}${num(rounded, 1)}%`
}

/** Requests per second: 2345.67 → `2,345.7 req/s`. */
export function rps(n: number | null | undefined): string {
  return `${num(n, 1)} req/s`
}

/** The metric a threshold expression names: `latency.p99[steady] < 20ms` → `latency.p99`. */
export function thresholdMetric(expr: string): string {
  return /^\s*([\w.]+)/.exec(expr)?.[1] ?? expr
}

/** A threshold's measured value in the unit people read for that metric. */
export function formatMetricValue(metric: string, actual: number | null | undefined): string {
  if (actual === null || actual === undefined) return 'n/a'
  switch (lookupMetric(metric)?.unit) {
    case 'us': return ms(actual)
    case 'ms': return duration(actual)
    // Small rates need the third decimal: 0.015% is not 0.02%.
    case 'fraction': return percent(actual, Math.abs(actual) < 0.01 ? 3 : 2)
    default: return Number.isInteger(actual) ? count(actual) : num(actual, 3)
  }
}

/** Why abortOnFail stops a run: `abortOnFail: errors.count < 10 can no longer hold (12 at t=3.0s)`. */
export function earlyFailReason(b: BrokenThreshold): string {
  return `abortOnFail: ${b.threshold.expr} can no longer hold (${formatMetricValue(b.threshold.metric, b.actual)} at t=${(b.atMs / 1000).toFixed(1)}s)`
}

/** A window on the load clock, which starts and ends on whole seconds: `t=3–5s`. */
export function windowSpan(w: {startMs: number; endMs: number}): string {
  return `t=${w.startMs / 1000}–${w.endMs / 1000}s`
}

/** A window threshold's worst window and how many windows broke it: `t=3–5s (2 of 9 windows failed)`. */
export function worstWindowText(w: WorstWindow): string {
  return `${windowSpan(w)} (${w.failed} of ${plural(w.windows, 'window')} failed)`
}

/** What the fairness figures show besides the balancer's choices (the run's fairness notes), said beside them. */
export const fairnessNoteTexts = (r: Report): string[] => r.timeline.filter((e) => (fairnessNoteKinds as readonly string[]).includes(e.kind)).map((e) => e.detail)

/**
 * What the failover figures were measured from, as one line: `ttd from the balancer's attempts (100 ms
 * buckets); ttr from the responses per backend (1 s buckets)`. Undefined for a report without sources.
 */
export function failoverSourcesText(r: Report): string | undefined {
  const sources = r.failover.find((f) => f.sources)?.sources
  if (!sources) return undefined
  const header = r.scenario.balancer.backendHeader
  const what = (s: FailoverSource) => {
    const counts = s.from === 'attempts' ? "the balancer's attempts" : header ? `the responses' ${header} header` : 'the responses per backend'
    return `${counts} (${s.bucketMs >= 1000 ? `${s.bucketMs / 1000} s` : `${s.bucketMs} ms`} buckets)`
  }
  const [ttd, ttr] = [what(sources.ttd), what(sources.ttr)]
  const ttrName = sources.ttr.until === 'first-response' ? 'ttr (to its first response back)' : 'ttr'
  return ttd === ttr ? `ttd and ${ttrName} from ${ttd}` : `ttd from ${ttd}; ${ttrName} from ${ttr}`
}

/** What ttd and ttr measure in this report, for the failover table's heading. */
export function failoverLegend(r: Report): string {
  return r.failover.find((f) => f.sources)?.sources?.ttr.until === 'first-response'
    ? 'ttd: fault → its last response; ttr: fault end → its first response back'
    : 'ttd: fault → requests to it stop; ttr: fault end → ≥ 90% of its fair share'
}
