// Side-by-side figures for a comparison of subjects (strategies, balancers), each with one or more runs.
// The spread of repeated runs is their range (min–max), not a standard deviation: with the 2–5 repeats
// people run, a range is what was actually seen and needs no distribution assumed. The best subject is
// called clearly best only when its whole range beats every other subject's whole range.

import type {Report} from '../model/report.js'

export interface Spread {
  mean: number
  min: number
  max: number
  /** Runs the figure is over. */
  n: number
}

export type Better = 'higher' | 'lower' | 'none'

/** How a row's values read: us = latency (µs), ms = a time (ms), fraction = 0..1, rps, count, cpu = % of one core. */
export type RowUnit = 'us' | 'ms' | 'fraction' | 'rps' | 'count' | 'number' | 'cpu'

export interface ComparisonRow {
  key: string
  label: string
  unit: RowUnit
  better: Better
  /** One per subject, in subject order; null when no run of that subject has the figure. */
  values: Array<Spread | null>
  /** Index of the subject with the best mean, or null (no direction, or fewer than two values). */
  best: number | null
  /** True when the best subject's range beats every other range; null when no subject has repeats. */
  clear: boolean | null
  /**
   * Each subject's mean as a change against the first subject's, in percent (+12.5: 12.5% more), in
   * subject order; 0 when both are 0; null for the first subject, where either has no figure, or where
   * only the first's is 0 (no relative change from nothing).
   */
  deltaPct: Array<number | null>
}

export interface SubjectRuns {
  reports: Report[]
}

export function spreadOf(values: number[]): Spread | null {
  const v = values.filter((x) => Number.isFinite(x))
  if (v.length === 0) return null
  return {mean: v.reduce((a, b) => a + b, 0) / v.length, min: Math.min(...v), max: Math.max(...v), n: v.length}
}

interface RowSpec {
  key: string
  label: string
  unit: RowUnit
  better: Better
  /** The figure from one report; undefined when that report has none. */
  pick: (r: Report) => number | null | undefined
}

function worst(values: Array<number | null>, better: 'lower' | 'higher'): number | undefined {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x))
  if (v.length === 0) return undefined
  return better === 'lower' ? Math.max(...v) : Math.min(...v)
}

function rowSpecs(subjects: SubjectRuns[]): RowSpec[] {
  const backendIds = [...new Set(subjects.flatMap((s) => s.reports.flatMap((r) => r.backends.map((b) => b.id))))]
    .sort((a, b) => a.localeCompare(b, 'en', {numeric: true}))
  const anyFailover = subjects.some((s) => s.reports.some((r) => r.failover.length > 0))
  const anyProxyCpu = subjects.some((s) => s.reports.some((r) => r.meta.proxy !== undefined))
  const anyNewConnections = subjects.some((s) => s.reports.some((r) => r.summary.throughput.connectionsPerSec !== undefined))
  return [
    {key: 'throughput.rps', label: 'throughput (req/s)', unit: 'rps', better: 'higher', pick: (r) => r.summary.throughput.rps},
    // load.keepAlive false or {requests: N}: new connections (and TLS handshakes); what the balancer accepts per second.
    ...(anyNewConnections
      ? [{key: 'throughput.connectionsPerSec', label: 'new connections/s', unit: 'rps', better: 'higher', pick: (r) => r.summary.throughput.connectionsPerSec}] satisfies RowSpec[]
      : []),
    {key: 'latency.p50', label: 'latency p50', unit: 'us', better: 'lower', pick: (r) => r.summary.latencyUs.p50},
    {key: 'latency.p99', label: 'latency p99', unit: 'us', better: 'lower', pick: (r) => r.summary.latencyUs.p99},
    {key: 'latency.p999', label: 'latency p99.9', unit: 'us', better: 'lower', pick: (r) => r.summary.latencyUs.p999},
    {key: 'requests.failed', label: 'failed requests', unit: 'count', better: 'lower', pick: (r) => r.summary.requests.failed},
    {key: 'errors.rate', label: 'error rate', unit: 'fraction', better: 'lower', pick: (r) => r.summary.errorRate},
    {key: 'fairness.jain', label: "fairness (Jain's index)", unit: 'number', better: 'higher', pick: (r) => (r.fairness.over.length > 0 ? r.fairness.jain : undefined)},
    ...backendIds.map((id): RowSpec => ({
      key: `backend.${id}.share`,
      label: `share ${id}`,
      unit: 'fraction',
      better: 'none',
      pick: (r) => r.backends.find((b) => b.id === id)?.share,
    })),
    ...(anyFailover
      ? [
        {key: 'failover.ttd', label: 'failover ttd (worst)', unit: 'ms', better: 'lower', pick: (r) => worst(r.failover.map((f) => f.ttdMs), 'lower')},
        {key: 'failover.failed', label: 'failover failed (sum)', unit: 'count', better: 'lower', pick: (r) => (r.failover.length > 0 ? r.failover.reduce((a, f) => a + f.failed, 0) : undefined)},
      ] satisfies RowSpec[]
      : []),
    // What the harness itself cost. No direction: at a closed-loop load more throughput costs more CPU,
    // so the lowest figure is not simply the best. The balancer's is known where it reports it (builtin).
    ...(anyProxyCpu
      ? [{key: 'balancer.cpu', label: 'balancer CPU', unit: 'cpu', better: 'none', pick: (r) => r.meta.proxy?.cpuPct}] satisfies RowSpec[]
      : []),
    {key: 'generator.cpu', label: 'load generator CPU', unit: 'cpu', better: 'none', pick: (r) => r.meta.generator.cpuPct},
  ]
}

