// round-robin, weighted-round-robin (nginx smooth WRR), least-connections (nginx least_conn), random.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {seededRandom} from '../../src/model/random.js'
import {all, backendsWithWeights, except, letters, make, pickMany, shares} from './strategy-fixtures.js'

describe('round-robin', () => {
  test('cycles in scenario order and ignores weights', () => {
    const s = make('round-robin', backendsWithWeights([5, 1, 1]))
    assert.equal(letters(pickMany(s, 9)), 'abcabcabc')
  })

  test('skips an unusable backend and goes on after the one chosen', () => {
    const s = make('round-robin', backendsWithWeights([1, 1, 1, 1]))
    assert.equal(letters(pickMany(s, 1)), 'a')
    assert.equal(letters(pickMany(s, 5, except('r2'))), 'cdacd')
    assert.equal(letters(pickMany(s, 4)), 'abcd')
    assert.equal(letters(pickMany(s, 3, except('r1', 'r3'))), 'bdb')
  })
})

describe('weighted-round-robin (nginx smooth WRR)', () => {
  test('weights 5,1,1 give a a b a c a a, cycle after cycle', () => {
    const s = make('weighted-round-robin', backendsWithWeights([5, 1, 1]))
    assert.equal(letters(pickMany(s, 21)), 'aabacaa'.repeat(3))
  })

  test('equal weights give plain round-robin; a tie goes to the first in order', () => {
    const s = make('weighted-round-robin', backendsWithWeights([1, 1, 1]))
    assert.equal(letters(pickMany(s, 6)), 'abcabc')
  })

  test('only usable backends take part in a round', () => {
    // Weights 2,1,1 with c unusable: rounds over a(2), b(1): current weights
    // [2,1]→a→[-1,1]; [1,2]→b→[1,-1]; [3,0]→a→[0,0]: a b a, repeating.
    const s = make('weighted-round-robin', backendsWithWeights([2, 1, 1]))
    assert.equal(letters(pickMany(s, 6, except('r3'))), 'abaaba')
  })

  test('a failure drops the effective weight to weight - weight/maxFails and it climbs back by one per round', () => {
    const backends = backendsWithWeights([5, 1, 1])
    const s = make('weighted-round-robin', backends)
    s.observe!(backends[0], 1, false, 0)
    // effective [0,1,1], current [0,0,0]:
    //  1: current [0,1,1] (a's effective → 1) → b (first max) → [0,-1,1]
    //  2: + [1,1,1] = [1,0,2] (→2) → c → [1,0,-1]
    //  3: + [2,1,1] = [3,1,0] (→3) → a → [-1,1,0]
    //  4: + [3,1,1] = [2,2,1] (→4) → a (first of the tie) → [-3,2,1]
    //  5: + [4,1,1] = [1,3,2] (→5) → b → [1,-3,2]
    assert.equal(letters(pickMany(s, 5)), 'bcaab')
    // Fully recovered: over 700 picks the shares are exactly 5:1:1 again.
    assert.deepEqual(
      shares(pickMany(s, 700), 3).map((x) => Math.round(x * 700)),
      [500, 100, 100],
    )
  })

  test('maxFails 0 turns the reduction off; a single backend is exempt', () => {
    const backends = backendsWithWeights([5, 1, 1])
    const s = make('weighted-round-robin', backends, {maxFails: 0})
    s.observe!(backends[0], 1, false, 0)
    assert.equal(letters(pickMany(s, 7)), 'aabacaa')
    const one = backendsWithWeights([3])
    const single = make('weighted-round-robin', one)
    single.observe!(one[0], 1, false, 0)
    assert.equal(letters(pickMany(single, 2)), 'aa')
  })
})

describe('least-connections (nginx least_conn)', () => {
  test('never picks a backend with more in-flight per weight than another usable one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({weight: fc.integer({min: 1, max: 5}), inflight: fc.nat(6), up: fc.boolean()}), {minLength: 1, maxLength: 8}),
        fc.nat(5),
        (specs, warmup) => {
          const backends = backendsWithWeights(specs.map((s) => s.weight))
          specs.forEach((s, i) => (backends[i].inflight = s.inflight))
          const usable = (b: {index: number}) => specs[b.index].up
          const lc = make('least-connections', backends)
          for (let i = 0; i < warmup; i++) lc.pick({usable}) // moves the smooth-WRR tie-break state
          const chosen = lc.pick({usable})
          if (!specs.some((s) => s.up)) return chosen === undefined
          assert.ok(chosen && usable(chosen))
          for (const b of backends) {
            if (usable(b)) assert.ok(chosen.inflight * b.weight <= b.inflight * chosen.weight, `${chosen.id} busier than ${b.id}`)
          }
          return true
        },
      ),
      {seed: 42, numRuns: 2000},
    )
  })

  test('the least loaded per weight wins', () => {
    const backends = backendsWithWeights([4, 1, 1])
    backends[0].inflight = 3 // 0.75 per weight
    backends[1].inflight = 1 // 1
    backends[2].inflight = 1 // 1
    assert.equal(make('least-connections', backends).pick({usable: all})?.id, 'r1')
    backends[0].inflight = 5 // 1.25
    assert.equal(make('least-connections', backends).pick({usable: all})?.id, 'r2')
  })

  test('ties are broken by smooth WRR among the tied only', () => {
    // All idle, weights 2,1,1: exactly smooth WRR's a b c a.
    const idle = backendsWithWeights([2, 1, 1])
    const s = make('least-connections', idle)
    assert.equal(letters(pickMany(s, 8)), 'abcaabca')

    // a busy: b and c tie and alternate; a's current weight is not touched meanwhile.
    const busy = backendsWithWeights([5, 1, 1])
    busy[0].inflight = 10
    const t = make('least-connections', busy)
    assert.equal(letters(pickMany(t, 4)), 'bcbc')
    // Once idle again a resumes smooth WRR from a fresh state: 5,1,1 → a a b a c a a.
    busy[0].inflight = 0
    assert.equal(letters(pickMany(t, 7)), 'aabacaa')
  })
})

describe('random (weighted, nginx random)', () => {
  test('weighted shares within 2% over 100k picks', () => {
    const weights = [5, 3, 1, 1]
    const s = make('random', backendsWithWeights(weights), {random: seededRandom(7)})
    const got = shares(pickMany(s, 100_000), 4)
    got.forEach((x, i) => assert.ok(Math.abs(x - weights[i] / 10) < 0.02, `r${i + 1}: ${x}`))
  })

  test('an unusable backend is drawn again, never chosen', () => {
    const s = make('random', backendsWithWeights([5, 3, 1, 1]), {random: seededRandom(7)})
    const got = shares(pickMany(s, 20_000, except('r1')), 4)
    assert.equal(got[0], 0)
    // The others keep their relative weights 3:1:1.
    assert.ok(Math.abs(got[1] - 0.6) < 0.02 && Math.abs(got[2] - 0.2) < 0.02, String(got))
  })

  test('after 21 unusable draws smooth round-robin decides', () => {
    let draws = 0
    const s = make('random', backendsWithWeights([1000, 1]), {random: () => (draws++, 0)}) // always r1
    assert.equal(s.pick({usable: except('r1')})?.id, 'r2')
    assert.equal(draws, 21)
  })
})
