import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import type {Sample} from '../../src/model/generator-messages.js'
import type {Report, Summary} from '../../src/model/report.js'
import type {Scenario, ThresholdSpec} from '../../src/model/scenario.js'
import {decodeHistogram, encodeHistogram, latencyOf, mergeEncoded, newLatencyHistogram, percentileUs} from '../../src/metrics/histogram.js'
import {fairness} from '../../src/metrics/fairness.js'
import {summarize, summarizePhases} from '../../src/metrics/summary.js'
import {averageInflight, buildSeries, fewestUp} from '../../src/metrics/series.js'
import {backendRows} from '../../src/metrics/backends.js'
import {mergeSamples, SampleMerger} from '../../src/metrics/merge-samples.js'
import {evaluateThresholds, readMetric} from '../../src/metrics/thresholds.js'
import {splitConfig} from '../../src/load/generator-client.js'

function histogramOf(values: number[]): string {
  const h = newLatencyHistogram()
  for (const v of values) h.recordValue(v)
  return encodeHistogram(h)
}

const range = (from: number, to: number): number[] => Array.from({length: to - from + 1}, (_, i) => from + i)

function sample(over: Partial<Sample> & {latencies?: number[]; backends?: Record<string, {completed: number; non2xx?: number; latencies: number[]}>}): Sample {
  const {latencies = [], backends = {}, ...rest} = over
  const perBackend: Sample['perBackend'] = {}
  for (const [id, b] of Object.entries(backends)) perBackend[id] = {completed: b.completed, non2xx: b.non2xx ?? 0, histogram: histogramOf(b.latencies)}
  return {
    second: 0,
    phase: 'steady',
    measure: true,
    sent: 0,
    completed: 0,
    bytes: 0,
    status: {},
    errors: {connect: 0, reset: 0, timeout: 0},
    perBackend,
    histogram: histogramOf(latencies),
    ...rest,
  }
}

describe('latency histograms (µs)', () => {
  test('percentiles of 1..10000 µs are exact up to HDR buckets (3 significant digits)', () => {
    const h = newLatencyHistogram()
    for (const v of range(1, 10000)) h.recordValue(v)
    // With 3 significant digits, values 4096..8191 share buckets of 4 µs and 8192..16383 buckets of 8 µs;
    // HDR reports a bucket's highest value: 5000 → 5003, 9000 → 9007, 9900 → 9903, 9990 → 9991.
    assert.deepEqual(latencyOf(h), {p50: 5003, p90: 9007, p99: 9903, p999: 9991, max: 10000, mean: 5001, count: 10000})
    assert.equal(percentileUs(h, 25), 2501) // 2048..4095: buckets of 2 µs
  })

  test('an empty histogram gives zeros, and the empty string decodes to an empty histogram', () => {
    assert.deepEqual(latencyOf(newLatencyHistogram()), {p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0})
    assert.equal(decodeHistogram('').totalCount, 0)
    assert.equal(percentileUs(decodeHistogram(histogramOf([])), 99), 0)
  })

  test('encoding round-trips, and merging two histograms equals one histogram of all values', () => {
    const values = range(1, 5000).map((i) => (i * 7919) % 200_000 + 1)
    const a = values.filter((_, i) => i % 3 === 0)
    const b = values.filter((_, i) => i % 3 !== 0)
    const merged = mergeEncoded([histogramOf(a), histogramOf(b)])
    const whole = decodeHistogram(histogramOf(values))
    assert.deepEqual(latencyOf(merged), latencyOf(whole))
    for (const p of [1, 10, 33.3, 50, 75, 95, 99.99]) assert.equal(percentileUs(merged, p), percentileUs(whole, p))
    assert.equal(merged.totalCount, 5000)
  })

  test('latencies beyond 60 s are kept, not thrown away', () => {
    const h = newLatencyHistogram()
    h.recordValue(90_000_000)
    assert.ok(decodeHistogram(encodeHistogram(h)).maxValue >= 90_000_000)
  })
})

