// Turns what a run recorded (samples, timeline, the balancer's counters, the faults applied) into the
// v1 report. The figures come from the pure functions in metrics/; this file only decides which inputs
// each gets: measured phases only, the backends that were up the whole time for fairness, the load clock.

import type {BalancerStats} from '../balancers/balancer.js'
import type {Sample, Timing} from '../model/generator-messages.js'
import {backendRows} from '../metrics/backends.js'
import {failoverOf} from '../faults/registry.js'
import {analyseFailover, faultWindows, type AppliedFault} from '../metrics/failover.js'
import {fairness} from '../metrics/fairness.js'
import {buildSeries} from '../metrics/series.js'
import {measuredSamples, summarize, summarizePhases} from '../metrics/summary.js'
import {evaluateThresholds} from '../metrics/thresholds.js'
import type {BackendEvent, Report, TimelineEvent} from '../model/report.js'
import {weightsOf} from '../replicas/behaviour-of.js'
import {replicaIds, type LoadedScenario} from '../model/scenario.js'
import {environment, lbbenchVersion} from './environment.js'
import type {Timeline} from './timeline.js'

export interface GeneratorUsage {
  cpuPct: number
  elu: number
  generator: number
}

export interface RunRecord {
  loaded: LoadedScenario
  startedAt: Date
  runDir: string
  samples: Sample[]
  timeline: Timeline
  applied: AppliedFault[]
  stats?: BalancerStats
  balancerVersion?: string
  generatorUsage: GeneratorUsage[]
  timing: Timing
  /** The balancer's processes over the measured time; ELU only for the built-in proxy. */
  balancerUsage?: {cpuPct: number; elu?: number; workers?: number; state?: 'per-worker' | 'shared'}
  abortReason?: string
}

// A generator at this share of one core (or of its event loop) was the bottleneck, not the system.
const SATURATED = 0.95

/** Timeline kinds that change a backend's state, as shown in its events column. */
const BACKEND_EVENT_KINDS: Record<string, string> = {
  fault: 'fault',
  'replica-exit': 'exited',
  'replica-crash': 'crashed',
  'replica-ready': 'ready',
  'backend-down': 'marked down',
  'backend-up': 'marked up',
  'fault-end': 'fault ended',
}

export function buildReport(r: RunRecord): Report {
  const s = r.loaded.scenario
  const ids = replicaIds(s)
  const weights = weightsOf(s)
  const timeline = r.timeline.list()
  const t0 = r.timeline.t0
  const measured = measuredSamples(r.samples)
  const phaseDurations = phaseDurationsOf(timeline)
  const measuredMs = s.load.phases.filter((p) => p.measure).reduce((n, p) => n + (phaseDurations[p.name] ?? 0), 0)
  const summary = summarize(measured, measuredMs || undefined)
  const series = buildSeries(r.samples, {
    t0EpochMs: t0,
    inflight: r.stats?.inflight,
    backendsUp: t0 === undefined ? undefined : backendsUpChanges(timeline, ids.length, t0),
  })

  const attempts = measuredAttempts(r.stats, t0, measuredMs)
  const backends = backendRows(measured, ids, weights).map((row) => ({
    ...row,
    ...(attempts ? {attempts: attempts[row.id] ?? 0} : {}),
    ...(r.stats?.connections ? {connections: r.stats.connections[row.id] ?? 0} : {}),
    events: eventsOf(row.id, timeline),
  }))
  const disturbed = new Set(timeline.filter((e) => e.target && e.atMs >= 0 && BACKEND_EVENT_KINDS[e.kind]).map((e) => e.target!))
  const steady = ids.filter((id) => !disturbed.has(id))
  const counts = Object.fromEntries(backends.map((b) => [b.id, b.requests]))

  const windows = faultWindows(r.applied, timeline, failoverOf)
  const failover = analyseFailover({
    windows,
    series,
    timeline,
    weights,
    endMs: measuredMs,
    drainMs: s.load.timeout,
    ...(r.stats?.attemptBuckets && t0 !== undefined
      ? {attempts: r.stats.attemptBuckets.map((b) => ({tMs: b.epochMs - t0, attempts: b.attempts, failed: b.failed}))}
      : {}),
  })

  const cpu = median(r.generatorUsage.map((u) => u.cpuPct))
  const elu = median(r.generatorUsage.map((u) => u.elu))
  const report: Report = {
    schemaVersion: 1,
    meta: {
      lbbench: lbbenchVersion(),
      startedAt: r.startedAt.toISOString(),
      scenarioHash: r.loaded.hash,
      scenarioFile: r.loaded.file,
      seed: s.seed,
      environment: environment(r.balancerVersion),
      generator: {cpuPct: round(cpu), elu: round(elu, 3), saturated: cpu / 100 >= SATURATED || elu >= SATURATED},
      ...(r.balancerUsage
        ? {proxy: {...r.balancerUsage, cpuPct: round(r.balancerUsage.cpuPct), ...(r.balancerUsage.elu === undefined ? {} : {elu: round(r.balancerUsage.elu, 3)})}}
        : {}),
      ...(r.abortReason ? {aborted: true, abortReason: r.abortReason} : {}),
      timing: r.timing,
      reportDir: r.runDir,
      ...(t0 !== undefined ? {t0EpochMs: t0} : {}),
    },
    scenario: s,
    summary,
    phases: summarizePhases(measured, phaseDurations),
    backends,
    fairness: fairness(counts, steady.length ? steady : ids, weights),
    failover,
    series,
    timeline,
    thresholds: [],
    pass: false,
  }
  report.thresholds = evaluateThresholds(report, s.thresholds, measured)
  report.pass = !report.meta.aborted && report.thresholds.every((t) => t.pass)
  return report
}

