// The bench's pure helpers (bench/rounds.ts, bench/figures.ts, bench/pause-schedule.ts): the arithmetic
// its figures and their PASS/MISS rest on.
// The benchmarks themselves never run in the test suite.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {median, pairwise, ratioOf, rotate, summarize} from '../../bench/rounds.js'
import {expectedLatencies} from '../../bench/pause-schedule.js'
import {judged, quantile, type BenchReport} from '../../bench/figures.js'
import {renderBenchMarkdown} from '../../bench/write-report.js'

describe('bench rounds', () => {
  test('median of the finite values', () => {
    assert.equal(median([3, 1, 2]), 2)
    assert.equal(median([4, 1, 3, 2]), 2.5)
    assert.equal(median([Number.NaN, 5, 1]), 3)
    assert.ok(Number.isNaN(median([])))
  })

  test('every subject goes first once every n rounds', () => {
    assert.deepEqual(rotate(['a', 'b', 'c'], 0), ['a', 'b', 'c'])
    assert.deepEqual(rotate(['a', 'b', 'c'], 1), ['b', 'c', 'a'])
    assert.deepEqual(rotate(['a', 'b', 'c'], 5), ['c', 'a', 'b'])
  })

  test('ratios are taken within a round, then the median', () => {
    const perRound = [
      {base: {rps: 100}, x: {rps: 50}},
      {base: {rps: 200}, x: {rps: 180}},
      {base: {rps: 10}, x: {rps: 8}},
    ]
    const s = summarize([{name: 'base'}, {name: 'x'}], perRound, 'base')
    assert.deepEqual(s.x.values.rps, [50, 180, 8])
    assert.equal(s.x.median.rps, 50)
    assert.equal(s.x.ratio.rps, 0.8) // ratios 0.5, 0.9, 0.8: not 50 / 100
    const r = {rounds: 3, baseline: 'base', subjects: s, failures: {}}
    assert.equal(pairwise(r, 'x', 'base', 'rps', ratioOf), 0.8)
  })

  test('a subject missing from a round gives no ratio for it', () => {
    const s = summarize([{name: 'base'}, {name: 'x'}], [{base: {v: 2}, x: {v: 1}}, {x: {v: 3}}, {base: {v: 4}, x: {v: 2}}], 'base')
    assert.equal(s.x.ratio.v, 0.5)
  })
})

describe('a target judged against its rounds', () => {
  test('quantiles interpolate between the nearest values', () => {
    assert.equal(quantile([1, 2, 3, 4, 5], 0.25), 2)
    assert.equal(quantile([1, 2, 3, 4, 5], 0.75), 4)
    assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75)
    assert.equal(quantile([7], 0.75), 7)
  })

  test('close when the limit lies between the quartiles of the rounds, whichever way the median fell', () => {
    // Two runs of the balancer bench on 4 December 2026: the added-p50 ratio (≤ 1.5) and the throughput ratio (≥ 1.0).
    assert.deepEqual(judged(1.34, '<=', 1.5, [2.58, 1.34, 1.53, 1.01, 2.0]), {pass: true, close: true})
    assert.deepEqual(judged(1.08, '<=', 1.5, [1.4, 1.33, 2.37, 0.775, 0.856]), {pass: true})
    assert.deepEqual(judged(0.967, '>=', 1, [0.978, 0.967, 1.08, 0.935, 0.959]), {pass: false})
    assert.deepEqual(judged(0.983, '>=', 1, [0.925, 0.983, 1.03, 1.01, 0.912]), {pass: false, close: true})
  })

  test('too few rounds, or no value, say nothing about closeness', () => {
    assert.deepEqual(judged(1, '>=', 1, [0.9, 1, 1.1]), {pass: true})
    assert.deepEqual(judged(1, '>=', 1, [0.9, Number.NaN, 1, 1.1]), {pass: true})
    assert.deepEqual(judged(null, '>=', 1, [0.9, 0.95, 1, 1.1]), {pass: null})
  })

  test('the Markdown report marks a close result and says once what that means', () => {
    const report = (close: boolean): BenchReport => ({
      kind: 'lbbench-bench',
      version: 1,
      startedAt: 't0',
      finishedAt: 't1',
      command: 'npm run bench',
      options: {quick: false, long: false, only: [], rounds: 5, subjectSeconds: 3},
      environment: {cpu: 'cpu', cores: 2, node: 'v20', os: 'linux', loadAverageAtStart: [0, 0, 0], tools: {}},
      measurements: [{name: 'm', title: 'M', figures: [{name: 'f', value: 0.98, unit: '×', target: '≥ 1.0×', ...judged(0.983, '>=', 1, close ? [0.925, 0.983, 1.03, 1.01, 0.912] : [0.9, 0.91, 0.92, 0.93, 0.94])}], notes: [], seconds: 1}],
    })
    const marked = renderBenchMarkdown(report(true))
    assert.match(marked, /\| ≥ 1\.0× \| MISS, close \|/)
    assert.equal(marked.match(/A result marked close/g)?.length, 1)
    const plain = renderBenchMarkdown(report(false))
    assert.match(plain, /\| ≥ 1\.0× \| MISS \|/)
    assert.doesNotMatch(plain, /close/)
  })
})

describe('expected latencies of a paused backend', () => {
  test('no pause: every request takes the service time', () => {
    const e = expectedLatencies({rate: 100, connections: 4, targets: 2, paused: 1, durationMs: 1000, pauseStartMs: 5000, pauseEndMs: 6000, serviceMs: 1})
    assert.equal(e.intervalMs, 40)
    assert.equal(e.intended.length, 100)
    assert.ok(e.intended.every((v) => v === 1))
  })

  test('requests due during the pause wait for the resume, queued ones too', () => {
    // 2 connections, 1 per backend, 10 req/s: each sends every 200 ms; connection 1 (the paused target)
    // at 100, 300, 500 … The pause is [250, 650): requests due 300, 500 wait until 650, then go one by one.
    const e = expectedLatencies({rate: 10, connections: 2, targets: 2, paused: 1, durationMs: 1000, pauseStartMs: 250, pauseEndMs: 650, serviceMs: 1})
    assert.equal(e.intervalMs, 200)
    const paused = e.intended.slice(5) // connection 0 first: due 0, 200, 400, 600, 800
    // due 300: answered 651 → 351; due 500: sent 651, answered 652 → 152; due 700: 1; due 900: 1
    assert.deepEqual(paused, [1, 351, 152, 1, 1])
    assert.deepEqual(e.actual.slice(5), [1, 351, 1, 1, 1])
  })

  test('never more connections than the rate (as the generator does)', () => {
    const e = expectedLatencies({rate: 3, connections: 10, targets: 1, paused: 5, durationMs: 1000, pauseStartMs: 0, pauseEndMs: 0, serviceMs: 1})
    assert.equal(e.intervalMs, 1000)
    assert.equal(e.intended.length, 3)
  })
})
