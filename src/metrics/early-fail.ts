// abortOnFail: stop a run as soon as one of its thresholds can no longer hold, instead of measuring to
// the end a run that has already failed. Only thresholds whose outcome the rest of the run cannot change
// are decided early, from lower bounds of the final figures:
//   - counts that only grow (errors.count, requests.failed, errors.connect/reset/timeout/non2xx,
//     requests.completed, backend.<id>.errors/requests, failover.failed) and latency.max: a `<`, `<=` or
//     `==` that the count so far already breaks stays broken;
//   - errors.rate: failures so far over the most requests the run can still send. That bound exists only
//     when every phase concerned has a `rate` (its requests are planned): then the most is
//     max(sent so far + the rate × the time left, the planned total) + 10% (a schedule that fell behind
//     catches up; resent requests are failures too, which only raise the rate). A closed loop can send any
//     number, so there only `errors.rate == 0` / `<= 0` is decided (by the first failure).
// Percentiles other than max, throughput, fairness and ttd/ttr can recover, so they are never decided early.
// The failure count so far leaves out `lost` requests (the generator's per-second count of them may
// include timeouts already counted), so it never exceeds the final count.
// Pure: samples and the faults applied so far in, a reason or nothing out.

import type {Sample} from '../model/generator-messages.js'
import type {TimelineEvent} from '../model/report.js'
import type {PhaseSpec, Scenario, ThresholdOp, ThresholdSpec} from '../model/scenario.js'
import {formatMetricValue} from '../report/format.js'
import {backendMetricOf} from './catalogue.js'
import {faultWindows, type AppliedFault} from './failover.js'
import {decodeHistogram} from './histogram.js'

/** Slack on the most requests a rate-paced run can still send. */
const RATE_SLACK = 1.1

export interface EarlyFailContext {
  /** The faults applied so far and the timeline so far (for failover.failed). */
  applied?: AppliedFault[]
  timeline?: TimelineEvent[]
}

interface Totals {
  failed: number
  connect: number
  reset: number
  timeout: number
  non2xx: number
  sent: number
  completed: number
  maxUs: number
  backendErrors: Record<string, number>
  backendRequests: Record<string, number>
}

const isOk = (code: string) => Number(code) >= 200 && Number(code) < 300

function nonOk(s: Sample): number {
  let n = 0
  for (const [code, c] of Object.entries(s.status)) if (!isOk(code)) n += c
  return n
}

/** Whether a value that can only grow from `bound` already breaks `op value`. */
function brokenByLowerBound(bound: number, op: ThresholdOp, value: number): boolean {
  switch (op) {
    case '<': return bound >= value
    case '<=':
    case '==': return bound > value
    default: return false
  }
}

/** Decides, after each measured second, whether a threshold can no longer hold. */
export class EarlyFail {
  private readonly samples: Sample[] = []
  private readonly maxBySample = new WeakMap<Sample, number>()
  private readonly phaseSpans: Array<{phase: PhaseSpec; start: number; end: number}>

  constructor(private readonly scenario: Pick<Scenario, 'thresholds' | 'load'>) {
    // Phase spans on the load clock: t = 0 is the start of the first measured phase.
    const phases = scenario.load.phases
    const first = phases.findIndex((p) => p.measure)
    let at = -phases.slice(0, Math.max(0, first)).reduce((n, p) => n + p.duration, 0)
    this.phaseSpans = phases.map((phase) => {
      const span = {phase, start: at, end: at + phase.duration}
      at += phase.duration
      return span
    })
  }

  /** Adds one sample; returns the reason to stop (`abortOnFail: errors.count < 10 can no longer hold (12 at t=3.0s)`), or undefined. */
  add(sample: Sample, ctx: EarlyFailContext = {}): string | undefined {
    if (!sample.measure) return undefined
    this.samples.push(sample)
    const nowMs = (sample.second + 1) * 1000
    for (const t of this.scenario.thresholds) {
      const actual = this.brokenValue(t, nowMs, ctx)
      if (actual !== undefined) {
        return `abortOnFail: ${t.expr} can no longer hold (${formatMetricValue(t.metric, actual)} at t=${(nowMs / 1000).toFixed(1)}s)`
      }
    }
    return undefined
  }

