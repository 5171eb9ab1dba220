import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {seededRandom, type Random} from '../../src/model/random.js'
import {applyChange, drawLatency, liveBehaviour, planRequest, responseBody} from '../../src/replicas/app/behaviour.js'
import type {AppBehaviour} from '../../src/model/scenario.js'

// seededRandom(42) gives 0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693 …
const r42 = () => seededRandom(42)
const fixed = (...xs: number[]): Random => {
  let i = 0
  return () => xs[i++ % xs.length]
}

const base: AppBehaviour = {latency: {dist: 'fixed', mean: 1}, cpu: 0, body: 12, errorRate: 0, errorStatus: 500, hang: false}

describe('drawLatency', () => {
  test('fixed is the mean and consumes no randomness', () => {
    let calls = 0
    assert.equal(drawLatency({dist: 'fixed', mean: 7}, () => (calls++, 0.5)), 7)
    assert.equal(calls, 0)
  })

  test('normal: Box-Muller of two draws, exact for a seed', () => {
    const u = 0.6011037519201636
    const v = 0.44829055899754167
    const expected = 10 + 2 * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v)
    assert.equal(drawLatency({dist: 'normal', mean: 10, stddev: 2}, r42()), expected)
    assert.equal(expected, 7.4303236847419605)
  })

  test('normal without stddev is the mean', () => {
    assert.equal(drawLatency({dist: 'normal', mean: 10}, r42()), 10)
  })

  test('exponential: -mean·ln(1-u)', () => {
    assert.equal(drawLatency({dist: 'exponential', mean: 5}, fixed(0.5)), 5 * Math.LN2)
    assert.equal(drawLatency({dist: 'exponential', mean: 5}, fixed(0)), 0)
  })

  test('uniform over [min, max], a missing bound mirrored around the mean', () => {
    assert.equal(drawLatency({dist: 'uniform', mean: 10, min: 4, max: 8}, fixed(0.25)), 5)
    assert.equal(drawLatency({dist: 'uniform', mean: 10, min: 5}, fixed(0.5)), 10) // [5, 15]
    assert.equal(drawLatency({dist: 'uniform', mean: 10, max: 12}, fixed(0)), 8) // [8, 12]
    assert.equal(drawLatency({dist: 'uniform', mean: 10}, fixed(1 - 2 ** -32)), 20 * (1 - 2 ** -32)) // [0, 20]
  })

  test('clamped to min and max, never negative', () => {
    assert.equal(drawLatency({dist: 'normal', mean: 10, stddev: 100, min: 9, max: 11}, fixed(0.999, 0)), 11)
    assert.equal(drawLatency({dist: 'normal', mean: 10, stddev: 100, min: 9, max: 11}, fixed(0.999, 0.5)), 9)
    assert.equal(drawLatency({dist: 'normal', mean: 1, stddev: 100}, fixed(0.999, 0.5)), 0)
    assert.equal(drawLatency({dist: 'exponential', mean: 5, max: 3}, fixed(0.9)), 3)
  })

  test('the same seed gives the same sequence', () => {
    const spec = {dist: 'exponential', mean: 3} as const
    const a = r42()
    const b = r42()
    const xs = Array.from({length: 5}, () => drawLatency(spec, a))
    assert.deepEqual(Array.from({length: 5}, () => drawLatency(spec, b)), xs)
    assert.equal(xs[0], -3 * Math.log(1 - 0.6011037519201636))
  })
})

describe('planRequest', () => {
  test('no errors without an error rate, and no error draw', () => {
    let calls = 0
    const plan = planRequest(liveBehaviour(base), () => (calls++, 0))
    assert.deepEqual(plan, {latencyMs: 1, cpuMs: 0, status: 200, fails: false})
    assert.equal(calls, 0)
  })

  test('errorRate compares one draw; errorStatus is answered', () => {
    const live = liveBehaviour({...base, errorRate: 0.5, errorStatus: 503, cpu: 2})
    assert.deepEqual(planRequest(live, fixed(0.49)), {latencyMs: 1, cpuMs: 2, status: 503, fails: true})
    assert.deepEqual(planRequest(live, fixed(0.5)), {latencyMs: 1, cpuMs: 2, status: 200, fails: false})
    assert.equal(planRequest(liveBehaviour({...base, errorRate: 1}), fixed(0.99)).fails, true)
  })

  test('error rate over many seeded requests', () => {
    const live = liveBehaviour({...base, errorRate: 0.25})
    const random = r42()
    const fails = Array.from({length: 10_000}, () => planRequest(live, random)).filter((p) => p.fails).length
    assert.equal(fails, 2516) // seed 42: about a quarter, and always this many
  })

  test('added latency from a slow fault is added to the draw', () => {
    const live = applyChange(liveBehaviour(base), {addLatency: 200})
    assert.equal(planRequest(live, fixed(0)).latencyMs, 201)
  })
})

describe('applyChange', () => {
  test('fields replace, addLatency adds, reset restores the configured behaviour', () => {
    let live = liveBehaviour(base)
    live = applyChange(live, {addLatency: 50})
    live = applyChange(live, {errorRate: 0.5, errorStatus: 503})
    live = applyChange(live, {hang: true})
    assert.deepEqual(live.current, {...base, errorRate: 0.5, errorStatus: 503, hang: true})
    assert.equal(live.addLatency, 50)
    assert.deepEqual(live.configured, base)
    const healed = applyChange(live, {reset: true})
    assert.deepEqual(healed, {configured: base, current: base, addLatency: 0})
  })

  test('reset then the other fields of the same change', () => {
    const live = applyChange(applyChange(liveBehaviour(base), {addLatency: 9, cpu: 3}), {reset: true, errorRate: 1})
    assert.deepEqual(live.current, {...base, errorRate: 1})
    assert.equal(live.addLatency, 0)
  })

  test('latency can be replaced while running', () => {
    const live = applyChange(liveBehaviour(base), {latency: {dist: 'fixed', mean: 30}})
    assert.equal(planRequest(live, fixed(0)).latencyMs, 30)
  })
})

describe('responseBody', () => {
  test('12 bytes is Hello World!', () => assert.equal(responseBody(12).toString(), 'Hello World!'))
  test('other sizes repeat it, cut to the size', () => {
    assert.equal(responseBody(0).length, 0)
    assert.equal(responseBody(5).toString(), 'Hello')
    assert.equal(responseBody(30).toString(), 'Hello World!Hello World!Hello ')
    assert.equal(responseBody(100_000).length, 100_000)
  })
})
