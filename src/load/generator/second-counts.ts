// The counts of the current second of load, and the sample they become once the second is over. One
// object, reset in place after each sample, so the per-response handlers only bump numbers and record
// into histograms (latency in integer µs, overall and per backend) and allocate nothing per second.
// The same counts are also kept per 100 ms part of the second (tenth-counts.ts).

import {encodeHistogram, newLatencyHistogram, type Histogram} from '../../metrics/histogram.js'
import type {Sample} from '../../model/generator-messages.js'
import {ClockDue} from './clock-due.js'
import {backendTenths, TenthCounts, tenthsList} from './tenth-counts.js'

export interface BackendCounts {
  completed: number
  non2xx: number
  histogram: Histogram
  /** Responses per 100 ms part of the second. */
  tenths: Int32Array
}

export class SecondCounts {
  sent = 0
  completed = 0
  bytes = 0
  lost = 0
  /** Requests cut off when the phase stopped, wherever they were sent (cut-offs.ts). */
  cutOff = 0
  /** Those of them sent in an earlier second than this one, by that second. */
  readonly cutOffSentBefore = new Map<number, number>()
  /** Which 100 ms part of the second it is (0..9): the phase runner's clock moves it on. */
  tenth = 0
  /** The same part counted from t = 0 of the load clock (negative in a warm-up): each request notes it on its client. */
  clockTenth = 0
  /** The runner's clock, looked at by the recording listeners too (clock-due.ts). */
  readonly due = new ClockDue()
  readonly tenths = new TenthCounts()
  connect = 0
  reset = 0
  timeout = 0
  /** Connections opened (counted always, reported with load.keepAlive false: `connectionsReported`). */
  opened = 0
  /** Connections open now (open-connections.ts): a gauge, never cleared. */
  open = 0
  /** Indexed by status code; codes outside 0..999 are not real HTTP and are folded into 999. */
  readonly status = new Float64Array(1000)
  /**
   * Every response is recorded once: into its backend's histogram, or this one when no backend header
   * came with it. The overall histogram is their sum, added up once a second in toSample() (exact).
   */
  readonly unattributed = newLatencyHistogram()
  readonly histogram = newLatencyHistogram()
  /** Intended-send timing only: the same responses timed from the actual write. */
  readonly uncorrected = newLatencyHistogram()
  /** Live for the whole run (clear() resets them in place), so a client may keep a reference to one. */
  readonly backends = new Map<string, BackendCounts>()

  constructor(private readonly connectionsReported = false) {}

  /** The counts of `id`, made the first time that backend answers. */
  backend(id: string): BackendCounts {
    let b = this.backends.get(id)
    if (!b) {
      b = {completed: 0, non2xx: 0, histogram: newLatencyHistogram(), tenths: backendTenths()}
      this.backends.set(id, b)
    }
    return b
  }

  toSample(second: number, phase: string, measure: boolean, paced: boolean): Sample {
    const status: Record<string, number> = {}
    for (let code = 0; code < 1000; code++) if (this.status[code] > 0) status[code] = this.status[code]
    const perBackend: Sample['perBackend'] = {}
    const tenthsPerBackend: Record<string, number[]> = {}
    const all = this.histogram
    all.reset()
    if (this.unattributed.totalCount > 0) all.add(this.unattributed)
    for (const [id, b] of this.backends) {
      if (b.completed === 0) continue
      perBackend[id] = {completed: b.completed, non2xx: b.non2xx, histogram: encodeHistogram(b.histogram)}
      tenthsPerBackend[id] = tenthsList(b.tenths)
      all.add(b.histogram)
    }
    const sample: Sample = {
      second,
      phase,
      measure,
      sent: this.sent,
      completed: this.completed,
      bytes: this.bytes,
      status,
      errors: {connect: this.connect, reset: this.reset, timeout: this.timeout},
      lost: this.lost,
      cutOff: this.cutOff,
      perBackend,
      histogram: encodeHistogram(this.histogram),
      tenths: this.tenths.toSample(tenthsPerBackend),
      openConnections: this.open,
    }
    if (this.cutOffSentBefore.size > 0) sample.cutOffSentBefore = Object.fromEntries(this.cutOffSentBefore)
    if (paced) sample.uncorrectedHistogram = encodeHistogram(this.uncorrected)
    if (this.connectionsReported) sample.connections = this.opened
    return sample
  }

  clear(): void {
    this.sent = this.completed = this.bytes = this.lost = this.cutOff = 0
    this.connect = this.reset = this.timeout = this.opened = 0
    this.cutOffSentBefore.clear()
    this.status.fill(0)
    this.histogram.reset()
    this.unattributed.reset()
    this.uncorrected.reset()
    this.tenths.clear()
    for (const b of this.backends.values()) {
      b.completed = b.non2xx = 0
      b.histogram.reset()
      b.tenths.fill(0)
    }
  }
}
