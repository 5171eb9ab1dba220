// The notes said before the load about what the fairness figures will show besides the balancer's
// choices: which balancers and strategies ignore the replicas' weights, which hash the one address every
// connection of the load generator comes from, when each is worth a note, and what it says, exactly; and
// which notes a scenario gets.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {fairnessNotes, oneClientAddressNote, weightsIgnoredBy, weightsIgnoredNote} from '../../src/balancers/fairness-notes.js'
import {strategyKinds} from '../../src/proxy/strategies/registry.js'
import {parseScenarioText} from '../../src/scenario/load.js'

const scenario = (replicas: string, balancer: string, connections = 6) =>
  parseScenarioText(`name: s\nreplicas: ${replicas}\nbalancer: ${balancer}\nload: {connections: ${connections}, phases: [{name: steady, duration: 2s}]}\n`, 's.yaml').scenario
const weighted = '{count: 3, overrides: {r1: {weight: 5}}}'
const tail = "; the fairness figures divide each replica's requests by its weight, so they will show the weights not followed"

describe('weights-ignored note', () => {
  test("the built-in proxy's round-robin: which weights, why, and what fairness will show", () => {
    assert.equal(weightsIgnoredNote(scenario(weighted, '{kind: builtin, strategy: round-robin}')),
      `replicas.overrides weigh r1 5 (the others 1), but round-robin takes the backends in turn whatever their weights (weighted-round-robin follows them)${tail}`)
  })

  test('every weight given: none called "the others"; listed in replica order', () => {
    assert.equal(weightsIgnoredNote(scenario('{count: 2, overrides: {r2: {weight: 3}, r1: {weight: 2}}}', '{kind: cluster}')),
      `replicas.overrides weigh r1 2, r2 3, but Node's cluster hands out connections whatever the weights${tail}`)
  })

  test('which balancers and strategies ignore weights: cluster, none, round-robin and peak-ewma; every other follows them', () => {
    const ignoring = strategyKinds.names.filter((name) => weightsIgnoredNote(scenario(weighted, `{kind: builtin, strategy: ${name}${strategyKinds.get(name)!.needsHashKey ? ', hashKey: path' : ''}}`)) !== undefined)
    assert.deepEqual(ignoring, ['round-robin', 'peak-ewma'])
    assert.match(weightsIgnoredNote(scenario(weighted, '{kind: none}')) ?? '', /, but with no balancer the load generator spreads its connections over the replicas whatever the weights; /)
    assert.match(weightsIgnoredNote(scenario(weighted, '{kind: builtin, strategy: peak-ewma}')) ?? '', /, but peak-ewma chooses by latency and in-flight requests whatever the weights \(p2c weighs its in-flight counts by them\); /)
    // nginx's and HAProxy's round robin is weighted whichever strategy the scenario names.
    for (const kind of ['nginx', 'haproxy']) assert.equal(weightsIgnoredNote(scenario(weighted, `{kind: ${kind}, strategy: round-robin}`)), undefined, kind)
    assert.notEqual(weightsIgnoredNote(scenario(weighted, '{kind: builtin, strategy: round-robin, mode: tcp}')), undefined, 'mode tcp picks with the same strategy')
  })

  test('no note: no weights, or weights that are all the same', () => {
    assert.equal(weightsIgnoredNote(scenario('{count: 3}', '{kind: cluster}')), undefined)
    assert.equal(weightsIgnoredNote(scenario('{count: 2, overrides: {r1: {weight: 1}}}', '{kind: builtin, strategy: round-robin}')), undefined)
    assert.equal(weightsIgnoredNote(scenario('{count: 2, overrides: {r1: {weight: 4}, r2: {weight: 4}}}', '{kind: cluster}')), undefined)
    assert.equal(weightsIgnoredNote(scenario('{count: 1, overrides: {r1: {weight: 4}}}', '{kind: none}')), undefined)
  })
})

