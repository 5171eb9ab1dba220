// A system lbbench did not start, in pure parts: loopback addresses and URLs as a scenario writes them,
// the header values of a balancer lbbench did not configure matched to replicas (and `other`), the
// failover sources line, and how a scenario of external kinds and fixed ports resolves.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {backendNamer, renameBackends} from '../../src/metrics/backend-names.js'
import {decodeHistogram, encodeHistogram, newLatencyHistogram} from '../../src/metrics/histogram.js'
import type {Sample} from '../../src/model/generator-messages.js'
import {formatAddress, loopbackUrlProblem, parseLoopbackAddress} from '../../src/process/loopback-address.js'
import {failoverLegend, failoverSourcesText} from '../../src/report/format.js'
import {describeScenario, replicasLabel} from '../../src/scenario/describe.js'
import {parseScenarioText} from '../../src/scenario/load.js'
import {sampleReport} from '../fixtures/sample-report.js'

describe('loopback addresses', () => {
  test('127.0.0.0/8 and ::1, with a port', () => {
    assert.deepEqual(parseLoopbackAddress('127.0.0.1:9001'), {host: '127.0.0.1', port: 9001})
    assert.deepEqual(parseLoopbackAddress('127.1.2.3:80'), {host: '127.1.2.3', port: 80})
    assert.deepEqual(parseLoopbackAddress('[::1]:9002'), {host: '::1', port: 9002})
    assert.deepEqual(parseLoopbackAddress('[0:0:0:0:0:0:0:1]:9002'), {host: '::1', port: 9002})
    assert.equal(formatAddress({host: '::1', port: 9002}), '[::1]:9002')
    assert.equal(formatAddress({host: '127.0.0.1', port: 9001}), '127.0.0.1:9001')
  })

  test('anything else, in words', () => {
    const error = (text: string) => (parseLoopbackAddress(text) as {error: string}).error
    assert.equal(error('10.0.0.5:80'), '10.0.0.5 is not a loopback address: lbbench sends traffic only to 127.0.0.0/8 and [::1]')
    assert.equal(error('[::2]:80'), '[::2] is not a loopback address: lbbench sends traffic only to 127.0.0.0/8 and [::1]')
    assert.equal(error('localhost:80'), 'localhost is a name: write an address, like 127.0.0.1 (lbbench sends traffic only to loopback addresses, and does not resolve names)')
    assert.equal(error('127.0.0.1'), 'expected an address with a port, like 127.0.0.1:9001 or [::1]:9001; got "127.0.0.1"')
    assert.equal(error('::1:80'), 'expected an address with a port, like 127.0.0.1:9001 or [::1]:9001; got "::1:80"')
    assert.equal(error('127.0.0.1:0'), 'the port must be from 1 to 65535; got 0')
    assert.equal(error('[127.0.0.1]:80'), '[127.0.0.1] is not an IPv6 address; expected an address like 127.0.0.1:9001 or [::1]:9001')
  })

  test('a base URL on loopback, nothing after the port', () => {
    assert.equal(loopbackUrlProblem('http://127.0.0.1:8080', ['http:']), undefined)
    assert.equal(loopbackUrlProblem('http://[::1]:8080/', ['http:']), undefined)
    assert.equal(loopbackUrlProblem('http://192.168.1.1', ['http:']), '192.168.1.1 is not a loopback address: lbbench sends traffic only to 127.0.0.0/8 and [::1]')
    assert.equal(loopbackUrlProblem('ftp://127.0.0.1', ['http:']), 'expected a URL starting with http://; got "ftp://127.0.0.1"')
    assert.equal(loopbackUrlProblem('127.0.0.1:8080', ['http:']), 'expected a URL like http://127.0.0.1:8080; got "127.0.0.1:8080"')
    assert.equal(loopbackUrlProblem('http://127.0.0.1:8080/api', ['http:']), "give the address only, like http://127.0.0.1:8080: the paths the load requests are load.requests' own")
    assert.equal(loopbackUrlProblem('http://u:p@127.0.0.1', ['http:']), 'must not carry a user or password')
    assert.equal(loopbackUrlProblem('not a url', ['http:']), 'expected a URL like http://127.0.0.1:8080; got "not a url"')
  })
})

/** A second whose responses named these header values, each `n` times at `us` µs. */
function sampleOf(per: Record<string, [n: number, us: number]>): Sample {
  const perBackend: Sample['perBackend'] = {}
  for (const [value, [n, us]] of Object.entries(per)) {
    const h = newLatencyHistogram()
    h.recordValueWithCount(us, n)
    perBackend[value] = {completed: n, non2xx: 0, histogram: encodeHistogram(h)}
  }
  const total = Object.values(per).reduce((a, [n]) => a + n, 0)
  return {second: 0, phase: 'steady', measure: true, sent: total, completed: total, bytes: 0, status: {200: total}, errors: {connect: 0, reset: 0, timeout: 0}, perBackend, histogram: ''}
}

