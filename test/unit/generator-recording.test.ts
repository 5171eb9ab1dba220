// What the load generator records per request and response, with stand-ins for autocannon's clients:
// the second's counts and the sample they become, the backend read from the headers, and the
// accounting of connection failures (lost, resent, errored) before a reconnect.

import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {performance} from 'node:perf_hooks'
import {EventEmitter} from 'node:events'
import {setTimeout as sleep} from 'node:timers/promises'
import {decodeHistogram} from '../../src/metrics/histogram.js'
import type {AcClient} from '../../src/load/generator/autocannon-client.js'
import {onHeaders, recordingListeners} from '../../src/load/generator/recording.js'
import {connectionFailureHooks} from '../../src/load/generator/connection-failures.js'
import {SecondCounts} from '../../src/load/generator/second-counts.js'
import {fineBucket} from '../../src/metrics/fine-histogram.js'

/** A client as the listeners see it, fresh as the driver leaves it. */
function fakeClient(over: Partial<AcClient> = {}): AcClient {
  return {lbConnectFailures: 0, lbPaced: false, lbBackend: undefined, lbCounts: undefined, lbCountsId: undefined, lbClose: false, ...over} as AcClient
}

const headersOf = (...h: string[]) => {
  const client = fakeClient()
  onHeaders.call(client, {headers: h})
  return {backend: client.lbBackend, close: client.lbClose}
}

describe('response headers', () => {
  test('the backend comes from x-lbbench-backend, else x-lbbench-replica, in any spelling', () => {
    assert.deepEqual(headersOf('X-Lbbench-Backend', 'b1'), {backend: 'b1', close: false})
    assert.deepEqual(headersOf('x-lbbench-replica', 'r2'), {backend: 'r2', close: false})
    assert.deepEqual(headersOf('X-LBBENCH-REPLICA', 'r2', 'X-LBBENCH-BACKEND', 'b1'), {backend: 'b1', close: false})
    assert.deepEqual(headersOf('Content-Type', 'text/plain', 'x-lbbench-backenz', 'no'), {backend: undefined, close: false})
  })

  test("a balancer's own header (the scenario's backendHeader) names the backend first, in any spelling; lbbench's own when it is absent", () => {
    const listeners = recordingListeners(new SecondCounts(), 'X-Served-By')
    const backendOf = (...h: string[]) => {
      const client = fakeClient()
      listeners.onHeaders.call(client, {headers: h})
      return client.lbBackend
    }
    assert.equal(backendOf('x-lbbench-replica', 'app1', 'x-served-by', 'r2'), 'r2')
    assert.equal(backendOf('X-SERVED-BY', '127.0.0.1:9002', 'X-Lbbench-Backend', 'b1'), '127.0.0.1:9002')
    assert.equal(backendOf('x-lbbench-replica', 'r3'), 'r3')
    assert.equal(backendOf('x-served-byx', 'r1'), undefined)
  })

  test('Connection: close is noted, keep-alive is not', () => {
    assert.deepEqual(headersOf('Connection', 'close'), {backend: undefined, close: true})
    assert.deepEqual(headersOf('connection', 'Close', 'x-lbbench-backend', 'b2'), {backend: 'b2', close: true})
    assert.deepEqual(headersOf('Connection', 'keep-alive'), {backend: undefined, close: false})
  })
})

