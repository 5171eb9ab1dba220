// The pure parts of balancer.workers: merging the workers' counters, one backend state out of many, and
// the limit on the number of proxy processes.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {availableParallelism} from 'node:os'
import {builtin} from '../../src/balancers/kinds/builtin.js'
import {mergeBuckets, mergeInflight, mergeProxyStats} from '../../src/proxy/merge-stats.js'
import type {ProxyStats} from '../../src/proxy/messages.js'
import {WorkerStates} from '../../src/proxy/worker-states.js'
import type {Scenario} from '../../src/model/scenario.js'

function stats(over: Partial<ProxyStats>): ProxyStats {
  return {attempts: {}, failedAttempts: {}, requests: {}, retries: 0, noBackend: 0, bodyTooLargeToRetry: 0, budgetExhausted: 0, staleSocketRetries: 0, inflight: [], attemptBuckets: [], inflightDropped: 0, ...over}
}

test('totals add up across workers; workerAttempts keeps each worker’s share', () => {
  const m = mergeProxyStats([
    stats({attempts: {r1: 3, r2: 2}, failedAttempts: {r1: 1, r2: 0}, requests: {r1: 2, r2: 2}, retries: 1, noBackend: 2, staleSocketRetries: 1, inflightDropped: 4}),
    stats({attempts: {r1: 1, r2: 4}, failedAttempts: {r1: 0, r2: 1}, requests: {r1: 1, r2: 3}, retries: 1, budgetExhausted: 1, inflightDropped: 7}),
  ])
  assert.deepEqual(m.attempts, {r1: 4, r2: 6})
  assert.deepEqual(m.failedAttempts, {r1: 1, r2: 1})
  assert.deepEqual(m.requests, {r1: 3, r2: 5})
  assert.equal(m.retries, 2)
  assert.equal(m.noBackend, 2)
  assert.equal(m.budgetExhausted, 1)
  assert.equal(m.staleSocketRetries, 1)
  assert.equal(m.inflightDropped, 7)
  assert.deepEqual(m.workerAttempts, [5, 5])
})

test('in-flight samples go on a 100 ms grid, each worker carrying its latest sample forward', () => {
  const merged = mergeInflight([
    [[1000, {r1: 1}], [1100, {r1: 2}], [1200, {r1: 3}]],
    [[1040, {r1: 10}], [1199, {r1: 20}], [1230, {r1: 30}]],
  ])
  // Worker 2's sample at 1199 belongs to slot 1100, its 1230 one to slot 1200.
  assert.deepEqual(merged, [
    [1000, {r1: 11}],
    [1100, {r1: 22}],
    [1200, {r1: 33}],
  ])
  assert.deepEqual(mergeInflight([[[1000, {r1: 1}], [1100, {r1: 1}]], [[1150, {r1: 5}]]]), [[1000, {r1: 1}], [1100, {r1: 6}]], 'a worker with no sample yet counts 0')
})

test('attempt buckets are added slot by slot and every attempt is counted once', () => {
  const merged = mergeBuckets([
    [{epochMs: 1000, attempts: {r1: 2}, failed: {r1: 0}}, {epochMs: 1100, attempts: {r1: 1}, failed: {r1: 1}}],
    [{epochMs: 1050, attempts: {r1: 5}, failed: {r1: 2}}, {epochMs: 1150, attempts: {r1: 4}, failed: {r1: 0}}],
  ])
  assert.deepEqual(merged, [
    {epochMs: 1000, attempts: {r1: 7}, failed: {r1: 2}},
    {epochMs: 1100, attempts: {r1: 5}, failed: {r1: 1}},
  ])
})

test('a backend is down when the first worker says so, and up when the last one does', () => {
  const s = new WorkerStates(3)
  const at = (w: number, state: 'up' | 'down') => s.apply(w, {id: 'r1', state, reason: `why ${w}`, epochMs: 5})
  assert.deepEqual(at(2, 'down'), {id: 'r1', state: 'down', reason: 'why 2 (proxy worker 2 of 3)', epochMs: 5})
  assert.equal(at(1, 'down'), undefined)
  assert.equal(at(2, 'up'), undefined)
  assert.deepEqual(at(1, 'up'), {id: 'r1', state: 'up', reason: 'why 1 (proxy worker 1 of 3)', epochMs: 5})
  assert.equal(at(3, 'up'), undefined, 'up while up is no change')
})

test('balancer.workers is limited to 2 per core', () => {
  const scenario = (workers: number) => ({balancer: {engine: 'undici', workers}}) as unknown as Scenario
  const most = availableParallelism() * 2
  assert.deepEqual(builtin.check(scenario(most)), [])
  const [problem] = builtin.check(scenario(most + 1))
  assert.equal(problem.path, 'balancer.workers')
  assert.match(problem.message, new RegExp(`^at most ${most} proxy processes on this machine`))
})
