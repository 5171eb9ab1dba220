import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haproxyConfig} from '../../src/balancers/haproxy-config.js'
import {parseShowStat, serverState} from '../../src/balancers/haproxy-stats.js'
import {haproxy} from '../../src/balancers/kinds/haproxy.js'
import {balancerKinds} from '../../src/balancers/registry.js'
import {findProgram} from '../../src/process/find-program.js'
import type {BalancerSpec} from '../../src/model/scenario.js'
import {balancerScenario} from '../helpers/balancer-scenario.js'
import {skipWithout} from '../helpers/programs.js'

const backends = [1, 2, 3, 4].map((i) => ({id: `r${i}`, host: '127.0.0.1', port: 40000 + i}))
const dir = '/tmp/lbbench-haproxy-test'
const active = {path: '/health', interval: 1000, timeout: 500, rise: 2, fall: 3}

function generate(b: Partial<BalancerSpec>, weights?: Record<string, number>, d = dir): string {
  return haproxyConfig({scenario: balancerScenario({kind: 'haproxy', ...b}, 4, weights), backends, port: 20081, dir: d, version: '2.6.12'})
}
const lines = (text: string): string[] => text.split('\n').map((l) => l.trim())

const mappings: Array<[Partial<BalancerSpec>, string[]]> = [
  [{strategy: 'round-robin'}, ['balance roundrobin']],
  [{strategy: 'weighted-round-robin'}, ['balance roundrobin']],
  [{strategy: 'least-connections'}, ['balance leastconn']],
  [{strategy: 'random'}, ['balance random(1)']],
  [{strategy: 'p2c'}, ['balance random(2)']],
  [{strategy: 'ip-hash'}, ['balance source']],
  [{strategy: 'consistent-hash'}, ['balance uri', 'hash-type consistent']],
  [{strategy: 'consistent-hash', hashKey: 'ip'}, ['balance source', 'hash-type consistent']],
  [{strategy: 'consistent-hash', hashKey: 'header:X-User'}, ['balance hdr(x-user)', 'hash-type consistent']],
]

describe('haproxyConfig', () => {
  for (const [spec, expected] of mappings) {
    test(`${spec.strategy}${spec.hashKey ? ` (${spec.hashKey})` : ''} → ${expected.join(' + ')}`, () => {
      const l = lines(generate(spec))
      assert.deepEqual(l.filter((x) => /^(balance|hash-type) /.test(x)), expected)
    })
  }

  test('active checks, weights, retries, timeouts, header, reuse, stats socket', () => {
    const l = lines(generate({retries: 2, timeout: 1500, health: {active}}, {r2: 3}))
    for (const expected of [
      'bind 127.0.0.1:20081',
      'nbthread 1',
      `stats socket ${dir}/stats.sock mode 600 level admin`,
      'log stdout format raw local0 notice',
      'timeout connect 1500ms',
      'timeout server 1500ms',
      'timeout check 500ms',
      'retries 2',
      'option redispatch 1',
      'retry-on conn-failure empty-response response-timeout',
      'option httpchk GET /health',
      'http-reuse safe',
      'http-response set-header X-LBBench-Backend %s',
      'server r1 127.0.0.1:40001 weight 1 check inter 1000ms rise 2 fall 3',
      'server r2 127.0.0.1:40002 weight 3 check inter 1000ms rise 2 fall 3',
    ]) {
      assert.ok(l.includes(expected), `missing line: ${expected}`)
    }
  })

  test('no health settings → no check: HAProxy never marks a server down by itself', () => {
    const l = lines(generate({retries: 0}))
    assert.ok(l.includes('server r4 127.0.0.1:40004 weight 1'))
    assert.ok(l.includes('retries 0'))
    assert.ok(!l.some((x) => x.startsWith('option redispatch') || x.startsWith('retry-on') || x.startsWith('option httpchk')))
  })

  test('passive health → observe with a TCP check that brings the server back after failTimeout', () => {
    const l4 = lines(generate({health: {passive: {maxFails: 2, failTimeout: 5000, statuses: []}}}))
    assert.ok(l4.includes('server r1 127.0.0.1:40001 weight 1 check inter 5000ms rise 1 fall 1 observe layer4 error-limit 2 on-error mark-down'))
    const l7 = lines(generate({health: {active, passive: {maxFails: 3, failTimeout: 5000, statuses: [503, 502]}}}))
    assert.ok(l7.includes('server r1 127.0.0.1:40001 weight 1 check inter 1000ms rise 2 fall 3 observe layer7 error-limit 3 on-error mark-down'))
    assert.ok(l7.includes('retry-on conn-failure empty-response response-timeout 502 503'))
  })
})

