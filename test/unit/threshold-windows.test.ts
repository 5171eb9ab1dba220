// Window thresholds: the windows' values from hand-built seconds whose worst window is known, the
// seconds they slide over, their evaluation against a report, and properties over random runs (the worst
// window is the worst of all; a window as long as the run gives the run's own figure; the running
// histogram gives what merging the window's seconds afresh gives).
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type {Sample} from '../../src/model/generator-messages.js'
import type {Report} from '../../src/model/report.js'
import type {PhaseSpec, Scenario, ThresholdSpec} from '../../src/model/scenario.js'
import {encodeHistogram, mergeEncoded, newLatencyHistogram, percentileUs} from '../../src/metrics/histogram.js'
import {summarize} from '../../src/metrics/summary.js'
import {evaluateThresholds} from '../../src/metrics/thresholds.js'
import {windowSeconds, windowValues, worstWindow, type WindowSecond} from '../../src/metrics/threshold-windows.js'
import {parseThreshold} from '../../src/scenario/threshold.js'

interface Second {
  ok?: number
  s500?: number
  reset?: number
  /** One response latency (µs) per 2xx or 500 response, when given. */
  latencies?: number[]
  bytes?: number
  phase?: string
  measure?: boolean
}

function sample(second: number, o: Second = {}): Sample {
  const ok = o.ok ?? 100
  const s500 = o.s500 ?? 0
  const h = newLatencyHistogram()
  for (const v of o.latencies ?? Array(ok + s500).fill(1000)) h.recordValue(v)
  return {
    second,
    phase: o.phase ?? 'steady',
    measure: o.measure ?? true,
    sent: ok + s500 + (o.reset ?? 0),
    completed: ok + s500,
    bytes: o.bytes ?? (ok + s500) * 12,
    status: {'200': ok, ...(s500 ? {'500': s500} : {})},
    errors: {connect: 0, reset: o.reset ?? 0, timeout: 0},
    perBackend: {},
    histogram: encodeHistogram(h),
  }
}

/** Whole seconds 0 … n-1, each fully measured. */
const seconds = (list: Second[]): WindowSecond[] => list.map((o, i) => ({second: i, coveredMs: 1000, samples: [sample(i, o)]}))
const values = (list: Second[], metric: string, size: number) => windowValues(seconds(list), metric, size).map((w) => [w.startMs, w.endMs, w.value])

describe('window values', () => {
  test('errors.rate: the failed share of each window; the worst is the highest', () => {
    const run = [{}, {}, {ok: 50, s500: 50}, {ok: 90, reset: 10}, {}, {}]
    assert.deepEqual(values(run, 'errors.rate', 2), [
      [0, 2000, 0],
      [1000, 3000, 50 / 200],
      [2000, 4000, 60 / 200],
      [3000, 5000, 10 / 200],
      [4000, 6000, 0],
    ])
    assert.deepEqual(worstWindow(windowValues(seconds(run), 'errors.rate', 2), '<'), {startMs: 2000, endMs: 4000, value: 0.3})
    assert.deepEqual(values(run, 'errors.rate', 6), [[0, 6000, 60 / 600]], 'one window over the whole run: its rate')
  })

  test('throughput.rps: responses over the measured time of the window; for > the worst is the lowest, the first of equals', () => {
    const run = [{ok: 100}, {ok: 100}, {ok: 20}, {ok: 100}, {ok: 100}]
    assert.deepEqual(values(run, 'throughput.rps', 2), [[0, 2000, 100], [1000, 3000, 60], [2000, 4000, 60], [3000, 5000, 100]])
    assert.deepEqual(worstWindow(windowValues(seconds(run), 'throughput.rps', 2), '>'), {startMs: 1000, endMs: 3000, value: 60})
    assert.deepEqual(worstWindow(windowValues(seconds(run), 'throughput.rps', 2), '<='), {startMs: 0, endMs: 2000, value: 100})
    const partial = seconds([{ok: 100}, {ok: 100}, {ok: 50}])
    partial[2].coveredMs = 500
    assert.deepEqual(windowValues(partial, 'throughput.rps', 2).map((w) => w.value), [100, 150 / 1.5], 'a phase ending mid-second: its measured 500 ms')
    assert.deepEqual(windowValues(partial, 'throughput.bytesPerSec', 3).map((w) => w.value), [(250 * 12) / 2.5])
  })

  test('latency percentiles merge the seconds\' histograms: never an average of per-second percentiles', () => {
    // Second 0: 98 at 1 ms and 2 at 2 ms (its p99 is 2 ms); second 1: 100 at 1 ms (p99 1 ms). Merged, 198 of
    // the 200 are 1 ms, so the window's p99 is 1 ms, where averaging would say 1.5 ms. (Below 2048 µs HDR is exact.)
    const run = [{latencies: [...Array(98).fill(1000), 2000, 2000]}, {latencies: Array(100).fill(1000)}, {latencies: Array(100).fill(2000)}]
    assert.deepEqual(values(run, 'latency.p99', 1), [[0, 1000, 2000], [1000, 2000, 1000], [2000, 3000, 2000]])
    assert.deepEqual(values(run, 'latency.p99', 2), [[0, 2000, 1000], [1000, 3000, 2000]])
    assert.deepEqual(values(run, 'latency.p50', 2), [[0, 2000, 1000], [1000, 3000, 1000]])
    assert.deepEqual(values(run, 'latency.p999', 3), [[0, 3000, 2000]])
  })

  test('a latency window without a response has no value, and is neither the worst nor a failure', () => {
    const run = [{latencies: [1500]}, {ok: 0, reset: 30}, {ok: 0, reset: 30}, {latencies: [1200]}]
    const windows = windowValues(seconds(run), 'latency.p99', 2)
    assert.deepEqual(windows.map((w) => w.value), [1500, null, 1200])
    assert.deepEqual(worstWindow(windows, '<'), {startMs: 0, endMs: 2000, value: 1500})
    assert.equal(worstWindow(windowValues(seconds([{ok: 0}, {ok: 0}]), 'latency.p99', 1), '<'), undefined)
  })

  test('fewer seconds than the window: no window', () => {
    assert.deepEqual(windowValues(seconds([{}, {}]), 'errors.rate', 3), [])
  })
})

