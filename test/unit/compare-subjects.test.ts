import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {buildComparison} from '../../src/cli/compare-command.js'
import {compareSubjects, runOrder} from '../../src/cli/compare-subjects.js'
import {subjectScenario} from '../../src/cli/subject-scenario.js'
import {expandKeys, keyPlaceholderProblems} from '../../src/load/generator/request-keys.js'
import {UsageError} from '../../src/model/errors.js'
import type {RequestSpec} from '../../src/model/scenario.js'
import {sampleReport} from '../fixtures/sample-report.js'

describe('lbbench compare: subjects and order', () => {
  test('strategies, balancers, and their matrix (cluster and none once each)', () => {
    assert.deepEqual(compareSubjects('round-robin, p2c', undefined), [
      {label: 'round-robin', strategy: 'round-robin'},
      {label: 'p2c', strategy: 'p2c'},
    ])
    assert.deepEqual(compareSubjects(undefined, 'builtin,none').map((s) => s.label), ['builtin', 'none'])
    assert.deepEqual(compareSubjects('round-robin,p2c', 'builtin,nginx,none').map((s) => s.label), [
      'builtin/round-robin',
      'builtin/p2c',
      'nginx/round-robin',
      'nginx/p2c',
      'none',
    ])
  })

  test('unknown, repeated or missing names are usage errors', () => {
    assert.throws(() => compareSubjects('round-robin,least-conn', undefined), (e: Error) => e instanceof UsageError && /least-conn.*did you mean/.test(e.message))
    assert.throws(() => compareSubjects('p2c,p2c', undefined), /listed twice/)
    assert.throws(() => compareSubjects(undefined, 'envoy'), /unknown name envoy/)
    assert.throws(() => compareSubjects(undefined, undefined), /nothing to compare/)
  })

  test('rounds alternate: A B C, C B A, A B C', () => {
    assert.deepEqual(runOrder(3, 3).map((r) => 'ABC'[r.subject]).join(''), 'ABCCBAABC')
    assert.deepEqual(runOrder(2, 2).map((r) => r.round), [0, 0, 1, 1])
  })
})

describe('lbbench compare: each subject is validated as a scenario', () => {
  const text = readFileSync('scenarios/slow-backend.yaml', 'utf8')
  test('a strategy replaces the scenario’s, everything else stays', () => {
    const s = subjectScenario(text, 'slow-backend.yaml', {label: 'p2c', strategy: 'p2c'})
    assert.ok('loaded' in s)
    assert.equal(s.loaded.scenario.balancer.strategy, 'p2c')
    assert.equal(s.loaded.scenario.replicas.count, 4)
  })
  test('nginx cannot do peak-ewma: a problem naming what nginx can do', () => {
    const s = subjectScenario(text, 'slow-backend.yaml', {label: 'nginx/peak-ewma', balancer: 'nginx', strategy: 'peak-ewma'})
    assert.ok('problems' in s)
    assert.match(s.problems.join('\n'), /balancer\.strategy: nginx has no peak-ewma strategy.*nginx can do: round-robin/)
  })
  test('none takes no strategy; a hash key is dropped for a strategy that does not hash', () => {
    const none = subjectScenario(text, 'slow-backend.yaml', {label: 'none', balancer: 'none'})
    assert.ok('loaded' in none && none.loaded.scenario.balancer.kind === 'none')
    const hashed = readFileSync('scenarios/hash-keys.yaml', 'utf8')
    const rr = subjectScenario(hashed, 'hash-keys.yaml', {label: 'round-robin', strategy: 'round-robin'})
    assert.ok('loaded' in rr && rr.loaded.scenario.balancer.hashKey === undefined)
    const maglev = subjectScenario(hashed, 'hash-keys.yaml', {label: 'maglev', strategy: 'maglev'})
    assert.ok('loaded' in maglev && maglev.loaded.scenario.balancer.hashKey === 'header:x-user')
  })
})

describe('lbbench compare: the comparison', () => {
  test('a subject whose connections cannot split evenly over its replicas is warned about by name; the others are not', () => {
    const text = 'name: s\nreplicas: {count: 4}\nload: {connections: 6, phases: [{name: steady, duration: 1s}]}\n'
    const planned = (['builtin', 'cluster'] as const).map((balancer) => {
      const s = subjectScenario(text, 's.yaml', {label: balancer, balancer})
      assert.ok('loaded' in s)
      return {subject: {label: balancer, balancer}, loaded: s.loaded, reports: [sampleReport()]}
    })
    const {warnings} = buildComparison('s', planned)
    assert.equal(warnings?.length, 1, JSON.stringify(warnings))
    assert.match(warnings[0], /^cluster: load\.connections 6 over 4 replicas, and Node's cluster hands out connections, not requests, /)
  })
})

describe('{{n:N}} request keys', () => {
  const request = (headers: Record<string, string>, weight = 2): RequestSpec => ({method: 'GET', path: '/', headers, weight})
  test('one request with {{n:3}} becomes 3 requests with a third of its weight each', () => {
    const out = expandKeys([request({'x-user': 'u-{{n:3}}', 'x-same': '{{n:3}}'}), request({})])
    assert.deepEqual(out.slice(0, 3).map((r) => [r.headers['x-user'], r.headers['x-same'], r.weight]), [
      ['u-0', '0', 2 / 3],
      ['u-1', '1', 2 / 3],
      ['u-2', '2', 2 / 3],
    ])
    assert.equal(out.length, 4)
  })
  test('out-of-range and mixed sizes are problems; no placeholder is no problem', () => {
    assert.deepEqual(keyPlaceholderProblems(request({a: 'x'})), [])
    assert.deepEqual(keyPlaceholderProblems(request({a: 'u-{{n:0}}'})), [{field: ['headers', 'a'], offset: 2, message: '{{n:0}}: the number of keys must be from 1 to 10000'}])
    assert.deepEqual(keyPlaceholderProblems(request({a: '{{n:2}}', b: '{{n:3}}'})), [
      {field: ['headers', 'b'], offset: 0, message: 'the placeholders of one request must all be the same size (one key per request); found {{n:2}} and {{n:3}}'},
    ])
  })
})
