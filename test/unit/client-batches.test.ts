// A phase's clients are made in batches of BATCH, one autocannon instance each, one batch per turn of the
// event loop: the same connections to the same targets and the same rate in total as one instance, and a
// phase stopped meanwhile makes no more.

import {test} from 'node:test'
import assert from 'node:assert/strict'
import {setImmediate as nextTurn} from 'node:timers/promises'
import type {GeneratorConfig} from '../../src/model/generator-messages.js'
import type {Autocannon} from '../../src/load/generator/autocannon-client.js'
import {AutocannonDriver, type PhaseLoad} from '../../src/load/generator/autocannon-driver.js'
import {BATCH, batchRate, rotatedTargets} from '../../src/load/generator/client-batches.js'
import {SecondCounts} from '../../src/load/generator/second-counts.js'
import {FakeClient} from './generator-fixtures.js'

const targets = ['http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3']
const config: GeneratorConfig = {targets, phases: [], requests: [{method: 'GET', path: '/', headers: {}, weight: 1}], timeout: 1000, seed: 1}

/** A stand-in autocannon that records every instance: its options, its clients' targets, whether it was stopped. */
function recording() {
  const instances: Array<{urls: string[]; connections: number; rate?: number; stopped: boolean; targets: string[]}> = []
  const autocannon: Autocannon = (opts) => {
    const urls = opts.url as string[]
    const one = {urls, connections: opts.connections as number, rate: opts.overallRate as number | undefined, stopped: false, targets: [] as string[]}
    for (let i = 0; i < one.connections; i++) {
      ;(opts.setupClient as (c: unknown) => void)(new FakeClient())
      one.targets.push(urls[i % urls.length])
    }
    instances.push(one)
    return {stop: () => (one.stopped = true)}
  }
  return {autocannon, instances}
}

const phase = (connections: number, rate?: number): PhaseLoad => ({spec: {name: 'steady', duration: 1000, measure: true, connections, ...(rate ? {rate} : {})}, paced: false, startsAt: 0, clients: []})

test(`${2 * BATCH + 200} connections: three batches, one per turn, connection k to target k mod 3, the rate shared out`, async () => {
  const {autocannon, instances} = recording()
  const load = phase(2 * BATCH + 200, 5000)
  const driver = new AutocannonDriver(autocannon, config, new SecondCounts(), assert.fail)
  driver.start(load)
  assert.deepEqual(instances.map((i) => i.connections), [BATCH], 'the first batch at once')
  for (let turn = 0; turn < 3; turn++) await nextTurn()
  assert.deepEqual(instances.map((i) => i.connections), [BATCH, BATCH, 200])
  assert.equal(load.clients.length, 2 * BATCH + 200)
  assert.deepEqual(instances.flatMap((i) => i.targets), Array.from({length: 2 * BATCH + 200}, (_, k) => targets[k % 3]))
  assert.equal(instances.reduce((n, i) => n + (i.rate ?? 0), 0), 5000)
})

test('stopped before every batch is made: the made ones stop, no more are made', async () => {
  const {autocannon, instances} = recording()
  const load = phase(3 * BATCH)
  const driver = new AutocannonDriver(autocannon, config, new SecondCounts(), assert.fail)
  const instance = driver.start(load)
  driver.stop(load, instance)
  for (let turn = 0; turn < 3; turn++) await nextTurn()
  assert.deepEqual(instances.map((i) => [i.connections, i.stopped]), [[BATCH, true]])
  assert.ok(load.clients.every((c) => (c as unknown as FakeClient).destroyed))
})

test('batchRate and rotatedTargets', () => {
  assert.deepEqual([0, 3, 6].map((first) => batchRate(10, first, 3, 9)), [3, 3, 4])
  assert.deepEqual(rotatedTargets(['a', 'b', 'c'], 4), ['b', 'c', 'a'])
  assert.deepEqual(rotatedTargets([], 4), [])
})
