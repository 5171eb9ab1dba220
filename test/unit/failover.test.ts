// The failover metrics from synthetic timelines, per-second series and 100 ms attempt
// buckets, with exact expected values: time to detect (from attempts, from finer response buckets, and from
// the 1 s series when there is nothing finer) and the source each figure names, the balancer's own flip, failed and hidden counts, time to reintegrate,
// added p99 and time back to steady state, and the windows those are measured over.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {analyseFailover, faultWindows, type AppliedFault, type AttemptPoint, type FailoverInput, type FaultWindow} from '../../src/metrics/failover.js'
import type {SeriesPoint, TimelineEvent} from '../../src/model/report.js'
import {failoverOf} from '../../src/faults/registry.js'

const ev = (atMs: number, kind: string, target: string | undefined, detail = ''): TimelineEvent => ({atMs, kind, detail, ...(target ? {target} : {})})

/** One second of the series; `per` is the responses per backend, `completed` their sum unless given. */
function point(tMs: number, per: Record<string, number>, over: Partial<SeriesPoint> & {p99?: number} = {}): SeriesPoint {
  const {p99 = 1000, ...rest} = over
  const completed = Object.values(per).reduce((a, b) => a + b, 0)
  return {
    tMs,
    phase: 'steady',
    sent: completed,
    completed,
    failed: 0,
    errors: {connect: 0, reset: 0, timeout: 0, non2xx: 0, lost: 0},
    latencyUs: {p50: 500, p99},
    perBackend: per,
    ...rest,
  }
}

const even = {r1: 100, r2: 100, r3: 100, r4: 100}
const withoutR2 = {r1: 133, r3: 133, r4: 134}

/** 100 ms buckets over [from, to): `r2` gets attempts while `r2Until` (exclusive) is not reached. */
function buckets(from: number, to: number, r2Until: number, failed: (tMs: number) => Record<string, number> = () => ({})): AttemptPoint[] {
  const out: AttemptPoint[] = []
  for (let t = from; t < to; t += 100) {
    out.push({tMs: t, attempts: {r1: 10, r3: 10, r4: 10, ...(t < r2Until ? {r2: 10} : {})}, failed: failed(t)})
  }
  return out
}

const equalWeights = {r1: 1, r2: 1, r3: 1, r4: 1}

function input(over: Partial<FailoverInput> & {windows: FaultWindow[]}): FailoverInput {
  return {series: [], timeline: [], weights: equalWeights, endMs: 10_000, ...over}
}

const kill = (atMs: number, endMs?: number): FaultWindow => ({action: 'kill', target: 'r2', atMs, ...(endMs === undefined ? {} : {endMs})})