describe('backend header values as replicas', () => {
  const replicas = [
    {id: 'r1', address: '127.0.0.1:9001'},
    {id: 'r2', address: '[::1]:9002'},
  ]

  test('a name or an address is its replica; anything else is other, merged', () => {
    const name = backendNamer(replicas, 'x-served-by')
    assert.deepEqual(['r1', ' 127.0.0.1:9001', '[::1]:9002', 'r3', 'web-1', ''].map(name), ['r1', 'r1', 'r2', 'other', 'other', 'other'])
    const renamed = renameBackends(sampleOf({r1: [3, 100], '127.0.0.1:9001': [2, 300], 'r2': [4, 50], 'web-9': [1, 700], 'r7': [1, 900]}), name)
    assert.deepEqual(Object.keys(renamed.perBackend), ['r1', 'r2', 'other'])
    assert.equal(renamed.perBackend.r1.completed, 5)
    assert.equal(decodeHistogram(renamed.perBackend.r1.histogram).totalCount, 5)
    assert.equal(decodeHistogram(renamed.perBackend.r1.histogram).maxValue, 300)
    assert.equal(renamed.perBackend.other.completed, 2)
    assert.equal(renamed.completed, 11, 'the totals are the sample’s own')
  })

  test("no replicas listed: the scenario's header values are the backends, up to 64 of them", () => {
    const name = backendNamer([], 'x-served-by')
    assert.equal(name('web-1'), 'web-1')
    for (let i = 2; i <= 64; i++) name(`web-${i}`)
    assert.equal(name('web-65'), 'other')
    assert.equal(name('web-64'), 'web-64')
  })

  test('no replicas and no header: no backend at all, whatever the responses carry', () => {
    const renamed = renameBackends(sampleOf({app1: [5, 100]}), backendNamer([], undefined))
    assert.deepEqual(renamed.perBackend, {})
    assert.equal(renamed.completed, 5)
  })
})

describe('what the failover figures came from', () => {
  test('one line for the report, naming the header when the scenario gives one', () => {
    const r = sampleReport()
    assert.equal(failoverSourcesText(r), undefined, 'a report from before sources has no line')
    const responses = {from: 'responses' as const, bucketMs: 1000}
    r.failover = r.failover.map((f) => ({...f, sources: {ttd: {from: 'attempts', bucketMs: 100}, ttr: responses}}))
    assert.equal(failoverSourcesText(r), "ttd from the balancer's attempts (100 ms buckets); ttr from the responses per backend (1 s buckets)")
    r.failover = r.failover.map((f) => ({...f, sources: {ttd: responses, ttr: responses}}))
    r.scenario = {...r.scenario, balancer: {...r.scenario.balancer, kind: 'external', backendHeader: 'x-served-by'}}
    assert.equal(failoverSourcesText(r), "ttd and ttr from the responses' x-served-by header (1 s buckets)")
    assert.equal(failoverLegend(r), 'ttd: fault → requests to it stop; ttr: fault end → ≥ 90% of its fair share')
    const fine = {from: 'responses' as const, bucketMs: 100}
    r.failover = r.failover.map((f) => ({...f, sources: {ttd: fine, ttr: {...fine, until: 'first-response' as const}}}))
    assert.equal(failoverSourcesText(r), "ttd and ttr (to its first response back) from the responses' x-served-by header (100 ms buckets)")
    assert.equal(failoverLegend(r), 'ttd: fault → its last response; ttr: fault end → its first response back')
  })
})

describe('scenarios of a system lbbench did not start', () => {
  const parse = (text: string) => parseScenarioText(`name: a\n${text}`, 's.yaml').scenario

  test('an external balancer alone: no replicas listed', () => {
    const s = parse('balancer: {kind: external, url: "http://127.0.0.1:8080"}\n')
    assert.equal(s.replicas.kind, 'external')
    assert.equal(s.replicas.count, 0)
    assert.equal(s.replicas.addresses, undefined)
    // Named as what they are, not as "0 replicas".
    assert.equal(replicasLabel(s.replicas), 'replicas not listed (external)')
    assert.equal(describeScenario(s), 'a: external replicas not listed, external balancer at http://127.0.0.1:8080, measured 5s')
    assert.equal(replicasLabel(parse('replicas: {kind: external, addresses: [127.0.0.1:1]}\n').replicas), '1 replica (external)')
  })

  test('the count comes from the addresses or the ports; without them it is 2', () => {
    assert.equal(parse('replicas: {kind: external, addresses: [127.0.0.1:1, 127.0.0.1:2, 127.0.0.1:3]}\n').replicas.count, 3)
    assert.equal(parse('replicas: {ports: [9001, 9002, 9003]}\n').replicas.count, 3)
    assert.equal(parse('replicas: {count: 3, ports: [9001, 9002, 9003]}\n').replicas.count, 3)
    const plain = parse('replicas: {kind: process, command: x}\n').replicas
    assert.equal(plain.count, 2)
    assert.equal('ports' in plain, false)
  })

  test('a scenario without any of it keeps its hash', () => {
    // The hash of `name: a` as it was before external kinds and fixed ports came, but for the default
    // proxy engine, which became lean (a different setup, so a different hash, rightly).
    assert.equal(parseScenarioText('name: a\n', 's.yaml').hash, HASH_OF_NAME_A)
  })
})

const HASH_OF_NAME_A = 'c9470dcf3ec3fe38c5624d0504738b55fa33ce0cdeaec45d9809267f827c7431'
