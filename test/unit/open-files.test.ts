import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {haproxyConfig} from '../../src/balancers/haproxy-config.js'
import {nginxConfig} from '../../src/balancers/nginx-config.js'
import {nginxStreamConfig} from '../../src/balancers/nginx-stream-config.js'
import {openFilesShortfall} from '../../src/balancers/open-files.js'
import {parseOpenFilesHardLimit} from '../../src/process/open-files-limit.js'
import type {BalancerSpec, Scenario} from '../../src/model/scenario.js'
import {balancerScenario} from '../helpers/balancer-scenario.js'

function atConnections(connections: number, b: Partial<BalancerSpec>, replicas = 64): Scenario {
  const s = balancerScenario(b, replicas)
  return {...s, load: {...s.load, connections, phases: [{name: 'warm-up', duration: 1000, measure: false, connections: 10}, {name: 'steady', duration: 1000, measure: true, connections}]}}
}
const backends = Array.from({length: 64}, (_, i) => ({id: `r${i + 1}`, host: '127.0.0.1', port: 40000 + i}))
const value = (text: string, directive: string): number[] =>
  [...text.matchAll(new RegExp(`^\\s*${directive} (\\d+);?$`, 'gm'))].map((m) => Number(m[1]))

describe('balancer configs sized from the connections', () => {
  const nginx = (connections: number, openFilesLimit?: number) =>
    nginxConfig({scenario: atConnections(connections, {kind: 'nginx'}), backends, port: 20080, dir: '/tmp/x', version: '1.22.1', asRoot: false, openFilesLimit})
  const haproxy = (connections: number, openFilesLimit?: number) =>
    haproxyConfig({scenario: atConnections(connections, {kind: 'haproxy'}), backends, port: 20081, dir: '/tmp/x', version: '2.6.12', openFilesLimit})

  test('nginx: 2 worker connections per connection of the busiest phase, and the descriptors for them', () => {
    const text = nginx(10_000, 1_048_576)
    const [connections] = value(text, 'worker_connections')
    const [nofile] = value(text, 'worker_rlimit_nofile')
    assert.ok(connections >= 20_000, `worker_connections ${connections}`)
    assert.ok(nofile > connections, `worker_rlimit_nofile ${nofile}`)
  })

  test('nginx: never above the hard limit, nor below the sizes of old for small runs', () => {
    assert.deepEqual([value(nginx(10_000, 20_000), 'worker_rlimit_nofile'), value(nginx(10_000, 20_000), 'worker_connections')], [[20_000], [19_936]])
    assert.deepEqual([value(nginx(50), 'worker_rlimit_nofile'), value(nginx(50), 'worker_connections')], [[16_384], [8192]])
    const stream = nginxStreamConfig({scenario: atConnections(10_000, {kind: 'nginx', mode: 'tcp'}), backends, port: 20080, dir: '/tmp/x', version: '1.22.1', asRoot: false})
    assert.ok(value(stream, 'worker_connections')[0] >= 20_000)
  })

  test('HAProxy: global and frontend maxconn above the connections, 2 descriptors each under the hard limit', () => {
    assert.deepEqual(value(haproxy(10_000, 1_048_576), 'maxconn'), [10_256, 10_256])
    const capped = value(haproxy(10_000, 20_000), 'maxconn')
    assert.deepEqual(capped, [9840, 9840])
    assert.ok(2 * capped[0] + 17 <= 20_000) // HAProxy's own need at this size: 2 × maxconn + 17
    assert.deepEqual(value(haproxy(50), 'maxconn'), [4096, 4096])
    assert.doesNotMatch(haproxy(50), /server r1 .*maxconn/)
  })
})

describe('open files', () => {
  test('the hard limit is read from /proc/self/limits', () => {
    const limits = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 20000                files\n'
    assert.equal(parseOpenFilesHardLimit(limits), 20_000)
    assert.equal(parseOpenFilesHardLimit(limits.replace('20000', 'unlimited')), undefined)
  })

  test('a run whose connections do not fit under the limit is told so before it starts, naming ulimit -n', () => {
    const note = openFilesShortfall(atConnections(10_000, {kind: 'nginx'}), 20_000)
    assert.match(note ?? '', /load\.connections 10000 needs about 20320 open files in the nginx balancer .*`ulimit -n` allows at most 20000.*about 9840 connections fit/)
    assert.equal(openFilesShortfall(atConnections(9000, {kind: 'haproxy'}), 20_000), undefined)
    assert.equal(openFilesShortfall(atConnections(10_000, {kind: 'none'}), 20_000), undefined)
    assert.equal(openFilesShortfall(atConnections(10_000, {kind: 'builtin', workers: 2}), 20_000), undefined)
    assert.equal(openFilesShortfall(atConnections(10_000, {kind: 'builtin'}), undefined), undefined)
  })
})