describe('second counts', () => {
  test('responses by status and backend, latency in whole µs (at least 1), into the sample', () => {
    const counts = new SecondCounts()
    const {onRequest, onResponse, onTimeout} = recordingListeners(counts)
    const client = fakeClient({lbConnectFailures: 3})
    for (let i = 0; i < 4; i++) onRequest.call(client)
    client.lbBackend = 'b1'
    onResponse.call(client, 200, 12, 1.2345)
    assert.equal(client.lbConnectFailures, 0, 'an answer ends a run of connect failures')
    assert.equal(client.lbBackend, undefined, 'the backend is read afresh for every response')
    client.lbBackend = 'b1'
    onResponse.call(client, 503, 10, 0.0002)
    onResponse.call(client, 1234, 5, 0.5)
    onTimeout.call(client)
    const sample = counts.toSample(-1, 'warmup', false, false)
    const {histogram, perBackend, tenths: _tenths, ...rest} = sample
    assert.deepEqual(rest, {
      second: -1,
      phase: 'warmup',
      measure: false,
      sent: 4,
      completed: 3,
      bytes: 27,
      status: {'200': 1, '503': 1, '999': 1},
      errors: {connect: 0, reset: 0, timeout: 1},
      lost: 0,
      cutOff: 0,
      openConnections: 0,
    })
    assert.deepEqual(Object.keys(perBackend), ['b1'])
    assert.deepEqual({completed: perBackend.b1.completed, non2xx: perBackend.b1.non2xx}, {completed: 2, non2xx: 1})
    const b1 = decodeHistogram(perBackend.b1.histogram)
    assert.deepEqual([b1.totalCount, b1.minNonZeroValue, b1.maxValue], [2, 1, 1235])
    const all = decodeHistogram(histogram)
    assert.deepEqual([all.totalCount, all.minNonZeroValue, all.maxValue], [3, 1, 1235], 'unattributed responses count overall')
  })

  test('paced: latency from the intended send, and the actual one beside it', () => {
    const counts = new SecondCounts()
    const {onResponse} = recordingListeners(counts)
    onResponse.call(fakeClient({lbPaced: true, lbIntended: performance.now() - 40}), 200, 1, 2)
    const sample = counts.toSample(0, 'steady', true, true)
    const corrected = decodeHistogram(sample.histogram)
    assert.ok(corrected.minNonZeroValue >= 40_000 * 0.999, `timed from when it was due: ${corrected.minNonZeroValue} µs`)
    assert.equal(decodeHistogram(sample.uncorrectedHistogram!).maxValue, 2000)
    assert.equal(counts.toSample(0, 'steady', true, false).uncorrectedHistogram, undefined)
  })

  test('each count also goes into the current 100 ms part of the second, latency into its coarse histogram', () => {
    const counts = new SecondCounts()
    const {onRequest, onResponse, onTimeout} = recordingListeners(counts)
    const {onConnError, connect} = connectionFailureHooks(counts, function (this: AcClient) {
      this.conn = new EventEmitter()
    })
    const client = fakeClient()
    counts.tenth = 2
    onRequest.call(client)
    onRequest.call(client)
    client.lbBackend = 'b1'
    onResponse.call(client, 200, 10, 1.5)
    counts.tenth = 7
    onRequest.call(client)
    client.lbBackend = 'b1'
    onResponse.call(client, 503, 10, 20)
    onTimeout.call(client)
    const failing = fakeClient({pipelinedRequests: {size: () => 1, clear: () => {}, addBody: () => {}}, parser: {type: 'RESPONSE', reinitialize: () => {}}})
    onConnError.call(failing, Object.assign(new Error('refused'), {code: 'ECONNREFUSED'}))
    connect.call(failing)
    const t = counts.toSample(0, 'steady', true, false).tenths!
    const only = (j: number, n: number) => Array.from({length: 10}, (_, i) => (i === j ? n : 0))
    assert.deepEqual([t.sent, t.completed, t.non2xx, t.timeout, t.connect, t.perBackend.b1], [
      [0, 0, 2, 0, 0, 0, 0, 1, 0, 0], [0, 0, 1, 0, 0, 0, 0, 1, 0, 0], only(7, 1), only(7, 1), only(7, 1), [0, 0, 1, 0, 0, 0, 0, 1, 0, 0],
    ])
    assert.deepEqual(t.latency[2], [fineBucket(1500), 1])
    assert.deepEqual(t.latency[7], [fineBucket(20_000), 1])
    counts.clear()
    assert.deepEqual(counts.toSample(1, 'steady', true, false).tenths!.sent, only(0, 0), 'cleared with the second')
  })

  test('clear() starts the next second from zero; a backend silent in it is left out', () => {
    const counts = new SecondCounts()
    const {onRequest, onResponse} = recordingListeners(counts)
    onRequest.call(fakeClient())
    onResponse.call(fakeClient({lbBackend: 'b1'}), 200, 100, 1)
    counts.connect = counts.reset = counts.lost = counts.cutOff = 1
    counts.clear()
    onResponse.call(fakeClient(), 204, 0, 1)
    const s = counts.toSample(1, 'steady', true, false)
    assert.deepEqual([s.sent, s.completed, s.bytes, s.status, s.errors, s.lost, s.cutOff, s.perBackend], [0, 1, 0, {'204': 1}, {connect: 0, reset: 0, timeout: 0}, 0, 0, {}])
    assert.equal(decodeHistogram(s.histogram).totalCount, 1)
  })
})

