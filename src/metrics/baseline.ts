// A run against a saved report (`lbbench run --baseline`): per metric the change, whether it is beyond
// the tolerance in the metric's bad direction, and whether it is beyond the two runs' own noise. Only a
// change that is both is a regression (exit 1): a 12% drop in rps that the seconds of either run vary by
// as much is noise, and a significant 2% drop is within what the user chose to tolerate.
//
// The headline figures (delta, deltaPct, tolerance) use the whole-run values of the reports, the ones a
// reader sees. The noise judgement uses the per-second series of both reports (n = seconds):
//   throughput.rps        Welch t-test of the per-second completed counts
//   errors.rate           Welch t-test of the per-second failed / sent
//   requests.failed       Welch t-test of the per-second failed counts
//   fairness.jain         Welch t-test of Jain's index of each second (over the report's `fairness.over`)
//   backend.<id>.share    Welch t-test of the backend's share of each second; a share has no good
//                         direction, so a change either way beyond the tolerance counts
//   latency.p50, .mean    bootstrap of the median of the per-second p50s (the series carries p50 and p99)
//   latency.p90/p99/p999/max  bootstrap of the median of the per-second p99s: the series' closest tail figure
//   failover.failed       one count per run: beyond noise when |Δ| > 2·√(a + b) (Poisson counts, 2σ)
//   failover.ttd/.ttr     one observation per run: beyond noise when |Δ| ≥ 1 s, the series' resolution
// A partial last second (a phase that does not end on a whole second) is left out of the per-second values.
// Pure: reports in, rows out.

import type {BaselineComparison, BaselineRow, Report, SeriesPoint} from '../model/report.js'
import {UsageError} from '../model/errors.js'
import {lookupMetric} from './catalogue.js'
import {deriveSeed} from '../model/random.js'
import {MIN_SECONDS, medianShift, welch, type NoiseTest} from './noise.js'
import {readMetric} from './thresholds.js'

export const DEFAULT_TOLERANCE = 0.1

/** `10%`, `2.5%` or a fraction like `0.1` → 0.1; a usage error (exit 2) otherwise. */
export function parseTolerance(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TOLERANCE
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text)
  const value = m ? (m[2] ? Number(m[1]) / 100 : Number(m[1])) : NaN
  if (!m || !Number.isFinite(value) || (!m[2] && value > 1) || value > 10) {
    throw new UsageError(`--tolerance: expected a percentage like 10% or a fraction like 0.1; got "${text}"`)
  }
  return Number(value.toPrecision(12))
}

/**
 * Exit 2 when the baseline was made from another scenario, unless forced; the warning to carry when forced.
 * Checked before the run starts, so a mismatch costs no run.
 */
export function checkBaselineScenario(baseline: Report, currentHash: string, file: string, force: boolean): string | undefined {
  if (baseline.meta.scenarioHash === currentHash) return undefined
  const theirs = short(baseline.meta.scenarioHash)
  if (!force) {
    throw new UsageError(`${file}: the baseline was made from another scenario (hash ${theirs}; this run's is ${short(currentHash)}); use --force to compare anyway`)
  }
  return `the baseline was made from another scenario (hash ${theirs}; this run's is ${short(currentHash)}), compared anyway (--force)`
}

const short = (hash: string) => hash.replace(/^sha256:/, '').slice(0, 12)

/** Warnings for each part of the environment fingerprint that differs (cpu, cores, node, balancer). */
export function fingerprintWarnings(baseline: Report, current: Report): string[] {
  const a = baseline.meta.environment
  const b = current.meta.environment
  const diffs: string[] = []
  if (a.cpu !== b.cpu) diffs.push(`cpu "${a.cpu}" → "${b.cpu}"`)
  if (a.cores !== b.cores) diffs.push(`cores ${a.cores} → ${b.cores}`)
  if (a.node !== b.node) diffs.push(`node ${a.node} → ${b.node}`)
  if ((a.balancerVersion ?? '') !== (b.balancerVersion ?? '')) diffs.push(`balancer ${a.balancerVersion ?? 'unknown'} → ${b.balancerVersion ?? 'unknown'}`)
  if (diffs.length === 0) return []
  return [`the baseline was measured in another environment (${diffs.join(', ')}): differences may come from the machine, not the change`]
}

