// How the load generator fits autocannon's clients, with a stand-in for autocannon that makes clients
// the way autocannon 9 does (setupClient, then its own listeners): the options it is given, the weighted
// request choice, the listeners left on each client, the paced schedule, and stopping a phase.

import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import type {PhaseSpec, RequestSpec} from '../../src/model/scenario.js'
import type {GeneratorConfig} from '../../src/model/generator-messages.js'
import type {AcClient} from '../../src/load/generator/autocannon-client.js'
import {AutocannonDriver, type PhaseLoad} from '../../src/load/generator/autocannon-driver.js'
import {RequestChoice, weightedPicker} from '../../src/load/generator/request-choice.js'
import {SecondCounts} from '../../src/load/generator/second-counts.js'
import {FakeClient, fakeAutocannon, iterator} from './generator-fixtures.js'

const request = (path: string, weight = 1, headers: Record<string, string> = {}): RequestSpec => ({method: 'GET', path, headers, weight})

describe('request choice', () => {
  test('weighted picker: a uniform number falls in its request by cumulative weight; zero weights are never picked', () => {
    const pick = weightedPicker([request('/a', 1), request('/b', 0), request('/c', 3)])!
    assert.deepEqual([0, 0.2499, 0.25, 0.5, 0.9999].map(pick), [0, 0, 2, 2, 2])
    assert.equal(weightedPicker([request('/a')]), undefined)
  })

  test('each client chooses by weight from a sequence of its own, the same for the same seed', () => {
    const requests = [request('/a', 1), request('/b', 3)]
    const draws = (seed: number, index: number) => {
      const it = iterator(new RequestChoice(requests, seed, 'steady').requests)
      new RequestChoice(requests, seed, 'steady').setUp(it, index)
      return Array.from({length: 4000}, () => it.requests.indexOf(it.nextRequest()))
    }
    const first = draws(7, 0)
    assert.deepEqual(draws(7, 0), first)
    assert.notDeepEqual(draws(7, 1), first)
    assert.notDeepEqual(draws(8, 0), first)
    const share = first.filter((i) => i === 1).length / first.length
    assert.ok(share > 0.72 && share < 0.78, `/b is 3/4 of the requests: ${share}`)
  })

  test('{{n:…}} keys expand into one request per key; a lone request is the same buffer every time', () => {
    const keyed = new RequestChoice([request('/k', 1, {'x-user': 'u-{{n:3}}'})], 1, 'p')
    assert.deepEqual(keyed.requests.map((r) => r.headers), [{'x-user': 'u-0'}, {'x-user': 'u-1'}, {'x-user': 'u-2'}])
    const lone = new RequestChoice([request('/only')], 1, 'p')
    assert.deepEqual(lone.requests, [{method: 'GET', path: '/only', headers: {}}])
    const it = iterator(['buffer'])
    lone.setUp(it, 0)
    assert.deepEqual([it.nextRequest(), it.nextRequest(), it.currentRequestIndex], ['buffer', 'buffer', 0])
  })
})

const config: GeneratorConfig = {targets: ['http://127.0.0.1:1'], phases: [], requests: [request('/')], timeout: 1500, seed: 7}
const spec = (over: Partial<PhaseSpec>): PhaseSpec => ({name: 'steady', duration: 2500, measure: true, connections: 4, ...over})
const load = (s: PhaseSpec, paced: boolean): PhaseLoad => ({spec: s, paced, startsAt: 1000, clients: []})