describe('fairness', () => {
  const f = (counts: number[], weights?: number[]) => {
    const ids = counts.map((_, i) => `r${i + 1}`)
    return fairness(
      Object.fromEntries(ids.map((id, i) => [id, counts[i]])),
      ids,
      weights ? Object.fromEntries(ids.map((id, i) => [id, weights[i]])) : undefined,
    )
  }
  test('equal counts: Jain 1, CV 0, max/mean 1', () => {
    assert.deepEqual(f([1, 1, 1, 1]), {jain: 1, cv: 0, maxMean: 1, minMean: 1, over: ['r1', 'r2', 'r3', 'r4']})
  })
  test('one of two idle: Jain 1/2, CV 1, max/mean 2, min/mean 0', () => {
    assert.deepEqual(f([2, 0]), {jain: 0.5, cv: 1, maxMean: 2, minMean: 0, over: ['r1', 'r2']})
  })
  test('1, 2, 3: Jain 36/42, CV sqrt(2/3)/2, max/mean 1.5', () => {
    const r = f([1, 2, 3])
    assert.equal(r.jain, 36 / 42)
    assert.ok(Math.abs(r.cv - Math.sqrt(2 / 3) / 2) < 1e-12)
    assert.equal(r.maxMean, 1.5)
    assert.equal(r.minMean, 0.5)
  })
  test('weights: counts in proportion to the weights are fair', () => {
    const r = f([200, 100], [2, 1])
    assert.equal(r.jain, 1)
    assert.equal(r.cv, 0)
  })
  test('only the backends asked for count; no traffic is not unfair', () => {
    assert.equal(fairness({r1: 10, r2: 10, r3: 0}, ['r1', 'r2']).jain, 1)
    assert.deepEqual(fairness({}, ['r1', 'r2']), {jain: 1, cv: 0, maxMean: 1, minMean: 1, over: ['r1', 'r2']})
    assert.deepEqual(fairness({r1: 5}, []).over, [])
  })
})

describe('summary', () => {
  const samples: Sample[] = [
    sample({second: -1, phase: 'warmup', measure: false, sent: 50, completed: 50, status: {200: 50}, latencies: Array(50).fill(100)}),
    sample({second: 0, sent: 100, completed: 97, bytes: 970, status: {200: 95, 503: 2}, errors: {connect: 1, reset: 1, timeout: 0}, lost: 1, latencies: range(1, 97).map((i) => i * 10)}),
    sample({second: 1, sent: 103, completed: 100, bytes: 1000, status: {200: 100}, errors: {connect: 0, reset: 0, timeout: 1}, cutOff: 2, latencies: range(1, 100).map((i) => i * 10)}),
  ]
  const measured = samples.filter((s) => s.measure)

  test('sent, completed, failed and each kind of error, with lost = sent − completed − errors', () => {
    const s = summarize(measured, 2000)
    // sent = 203 − 2 cut off; lost = 201 − 197 − (1 + 1 + 1) = 1; failed = 1 + 1 + 1 + 1 + 2 (503s) = 6 = 201 − 195 (2xx).
    assert.deepEqual(s.requests, {sent: 201, completed: 197, failed: 6})
    assert.deepEqual(s.errors, {connect: 1, reset: 1, timeout: 1, non2xx: 2, lost: 1})
    assert.equal(s.errorRate, 6 / 201)
    assert.deepEqual(s.statusCodes, {200: 195, 503: 2})
    assert.deepEqual(s.throughput, {rps: 98.5, bytesPerSec: 985})
    assert.equal(s.durationMs, 2000)
    assert.equal(s.latencyUs.count, 197)
    assert.equal(s.latencyUs.max, 1000)
    assert.equal(s.latencyUs.p50, 500) // 10..970 and 10..1000 µs: the 99th of 197 values
    assert.ok(s.histogram && decodeHistogram(s.histogram).totalCount === 197)
  })

  test('duration defaults to the seconds covered; nothing sent is an error rate of 0', () => {
    assert.equal(summarize(measured).durationMs, 2000)
    const empty = summarize([])
    assert.equal(empty.errorRate, 0)
    assert.deepEqual(empty.throughput, {rps: 0, bytesPerSec: 0})
  })

  test('per phase', () => {
    const phases = summarizePhases(samples, {warmup: 1000})
    assert.deepEqual(Object.keys(phases), ['warmup', 'steady'])
    assert.deepEqual(phases.warmup.requests, {sent: 50, completed: 50, failed: 0})
    assert.equal(phases.warmup.throughput.rps, 50)
    assert.equal(phases.steady.requests.sent, 201)
  })
})