type Direction = 'higher' | 'lower' | 'either'

interface MetricPlan {
  metric: string
  direction: Direction
  /** The noise judgement for this metric, given both reports. */
  noise: (baseline: Report, current: Report, delta: number) => NoiseTest
}

/** The per-second points of a report's measured time, without a partial last second. */
export function fullSeconds(r: Report): SeriesPoint[] {
  const end = r.summary.durationMs
  const full = r.series.filter((p) => p.tMs + 1000 <= end || end <= 0)
  return full.length >= 3 ? full : r.series
}

const perSecond = (f: (p: SeriesPoint, r: Report) => number | undefined) => (r: Report) =>
  fullSeconds(r).map((p) => f(p, r)).filter((x): x is number => x !== undefined && Number.isFinite(x))

const welchOf = (f: (p: SeriesPoint, r: Report) => number | undefined) => (a: Report, b: Report) => welch(perSecond(f)(a), perSecond(f)(b))
const medianOf = (metric: string, f: (p: SeriesPoint) => number) => (a: Report, b: Report) =>
  medianShift(perSecond((p) => (p.completed > 0 ? f(p) : undefined))(a), perSecond((p) => (p.completed > 0 ? f(p) : undefined))(b), deriveSeed(1, metric))

function jainOfSecond(p: SeriesPoint, r: Report): number | undefined {
  const ids = r.fairness.over.length ? r.fairness.over : Object.keys(p.perBackend)
  const weights = Object.fromEntries(r.backends.map((b) => [b.id, b.weight && b.weight > 0 ? b.weight : 1]))
  const xs = ids.map((id) => (p.perBackend[id] ?? 0) / (weights[id] ?? 1))
  const sum = xs.reduce((a, x) => a + x, 0)
  const sumSq = xs.reduce((a, x) => a + x * x, 0)
  return sum > 0 ? (sum * sum) / (xs.length * sumSq) : undefined
}

function onePerRun(what: string, beyond: (delta: number, a: number, b: number) => boolean) {
  return (a: Report, b: Report, delta: number, metric = ''): NoiseTest => {
    const x = readMetric(a, metric).value ?? 0
    const y = readMetric(b, metric).value ?? 0
    return {significant: beyond(delta, x, y), shift: delta, text: what}
  }
}

function plans(baseline: Report, current: Report): MetricPlan[] {
  const latency = (metric: string, field: 'p50' | 'p99'): MetricPlan => ({metric, direction: 'lower', noise: medianOf(metric, (p) => p.latencyUs[field])})
  const out: MetricPlan[] = [
    {metric: 'throughput.rps', direction: 'higher', noise: welchOf((p) => p.completed)},
    latency('latency.p50', 'p50'),
    latency('latency.p90', 'p99'),
    latency('latency.p99', 'p99'),
    latency('latency.p999', 'p99'),
    latency('latency.max', 'p99'),
    latency('latency.mean', 'p50'),
    {metric: 'errors.rate', direction: 'lower', noise: welchOf((p) => (p.sent > 0 ? p.failed / p.sent : undefined))},
    {metric: 'requests.failed', direction: 'lower', noise: welchOf((p) => p.failed)},
  ]
  if (baseline.fairness.over.length > 0 && current.fairness.over.length > 0) {
    out.push({metric: 'fairness.jain', direction: 'higher', noise: welchOf(jainOfSecond)})
  }
  if (baseline.failover.length > 0 && current.failover.length > 0) {
    const failed = onePerRun('one count per run: beyond noise when |Δ| > 2·√(baseline + current)', (d, x, y) => Math.abs(d) > 2 * Math.sqrt(x + y))
    const time = onePerRun('one observation per run: beyond noise when |Δ| ≥ 1 s', (d) => Math.abs(d) >= 1000)
    out.push(
      {metric: 'failover.failed', direction: 'lower', noise: (a, b, d) => failed(a, b, d, 'failover.failed')},
      {metric: 'failover.ttd', direction: 'lower', noise: (a, b, d) => time(a, b, d, 'failover.ttd')},
      {metric: 'failover.ttr', direction: 'lower', noise: (a, b, d) => time(a, b, d, 'failover.ttr')},
    )
  }
  const ids = baseline.backends.map((b) => b.id).filter((id) => current.backends.some((c) => c.id === id))
  for (const id of ids) {
    out.push({
      metric: `backend.${id}.share`,
      direction: 'either',
      noise: welchOf((p) => (p.completed > 0 ? (p.perBackend[id] ?? 0) / p.completed : undefined)),
    })
  }
  return out
}

