// The per-second view: one point per second of the load clock. Failures are counted in the second they
// happened (connect, reset, timeout, lost, non-2xx), so an outage shows as a dip in completed and a rise
// in failed, never as a quiet gap. Requests cut off when a phase stopped are taken off the second they
// were sent in (a sample names those sent in earlier seconds), so a second's `sent` is never negative.

import type {Sample} from '../model/generator-messages.js'
import type {ErrorCounts, SeriesPoint} from '../model/report.js'
import {mergeEncoded, percentileUs} from './histogram.js'

/** A backend needs this many responses in a second for its p99 of that second (fewer: its p99 is about its maximum). */
export const BACKEND_P99_MIN_COUNT = 20

export interface SeriesInputs {
  /** Epoch ms of t = 0; needed to place the proxy's inflight samples and the backends-up changes. */
  t0EpochMs?: number
  /** The built-in proxy's in-flight requests per backend, `[epochMs, {r1: n, …}]`, averaged per second. */
  inflight?: Array<[number, Record<string, number>]>
  /** Changes of how many backends the balancer had up, `[epochMs, count]`, in time order. */
  backendsUp?: Array<[number, number]>
  /** Samples of unmeasured phases too (warm-ups have negative seconds). Default: measured only. */
  includeUnmeasured?: boolean
}

const isOk = (code: string): boolean => Number(code) >= 200 && Number(code) < 300

/** One point per second, in time order. A second split between two phases is one point, named after
 *  the phase that sent more of its requests. */
export function buildSeries(samples: Sample[], inputs: SeriesInputs = {}): SeriesPoint[] {
  const bySecond = new Map<number, Sample[]>()
  const cutOffs = new Map<number, number>()
  for (const s of samples) {
    if (!s.measure && !inputs.includeUnmeasured) continue
    const list = bySecond.get(s.second)
    if (list) list.push(s)
    else bySecond.set(s.second, [s])
    addCutOffs(cutOffs, s)
  }
  const seconds = [...bySecond.keys()].sort((a, b) => a - b)
  return seconds.map((second) => {
    const parts = bySecond.get(second)!
    const errors: ErrorCounts = {connect: 0, reset: 0, timeout: 0, non2xx: 0, lost: 0}
    const perBackend: Record<string, number> = {}
    let sent = -(cutOffs.get(second) ?? 0)
    let completed = 0
    let phase = parts[0].phase
    let phaseSent = -1
    for (const s of parts) {
      sent += s.sent
      completed += s.completed
      errors.connect += s.errors.connect
      errors.reset += s.errors.reset
      errors.timeout += s.errors.timeout
      errors.lost += s.lost ?? 0
      for (const [code, n] of Object.entries(s.status)) if (!isOk(code)) errors.non2xx += n
      for (const [id, b] of Object.entries(s.perBackend)) perBackend[id] = (perBackend[id] ?? 0) + b.completed
      if (s.sent > phaseSent) {
        phase = s.phase
        phaseSent = s.sent
      }
    }
    const h = mergeEncoded(parts.map((s) => s.histogram))
    const point: SeriesPoint = {
      tMs: second * 1000,
      phase,
      sent,
      completed,
      failed: errors.connect + errors.reset + errors.timeout + errors.lost + errors.non2xx,
      errors,
      latencyUs: {p50: percentileUs(h, 50), p99: percentileUs(h, 99)},
      perBackend,
    }
    // A gauge read when each part was sampled: the last part's (the later phase's) is the second's end.
    const open = parts.findLast((s) => s.openConnections !== undefined)?.openConnections
    if (open !== undefined) point.openConnections = open
    const p99s = backendP99s(parts)
    if (Object.keys(p99s).length > 0) point.perBackendP99Us = p99s
    if (inputs.t0EpochMs !== undefined) {
      const from = inputs.t0EpochMs + second * 1000
      if (inputs.inflight) point.inflight = averageInflight(inputs.inflight, from, from + 1000)
      if (inputs.backendsUp) {
        const up = fewestUp(inputs.backendsUp, from, from + 1000)
        if (up !== undefined) point.backendsUp = up
      }
    }
    return point
  })
}

/** Whether the connections the generator held open changed over the series (reports show them only then). */
export const openConnectionsChanged = (series: readonly SeriesPoint[]): boolean => new Set(series.map((p) => p.openConnections)).size > 1

/** Adds a sample's cut-off requests to the seconds they were sent in. */
function addCutOffs(bySecond: Map<number, number>, s: Sample): void {
  let before = 0
  for (const [second, n] of Object.entries(s.cutOffSentBefore ?? {})) {
    bySecond.set(Number(second), (bySecond.get(Number(second)) ?? 0) + n)
    before += n
  }
  const own = (s.cutOff ?? 0) - before
  if (own !== 0) bySecond.set(s.second, (bySecond.get(s.second) ?? 0) + own)
}

/** Each backend's p99 over the parts of one second, for the backends with enough responses in it. */
function backendP99s(parts: Sample[]): Record<string, number> {
  const histograms = new Map<string, string[]>()
  const counts = new Map<string, number>()
  for (const s of parts) {
    for (const [id, b] of Object.entries(s.perBackend)) {
      counts.set(id, (counts.get(id) ?? 0) + b.completed)
      histograms.set(id, [...(histograms.get(id) ?? []), b.histogram])
    }
  }
  const out: Record<string, number> = {}
  for (const [id, list] of histograms) if ((counts.get(id) ?? 0) >= BACKEND_P99_MIN_COUNT) out[id] = percentileUs(mergeEncoded(list), 99)
  return out
}

/** The mean of each backend's in-flight count over the samples taken in [from, to); rounded to 0.01. */
export function averageInflight(samples: Array<[number, Record<string, number>]>, from: number, to: number): Record<string, number> {
  const sums: Record<string, number> = {}
  let n = 0
  for (const [at, counts] of samples) {
    if (at < from || at >= to) continue
    n++
    for (const [id, c] of Object.entries(counts)) sums[id] = (sums[id] ?? 0) + c
  }
  const out: Record<string, number> = {}
  for (const [id, sum] of Object.entries(sums)) out[id] = Math.round((sum / n) * 100) / 100
  return out
}

/** The fewest backends up at any moment of [from, to) (a backend down for part of a second counts as
 *  down), or undefined before the first change. */
export function fewestUp(changes: Array<[number, number]>, from: number, to: number): number | undefined {
  let inForce: number | undefined
  let fewest: number | undefined
  for (const [at, count] of changes) {
    if (at <= from) inForce = count
    else if (at < to) fewest = Math.min(fewest ?? count, count)
    else break
  }
  if (inForce !== undefined) fewest = Math.min(fewest ?? inForce, inForce)
  return fewest
}
