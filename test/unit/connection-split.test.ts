// The note for connections that cannot split evenly over replicas balanced by connection (or by their
// weights, where the balancer follows them): which balancers and scenarios get it, what it says, exactly,
// and the best split it reasons from, checked against every split there is.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {bestSplit, connectionSplitNote} from '../../src/balancers/connection-split.js'
import {parseScenarioText} from '../../src/scenario/load.js'

const note = (parts: {replicas?: string; balancer: string; load: string}): string | undefined =>
  connectionSplitNote(parseScenarioText(`name: s\nreplicas: ${parts.replicas ?? '{count: 4}'}\nbalancer: ${parts.balancer}\nload: ${parts.load}\n`, 's.yaml').scenario)

const steady = (connections: number, more = '') => `{connections: ${connections}${more}, phases: [{name: steady, duration: 2s}]}`
const cluster = "load.connections 6 over 4 replicas, and Node's cluster hands out connections, not requests, so all the requests of a connection go to one replica: "

describe('connection split note', () => {
  test('Node\'s cluster, 6 connections over 4 replicas: 2 or 1 each, the busiest at 1.33× the mean', () => {
    assert.equal(note({balancer: '{kind: cluster}', load: steady(6)}),
      `${cluster}at best 2 or 1 connections each, and the busiest replica gets 1.33× the mean share by the count alone; use a multiple of 4 connections for an even split`)
  })

  test('fewer connections than replicas: how many replicas get none', () => {
    assert.equal(note({balancer: '{kind: none}', load: steady(3)}),
      'load.connections 3 over 4 replicas, and with no balancer each client of the load generator is given one replica, so all the requests of a connection go to one replica: 1 replica of 4 gets no request; use a multiple of 4 connections for an even split')
  })

  test('mode tcp of the built-in proxy, nginx and HAProxy; mode http never', () => {
    for (const kind of ['builtin', 'nginx', 'haproxy']) {
      assert.match(note({balancer: `{kind: ${kind}, mode: tcp}`, load: steady(6)}) ?? '', /^load\.connections 6 over 4 replicas, and mode tcp balances connections, not requests, /, kind)
      assert.equal(note({balancer: `{kind: ${kind}}`, load: steady(6)}), undefined, kind)
    }
  })

  test('no note: an even split, one within 10% of even, connections renewed, a single replica', () => {
    assert.equal(note({balancer: '{kind: cluster}', load: steady(8)}), undefined)
    // 20 over 3: 7, 7 and 6, the busiest at 1.05× the mean.
    assert.equal(note({replicas: '{count: 3}', balancer: '{kind: cluster}', load: steady(20)}), undefined)
    assert.equal(note({balancer: '{kind: cluster}', load: steady(6, ', keepAlive: false')}), undefined)
    assert.equal(note({balancer: '{kind: builtin, mode: tcp}', load: steady(6, ', keepAlive: false')}), undefined)
    // Renewed every 20 requests, the connections are picked again and again: the split evens out.
    assert.equal(note({balancer: '{kind: cluster}', load: steady(6, ', keepAlive: {requests: 20}')}), undefined)
    assert.equal(note({balancer: '{kind: haproxy, mode: tcp}', load: steady(6, ', keepAlive: {requests: 20}')}), undefined)
    assert.equal(note({replicas: '{count: 1}', balancer: '{kind: none}', load: steady(3)}), undefined)
    // No balancer: a client keeps its replica even with a new connection per request.
    assert.notEqual(note({balancer: '{kind: none}', load: steady(6, ', keepAlive: false')}), undefined)
    assert.match(note({balancer: '{kind: none}', load: steady(2)}) ?? '', /: 2 replicas of 4 get no request; /)
  })

  test('the measured phase that splits worst, named when the phases differ; warm-ups do not count', () => {
    const phases = '[{name: warm, duration: 1s, connections: 1, measure: false}, {name: a, duration: 1s, connections: 8}, {name: b, duration: 1s, connections: 5}]'
    assert.match(note({balancer: '{kind: cluster}', load: `{connections: 8, phases: ${phases}}`}) ?? '', /^phase b: load\.connections 5 over 4 replicas, .*: at best 2 or 1 connections each, and the busiest replica gets 1\.60× /)
    assert.equal(note({balancer: '{kind: cluster}', load: '{connections: 8, phases: [{name: warm, duration: 1s, connections: 1, measure: false}, {name: a, duration: 1s}]}'}), undefined)
  })
})

const weightedTcp = (weights: string) => ({replicas: `{count: 4, overrides: {${weights}}}`, balancer: '{kind: builtin, mode: tcp, strategy: weighted-round-robin}'})

