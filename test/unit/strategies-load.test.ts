// p2c (Finagle P2CPick on in-flight per weight) and peak-ewma (tower / linkerd2-proxy).
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {seededRandom, type Random} from '../../src/model/random.js'
import {PeakEwmaCosts} from '../../src/proxy/strategies/peak-ewma.js'
import type {BackendView} from '../../src/proxy/strategies/strategy.js'
import {all, backendsWithWeights, except, make, pickMany, shares} from './strategy-fixtures.js'

/** A seeded generator that remembers what it handed out, to see which two backends a pick compared. */
function recording(seed: number): {random: Random; drawn: number[]} {
  const inner = seededRandom(seed)
  const drawn: number[] = []
  return {random: () => (drawn.push(inner()), drawn[drawn.length - 1]), drawn}
}

/** The pair Finagle's P2CPick draws from two values over n candidates: a := ⌊r1·n⌋, b := ⌊r2·(n−1)⌋, b ≥ a → b+1. */
function pairOf(r1: number, r2: number, n: number): [number, number] {
  const a = Math.floor(r1 * n)
  let b = Math.floor(r2 * (n - 1))
  if (b >= a) b += 1
  return [a, b]
}

describe('p2c', () => {
  test('its two are distinct, and it never picks the busier (per weight) of them; a tie goes to the first drawn', () => {
    const weights = [1, 2, 1, 3, 1]
    const backends = backendsWithWeights(weights)
    const {random, drawn} = recording(3)
    const s = make('p2c', backends, {random})
    const load = seededRandom(99)
    let ties = 0
    for (let i = 0; i < 5000; i++) {
      for (const b of backends) b.inflight = Math.floor(load() * 4)
      drawn.length = 0
      const chosen = s.pick({usable: all})!
      assert.equal(drawn.length, 2)
      const [a, b] = pairOf(drawn[0], drawn[1], backends.length)
      assert.notEqual(a, b)
      const [first, second] = [backends[a], backends[b]]
      assert.ok(chosen === first || chosen === second)
      const other = chosen === first ? second : first
      assert.ok(chosen.inflight * other.weight <= other.inflight * chosen.weight, `${chosen.id} is the busier`)
      if (first.inflight * second.weight === second.inflight * first.weight) {
        ties++
        assert.equal(chosen, first)
      }
    }
    assert.ok(ties > 100, `only ${ties} ties exercised`)
  })

  test('draws among the usable only; with one usable, that one without drawing', () => {
    const backends = backendsWithWeights([1, 1, 1, 1])
    const {random, drawn} = recording(5)
    const s = make('p2c', backends, {random})
    const picks = pickMany(s, 2000, except('r2', 'r4'))
    assert.ok(picks.every((b) => b?.id === 'r1' || b?.id === 'r3'))
    drawn.length = 0
    assert.equal(s.pick({usable: except('r1', 'r2', 'r4')})?.id, 'r3')
    assert.equal(drawn.length, 0)
  })

  test('with equal load the shares are even', () => {
    const s = make('p2c', backendsWithWeights([1, 1, 1, 1]), {random: seededRandom(11)})
    for (const x of shares(pickMany(s, 40_000), 4)) assert.ok(Math.abs(x - 0.25) < 0.01, String(x))
  })
})

describe('peak-ewma', () => {
  test('the estimate jumps to a higher RTT at once and decays toward a lower one with exp(-Δt/10 s)', () => {
    const c = new PeakEwmaCosts(1, 0)
    assert.equal(c.load(0, 0, 0), 30) // the starting value before any observation
    assert.equal(c.observe(0, 50, 0), 50) // peak
    // 10 s later, RTT 10: 50·e^-1 + 10·(1 − e^-1)
    assert.ok(Math.abs(c.observe(0, 10, 10_000) - (50 / Math.E + 10 * (1 - 1 / Math.E))) < 1e-9)
    const now = c.observe(0, 0, 10_000) // same instant: no decay
    // load = estimate × (pending + 1), and idling 10 s decays it by e^-1.
    assert.ok(Math.abs(c.load(0, 2, 20_000) - (now / Math.E) * 3) < 1e-9)
  })

  test('moves traffic away from a backend whose latency jumps', () => {
    // Simulated time: one request every 0.5 ms; each completes after its backend's latency and is observed.
    const backends = backendsWithWeights([1, 1, 1, 1])
    let t = 0
    const s = make('peak-ewma', backends, {random: seededRandom(21), now: () => t})
    const latency = [1, 1, 1, 1]
    let pending: {at: number; b: BackendView; sent: number}[] = []
    const run = (picks: number): number[] => {
      const counts = [0, 0, 0, 0]
      for (let i = 0; i < picks; i++) {
        t += 0.5
        for (const p of pending.filter((p) => p.at <= t)) {
          p.b.inflight--
          s.observe!(p.b, p.at - p.sent, true, p.at)
        }
        pending = pending.filter((p) => p.at > t)
        const b = s.pick({usable: all})!
        b.inflight++
        counts[b.index]++
        pending.push({at: t + latency[b.index], b, sent: t})
      }
      return counts
    }
    // All at 1 ms for 30 s of simulated time: the estimates settle near 1 ms and the shares are even.
    const before = run(60_000)
    for (const c of before) assert.ok(Math.abs(c / 60_000 - 0.25) < 0.03, String(before))
    latency[2] = 50
    const after = run(1000)
    assert.ok(after[2] / 1000 < 0.1, `slow backend still got ${after[2]} of 1000`)
  })

  test('a never-observed backend costs the starting 30 ms: it beats one seen at 50 ms until pending doubles it', () => {
    const backends = backendsWithWeights([1, 1])
    const s = make('peak-ewma', backends, {random: seededRandom(1)}) // the clock stays at 0: no decay
    s.observe!(backends[0], 50, true, 0)
    assert.deepEqual(new Set(pickMany(s, 20).map((b) => b?.id)), new Set(['r2']))
    // With one request in flight r2 costs 30 × 2 = 60 > 50.
    backends[1].inflight = 1
    assert.deepEqual(new Set(pickMany(s, 20).map((b) => b?.id)), new Set(['r1']))
  })

  test('with one usable backend, that one without drawing', () => {
    const {random, drawn} = recording(8)
    const s = make('peak-ewma', backendsWithWeights([1, 1, 1]), {random})
    assert.equal(s.pick({usable: except('r1', 'r3')})?.id, 'r2')
    assert.equal(drawn.length, 0)
  })
})