/**
 * Attempts per backend over the measured time, like the requests beside them: from the balancer's 100 ms
 * buckets where it has them, else its totals (which include the warm-up). None from a balancer that
 * counts none (no balancer, one lbbench did not start): the report does not show them as zeros.
 */
function measuredAttempts(stats: BalancerStats | undefined, t0: number | undefined, measuredMs: number): Record<string, number> | undefined {
  if (stats && !stats.attemptBuckets && Object.keys(stats.attempts).length === 0) return undefined
  if (!stats?.attemptBuckets || t0 === undefined) return stats?.attempts
  const out: Record<string, number> = {}
  // Buckets are not aligned to t0: one counts when its middle is inside, so the edges cancel out on average.
  const half = 50
  for (const b of stats.attemptBuckets) {
    if (b.epochMs + half < t0 || b.epochMs + half >= t0 + measuredMs) continue
    for (const [id, n] of Object.entries(b.attempts)) out[id] = (out[id] ?? 0) + n
  }
  return out
}

/** How long each phase ran, from its start and end events (an aborted phase: until the last event). */
function phaseDurationsOf(timeline: TimelineEvent[]): Record<string, number> {
  const out: Record<string, number> = {}
  const last = timeline.length ? timeline[timeline.length - 1].atMs : 0
  for (const start of timeline.filter((e) => e.kind === 'phase-start')) {
    const end = timeline.find((e) => e.kind === 'phase-end' && e.detail === start.detail && e.atMs >= start.atMs)
    out[start.detail] = Math.max(0, (end?.atMs ?? last) - start.atMs)
  }
  return out
}

function eventsOf(id: string, timeline: TimelineEvent[]): BackendEvent[] {
  return timeline
    .filter((e) => e.target?.split(',').includes(id) && BACKEND_EVENT_KINDS[e.kind])
    .map((e) => ({atMs: e.atMs, state: e.kind === 'fault' ? e.detail : BACKEND_EVENT_KINDS[e.kind], reason: e.detail}))
}

/** `[epochMs, backends up]` at every change: a replica's exit or a balancer's mark-down takes one away. */
function backendsUpChanges(timeline: TimelineEvent[], total: number, t0: number): Array<[number, number]> {
  const downs = new Set<string>()
  const changes: Array<[number, number]> = [[t0 + Math.min(0, timeline[0]?.atMs ?? 0), total]]
  for (const e of timeline) {
    if (!e.target) continue
    if (e.kind === 'replica-exit' || e.kind === 'replica-crash' || e.kind === 'backend-down') downs.add(e.target)
    else if (e.kind === 'replica-ready' || e.kind === 'backend-up') downs.delete(e.target)
    else continue
    changes.push([t0 + e.atMs, total - downs.size])
  }
  return changes
}

function median(xs: number[]): number {
  if (!xs.length) return 0
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits
