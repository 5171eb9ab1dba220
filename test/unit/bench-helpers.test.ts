// The bench's pure helpers (bench/rounds.ts, bench/figures.ts, bench/pause-schedule.ts, bench/sched-handovers.ts): the arithmetic
// its figures and their PASS/MISS rest on.
// The benchmarks themselves never run in the test suite.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {median, pairwise, ratioOf, rotate, summarize} from '../../bench/rounds.js'
import {expectedLatencies} from '../../bench/pause-schedule.js'
import {judged, medianInterval, quantile, roundsInterval, type BenchReport} from '../../bench/figures.js'
import {renderBenchMarkdown} from '../../bench/write-report.js'
import {leanTargets} from '../../bench/proxy-targets.js'
import type {RoundsResult} from '../../bench/rounds.js'
import {handovers} from '../../bench/sched-handovers.js'

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

  test('a figure the same in every round has no spread: its interval is that value', () => {
    assert.deepEqual(medianInterval([1.2, 1.2, 1.2, 1.2, 1.2]), [1.2, 1.2])
    // A ratio of two series that keep the same proportion round by round, however much each moves.
    const a = [110, 55, 220, 77, 99, 132]
    const b = a.map((x) => x / 1.1)
    assert.deepEqual(roundsInterval(a.length, (d) => median(d.map((i) => a[i])) / median(d.map((i) => b[i])))?.map((v) => Number(v.toFixed(9))), [1.1, 1.1])
  })

  test('the interval lies within the rounds, holds their median, and is the same for the same rounds', () => {
    const rounds = [1.4, 1.33, 2.37, 0.775, 0.856, 1.02, 1.18, 0.94, 1.61, 1.05, 0.99, 1.27, 1.12, 0.88, 1.3]
    const [lo, hi] = medianInterval(rounds)!
    assert.ok(lo >= 0.775 && hi <= 2.37 && lo < hi, `${lo}–${hi}`)
    assert.ok(lo <= median(rounds) && median(rounds) <= hi, `${lo}–${hi} holds the median ${median(rounds)}`)
    assert.deepEqual(medianInterval([...rounds]), [lo, hi], 'seeded: the same rounds, the same interval')
    // Four times as many rounds, spread the same way: the median is known better.
    const [lo4, hi4] = medianInterval([...rounds, ...rounds, ...rounds, ...rounds])!
    assert.ok(hi4 - lo4 < hi - lo, `${lo4}–${hi4} narrower than ${lo}–${hi}`)
  })

  test('close when the limit lies within the interval, whichever way the figure fell', () => {
    const spread = [1.0, 1.1, 1.2, 1.3, 1.4, 1.25, 1.15, 1.05, 1.35, 1.2]
    const [lo, hi] = medianInterval(spread)!
    assert.ok(lo > 1.0 && hi < 1.4, `${lo}–${hi}`)
    assert.deepEqual(judged(1.2, '<=', 1.5, spread), {pass: true, interval: [lo, hi].map((v) => Number(v.toFixed(2)))})
    assert.deepEqual(judged(1.2, '<=', 1.22, spread), {pass: true, interval: [lo, hi].map((v) => Number(v.toFixed(2))), close: true})
    assert.deepEqual(judged(1.2, '>=', 1.22, spread), {pass: false, interval: [lo, hi].map((v) => Number(v.toFixed(2))), close: true})
    // The interval the caller gives (of a figure made otherwise) is the one judged; null: none, not the rounds' median's.
    assert.deepEqual(judged(1.2, '<=', 1.5, spread, [1.1, 1.6]), {pass: true, interval: [1.1, 1.6], close: true})
    assert.deepEqual(judged(1.2, '<=', 1.22, spread, null), {pass: true})
  })

  test('too few rounds, or no value, say nothing about closeness', () => {
    assert.deepEqual(judged(1, '>=', 1, [0.9, 1, 1.1]), {pass: true})
    assert.deepEqual(judged(1, '>=', 1, [0.9, Number.NaN, 1, 1.1]), {pass: true})
    assert.deepEqual(judged(null, '>=', 1, [0.9, 0.95, 1, 1.1]), {pass: null})
    assert.equal(roundsInterval(3, () => 1), null)
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
      measurements: [{name: 'm', title: 'M', figures: [{name: 'f', value: 0.98, unit: '×', target: '≥ 1.0×', ...judged(0.98, '>=', 1, [], close ? [0.95, 1.01] : [0.9, 0.99])}], notes: [], seconds: 1}],
    })
    const marked = renderBenchMarkdown(report(true))
    assert.match(marked, /\| f \| 0\.980 × \[0\.950–1\.01\] \| +\| ≥ 1\.0× \| MISS, close \|/)
    assert.equal(marked.match(/A result marked close/g)?.length, 1)
    assert.equal(marked.match(/A range in brackets/g)?.length, 1)
    const plain = renderBenchMarkdown(report(false))
    assert.match(plain, /\| 0\.980 × \[0\.900–0\.990\] \| +\| ≥ 1\.0× \| MISS \|/)
    assert.doesNotMatch(plain, /close/)
  })
})