describe('autocannon driver', () => {
  test('closed loop: autocannon gets the connections, a timeout it accepts, and no rate', () => {
    const {autocannon, made} = fakeAutocannon()
    new AutocannonDriver(autocannon, config, new SecondCounts(), () => {}).start(load(spec({}), false))
    const {setupClient, requests, ...opts} = made.opts!
    assert.deepEqual(opts, {url: ['http://127.0.0.1:1'], connections: 4, duration: 3603, timeout: 2})
    assert.deepEqual(requests, [{method: 'GET', path: '/', headers: {}}])
    assert.equal(typeof setupClient, 'function')
    assert.deepEqual(made.clients.map((c) => (c as unknown as AcClient).timeout), [1500, 1500, 1500, 1500], 'the exact timeout on each client')
  })

  test('actual-send rate: autocannon limits the rate, without its coordinated-omission correction', () => {
    const {autocannon, made} = fakeAutocannon()
    new AutocannonDriver(autocannon, config, new SecondCounts(), () => {}).start(load(spec({rate: 3}), false))
    assert.deepEqual([made.opts!.connections, made.opts!.overallRate, made.opts!.ignoreCoordinatedOmission], [3, 3, true])
  })

  test('paced: no rate for autocannon; each client on its own schedule, sending through the paced sender', () => {
    const {autocannon, made} = fakeAutocannon()
    new AutocannonDriver(autocannon, config, new SecondCounts(), () => {}).start(load(spec({rate: 200}), true))
    assert.equal(made.opts!.overallRate, undefined)
    const clients = made.clients as unknown as AcClient[]
    assert.deepEqual(clients.map((c) => [c.lbNext, c.lbInterval, c.lbPaced]), [[1000, 20, true], [1005, 20, true], [1010, 20, true], [1015, 20, true]])
    assert.equal(clients[0]._doRequest, clients[3]._doRequest, 'one sender shared by every client')
    assert.notEqual(clients[0]._doRequest, FakeClient.prototype._doRequest)
  })

  test('paced, one of several generators or shards: the whole schedule moved by its scheduleOffsetMs', () => {
    const {autocannon, made} = fakeAutocannon()
    new AutocannonDriver(autocannon, config, new SecondCounts(), () => {}).start({...load(spec({rate: 200}), true), scheduleOffsetMs: 2.5})
    const clients = made.clients as unknown as AcClient[]
    assert.deepEqual(clients.map((c) => c.lbNext), [1002.5, 1007.5, 1012.5, 1017.5])
  })

  test('only our listeners are left on each client, and they record into the counts', () => {
    const {autocannon, made} = fakeAutocannon()
    const counts = new SecondCounts()
    const phase = load(spec({connections: 2}), false)
    new AutocannonDriver(autocannon, config, counts, () => {}).start(phase)
    assert.deepEqual(phase.clients, made.clients)
    for (const c of made.clients) {
      assert.deepEqual(['request', 'headers', 'response', 'connError', 'timeout', 'reset'].map((e) => c.listenerCount(e)), [1, 1, 1, 1, 1, 0])
    }
    const c = made.clients[0]
    c.emit('request')
    c.emit('headers', {headers: ['x-lbbench-backend', 'b1']})
    c.emit('response', 200, 10, 1)
    c.emit('timeout')
    assert.deepEqual([counts.sent, counts.completed, counts.timeout, counts.backends.get('b1')?.completed], [1, 1, 1, 1])
    ;(c as unknown as AcClient)._connect()
    assert.deepEqual([counts.lost, c.inFlight, c.connects], [2, 0, 1], "our _connect accounts for the requests in flight, then calls autocannon's")
  })

  test('stop: requests in flight are cut off, timers cleared, clients destroyed, autocannon stopped', async () => {
    const {autocannon, made} = fakeAutocannon()
    const counts = new SecondCounts()
    const driver = new AutocannonDriver(autocannon, config, counts, () => {})
    const phase = load(spec({connections: 3}), false)
    const instance = driver.start(phase)
    const c0 = made.clients[0] as unknown as AcClient
    let fired = false
    c0.lbTimer = setTimeout(() => (fired = true), 10)
    driver.stop(phase, instance)
    assert.deepEqual([counts.cutOff, made.stopped, made.clients.every((c) => c.destroyed), c0.lbTimer], [6, 1, true, undefined])
    await new Promise((r) => setTimeout(r, 30))
    assert.equal(fired, false, 'the timer was cleared')
  })
})
