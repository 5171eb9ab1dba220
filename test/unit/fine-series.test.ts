// The finer view of a run: the coarse 100 ms latency histograms, the samples' tenths added up exactly,
// the 100 ms series and which stretches of the run it keeps, each backend's p99 per second, and the
// percentile curve of an HDR histogram.

import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import type {Sample, TenthsSample} from '../../src/model/generator-messages.js'
import type {TimelineEvent} from '../../src/model/report.js'
import {addFinePairs, FINE_BUCKETS, fineBucket, fineBucketValue, finePairs, finePercentiles} from '../../src/metrics/fine-histogram.js'
import {fineBackendCounts, fineSeriesOf, fineWindows} from '../../src/metrics/fine-series.js'
import {encodeHistogram, newLatencyHistogram} from '../../src/metrics/histogram.js'
import {mergeSamples} from '../../src/metrics/merge-samples.js'
import {percentileCurve, summaryPercentileCurve} from '../../src/metrics/percentile-curve.js'
import {buildSeries} from '../../src/metrics/series.js'
import {sumTenths} from '../../src/metrics/tenths.js'

describe('coarse latency histogram', () => {
  test('exact below 64 µs; above, every value within 1.6% of its bucket, buckets in order, up to 2^31 µs', () => {
    for (let us = 0; us < 64; us++) assert.equal(fineBucketValue(fineBucket(us)), us)
    let last = -1
    for (let us = 1; us < 100_000_000; us = Math.ceil(us * 1.013) + 1) {
      const b = fineBucket(us)
      assert.ok(b >= last && b < FINE_BUCKETS, `${us} µs → bucket ${b}`)
      last = b
      assert.ok(Math.abs(fineBucketValue(b) - us) / us <= 0.016, `${us} µs reads as ${fineBucketValue(b)}`)
    }
    assert.equal(fineBucket(2 ** 40), FINE_BUCKETS - 1, 'beyond 2^31 µs: the last bucket')
  })

  test('percentiles are read from the merged counts, like HDR (the value ranked ⌈p·n⌉)', () => {
    const counts = new Uint32Array(FINE_BUCKETS)
    for (let us = 1; us <= 100; us++) counts[fineBucket(us * 10)]++
    const pairs = finePairs(counts)
    const [p0, p50, p99, p100] = finePercentiles(addFinePairs(new Map(), pairs), [0, 50, 99, 100])
    for (const [got, want] of [[p0, 10], [p50, 500], [p99, 990], [p100, 1000]]) assert.ok(Math.abs(got - want) / want <= 0.016, `${got} for ${want}`)
    // Two halves merged give the same as the whole.
    const [a, b] = [new Uint32Array(FINE_BUCKETS), new Uint32Array(FINE_BUCKETS)]
    for (let us = 1; us <= 100; us++) (us % 2 ? a : b)[fineBucket(us * 10)]++
    const merged = addFinePairs(addFinePairs(new Map(), finePairs(a)), finePairs(b))
    assert.deepEqual(finePercentiles(merged, [0, 50, 99, 100]), [p0, p50, p99, p100])
    assert.deepEqual(finePercentiles(new Map(), [50]), [0])
  })
})

const zeros = () => new Array<number>(10).fill(0)
const at = (j: number, n: number) => zeros().map((_, i) => (i === j ? n : 0))

function tenths(over: Partial<TenthsSample> = {}): TenthsSample {
  return {sent: zeros(), completed: zeros(), non2xx: zeros(), connect: zeros(), reset: zeros(), timeout: zeros(), lost: zeros(), cutOff: zeros(), perBackend: {}, latency: Array.from({length: 10}, () => []), ...over}
}

function sample(second: number, t: TenthsSample, over: Partial<Sample> = {}): Sample {
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0)
  return {
    second, phase: 'steady', measure: true, sent: sum(t.sent), completed: sum(t.completed), bytes: 0, status: {'200': sum(t.completed)},
    errors: {connect: sum(t.connect), reset: sum(t.reset), timeout: sum(t.timeout)}, perBackend: {}, histogram: '', tenths: t, ...over,
  }
}

describe('tenths of samples', () => {
  test('counts add entry by entry, latency bucket by bucket; samples without tenths are skipped', () => {
    const a = tenths({sent: at(3, 5), completed: at(3, 4), perBackend: {r1: at(3, 4)}, latency: Array.from({length: 10}, (_, j) => (j === 3 ? [100, 4] : []))})
    const b = tenths({sent: at(3, 2), reset: at(3, 1), perBackend: {r1: at(3, 1), r2: at(4, 2)}, latency: Array.from({length: 10}, (_, j) => (j === 3 ? [100, 1, 200, 1] : []))})
    const sum = sumTenths([a, undefined, b])!
    assert.deepEqual([sum.sent[3], sum.completed[3], sum.reset[3], sum.perBackend.r1[3], sum.perBackend.r2[4]], [7, 4, 1, 5, 2])
    assert.deepEqual(sum.latency[3], [100, 5, 200, 1])
    assert.equal(sumTenths([undefined]), undefined)
    assert.deepEqual(mergeSamples([sample(0, a), sample(0, b)]).tenths, sum, 'generators merged')
  })
})