describe('window seconds', () => {
  const span = (start: number, end: number) => ({start, end})
  test('the seconds the spans cover, with their samples and measured ms, up to the last second with a sample', () => {
    const samples = [sample(0), sample(1), sample(2, {phase: 'surge'}), sample(2), sample(3, {phase: 'surge'})]
    const got = windowSeconds(samples, [span(0, 2500), span(2500, 6000)])
    assert.deepEqual(got.map((s) => [s.second, s.coveredMs, s.samples.length]), [[0, 1000, 1], [1, 1000, 1], [2, 1000, 2], [3, 1000, 1]], 'stopped after second 3')
    const one = windowSeconds(samples.filter((s) => s.phase === 'steady'), [span(0, 2500)])
    assert.deepEqual(one.map((s) => [s.second, s.coveredMs]), [[0, 1000], [1, 1000], [2, 500]], 'one phase: its share of second 2')
  })
  test('an unmeasured phase between two measured ones is not slid over; a second without a sample counts as silent', () => {
    const got = windowSeconds([sample(0), sample(3), sample(5)], [span(0, 2000), span(3000, 6000)])
    assert.deepEqual(got.map((s) => [s.second, s.samples.length]), [[0, 1], [1, 0], [3, 1], [4, 0], [5, 1]])
    assert.deepEqual(windowValues(got, 'throughput.rps', 2).map((w) => [w.startMs, w.endMs, w.value]), [[0, 2000, 50], [1000, 4000, 50], [3000, 5000, 50], [4000, 6000, 50]])
  })
  test('nothing measured: no seconds', () => {
    assert.deepEqual(windowSeconds([], [span(0, 5000)]), [])
  })
})

describe('window thresholds against a run', () => {
  const phases: PhaseSpec[] = [
    {name: 'warmup', duration: 1000, measure: false, connections: 2},
    {name: 'steady', duration: 4000, measure: true, connections: 2},
    {name: 'surge', duration: 2000, measure: true, connections: 2},
  ]
  const report = {scenario: {load: {phases}} as unknown as Scenario} as Report
  const spec = (expr: string): ThresholdSpec => {
    const r = parseThreshold(expr)
    if ('error' in r) throw new Error(r.error)
    return r.spec
  }
  // 1 s of warm-up, then steady 0–4 s with half the requests failing in second 2, then surge 4–6 s.
  const run = [
    sample(-1, {phase: 'warmup', measure: false, ok: 0, s500: 100}),
    sample(0), sample(1), sample(2, {ok: 50, s500: 50}), sample(3),
    sample(4, {phase: 'surge', ok: 300}), sample(5, {phase: 'surge', ok: 300}),
  ]

  test('the worst window, how many windows broke it, and pass only when every one held', () => {
    const [rate, held, surge, rps] = evaluateThresholds(report, [
      spec('errors.rate[window=2s] < 10%'),
      spec('errors.rate[window=2s] < 30%'),
      spec('errors.rate[surge, window=2s] < 1%'),
      spec('throughput.rps[steady, window=1s] > 60'),
    ], run)
    assert.deepEqual(rate, {expr: 'errors.rate[window=2s] < 10%', actual: 0.25, pass: false, worstWindow: {startMs: 1000, endMs: 3000, windows: 5, failed: 2}})
    assert.deepEqual(held, {expr: 'errors.rate[window=2s] < 30%', actual: 0.25, pass: true, worstWindow: {startMs: 1000, endMs: 3000, windows: 5, failed: 0}})
    assert.deepEqual(surge, {expr: 'errors.rate[surge, window=2s] < 1%', actual: 0, pass: true, worstWindow: {startMs: 4000, endMs: 6000, windows: 1, failed: 0}})
    assert.deepEqual(rps, {expr: 'throughput.rps[steady, window=1s] > 60', actual: 100, pass: true, worstWindow: {startMs: 0, endMs: 1000, windows: 4, failed: 0}})
  })

  test('no value, and so a failure, when the run stopped before a window filled, or without the samples', () => {
    const [short] = evaluateThresholds(report, [spec('errors.rate[window=3s] < 10%')], run.slice(0, 3))
    assert.deepEqual(short, {expr: 'errors.rate[window=3s] < 10%', actual: null, pass: false, detail: 'only 2 s were measured, less than one 3 s window'})
    const [surge] = evaluateThresholds(report, [spec('errors.rate[surge, window=2s] < 10%')], run.slice(0, 6))
    assert.equal(surge.detail, 'only 1 s of surge ran, less than one 2 s window')
    const [none] = evaluateThresholds(report, [spec('errors.rate[window=2s] < 10%')])
    assert.equal(none.pass, false)
    assert.match(none.detail ?? '', /per-second samples/)
  })
})