function isBetter(a: number, b: number, better: Better): boolean {
  return better === 'higher' ? a > b : a < b
}

/** The best subject of a row and whether its lead is larger than the spread of the runs. */
export function bestOf(values: Array<Spread | null>, better: Better): {best: number | null; clear: boolean | null} {
  if (better === 'none') return {best: null, clear: null}
  const present = values.map((v, i) => ({v, i})).filter((x): x is {v: Spread; i: number} => x.v !== null)
  if (present.length < 2) return {best: null, clear: null}
  let best = present[0]
  for (const x of present.slice(1)) if (isBetter(x.v.mean, best.v.mean, better)) best = x
  // All equal: nobody is best.
  if (present.every((x) => x.v.mean === best.v.mean)) return {best: null, clear: null}
  const repeats = present.some((x) => x.v.n > 1)
  if (!repeats) return {best: best.i, clear: null}
  const bestWorst = better === 'higher' ? best.v.min : best.v.max
  const clear = present.filter((x) => x.i !== best.i).every((x) => {
    const otherBest = better === 'higher' ? x.v.max : x.v.min
    return isBetter(bestWorst, otherBest, better)
  })
  return {best: best.i, clear}
}

export function compareRows(subjects: SubjectRuns[]): ComparisonRow[] {
  return rowSpecs(subjects).map((spec) => {
    const values = subjects.map((s) => spreadOf(s.reports.map(spec.pick).filter((x): x is number => x !== null && x !== undefined)))
    return {key: spec.key, label: spec.label, unit: spec.unit, better: spec.better, values, ...bestOf(values, spec.better), deltaPct: deltasAgainstFirst(values)}
  })
}

/** The change of each mean against the first subject's, in percent (see ComparisonRow.deltaPct). */
export function deltasAgainstFirst(values: Array<Spread | null>): Array<number | null> {
  const base = values[0]?.mean
  return values.map((v, i) => {
    if (i === 0 || !v || base === undefined) return null
    if (base === 0) return v.mean === 0 ? 0 : null
    return ((v.mean - base) / Math.abs(base)) * 100
  })
}

/** Mean of a per-second figure across a subject's runs, aligned on tMs (for over-time charts). */
export function meanSeries(reports: Report[], pick: (p: Report['series'][number]) => number): Array<{tMs: number; value: number}> {
  const byT = new Map<number, number[]>()
  for (const r of reports) {
    for (const p of r.series) {
      const list = byT.get(p.tMs) ?? []
      list.push(pick(p))
      byT.set(p.tMs, list)
    }
  }
  return [...byT.entries()]
    .sort(([a], [b]) => a - b)
    .map(([tMs, v]) => ({tMs, value: v.reduce((a, b) => a + b, 0) / v.length}))
}