describe('the 100 ms series', () => {
  const fault = (atMs: number, kind = 'fault'): TimelineEvent => ({atMs, kind, target: 'r2', detail: 'kill'})

  test('kept whole up to 30 s, else ±2 s around each fault event in the measured time, overlaps merged', () => {
    assert.deepEqual(fineWindows([fault(3000)], 10_050), [{startMs: 0, endMs: 10_100}])
    assert.deepEqual(fineWindows([], 30_000), [{startMs: 0, endMs: 30_000}])
    assert.deepEqual(fineWindows([], 60_000), [])
    assert.deepEqual(fineWindows([fault(-500), fault(1000), fault(20_050), fault(23_000, 'fault-end'), fault(40_000, 'backend-down'), fault(59_000), fault(61_000)], 60_000), [
      {startMs: 0, endMs: 3000},
      {startMs: 18_000, endMs: 25_000},
      {startMs: 57_000, endMs: 60_000},
    ])
  })

  test('one point per bucket, with failures by kind when any, percentiles from 20 responses on, in-flight placed by t0', () => {
    const many = Array.from({length: 10}, (_, j) => (j === 2 ? [fineBucket(1000), 19, fineBucket(9000), 1] : j === 5 ? [fineBucket(1000), 19] : []))
    const s = sample(1, tenths({
      sent: at(2, 22), completed: at(2, 20).map((n, j) => n + (j === 5 ? 19 : 0)), reset: at(2, 2), non2xx: at(5, 1),
      perBackend: {r1: at(2, 20), r2: at(5, 19)}, cutOff: at(9, 3), latency: many,
    }))
    const series = fineSeriesOf([s, {...s, second: 2, measure: false}], [{startMs: 1000, endMs: 2000}], {
      t0EpochMs: 50_000,
      inflight: [[51_210, {r1: 2, r2: 0}], [51_260, {r1: 4, r2: 0}], [52_200, {r1: 9, r2: 9}]],
    })!
    assert.equal(series.points.length, 10)
    const [p2, p5, p9] = [series.points[2], series.points[5], series.points[9]]
    assert.deepEqual(p2, {
      tMs: 1200, sent: 22, completed: 20, failed: 2, errors: {connect: 0, reset: 2, timeout: 0, non2xx: 0, lost: 0},
      latencyUs: {p50: fineBucketValue(fineBucket(1000)), p99: fineBucketValue(fineBucket(9000))}, perBackend: {r1: 20}, inflight: {r1: 3, r2: 0},
    })
    assert.deepEqual(p5, {tMs: 1500, sent: 0, completed: 19, failed: 1, errors: {connect: 0, reset: 0, timeout: 0, non2xx: 1, lost: 0}, perBackend: {r2: 19}}, '19 responses: no percentiles')
    assert.deepEqual(p9, {tMs: 1900, sent: 0, completed: 0, failed: 0, perBackend: {}}, 'cut off requests are not sent (and never below 0)')
    assert.equal(fineSeriesOf([{...s, tenths: undefined}], [{startMs: 0, endMs: 1000}]), undefined, 'samples of an older generator')
  })

  test('the responses per backend for failover: every 100 ms of the measured time, however long the run', () => {
    // A 40 s run: the report's fine series keeps only ±2 s around faults, the failover counts keep all of it.
    const samples = Array.from({length: 40}, (_, second) =>
      sample(second, tenths({completed: at(3, 7), perBackend: {r1: at(3, 5), ...(second < 20 ? {r2: at(3, 2)} : {})}})),
    )
    const warmup = sample(0, tenths({perBackend: {r1: at(0, 99)}}), {measure: false})
    const counts = fineBackendCounts([warmup, ...samples], 40_000)!
    assert.equal(counts.widthMs, 100)
    assert.equal(counts.points.length, 400)
    assert.deepEqual(counts.points[0], {tMs: 0, perBackend: {}}, 'the warm-up is not measured')
    assert.deepEqual(counts.points[193], {tMs: 19_300, perBackend: {r1: 5, r2: 2}})
    assert.deepEqual(counts.points[393], {tMs: 39_300, perBackend: {r1: 5}})
    assert.equal(fineBackendCounts([...samples.slice(0, 5), {...samples[5], tenths: undefined}], 6000), undefined, 'a second without tenths would read as silence')
  })
})

describe('per-second p99 of each backend', () => {
  test('from the backend histograms of the second, for a backend with at least 20 responses', () => {
    const h = (values: number[]) => {
      const x = newLatencyHistogram()
      for (const v of values) x.recordValue(v)
      return encodeHistogram(x)
    }
    const s = sample(0, tenths(), {perBackend: {
      r1: {completed: 100, non2xx: 0, histogram: h(Array.from({length: 100}, (_, i) => (i + 1) * 10))},
      r2: {completed: 19, non2xx: 0, histogram: h(Array.from({length: 19}, () => 500))},
    }})
    assert.deepEqual(buildSeries([s])[0].perBackendP99Us, {r1: 990})
  })
})

describe('percentile curve', () => {
  test('p0 to p99.999, ten points a decade of 1/(1 − q), from the histogram', () => {
    const h = newLatencyHistogram()
    for (let us = 1; us <= 100_000; us++) h.recordValue(us)
    const curve = percentileCurve(h)
    assert.equal(curve.length, 51)
    assert.deepEqual([curve[0].x, curve[0].percentile, curve[0].us], [1, 0, 1])
    const p99 = curve[20]
    assert.ok(Math.abs(p99.percentile - 99) < 1e-9 && Math.abs(p99.us - 99_000) / 99_000 < 0.001, JSON.stringify(p99))
    assert.ok(Math.abs(curve[50].percentile - 99.999) < 1e-9)
    assert.deepEqual(percentileCurve(newLatencyHistogram()), [])
  })

  test('without a histogram: the summary percentiles', () => {
    const curve = summaryPercentileCurve({p50: 1, p90: 2, p99: 3, p999: 4, max: 5, mean: 1, count: 10})
    assert.deepEqual(curve.map((p) => [Math.round(p.x), p.us]), [[2, 1], [10, 2], [100, 3], [1000, 4]])
  })
})