describe('faultWindows', () => {
  const applied: AppliedFault[] = [
    {action: 'kill', target: 'r2', atMs: 3000},
    {action: 'restart', target: 'r2', atMs: 7000},
    {action: 'exec', target: 'r1', atMs: 1000},
  ]

  test('only faults that make a backend bad get a window; a kill ends when its replica is ready again', () => {
    const timeline = [
      ev(-4000, 'replica-ready', 'r2', 'on port 1'), // before the fault: not its end
      ev(3000, 'fault', 'r2', 'kill'),
      ev(7000, 'fault', 'r2', 'restart'),
      ev(7300, 'replica-ready', 'r1', 'on port 2'), // another replica
      ev(7350, 'replica-ready', 'r2', 'on port 3'),
    ]
    assert.deepEqual(faultWindows(applied, timeline, failoverOf), [{action: 'kill', target: 'r2', atMs: 3000, endMs: 7350}])
  })

  test('a kill that is never followed by a ready replica has no end', () => {
    assert.deepEqual(faultWindows(applied.slice(0, 1), [ev(3000, 'fault', 'r2', 'kill')], failoverOf), [{action: 'kill', target: 'r2', atMs: 3000, endMs: undefined}])
  })

  test('terminate also ends at replica-ready', () => {
    const w = faultWindows([{action: 'terminate', target: 'r3', atMs: 1000}], [ev(1000, 'fault', 'r3', 'terminate'), ev(2500, 'replica-ready', 'r3')], failoverOf)
    assert.equal(w[0].endMs, 2500)
  })

  test('a window is ended by its `for`', () => {
    const w = faultWindows([{action: 'pause', target: 'r1', atMs: 2000, forMs: 3000}], [ev(2000, 'fault', 'r1', 'pause for 3s')], failoverOf)
    assert.deepEqual(w, [{action: 'pause', target: 'r1', atMs: 2000, forMs: 3000, endMs: 5000}])
  })

  test('a resume ends a pause before its `for`; one for another replica does not', () => {
    const timeline = [ev(2000, 'fault', 'r1', 'pause for 3s'), ev(2500, 'fault', 'r2', 'resume'), ev(3200, 'fault', 'r1', 'resume')]
    assert.equal(faultWindows([{action: 'pause', target: 'r1', atMs: 2000, forMs: 3000}], timeline, failoverOf)[0].endMs, 3200)
    // No `for`: the resume alone ends it.
    assert.equal(faultWindows([{action: 'pause', target: 'r1', atMs: 2000}], timeline, failoverOf)[0].endMs, 3200)
    // A `for` shorter than the way to the resume wins.
    assert.equal(faultWindows([{action: 'pause', target: 'r1', atMs: 2000, forMs: 1000}], timeline, failoverOf)[0].endMs, 3000)
  })

  test('a heal ends fail, hang and slow; a later fault of the same kind gets the heal after it', () => {
    const faults: AppliedFault[] = [
      {action: 'fail', target: 'r1', atMs: 1000},
      {action: 'hang', target: 'r2', atMs: 1000, forMs: 5000},
      {action: 'slow', target: 'r3', atMs: 1000},
      {action: 'fail', target: 'r1', atMs: 4000},
    ]
    const timeline = [
      ev(1000, 'fault', 'r1', 'fail 503 × 100%'),
      ev(1500, 'fault', 'r1', 'heal'),
      ev(2000, 'fault', 'r2', 'heal'),
      ev(2500, 'fault', 'r3', 'heal'),
      ev(4000, 'fault', 'r1', 'fail 503 × 100%'),
      ev(4700, 'fault', 'r1', 'heal'),
    ]
    assert.deepEqual(faultWindows(faults, timeline, failoverOf).map((w) => w.endMs), [1500, 2000, 2500, 4700])
  })

  test('a resume does not end a fail, a heal does not end a pause', () => {
    const timeline = [ev(1500, 'fault', 'r1', 'resume'), ev(1600, 'fault', 'r2', 'heal')]
    const w = faultWindows([{action: 'fail', target: 'r1', atMs: 1000}, {action: 'pause', target: 'r2', atMs: 1000}], timeline, failoverOf)
    assert.deepEqual(w.map((x) => x.endMs), [undefined, undefined])
  })
})

