// Turns what a run recorded (samples, timeline, the balancer's counters, the faults applied) into the
// v1 report. The figures come from the pure functions in metrics/; this file only decides which inputs
// each gets: measured phases only, the backends that were up the whole time for fairness, the load clock.

import type {BalancerStats} from '../balancers/balancer.js'
import {balancerKinds} from '../balancers/registry.js'
import type {Sample, Timing} from '../model/generator-messages.js'
import {attemptsInSpans, backendRows} from '../metrics/backends.js'
import {failoverOf} from '../faults/registry.js'
import {analyseFailover, faultWindows, type AppliedFault} from '../metrics/failover.js'
import {withReplacement} from '../metrics/replacement.js'
import {rollingUpdateRows} from '../metrics/rolling-update.js'
import {fairness} from '../metrics/fairness.js'
import {generatorLoad} from '../metrics/generator-load.js'
import {shardedGenerator} from '../metrics/merge-shards.js'
import {buildSeries} from '../metrics/series.js'
import {backendsUpChanges} from '../metrics/backends-up.js'
import {fineBackendCounts, fineSeriesOf, fineWindows} from '../metrics/fine-series.js'
import {measuredSamples, summarize, summarizePhases} from '../metrics/summary.js'
import {evaluateThresholds} from '../metrics/thresholds.js'
import type {BackendEvent, Report, TimelineEvent} from '../model/report.js'
import {weightsOf} from '../replicas/behaviour-of.js'
import {replicaIds, type LoadedScenario, type PhaseSpec} from '../model/scenario.js'
import {environment, lbbenchVersion} from './environment.js'
import type {Timeline} from './timeline.js'

export interface GeneratorUsage {
  cpuPct: number
  elu: number
  generator: number
  /** How late its clock ticked at worst in that second (ms), when it was. */
  lateMs?: number
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
  /** Where the load went, and with balancer.tls what the handshake negotiated. */
  target?: string
  tls?: {protocol: string; cipher: string}
  generatorUsage: GeneratorUsage[]
  /** The generators were still running this long past the phases' end plus their grace, and were stopped. */
  generatorLateMs?: number
  timing: Timing
  /** The balancer's processes over the measured time; ELU only for the built-in proxy. */
  balancerUsage?: {cpuPct: number; elu?: number; workers?: number; state?: 'per-worker' | 'shared'}
  abortReason?: string
  /** The run could not be carried out: why (the thresholds are then not evaluated). */
  notRun?: {message: string; hint?: string}
  /** The load ran as shards (lbbench merge, load.generators.on swarm): each one, and the skew bound. */
  shards?: Parameters<typeof shardedGenerator>[0]
}

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
  const phaseTimes = phaseTimesOf(timeline)
  const phaseDurations = Object.fromEntries(Object.entries(phaseTimes).map(([name, p]) => [name, p.end - p.start]))
  const measuredMs = s.load.phases.filter((p) => p.measure).reduce((n, p) => n + (phaseDurations[p.name] ?? 0), 0)
  const summary = summarize(measured, measuredMs || undefined)
  const series = buildSeries(r.samples, {
    t0EpochMs: t0,
    inflight: r.stats?.inflight,
    backendsUp: t0 === undefined ? undefined : backendsUpChanges(timeline, ids.length).map(([at, n]): [number, number] => [t0 + at, n]),
  })
  const fineSeries = fineSeriesOf(measured, fineWindows(timeline, measuredMs), {t0EpochMs: t0, inflight: r.stats?.inflight})

  const attempts = measuredAttempts(r.stats, t0, phaseTimes, s.load.phases)
  const backends = backendRows(measured, ids, weights).map((row) => ({
    ...row,
    ...(attempts ? {attempts: attempts[row.id] ?? 0} : {}),
    ...(r.stats?.connections ? {connections: r.stats.connections[row.id] ?? 0} : {}),
    ...(r.stats?.bytesToBackend && r.stats.bytesFromBackend
      ? {bytes: {toBackend: r.stats.bytesToBackend[row.id] ?? 0, fromBackend: r.stats.bytesFromBackend[row.id] ?? 0}}
      : {}),
    events: eventsOf(row.id, timeline),
  }))
  const disturbed = new Set(timeline.filter((e) => e.target && e.atMs >= 0 && BACKEND_EVENT_KINDS[e.kind]).map((e) => e.target!))
  const steady = ids.filter((id) => !disturbed.has(id))
  const counts = Object.fromEntries(backends.map((b) => [b.id, b.requests]))

  const windows = faultWindows(r.applied, timeline, failoverOf)
  // The 100 ms counts of the whole measured time, not only the fine series' windows around the faults.
  const responses = windows.length ? fineBackendCounts(measured, measuredMs) : undefined
  const failover = [...analyseFailover({
    windows,
    series,
    timeline,
    weights,
    endMs: measuredMs,
    drainMs: s.load.timeout,
    ...(r.stats?.attemptBuckets && t0 !== undefined
      ? {attempts: r.stats.attemptBuckets.map((b) => ({tMs: b.epochMs - t0, attempts: b.attempts, failed: b.failed}))}
      : {}),
    ...(responses ? {responses} : {}),
    // A balancer known only by the responses' header: its reintegration is its first response back.
    ...(balancerKinds.get(s.balancer.kind)?.backendHeaderOf?.(s.balancer) !== undefined ? {reintegrated: 'first-response' as const} : {}),
  }).map((row) => withReplacement(row, timeline)), ...rollingUpdateRows({timeline, series, endMs: measuredMs})]

  const report: Report = {
    schemaVersion: 1,
    meta: reportMeta(r, t0),
    scenario: s,
    summary,
    phases: summarizePhases(measured, phaseDurations),
    backends,
    fairness: fairness(counts, steady.length ? steady : ids, weights),
    failover,
    series,
    ...(fineSeries ? {fineSeries} : {}),
    timeline,
    thresholds: [],
    pass: false,
  }
  report.thresholds = r.notRun
    ? s.thresholds.map((t) => ({expr: t.expr, actual: null, pass: false, detail: 'not evaluated: the run could not be carried out'}))
    : evaluateThresholds(report, s.thresholds, measured)
  report.pass = !report.meta.aborted && report.thresholds.every((t) => t.pass)
  return report
}

