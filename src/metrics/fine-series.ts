// The finer series: 100 ms buckets from the samples' tenths, where the per-second series hides what
// happened (a failover is over in tens of milliseconds). Kept around each fault, and over the whole
// measured time when that is short, so that a long run's report stays small (model/report.ts FineSeries
// has the rule). Counts are exact; p50/p99 come from the merged coarse histograms of the bucket and are
// left out when it had too few responses to make them mean anything.

import type {Sample, TenthsSample} from '../model/generator-messages.js'
import type {ErrorCounts, FinePoint, FineSeries, TimelineEvent} from '../model/report.js'
import type {ResponseBuckets} from './failover.js'
import {addFinePairs, fineCount, finePercentiles} from './fine-histogram.js'
import {averageInflight} from './series.js'
import {sumTenths} from './tenths.js'

export const FINE_BUCKET_MS = 100
/** Fewer responses than this in a bucket: no percentiles for it (a p99 of 19 values is their maximum). */
export const FINE_MIN_LATENCY_COUNT = 20
/** How far before and after a fault event the buckets are kept. */
export const FINE_AROUND_FAULT_MS = 2000
/** A measured time up to this long is kept whole. */
export const FINE_WHOLE_RUN_MAX_MS = 30_000

export interface Window {
  startMs: number
  endMs: number
}

export interface FineInputs {
  /** Epoch ms of t = 0; needed to place the proxy's in-flight samples. */
  t0EpochMs?: number
  /** The built-in proxy's in-flight requests per backend, `[epochMs, {r1: n, …}]`. */
  inflight?: Array<[number, Record<string, number>]>
}

const down = (ms: number) => Math.floor(ms / FINE_BUCKET_MS) * FINE_BUCKET_MS
const up = (ms: number) => Math.ceil(ms / FINE_BUCKET_MS) * FINE_BUCKET_MS

/**
 * The stretches to keep, on bucket edges: [0, the measured time) when it is at most 30 s, else ±2 s
 * around every fault event (a timeline kind starting with `fault`, as the report's markers read it)
 * inside the measured time, overlapping ones merged.
 */
export function fineWindows(timeline: readonly TimelineEvent[], measuredMs: number): Window[] {
  const end = up(measuredMs)
  if (end <= 0) return []
  if (measuredMs <= FINE_WHOLE_RUN_MAX_MS) return [{startMs: 0, endMs: end}]
  const spans = timeline
    .filter((e) => e.kind.toLowerCase().startsWith('fault') && e.atMs >= 0 && e.atMs < measuredMs)
    .map((e) => ({startMs: Math.max(0, down(e.atMs - FINE_AROUND_FAULT_MS)), endMs: Math.min(end, up(e.atMs + FINE_AROUND_FAULT_MS))}))
    .sort((a, b) => a.startMs - b.startMs)
  const merged: Window[] = []
  for (const s of spans) {
    const last = merged[merged.length - 1]
    if (last && s.startMs <= last.endMs) last.endMs = Math.max(last.endMs, s.endMs)
    else merged.push({...s})
  }
  return merged
}

/** The fine series of the measured samples over the windows; undefined when there is nothing to show. */
export function fineSeriesOf(samples: readonly Sample[], windows: Window[], inputs: FineInputs = {}): FineSeries | undefined {
  const bySecond = tenthsBySecond(samples)
  if (bySecond.size === 0 || windows.length === 0) return undefined
  const points: FinePoint[] = []
  for (const w of windows) {
    for (let t = w.startMs; t < w.endMs; t += FINE_BUCKET_MS) {
      const second = Math.floor(t / 1000)
      const tenths = bySecond.get(second)
      if (tenths) points.push(finePoint(tenths, Math.round((t - second * 1000) / FINE_BUCKET_MS), t, inputs))
    }
  }
  return {bucketMs: FINE_BUCKET_MS, minLatencyCount: FINE_MIN_LATENCY_COUNT, windows, points}
}

/**
 * The responses per backend in 100 ms buckets over the whole measured time [0, measuredMs), for the
 * failover figures: counts only, so cheap for a run of any length, where the fine series the report keeps
 * covers only the stretches around the faults. Undefined when a measured second has no tenths (a
 * generator that sent none): a gap would read as no traffic.
 */
export function fineBackendCounts(samples: readonly Sample[], measuredMs: number): ResponseBuckets | undefined {
  if (samples.some((s) => s.measure && !s.tenths)) return undefined
  const bySecond = tenthsBySecond(samples)
  if (bySecond.size === 0) return undefined
  const points: ResponseBuckets['points'] = []
  for (let t = 0; t < measuredMs; t += FINE_BUCKET_MS) {
    const second = Math.floor(t / 1000)
    const j = Math.round((t - second * 1000) / FINE_BUCKET_MS)
    const perBackend: Record<string, number> = {}
    for (const [id, counts] of Object.entries(bySecond.get(second)?.perBackend ?? {})) if (counts[j] > 0) perBackend[id] = counts[j]
    points.push({tMs: t, perBackend})
  }
  return {widthMs: FINE_BUCKET_MS, points}
}

/** Each measured second's tenths, its phases' (and generators') added up. */
function tenthsBySecond(samples: readonly Sample[]): Map<number, TenthsSample> {
  const parts = new Map<number, TenthsSample[]>()
  for (const s of samples) {
    if (!s.measure || !s.tenths) continue
    const list = parts.get(s.second)
    if (list) list.push(s.tenths)
    else parts.set(s.second, [s.tenths])
  }
  const out = new Map<number, TenthsSample>()
  for (const [second, list] of parts) out.set(second, sumTenths(list)!)
  return out
}

function finePoint(s: TenthsSample, j: number, tMs: number, inputs: FineInputs): FinePoint {
  const non2xx = s.non2xx[j]
  const errors: ErrorCounts = {connect: s.connect[j], reset: s.reset[j], timeout: s.timeout[j], non2xx, lost: s.lost[j]}
  const failed = errors.connect + errors.reset + errors.timeout + errors.lost + non2xx
  const perBackend: Record<string, number> = {}
  for (const [id, counts] of Object.entries(s.perBackend)) if (counts[j] > 0) perBackend[id] = counts[j]
  const latency = addFinePairs(new Map(), s.latency[j] ?? [])
  const [p50, p99] = fineCount(latency) >= FINE_MIN_LATENCY_COUNT ? finePercentiles(latency, [50, 99]) : []
  const point: FinePoint = {
    tMs,
    sent: Math.max(0, s.sent[j] - s.cutOff[j]),
    completed: s.completed[j],
    failed,
    ...(failed > 0 ? {errors} : {}),
    ...(p50 !== undefined ? {latencyUs: {p50, p99}} : {}),
    perBackend,
  }
  if (inputs.t0EpochMs !== undefined && inputs.inflight) {
    const from = inputs.t0EpochMs + tMs
    const inflight = averageInflight(inputs.inflight, from, from + FINE_BUCKET_MS)
    if (Object.keys(inflight).length > 0) point.inflight = inflight
  }
  return point
}