describe('analyseFailover: time to detect', () => {
  test('from the attempt buckets: the fault until the end of the last 100 ms with an attempt on the backend', () => {
    // Killed at 3050; the proxy still sent to r2 in the buckets 3000 and 3100, none from 3200 on.
    const [f] = analyseFailover(input({windows: [kill(3050, 7000)], attempts: buckets(0, 10_000, 3200)}))
    assert.equal(f.ttdMs, 150)
  })

  test('no attempt on the backend after the fault at all: 0', () => {
    const [f] = analyseFailover(input({windows: [kill(3000, 7000)], attempts: buckets(0, 10_000, 2900)}))
    assert.equal(f.ttdMs, 0)
  })

  test('never detected (attempts until the window ends): null', () => {
    const [f] = analyseFailover(input({windows: [kill(3000, 7000)], attempts: buckets(0, 10_000, 7000)}))
    assert.equal(f.ttdMs, null)
    // Attempts stopped, but less than 500 ms before the window ended: not proven, still null.
    const [g] = analyseFailover(input({windows: [kill(3000, 7000)], attempts: buckets(0, 10_000, 6600)}))
    assert.equal(g.ttdMs, null)
    const [h] = analyseFailover(input({windows: [kill(3000, 7000)], attempts: buckets(0, 10_000, 6500)}))
    assert.equal(h.ttdMs, 3500)
  })

  test('attempts after the window (the backend is good again) do not count', () => {
    const attempts = buckets(0, 10_000, 3300).map((b) => (b.tMs >= 7000 ? {...b, attempts: {...b.attempts, r2: 10}} : b))
    const [f] = analyseFailover(input({windows: [kill(3000, 7000)], attempts}))
    assert.equal(f.ttdMs, 300)
  })

  test('a window that outlasts the run ends with the run: attempts until the end are "never detected"', () => {
    // pause at 8 s for 5 s in a 10 s run; the proxy kept sending to r2 until the load stopped.
    const w: FaultWindow = {action: 'pause', target: 'r2', atMs: 8000, forMs: 5000, endMs: 13_000}
    const [f] = analyseFailover(input({windows: [w], attempts: buckets(0, 10_000, 10_000), endMs: 10_000}))
    assert.equal(f.ttdMs, null)
    assert.equal(f.ttrMs, null)
  })

  test('without attempt buckets: from the per-second series, 1 s resolution', () => {
    const series = [point(2000, even), point(3000, {r1: 120, r2: 40, r3: 120, r4: 120}), point(4000, withoutR2), point(5000, withoutR2), point(6000, withoutR2)]
    const [f] = analyseFailover(input({windows: [kill(3400, 7000)], series}))
    // r2 still answered in the second 3000–4000: detected by its end.
    assert.equal(f.ttdMs, 600)
    // One answer later, after two quiet seconds (a balancer's probe after fail_timeout), does not move it.
    const probed = [...series.slice(0, 4), point(5000, withoutR2), point(6000, {r1: 100, r2: 1, r3: 100, r4: 100})]
    assert.equal(analyseFailover(input({windows: [kill(3400, 7000)], series: probed}))[0].ttdMs, 600)
    // It answered in every second of the window: never detected.
    const steady = {r1: 100, r2: 30, r3: 100, r4: 100}
    const never = [point(2000, even), point(3000, steady), point(4000, steady), point(5000, steady), point(6000, steady)]
    assert.equal(analyseFailover(input({windows: [kill(3400, 7000)], series: never}))[0].ttdMs, null)
    // Never answered after the fault: 0.
    const none = [point(2000, even), point(3000, withoutR2), point(4000, withoutR2)]
    assert.equal(analyseFailover(input({windows: [kill(3000, 7000)], series: none}))[0].ttdMs, 0)
  })

  test("ttdBalancerMs: the balancer's own backend-down event for the target in the window, else null", () => {
    const timeline = [
      ev(1000, 'backend-down', 'r2', 'before the fault'),
      ev(3100, 'backend-down', 'r3', 'another backend'),
      ev(3450, 'backend-down', 'r2', 'passive: 1 failure (connect ECONNREFUSED)'),
      ev(3900, 'backend-down', 'r2', 'a second one'),
    ]
    const [f] = analyseFailover(input({windows: [kill(3000, 7000)], timeline, attempts: buckets(0, 10_000, 3500)}))
    assert.equal(f.ttdBalancerMs, 450)
    const [g] = analyseFailover(input({windows: [kill(3000, 7000)], timeline: timeline.slice(0, 2), attempts: buckets(0, 10_000, 3500)}))
    assert.equal(g.ttdBalancerMs, null)
    // A flip after the window ended is not the detection of this fault.
    const [h] = analyseFailover(input({windows: [kill(3000, 3400)], timeline, attempts: buckets(0, 10_000, 3500)}))
    assert.equal(h.ttdBalancerMs, null)
  })
})

