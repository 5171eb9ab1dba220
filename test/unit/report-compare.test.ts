import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {bestOf, compareRows, meanSeries, spreadOf} from '../../src/metrics/compare.js'
import {sampleComparison} from '../fixtures/sample-comparison.js'
import {sampleReport} from '../fixtures/sample-report.js'

describe('comparison figures', () => {
  test('spread is the mean and range of the runs', () => {
    assert.deepEqual(spreadOf([1, 2, 6]), {mean: 3, min: 1, max: 6, n: 3})
    assert.equal(spreadOf([]), null)
  })

  test('best subject, and whether its lead is beyond the spread', () => {
    const s = (min: number, max: number, n = 3) => ({mean: (min + max) / 2, min, max, n})
    // Lower is better, ranges apart: clear.
    assert.deepEqual(bestOf([s(10, 12), s(13, 15)], 'lower'), {best: 0, clear: true})
    // Ranges overlap: best mean, not clear.
    assert.deepEqual(bestOf([s(10, 14), s(13, 15)], 'lower'), {best: 0, clear: false})
    // Higher is better.
    assert.deepEqual(bestOf([s(10, 12), s(13, 15)], 'higher'), {best: 1, clear: true})
    // One run each: a best, but no spread to judge by.
    assert.deepEqual(bestOf([s(10, 10, 1), s(13, 13, 1)], 'lower'), {best: 0, clear: null})
    // All equal, a missing value, or no direction: nobody is best.
    assert.deepEqual(bestOf([s(10, 10), s(10, 10)], 'lower'), {best: null, clear: null})
    assert.deepEqual(bestOf([s(10, 12), null], 'lower'), {best: null, clear: null})
    assert.deepEqual(bestOf([s(10, 12), s(13, 15)], 'none'), {best: null, clear: null})
  })

  test('rows from reports', () => {
    const c = sampleComparison()
    const rows = compareRows(c.subjects)
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]))
    assert.deepEqual(rows.map((r) => r.key), [
      'throughput.rps', 'latency.p50', 'latency.p99', 'latency.p999', 'requests.failed', 'errors.rate', 'fairness.jain',
      'backend.r1.share', 'backend.r2.share', 'backend.r3.share', 'backend.r4.share', 'failover.ttd', 'failover.failed',
      'balancer.cpu', 'generator.cpu',
    ])
    const rps = c.subjects.map((s) => s.reports.map((r) => r.summary.throughput.rps))
    assert.equal(byKey['throughput.rps'].values[0]?.min, Math.min(...rps[0]))
    assert.equal(byKey['throughput.rps'].values[1]?.max, Math.max(...rps[1]))
    assert.equal(byKey['throughput.rps'].best, 1)
    assert.equal(byKey['throughput.rps'].clear, true)
    assert.deepEqual(byKey['failover.failed'].values.map((v) => v?.mean), [3, 1])
    assert.equal(byKey['failover.failed'].best, 1)
    // Equal everywhere: no best.
    assert.equal(byKey['failover.ttd'].best, null)
    assert.equal(byKey['backend.r1.share'].better, 'none')
  })

  test('mean per-second series across runs, aligned on t', () => {
    const a = sampleReport({seed: 1})
    const b = sampleReport({seed: 2})
    const m = meanSeries([a, b], (p) => p.completed)
    assert.equal(m.length, 10)
    assert.equal(m[3].tMs, 3000)
    assert.equal(m[3].value, (a.series[3].completed + b.series[3].completed) / 2)
  })
})
