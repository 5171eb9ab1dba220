// The HTML report's chart specs, worked out without a browser: buckets as steps, which series the time
// charts use, the fault close-ups, backends up at the timeline's exact times, and the comparison's
// change against the first subject and spread bars. (test/integration/report-html.test.ts draws them.)

import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import type {FinePoint} from '../../src/model/report.js'
import {stepPoints} from '../../src/report/html-chart-spec.js'
import {reportCharts} from '../../src/report/html-charts.js'
import {deltaHtml, spreadBar} from '../../src/report/html-compare.js'
import {card} from '../../src/report/html-parts.js'
import {timeView} from '../../src/report/html-time-charts.js'
import {sampleReport} from '../fixtures/sample-report.js'

describe('buckets as steps', () => {
  test('a point at each bucket start, one closing the last bucket, a break over a gap', () => {
    const b = [{tMs: 0, v: 1}, {tMs: 100, v: null}, {tMs: 200, v: 3}, {tMs: 500, v: 4}]
    assert.deepEqual(stepPoints(b, 100, (x) => x.v), [
      {x: 0, y: 1}, {x: 0.1, y: null}, {x: 0.2, y: 3}, {x: 0.3, y: 3}, {x: 0.3, y: null}, {x: 0.5, y: 4}, {x: 0.6, y: 4},
    ])
    assert.deepEqual(stepPoints([], 100, () => 1), [])
  })
})

describe('report charts', () => {
  test('a short run with the 100 ms series: the time charts use it, a close-up per fault', () => {
    const r = sampleReport({detail: true})
    assert.equal(timeView(r).bucketMs, 100)
    const charts = reportCharts(r)
    assert.deepEqual(charts.map((c) => c.id), ['throughput', 'latency', 'backend-p99', 'share', 'inflight', 'backends-up', 'fault-1', 'fault-2', 'distribution'])
    for (const c of charts.filter((x) => x.x === 'time')) for (const d of c.datasets) assert.equal(d.stepped, true, `${c.id} ${d.label}`)
    const up = charts.find((c) => c.id === 'backends-up')!
    // Down at r2's exit (3.002 s), up at its ready (7.1 s): exact times, not seconds.
    assert.deepEqual(up.datasets[0].data, [{x: 0, y: 4}, {x: 3.002, y: 3}, {x: 3.05, y: 3}, {x: 7.1, y: 4}, {x: 7.15, y: 4}, {x: 10, y: 4}])
    const restart = charts.find((c) => c.id === 'fault-2')!
    assert.equal(restart.title, 'Around restart r2 at t=6.000s (100 ms buckets)')
    assert.deepEqual([restart.xMin, restart.xMax], [4, 8])
  })

  test('open connections: a chart (after in-flight) when the count changed, none when it held', () => {
    const r = sampleReport({detail: true})
    r.series.forEach((p, i) => (p.openConnections = i < 3 ? 8 : 6))
    const charts = reportCharts(r)
    assert.deepEqual(charts.map((c) => c.id).slice(4, 6), ['inflight', 'open-connections'])
    const open = charts.find((c) => c.id === 'open-connections')!
    assert.equal(open.yInteger, true)
    assert.deepEqual(open.datasets[0].data.slice(0, 5), [{x: 0, y: 8}, {x: 1, y: 8}, {x: 2, y: 8}, {x: 3, y: 6}, {x: 4, y: 6}])
    r.series.forEach((p) => (p.openConnections = 8))
    assert.equal(reportCharts(r).some((c) => c.id === 'open-connections'), false)
  })

  test('a long run: per-second time charts, and the 100 ms buckets only in the close-ups', () => {
    const r = sampleReport({detail: true})
    r.summary.durationMs = 60_000
    const keep = (p: FinePoint) => p.tMs >= 1000 && p.tMs < 5000
    r.fineSeries = {...r.fineSeries!, windows: [{startMs: 1000, endMs: 5000}], points: r.fineSeries!.points.filter(keep)}
    assert.equal(timeView(r).bucketMs, 1000)
    const charts = reportCharts(r)
    assert.deepEqual(charts.filter((c) => c.id.startsWith('fault')).map((c) => c.title), ['Around kill r2 at t=3.000s (100 ms buckets)'], 'the restart at 6 s has no buckets')
    assert.equal(charts[0].title, 'Throughput (1 s buckets)')
    assert.equal(charts[0].datasets[0].data.length, 11)
  })
})

describe('comparison table pieces', () => {
  test('the change against the first subject, coloured by the row’s good direction', () => {
    assert.equal(deltaHtml(12.04, 'higher'), '<span class="delta up">+12.0%</span>')
    assert.equal(deltaHtml(12.04, 'lower'), '<span class="delta down">+12.0%</span>')
    assert.equal(deltaHtml(-3.45, 'lower'), '<span class="delta up">−3.5%</span>')
    assert.equal(deltaHtml(0.01, 'lower'), '<span class="delta flat">±0.0%</span>')
    assert.equal(deltaHtml(5, 'none'), '<span class="delta flat">+5.0%</span>')
    assert.equal(deltaHtml(null, 'higher'), '')
  })

  test('a spread bar spans the runs on the row’s scale; none for one run', () => {
    assert.equal(spreadBar({mean: 15, min: 10, max: 20, n: 3}, 0, 40, 'x'),
      '<span class="spread" title="x"><span class="range" style="left:25.0%;width:25.0%"></span><span class="mean" style="left:37.5%"></span></span>')
    assert.equal(spreadBar({mean: 15, min: 15, max: 15, n: 1}, 0, 40, 'x'), '')
    assert.equal(spreadBar({mean: 15, min: 15, max: 15, n: 2}, 15, 15, 'x'), '', 'every run of every subject the same')
  })
})

describe('tiles', () => {
  test('a figure and its unit are two pieces, so a narrow tile wraps between them', () => {
    assert.match(card('Throughput', '12,935.6 req/s'), /<span class="figure">12,935\.6<\/span> <span class="unit">req\/s<\/span>/)
    assert.match(card('Thresholds', '3 / 4'), /<span class="figure">3 \/ 4<\/span>/)
    assert.match(card('Fairness', '–'), /<span class="figure">–<\/span>/)
  })
})