describe('analyseFailover: failed and hidden', () => {
  test("client-visible failures in the seconds the window touches; hidden = the target's failed attempts there minus those", () => {
    const series = [
      point(1000, even, {failed: 7}), // before the window
      point(2000, even, {failed: 1}), // overlaps [2500, 4500)
      point(3000, withoutR2, {failed: 2}),
      point(4000, withoutR2, {failed: 0}),
      point(5000, withoutR2, {failed: 9}), // after
    ]
    // Failed attempts: 1 per bucket from 2500 to 3000 (5 buckets), 20 in the bucket 4400, 50 after the window.
    const failed = (t: number): Record<string, number> =>
      t >= 2500 && t < 3000 ? {r2: 1} : t === 4400 ? {r1: 4, r2: 16} : t >= 4500 ? {r2: 10} : {}
    const [f] = analyseFailover(input({windows: [kill(2500, 4500)], series, attempts: buckets(0, 6000, 2600, failed)}))
    assert.equal(f.failed, 3)
    assert.equal(f.hidden, 5 + 16 - 3) // r1's 4 failed attempts are not this fault's
  })

  test('hidden is never negative, and 0 without attempt buckets', () => {
    const series = [point(2000, even, {failed: 50}), point(3000, withoutR2)]
    assert.equal(analyseFailover(input({windows: [kill(2000, 4000)], series, attempts: buckets(0, 6000, 2000, () => ({r2: 1}))}))[0].hidden, 0)
    const [f] = analyseFailover(input({windows: [kill(2000, 4000)], series}))
    assert.deepEqual([f.failed, f.hidden], [50, 0])
  })
})

describe('analyseFailover: time to reintegrate', () => {
  const series = [
    point(6000, withoutR2),
    point(7000, {r1: 120, r2: 40, r3: 120, r4: 120}), // 10%: the window ended at 7000, not yet back
    point(8000, {r1: 102, r2: 89, r3: 102, r4: 107}), // 22.25% < 0.9 × 25% = 22.5%
    point(9000, {r1: 100, r2: 90, r3: 100, r4: 110}), // exactly 22.5%: back
  ]

  test('the end of the first whole second after t1 in which the backend gets ≥ 90% of its fair share', () => {
    assert.equal(analyseFailover(input({windows: [kill(3000, 7000)], series}))[0].ttrMs, 3000)
    // t1 inside a second: the first second that starts at or after it.
    assert.equal(analyseFailover(input({windows: [kill(3000, 6800)], series}))[0].ttrMs, 3200)
  })

  test('weighted: the fair share is the weight over the sum of weights', () => {
    // r2 has weight 2 of 5: fair share 40%, 90% of it 36%.
    const weights = {r1: 1, r2: 2, r3: 1, r4: 1}
    const w = [
      point(7000, {r1: 100, r2: 100, r3: 100, r4: 100}), // 25%
      point(8000, {r1: 80, r2: 139, r3: 80, r4: 101}), // 34.75%
      point(9000, {r1: 70, r2: 144, r3: 70, r4: 116}), // 36%
    ]
    assert.equal(analyseFailover(input({windows: [kill(3000, 7000)], series: w, weights}))[0].ttrMs, 3000)
    // With equal weights the 25% second is already enough.
    assert.equal(analyseFailover(input({windows: [kill(3000, 7000)], series: w}))[0].ttrMs, 1000)
  })

  test('never back within the run, or a window that never ended: null', () => {
    assert.equal(analyseFailover(input({windows: [kill(3000, 7000)], series: series.slice(0, 3)}))[0].ttrMs, null)
    assert.equal(analyseFailover(input({windows: [kill(3000)], series}))[0].ttrMs, null)
  })
})

