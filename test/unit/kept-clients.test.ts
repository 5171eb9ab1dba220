// A closed-loop phase that follows one with the same connections keeps its clients (and connections):
// which phases keep them, the requests in flight moving from one phase's counts to the next, and a
// batch of clients made after the hand-over joining the phase that kept them.

import {test} from 'node:test'
import assert from 'node:assert/strict'
import {setImmediate as nextTurn, setTimeout as sleep} from 'node:timers/promises'
import type {PhaseSpec} from '../../src/model/scenario.js'
import type {FromGenerator, GeneratorConfig, Sample} from '../../src/model/generator-messages.js'
import {AutocannonDriver, type PhaseLoad} from '../../src/load/generator/autocannon-driver.js'
import {BATCH} from '../../src/load/generator/client-batches.js'
import {RequestChoice} from '../../src/load/generator/request-choice.js'
import {keepsClients} from '../../src/load/generator/kept-clients.js'
import {PhaseRunner} from '../../src/load/generator/phase-runner.js'
import {SecondCounts} from '../../src/load/generator/second-counts.js'
import {fakeAutocannon, iterator, type FakeClient} from './generator-fixtures.js'

const phase = (name: string, duration: number, over: Partial<PhaseSpec> = {}): PhaseSpec => ({name, duration, measure: true, connections: 2, ...over})
const config = (phases: PhaseSpec[]): GeneratorConfig => ({targets: ['http://127.0.0.1:1'], phases, requests: [{method: 'GET', path: '/', headers: {}, weight: 1}], timeout: 1000, seed: 1})

test('keepsClients: closed loop on both sides and the same connections', () => {
  const closed = phase('a', 1000, {connections: 100})
  assert.equal(keepsClients(closed, phase('b', 1000, {connections: 100, measure: false})), true)
  assert.equal(keepsClients(closed, phase('b', 1000, {connections: 100, rate: 0})), true, 'rate 0 is a closed loop')
  assert.equal(keepsClients(closed, phase('b', 1000, {connections: 101})), false)
  assert.equal(keepsClients(closed, phase('b', 1000, {connections: 100, rate: 5000})), false, 'a rate is built into each client')
  assert.equal(keepsClients(phase('a', 1000, {connections: 100, rate: 5000}), closed), false)
})

test('a warm-up then a measured phase with the same connections: one autocannon, the clients kept, their requests in flight moved to the measured phase', async () => {
  const messages: FromGenerator[] = []
  let done = 0
  const {autocannon, made} = fakeAutocannon()
  PhaseRunner.start(config([phase('warmup', 300, {measure: false}), phase('steady', 900)]), autocannon, {send: (m) => messages.push(m), done: () => done++, fail: assert.fail})
  await sleep(150)
  assert.ok(made.clients.every((c) => !c.destroyed))
  const end = Date.now() + 5000
  while (done === 0 && Date.now() < end) await sleep(20)
  assert.equal(done, 1)
  assert.equal(made.clients.length, 2, 'the measured phase made no clients')
  assert.equal(made.stopped, 1, 'its autocannon is stopped once, at the end')
  assert.ok(made.clients.every((c) => c.destroyed))
  const samples = messages.flatMap((m) => (m.type === 'sample' ? [m.sample] : []))
  // Each fake client has 2 requests in flight: cut off from the warm-up, sent in the measured phase's first part, cut off at its end.
  const shape = (s: Sample) => [s.phase, s.second, s.sent, s.cutOff, s.tenths?.sent[0]]
  assert.deepEqual(samples.map(shape), [
    ['warmup', -1, 0, 4, 0],
    ['steady', 0, 4, 4, 4],
  ])
})

test('a batch made after the hand-over joins the phase that kept the clients, with its request choice; only the requests already in flight move', async () => {
  const {autocannon, made} = fakeAutocannon()
  const counts = new SecondCounts()
  const weighted = {...config([]), requests: [0, 1].map((i) => ({method: 'GET', path: `/${i}`, headers: {}, weight: 1}))}
  const driver = new AutocannonDriver(autocannon, weighted, counts, assert.fail)
  const spec = phase('warmup', 1000, {connections: BATCH + 3, measure: false})
  const warmup: PhaseLoad = {spec, paced: false, startsAt: 0, clients: []}
  const instance = driver.start(warmup)
  driver.handOut(warmup)
  const steady: PhaseLoad = {spec: {...spec, name: 'steady', measure: true}, paced: false, startsAt: 0, clients: []}
  driver.keep(warmup, steady)
  assert.equal(counts.sent, 2 * BATCH)
  await nextTurn()
  assert.equal(made.clients.length, BATCH + 3)
  assert.deepEqual(steady.clients, made.clients)
  assert.equal(counts.sent, 2 * BATCH, 'the late batch sent nothing yet')
  const draws = (it: {nextRequest(): unknown; currentRequestIndex: number}) => Array.from({length: 40}, () => (it.nextRequest(), it.currentRequestIndex))
  const expected = iterator([])
  new RequestChoice(weighted.requests, weighted.seed, 'steady').setUp(expected, BATCH + 1)
  assert.deepEqual(draws(made.clients[BATCH + 1].requestIterator), draws(expected), "the measured phase's choice for client BATCH + 1")
  driver.stop(steady, instance)
  assert.ok(made.clients.every((c: FakeClient) => c.destroyed))
})
