// The note for connections that cannot split evenly over replicas balanced by connection: which balancers
// and scenarios get it, and what it says, exactly.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {connectionSplitNote} from '../../src/balancers/connection-split.js'
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

  test('no note: an even split, one within 10% of even, connections renewed, weighted or single replicas', () => {
    assert.equal(note({balancer: '{kind: cluster}', load: steady(8)}), undefined)
    // 20 over 3: 7, 7 and 6, the busiest at 1.05× the mean.
    assert.equal(note({replicas: '{count: 3}', balancer: '{kind: cluster}', load: steady(20)}), undefined)
    assert.equal(note({balancer: '{kind: cluster}', load: steady(6, ', keepAlive: false')}), undefined)
    assert.equal(note({balancer: '{kind: builtin, mode: tcp}', load: steady(6, ', keepAlive: false')}), undefined)
    // Renewed every 20 requests, the connections are picked again and again: the split evens out.
    assert.equal(note({balancer: '{kind: cluster}', load: steady(6, ', keepAlive: {requests: 20}')}), undefined)
    assert.equal(note({balancer: '{kind: haproxy, mode: tcp}', load: steady(6, ', keepAlive: {requests: 20}')}), undefined)
    assert.equal(note({replicas: '{count: 1}', balancer: '{kind: none}', load: steady(3)}), undefined)
    assert.equal(note({replicas: '{count: 4, overrides: {r1: {weight: 2}}}', balancer: '{kind: builtin, mode: tcp, strategy: weighted-round-robin}', load: steady(6)}), undefined)
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