describe("issue 17's targets from the balancer rounds", () => {
  /** Rounds of the balancer measurement with these fixed-rate p50s (µs) per subject. */
  const rounds = (fixedP50: Record<string, number[]>): RoundsResult => ({
    rounds: fixedP50.none.length,
    subjects: Object.fromEntries(Object.entries(fixedP50).map(([k, v]) => [k, {values: {fixedP50: v, rps: v.map(() => 1), p99: v.map(() => 1), fixedP99: v.map(() => 1)}, median: {}, ratio: {}}])),
    failures: {},
  })
  const addedFigure = (r: RoundsResult) => leanTargets(r, 1000).find((f) => f.name.includes('added p50'))!

  test('the added p50 is the ratio of the two medians over the rounds that measured both, its interval drawn by rounds', () => {
    // lean adds 100, 120, 90, 110, 95 µs; nginx 50, 80, 60, 70, 40 µs; a sixth round lost nginx (NaN).
    const r = rounds({none: [300, 310, 290, 305, 300, 300], 'builtin-lean': [400, 430, 380, 415, 395, 500], nginx: [350, 390, 350, 375, 340, Number.NaN]})
    const f = addedFigure(r)
    assert.equal(f.value, Number((100 / 60).toFixed(2)), 'median 100 over median 60, the NaN round left out of both')
    assert.deepEqual(f.rounds, [2, 1.5, 1.5, 1.57, 2.38, Number.NaN])
    const [lo, hi] = f.interval!
    assert.ok(lo < f.value && f.value < hi && lo >= 90 / 80 && hi <= 120 / 40, `${lo}–${hi}`)
    assert.equal(f.close, lo <= 1.5 && 1.5 <= hi)
  })

  test('lean adding a fixed share more than nginx in every round gives that share with no spread', () => {
    const nginx = [40, 90, 65, 30, 120, 75]
    const r = rounds({none: nginx.map(() => 200), 'builtin-lean': nginx.map((x) => 200 + 1.25 * x), nginx: nginx.map((x) => 200 + x)})
    const f = addedFigure(r)
    assert.equal(f.value, 1.25)
    assert.deepEqual(f.interval, [1.25, 1.25])
    assert.equal(f.pass, true)
    assert.equal(f.close, undefined)
  })

  test("with fewer than 4 rounds measured by both there is no interval", () => {
    const r = rounds({none: [300, 300, 300, 300], 'builtin-lean': [400, 420, 380, 410], nginx: [350, 370, 360, Number.NaN]})
    const f = addedFigure(r)
    assert.equal(f.interval, undefined)
    assert.equal(f.close, undefined)
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

describe('bench/sched-handovers.ts', () => {
  const text = [
    '            node   100 [000]    10.000000: sched:sched_waking: comm=node pid=200 prio=120 target_cpu=000',
    '            node   100 [000]    10.000020: sched:sched_switch: prev_comm=node prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=node next_pid=200 next_prio=120',
    '            node   300 [001]    10.001000: sched:sched_waking: comm=node pid=200 prio=120 target_cpu=000',
    '         swapper     0 [000]    10.001050: sched:sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=node next_pid=200 next_prio=120',
    '            node   400 [000]    10.002000: sched:sched_waking: comm=node pid=200 prio=120 target_cpu=000',
    '            node   400 [000]    10.002010: sched:sched_switch: prev_comm=node prev_pid=400 prev_prio=120 prev_state=S ==> next_comm=node next_pid=200 next_prio=120',
    '            node   100 [001]    10.002500: sched:sched_waking: comm=node pid=999 prio=120 target_cpu=001',
    '            node   100 [001]    10.003000: sched:sched_switch: prev_comm=node prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=node next_pid=999 next_prio=120',
    'a line that is not a tracepoint',
  ].join('\n')

  test('pairs each wake-up of the balancer by the client or a replica with its next switch-in, on whose CPU, in µs', () => {
    const got = handovers(text, new Set([200]), 100, new Set([300])).map((h) => ({...h, waitUs: Math.round(h.waitUs)}))
    // pid 400, which woke the balancer too, is neither the client nor a replica; pid 999 is not the balancer.
    assert.deepEqual(got, [
      {by: 'client', sameCpu: true, waitUs: 20},
      {by: 'replica', sameCpu: false, waitUs: 50},
    ])
  })
})