describe('analyseFailover: added p99 and steady state', () => {
  // Baseline: the median p99 of the whole seconds before the first fault (1000, 1100, 1200 → 1100).
  const series = [
    point(0, even, {p99: 1000}),
    point(1000, even, {p99: 1200}),
    point(2000, even, {p99: 1100}),
    point(3000, withoutR2, {p99: 4000}),
    point(4000, withoutR2, {p99: 9000}),
    point(5000, withoutR2, {p99: 1210}), // within 10% of 1100
    point(6000, withoutR2, {p99: 1000}),
    point(7000, even, {p99: 1100}),
    point(8000, even, {p99: 900}),
    point(9000, even, {p99: 1150}),
  ]

  test('added p99: the worst p99 in [t0, t0 + max(ttd, 1 s)) over the baseline', () => {
    // ttd 100 ms: the window is [3000, 4000), the second 3000 only.
    const [f] = analyseFailover(input({windows: [kill(3000, 7000)], series, attempts: buckets(0, 10_000, 3100)}))
    assert.equal(f.ttdMs, 100)
    assert.equal(f.addedP99Us, 4000 - 1100)
    // ttd 1500 ms: [3000, 4500), the seconds 3000 and 4000.
    const [g] = analyseFailover(input({windows: [kill(3000, 7000)], series, attempts: buckets(0, 10_000, 4500)}))
    assert.equal(g.ttdMs, 1500)
    assert.equal(g.addedP99Us, 9000 - 1100)
    // A fault in a calm part: nothing added (never negative).
    const calm = series.map((p) => (p.tMs >= 3000 && p.tMs < 5000 ? {...p, latencyUs: {p50: 500, p99: 1000}} : p))
    assert.equal(analyseFailover(input({windows: [kill(3000, 7000)], series: calm, attempts: buckets(0, 10_000, 3100)}))[0].addedP99Us, 0)
  })

  test('added p99 also counts the seconds in which requests sent before detection could still complete (drainMs)', () => {
    // ttd 100 ms, but a request sent to the bad backend at 3050 may answer up to 1 s later, in the second 4000.
    const [f] = analyseFailover(input({windows: [kill(3000, 7000)], series, attempts: buckets(0, 10_000, 3100), drainMs: 1000}))
    assert.equal(f.addedP99Us, 9000 - 1100)
  })

  test('never detected: added p99 over the whole window', () => {
    const s = series.map((p) => (p.tMs === 6000 ? {...p, latencyUs: {p50: 500, p99: 20_000}} : p))
    const [f] = analyseFailover(input({windows: [kill(3000, 7000)], series: s, attempts: buckets(0, 10_000, 7000)}))
    assert.equal(f.ttdMs, null)
    assert.equal(f.addedP99Us, 20_000 - 1100)
  })

  test('steady: from the fault to the first of 5 seconds in a row with p99 within 10% of the baseline', () => {
    const [f] = analyseFailover(input({windows: [kill(3050, 7000)], series, attempts: buckets(0, 10_000, 3200)}))
    assert.equal(f.steadyMs, 5000 - 3050)
    // One second over 110% in the only run of five: not steady within the run.
    const s = series.map((p) => (p.tMs === 7000 ? {...p, latencyUs: {p50: 500, p99: 1300}} : p))
    assert.equal(analyseFailover(input({windows: [kill(3050, 7000)], series: s}))[0].steadyMs, null)
    // A longer run: the five seconds after it.
    const longer = [...s, point(10_000, even), point(11_000, even), point(12_000, even)]
    assert.equal(analyseFailover(input({windows: [kill(3050, 7000)], series: longer, endMs: 13_000}))[0].steadyMs, 8000 - 3050)
  })

  test('no whole second before the first fault: no baseline, so neither figure', () => {
    const [f] = analyseFailover(input({windows: [kill(500, 7000)], series, attempts: buckets(0, 10_000, 600)}))
    assert.equal(f.addedP99Us, null)
    assert.equal(f.steadyMs, null)
  })

  test('the report row carries the fault, target and time', () => {
    const [f] = analyseFailover(input({windows: [{action: 'pause', target: 'r2', atMs: 3050, forMs: 2000, endMs: 5050}], series, attempts: buckets(0, 10_000, 3200)}))
    assert.deepEqual([f.fault, f.target, f.atMs], ['pause', 'r2', 3050])
  })
})