/** Who ran what, where and how: the report's meta, with how the run ended. */
function reportMeta(r: RunRecord, t0: number | undefined): Report['meta'] {
  return {
    lbbench: lbbenchVersion(),
    startedAt: r.startedAt.toISOString(),
    scenarioHash: r.loaded.hash,
    scenarioFile: r.loaded.file,
    seed: r.loaded.scenario.seed,
    environment: environment(r.balancerVersion),
    generator: r.shards ? shardedGenerator(r.shards) : generatorLoad(r.generatorUsage, r.generatorLateMs),
    ...(r.balancerUsage
      ? {proxy: {...r.balancerUsage, cpuPct: round(r.balancerUsage.cpuPct), ...(r.balancerUsage.elu === undefined ? {} : {elu: round(r.balancerUsage.elu, 3)})}}
      : {}),
    // Not run is also aborted, so that a reader that knows only `aborted` does not take it for a whole run.
    ...(r.notRun ? {aborted: true, abortReason: `the run could not be carried out: ${r.notRun.message.split('\n')[0]}`, notRun: true, error: r.notRun} : {}),
    ...(r.abortReason && !r.notRun ? {aborted: true, abortReason: r.abortReason} : {}),
    timing: r.timing,
    reportDir: r.runDir,
    ...(t0 !== undefined ? {t0EpochMs: t0} : {}),
    ...(r.target ? {target: r.target} : {}),
    ...(r.tls ? {tls: r.tls} : {}),
  }
}

/**
 * Attempts per backend that started in the measured phases, the time the requests beside them were
 * answered in: from the balancer's 100 ms buckets where it has them, else its totals (which include the
 * warm-up). Before the first phase and after the last the load sends nothing, so a measured phase there
 * has an open end: the attempts of its requests still in flight when it stopped count too.
 */
function measuredAttempts(stats: BalancerStats | undefined, t0: number | undefined, times: Record<string, PhaseTime>, phases: PhaseSpec[]): Record<string, number> | undefined {
  // A balancer that counts nothing (none: nothing sits in the path) has no attempts column, not one of zeros.
  if (!stats || Object.keys(stats.attempts).length === 0) return undefined
  if (!stats.attemptBuckets || t0 === undefined) return stats.attempts
  const spans = phases.flatMap((p, i) => {
    const time = times[p.name]
    if (!p.measure || !time) return []
    return [{start: i === 0 ? -Infinity : t0 + time.start, end: i === phases.length - 1 ? Infinity : t0 + time.end}]
  })
  return attemptsInSpans(stats.attemptBuckets, spans)
}

interface PhaseTime {
  start: number
  end: number
}

/** When each phase ran on the load clock, from its start and end events (an aborted phase: until the last event). */
function phaseTimesOf(timeline: TimelineEvent[]): Record<string, PhaseTime> {
  const out: Record<string, PhaseTime> = {}
  const last = timeline.length ? timeline[timeline.length - 1].atMs : 0
  for (const start of timeline.filter((e) => e.kind === 'phase-start')) {
    const end = timeline.find((e) => e.kind === 'phase-end' && e.detail === start.detail && e.atMs >= start.atMs)
    out[start.detail] = {start: start.atMs, end: Math.max(start.atMs, end?.atMs ?? last)}
  }
  return out
}

function eventsOf(id: string, timeline: TimelineEvent[]): BackendEvent[] {
  return timeline
    .filter((e) => e.target?.split(',').includes(id) && BACKEND_EVENT_KINDS[e.kind])
    .map((e) => ({atMs: e.atMs, state: e.kind === 'fault' ? e.detail : BACKEND_EVENT_KINDS[e.kind], reason: e.detail}))
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits
