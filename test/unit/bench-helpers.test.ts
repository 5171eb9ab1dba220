// The bench's pure helpers (bench/rounds.ts, bench/pause-schedule.ts): the arithmetic its figures rest on.
// The benchmarks themselves never run in the test suite.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {median, pairwise, ratioOf, rotate, summarize} from '../../bench/rounds.js'
import {expectedLatencies} from '../../bench/pause-schedule.js'

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
