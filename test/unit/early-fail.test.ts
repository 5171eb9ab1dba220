// abortOnFail's decision: which thresholds can be decided before the end, and from which running totals.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {EarlyFail, type EarlyFailContext} from '../../src/metrics/early-fail.js'
import {earlyFailReason} from '../../src/report/format.js'
import {failoverOf} from '../../src/faults/registry.js'
import {encodeHistogram, newLatencyHistogram} from '../../src/metrics/histogram.js'
import {parseThreshold} from '../../src/scenario/threshold.js'
import type {Sample} from '../../src/model/generator-messages.js'
import type {PhaseSpec, ThresholdSpec} from '../../src/model/scenario.js'

function spec(expr: string): ThresholdSpec {
  const r = parseThreshold(expr)
  if ('error' in r) throw new Error(r.error)
  return r.spec
}

const phases = (rate?: number): PhaseSpec[] => [
  {name: 'warmup', duration: 1000, measure: false, connections: 10, ...(rate ? {rate} : {})},
  {name: 'steady', duration: 10_000, measure: true, connections: 10, ...(rate ? {rate} : {})},
]

function early(exprs: string[], rate?: number, ps = phases(rate)): EarlyFail {
  return new EarlyFail({thresholds: exprs.map(spec), load: {connections: 10, timeout: 2000, phases: ps, requests: [], generators: 1, ...(rate ? {rate} : {})}}, failoverOf)
}

/** EarlyFail with its decision worded as the run reports it. */
function watch(exprs: string[], rate?: number, ps = phases(rate)): {add(s: Sample, ctx?: EarlyFailContext): string | undefined} {
  const w = early(exprs, rate, ps)
  return {
    add(s, ctx) {
      const broken = w.add(s, ctx)
      return broken && earlyFailReason(broken)
    },
  }
}

function sample(second: number, o: {sent?: number; ok?: number; s500?: number; reset?: number; phase?: string; measure?: boolean; maxUs?: number} = {}): Sample {
  const h = newLatencyHistogram()
  h.recordValue(800)
  if (o.maxUs) h.recordValue(o.maxUs)
  const ok = o.ok ?? 100
  const s500 = o.s500 ?? 0
  return {
    second,
    phase: o.phase ?? 'steady',
    measure: o.measure ?? true,
    sent: o.sent ?? ok + s500 + (o.reset ?? 0),
    completed: ok + s500,
    bytes: 0,
    status: {'200': ok, ...(s500 ? {'500': s500} : {})},
    errors: {connect: 0, reset: o.reset ?? 0, timeout: 0},
    perBackend: {r1: {completed: ok + s500, non2xx: s500, histogram: ''}},
    histogram: encodeHistogram(h),
  }
}