describe('haproxy -c accepts every mapping', {skip: skipWithout('haproxy')}, () => {
  test('all strategies, with weights, active and passive health', () => {
    const haproxy = findProgram('haproxy')!
    const root = mkdtempSync(join(tmpdir(), 'lbbench-haproxy-c-'))
    try {
      for (const [i, [spec]] of mappings.entries()) {
        for (const health of [{}, {active}, {passive: {maxFails: 2, failTimeout: 2000, statuses: [502]}}, {active, passive: {maxFails: 2, failTimeout: 2000, statuses: []}}]) {
          const d = join(root, `${i}-${Object.keys(health).join('-')}`)
          mkdirSync(d)
          writeFileSync(join(d, 'haproxy.cfg'), generate({...spec, health}, {r3: 2}, d))
          try {
            execFileSync(haproxy, ['-c', '-q', '-f', join(d, 'haproxy.cfg')], {stdio: 'pipe'})
          } catch (err) {
            assert.fail(`haproxy -c rejected ${spec.strategy} ${JSON.stringify(health)}: ${String((err as {stdout: Buffer}).stdout)}${String((err as {stderr: Buffer}).stderr)}`)
          }
        }
      }
    } finally {
      rmSync(root, {recursive: true, force: true})
    }
  })
})

describe('show stat', () => {
  test('parseShowStat names the fields of each row', () => {
    const rows = parseShowStat('# pxname,svname,stot,status,\nlbbench_backends,r1,12,UP,\nlbbench_backends,BACKEND,12,UP,\n\n')
    assert.deepEqual(rows[0], {pxname: 'lbbench_backends', svname: 'r1', stot: '12', status: 'UP', '': ''})
    assert.equal(rows.length, 2)
  })
  test('a quoted field with a comma stays one field', () => {
    const rows = parseShowStat('# svname,check_status,last_chk,wretr,\nr2,HANA,"Detected 1 consecutive errors, last one was: L4 unsuccessful connection",3,\n')
    assert.equal(rows[0].last_chk, 'Detected 1 consecutive errors, last one was: L4 unsuccessful connection')
    assert.equal(rows[0].wretr, '3')
  })
  test('serverState', () => {
    assert.deepEqual(
      ['UP', 'UP 1/3', 'no check', 'NOLB', 'DRAIN', 'DOWN', 'DOWN 1/2', 'MAINT', 'MAINT (via x/y)'].map(serverState),
      ['up', 'up', 'up', 'up', 'up', 'down', 'down', 'down', 'down'],
    )
  })
})

describe('haproxy.check', () => {
  const problems = (b: Partial<BalancerSpec>, weights?: Record<string, number>) => haproxy.check(balancerScenario({kind: 'haproxy', ...b}, 4, weights))

  test('is the haproxy entry of balancerKinds', () => assert.equal(balancerKinds.get('haproxy'), haproxy))
  test('every mapped strategy and active checks are fine', () => {
    for (const [spec] of mappings) assert.deepEqual(problems({...spec, health: {active}}), [])
  })
  test('peak-ewma and maglev name what HAProxy can do instead', () => {
    const [p] = problems({strategy: 'peak-ewma'})
    assert.equal(p.path, 'balancer.strategy')
    assert.match(p.message, /HAProxy has no peak-ewma strategy; the closest it has is p2c or least-connections\. HAProxy can do: round-robin, /)
    assert.match(problems({strategy: 'maglev'})[0].message, /closest it has is consistent-hash/)
  })
  test('odd statuses, weights, retry budget are refused', () => {
    assert.deepEqual(problems({health: {passive: {maxFails: 1, failTimeout: 1000, statuses: [429]}}}).map((p) => p.path), ['balancer.health.passive.statuses'])
    assert.deepEqual(problems({}, {r2: 0}), [])
    assert.deepEqual(problems({}, {r2: 300}).map((p) => p.path), ['replicas.overrides.r2.weight'])
    assert.deepEqual(problems({retryBudget: 0.2}).map((p) => p.path), ['balancer.retryBudget'])
  })
})
