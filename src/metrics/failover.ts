// Failover analysis, from what the run recorded: the faults applied, the timeline, the per-second series
// and the finest per-backend counts there are: the balancer's attempts in 100 ms buckets where it counts
// them, else the responses per backend in buckets finer than a second where the run has them, else the
// per-second series. Time to reintegrate is the first second with the backend's fair share back, or,
// where the responses' backend header is all lbbench sees of a balancer (one it did not start), the
// first response back from it. Each figure says what it came from. Pure: every input is on the load
// clock (ms from t = 0).

import type {FailoverReport, FailoverSource, ReintegratedWhen, SeriesPoint, TimelineEvent} from '../model/report.js'

/** What the analysis needs to know of a fault action; each action says it of itself (faults/). */
export interface FailoverFacts {
  /** It makes its target a bad backend (kill, pause, slow …); the others (restart, resume, heal, exec) end or accompany one. */
  readonly breaksTarget: boolean
  /** What ends it early besides its own `for`: timeline event kinds (`replica-ready`) or fault actions (`heal`). */
  readonly endedBy: readonly string[]
}

/** The facts of an action by name; undefined for a name it does not know. */
export type FailoverFactsOf = (action: string) => FailoverFacts | undefined

export interface AppliedFault {
  action: string
  target: string
  atMs: number
  /** Its `for`, when it has one. */
  forMs?: number
}

export interface FaultWindow extends AppliedFault {
  /** When the backend was good again (t1), or undefined when it never was during the run. */
  endMs?: number
}

export interface AttemptPoint {
  tMs: number
  attempts: Record<string, number>
  failed: Record<string, number>
}

/** Responses per backend (as the responses' backend header names them) in buckets of `widthMs`, finer than the series' second. */
export interface ResponseBuckets {
  widthMs: number
  points: Array<{tMs: number; perBackend: Record<string, number>}>
}

/** The window [t0, t1) of every breaking fault, ended by its `for` or by the event that undoes it. */
export function faultWindows(applied: AppliedFault[], timeline: TimelineEvent[], factsOf: FailoverFactsOf): FaultWindow[] {
  return applied
    .filter((f) => factsOf(f.action)?.breaksTarget)
    .map((f) => {
      const enders = factsOf(f.action)!.endedBy
      const ender = timeline.find(
        (e) =>
          e.target === f.target &&
          e.atMs > f.atMs &&
          (enders.includes(e.kind) || (e.kind === 'fault' && enders.some((a) => e.detail.startsWith(a)))),
      )
      const ends = [f.forMs === undefined ? undefined : f.atMs + f.forMs, ender?.atMs].filter(
        (x): x is number => x !== undefined,
      )
      return {...f, endMs: ends.length ? Math.min(...ends) : undefined}
    })
}

export interface FailoverInput {
  windows: FaultWindow[]
  series: SeriesPoint[]
  timeline: TimelineEvent[]
  /** Weight of each backend, for its fair share. */
  weights: Record<string, number>
  attempts?: AttemptPoint[]
  /** The responses per backend in finer buckets than the series over the whole measured time, if the run has them. */
  responses?: ResponseBuckets
  /**
   * What ends time to reintegrate: `fair-share` (absent), the first second with ≥ 90% of the backend's fair
   * share; `first-response`, its first response back (a balancer known only by the responses' header).
   */
  reintegrated?: ReintegratedWhen
  /** End of the measured load (ms). */
  endMs: number
  /**
   * The longest a request may take (the client's timeout). The series counts a response in the second it
   * completed, so the requests sent while a backend was bad show up to this much later: a hung backend's
   * stuck requests complete only when the per-try timeout ends, after the balancer has noticed.
   */
  drainMs?: number
}

const BUCKET_MS = 100
// A backend counts as detected once no request has gone to it for this long before the window ends.
const QUIET_MS = 500

export function analyseFailover(input: FailoverInput): FailoverReport[] {
  const baseline = baselineP99(input.series, Math.min(...input.windows.map((w) => w.atMs), input.endMs))
  const detection = detectionSlots(input)
  const reintegration = reintegrationOf(input)
  return input.windows.map((w) => {
    // A window that outlasts the load (a `for` past the end) ends with it: nothing was measured after.
    const end = Math.min(w.endMs ?? input.endMs, input.endMs)
    const ttdMs = timeToDetect(w, end, detection.slots(w.target))
    const flip = input.timeline.find((e) => e.kind === 'backend-down' && e.target === w.target && e.atMs >= w.atMs && e.atMs < end)
    const failed = sumSeries(input.series, w.atMs, end, (p) => p.failed)
    const failedAttempts = input.attempts
      ? input.attempts.filter((a) => a.tMs + BUCKET_MS > w.atMs && a.tMs < end).reduce((n, a) => n + (a.failed[w.target] ?? 0), 0)
      : 0
    return {
      fault: w.action,
      target: w.target,
      atMs: w.atMs,
      ttdMs,
      ttdBalancerMs: flip ? flip.atMs - w.atMs : null,
      failed,
      hidden: Math.max(0, failedAttempts - failed),
      ttrMs: w.endMs === undefined ? null : reintegration.ttr(w.target, w.endMs),
      addedP99Us: addedP99(input.series, w.atMs, (ttdMs === null ? end : w.atMs + Math.max(ttdMs, 1000)) + (input.drainMs ?? 0), baseline),
      steadyMs: timeToSteady(input.series, w.atMs, baseline),
      sources: {ttd: detection.source, ttr: reintegration.source},
    }
  })
}

interface Slot {
  from: number
  width: number
  n: number
}