describe('analyseFailover: the finest counts there are, and what each figure says it came from', () => {
  const series = [0, 1000, 2000, 3000, 4000, 5000].map((t) => point(t, t >= 3000 && t < 5000 ? withoutR2 : even))
  /** Responses in 100 ms buckets: r2 answers until `r2Until`. */
  const responses = (r2Until: number) => ({
    widthMs: 100,
    points: Array.from({length: 60}, (_, i) => ({tMs: i * 100, perBackend: {r1: 10, r3: 10, r4: 10, ...(i * 100 < r2Until ? {r2: 10} : {})}})),
  })

  test("the balancer's attempts come first, whatever else there is", () => {
    const [f] = analyseFailover(input({windows: [kill(3050, 5000)], series, attempts: buckets(0, 6000, 3200), responses: responses(3500)}))
    assert.equal(f.ttdMs, 150)
    assert.deepEqual(f.sources, {ttd: {from: 'attempts', bucketMs: 100}, ttr: {from: 'responses', bucketMs: 1000, until: 'fair-share'}})
  })

  test('without attempts, responses in 100 ms buckets: the last response from the backend', () => {
    // Killed at 3050; its last responses were in the bucket 3300–3400.
    const [f] = analyseFailover(input({windows: [kill(3050, 5000)], series, responses: responses(3400)}))
    assert.equal(f.ttdMs, 350)
    assert.deepEqual(f.sources, {ttd: {from: 'responses', bucketMs: 100}, ttr: {from: 'responses', bucketMs: 1000, until: 'fair-share'}})
  })

  test('with nothing finer than the seconds, the series: 1 s resolution', () => {
    const last = series.map((p) => (p.tMs === 3000 ? point(3000, {r1: 130, r2: 20, r3: 130, r4: 130}) : p))
    const [f] = analyseFailover(input({windows: [kill(3050, 5000)], series: last, responses: {widthMs: 1000, points: []}}))
    assert.equal(f.ttdMs, 950, 'r2 last answered in the second 3000–4000')
    assert.deepEqual(f.sources?.ttd, {from: 'responses', bucketMs: 1000})
  })
})

describe('analyseFailover: a balancer known only by the responses\' header (reintegrated: first-response)', () => {
  const series = [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000].map((t) => point(t, t >= 3000 && t < 6000 ? withoutR2 : {r1: 130, r2: 10, r3: 130, r4: 130}))
  /** Responses in 100 ms buckets over 8 s: r2 answers before `gone` and again from `back`, `n` a bucket. */
  const responses = (gone: number, back: number, n = 10) => ({
    widthMs: 100,
    points: Array.from({length: 80}, (_, i) => ({tMs: i * 100, perBackend: {r1: 10, r3: 10, r4: 10, ...(i * 100 < gone || i * 100 >= back ? {r2: n} : {})}})),
  })

  test('ttd: the last response from it; ttr: its first response back, both to within 100 ms, and the sources say so', () => {
    // Killed at 3050, its last response in 3100–3200; ready again at 5420, its first response back in 5600–5700.
    const [f] = analyseFailover(input({windows: [kill(3050, 5420)], series, responses: responses(3200, 5600), reintegrated: 'first-response', endMs: 8000}))
    assert.equal(f.ttdMs, 150)
    assert.equal(f.ttrMs, 5700 - 5420)
    assert.deepEqual(f.sources, {ttd: {from: 'responses', bucketMs: 100}, ttr: {from: 'responses', bucketMs: 100, until: 'first-response'}})
    // One response a bucket is enough: far below its fair share, where the fair-share rule would wait for more.
    assert.equal(analyseFailover(input({windows: [kill(3050, 5420)], series, responses: responses(3200, 5600, 1), reintegrated: 'first-response', endMs: 8000}))[0].ttrMs, 280)
    assert.equal(analyseFailover(input({windows: [kill(3050, 5420)], series, responses: responses(3200, 5600, 1), endMs: 8000}))[0].ttrMs, null, 'the fair-share rule on the same run: the series never gives r2 its share')
  })

  test('a response in the bucket t1 falls in counts (ttr under a bucket); none after t1 before the end: null', () => {
    assert.equal(analyseFailover(input({windows: [kill(3050, 5420)], series, responses: responses(3200, 5400), reintegrated: 'first-response', endMs: 8000}))[0].ttrMs, 80)
    assert.equal(analyseFailover(input({windows: [kill(3050, 5420)], series, responses: responses(3200, 9000), reintegrated: 'first-response', endMs: 8000}))[0].ttrMs, null)
  })

  test('with nothing finer than the seconds: the end of the first second with a response from it', () => {
    const [f] = analyseFailover(input({windows: [kill(3050, 5420)], series, reintegrated: 'first-response', endMs: 8000}))
    assert.equal(f.ttrMs, 7000 - 5420)
    assert.deepEqual(f.sources?.ttr, {from: 'responses', bucketMs: 1000, until: 'first-response'})
  })
})