/** How far a change goes in the bad direction (> 0: worse), in the metric's unit. */
function worsening(direction: Direction, delta: number): number {
  if (direction === 'higher') return -delta
  if (direction === 'lower') return delta
  return Math.abs(delta)
}

export interface BaselineOptions {
  file: string
  tolerance: number
  forced?: boolean
  /** Warnings found before the run (a forced scenario mismatch). */
  warnings?: string[]
}

/** The comparison of `current` with `baseline`, one row per metric both reports have. */
export function compareWithBaseline(current: Report, baseline: Report, opts: BaselineOptions): BaselineComparison {
  const rows: BaselineRow[] = []
  for (const plan of plans(baseline, current)) {
    if (!lookupMetric(plan.metric)) continue
    const b = readMetric(baseline, plan.metric).value
    const c = readMetric(current, plan.metric).value
    if (b === null && c === null) continue
    if (b === null || c === null || !Number.isFinite(b) || !Number.isFinite(c)) {
      rows.push({metric: plan.metric, baseline: b, current: c, delta: null, deltaPct: null, beyondTolerance: false, beyondNoise: false, regression: false, noise: 'not measured in both runs'})
      continue
    }
    const delta = c - b
    const deltaPct = b !== 0 ? (delta / Math.abs(b)) * 100 : null
    const worse = worsening(plan.direction, delta)
    // From a baseline of 0 (no failures) any worsening is beyond a relative tolerance; noise decides.
    const beyondTolerance = worse > 0 && (b === 0 || worse > opts.tolerance * Math.abs(b) * (1 + 1e-9))
    const test = plan.noise(baseline, current, delta)
    // The noise test must see the shift the same way: a whole-run p99 that rose while the seconds' p99s fell is not a regression.
    const sameWay = plan.direction === 'either' ? Math.sign(test.shift) === Math.sign(delta) : worsening(plan.direction, test.shift) > 0
    const beyondNoise = test.significant && sameWay
    rows.push({
      metric: plan.metric,
      baseline: b,
      current: c,
      delta,
      deltaPct,
      beyondTolerance,
      beyondNoise,
      regression: beyondTolerance && beyondNoise,
      noise: test.text,
    })
  }
  return {
    file: opts.file,
    tolerance: opts.tolerance,
    scenarioHash: baseline.meta.scenarioHash,
    startedAt: baseline.meta.startedAt,
    ...(opts.forced ? {forced: true} : {}),
    warnings: [...(opts.warnings ?? []), ...fingerprintWarnings(baseline, current), ...lengthWarnings(baseline, current)],
    rows,
    regressions: rows.filter((r) => r.regression).length,
  }
}

/** A gate that cannot fail must say so: with too few seconds no per-second figure can be beyond noise. */
function lengthWarnings(baseline: Report, current: Report): string[] {
  const a = fullSeconds(baseline).length
  const b = fullSeconds(current).length
  if (a >= MIN_SECONDS && b >= MIN_SECONDS) return []
  return [`too few measured seconds to estimate noise (baseline ${a}, this run ${b}; at least ${MIN_SECONDS} each): only the failover figures can count as regressions; measure for longer`]
}

/** The report with its baseline comparison, and `pass` false when a metric regressed. */
export function withBaseline(current: Report, comparison: BaselineComparison): Report {
  return {...current, baseline: comparison, pass: current.pass && comparison.regressions === 0}
}