describe('abortOnFail decisions', () => {
  test('a count that only grows: decided once it breaks the threshold, with the reason', () => {
    const w = watch(['errors.count < 10'])
    assert.equal(w.add(sample(0, {s500: 4})), undefined)
    assert.equal(w.add(sample(1, {s500: 5})), undefined)
    assert.equal(w.add(sample(2, {s500: 2, reset: 1})), 'abortOnFail: errors.count < 10 can no longer hold (12 at t=3.0s)')
  })

  test('the decision is data: the threshold, the figure that breaks it, and when', () => {
    const w = early(['errors.count < 10'])
    const broken = w.add(sample(0, {s500: 12}))
    assert.deepEqual(broken, {threshold: spec('errors.count < 10'), actual: 12, atMs: 1000})
  })

  test('<=, == and backend counts; > and >= are never decided early', () => {
    assert.equal(watch(['requests.failed <= 3']).add(sample(0, {s500: 3})), undefined)
    assert.match(watch(['requests.failed <= 3']).add(sample(0, {s500: 4}))!, /requests\.failed <= 3 can no longer hold \(4 at t=1\.0s\)/)
    assert.match(watch(['errors.non2xx == 0']).add(sample(0, {s500: 1}))!, /errors\.non2xx == 0/)
    assert.match(watch(['backend.r1.errors < 1']).add(sample(0, {s500: 1}))!, /backend\.r1\.errors < 1/)
    const w = watch(['errors.count > 1000', 'requests.completed >= 1e9', 'errors.count != 5'])
    for (let s = 0; s < 10; s++) assert.equal(w.add(sample(s, {s500: 200})), undefined)
  })

  test('unmeasured phases do not count; a per-phase threshold counts only its phase', () => {
    assert.equal(watch(['errors.count < 5']).add(sample(-1, {s500: 50, phase: 'warmup', measure: false})), undefined)
    const ps: PhaseSpec[] = [...phases(), {name: 'surge', duration: 5000, measure: true, connections: 20}]
    const w = watch(['errors.count[surge] < 5'], undefined, ps)
    assert.equal(w.add(sample(0, {s500: 50})), undefined)
    assert.match(w.add(sample(10, {s500: 5, phase: 'surge'}))!, /errors\.count\[surge\] < 5 can no longer hold \(5 at t=11\.0s\)/)
  })

  test('errors.rate: closed loop only for a rate that must stay 0; with a rate, from the most it can still send', () => {
    const closed = watch(['errors.rate < 1%'])
    for (let s = 0; s < 9; s++) assert.equal(closed.add(sample(s, {ok: 10, s500: 90})), undefined)
    assert.match(watch(['errors.rate == 0']).add(sample(0, {s500: 1}))!, /errors\.rate == 0 can no longer hold/)
    // 100/s for 10 s: at most max(sent + planned left, 1000) × 1.1 = 1100 requests in all.
    const paced = () => watch(['errors.rate < 10%'], 100)
    const a = paced()
    assert.equal(a.add(sample(0, {ok: 50, s500: 50})), undefined) // 100 / 1100 = 9.1%
    const b = paced()
    b.add(sample(0, {ok: 40, s500: 60}))
    assert.equal(b.add(sample(1, {ok: 40, s500: 60})), 'abortOnFail: errors.rate < 10% can no longer hold (10.91% at t=2.0s)')
  })

  test('latency: only max is decided early', () => {
    assert.equal(watch(['latency.p99 < 1ms', 'latency.p50 < 1us', 'latency.mean < 1us']).add(sample(0, {maxUs: 900_000})), undefined)
    const w = watch(['latency.max < 50ms'])
    assert.equal(w.add(sample(0, {maxUs: 20_000})), undefined)
    assert.match(w.add(sample(1, {maxUs: 75_000}))!, /latency\.max < 50ms can no longer hold \(75\.\d+ ms at t=2\.0s\)/)
  })

  test('failover.failed == 0: only failures in a fault window count', () => {
    const w = watch(['failover.failed == 0'])
    const applied = [{action: 'kill', target: 'r2', atMs: 2500}]
    assert.equal(w.add(sample(0, {s500: 3})), undefined)
    assert.equal(w.add(sample(1, {ok: 100}), {applied: [], timeline: []}), undefined)
    assert.equal(w.add(sample(2, {ok: 100}), {applied, timeline: []}), undefined)
    assert.equal(w.add(sample(3, {reset: 2}), {applied, timeline: []}), 'abortOnFail: failover.failed == 0 can no longer hold (2 at t=4.0s)')
    // A window that ended (the replica was ready again) before the failures: they are not failover's.
    const ended = watch(['failover.failed == 0'])
    const timeline = [{atMs: 2900, kind: 'replica-ready', target: 'r2', detail: 'on port 1'}]
    assert.equal(ended.add(sample(2, {ok: 100}), {applied, timeline}), undefined)
    assert.equal(ended.add(sample(3, {reset: 2}), {applied, timeline}), undefined)
  })

  test('a window threshold: decided by the first window that breaks it, once all its seconds are in', () => {
    const w = watch(['errors.rate[window=2s] < 10%'])
    assert.equal(w.add(sample(0, {ok: 100})), undefined, 'no whole window yet')
    assert.equal(w.add(sample(1, {ok: 50, s500: 50})), 'abortOnFail: errors.rate[window=2s] < 10% can no longer hold (25.00% at t=2.0s)')
    // The same failures spread so that no 3 s window reaches 10%: never decided, whatever the total does.
    const spread = watch(['errors.rate[window=3s] < 10%'])
    for (let s = 0; s < 9; s++) assert.equal(spread.add(sample(s, {ok: 92, s500: 8})), undefined)
  })

  test('a window threshold waits for every phase that shares the latest second', () => {
    // steady ends at 2.5 s: second 2 is half steady, half surge. Steady's half alone fails half its
    // requests (50%), the whole second only 10 of 120 (8.3%): no abort.
    const ps: PhaseSpec[] = [
      {name: 'warmup', duration: 1000, measure: false, connections: 10},
      {name: 'steady', duration: 2500, measure: true, connections: 10},
      {name: 'surge', duration: 5000, measure: true, connections: 10},
    ]
    const w = watch(['errors.rate[window=1s] < 10%'], undefined, ps)
    assert.equal(w.add(sample(0)), undefined)
    assert.equal(w.add(sample(1)), undefined)
    assert.equal(w.add(sample(2, {ok: 10, s500: 10})), undefined, 'second 2 is not complete')
    assert.equal(w.add(sample(2, {ok: 100, phase: 'surge'})), undefined)
    assert.match(w.add(sample(3, {ok: 50, s500: 50, phase: 'surge'}))!, /errors\.rate\[window=1s\] < 10% can no longer hold \(50\.00% at t=4\.0s\)/)
    // The steady phase's own windows end with its last (half) second.
    const steady = watch(['errors.rate[steady, window=1s] < 10%'], undefined, ps)
    steady.add(sample(0))
    steady.add(sample(1))
    assert.match(steady.add(sample(2, {ok: 10, s500: 10}))!, /\(50\.00% at t=3\.0s\)/)
  })

  test('window latency and throughput: a past window cannot recover', () => {
    const p99 = watch(['latency.p99[window=1s] < 50ms'])
    assert.equal(p99.add(sample(0)), undefined)
    assert.match(p99.add(sample(1, {ok: 1, maxUs: 90_000}))!, /latency\.p99\[window=1s\] < 50ms can no longer hold \(90\.\d+ ms at t=2\.0s\)/)
    const rps = watch(['throughput.rps[window=2s] > 80'])
    assert.equal(rps.add(sample(0, {ok: 100})), undefined)
    assert.equal(rps.add(sample(1, {ok: 80})), undefined, '90/s over seconds 0-1')
    assert.match(rps.add(sample(2, {ok: 70}))!, /throughput\.rps\[window=2s\] > 80 can no longer hold \(75 at t=3\.0s\)/)
  })
})