describe('per-second series', () => {
  const samples: Sample[] = [
    sample({second: -1, phase: 'warmup', measure: false, sent: 5, completed: 5, status: {200: 5}, latencies: [10, 10, 10, 10, 10]}),
    sample({second: 0, sent: 10, completed: 9, status: {200: 8, 500: 1}, errors: {connect: 0, reset: 1, timeout: 0}, latencies: range(1, 9).map((i) => i * 100), backends: {r1: {completed: 5, latencies: [100]}, r2: {completed: 4, non2xx: 1, latencies: [200]}}}),
    // Second 1 straddles steady (0.3 s) and surge (0.7 s).
    sample({second: 1, sent: 3, completed: 3, status: {200: 3}, cutOff: 1, latencies: [100, 100, 100], backends: {r1: {completed: 3, latencies: [100]}}}),
    sample({second: 1, phase: 'surge', sent: 8, completed: 6, status: {200: 6}, lost: 2, latencies: [300, 300, 300, 300, 300, 300], backends: {r2: {completed: 6, latencies: [300]}}}),
  ]

  test('one point per second, failures in the second they happened, straddled seconds merged', () => {
    const series = buildSeries(samples)
    assert.deepEqual(series.map((p) => p.tMs), [0, 1000])
    assert.deepEqual(series[0], {
      tMs: 0,
      phase: 'steady',
      sent: 10,
      completed: 9,
      failed: 2,
      errors: {connect: 0, reset: 1, timeout: 0, non2xx: 1, lost: 0},
      latencyUs: {p50: 500, p99: 900},
      perBackend: {r1: 5, r2: 4},
    })
    assert.equal(series[1].phase, 'surge')
    assert.equal(series[1].sent, 10)
    assert.equal(series[1].completed, 9)
    assert.equal(series[1].failed, 2)
    assert.deepEqual(series[1].perBackend, {r1: 3, r2: 6})
    assert.deepEqual(series[1].latencyUs, {p50: 300, p99: 300})
  })

  test('open connections: a gauge, the value of the last part of the second (the later phase); absent from older samples', () => {
    const gauges = [undefined, 4, 6].map((open, i) => (open === undefined ? samples[i + 1] : {...samples[i + 1], openConnections: open}))
    assert.deepEqual(buildSeries(gauges).map((p) => p.openConnections), [undefined, 6])
    assert.deepEqual(buildSeries([gauges[0], gauges[2], gauges[1]]).map((p) => p.openConnections), [undefined, 4])
    assert.equal('openConnections' in buildSeries(samples)[1], false)
  })

  test('warm-ups only on request, at negative times', () => {
    assert.deepEqual(buildSeries(samples, {includeUnmeasured: true}).map((p) => p.tMs), [-1000, 0, 1000])
  })

  test('in-flight averaged per second and the fewest backends up, placed by t0', () => {
    const t0 = 1_000_000
    const series = buildSeries(samples, {
      t0EpochMs: t0,
      inflight: [[t0 + 100, {r1: 2, r2: 1}], [t0 + 600, {r1: 4, r2: 0}], [t0 + 1200, {r1: 1}]],
      backendsUp: [[t0 - 5000, 2], [t0 + 1500, 1], [t0 + 1800, 2]],
    })
    assert.deepEqual(series[0].inflight, {r1: 3, r2: 0.5})
    assert.deepEqual(series[1].inflight, {r1: 1})
    assert.equal(series[0].backendsUp, 2)
    assert.equal(series[1].backendsUp, 1)
    assert.deepEqual(averageInflight([], 0, 1000), {})
    assert.equal(fewestUp([[5000, 3]], 0, 1000), undefined)
  })
})

describe('backend rows', () => {
  test('requests, share, errors and latency per backend; known ids first, even when idle', () => {
    const rows = backendRows(
      [
        sample({backends: {r1: {completed: 3, latencies: [100, 200, 300]}, r2: {completed: 1, non2xx: 1, latencies: [1000]}}}),
        sample({second: 1, backends: {r1: {completed: 1, latencies: [400]}, x9: {completed: 3, latencies: [50]}}}),
      ],
      ['r1', 'r2', 'r3'],
      {r1: 2},
    )
    // Each backend that answered keeps all its latencies, for its percentile curve.
    const histograms = rows.map(({histogram}) => (histogram === undefined ? undefined : decodeHistogram(histogram).totalCount))
    assert.deepEqual(histograms, [4, 1, undefined, 1])
    assert.deepEqual(rows.map(({histogram: _histogram, ...row}) => row), [
      {id: 'r1', requests: 4, share: 0.5, errors: 0, latencyUs: {p50: 200, p99: 400}, events: [], weight: 2},
      {id: 'r2', requests: 1, share: 0.125, errors: 1, latencyUs: {p50: 1000, p99: 1000}, events: []},
      {id: 'r3', requests: 0, share: 0, errors: 0, latencyUs: {p50: 0, p99: 0}, events: []},
      {id: 'x9', requests: 3, share: 0.375, errors: 0, latencyUs: {p50: 50, p99: 50}, events: []},
    ])
  })
})