describe('connection failures', () => {
  function failingClient(pending: number, over: Partial<AcClient> = {}) {
    const queue = {n: pending}
    const reinitialized: string[] = []
    const client = fakeClient({
      destroyed: false,
      lbErrored: false,
      lbDown: false,
      lbBackoff: undefined,
      pipelinedRequests: {size: () => queue.n, clear: () => (queue.n = 0), addBody: () => {}},
      parser: {type: 'RESPONSE', reinitialize: (t: string) => reinitialized.push(t)},
      ...over,
    })
    return {client, queue, reinitialized}
  }
  function hooks() {
    const counts = new SecondCounts()
    const connects: AcClient[] = []
    const h = connectionFailureHooks(counts, function (this: AcClient) {
      connects.push(this)
      this.conn = new EventEmitter()
    })
    return {counts, connects, ...h}
  }

  test('closed without an answer: the requests written are lost, the queue and parser start afresh', () => {
    const {counts, connects, connect} = hooks()
    const {client, queue, reinitialized} = failingClient(2)
    connect.call(client)
    assert.deepEqual([counts.lost, counts.sent, queue.n, reinitialized, connects.length], [2, 0, 0, ['RESPONSE'], 1])
  })

  test('a reset counts once for its request, not also as lost; an idle connection failing counts nothing', () => {
    const {counts, onConnError, connect} = hooks()
    const busy = failingClient(1)
    onConnError.call(busy.client, Object.assign(new Error('reset'), {code: 'ECONNRESET'}))
    connect.call(busy.client)
    assert.deepEqual([counts.reset, counts.lost, busy.client.lbErrored, busy.client.lbConnectFailures], [1, 0, false, 0])
    const idle = failingClient(0)
    onConnError.call(idle.client, Object.assign(new Error('reset'), {code: 'EPIPE'}))
    assert.equal(counts.reset, 1)
  })

  test('a connect error backs off before reconnecting; a destroyed client does not reconnect', async () => {
    const {counts, connects, onConnError, connect} = hooks()
    const {client} = failingClient(1)
    onConnError.call(client, Object.assign(new Error('refused'), {code: 'ECONNREFUSED'}))
    connect.call(client)
    assert.deepEqual([counts.connect, counts.lost, client.lbConnectFailures, client.lbDown, connects.length], [1, 0, 1, true, 0])
    assert.notEqual(client.lbBackoff, undefined)
    connect.call(client)
    assert.equal(connects.length, 0, 'no second reconnect while one is waiting')
    await sleep(20)
    assert.deepEqual([client.lbDown, client.lbBackoff, connects.length], [false, undefined, 1])
    client.destroyed = true
    connect.call(client)
    assert.equal(connects.length, 1)
  })

  test('open connections: counted from connect to close, not a connection that never connected; the gauge outlives clear()', async () => {
    const {counts, connect} = hooks()
    const a = failingClient(0).client
    const b = failingClient(0).client
    connect.call(a)
    connect.call(b)
    const [first, refused] = [a.conn, b.conn] as EventEmitter[]
    assert.equal(counts.open, 0, 'not before the connect')
    first.emit('connect')
    assert.equal(counts.open, 1)
    refused.emit('close')
    assert.equal(counts.open, 1, 'a refused connection was never open')
    counts.clear()
    assert.equal(counts.toSample(0, 'steady', true, false).openConnections, 1)
    // Reconnected after a backoff (connection-failures.ts' own path): counted the same way.
    first.emit('close')
    a.lbConnectFailures = 1
    connect.call(a)
    await sleep(5)
    ;(a.conn as EventEmitter).emit('connect')
    assert.deepEqual([counts.open, counts.opened], [1, 1], 'open again; opened since clear(): the one reconnect')
  })
})