  /** The lower bound that breaks the threshold, or undefined when it may still hold. */
  private brokenValue(t: ThresholdSpec, nowMs: number, ctx: EarlyFailContext): number | undefined {
    const samples = t.phase === undefined ? this.samples : this.samples.filter((s) => s.phase === t.phase)
    const check = (bound: number) => (brokenByLowerBound(bound, t.op, t.value) ? bound : undefined)
    if (t.metric === 'errors.rate') return this.rateBroken(t, samples, nowMs)
    if (t.metric === 'failover.failed') return check(this.failoverFailed(nowMs, ctx))
    const b = backendMetricOf(t.metric)
    if (b) {
      const totals = this.totals(samples)
      if (b.field === 'errors') return check(totals.backendErrors[b.id] ?? 0)
      if (b.field === 'requests') return check(totals.backendRequests[b.id] ?? 0)
      return undefined
    }
    const totals = this.totals(samples)
    switch (t.metric) {
      case 'errors.count':
      case 'requests.failed': return check(totals.failed)
      case 'errors.connect': return check(totals.connect)
      case 'errors.reset': return check(totals.reset)
      case 'errors.timeout': return check(totals.timeout)
      case 'errors.non2xx': return check(totals.non2xx)
      case 'requests.completed': return check(totals.completed)
      case 'latency.max': return totals.maxUs > 0 ? check(totals.maxUs) : undefined
      default: return undefined
    }
  }

  private rateBroken(t: ThresholdSpec, samples: Sample[], nowMs: number): number | undefined {
    const {failed, sent} = this.totals(samples)
    if (failed === 0) return undefined
    // Any failure at all breaks a rate that must stay at 0, whatever is sent later.
    if (t.value === 0 && (t.op === '==' || t.op === '<=')) return failed / Math.max(sent, 1)
    const spans = this.phaseSpans.filter((s) => s.phase.measure && (t.phase === undefined || s.phase.name === t.phase))
    if (spans.length === 0 || spans.some((s) => s.phase.rate === undefined)) return undefined
    const planned = spans.reduce((n, s) => n + (s.phase.rate! * s.phase.duration) / 1000, 0)
    const left = spans.reduce((n, s) => n + (s.phase.rate! * Math.max(0, s.end - Math.max(s.start, nowMs))) / 1000, 0)
    const most = Math.max(sent + left, planned) * RATE_SLACK
    const lowest = failed / most
    return brokenByLowerBound(lowest, t.op, t.value) ? lowest : undefined
  }

  /** Failures so far in the fault windows (each window once), as metrics/failover.ts will count them. */
  private failoverFailed(nowMs: number, ctx: EarlyFailContext): number {
    if (!ctx.applied?.length) return 0
    const windows = new Map(faultWindows(ctx.applied, ctx.timeline ?? []).map((w) => [`${w.action}@${w.atMs}`, w]))
    let n = 0
    for (const w of windows.values()) {
      const end = Math.min(w.endMs ?? nowMs, nowMs)
      for (const s of this.samples) {
        const from = s.second * 1000
        if (from + 1000 > w.atMs && from < end) n += s.errors.connect + s.errors.reset + s.errors.timeout + nonOk(s)
      }
    }
    return n
  }

  private totals(samples: Sample[]): Totals {
    const t: Totals = {failed: 0, connect: 0, reset: 0, timeout: 0, non2xx: 0, sent: 0, completed: 0, maxUs: 0, backendErrors: {}, backendRequests: {}}
    for (const s of samples) {
      t.connect += s.errors.connect
      t.reset += s.errors.reset
      t.timeout += s.errors.timeout
      t.non2xx += nonOk(s)
      t.sent += s.sent
      t.completed += s.completed
      t.maxUs = Math.max(t.maxUs, this.maxOf(s))
      for (const [id, b] of Object.entries(s.perBackend)) {
        t.backendErrors[id] = (t.backendErrors[id] ?? 0) + b.non2xx
        t.backendRequests[id] = (t.backendRequests[id] ?? 0) + b.completed
      }
    }
    t.failed = t.connect + t.reset + t.timeout + t.non2xx
    return t
  }

  private maxOf(s: Sample): number {
    let max = this.maxBySample.get(s)
    if (max === undefined) {
      max = this.needsMax() && s.histogram ? decodeHistogram(s.histogram).maxValue : 0
      this.maxBySample.set(s, max)
    }
    return max
  }

  private needsMax(): boolean {
    return this.scenario.thresholds.some((t) => t.metric === 'latency.max')
  }
}