describe('merging generators', () => {
  const a = sample({sent: 10, completed: 9, bytes: 90, status: {200: 9}, errors: {connect: 1, reset: 0, timeout: 0}, lost: 0, latencies: range(1, 9), backends: {r1: {completed: 9, latencies: range(1, 9)}}})
  const b = sample({sent: 5, completed: 5, bytes: 50, status: {200: 4, 502: 1}, errors: {connect: 0, reset: 2, timeout: 1}, lost: 1, cutOff: 1, latencies: range(10, 14), backends: {r1: {completed: 2, latencies: [10, 11]}, r2: {completed: 3, non2xx: 1, latencies: [12, 13, 14]}}})

  test('counts add and histograms merge exactly', () => {
    const m = mergeSamples([a, b])
    assert.equal(m.sent, 15)
    assert.equal(m.completed, 14)
    assert.equal(m.bytes, 140)
    assert.deepEqual(m.status, {200: 13, 502: 1})
    assert.deepEqual(m.errors, {connect: 1, reset: 2, timeout: 1})
    assert.equal(m.lost, 1)
    assert.equal(m.cutOff, 1)
    assert.deepEqual(latencyOf(decodeHistogram(m.histogram)), latencyOf(decodeHistogram(histogramOf(range(1, 14)))))
    assert.equal(m.perBackend.r1.completed, 11)
    assert.equal(decodeHistogram(m.perBackend.r1.histogram).totalCount, 11)
    assert.deepEqual({...m.perBackend.r2, histogram: ''}, {completed: 3, non2xx: 1, histogram: ''})
  })

  test('the connections each held open add up; a sample without the gauge adds nothing, and none has none', () => {
    assert.equal(mergeSamples([{...a, openConnections: 3}, {...b, openConnections: 2}]).openConnections, 5)
    assert.equal(mergeSamples([{...a, openConnections: 3}, b]).openConnections, 3)
    assert.equal('openConnections' in mergeSamples([a, b]), false)
  })

  test('a (phase, second) comes out once every generator reported it or finished, in order', () => {
    const merger = new SampleMerger(2)
    assert.deepEqual(merger.add(0, {...a, second: 0}), [])
    assert.deepEqual(merger.add(0, {...a, second: 1}), [])
    const first = merger.add(1, {...b, second: 0})
    assert.deepEqual(first.map((s) => [s.second, s.sent]), [[0, 15]])
    // Generator 1 stopped before second 1: it no longer holds second 1 back.
    assert.deepEqual(merger.finish(1).map((s) => [s.second, s.sent]), [[1, 10]])
    assert.deepEqual(merger.flush(), [])
  })

  test('load split across generators: connections and rate shared, targets rotated, seeds differ', () => {
    const configs = splitConfig(
      {
        targets: ['http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3'],
        phases: [{name: 'steady', duration: 1000, measure: true, connections: 5, rate: 100}],
        requests: [],
        timeout: 1000,
        seed: 1,
      },
      2,
    )
    assert.deepEqual(configs.map((c) => c.phases[0].connections), [3, 2])
    assert.deepEqual(configs.map((c) => c.phases[0].rate), [60, 40])
    assert.deepEqual(configs[1].targets, ['http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3'])
    assert.deepEqual(configs[0].targets, ['http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3'])
    assert.notEqual(configs[0].seed, configs[1].seed)
    const two = splitConfig({...configs[0], phases: [{name: 's', duration: 1, measure: true, connections: 4}]}, 2)
    assert.deepEqual(two[1].targets, ['http://127.0.0.1:3', 'http://127.0.0.1:1', 'http://127.0.0.1:2'])
    assert.equal(splitConfig({...configs[0], phases: [{name: 's', duration: 1, measure: true, connections: 1}]}, 4).length, 1)
  })
})

