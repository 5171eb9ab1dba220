// Window thresholds (`errors.rate[window=10s] < 1%`, `latency.p99[steady, window=5s] < 50ms`): the
// threshold must hold in every window of that many seconds, sliding by 1 s over the measured seconds, and
// the result names the worst one. A brief outage that a whole-run figure averages away fails its window.
// A window's figures are computed as the summary computes them (metrics/summary.ts) from the samples of
// its seconds, so a window as long as the run gives the run's own figure. Latency percentiles come from
// the seconds' HDR histograms added bucket by bucket (exact), never from averaging per-second
// percentiles, which would hide a tail that sits in one second.
// Pure: samples and phase spans in, values out.

import type {Sample} from '../model/generator-messages.js'
import type {ThresholdOp} from '../model/scenario.js'
import {percentileOf} from './catalogue.js'
import {addEncoded, newLatencyHistogram, percentileUs, type Histogram} from './histogram.js'
import {coveredMsOf} from './load-clock.js'
import {addToTally, emptyTally, figuresOf} from './summary.js'

/** One measured second of the load clock, [second × 1000, + 1000) ms. */
export interface WindowSecond {
  second: number
  /** The measured ms of it: 1000, less where a phase starts or ends inside it (for throughput). */
  coveredMs: number
  samples: Sample[]
}

/** One window: [startMs, endMs) on the load clock. */
export interface WindowValue {
  startMs: number
  endMs: number
  /** null for a latency in a window without a single response: it has no latency to judge. */
  value: number | null
}

/**
 * The seconds windows slide over: every second the spans cover (the measured phases, or the one phase),
 * with the samples that fall in it, up to the last second with a sample (a run stopped early has no
 * seconds after its stop), and none before `fromSecond`. Seconds between two measured phases (an
 * unmeasured one in between) are not measured seconds, so a window can bridge them, as the whole-run
 * figures do.
 */
export function windowSeconds(samples: Sample[], spans: Array<{start: number; end: number}>, fromSecond = -Infinity): WindowSecond[] {
  if (samples.length === 0 || spans.length === 0) return []
  const bySecond = new Map<number, Sample[]>()
  let last = -Infinity
  for (const s of samples) {
    const list = bySecond.get(s.second)
    if (list) list.push(s)
    else bySecond.set(s.second, [s])
    last = Math.max(last, s.second)
  }
  const first = Math.max(fromSecond, Math.floor(Math.min(...spans.map((s) => s.start)) / 1000))
  const end = Math.min(last + 1, Math.ceil(Math.max(...spans.map((s) => s.end)) / 1000))
  const out: WindowSecond[] = []
  for (let second = first; second < end; second++) {
    const coveredMs = coveredMsOf(spans, second)
    if (coveredMs > 0) out.push({second, coveredMs, samples: bySecond.get(second) ?? []})
  }
  return out
}

/** The value of every window of `size` consecutive seconds, sliding by one, in time order. */
export function windowValues(seconds: WindowSecond[], metric: string, size: number): WindowValue[] {
  const slider = new WindowSlider(metric, size)
  return seconds.map((s) => slider.push(s)).filter((w): w is WindowValue => w !== undefined)
}

/** Each windowable count metric's value from a window's figures (latency percentiles are read from its histogram). */
const readers: Record<string, (f: ReturnType<typeof figuresOf>) => number> = {
  'errors.rate': (f) => f.errorRate,
  'throughput.rps': (f) => f.throughput.rps,
  'throughput.bytesPerSec': (f) => f.throughput.bytesPerSec,
}

/**
 * Windows one measured second at a time, in order (the end of a run evaluates them all; abortOnFail feeds
 * seconds as they complete). Counts slide by adding the second that enters and taking away the one that
 * leaves; latencies likewise in one running histogram. A leaving second is decoded again rather than kept
 * decoded: a long window would otherwise hold a large histogram per second in memory.
 */
export class WindowSlider {
  private readonly inside: WindowSecond[] = []
  private readonly tally = emptyTally()
  private coveredMs = 0
  private readonly percentile: number | undefined
  private readonly histogram: Histogram | undefined

  constructor(private readonly metric: string, private readonly size: number) {
    this.percentile = percentileOf(metric)
    if (this.percentile !== undefined) this.histogram = newLatencyHistogram()
    else if (!readers[metric]) throw new Error(`${metric} has no value per window`)
  }

  /** Adds the next measured second; returns the window it completes, once `size` seconds are in. */
  push(second: WindowSecond): WindowValue | undefined {
    this.move(second, 1)
    this.inside.push(second)
    if (this.inside.length > this.size) this.move(this.inside.shift()!, -1)
    if (this.inside.length < this.size) return undefined
    return {startMs: this.inside[0].second * 1000, endMs: (second.second + 1) * 1000, value: this.value()}
  }

  private move(second: WindowSecond, sign: 1 | -1): void {
    if (this.histogram) {
      addEncoded(this.histogram, second.samples.map((s) => s.histogram), sign)
      return
    }
    for (const s of second.samples) addToTally(this.tally, s, sign)
    this.coveredMs += sign * second.coveredMs
  }

  private value(): number | null {
    if (this.histogram) return this.histogram.totalCount > 0 ? percentileUs(this.histogram, this.percentile!) : null
    return readers[this.metric](figuresOf(this.tally, this.coveredMs))
  }
}

/**
 * The window furthest from holding: the highest value for < and <=, the lowest for > and >=; the first of
 * equals. Windows without a value are left out; undefined when none has one.
 */
export function worstWindow(values: WindowValue[], op: ThresholdOp): WindowValue | undefined {
  const higherIsWorse = op === '<' || op === '<='
  let worst: WindowValue | undefined
  for (const v of values) {
    if (v.value === null) continue
    if (!worst || (higherIsWorse ? v.value > worst.value! : v.value < worst.value!)) worst = v
  }
  return worst
}