// 40 random runs each: every run decodes a few dozen histograms, and the unit tests share two cores.
describe('window properties', () => {
  const arbSecond = fc.record({
    ok: fc.integer({min: 0, max: 40}),
    s500: fc.integer({min: 0, max: 8}),
    reset: fc.integer({min: 0, max: 5}),
    bytes: fc.integer({min: 0, max: 5000}),
    slow: fc.array(fc.integer({min: 1, max: 200_000}), {maxLength: 4}),
  })
  const arbRun = fc.record({
    list: fc.array(arbSecond, {minLength: 1, maxLength: 8}),
    // The last second measured in part, as when a phase ends mid-second.
    lastMs: fc.integer({min: 1, max: 1000}),
  })
  /** Every response gets a latency: the slow ones first, the rest at 900 µs. */
  const build = (list: Array<{ok: number; s500: number; reset: number; bytes: number; slow: number[]}>, lastMs: number): WindowSecond[] =>
    list.map((o, i) => {
      const n = o.ok + o.s500
      const latencies = [...o.slow.slice(0, n), ...Array(Math.max(0, n - o.slow.length)).fill(900)]
      return {second: i, coveredMs: i === list.length - 1 ? lastMs : 1000, samples: [sample(i, {...o, latencies})]}
    })
  const metrics = ['errors.rate', 'throughput.rps', 'throughput.bytesPerSec', 'latency.p50', 'latency.p99', 'latency.p999']

  test('the worst window is at least as bad as every window, for each direction', () => {
    fc.assert(fc.property(arbRun, fc.nat(), fc.constantFrom(...metrics), ({list, lastMs}, k, metric) => {
      const secs = build(list, lastMs)
      const size = 1 + (k % secs.length)
      const all = windowValues(secs, metric, size)
      assert.equal(all.length, secs.length - size + 1)
      const high = worstWindow(all, '<')
      const low = worstWindow(all, '>=')
      for (const w of all) {
        if (w.value === null) continue
        assert.ok(high!.value! >= w.value && low!.value! <= w.value, `${metric} ${JSON.stringify(w)}`)
      }
    }), {numRuns: 40})
  })

  test('a window as long as the run gives the run\'s own figure (summarize over the same samples)', () => {
    fc.assert(fc.property(arbRun, ({list, lastMs}) => {
      const secs = build(list, lastMs)
      const whole = summarize(secs.flatMap((s) => s.samples), (secs.length - 1) * 1000 + lastMs)
      const one = (metric: string) => windowValues(secs, metric, secs.length)[0].value
      assert.equal(one('errors.rate'), whole.errorRate)
      assert.equal(one('throughput.rps'), whole.throughput.rps)
      assert.equal(one('throughput.bytesPerSec'), whole.throughput.bytesPerSec)
      const lat = whole.latencyUs
      if (lat.count === 0) return
      assert.deepEqual([one('latency.p50'), one('latency.p99'), one('latency.p999')], [lat.p50, lat.p99, lat.p999])
    }), {numRuns: 40})
  })

  test('the running histogram (add the second entering, subtract the one leaving) equals merging the window afresh', () => {
    fc.assert(fc.property(arbRun, fc.nat(), ({list, lastMs}, k) => {
      const secs = build(list, lastMs)
      const size = 1 + (k % secs.length)
      const got = windowValues(secs, 'latency.p99', size).map((w) => w.value)
      const fresh = secs.slice(0, secs.length - size + 1).map((_, i) => {
        const h = mergeEncoded(secs.slice(i, i + size).flatMap((s) => s.samples.map((x) => x.histogram)))
        return h.totalCount > 0 ? percentileUs(h, 99) : null
      })
      assert.deepEqual(got, fresh)
    }), {numRuns: 40})
  })
})