describe('thresholds', () => {
  const summary = (over: Partial<Summary>): Summary => ({
    durationMs: 10_000,
    requests: {sent: 1000, completed: 995, failed: 8},
    errors: {connect: 1, reset: 2, timeout: 0, non2xx: 3, lost: 2},
    errorRate: 0.008,
    latencyUs: {p50: 1200, p90: 5000, p99: 20_000, p999: 45_000, max: 60_000, mean: 2100, count: 995},
    throughput: {rps: 99.5, bytesPerSec: 1194},
    statusCodes: {200: 992, 500: 3},
    histogram: histogramOf([...Array(950).fill(1000), ...Array(50).fill(30_000)]),
    ...over,
  })
  const report = (over: Partial<Report> = {}): Report => ({
    schemaVersion: 1,
    meta: {lbbench: '0', startedAt: '', scenarioHash: '', scenarioFile: '', seed: 1, environment: {cpu: '', cores: 2, node: '', os: ''}, generator: {cpuPct: 10, saturated: false}, timing: 'actual-send'},
    scenario: {} as Scenario,
    summary: summary({}),
    phases: {steady: summary({latencyUs: {p50: 900, p90: 1000, p99: 15_000, p999: 16_000, max: 17_000, mean: 1000, count: 500}})},
    backends: [
      {id: 'r1', requests: 600, share: 0.6, errors: 1, latencyUs: {p50: 1000, p99: 9000}, events: []},
      {id: 'r2', requests: 395, share: 0.395, errors: 2, latencyUs: {p50: 1100, p99: 9900}, events: []},
    ],
    fairness: {jain: 0.96, cv: 0.2, maxMean: 1.2, minMean: 0.8, over: ['r1', 'r2']},
    failover: [
      {fault: 'kill', target: 'r2', atMs: 2000, ttdMs: 120, failed: 3, hidden: 7, ttrMs: 1500},
      {fault: 'pause', target: 'r1', atMs: 5000, ttdMs: 900, failed: 1, hidden: 2, ttrMs: 800},
    ],
    series: [],
    timeline: [],
    thresholds: [],
    pass: true,
    ...over,
  })
  const t = (expr: string, metric: string, op: ThresholdSpec['op'], value: number, phase?: string): ThresholdSpec => ({expr, metric, op, value, phase})

  test('a table of metrics and operators', () => {
    const cases: Array<[ThresholdSpec, number | null, boolean]> = [
      [t('latency.p99 < 50ms', 'latency.p99', '<', 50_000), 20_000, true],
      [t('latency.p99 < 20ms', 'latency.p99', '<', 20_000), 20_000, false],
      [t('latency.p99 <= 20ms', 'latency.p99', '<=', 20_000), 20_000, true],
      [t('latency.p50 > 1ms', 'latency.p50', '>', 1000), 1200, true],
      [t('latency.p999 >= 45ms', 'latency.p999', '>=', 45_000), 45_000, true],
      [t('latency.p90 == 5ms', 'latency.p90', '==', 5000), 5000, true],
      [t('latency.p90 != 5ms', 'latency.p90', '!=', 5000), 5000, false],
      [t('latency.p95 < 2ms', 'latency.p95', '<', 2000), 1000, true],
      // 30000 µs sits in a 16 µs bucket (16384..32767) whose highest value is 30015.
      [t('latency.p96 < 2ms', 'latency.p96', '<', 2000), 30_015, false],
      [t('latency.max < 1s', 'latency.max', '<', 1_000_000), 60_000, true],
      [t('latency.mean < 2ms', 'latency.mean', '<', 2000), 2100, false],
      [t('errors.rate < 1%', 'errors.rate', '<', 0.01), 0.008, true],
      [t('errors.count == 0', 'errors.count', '==', 0), 8, false],
      [t('errors.connect <= 1', 'errors.connect', '<=', 1), 1, true],
      [t('errors.reset == 2', 'errors.reset', '==', 2), 2, true],
      [t('errors.timeout == 0', 'errors.timeout', '==', 0), 0, true],
      [t('errors.non2xx < 3', 'errors.non2xx', '<', 3), 3, false],
      [t('requests.sent >= 1000', 'requests.sent', '>=', 1000), 1000, true],
      [t('requests.completed > 995', 'requests.completed', '>', 995), 995, false],
      [t('requests.failed < 10', 'requests.failed', '<', 10), 8, true],
      [t('throughput.rps > 1000', 'throughput.rps', '>', 1000), 99.5, false],
      [t('throughput.bytesPerSec > 1000', 'throughput.bytesPerSec', '>', 1000), 1194, true],
      [t('fairness.jain > 0.9', 'fairness.jain', '>', 0.9), 0.96, true],
      [t('fairness.cv < 0.1', 'fairness.cv', '<', 0.1), 0.2, false],
      [t('fairness.maxMean < 1.5', 'fairness.maxMean', '<', 1.5), 1.2, true],
      [t('backend.r1.share > 50%', 'backend.r1.share', '>', 0.5), 0.6, true],
      [t('backend.r2.errors == 0', 'backend.r2.errors', '==', 0), 2, false],
      [t('backend.r2.requests > 300', 'backend.r2.requests', '>', 300), 395, true],
      [t('backend.r1.p50 < 2ms', 'backend.r1.p50', '<', 2000), 1000, true],
      [t('backend.r2.p99 < 9ms', 'backend.r2.p99', '<', 9000), 9900, false],
      [t('backend.r7.share > 0', 'backend.r7.share', '>', 0), null, false],
      [t('failover.failed == 0', 'failover.failed', '==', 0), 4, false],
      [t('failover.hidden < 10', 'failover.hidden', '<', 10), 9, true],
      [t('failover.ttd < 2s', 'failover.ttd', '<', 2000), 900, true],
      [t('failover.ttr < 1s', 'failover.ttr', '<', 1000), 1500, false],
      [t('latency.p99[steady] < 20ms', 'latency.p99', '<', 20_000, 'steady'), 15_000, true],
      [t('errors.rate[steady] < 1%', 'errors.rate', '<', 0.01, 'steady'), 0.008, true],
      [t('latency.p99[surge] < 20ms', 'latency.p99', '<', 20_000, 'surge'), null, false],
      [t('fairness.jain[steady] > 0.9', 'fairness.jain', '>', 0.9, 'steady'), null, false],
      [t('nonsense < 1', 'nonsense', '<', 1), null, false],
    ]
    const results = evaluateThresholds(report(), cases.map(([spec]) => spec))
    for (const [i, [spec, actual, pass]] of cases.entries()) {
      assert.equal(results[i].expr, spec.expr)
      assert.equal(results[i].actual, actual, spec.expr)
      assert.equal(results[i].pass, pass, spec.expr)
      if (actual === null) assert.ok(results[i].detail, `${spec.expr} says why it has no value`)
    }
  })

  test('failover without faults: counts are 0, times have no value and fail with a reason', () => {
    const r = report({failover: []})
    assert.deepEqual(readMetric(r, 'failover.failed'), {value: 0})
    assert.deepEqual(readMetric(r, 'failover.ttd'), {value: null, detail: 'no faults in this run'})
    const [res] = evaluateThresholds(r, [t('failover.ttr < 2s', 'failover.ttr', '<', 2000)])
    assert.deepEqual(res, {expr: 'failover.ttr < 2s', actual: null, pass: false, detail: 'no faults in this run'})
  })

  test('failover times: a fault never detected fails ttd, one never reintegrated fails ttr; otherwise the worst counts', () => {
    const r = report({failover: [
      {fault: 'kill', target: 'r2', atMs: 2000, ttdMs: null, failed: 0, hidden: 0, ttrMs: null},
      {fault: 'pause', target: 'r1', atMs: 5000, ttdMs: 300, failed: 0, hidden: 0, ttrMs: 100},
    ]})
    const ttd = readMetric(r, 'failover.ttd')
    assert.equal(ttd.value, null)
    assert.match(ttd.detail ?? '', /never detected: kill r2 at 2000 ms/)
    const ttr = readMetric(r, 'failover.ttr')
    assert.equal(ttr.value, null)
    assert.match(ttr.detail ?? '', /never reintegrated: kill r2 at 2000 ms/)
    const detected = report({failover: [
      {fault: 'kill', target: 'r2', atMs: 2000, ttdMs: 40, failed: 0, hidden: 0, ttrMs: 900},
      {fault: 'pause', target: 'r1', atMs: 5000, ttdMs: 300, failed: 0, hidden: 0, ttrMs: 100},
    ]})
    assert.equal(readMetric(detected, 'failover.ttd').value, 300)
    assert.equal(readMetric(detected, 'failover.ttr').value, 900)
  })

  test('failover.failed counts a fault on several replicas (one row each, one window) once', () => {
    const r = report({failover: [
      {fault: 'fail', target: 'r1', atMs: 1000, ttdMs: null, failed: 25, hidden: 3, ttrMs: 100},
      {fault: 'fail', target: 'r2', atMs: 1000, ttdMs: null, failed: 25, hidden: 4, ttrMs: 100},
      {fault: 'kill', target: 'r3', atMs: 4000, ttdMs: 20, failed: 2, hidden: 1, ttrMs: 100},
    ]})
    assert.equal(readMetric(r, 'failover.failed').value, 27)
    assert.equal(readMetric(r, 'failover.hidden').value, 8)
  })
})