describe('one-client-address note', () => {
  const four = '{count: 4}'
  test("a hash of the client's address, in mode http: one replica gets everything; which keys spread the requests", () => {
    assert.equal(oneClientAddressNote(scenario(four, '{kind: builtin, strategy: ip-hash}')),
      'balancer.hashKey ip: every connection of the load generator comes from one address (lbbench sends on loopback only), so ip-hash sends every request to one replica; hashKey path or header:NAME spreads the requests when load.requests varies it (headers: {x-user: "user-{{n:1000}}"})')
  })

  test('in mode tcp, where ip is the only key: no key spreads it', () => {
    assert.equal(oneClientAddressNote(scenario(four, '{kind: haproxy, strategy: ip-hash, mode: tcp}')),
      'balancer.hashKey ip: every connection of the load generator comes from one address (lbbench sends on loopback only), so ip-hash sends every request to one replica; mode tcp has no other key, so no hash spreads the load over the replicas at L4')
  })

  test('any hash strategy by ip, on every balancer lbbench configures; none by path or header, and none for one replica', () => {
    for (const balancer of ['{kind: builtin, strategy: consistent-hash, hashKey: ip}', '{kind: builtin, strategy: maglev, hashKey: ip}', '{kind: nginx, strategy: ip-hash}', '{kind: haproxy, strategy: consistent-hash, hashKey: ip}']) {
      assert.match(oneClientAddressNote(scenario(four, balancer)) ?? '', /^balancer\.hashKey ip: .*, so (ip-hash|consistent-hash|maglev) sends every request to one replica; /, balancer)
    }
    for (const balancer of ['{kind: builtin, strategy: ip-hash, hashKey: path}', '{kind: builtin, strategy: consistent-hash, hashKey: header:x-user}', '{kind: builtin, strategy: round-robin}', '{kind: cluster}']) {
      assert.equal(oneClientAddressNote(scenario(four, balancer)), undefined, balancer)
    }
    assert.equal(oneClientAddressNote(scenario('{count: 1}', '{kind: builtin, strategy: ip-hash}')), undefined)
  })
})

describe('fairness notes', () => {
  test('each with its timeline kind; weights the balancer ignores get the weights note, not the connection split one', () => {
    const weightedTcp = fairnessNotes(scenario('{count: 4, overrides: {r1: {weight: 2}}}', '{kind: builtin, strategy: round-robin, mode: tcp}'))
    assert.deepEqual(weightedTcp.map((n) => n.kind), ['weights-ignored'])
    assert.match(weightedTcp[0].text, /^replicas\.overrides weigh r1 2 \(the others 1\), but round-robin /)
    const unweighted = fairnessNotes(scenario('{count: 4}', '{kind: cluster}'))
    assert.deepEqual(unweighted.map((n) => n.kind), ['connection-split'])
    assert.match(unweighted[0].text, /^load\.connections 6 over 4 replicas, /)
    assert.deepEqual(fairnessNotes(scenario(weighted, '{kind: builtin, strategy: weighted-round-robin}', 7)), [])
    // Followed, the weights are what the connections split by: 7 over 5, 1 and 1 exactly; 6 at best 4, 1 and 1.
    assert.deepEqual(fairnessNotes(scenario(weighted, '{kind: builtin, strategy: weighted-round-robin, mode: tcp}', 7)), [])
    assert.deepEqual(fairnessNotes(scenario(weighted, '{kind: builtin, strategy: weighted-round-robin, mode: tcp}', 6)).map((n) => n.kind), ['connection-split'])
  })

  test('hashed by the one address, 6 connections over 4 replicas get that note alone: how evenly they could split is moot', () => {
    assert.deepEqual(fairnessNotes(scenario('{count: 4}', '{kind: builtin, strategy: ip-hash, mode: tcp}')).map((n) => n.kind), ['one-client-address'])
    assert.deepEqual(fairnessNotes(scenario('{count: 4}', '{kind: builtin, strategy: round-robin, mode: tcp}')).map((n) => n.kind), ['connection-split'])
  })
})

test("--help's list of who ignores the weights is read from the registries", () => {
  assert.equal(weightsIgnoredBy(), "cluster, none, and the built-in proxy's round-robin and peak-ewma")
})
