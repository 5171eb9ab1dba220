import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {at, bytesPerSec, count, duration, formatMetricValue, ms, percent, rps, thresholdMetric} from '../../src/report/format.js'
import {decideColor, tableStyle} from '../../src/report/color.js'
import {markerLabel, markerKind, markers} from '../../src/report/markers.js'
import {columns, mean, max, pointsPerColumn, sparkline} from '../../src/report/sparkline.js'

describe('format', () => {
  test('latency in µs reads as ms with 3 decimals', () => {
    assert.equal(ms(412), '0.412 ms')
    assert.equal(ms(1234), '1.234 ms')
    assert.equal(ms(1_234_567), '1,234.567 ms')
    assert.equal(ms(0), '0.000 ms')
    assert.equal(ms(null), '–')
  })
  test('counts, percentages, rates, times', () => {
    assert.equal(count(1234567), '1,234,567')
    assert.equal(count(12.6), '13')
    assert.equal(percent(0.2512), '25.1%')
    assert.equal(percent(0.00015, 3), '0.015%')
    assert.equal(rps(2345.67), '2,345.7 req/s')
    assert.equal(bytesPerSec(999), '999 B/s')
    assert.equal(bytesPerSec(1_234_567), '1.23 MB/s')
    assert.equal(at(3000), 't=3.0s')
    assert.equal(at(7150, 3), 't=7.150s')
    assert.equal(at(-2000), 't=-2.0s')
    assert.equal(duration(850), '850 ms')
    assert.equal(duration(10_000), '10.0 s')
    assert.equal(duration(125_000), '2m 5.0s')
    assert.equal(duration(null), '–')
  })
  test('threshold values in the unit of their metric', () => {
    assert.equal(thresholdMetric('latency.p99[steady] < 20ms'), 'latency.p99')
    assert.equal(thresholdMetric('errors.rate<0.5%'), 'errors.rate')
    assert.equal(formatMetricValue('latency.p99', 3411), '3.411 ms')
    assert.equal(formatMetricValue('failover.ttd', 1500), '1.5 s')
    assert.equal(formatMetricValue('errors.rate', 0.0015), '0.150%')
    assert.equal(formatMetricValue('failover.failed', 3), '3')
    assert.equal(formatMetricValue('fairness.jain', 0.98765), '0.988')
    assert.equal(formatMetricValue('backend.r2.share', 0.25), '25.00%')
    assert.equal(formatMetricValue('latency.p99', null), 'n/a')
  })
})

describe('colour decision', () => {
  const cases: Array<[string, Parameters<typeof decideColor>[0], boolean]> = [
    ['a terminal', {env: {}, isTTY: true}, true],
    ['a pipe', {env: {}, isTTY: false}, false],
    ['TERM=dumb', {env: {TERM: 'dumb'}, isTTY: true}, false],
    ['NO_COLOR on a terminal', {env: {NO_COLOR: '1'}, isTTY: true}, false],
    ['empty NO_COLOR is unset', {env: {NO_COLOR: ''}, isTTY: true}, true],
    ['FORCE_COLOR on a pipe', {env: {FORCE_COLOR: '1'}, isTTY: false}, true],
    ['FORCE_COLOR beats NO_COLOR', {env: {FORCE_COLOR: '1', NO_COLOR: '1'}, isTTY: false}, true],
    ['FORCE_COLOR=0 on a terminal', {env: {FORCE_COLOR: '0'}, isTTY: true}, false],
    ['--color beats everything', {flag: true, env: {FORCE_COLOR: '0', NO_COLOR: '1'}, isTTY: false}, true],
    ['--no-color beats everything', {flag: false, env: {FORCE_COLOR: '1'}, isTTY: true}, false],
  ]
  for (const [name, input, expected] of cases) test(name, () => assert.equal(decideColor(input), expected))
  test('cli-table3 style has no colours when off', () => {
    assert.deepEqual(tableStyle(false), {head: [], border: []})
    assert.notDeepEqual(tableStyle(true), {head: [], border: []})
  })
})

describe('markers', () => {
  test('kinds and labels from timeline events', () => {
    assert.equal(markerKind({atMs: 0, kind: 'fault', detail: 'kill'}), 'fault')
    assert.equal(markerKind({atMs: 0, kind: 'fault-end', detail: 'resumed'}), 'fault')
    assert.equal(markerKind({atMs: 0, kind: 'phase-start', detail: 'steady'}), 'phase')
    assert.equal(markerKind({atMs: 0, kind: 'backend-down', detail: 'x'}), 'health')
    assert.equal(markerLabel({atMs: 0, kind: 'fault', target: 'r2', detail: 'kill'}), 'kill r2')
    assert.equal(markerLabel({atMs: 0, kind: 'fault', target: 'r3', detail: 'slow +200ms for 4s'}), 'slow r3 +200ms for 4s')
    assert.equal(markerLabel({atMs: 0, kind: 'fault', detail: 'exec: echo hi'}), 'exec: echo hi')
    assert.equal(markerLabel({atMs: 0, kind: 'backend-down', target: 'r2', detail: 'connect error'}), 'r2 down')
    assert.equal(markerLabel({atMs: 0, kind: 'replica-exit', target: 'r2', detail: 'signal SIGKILL'}), 'r2 exited')
    assert.equal(markerLabel({atMs: 0, kind: 'phase-start', detail: 'warmup'}), 'warmup start')
    assert.equal(markerLabel({atMs: 0, kind: 'aborted', detail: 'SIGINT'}), 'aborted: SIGINT')
  })
  test('phases left out unless asked for, in time order', () => {
    const r = {timeline: [
      {atMs: 5, kind: 'backend-up', target: 'r1', detail: ''},
      {atMs: 0, kind: 'phase-start', detail: 'steady'},
      {atMs: 1, kind: 'fault', target: 'r1', detail: 'kill'},
    ]}
    assert.deepEqual(markers(r).map((m) => m.label), ['kill r1', 'r1 up'])
    assert.equal(markers(r, true).length, 3)
  })
})

describe('sparkline', () => {
  test('scales from 0 to the maximum', () => {
    assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), '▁▂▃▄▅▆▇█')
    assert.equal(sparkline([0, 0]), '▁▁')
    assert.equal(sparkline([10, 10, 5]), '██▅')
  })
  test('groups points into columns', () => {
    assert.equal(pointsPerColumn(10, 80), 1)
    assert.equal(pointsPerColumn(200, 80), 3)
    assert.deepEqual(columns([1, 2, 3, 4, 5], 2, mean), [1.5, 3.5, 5])
    assert.deepEqual(columns([1, 9, 3, 4], 2, max), [9, 4])
  })
})