/** The finest counts of what went to each backend: the balancer's attempts, else finer response buckets, else the seconds. */
function detectionSlots(input: FailoverInput): {source: FailoverSource; slots: (target: string) => Slot[]} {
  const {attempts} = input
  if (attempts) {
    return {source: {from: 'attempts', bucketMs: BUCKET_MS}, slots: (t) => attempts.map((a) => ({from: a.tMs, width: BUCKET_MS, n: a.attempts[t] ?? 0}))}
  }
  return responseSlots(input)
}

/** The responses each backend gave: in the finer buckets where the run has them, else in the series' seconds. */
function responseSlots(input: FailoverInput): {source: FailoverSource; slots: (target: string) => Slot[]} {
  const {responses} = input
  if (responses && responses.widthMs < 1000) {
    const {widthMs, points} = responses
    return {source: {from: 'responses', bucketMs: widthMs}, slots: (t) => points.map((p) => ({from: p.tMs, width: widthMs, n: p.perBackend[t] ?? 0}))}
  }
  return {source: {from: 'responses', bucketMs: 1000}, slots: (t) => input.series.map((p) => ({from: p.tMs, width: 1000, n: p.perBackend[t] ?? 0}))}
}

/**
 * From the fault to the first moment after which no request went to the bad backend for QUIET_MS (or
 * until the fault ended): the end of the last slot that still had traffic to it (from responses: the
 * last response it gave). null when requests never stopped. A balancer's later probes of the backend
 * (nginx's and the built-in proxy's one request after fail_timeout) come after that quiet and do not move it.
 */
function timeToDetect(w: FaultWindow, end: number, slots: Slot[]): number | null {
  let lastBusy = w.atMs
  for (const slot of slots) {
    // A slot that reaches past t1 may hold requests sent after the backend was good again.
    if (slot.n === 0 || slot.from + slot.width <= w.atMs || slot.from + slot.width > end) continue
    if (slot.from - lastBusy >= QUIET_MS) break
    lastBusy = slot.from + slot.width
  }
  const quietAfter = slots.find((s) => s.n > 0 && s.from >= lastBusy && s.from + s.width <= end)?.from ?? end
  return quietAfter - lastBusy >= QUIET_MS ? lastBusy - w.atMs : null
}

/** How time to reintegrate is measured for this run, and from what. */
function reintegrationOf(input: FailoverInput): {source: FailoverSource; ttr: (target: string, t1: number) => number | null} {
  if (input.reintegrated !== 'first-response') {
    return {source: {from: 'responses', bucketMs: 1000, until: 'fair-share'}, ttr: (target, t1) => timeToFairShare(target, t1, input)}
  }
  const {source, slots} = responseSlots(input)
  return {source: {...source, until: 'first-response'}, ttr: (target, t1) => timeToFirstResponse(t1, slots(target))}
}

/**
 * From t1 to the end of the first bucket that ends after t1 and holds a response from the backend: its
 * first response back, to within a bucket. null when none came before the load ended.
 */
function timeToFirstResponse(t1: number, slots: Slot[]): number | null {
  const back = slots.find((s) => s.n > 0 && s.from + s.width > t1)
  return back ? back.from + back.width - t1 : null
}

/** From t1 to the end of the first whole second in which the backend got ≥ 90% of its fair share. */
function timeToFairShare(target: string, t1: number, input: FailoverInput): number | null {
  const totalWeight = sum(input.weights) || 1
  const weight = input.weights[target] ?? 1
  for (const p of input.series) {
    if (p.tMs < t1) continue
    const all = sum(p.perBackend)
    // count / all ≥ 0.9 × weight / totalWeight, multiplied out: 0.9 × 0.4 × 400 is 144.00000000000003 in
    // floating point, which would miss a second at exactly 90% of the share.
    if (all > 0 && 10 * (p.perBackend[target] ?? 0) * totalWeight >= 9 * weight * all) return p.tMs + 1000 - t1
  }
  return null
}

/** Median p99 of the seconds before the first fault: what "normal" looked like. */
function baselineP99(series: SeriesPoint[], before: number): number | undefined {
  const values = series
    .filter((p) => p.tMs + 1000 <= before && p.completed > 0)
    .map((p) => p.latencyUs.p99)
    .sort((a, b) => a - b)
  return values.length ? values[Math.floor((values.length - 1) / 2)] : undefined
}

function addedP99(series: SeriesPoint[], from: number, to: number, baseline: number | undefined): number | null {
  if (baseline === undefined) return null
  const inWindow = series.filter((p) => p.tMs + 1000 > from && p.tMs < to && p.completed > 0)
  if (!inWindow.length) return null
  return Math.max(0, Math.max(...inWindow.map((p) => p.latencyUs.p99)) - baseline)
}

/** From the fault to the start of the first 5 s in a row with p99 within 10% of the baseline. */
function timeToSteady(series: SeriesPoint[], from: number, baseline: number | undefined): number | null {
  if (baseline === undefined) return null
  const after = series.filter((p) => p.tMs >= Math.floor(from / 1000) * 1000)
  for (let i = 0; i + 5 <= after.length; i++) {
    if (after.slice(i, i + 5).every((p) => p.completed > 0 && p.latencyUs.p99 <= baseline * 1.1)) {
      return Math.max(0, after[i].tMs - from)
    }
  }
  return null
}

function sumSeries(series: SeriesPoint[], from: number, to: number, f: (p: SeriesPoint) => number): number {
  return series.filter((p) => p.tMs + 1000 > from && p.tMs < to).reduce((n, p) => n + f(p), 0)
}

function sum(r: Record<string, number>): number {
  let n = 0
  for (const k in r) n += r[k]
  return n
}