describe('connection split note, weighted replicas', () => {
  test('6 connections over weights 2, 1, 1, 1: r1 gets 3 where its weight gives it 2.4, 1.25× its share', () => {
    assert.equal(note({...weightedTcp('r1: {weight: 2}'), load: steady(6)}),
      'load.connections 6 over 4 replicas weighted r1 2 (the others 1), and mode tcp balances connections, not requests, so all the requests of a connection go to one replica: at best r1 gets 3 connections where its weight would give it 2.4, 1.25× its share by the count alone; use a multiple of 5 connections for a split by weight')
  })

  test('a multiple of the weights\' sum over their common divisor splits exactly: no note', () => {
    assert.equal(note({...weightedTcp('r1: {weight: 2}'), load: steady(5)}), undefined)
    assert.equal(note({...weightedTcp('r1: {weight: 2}'), load: steady(10)}), undefined)
    // Weights 4, 2, 2, 2: 5 connections are 2, 1, 1 and 1.
    assert.equal(note({...weightedTcp('r1: {weight: 4}, r2: {weight: 2}, r3: {weight: 2}, r4: {weight: 2}'), load: steady(5)}), undefined)
    assert.match(note({...weightedTcp('r1: {weight: 4}, r2: {weight: 2}, r3: {weight: 2}, r4: {weight: 2}'), load: steady(4)}) ?? '', /: at best r2 gets 1 connection where its weight would give it 0\.8, 1\.25× its share by the count alone; use a multiple of 5 connections for a split by weight$/)
    assert.match(note({...weightedTcp('r1: {weight: 2}'), load: steady(3)}) ?? '', /: 1 replica of 4 gets no request; use a multiple of 5 connections for a split by weight$/)
  })

  test('a light replica with its one connection can be far over its share', () => {
    assert.equal(note({replicas: '{count: 2, overrides: {r1: {weight: 10}}}', balancer: '{kind: nginx, mode: tcp}', load: steady(2)}),
      'load.connections 2 over 2 replicas weighted r1 10 (the others 1), and mode tcp balances connections, not requests, so all the requests of a connection go to one replica: at best r2 gets 1 connection where its weight would give it 0.18, 5.50× its share by the count alone; use a multiple of 11 connections for a split by weight')
  })

  test('the same weight on every replica is no weight; weights the balancer ignores have their own note', () => {
    const unweighted = note({balancer: '{kind: cluster}', load: steady(6)})
    assert.equal(note({replicas: '{count: 4, overrides: {r1: {weight: 3}, r2: {weight: 3}, r3: {weight: 3}, r4: {weight: 3}}}', balancer: '{kind: cluster}', load: steady(6)}), unweighted)
    assert.equal(note({replicas: '{count: 4, overrides: {r1: {weight: 2}}}', balancer: '{kind: cluster}', load: steady(6)}), undefined)
    assert.equal(note({replicas: '{count: 4, overrides: {r1: {weight: 2}}}', balancer: '{kind: builtin, mode: tcp, strategy: round-robin}', load: steady(6)}), undefined)
  })
})

describe('bestSplit', () => {
  test('exact splits: equal weights give the first replicas the larger counts; weights 2, 1, 1, 1', () => {
    assert.deepEqual(bestSplit(6, [1, 1, 1, 1]).counts, [2, 2, 1, 1])
    assert.equal(bestSplit(6, [1, 1, 1, 1]).busiest, 2 / 1.5)
    assert.deepEqual(bestSplit(6, [2, 1, 1, 1]).counts, [3, 1, 1, 1])
    assert.deepEqual(bestSplit(6, [2, 1, 1, 1]).shares, [2.4, 1.2, 1.2, 1.2])
    assert.deepEqual([bestSplit(6, [2, 1, 1, 1]).at, bestSplit(6, [2, 1, 1, 1]).busiest], [0, 1.25])
    assert.deepEqual(bestSplit(3, [1, 1, 1, 1]).counts, [1, 1, 1, 0])
    assert.deepEqual(bestSplit(2, [1, 2, 1, 2]).counts, [0, 1, 0, 1])
    assert.equal(bestSplit(3, [1, 1, 1, 1]).busiest, Infinity)
    // One each first: 2 over weights 1 and 3 are 1 and 1 (r1 at 2× its share), not 0 and 2.
    assert.deepEqual(bestSplit(2, [1, 3]).counts, [1, 1])
    assert.deepEqual([bestSplit(2, [1, 3]).at, bestSplit(2, [1, 3]).busiest], [0, 2])
  })

  /** The least busiest-over-share of every way to split `c` connections over `weights.length` replicas (one with none: Infinity). */
  function leastBusiest(c: number, weights: number[]): number {
    const sum = weights.reduce((a, w) => a + w, 0)
    let best = Infinity
    const walk = (i: number, left: number, worst: number): void => {
      if (i === weights.length - 1) {
        best = Math.min(best, left === 0 ? Infinity : Math.max(worst, left / ((c * weights[i]) / sum)))
        return
      }
      for (let k = 0; k <= left; k++) walk(i + 1, left - k, k === 0 ? Infinity : Math.max(worst, k / ((c * weights[i]) / sum)))
    }
    walk(0, c, 0)
    return best
  }

  test('property: it puts every connection somewhere, and no split has a less busy busiest replica', () => {
    const arbitrary = fc.tuple(fc.integer({min: 1, max: 9}), fc.array(fc.integer({min: 1, max: 6}), {minLength: 2, maxLength: 4}))
    fc.assert(fc.property(arbitrary, ([c, weights]) => {
      const split = bestSplit(c, weights)
      assert.equal(split.counts.reduce((a, k) => a + k, 0), c)
      assert.equal(split.counts.filter((k) => k === 0).length, Math.max(0, weights.length - c), 'as few replicas without a connection as can be')
      const least = leastBusiest(c, weights)
      if (least === Infinity) assert.equal(split.busiest, Infinity)
      else assert.ok(Math.abs(split.busiest - least) < 1e-9, `${c} over ${weights}: ${split.counts} at ${split.busiest}, ${least} possible`)
    }), {seed: 17, numRuns: 400})
  })
})
