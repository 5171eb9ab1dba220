// Threshold evaluation at the end of a run: every catalogue metric (metrics/catalogue.ts) read from the
// report, compared in the metric's base unit (µs for latency, ms for failover times, a fraction for rates).
// A metric that cannot be read gives actual = null, pass = false and a detail that says why: a gate
// that cannot be checked never passes silently. Window thresholds (`errors.rate[window=10s] < 1%`) must
// hold in every window; metrics/threshold-windows.ts computes the windows.

import type {Sample} from '../model/generator-messages.js'
import type {Report, Summary, ThresholdResult} from '../model/report.js'
import type {ThresholdOp, ThresholdSpec} from '../model/scenario.js'
import {backendMetricOf, lookupMetric, percentileOf} from './catalogue.js'
import {decodeHistogram, percentileUs} from './histogram.js'
import {measuredSpans, phaseSpans} from './load-clock.js'
import {windowSeconds, windowValues, worstWindow} from './threshold-windows.js'

export interface MetricValue {
  value: number | null
  /** Why value is null. */
  detail?: string
}

/** Metrics that exist per phase (read from report.phases); the others are over the whole measured time. */
export function metricHasPhases(metric: string): boolean {
  return /^(latency|errors|requests|throughput)\./.test(metric)
}

const standardPercentiles: Record<string, keyof Summary['latencyUs']> = {50: 'p50', 90: 'p90', 99: 'p99', 99.9: 'p999'}

function fromSummary(s: Summary, metric: string): MetricValue {
  const p = percentileOf(metric)
  if (p !== undefined) {
    const key = standardPercentiles[p]
    if (key) return {value: s.latencyUs[key]}
    if (s.histogram) return {value: percentileUs(decodeHistogram(s.histogram), p)}
    return {value: null, detail: `the report has no latency histogram to read p${p} from`}
  }
  switch (metric) {
    case 'latency.max': return {value: s.latencyUs.max}
    case 'latency.mean': return {value: s.latencyUs.mean}
    case 'errors.rate': return {value: s.errorRate}
    case 'errors.count': return {value: s.requests.failed}
    case 'errors.connect': return {value: s.errors.connect}
    case 'errors.reset': return {value: s.errors.reset}
    case 'errors.timeout': return {value: s.errors.timeout}
    case 'errors.non2xx': return {value: s.errors.non2xx}
    case 'requests.sent': return {value: s.requests.sent}
    case 'requests.completed': return {value: s.requests.completed}
    case 'requests.failed': return {value: s.requests.failed}
    case 'throughput.rps': return {value: s.throughput.rps}
    case 'throughput.bytesPerSec': return {value: s.throughput.bytesPerSec}
  }
  return {value: null, detail: `unknown metric ${metric}`}
}

function fromFailover(report: Report, metric: string): MetricValue {
  const faults = report.failover ?? []
  // A fault on several replicas at once has one row per replica over the same window and the same
  // client-visible failures: count each window once.
  const windows = new Map(faults.map((f) => [`${f.fault}@${f.atMs}`, f]))
  if (metric === 'failover.failed') return {value: [...windows.values()].reduce((n, f) => n + f.failed, 0)}
  if (metric === 'failover.hidden') return {value: faults.reduce((n, f) => n + f.hidden, 0)}
  if (faults.length === 0) return {value: null, detail: 'no faults in this run'}
  // For ttd and ttr a null is the worst case there is: never detected, never reintegrated.
  const field = metric === 'failover.ttd' ? 'ttdMs' : 'ttrMs'
  const never = faults.filter((f) => f[field] === null)
  if (never.length > 0) {
    const what = metric === 'failover.ttd' ? 'never detected' : 'never reintegrated'
    return {value: null, detail: `${what}: ${never.map((f) => `${f.fault} ${f.target} at ${f.atMs} ms`).join(', ')}`}
  }
  return {value: Math.max(...faults.map((f) => f[field] as number))}
}

/** The value of a catalogue metric in a report, over the measured time or one phase. */
export function readMetric(report: Report, metric: string, phase?: string): MetricValue {
  if (!lookupMetric(metric)) return {value: null, detail: `unknown metric ${metric}`}
  if (phase !== undefined) {
    if (!metricHasPhases(metric)) return {value: null, detail: `${metric} is over the whole measured time, not per phase`}
    const s = report.phases?.[phase]
    if (!s) return {value: null, detail: `no phase named ${phase} in this run`}
    return fromSummary(s, metric)
  }
  if (metricHasPhases(metric)) return fromSummary(report.summary, metric)
  if (metric.startsWith('fairness.')) {
    const f = report.fairness
    const key = metric.slice('fairness.'.length) as 'jain' | 'cv' | 'maxMean'
    return {value: f[key]}
  }
  if (metric.startsWith('failover.')) return fromFailover(report, metric)
  const b = backendMetricOf(metric)
  if (b) {
    const row = report.backends.find((r) => r.id === b.id)
    if (!row) return {value: null, detail: `no backend ${b.id} in this run`}
    switch (b.field) {
      case 'share': return {value: row.share}
      case 'errors': return {value: row.errors}
      case 'requests': return {value: row.requests}
      case 'p50': return {value: row.latencyUs.p50}
      case 'p99': return {value: row.latencyUs.p99}
    }
  }
  return {value: null, detail: `unknown metric ${metric}`}
}

export function compare(actual: number, op: ThresholdOp, value: number): boolean {
  switch (op) {
    case '<': return actual < value
    case '<=': return actual <= value
    case '>': return actual > value
    case '>=': return actual >= value
    case '==': return actual === value
    case '!=': return actual !== value
  }
}

/**
 * Every threshold against the report, in the order given. Window thresholds are judged from the run's
 * per-second samples (their latency histograms are not in the report), so they need `samples`.
 */
export function evaluateThresholds(report: Report, specs: ThresholdSpec[], samples?: Sample[]): ThresholdResult[] {
  return specs.map((t) => {
    if (t.window !== undefined) return evaluateWindows(report, t, samples)
    const {value, detail} = readMetric(report, t.metric, t.phase)
    if (value === null || Number.isNaN(value)) return {expr: t.expr, actual: null, pass: false, detail: detail ?? 'no value'}
    return {expr: t.expr, actual: value, pass: compare(value, t.op, t.value)}
  })
}

/** A window threshold holds when every window holds; its actual value is the worst window's. */
function evaluateWindows(report: Report, t: ThresholdSpec, samples: Sample[] | undefined): ThresholdResult {
  const noValue = (detail: string): ThresholdResult => ({expr: t.expr, actual: null, pass: false, detail})
  if (!samples) return noValue("a window threshold is judged from the run's per-second samples, which the report does not keep")
  const size = t.window! / 1000
  const spans = measuredSpans(phaseSpans(report.scenario.load.phases), t.phase)
  const seconds = windowSeconds(samples.filter((s) => s.measure && (t.phase === undefined || s.phase === t.phase)), spans)
  if (seconds.length < size) return noValue(`only ${seconds.length} s ${t.phase === undefined ? 'were measured' : `of ${t.phase} ran`}, less than one ${size} s window`)
  const values = windowValues(seconds, t.metric, size)
  const worst = worstWindow(values, t.op)
  if (!worst) return noValue('no window had a response to time')
  const failed = values.filter((v) => v.value !== null && !compare(v.value, t.op, t.value)).length
  return {expr: t.expr, actual: worst.value, pass: failed === 0, worstWindow: {startMs: worst.startMs, endMs: worst.endMs, windows: values.length, failed}}
}
